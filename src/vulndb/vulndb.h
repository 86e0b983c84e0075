/* vulndb.h - the local vulnerability database: one SQLite file built in
 * one pass from feeds on disk (OSV, Alpine/Wolfi secdb, Debian tracker,
 * NVD, CVE 5), opened read-only for matching.
 *
 * Ownership: a struct lb_vulndb is a long-lived handle (_open/_close);
 * the strings in a struct lb_advisory passed to a callback are valid only
 * during that callback.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "base/lb_ctx.h"

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
	 * may be NULL when versions or fixed says it all. */
	const char *ranges;
	const char *versions;      /* JSON array of explicitly affected versions, or NULL */
	const char *severity;      /* LOW MEDIUM HIGH CRITICAL UNKNOWN (vendor first, then CVSS) */
	const char *severity_source; /* "vendor:debian", "nvd", "osv"... */
	const char *cvss_vector;   /* CVSS v3/v4 vector or NULL */
	double cvss_score;         /* 0 when unknown */
	const char *cwe;           /* JSON array or NULL */
	const char *title;
	const char *url;           /* primary URL */
	const char *published, *modified;
};

/* Calls fn for every advisory about package in (ecosystem, distro); distro
 * NULL matches language advisories. fn returns non-zero to stop, and that
 * value is returned. */
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
