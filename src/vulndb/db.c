/* db.c - opening and querying the vulnerability database (schema.h).
 *
 * The file is opened read-only and immutable (no locks, no journal: the
 * builder replaces it by rename, never in place). The statements the
 * lookups need are prepared once and kept in the handle; a mutex makes the
 * handle safe to share between threads, one lookup at a time. A
 * lb_vulndb_query callback must not query the same handle again.
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
#include "vulndb/pkgblob.h"
#include "vulndb/schema.h"
#include "base/lb_banned.h"

struct lb_vulndb {
	sqlite3 *db;
	pthread_mutex_t lock;
	sqlite3_stmt *q_pkg, *q_fallback, *q_vuln;
	bool debian_default;      /* rows under the distro key "debian" exist */
	uint8_t *filter;          /* the package filter (schema.h), or NULL */
	uint64_t filter_bits;
	char **labels;           /* label id - 1 -> name */
	size_t nlabels;
	uint32_t maxvuln;        /* the highest vuln id */
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
#define PREP(q, stmt) sqlite3_prepare_v3(h->db, (q), -1, SQLITE_PREPARE_PERSISTENT, (stmt), NULL) != SQLITE_OK
	if (PREP("SELECT adv FROM pkg WHERE eco = ?1 AND distro = ?2 AND name = ?3", &h->q_pkg) ||
	    PREP("SELECT adv FROM pkg WHERE eco = ?1 AND distro = 'debian' AND name = ?2", &h->q_fallback) ||
	    PREP("SELECT name, aliases, title, severity, sev_src, cvss_vector, cvss_score, cwe, published,"
	    " modified FROM vuln WHERE id = ?1", &h->q_vuln) ||
	    sqlite3_prepare_v2(h->db, "SELECT id, name FROM label ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		lb_err(cx, "cannot open vulnerability database '%s': %s", path, sqlite3_errmsg(h->db));
		r = -LB_E_FORMAT;
		goto out;
	}
#undef PREP
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
	{
		int64_t maxv = scalar(h->db, "SELECT max(id) FROM vuln", &ok);
		h->maxvuln = ok && maxv > 0 && maxv <= UINT32_MAX ? (uint32_t)maxv : 0;
	}
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
	sqlite3_finalize(h->q_pkg);
	sqlite3_finalize(h->q_fallback);
	sqlite3_finalize(h->q_vuln);
	sqlite3_close(h->db);
	for (size_t i = 0; i < h->nlabels; i++)
		free(h->labels[i]);
	free(h->labels);
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

const char *
lb_vulndb_url(const char *source, const char *name, const char *record, char *buf, size_t cap)
{
	const char *id = record ? record : name;

	if (!source || !name)
		return NULL;
	if (strcmp(source, "debian-tracker") == 0)
		snprintf(buf, cap, "https://security-tracker.debian.org/tracker/%s", name);
	else if (strcmp(source, "alpine-secdb") == 0)
		snprintf(buf, cap, "https://security.alpinelinux.org/vuln/%s", name);
	else if (strncmp(source, "osv:", 4) == 0)
		snprintf(buf, cap, "https://osv.dev/vulnerability/%s", id);
	else if (strncmp(name, "CVE-", 4) == 0)
		snprintf(buf, cap, "https://nvd.nist.gov/vuln/detail/%s", name);
	else if (strncmp(name, "GHSA-", 5) == 0)
		snprintf(buf, cap, "https://github.com/advisories/%s", name);
	else
		return NULL;
	return buf;
}

/* the blob of the current row of st, or NULL after the last row */
static int
step_blob(sqlite3_stmt *st, struct lb_pb_part *part)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW || sqlite3_column_type(st, 0) != SQLITE_BLOB)
		return -LB_E_FORMAT;
	part->p = sqlite3_column_blob(st, 0);
	part->len = (size_t)sqlite3_column_bytes(st, 0);
	return part->p ? 1 : -LB_E_FORMAT;
}

int
lb_vulndb_lookup(struct lb_vulndb *h, const char *ecosystem, const char *distro, const char *package,
    struct lb_vpkg **out)
{
	struct lb_pb_part parts[2];
	size_t n = 0;
	char *name;
	int r = 0;

	*out = NULL;
	if (!h || !ecosystem || !package)
		return -LB_E_USAGE;
	name = lb_feed_pkgname(ecosystem, package);
	pthread_mutex_lock(&h->lock);
	if (maybe_has(h, ecosystem, distro ? distro : "", name)) {
		sqlite3_bind_text(h->q_pkg, 1, ecosystem, -1, SQLITE_STATIC);
		sqlite3_bind_text(h->q_pkg, 2, distro ? distro : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(h->q_pkg, 3, name, -1, SQLITE_STATIC);
		if ((r = step_blob(h->q_pkg, &parts[n])) < 0)
			goto out;
		if (r > 0)
			parts[n++].fallback = false;
	}
	/* Debian list lines without a [release] hold for every release that
	 * has no line of its own (feed_debian.c) */
	if (h->debian_default && distro && strncmp(distro, "debian:", 7) == 0 &&
	    maybe_has(h, ecosystem, "debian", name)) {
		sqlite3_bind_text(h->q_fallback, 1, ecosystem, -1, SQLITE_STATIC);
		sqlite3_bind_text(h->q_fallback, 2, name, -1, SQLITE_STATIC);
		if ((r = step_blob(h->q_fallback, &parts[n])) < 0)
			goto out;
		if (r > 0)
			parts[n++].fallback = true;
	}
	r = n ? lb_pb_decode(parts, n, (const char *const *)h->labels, h->nlabels, h->maxvuln, out) : 0;
out:
	sqlite3_reset(h->q_pkg);
	sqlite3_reset(h->q_fallback);
	pthread_mutex_unlock(&h->lock);
	free(name);
	return r;
}

int
lb_vulndb_vuln(struct lb_vulndb *h, uint32_t id, struct lb_vuln **out)
{
	static const int cols[] = { 0, 1, 2, 5, 7, 8, 9 };   /* the text columns of q_vuln */
	sqlite3_stmt *st = h->q_vuln;
	const char *txt[7];
	size_t len[7], total = sizeof(struct lb_vuln);
	struct lb_vuln *v;
	char *p;
	int rc, r = 0, sev;

	*out = NULL;
	pthread_mutex_lock(&h->lock);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? -LB_E_NOTFOUND : -LB_E_FORMAT;
		goto out;
	}
	for (size_t i = 0; i < 7; i++) {
		txt[i] = (const char *)sqlite3_column_text(st, cols[i]);
		len[i] = txt[i] ? (size_t)sqlite3_column_bytes(st, cols[i]) : 0;
		total += txt[i] ? len[i] + 1 : 0;
	}
	if (!txt[0]) {
		r = -LB_E_FORMAT;
		goto out;
	}
	v = lb_xcalloc(1, total);
	p = (char *)(v + 1);
	for (size_t i = 0; i < 7; i++) {
		const char **dst[7] = { &v->name, &v->aliases, &v->title, &v->cvss_vector, &v->cwe,
			&v->published, &v->modified };
		if (!txt[i])
			continue;
		memcpy(p, txt[i], len[i]);
		p[len[i]] = 0;
		*dst[i] = p;
		p += len[i] + 1;
	}
	sev = sqlite3_column_int(st, 3);
	if (sev < LB_FEED_SEV_NONE || sev > LB_FEED_SEV_CRITICAL)
		sev = LB_FEED_SEV_NONE;
	v->severity = lb_feed_sev_name((enum lb_feed_sev)sev);
	v->severity_source = sev > 0 ? label(h, st, 4) : NULL;
	v->cvss_score = sqlite3_column_double(st, 6);
	*out = v;
out:
	sqlite3_reset(st);
	pthread_mutex_unlock(&h->lock);
	return r;
}

/* --- lb_vulndb_query: the rows written back as lb_advisory ------------- */

static void
json_str(struct lb_buf *b, struct lb_slice s)
{
	/* versions are printable ASCII without quotes (lb_feed_version_ok) */
	lb_buf_addstr(b, "\"");
	lb_buf_add(b, s.p, s.len);
	lb_buf_addstr(b, "\"");
}

static char *
ranges_json(const struct lb_vrow *w)
{
	static const char *const kinds[] = { "", "introduced", "fixed", "last_affected" };
	struct lb_buf b = LB_BUF_INIT(SIZE_MAX / 2);

	lb_buf_addstr(&b, "[");
	for (size_t i = 0; i < w->nranges; i++) {
		const struct lb_vrange *rg = &w->ranges[i];
		lb_buf_addf(&b, "%s{\"type\":\"%s\",\"events\":[", i ? "," : "", rg->semver ? "SEMVER" : "ECOSYSTEM");
		for (size_t k = 0; k < rg->nev; k++) {
			lb_buf_addf(&b, "%s{\"%s\":", k ? "," : "", kinds[rg->ev[k].kind]);
			json_str(&b, rg->ev[k].v);
			lb_buf_addstr(&b, "}");
		}
		lb_buf_addstr(&b, "]}");
	}
	lb_buf_addstr(&b, "]");
	return lb_buf_detach(&b, NULL);
}

static char *
versions_json(const struct lb_vrow *w)
{
	struct lb_buf b = LB_BUF_INIT(SIZE_MAX / 2);

	lb_buf_addstr(&b, "[");
	for (size_t i = 0; i < w->nversions; i++) {
		if (i)
			lb_buf_addstr(&b, ",");
		json_str(&b, w->versions[i]);
	}
	lb_buf_addstr(&b, "]");
	return lb_buf_detach(&b, NULL);
}

int
lb_vulndb_query(struct lb_vulndb *h, const char *ecosystem, const char *distro,
    const char *package, int (*fn)(void *arg, const struct lb_advisory *a), void *arg)
{
	struct lb_vpkg *pkg = NULL;
	struct lb_vuln *v = NULL;
	char url[512];
	int r;

	if (!h || !ecosystem || !package || !fn)
		return -LB_E_USAGE;
	if ((r = lb_vulndb_lookup(h, ecosystem, distro, package, &pkg)) < 0 || !pkg)
		return r;
	for (size_t i = 0; i < pkg->nrows && r == 0; i++) {
		const struct lb_vrow *w = &pkg->rows[i];
		struct lb_advisory a = { 0 };
		char *fixed, *record, *ranges, *versions;

		if (w->status > LB_VS_NOT_AFFECTED || !w->source)
			continue;
		if (!v || i == 0 || w->vuln != pkg->rows[i - 1].vuln) {
			free(v);
			v = NULL;
			if ((r = lb_vulndb_vuln(h, w->vuln, &v)) < 0)
				break;
		}
		fixed = w->fixed.p ? lb_xstrndup(w->fixed.p, w->fixed.len) : NULL;
		record = w->record.p ? lb_xstrndup(w->record.p, w->record.len) : NULL;
		ranges = w->nranges ? ranges_json(w) : NULL;
		versions = w->nversions ? versions_json(w) : NULL;
		a.id = v->name;
		a.aliases = v->aliases ? v->aliases : "[]";
		a.source = w->source;
		a.ecosystem = ecosystem;
		/* the key the row is stored under: "debian" for a release-less
		 * line used as a fallback, so callers can tell */
		a.distro = w->fallback ? "debian" : distro;
		a.package = package;
		a.status = w->status;
		a.fixed = fixed;
		a.ranges = ranges;
		a.versions = versions;
		a.severity = w->vsev ? w->vsev : v->severity;
		a.severity_source = w->vsev ? w->vsev_src : v->severity_source;
		a.cvss_vector = v->cvss_vector;
		a.cvss_score = v->cvss_score;
		a.cwe = v->cwe;
		a.title = v->title;
		a.published = v->published;
		a.modified = v->modified;
		a.url = lb_vulndb_url(a.source, a.id, record, url, sizeof(url));
		r = fn(arg, &a);
		free(fixed);
		free(record);
		free(ranges);
		free(versions);
	}
	free(v);
	lb_vpkg_free(pkg);
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
