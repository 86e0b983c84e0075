/* db.c - opening and querying the vulnerability database (schema.h).
 *
 * The file is opened read-only and immutable (no locks, no journal: the
 * builder replaces it by rename, never in place). The two statements the
 * query needs are prepared once and kept in the handle; a mutex makes the
 * handle safe to share between threads, one query at a time. A callback
 * must not query the same handle again.
 */
#include "vulndb/vulndb.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "vulndb/feed.h"
#include "vulndb/schema.h"
#include "base/lb_banned.h"

struct lb_vulndb {
	sqlite3 *db;
	pthread_mutex_t lock;
	sqlite3_stmt *q_rows;
	bool debian_default;      /* rows under the distro key "debian" exist */
	uint8_t *filter;          /* the package filter (schema.h), or NULL */
	uint64_t filter_bits;
	char **labels;           /* label id - 1 -> name */
	size_t nlabels;
	int64_t *seen;           /* vulns found for the exact distro */
	size_t nseen, capseen;
	char url[512];
};

/* "file:" URI for path: '%', '?' and '#' escaped (SQLite "URI Filenames") */
static char *
file_uri(const char *path)
{
	struct lb_buf u = LB_BUF_INIT(3 * 8192 + 64);

	lb_buf_addstr(&u, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			lb_buf_addf(&u, "%%%02X", (unsigned char)*p);
		else
			lb_buf_add(&u, p, 1);
	}
	lb_buf_addstr(&u, "?immutable=1");
	return lb_buf_detach(&u, NULL);
}

static int64_t
scalar(sqlite3 *db, const char *sql, int *ok)
{
	sqlite3_stmt *st = NULL;
	int64_t v = 0;

	*ok = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
		v = sqlite3_column_int64(st, 0);
		*ok = 1;
	}
	sqlite3_finalize(st);
	return v;
}

static void
load_filter(struct lb_vulndb *h)
{
	sqlite3_stmt *st = NULL;
	int ok;
	int64_t nbits = scalar(h->db, "SELECT value FROM meta WHERE key = 'pkg_filter_bits'", &ok);

	if (!ok || nbits < 8 || (nbits & (nbits - 1)) != 0 || nbits > ((int64_t)1 << 31))
		return;
	if (sqlite3_prepare_v2(h->db, "SELECT value FROM meta WHERE key = 'pkg_filter'", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB &&
	    sqlite3_column_bytes(st, 0) == nbits / 8) {
		h->filter = lb_xmalloc((size_t)(nbits / 8));
		memcpy(h->filter, sqlite3_column_blob(st, 0), (size_t)(nbits / 8));
		h->filter_bits = (uint64_t)nbits;
	}
	sqlite3_finalize(st);
}

/* false when the key is surely not in pkg */
static bool
maybe_has(const struct lb_vulndb *h, const char *eco, const char *distro, const char *name)
{
	uint64_t hash;

	if (!h->filter)
		return true;
	hash = lb_vulndb_key_hash(eco, distro, name);
	for (int k = 0; k < LB_VULNDB_FILTER_PROBES; k++) {
		uint64_t bit = lb_vulndb_filter_bit(hash, k, h->filter_bits);
		if (!(h->filter[bit >> 3] & (1u << (bit & 7))))
			return false;
	}
	return true;
}

int
lb_vulndb_open(struct lb_ctx *cx, const char *path, struct lb_vulndb **out)
{
	struct lb_vulndb *h = NULL;
	sqlite3_stmt *st = NULL;
	char magic[16];
	struct stat sb;
	char *uri = NULL;
	int64_t ver;
	int fd, ok, r = 0;

	*out = NULL;
	if (stat(path, &sb) < 0) {
		r = errno == ENOENT ? -LB_E_NOTFOUND : -errno;
		lb_err(cx, "cannot open vulnerability database '%s': %s", path, lb_strerror(r));
		return r;
	}
	/* a cheap check before SQLite sees the file */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		r = -errno;
		lb_err(cx, "cannot open vulnerability database '%s': %s", path, lb_strerror(r));
		return r;
	}
	ok = read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "SQLite format 3", 16) == 0;
	close(fd);
	if (!S_ISREG(sb.st_mode) || !ok) {
		lb_err(cx, "cannot open vulnerability database '%s': not a lifebelt database", path);
		return -LB_E_FORMAT;
	}
	h = lb_xcalloc(1, sizeof(*h));
	pthread_mutex_init(&h->lock, NULL);
	uri = file_uri(path);
	if (sqlite3_open_v2(uri, &h->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		lb_err(cx, "cannot open vulnerability database '%s': %s", path,
		    h->db ? sqlite3_errmsg(h->db) : "out of memory");
		r = -LB_E_FORMAT;
		goto out;
	}
	if (scalar(h->db, "PRAGMA application_id", &ok) != LB_VULNDB_APP_ID || !ok) {
		lb_err(cx, "cannot open vulnerability database '%s': not a lifebelt database", path);
		r = -LB_E_FORMAT;
		goto out;
	}
	ver = scalar(h->db, "SELECT value FROM meta WHERE key = 'schema_version'", &ok);
	if (!ok || ver != LB_VULNDB_SCHEMA_VERSION) {
		lb_err(cx, "cannot open vulnerability database '%s': schema version %lld, this lifebelt reads %d "
		    "(rebuild it with 'lifebelt db build' or 'db update')", path, (long long)ver,
		    LB_VULNDB_SCHEMA_VERSION);
		r = -LB_E_FORMAT;
		goto out;
	}
	/* read-only and immutable: map the file rather than copy pages into a cache */
	sqlite3_exec(h->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
	/* one read transaction for the handle's life, instead of one per
	 * statement: nothing can change an immutable file */
	sqlite3_exec(h->db, "BEGIN", NULL, NULL, NULL);
	if (sqlite3_prepare_v3(h->db,
	    "SELECT a.vuln, a.src, a.status, a.fixed, a.ranges, a.versions, a.vsev, a.vsrc, a.record,"
	    " v.name, v.aliases, v.title, v.severity, v.sev_src, v.cvss_vector, v.cvss_score, v.cwe,"
	    " v.published, v.modified"
	    " FROM pkg p JOIN affected a ON a.pkg = p.id JOIN vuln v ON v.id = a.vuln"
	    " WHERE p.eco = ?1 AND p.distro = ?2 AND p.name = ?3 ORDER BY a.vuln, a.seq",
	    -1, SQLITE_PREPARE_PERSISTENT, &h->q_rows, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h->db, "SELECT id, name FROM label ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		lb_err(cx, "cannot open vulnerability database '%s': %s", path, sqlite3_errmsg(h->db));
		r = -LB_E_FORMAT;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		size_t cap = h->nlabels;
		if (id < 1 || id > 100000 || !name) {
			r = -LB_E_FORMAT;
			lb_err(cx, "cannot open vulnerability database '%s': bad label table", path);
			goto out;
		}
		if ((size_t)id > h->nlabels) {
			h->labels = lb_xrealloc(h->labels, (size_t)id * sizeof(*h->labels));
			memset(h->labels + cap, 0, ((size_t)id - cap) * sizeof(*h->labels));
			h->nlabels = (size_t)id;
		}
		free(h->labels[id - 1]);
		h->labels[id - 1] = lb_xstrdup(name);
	}
	load_filter(h);
	/* whether Debian list lines without a release are present at all */
	h->debian_default = scalar(h->db, "SELECT count(*) FROM (SELECT 1 FROM pkg WHERE eco = 'deb'"
	    " AND distro = 'debian' LIMIT 1)", &ok) > 0;
	*out = h;
	h = NULL;
out:
	sqlite3_finalize(st);
	free(uri);
	lb_vulndb_close(h);
	return r;
}

void
lb_vulndb_close(struct lb_vulndb *h)
{
	if (!h)
		return;
	sqlite3_finalize(h->q_rows);
	sqlite3_close(h->db);
	for (size_t i = 0; i < h->nlabels; i++)
		free(h->labels[i]);
	free(h->labels);
	free(h->seen);
	free(h->filter);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static const char *
label(const struct lb_vulndb *h, sqlite3_stmt *st, int col)
{
	int64_t id;

	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return NULL;
	id = sqlite3_column_int64(st, col);
	return id >= 1 && (size_t)id <= h->nlabels ? h->labels[id - 1] : NULL;
}

static const char *
text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* The primary URL for a finding: the page of the source that reported it. */
static const char *
advisory_url(struct lb_vulndb *h, const char *source, const char *name, const char *record)
{
	const char *id = record ? record : name;

	if (!source || !name)
		return NULL;
	if (strcmp(source, "debian-tracker") == 0)
		snprintf(h->url, sizeof(h->url), "https://security-tracker.debian.org/tracker/%s", name);
	else if (strcmp(source, "alpine-secdb") == 0)
		snprintf(h->url, sizeof(h->url), "https://security.alpinelinux.org/vuln/%s", name);
	else if (strncmp(source, "osv:", 4) == 0)
		snprintf(h->url, sizeof(h->url), "https://osv.dev/vulnerability/%s", id);
	else if (strncmp(name, "CVE-", 4) == 0)
		snprintf(h->url, sizeof(h->url), "https://nvd.nist.gov/vuln/detail/%s", name);
	else if (strncmp(name, "GHSA-", 5) == 0)
		snprintf(h->url, sizeof(h->url), "https://github.com/advisories/%s", name);
	else
		return NULL;
	return h->url;
}

static bool
seen(const struct lb_vulndb *h, int64_t vuln)
{
	for (size_t i = 0; i < h->nseen; i++)
		if (h->seen[i] == vuln)
			return true;
	return false;
}

/* Calls fn for the rows of (eco, key, package), where key is the distro
 * key looked up; fallback rows skip the vulns the exact distro had. */
static int
run_rows(struct lb_vulndb *h, const char *key, bool fallback, const char *eco, const char *distro,
    const char *package, int (*fn)(void *arg, const struct lb_advisory *a), void *arg)
{
	sqlite3_stmt *st = h->q_rows;
	int rc, r = 0;

	sqlite3_bind_text(st, 1, eco, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, package, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lb_advisory a = { 0 };
		int64_t vuln = sqlite3_column_int64(st, 0);
		int status = sqlite3_column_int(st, 2);
		int vsev = sqlite3_column_int(st, 6);

		if (fallback && seen(h, vuln))
			continue;
		if (!fallback && (h->nseen == 0 || h->seen[h->nseen - 1] != vuln)) {
			lb_xgrow(&h->seen, &h->capseen, h->nseen + 1, sizeof(*h->seen));
			h->seen[h->nseen++] = vuln;
		}
		if (status < LB_VS_FIXED || status > LB_VS_NOT_AFFECTED)
			continue;
		a.id = text(st, 9);
		a.aliases = text(st, 10) ? text(st, 10) : "[]";
		a.source = label(h, st, 1);
		a.ecosystem = eco;
		/* the key the row is stored under: "debian" for a release-less
		 * CVE/list line used as a fallback, so callers can tell */
		a.distro = key[0] ? key : distro;
		a.package = package;
		a.status = (enum lb_vstatus)status;
		a.fixed = text(st, 3);
		a.ranges = text(st, 4);
		a.versions = text(st, 5);
		if (vsev > LB_FEED_SEV_NONE && vsev <= LB_FEED_SEV_CRITICAL) {
			a.severity = lb_feed_sev_name((enum lb_feed_sev)vsev);
			a.severity_source = label(h, st, 7);
		} else {
			int sev = sqlite3_column_int(st, 12);
			a.severity = lb_feed_sev_name(sev > 0 && sev <= LB_FEED_SEV_CRITICAL ?
			    (enum lb_feed_sev)sev : LB_FEED_SEV_NONE);
			a.severity_source = sev > 0 ? label(h, st, 13) : NULL;
		}
		a.cvss_vector = text(st, 14);
		a.cvss_score = sqlite3_column_double(st, 15);
		a.cwe = text(st, 16);
		a.title = text(st, 11);
		a.published = text(st, 17);
		a.modified = text(st, 18);
		if (!a.id || !a.source)
			continue;
		a.url = advisory_url(h, a.source, a.id, text(st, 8));
		if ((r = fn(arg, &a)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && r == 0)
		r = -LB_E_FORMAT;
	sqlite3_reset(st);
	return r;
}

int
lb_vulndb_query(struct lb_vulndb *h, const char *ecosystem, const char *distro,
    const char *package, int (*fn)(void *arg, const struct lb_advisory *a), void *arg)
{
	char *name;
	int r = 0;

	if (!h || !ecosystem || !package || !fn)
		return -LB_E_USAGE;
	name = lb_feed_pkgname(ecosystem, package);
	pthread_mutex_lock(&h->lock);
	h->nseen = 0;
	if (maybe_has(h, ecosystem, distro ? distro : "", name))
		r = run_rows(h, distro ? distro : "", false, ecosystem, distro, name, fn, arg);
	/* Debian list lines without a [release] hold for every release that
	 * has no line of its own (feed_debian.c) */
	if (r == 0 && h->debian_default && distro && strncmp(distro, "debian:", 7) == 0 &&
	    maybe_has(h, ecosystem, "debian", name))
		r = run_rows(h, "debian", true, ecosystem, distro, name, fn, arg);
	pthread_mutex_unlock(&h->lock);
	free(name);
	return r;
}

int
lb_vulndb_info(struct lb_vulndb *h, struct lb_vulndb_info *out)
{
	sqlite3_stmt *st = NULL;
	int r = 0;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&h->lock);
	if (sqlite3_prepare_v2(h->db, "SELECT key, value FROM meta", -1, &st, NULL) != SQLITE_OK) {
		r = -LB_E_FORMAT;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *k = text(st, 0);
		if (!k)
			continue;
		if (strcmp(k, "schema_version") == 0)
			out->schema_version = sqlite3_column_int64(st, 1);
		else if (strcmp(k, "built_at") == 0 && text(st, 1))
			snprintf(out->built_at, sizeof(out->built_at), "%s", text(st, 1));
		else if (strcmp(k, "vulns") == 0)
			out->vulns = sqlite3_column_int64(st, 1);
		else if (strcmp(k, "records") == 0)
			out->records = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(h->db, "SELECT kind, path, records FROM feed ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		r = -LB_E_FORMAT;
		goto out;
	}
	while (sqlite3_step(st) == SQLITE_ROW && out->nsources < sizeof(out->sources) / sizeof(out->sources[0])) {
		snprintf(out->sources[out->nsources].kind, sizeof(out->sources[0].kind), "%s",
		    text(st, 0) ? text(st, 0) : "");
		snprintf(out->sources[out->nsources].path, sizeof(out->sources[0].path), "%s",
		    text(st, 1) ? text(st, 1) : "");
		out->sources[out->nsources].records = sqlite3_column_int64(st, 2);
		out->nsources++;
	}
out:
	sqlite3_finalize(st);
	pthread_mutex_unlock(&h->lock);
	return r;
}
