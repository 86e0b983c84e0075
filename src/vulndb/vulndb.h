/* vulndb.h - the local vulnerability database: one SQLite file built in
 * one pass from feeds on disk (OSV, Alpine/Wolfi secdb, Debian tracker,
 * NVD, CVE 5), opened read-only for matching.
 *
 * Ownership: a struct lb_vulndb is a long-lived handle (_open/_close),
 * safe to share between threads; a struct lb_vpkg belongs to the caller
 * (lb_vpkg_free); the strings in a struct lb_advisory passed to a callback
 * are valid only during that callback.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lb_ctx.h"
#include "base/lb_slice.h"

/* One feed given to `db build --source KIND:PATH`. */
struct lb_feed_source {
	const char *kind;      /* "osv", "alpine-secdb", "wolfi-secdb", "debian-tracker", "nvd", "cve5" */
	const char *path;      /* file, folder (read recursively) or zip */
	const char *label;     /* what `db info` shows for it (e.g. the URL); NULL: path */
	int required;          /* fail the build when it holds no records or a file of it is unreadable */
};

/* Builds a new database at out_path from the sources: into a temporary
 * file beside it, renamed into place only when complete, so a failure
 * leaves an existing database untouched. Bad records are warnings naming
 * the record; the build goes on. Returns 0 or < 0. */
int lb_vulndb_build(struct lb_ctx *cx, const struct lb_feed_source *src, size_t nsrc,
    const char *out_path);

struct lb_vulndb;

/* Opens path read-only; -LB_E_NOTFOUND when absent, -LB_E_FORMAT when it is
 * not a lifebelt database of a supported schema version. */
int lb_vulndb_open(struct lb_ctx *cx, const char *path, struct lb_vulndb **out);
void lb_vulndb_close(struct lb_vulndb *db);

/* Status of a package in an advisory, as the source states it. */
enum lb_vstatus {
	LB_VS_FIXED = 0,       /* fixed in fixed_version (ranges also say so) */
	LB_VS_AFFECTED,        /* known vulnerable, no fix yet (unfixed) */
	LB_VS_WONTFIX,         /* the distribution will not fix it */
	LB_VS_NODSA,           /* Debian: minor issue, no security advisory (no-dsa/postponed) */
	LB_VS_EOL,             /* the distribution release is end-of-life */
	LB_VS_NOT_AFFECTED,    /* explicitly not affected (Debian "not-affected", "<not-affected>") */
};

struct lb_advisory {
	const char *id;            /* preferred ID: the CVE when there is one, else the record's */
	const char *aliases;       /* JSON array of the other IDs (GHSA, PYSEC, DSA...) */
	const char *source;        /* e.g. "osv:PyPI", "alpine-secdb", "debian-tracker" */
	const char *ecosystem;     /* purl type */
	const char *distro;        /* "debian:bookworm", "alpine:v3.18", "wolfi"; NULL for language
	                            * packages; "debian" for a tracker line that names no release,
	                            * offered for a release that has no line of its own */
	const char *package;       /* name as the source keys it (Debian source package, apk origin, PEP 503 name...) */
	enum lb_vstatus status;
	const char *fixed;         /* fixed version or NULL */
	/* Affected ranges as OSV events in the ecosystem's order, JSON:
	 * [{"type":"ECOSYSTEM"|"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2"},...]}];
	 * NULL when versions or fixed says it all. */
	const char *ranges;
	const char *versions;      /* JSON array of explicitly affected versions (those the
	                            * comparator orders first, in its order), or NULL */
	const char *severity;      /* LOW MEDIUM HIGH CRITICAL UNKNOWN (vendor first, then CVSS) */
	const char *severity_source; /* "vendor:debian", "nvd", "osv"... */
	const char *cvss_vector;   /* CVSS v3/v4 vector or NULL */
	double cvss_score;         /* 0 when unknown */
	const char *cwe;           /* JSON array or NULL */
	const char *title;
	const char *url;           /* primary URL */
	const char *published, *modified;
};

/* --- matching ------------------------------------------------------------
 *
 * What the matcher reads: every advisory about one package, in the form it
 * evaluates without parsing (schema.h, pkgblob.h), and the details of a
 * vulnerability, looked up only when it matches. */

/* An event of an affected range (OSV "Evaluation"): introduced turns the
 * range on at v ("0": from the start), fixed turns it off at v, and
 * last_affected after v. */
enum lb_vevent_kind { LB_EV_INTRODUCED = 1, LB_EV_FIXED = 2, LB_EV_LAST_AFFECTED = 3 };

struct lb_vevent {
	int kind;                  /* enum lb_vevent_kind */
	struct lb_slice v;
};

/* An ECOSYSTEM or SEMVER range: its events in the ecosystem's version
 * order, every version valid for its comparator (but an introduced "0"). */
struct lb_vrange {
	const struct lb_vevent *ev;
	size_t nev;
	int semver;                /* the feed's type: 1 SEMVER, 0 ECOSYSTEM */
};

/* One affected entry of the package. Strings are valid as long as the
 * struct lb_vpkg and the handle (labels) are. */
struct lb_vrow {
	uint32_t vuln;             /* lb_vulndb_vuln */
	enum lb_vstatus status;
	/* Debian: a tracker line that names no release (the unstable fix),
	 * offered for a release that has no line of its own; that release is
	 * then still vulnerable, with no fix of its own */
	bool fallback;
	const char *source;        /* the data source ("debian-tracker", "osv:PyPI") or NULL */
	const char *vsev;          /* the vendor's rating ("LOW".."CRITICAL") or NULL */
	const char *vsev_src;      /* who gave it ("vendor:debian") or NULL */
	struct lb_slice fixed;     /* the feed's fixed version(s), .p NULL when none; for an
	                            * OSV entry the fixed events joined by ", " */
	struct lb_slice record;    /* the native advisory ID when it is not the vuln's name */
	const struct lb_vrange *ranges;
	size_t nranges;            /* 0: no ECOSYSTEM or SEMVER range */
	/* explicitly affected versions: versions[0..nvalid) valid for the
	 * comparator and in its order, then those it refuses */
	const struct lb_slice *versions;
	size_t nvalid, nversions;
};

struct lb_vpkg {
	struct lb_vrow *rows;
	size_t nrows;
	void *mem_;                /* storage, private to src/vulndb */
};

/* Every advisory about package in (ecosystem, distro) (distro NULL: a
 * language package), rows in vuln order; for a Debian release, the
 * release-less lines (fallback rows) of vulns it has no line for follow.
 * The name is normalised as the feeds key it (lb_feed_pkgname). Sets
 * *out to a new package (lb_vpkg_free), or to NULL when there is none,
 * and returns 0; or -LB_E_FORMAT for a corrupt database. Thread-safe. */
int lb_vulndb_lookup(struct lb_vulndb *db, const char *ecosystem, const char *distro,
    const char *package, struct lb_vpkg **out);
void lb_vpkg_free(struct lb_vpkg *p);

/* A vulnerability after alias merging. Strings are NULL when unknown. */
struct lb_vuln {
	const char *name;          /* the CVE when there is one, else the preferred record ID */
	const char *aliases;       /* JSON array of the other IDs, or NULL */
	const char *title;
	const char *severity;      /* from the CVSS base score: LOW..CRITICAL, or UNKNOWN */
	const char *severity_source; /* "nvd", "cve5", "osv" or NULL (valid as long as the handle) */
	const char *cvss_vector;
	double cvss_score;         /* 0 when unknown */
	const char *cwe;           /* JSON array or NULL */
	const char *published, *modified;
};

/* Looks up vulnerability id: sets *out to a new struct, freed with free()
 * (one allocation), and returns 0; -LB_E_NOTFOUND or -LB_E_FORMAT. */
int lb_vulndb_vuln(struct lb_vulndb *db, uint32_t id, struct lb_vuln **out);

/* The primary URL of a finding from source about vulnerability name
 * (record: the native ID when it differs) in buf, or NULL when there is
 * none to give. */
const char *lb_vulndb_url(const char *source, const char *name, const char *record, char *buf,
    size_t cap);

/* Calls fn for every advisory about package in (ecosystem, distro), as
 * lb_vulndb_lookup gives them, with ranges and versions written back as
 * JSON (for tools and tests; the matcher uses lb_vulndb_lookup). fn
 * returns non-zero to stop, and that value is returned. */
int lb_vulndb_query(struct lb_vulndb *db, const char *ecosystem, const char *distro,
    const char *package, int (*fn)(void *arg, const struct lb_advisory *a), void *arg);

struct lb_vulndb_info {
	int64_t schema_version;
	char built_at[32];         /* RFC 3339 */
	int64_t vulns, records;
	struct { char kind[32]; char path[256]; int64_t records; } sources[32];
	size_t nsources;
};
int lb_vulndb_info(struct lb_vulndb *db, struct lb_vulndb_info *out);
