/* feed.h - the interface between the feed parsers and the database
 * builder (internal to src/vulndb).
 *
 * A parser reads the bytes of one file of its kind and hands one struct
 * lb_feed_record per advisory to a struct lb_feed_sink. It owns nothing it
 * passes: every string in a record is valid only during the emit call, and
 * the sink copies what it keeps. A bad record is a warning naming the file
 * and the record (lb_feed_warn), and the parser goes on with the next one;
 * only a file that cannot be read at all makes parse return < 0.
 *
 * Adding a feed (Ubuntu OVAL, Red Hat CSAF...) is adding a const struct
 * lb_feed_ops and listing it in lb_feed_find (build.c).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/lb_ctx.h"
#include "vulndb/vulndb.h"

/* Caps on what one feed may make us hold (hostile feeds). */
#define LB_FEED_MAX_FILE      (512u << 20) /* one feed file read into memory */
#define LB_FEED_MAX_ZIP_ENTRY (64u << 20)  /* one member of an OSV zip */
#define LB_FEED_MAX_ID        128          /* bytes of an advisory ID */
#define LB_FEED_MAX_NAME      256          /* bytes of a package name */
#define LB_FEED_MAX_VERSION   256          /* bytes of a version string */
#define LB_FEED_MAX_TITLE     256          /* titles are cut at a word boundary */
#define LB_FEED_MAX_DATE      40
#define LB_FEED_MAX_VECTOR    256          /* bytes of a CVSS vector */
#define LB_FEED_MAX_ALIASES   256          /* IDs one record may alias */
#define LB_FEED_MAX_AFFECTED  10000        /* affected entries in one record */
#define LB_FEED_MAX_EVENTS    4096         /* events in one range */
#define LB_FEED_MAX_VERSIONS  20000        /* explicit versions in one affected entry */
#define LB_FEED_MAX_CWE       32
#define LB_FEED_MAX_DEPTH     64           /* YAML nesting */
#define LB_FEED_MAX_WALK_DEPTH 32          /* folder nesting of a source */

/* Severity as stored: the order matters (higher is worse). */
enum lb_feed_sev {
	LB_FEED_SEV_NONE = 0,      /* unknown / not rated */
	LB_FEED_SEV_LOW,
	LB_FEED_SEV_MEDIUM,
	LB_FEED_SEV_HIGH,
	LB_FEED_SEV_CRITICAL,
};

/* Precedence of a record's metadata (title, dates, CWE, CVSS): the
 * highest rank that has a field gives it. */
enum lb_feed_rank {
	LB_RANK_DISTRO = 1,        /* Debian tracker description, DSA titles */
	LB_RANK_OSV = 2,           /* OSV summary, severity[], database_specific */
	LB_RANK_CVE5_ADP = 3,      /* CVE 5 ADP containers (CISA) */
	LB_RANK_CVE5 = 4,          /* CVE 5 CNA container */
	LB_RANK_NVD_SECONDARY = 5, /* NVD metrics of type Secondary */
	LB_RANK_NVD = 6,           /* NVD Primary metrics and description */
};

struct lb_feed_cvss {
	const char *vector;        /* "CVSS:3.1/AV:N/...", "CVSS:4.0/...", or v2 "AV:N/AC:L/..." */
	double score;              /* base score as the feed states it, or < 0 */
	int rank;                  /* enum lb_feed_rank */
};

struct lb_feed_affected {
	const char *source;        /* "osv:PyPI", "alpine-secdb", "debian-tracker"... */
	const char *ecosystem;     /* purl type */
	const char *distro;        /* "debian:bookworm", "alpine:v3.7", "wolfi"; NULL for languages */
	const char *package;       /* as the source keys it, normalised (lb_feed_pkgname) */
	enum lb_vstatus status;
	const char *fixed;         /* NULL when none; OSV: the fixed events joined by ", " */
	const char *ranges;        /* OSV-style JSON (vulndb.h) or NULL */
	const char *versions;      /* JSON array or NULL */
	enum lb_feed_sev severity; /* the vendor's own rating, or NONE */
	const char *severity_source; /* "vendor:debian"...; set when severity is */
	const char *record;        /* the native record ID (GO-2021-0113, DSA-5380-1) or NULL */
};

struct lb_feed_record {
	const char *file;          /* the file it came from, for warnings */
	const char *id;
	/* IDs of the same vulnerability: merged into one (the CVE wins). */
	const char *const *aliases;
	size_t naliases;
	/* IDs only mentioned: listed among the aliases, never merged (a DSA
	 * that fixes several CVEs, an XSA next to its CVE). */
	const char *const *related;
	size_t nrelated;
	const char *title;         /* short, one line; cut to LB_FEED_MAX_TITLE */
	int title_rank;
	const char *published, *modified;
	bool withdrawn;            /* dropped by the builder */
	bool metadata_only;        /* NVD, CVE 5: merged into an existing vuln by ID, never rows */
	int meta_rank;             /* precedence of published/modified/cwe (enum lb_feed_rank) */
	const struct lb_feed_cvss *cvss;
	size_t ncvss;
	const char *const *cwe;    /* "CWE-79"... */
	size_t ncwe;
	const struct lb_feed_affected *aff;
	size_t naff;
};

struct lb_feed_sink {
	struct lb_ctx *cx;
	/* Takes one record; returns 0 or < 0 to stop the whole build. */
	int (*emit)(struct lb_feed_sink *s, const struct lb_feed_record *r);
	void *arg;
	size_t nrecords;           /* records emitted (lb_feed_emit counts them) */
	size_t nwarnings;          /* warnings about this feed */
	size_t nbadfiles;          /* files that could not be read or parsed as a whole */
	int nwarn_quiet;           /* past this many, warnings are counted only */
};

/* One kind of source (`--source KIND:PATH`). */
struct lb_feed_ops {
	const char *kind;
	/* Whether a file met while walking a source folder is this feed's
	 * (relpath is relative to the folder given). */
	bool (*want)(const char *relpath);
	/* Parses one file: name names it in warnings (and tells the feed
	 * apart where the name matters, e.g. Debian's DSA/list); kind is the
	 * source kind (one parser serves alpine-secdb and wolfi-secdb).
	 * Returns 0 or < 0 when the file as a whole is unreadable (after a
	 * warning) or the sink asked to stop. */
	int (*parse)(struct lb_feed_sink *s, const char *kind, const char *name,
	    const void *buf, size_t len);
};

extern const struct lb_feed_ops lb_feed_osv;
extern const struct lb_feed_ops lb_feed_alpine_secdb;
extern const struct lb_feed_ops lb_feed_wolfi_secdb;
extern const struct lb_feed_ops lb_feed_debian;
extern const struct lb_feed_ops lb_feed_nvd;
extern const struct lb_feed_ops lb_feed_cve5;

/* The feed for a source kind, or NULL. */
const struct lb_feed_ops *lb_feed_find(const char *kind);

/* Counts and passes r to the sink. */
int lb_feed_emit(struct lb_feed_sink *s, const struct lb_feed_record *r);

/* Warns "bad record 'ID' in 'FILE': MESSAGE" (or "bad feed file 'FILE'"
 * when id is NULL) through the sink's context. */
void lb_feed_warn(struct lb_feed_sink *s, const char *file, const char *id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* --- scratch strings for one record ------------------------------------ */

/* Strings a parser builds for one record, freed together. */
struct lb_feed_tmp {
	char **p;
	size_t n, cap;
};
/* Takes ownership of s (may be NULL) and returns it. */
char *lb_feed_tmp_keep(struct lb_feed_tmp *t, char *s);
char *lb_feed_tmp_printf(struct lb_feed_tmp *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lb_feed_tmp_reset(struct lb_feed_tmp *t);

/* A growable array of pointers for aliases, CWEs and the like. */
struct lb_feed_list {
	const char **v;
	size_t n, cap;
};
void lb_feed_list_add(struct lb_feed_list *l, const char *s);
void lb_feed_list_release(struct lb_feed_list *l);

/* --- checks on untrusted strings -------------------------------------- */

/* Whether s is an acceptable ID: 1..LB_FEED_MAX_ID bytes of printable
 * ASCII without blanks. */
bool lb_feed_id_ok(const char *s);
/* Whether s is an acceptable version: 1..LB_FEED_MAX_VERSION bytes of
 * printable ASCII without blanks or quotes. */
bool lb_feed_version_ok(const char *s);
/* Whether s is an acceptable package name (1..LB_FEED_MAX_NAME bytes,
 * printable ASCII without blanks). */
bool lb_feed_name_ok(const char *s);
/* Whether the n bytes at s are valid UTF-8 without control characters
 * (tab allowed). */
bool lb_feed_text_ok(const char *s, size_t n);
/* A one-line title from text (first line or sentence, blanks squeezed, cut
 * at a word boundary to LB_FEED_MAX_TITLE), new string, or NULL. */
char *lb_feed_title(const char *text, size_t n);
/* Whether s is "CVE-YYYY-NNNN..." exactly. */
bool lb_feed_is_cve(const char *s);

/* --- names and keys ---------------------------------------------------- */

/* Maps an OSV ecosystem ("PyPI", "Debian:12", "Alpine:v3.18",
 * "Ubuntu:Pro:22.04:LTS") to a purl type and, for distributions, a distro
 * key written into distro (cap bytes). Returns the purl type (static) or
 * NULL when the ecosystem is not one lifebelt matches. */
const char *lb_feed_osv_ecosystem(const char *eco, char *distro, size_t cap);
/* The Debian codename for a release number ("12" -> "bookworm") or NULL. */
const char *lb_feed_debian_codename(const char *num);
/* Whether s is a known Debian codename (woody..forky, sid). */
bool lb_feed_debian_known(const char *s);
/* The package name normalised for ecosystem (PEP 503 for pypi, lowercase
 * for nuget and composer...), new string. */
char *lb_feed_pkgname(const char *ecosystem, const char *name);

/* --- JSON and YAML ----------------------------------------------------- */

/* The string at key in obj, NULL when absent or null; *bad is set when
 * the key holds something other than a string (or a string with a NUL). */
const char *lb_feed_jstr(json_t *obj, const char *key, bool *bad);
/* Parses YAML into a JSON tree: mappings become objects, sequences arrays,
 * every scalar a string (so that "1.10" stays "1.10") except the plain
 * null forms, which become null. Anchors and aliases are refused.
 * Returns 0 and a new reference, or -LB_E_FORMAT with a message in err. */
int lb_feed_yaml_load(const void *buf, size_t len, json_t **out, char *err, size_t errcap);
/* Parses buf as JSON (first byte '{' or '[') or else as YAML. */
int lb_feed_doc_load(const void *buf, size_t len, json_t **out, char *err, size_t errcap);

/* Walks a JSON document without building it: calls fn for each member of
 * the top-level object (key decoded, value as raw bytes), or for each
 * element of the top-level array (key NULL). fn returns < 0 to stop.
 * Returns 0, fn's value, or -LB_E_FORMAT at the first structural error
 * (*errpos set to its offset); members before it have been passed. */
int lb_feed_json_split(const char *buf, size_t len,
    int (*fn)(void *arg, const char *key, const char *val, size_t vlen), void *arg,
    size_t *errpos);

/* --- CVSS -------------------------------------------------------------- */

/* The base score of a CVSS v3.0/v3.1 vector ("CVSS:3.1/AV:N/...") or a
 * v2 vector ("AV:N/AC:L/Au:N/C:P/I:P/A:P"), computed with the
 * specification's formulas; *version is 2 or 3. Returns 0,
 * -LB_E_UNSUPPORTED for other versions (v4) or -LB_E_FORMAT. */
int lb_cvss_base_score(const char *vector, double *score, int *version);
/* The qualitative rating of a score (v2: no CRITICAL). */
enum lb_feed_sev lb_cvss_severity(double score, int version);
/* "LOW", "MEDIUM", ... or "UNKNOWN" for NONE. */
const char *lb_feed_sev_name(enum lb_feed_sev s);
/* Maps a vendor's word ("low", "moderate", "important", "high**",
 * "unimportant", "negligible") to a severity, NONE when unknown. */
enum lb_feed_sev lb_feed_sev_parse(const char *s);
