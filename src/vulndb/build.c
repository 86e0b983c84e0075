/* build.c - lb_vulndb_build: reads every source, merges aliases, and
 * writes one SQLite file (schema.h) atomically.
 *
 * One pass: each feed file is parsed once into an in-memory collector
 * (interned strings, records, affected rows). Then IDs that alias each
 * other are merged with a union-find that never joins two different CVEs;
 * the merged vulnerability takes the CVE as its name when it has one.
 * Metadata (title, dates, CWE, CVSS) is taken per field from the record of
 * highest rank (feed.h), severity from the best CVSS vector's base score,
 * which is computed here. Then everything is inserted in key order into an
 * in-memory database, written with VACUUM INTO to "<out>.tmp-XXXXXX" beside
 * the output, synced and renamed over it. Any failure before the rename
 * removes the temporary file and leaves the old database as it was.
 */
#include "vulndb/vulndb.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "version/vercmp.h"
#include "vulndb/feed.h"
#include "vulndb/pkgblob.h"
#include "vulndb/schema.h"
#include "base/lb_banned.h"

#define NONE UINT32_MAX

const struct lb_feed_ops *
lb_feed_find(const char *kind)
{
	static const struct lb_feed_ops *const feeds[] = {
		&lb_feed_osv, &lb_feed_alpine_secdb, &lb_feed_wolfi_secdb, &lb_feed_debian,
		&lb_feed_nvd, &lb_feed_cve5,
	};

	for (size_t i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++)
		if (strcmp(feeds[i]->kind, kind) == 0)
			return feeds[i];
	return NULL;
}

/* --- interned strings -------------------------------------------------- */

struct pool {
	struct lb_hmap map;
	char **chunks;
	size_t nchunks, capchunks;
	char *cur;
	size_t left;
};

#define POOL_CHUNK (1u << 20)

static const char *
intern_n(struct pool *p, const char *s, size_t n)
{
	char *c;

	if (!s)
		return NULL;
	if ((c = lb_hmap_get(&p->map, s, n)))
		return c;
	if (n + 1 > p->left) {
		size_t sz = n + 1 > POOL_CHUNK ? n + 1 : POOL_CHUNK;
		lb_xgrow(&p->chunks, &p->capchunks, p->nchunks + 1, sizeof(*p->chunks));
		p->chunks[p->nchunks++] = p->cur = lb_xmalloc(sz);
		p->left = sz;
	}
	c = p->cur;
	memcpy(c, s, n);
	c[n] = 0;
	p->cur += n + 1;
	p->left -= n + 1;
	lb_hmap_put(&p->map, c, n, c);
	return c;
}

static const char *
intern(struct pool *p, const char *s)
{
	return s ? intern_n(p, s, strlen(s)) : NULL;
}

static void
pool_release(struct pool *p)
{
	for (size_t i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	lb_hmap_release(&p->map);
	memset(p, 0, sizeof(*p));
}

/* --- the collector ----------------------------------------------------- */

struct node {
	const char *id;
	uint32_t parent;
	uint32_t cve;            /* root only: the node of the group's CVE, or NONE */
};

struct cand {                    /* a CVSS vector offered for a vuln */
	const char *vector;
	double score;
	int version;             /* 2, 3 (3.0), 4 (3.1), 5 (4.0): higher preferred */
	int rank;
};

struct rec {
	uint32_t node;
	const char *title;
	int title_rank;
	const char *published, *modified, *cwe;
	int meta_rank;
	uint32_t cand, ncand;    /* in b->cands */
	uint32_t rel, nrel;      /* in b->rels */
};

struct row {
	uint32_t rec, seq;
	const char *source, *eco, *distro, *pkg, *fixed, *sev_src, *record;
	const char *comp;        /* ranges and versions, compiled (pkgblob.h), interned */
	uint32_t complen;
	uint8_t status, sev, compflags;
	uint32_t pkgid, vulnid;  /* set when finishing */
};

struct vuln {
	const char *name, *aliases, *title, *published, *modified, *cwe;
	const struct cand *cvss;
	const char *sev_src;
	int severity;
	uint32_t id;
};

struct builder {
	struct lb_ctx *cx;
	struct pool pool;
	struct lb_hmap ids;      /* ID -> node index + 1 */
	struct node *nodes;
	size_t nnodes, capnodes;
	struct rec *recs;
	size_t nrecs, caprecs;
	struct row *rows;
	size_t nrows, caprows;
	struct cand *cands;
	size_t ncands, capcands;
	const char **rels;
	size_t nrels, caprels;
	size_t withdrawn, refused, unused;
};

static uint32_t
node_get(struct builder *b, const char *id)
{
	void *v = lb_hmap_get(&b->ids, id, strlen(id));
	struct node *n;

	if (v)
		return (uint32_t)((uintptr_t)v - 1);
	lb_xgrow(&b->nodes, &b->capnodes, b->nnodes + 1, sizeof(*b->nodes));
	n = &b->nodes[b->nnodes];
	n->id = id;
	n->parent = (uint32_t)b->nnodes;
	n->cve = lb_feed_is_cve(id) ? (uint32_t)b->nnodes : NONE;
	lb_hmap_put(&b->ids, id, strlen(id), (void *)(uintptr_t)(b->nnodes + 1));
	return (uint32_t)b->nnodes++;
}

static uint32_t
node_find(struct builder *b, uint32_t x)
{
	while (b->nodes[x].parent != x) {
		b->nodes[x].parent = b->nodes[b->nodes[x].parent].parent;
		x = b->nodes[x].parent;
	}
	return x;
}

/* Joins the groups of x and y unless each already has a different CVE. */
static bool
node_union(struct builder *b, uint32_t x, uint32_t y)
{
	uint32_t rx = node_find(b, x), ry = node_find(b, y);

	if (rx == ry)
		return true;
	if (b->nodes[rx].cve != NONE && b->nodes[ry].cve != NONE)
		return false;
	if (b->nodes[rx].cve == NONE)
		b->nodes[rx].cve = b->nodes[ry].cve;
	b->nodes[ry].parent = rx;
	return true;
}

static void
add_rel(struct builder *b, const char *id)
{
	lb_xgrow(&b->rels, &b->caprels, b->nrels + 1, sizeof(*b->rels));
	b->rels[b->nrels++] = id;
}

static const char *
cwe_json(struct builder *b, const char *const *cwe, size_t n)
{
	struct lb_buf j = LB_BUF_INIT(64 * LB_FEED_MAX_CWE);
	const char *s;

	if (!n)
		return NULL;
	lb_buf_addstr(&j, "[");
	for (size_t i = 0; i < n && i < LB_FEED_MAX_CWE; i++)
		lb_buf_addf(&j, "%s\"%s\"", i ? "," : "", cwe[i]);
	lb_buf_addstr(&j, "]");
	s = intern(&b->pool, (const char *)j.p);
	lb_buf_release(&j);
	return s;
}

/* Dates as the feed writes them (RFC 3339 in OSV and CVE 5, without a
 * zone in NVD); the Go database's "0001-01-01T00:00:00Z" means unknown. */
static const char *
date_or_null(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 10 || n > LB_FEED_MAX_DATE || strncmp(s, "0001-", 5) == 0 || !lb_feed_text_ok(s, n))
		return NULL;
	return s;
}

/* --- compiling ranges and versions (pkgblob.h) -------------------------- */

struct cev {                     /* an event being sorted */
	int kind;
	const char *v;
	size_t idx;
};

static bool
is_zero(const char *v)
{
	return v[0] == '0' && v[1] == 0;
}

/* OSV "Evaluation": events in version order, an introduced "0" first;
 * equal versions keep the feed's order */
static int
cmp_cev(const void *x, const void *y, void *arg)
{
	const struct lb_vercmp_ops *ops = arg;
	const struct cev *a = x, *b = y;
	bool za = is_zero(a->v), zb = is_zero(b->v);
	int c;

	if (za != zb)
		return za ? -1 : 1;
	c = za ? 0 : ops->compare(lb_slice_str(a->v), lb_slice_str(b->v));
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int
cmp_version(const void *x, const void *y, void *arg)
{
	const struct lb_vercmp_ops *ops = arg;
	const struct cev *a = x, *b = y;
	int c = ops->compare(lb_slice_str(a->v), lb_slice_str(b->v));

	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* The affected entry's ranges and versions (OSV-style JSON from the
 * parsers, feed.h) in their compiled form: versions checked and sorted
 * with the ecosystem's comparator. An event whose version the comparator
 * refuses is dropped, a range whose start it refuses too, each with a
 * warning naming the record. Sets w->comp, complen and compflags; returns
 * -1 when nothing usable is left (the entry is skipped, after a warning). */
static int
compile_entry(struct builder *b, struct lb_feed_sink *s, const struct lb_feed_record *r,
    const struct lb_feed_affected *a, struct row *w)
{
	static const char *const kinds[] = { "", "introduced", "fixed", "last_affected" };
	const struct lb_vercmp_ops *ops = lb_vercmp_find(a->ecosystem);
	struct lb_buf out = LB_BUF_INIT(SIZE_MAX / 2), rbuf = LB_BUF_INIT(SIZE_MAX / 2);
	json_t *ranges = a->ranges ? json_loads(a->ranges, 0, NULL) : NULL;
	json_t *vers = a->versions ? json_loads(a->versions, 0, NULL) : NULL;
	struct cev *ev = NULL;
	size_t cap = 0, nkept = 0, ngiven = json_array_size(ranges);
	int ret = 0;

	w->compflags = 0;
	for (size_t i = 0; i < ngiven; i++) {
		json_t *rg = json_array_get(ranges, i), *evs = json_object_get(rg, "events");
		const char *type = json_string_value(json_object_get(rg, "type"));
		size_t nev = 0;
		bool bad_start = false;

		for (size_t k = 0; k < json_array_size(evs); k++) {
			const char *key, *v = NULL;
			json_t *val;
			int kind = 0;
			json_object_foreach(json_array_get(evs, k), key, val) {
				for (int t = LB_EV_INTRODUCED; t <= LB_EV_LAST_AFFECTED; t++)
					if (strcmp(key, kinds[t]) == 0 && json_is_string(val)) {
						kind = t;
						v = json_string_value(val);
					}
			}
			if (!kind)
				continue;          /* "limit": for GIT ranges, no meaning here */
			if (ops && !(kind == LB_EV_INTRODUCED && is_zero(v)) &&
			    ops->validate(lb_slice_str(v)) != 0) {
				if (kind == LB_EV_INTRODUCED) {
					lb_feed_warn(s, r->file, r->id, "range %zu of '%s': introduced version '%s' is "
					    "not a valid %s version; range skipped", i, a->package, v, a->ecosystem);
					bad_start = true;
					break;
				}
				lb_feed_warn(s, r->file, r->id, "range %zu of '%s': %s version '%s' is not a valid "
				    "%s version; event skipped", i, a->package, kinds[kind], v, a->ecosystem);
				continue;
			}
			lb_xgrow(&ev, &cap, nev + 1, sizeof(*ev));
			ev[nev] = (struct cev){ kind, v, nev };
			nev++;
		}
		if (bad_start)
			continue;
		if (ops)
			qsort_r(ev, nev, sizeof(*ev), cmp_cev, (void *)ops);
		lb_pb_put_u8(&rbuf, type && strcmp(type, "SEMVER") == 0);
		lb_pb_put_uint(&rbuf, nev);
		for (size_t k = 0; k < nev; k++) {
			lb_pb_put_u8(&rbuf, (uint8_t)ev[k].kind);
			lb_pb_put_str(&rbuf, ev[k].v, strlen(ev[k].v));
		}
		nkept++;
	}
	if (nkept) {
		w->compflags |= LB_PB_RANGES;
		lb_pb_put_uint(&out, nkept);
		lb_buf_add(&out, rbuf.p, rbuf.len);
	}
	if (json_array_size(vers)) {
		size_t n = json_array_size(vers), nvalid = 0, ninvalid = 0;
		lb_xgrow(&ev, &cap, n, sizeof(*ev));
		/* the comparator's versions first, then the others (kept, for
		 * lb_vulndb_query; a valid installed version never equals them) */
		for (int pass = 0; pass < 2; pass++) {
			for (size_t k = 0; k < n; k++) {
				const char *v = json_string_value(json_array_get(vers, k));
				bool ok = ops && v && ops->validate(lb_slice_str(v)) == 0;
				if (v && ok == (pass == 0))
					ev[pass ? nvalid + ninvalid++ : nvalid++] = (struct cev){ 0, v, k };
			}
		}
		if (ops)
			qsort_r(ev, nvalid, sizeof(*ev), cmp_version, (void *)ops);
		w->compflags |= LB_PB_VERSIONS;
		lb_pb_put_uint(&out, nvalid);
		lb_pb_put_uint(&out, ninvalid);
		for (size_t k = 0; k < nvalid + ninvalid; k++)
			lb_pb_put_str(&out, ev[k].v, strlen(ev[k].v));
	}
	if (ngiven && !nkept && !(w->compflags & LB_PB_VERSIONS)) {
		lb_feed_warn(s, r->file, r->id, "no usable range for %s; entry skipped", a->package);
		ret = -1;
	} else {
		if (ngiven && !nkept)
			w->fixed = NULL;   /* the fixes of ranges that are gone */
		w->comp = out.len ? intern_n(&b->pool, (const char *)out.p, out.len) : NULL;
		w->complen = (uint32_t)out.len;
	}
	free(ev);
	lb_buf_release(&out);
	lb_buf_release(&rbuf);
	json_decref(ranges);
	json_decref(vers);
	return ret;
}

static int
collect(struct lb_feed_sink *s, const struct lb_feed_record *r)
{
	struct builder *b = s->arg;
	struct rec *rec;
	uint32_t self, ncve = 0;
	bool own_cve;

	if (!lb_feed_id_ok(r->id)) {
		lb_feed_warn(s, r->file, NULL, "record without a valid ID");
		return 0;
	}
	if (r->withdrawn) {
		b->withdrawn++;
		return 0;
	}
	/* NVD and CVE 5 are read last (lb_vulndb_build): metadata about a
	 * CVE no other feed named is not kept */
	if (r->metadata_only && !lb_hmap_get(&b->ids, r->id, strlen(r->id))) {
		b->unused++;
		return 0;
	}
	self = node_get(b, intern(&b->pool, r->id));
	lb_xgrow(&b->recs, &b->caprecs, b->nrecs + 1, sizeof(*b->recs));
	rec = &b->recs[b->nrecs];
	memset(rec, 0, sizeof(*rec));
	rec->node = self;
	if (r->title && lb_feed_text_ok(r->title, strlen(r->title)) && strlen(r->title) <= LB_FEED_MAX_TITLE + 4) {
		rec->title = intern(&b->pool, r->title);
		rec->title_rank = r->title_rank;
	}
	rec->published = intern(&b->pool, date_or_null(r->published));
	rec->modified = intern(&b->pool, date_or_null(r->modified));
	rec->meta_rank = r->meta_rank;
	rec->cwe = cwe_json(b, r->cwe, r->ncwe);

	/* CVSS: keep the vectors whose score can be known */
	rec->cand = (uint32_t)b->ncands;
	for (size_t i = 0; i < r->ncvss; i++) {
		const struct lb_feed_cvss *c = &r->cvss[i];
		struct cand k = { .rank = c->rank };
		int rc = lb_cvss_base_score(c->vector, &k.score, &k.version);
		if (rc == -LB_E_UNSUPPORTED && strncmp(c->vector, "CVSS:4.0/", 9) == 0 &&
		    c->score >= 0 && c->score <= 10) {
			k.score = c->score;        /* v4: the feed's score */
			k.version = 5;
		} else if (rc < 0) {
			if (rc == -LB_E_FORMAT)
				lb_feed_warn(s, r->file, r->id, "invalid CVSS vector");
			continue;
		} else if (k.version == 3) {
			k.version = strncmp(c->vector, "CVSS:3.1/", 9) == 0 ? 4 : 3;
		}
		k.vector = intern(&b->pool, c->vector);
		lb_xgrow(&b->cands, &b->capcands, b->ncands + 1, sizeof(*b->cands));
		b->cands[b->ncands++] = k;
	}
	rec->ncand = (uint32_t)(b->ncands - rec->cand);

	/* aliases: merged, except a record of its own ID that names several
	 * CVEs (a GO- or GHSA- advisory for many), which only mentions them */
	rec->rel = (uint32_t)b->nrels;
	own_cve = lb_feed_is_cve(r->id);
	for (size_t i = 0; i < r->naliases; i++)
		ncve += lb_feed_is_cve(r->aliases[i]);
	for (size_t i = 0; i < r->naliases && i < LB_FEED_MAX_ALIASES; i++) {
		const char *id = r->aliases[i];
		if (!lb_feed_id_ok(id) || strcmp(id, r->id) == 0)
			continue;
		id = intern(&b->pool, id);
		if (r->metadata_only || (!own_cve && ncve > 1 && lb_feed_is_cve(id)) ||
		    !node_union(b, self, node_get(b, id))) {
			if (!r->metadata_only && !(!own_cve && ncve > 1 && lb_feed_is_cve(id)))
				b->refused++;
			add_rel(b, id);
		}
	}
	for (size_t i = 0; i < r->nrelated && i < LB_FEED_MAX_ALIASES; i++)
		if (lb_feed_id_ok(r->related[i]) && strcmp(r->related[i], r->id) != 0)
			add_rel(b, intern(&b->pool, r->related[i]));
	rec->nrel = (uint32_t)(b->nrels - rec->rel);
	b->nrecs++;

	if (r->metadata_only)
		return 0;
	for (size_t i = 0; i < r->naff; i++) {
		const struct lb_feed_affected *a = &r->aff[i];
		struct row *w;
		if (!a->ecosystem || !a->package || !a->source || a->status > LB_VS_NOT_AFFECTED) {
			lb_feed_warn(s, r->file, r->id, "incomplete affected entry");
			continue;
		}
		/* a fixed version the ecosystem cannot order would make every scan
		 * of the package fail to compare: say so here, naming the record */
		if (a->fixed && *a->fixed && !a->ranges && lb_vercmp_find(a->ecosystem) &&
		    lb_vercmp_find(a->ecosystem)->validate(lb_slice_str(a->fixed)) != 0) {
			lb_feed_warn(s, r->file, r->id, "fixed version '%s' of %s is not a valid %s version; "
			    "entry skipped", a->fixed, a->package, a->ecosystem);
			continue;
		}
		lb_xgrow(&b->rows, &b->caprows, b->nrows + 1, sizeof(*b->rows));
		w = &b->rows[b->nrows];
		memset(w, 0, sizeof(*w));
		w->rec = (uint32_t)(b->nrecs - 1);
		w->seq = (uint32_t)b->nrows;
		w->source = intern(&b->pool, a->source);
		w->eco = intern(&b->pool, a->ecosystem);
		w->distro = intern(&b->pool, a->distro ? a->distro : "");
		w->pkg = intern(&b->pool, a->package);
		w->fixed = intern(&b->pool, a->fixed);
		if (compile_entry(b, s, r, a, w) < 0)
			continue;
		w->status = (uint8_t)a->status;
		if (a->severity > LB_FEED_SEV_NONE && a->severity <= LB_FEED_SEV_CRITICAL && a->severity_source) {
			w->sev = (uint8_t)a->severity;
			w->sev_src = intern(&b->pool, a->severity_source);
		}
		w->record = a->record && strcmp(a->record, r->id) != 0 ? intern(&b->pool, a->record) : NULL;
		if (!w->record && !own_cve && r->naliases)
			w->record = intern(&b->pool, r->id);   /* may be merged under a CVE */
		b->nrows++;
	}
	return 0;
}

static void
builder_release(struct builder *b)
{
	pool_release(&b->pool);
	lb_hmap_release(&b->ids);
	free(b->nodes);
	free(b->recs);
	free(b->rows);
	free(b->cands);
	free(b->rels);
}

/* --- reading sources --------------------------------------------------- */

static int
read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0, cap;
	int fd, r = 0;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		r = -LB_E_LIMIT;
		goto out;
	}
	cap = (size_t)st.st_size + 1;
	buf = lb_xmalloc(cap);
	for (;;) {
		ssize_t k;
		if (n + 1 >= cap) {
			if (cap > max) {
				r = -LB_E_LIMIT;
				goto out;
			}
			cap *= 2;
			buf = lb_xrealloc(buf, cap);
		}
		k = read(fd, buf + n, cap - n - 1);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return r;
}

static bool
is_zip(const char *path)
{
	size_t n = strlen(path);
	return n > 4 && strcmp(path + n - 4, ".zip") == 0;
}

/* OSV's all.zip: each member is one record. */
static int
parse_zip(struct lb_feed_sink *s, const struct lb_feed_ops *ops, const char *kind, const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	struct lb_buf data = LB_BUF_INIT(LB_FEED_MAX_ZIP_ENTRY);
	int r = 0, ar;

	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		lb_feed_warn(s, path, NULL, "cannot open zip: %s", archive_error_string(a));
		s->nbadfiles++;
		archive_read_free(a);
		return 0;
	}
	while ((ar = archive_read_next_header(a, &ent)) == ARCHIVE_OK || ar == ARCHIVE_WARN) {
		const char *member = archive_entry_pathname(ent);
		char name[4096], buf[65536];
		ssize_t k;

		if (archive_entry_filetype(ent) != AE_IFREG || !member || !ops->want(member))
			continue;
		snprintf(name, sizeof(name), "%s:%s", path, member);
		lb_buf_reset(&data);
		while ((k = archive_read_data(a, buf, sizeof(buf))) > 0) {
			if (lb_buf_add(&data, buf, (size_t)k) < 0)
				break;
		}
		if (k < 0) {
			lb_feed_warn(s, name, NULL, "cannot read zip member: %s", archive_error_string(a));
			s->nbadfiles++;
			continue;
		}
		if (k > 0) {
			lb_feed_warn(s, name, NULL, "larger than %u bytes", LB_FEED_MAX_ZIP_ENTRY);
			continue;
		}
		r = ops->parse(s, kind, name, data.p ? (const char *)data.p : "", data.len);
		if (r < 0 && r != -LB_E_FORMAT && r != -LB_E_LIMIT)
			break;
		r = 0;
	}
	if (ar != ARCHIVE_EOF && ar != ARCHIVE_OK && ar != ARCHIVE_WARN && r == 0) {
		lb_feed_warn(s, path, NULL, "zip stops early: %s", archive_error_string(a));
		s->nbadfiles++;
	}
	lb_buf_release(&data);
	archive_read_free(a);
	return r;
}

static int
parse_path(struct lb_feed_sink *s, const struct lb_feed_ops *ops, const char *kind, const char *path)
{
	char *buf;
	size_t len;
	int r;

	if (ops == &lb_feed_osv && is_zip(path))
		return parse_zip(s, ops, kind, path);
	if ((r = read_file(path, LB_FEED_MAX_FILE, &buf, &len)) < 0) {
		lb_feed_warn(s, path, NULL, "cannot read: %s", lb_strerror(r));
		s->nbadfiles++;
		return 0;
	}
	r = ops->parse(s, kind, path, buf, len);
	free(buf);
	if (r == -LB_E_FORMAT || r == -LB_E_LIMIT)
		s->nbadfiles++;
	/* a bad file has been warned about; only a stop from the sink stops */
	return r == -LB_E_FORMAT || r == -LB_E_LIMIT ? 0 : r;
}

static int
walk(struct lb_feed_sink *s, const struct lb_feed_ops *ops, const char *kind, const char *root,
    const char *rel, int depth)
{
	struct dirent **ents = NULL;
	char dir[4096];
	int n, r = 0;

	n = snprintf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
	if (n < 0 || (size_t)n >= sizeof(dir)) {
		lb_feed_warn(s, root, NULL, "path too long");
		return 0;
	}
	if (depth > LB_FEED_MAX_WALK_DEPTH) {
		lb_feed_warn(s, dir, NULL, "folders nested deeper than %d", LB_FEED_MAX_WALK_DEPTH);
		return 0;
	}
	if ((n = scandir(dir, &ents, NULL, alphasort)) < 0) {
		lb_feed_warn(s, dir, NULL, "cannot list: %s", strerror(errno));
		return 0;
	}
	for (int i = 0; i < n; i++) {
		char child[4096], crel[4096];
		struct stat st;
		int k;

		if (r < 0 || ents[i]->d_name[0] == '.')
			goto next;
		k = snprintf(crel, sizeof(crel), "%s%s%s", rel, *rel ? "/" : "", ents[i]->d_name);
		if (k < 0 || (size_t)k >= sizeof(crel) ||
		    (k = snprintf(child, sizeof(child), "%s/%s", root, crel)) < 0 || (size_t)k >= sizeof(child)) {
			lb_feed_warn(s, dir, NULL, "path too long");
			goto next;
		}
		if (lstat(child, &st) < 0)
			goto next;
		if (S_ISDIR(st.st_mode)) {
			r = walk(s, ops, kind, root, crel, depth + 1);
		} else if ((S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && stat(child, &st) == 0 &&
		    S_ISREG(st.st_mode))) && ops->want(crel)) {
			r = parse_path(s, ops, kind, child);
		}
next:
		free(ents[i]);
	}
	free(ents);
	return r;
}

/* --- finishing: merge and order ---------------------------------------- */

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool
better_cand(const struct cand *a, const struct cand *b)
{
	if (!b)
		return true;
	if (a->version != b->version)
		return a->version > b->version;
	return a->rank > b->rank;
}

static const char *
cand_source(int rank)
{
	if (rank >= LB_RANK_NVD_SECONDARY)
		return "nvd";
	if (rank >= LB_RANK_CVE5_ADP)
		return "cve5";
	return "osv";
}

struct fin {
	struct vuln *vulns;
	size_t nvulns;
	uint32_t *root_vuln;     /* per node root: vuln index or NONE */
	const char **labels;     /* sorted; id = index + 1 */
	size_t nlabels;
	struct lb_hmap label_ids; /* label -> id */
	struct pkgkey { const char *eco, *distro, *name; uint32_t id; } *pkgs;
	size_t npkgs;
	size_t nrows;            /* after dropping duplicates */
};

/* orders of indices into an array (glibc qsort_r) */
static int
cmp_vuln_order(const void *x, const void *y, void *arg)
{
	const struct vuln *v = arg;
	return strcmp(v[*(const uint32_t *)x].name, v[*(const uint32_t *)y].name);
}

static int cmp_pkgkey(const void *x, const void *y);

static int
cmp_pkg_order(const void *x, const void *y, void *arg)
{
	const struct pkgkey *p = arg;
	return cmp_pkgkey(&p[*(const uint32_t *)x], &p[*(const uint32_t *)y]);
}

static int
cmp_pkgkey(const void *x, const void *y)
{
	const struct pkgkey *a = x, *b = y;
	int c = strcmp(a->eco, b->eco);

	if (!c)
		c = strcmp(a->distro, b->distro);
	if (!c)
		c = strcmp(a->name, b->name);
	return c;
}

static int
cmp_row(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	if (a->pkgid != b->pkgid)
		return a->pkgid < b->pkgid ? -1 : 1;
	if (a->vulnid != b->vulnid)
		return a->vulnid < b->vulnid ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const char *
pick_name(struct builder *b, const uint32_t *members, size_t n, uint32_t root)
{
	const char *best = NULL;

	if (b->nodes[root].cve != NONE)
		return b->nodes[b->nodes[root].cve].id;
	/* no CVE: GitHub's ID is the one most tools know, else the smallest */
	for (size_t i = 0; i < n; i++) {
		const char *id = b->nodes[members[i]].id;
		bool ghsa = strncmp(id, "GHSA-", 5) == 0, bghsa = best && strncmp(best, "GHSA-", 5) == 0;
		if (!best || (ghsa && !bghsa) || (ghsa == bghsa && strcmp(id, best) < 0))
			best = id;
	}
	return best;
}

static void
finish(struct builder *b, struct fin *f)
{
	size_t nn = b->nnodes;
	uint32_t *root = lb_xcalloc(nn ? nn : 1, sizeof(*root));
	uint32_t *mstart = lb_xcalloc(nn + 1, sizeof(*mstart)), *members;
	uint32_t *rstart = lb_xcalloc(nn + 1, sizeof(*rstart)), *grecs;
	struct lb_hmap pk = LB_HMAP_INIT;
	struct lb_buf key = LB_BUF_INIT(1u << 20);
	const char **al = NULL;
	size_t capal = 0, k;

	f->root_vuln = lb_xmalloc((nn ? nn : 1) * sizeof(*f->root_vuln));
	for (size_t i = 0; i < nn; i++) {
		root[i] = node_find(b, (uint32_t)i);
		f->root_vuln[i] = NONE;
	}
	/* a vuln for every group with rows */
	for (size_t i = 0; i < b->nrows; i++) {
		uint32_t r = root[b->recs[b->rows[i].rec].node];
		if (f->root_vuln[r] == NONE) {
			f->root_vuln[r] = (uint32_t)f->nvulns++;
		}
	}
	f->vulns = lb_xcalloc(f->nvulns ? f->nvulns : 1, sizeof(*f->vulns));
	/* members and records of each group (counting sort by root) */
	for (size_t i = 0; i < nn; i++)
		mstart[root[i] + 1]++;
	for (size_t i = 0; i < nn; i++)
		mstart[i + 1] += mstart[i];
	members = lb_xmalloc((nn ? nn : 1) * sizeof(*members));
	{
		uint32_t *fill = lb_xcalloc(nn + 1, sizeof(*fill));
		for (size_t i = 0; i < nn; i++)
			members[mstart[root[i]] + fill[root[i]]++] = (uint32_t)i;
		free(fill);
	}
	for (size_t i = 0; i < b->nrecs; i++)
		rstart[root[b->recs[i].node] + 1]++;
	for (size_t i = 0; i < nn; i++)
		rstart[i + 1] += rstart[i];
	grecs = lb_xmalloc((b->nrecs ? b->nrecs : 1) * sizeof(*grecs));
	{
		uint32_t *fill = lb_xcalloc(nn + 1, sizeof(*fill));
		for (size_t i = 0; i < b->nrecs; i++) {
			uint32_t r = root[b->recs[i].node];
			grecs[rstart[r] + fill[r]++] = (uint32_t)i;
		}
		free(fill);
	}

	for (size_t r = 0; r < nn; r++) {
		struct vuln *v;
		const struct rec *title = NULL, *pub = NULL, *mod = NULL, *cwe = NULL;
		size_t nal = 0;

		if (f->root_vuln[r] == NONE)
			continue;
		v = &f->vulns[f->root_vuln[r]];
		v->name = pick_name(b, members + mstart[r], mstart[r + 1] - mstart[r], (uint32_t)r);
		/* aliases: the group's other IDs and what its records mention */
		for (k = mstart[r]; k < mstart[r + 1]; k++) {
			lb_xgrow(&al, &capal, nal + 1, sizeof(*al));
			al[nal++] = b->nodes[members[k]].id;
		}
		for (k = rstart[r]; k < rstart[r + 1]; k++) {
			const struct rec *rc = &b->recs[grecs[k]];
			for (uint32_t j = 0; j < rc->nrel; j++) {
				lb_xgrow(&al, &capal, nal + 1, sizeof(*al));
				al[nal++] = b->rels[rc->rel + j];
			}
			if (rc->title && (!title || rc->title_rank > title->title_rank))
				title = rc;
			if (rc->published && (!pub || rc->meta_rank > pub->meta_rank))
				pub = rc;
			if (rc->modified && (!mod || rc->meta_rank > mod->meta_rank))
				mod = rc;
			if (rc->cwe && (!cwe || rc->meta_rank > cwe->meta_rank))
				cwe = rc;
			for (uint32_t j = 0; j < rc->ncand; j++)
				if (better_cand(&b->cands[rc->cand + j], v->cvss))
					v->cvss = &b->cands[rc->cand + j];
		}
		qsort(al, nal, sizeof(*al), cmp_str);
		lb_buf_reset(&key);
		lb_buf_addstr(&key, "[");
		for (size_t i = 0, out = 0; i < nal && out < LB_FEED_MAX_ALIASES; i++) {
			if (al[i] == v->name || strcmp(al[i], v->name) == 0 || (i && strcmp(al[i], al[i - 1]) == 0))
				continue;
			lb_buf_addf(&key, "%s\"%s\"", out++ ? "," : "", al[i]);
		}
		lb_buf_addstr(&key, "]");
		v->aliases = key.len > 2 ? intern(&b->pool, (const char *)key.p) : NULL;
		v->title = title ? title->title : NULL;
		v->published = pub ? pub->published : NULL;
		v->modified = mod ? mod->modified : NULL;
		v->cwe = cwe ? cwe->cwe : NULL;
		if (v->cvss) {
			v->severity = (int)lb_cvss_severity(v->cvss->score, v->cvss->version == 2 ? 2 : 3);
			v->sev_src = cand_source(v->cvss->rank);
		}
	}
	/* vuln ids in name order */
	{
		uint32_t *order = lb_xmalloc((f->nvulns ? f->nvulns : 1) * sizeof(*order));
		for (size_t i = 0; i < f->nvulns; i++)
			order[i] = (uint32_t)i;
		qsort_r(order, f->nvulns, sizeof(*order), cmp_vuln_order, f->vulns);
		for (size_t i = 0; i < f->nvulns; i++)
			f->vulns[order[i]].id = (uint32_t)i + 1;
		free(order);
		for (size_t i = 0; i < b->nrows; i++)
			b->rows[i].vulnid = f->vulns[f->root_vuln[root[b->recs[b->rows[i].rec].node]]].id;
	}
	/* packages: ids in key order */
	{
		uint32_t *order, *newid;
		size_t cap = 0;
		for (size_t i = 0; i < b->nrows; i++) {
			struct row *w = &b->rows[i];
			const char *ks;
			void *v;
			lb_buf_reset(&key);
			lb_buf_add(&key, w->eco, strlen(w->eco) + 1);
			lb_buf_add(&key, w->distro, strlen(w->distro) + 1);
			lb_buf_add(&key, w->pkg, strlen(w->pkg));
			ks = intern_n(&b->pool, (const char *)key.p, key.len);
			if (!(v = lb_hmap_get(&pk, ks, key.len))) {
				lb_xgrow(&f->pkgs, &cap, f->npkgs + 1, sizeof(*f->pkgs));
				f->pkgs[f->npkgs] = (struct pkgkey){ w->eco, w->distro, w->pkg, 0 };
				v = (void *)(uintptr_t)(++f->npkgs);
				lb_hmap_put(&pk, ks, key.len, v);
			}
			w->pkgid = (uint32_t)((uintptr_t)v - 1);      /* index for now */
		}
		order = lb_xmalloc((f->npkgs ? f->npkgs : 1) * sizeof(*order));
		newid = lb_xmalloc((f->npkgs ? f->npkgs : 1) * sizeof(*newid));
		for (size_t i = 0; i < f->npkgs; i++)
			order[i] = (uint32_t)i;
		qsort_r(order, f->npkgs, sizeof(*order), cmp_pkg_order, f->pkgs);
		for (size_t i = 0; i < f->npkgs; i++)
			newid[order[i]] = (uint32_t)i + 1;
		for (size_t i = 0; i < f->npkgs; i++)
			f->pkgs[i].id = newid[i];
		for (size_t i = 0; i < b->nrows; i++)
			b->rows[i].pkgid = newid[b->rows[i].pkgid];
		qsort(f->pkgs, f->npkgs, sizeof(*f->pkgs), cmp_pkgkey);
		free(order);
		free(newid);
	}
	/* labels: ids in name order */
	{
		size_t cap = 0;
		for (size_t i = 0; i < b->nrows; i++) {
			const char *l[2] = { b->rows[i].source, b->rows[i].sev_src };
			for (int j = 0; j < 2; j++) {
				if (!l[j] || lb_hmap_get(&f->label_ids, l[j], strlen(l[j])))
					continue;
				lb_hmap_put(&f->label_ids, l[j], strlen(l[j]), (void *)1);
				lb_xgrow(&f->labels, &cap, f->nlabels + 1, sizeof(*f->labels));
				f->labels[f->nlabels++] = l[j];
			}
		}
		for (size_t i = 0; i < f->nvulns; i++) {
			const char *l = f->vulns[i].sev_src;
			if (!l || lb_hmap_get(&f->label_ids, l, strlen(l)))
				continue;
			lb_hmap_put(&f->label_ids, l, strlen(l), (void *)1);
			lb_xgrow(&f->labels, &cap, f->nlabels + 1, sizeof(*f->labels));
			f->labels[f->nlabels++] = l;
		}
		qsort(f->labels, f->nlabels, sizeof(*f->labels), cmp_str);
		for (size_t i = 0; i < f->nlabels; i++)
			lb_hmap_put(&f->label_ids, f->labels[i], strlen(f->labels[i]), (void *)(uintptr_t)(i + 1));
	}
	/* rows in key order, exact duplicates (same vuln, package, status
	 * and versions from another file or source) dropped: strings are
	 * interned, so equal means the same pointer */
	qsort(b->rows, b->nrows, sizeof(*b->rows), cmp_row);
	k = 0;
	for (size_t i = 0; i < b->nrows; i++) {
		const struct row *w = &b->rows[i];
		bool dup = false;
		for (size_t j = k; j-- > 0;) {
			const struct row *p = &b->rows[j];
			if (p->pkgid != w->pkgid || p->vulnid != w->vulnid)
				break;
			if (p->status == w->status && p->fixed == w->fixed && p->comp == w->comp) {
				dup = true;
				break;
			}
		}
		if (!dup)
			b->rows[k++] = *w;
	}
	f->nrows = k;
	free(root);
	free(mstart);
	free(members);
	free(rstart);
	free(grecs);
	free(al);
	lb_buf_release(&key);
	lb_hmap_release(&pk);
}

static void
fin_release(struct fin *f)
{
	free(f->vulns);
	free(f->root_vuln);
	free(f->labels);
	free(f->pkgs);
	lb_hmap_release(&f->label_ids);
}

/* --- writing ----------------------------------------------------------- */

static int
sql_err(struct lb_ctx *cx, sqlite3 *db, const char *what)
{
	lb_err(cx, "cannot write the vulnerability database: %s: %s", what, sqlite3_errmsg(db));
	return -LB_E_INTERNAL;
}

static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int
step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int64_t
label_id(struct fin *f, const char *l)
{
	return l ? (int64_t)(uintptr_t)lb_hmap_get(&f->label_ids, l, strlen(l)) : 0;
}

struct feedstat {
	const char *kind, *path;
	size_t records, warnings;
};

static int
write_db(struct lb_ctx *cx, sqlite3 *db, struct builder *b, struct fin *f,
    const struct feedstat *fs, size_t nfs)
{
	struct lb_buf blob = LB_BUF_INIT(INT32_MAX);
	sqlite3_stmt *st = NULL;
	char sql[256], when[32];
	struct tm tm;
	time_t now = time(NULL);
	int r = 0;

#define EXEC(q) do { if (sqlite3_exec(db, (q), NULL, NULL, NULL) != SQLITE_OK) { \
		r = sql_err(cx, db, "schema"); goto out; } } while (0)
#define PREP(q) do { sqlite3_finalize(st); st = NULL; \
		if (sqlite3_prepare_v2(db, (q), -1, &st, NULL) != SQLITE_OK) { \
		r = sql_err(cx, db, "prepare"); goto out; } } while (0)
#define STEP(what) do { if (step_reset(st) < 0) { r = sql_err(cx, db, what); goto out; } } while (0)

	snprintf(sql, sizeof(sql), "PRAGMA application_id=%d; PRAGMA user_version=%d;",
	    (int)LB_VULNDB_APP_ID, LB_VULNDB_SCHEMA_VERSION);
	EXEC(sql);
	EXEC(LB_VULNDB_SCHEMA_SQL);
	EXEC("BEGIN");

	PREP("INSERT INTO meta(key, value) VALUES(?1, ?2)");
	/* reproducible builds (reproducible-builds.org SOURCE_DATE_EPOCH):
	 * the same feeds then give the same bytes */
	if (getenv("SOURCE_DATE_EPOCH")) {
		char *end;
		long long t = strtoll(getenv("SOURCE_DATE_EPOCH"), &end, 10);
		if (*end == 0 && t >= 0 && t < 253402300800LL)
			now = (time_t)t;
	}
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	{
		static const char *const keys[] = { "schema_version", "built_at", "generator", "vulns",
			"records", "withdrawn" };
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			sqlite3_bind_text(st, 1, keys[i], -1, SQLITE_STATIC);
			switch (i) {
			case 0: sqlite3_bind_int64(st, 2, LB_VULNDB_SCHEMA_VERSION); break;
			case 1: sqlite3_bind_text(st, 2, when, -1, SQLITE_STATIC); break;
			case 2: sqlite3_bind_text(st, 2, "lifebelt " LB_VERSION, -1, SQLITE_STATIC); break;
			case 3: sqlite3_bind_int64(st, 2, (int64_t)f->nvulns); break;
			case 4: sqlite3_bind_int64(st, 2, (int64_t)f->nrows); break;
			default: sqlite3_bind_int64(st, 2, (int64_t)b->withdrawn); break;
			}
			STEP("meta");
		}
	}
	/* the package filter (schema.h) */
	{
		uint64_t nbits = 1024;
		uint8_t *bits;
		while (nbits < (uint64_t)f->npkgs * LB_VULNDB_FILTER_BITS_PER_KEY)
			nbits <<= 1;
		bits = lb_xcalloc((size_t)(nbits / 8), 1);
		for (size_t i = 0; i < f->npkgs; i++) {
			uint64_t h = lb_vulndb_key_hash(f->pkgs[i].eco, f->pkgs[i].distro, f->pkgs[i].name);
			for (int k = 0; k < LB_VULNDB_FILTER_PROBES; k++) {
				uint64_t bit = lb_vulndb_filter_bit(h, k, nbits);
				bits[bit >> 3] |= (uint8_t)(1u << (bit & 7));
			}
		}
		sqlite3_bind_text(st, 1, "pkg_filter_bits", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (int64_t)nbits);
		if (step_reset(st) < 0) {
			free(bits);
			r = sql_err(cx, db, "meta");
			goto out;
		}
		sqlite3_bind_text(st, 1, "pkg_filter", -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, bits, (int)(nbits / 8), SQLITE_TRANSIENT);
		free(bits);
		STEP("meta");
	}
	PREP("INSERT INTO feed(id, kind, path, records, warnings) VALUES(?1, ?2, ?3, ?4, ?5)");
	for (size_t i = 0; i < nfs; i++) {
		sqlite3_bind_int64(st, 1, (int64_t)i + 1);
		bind_text(st, 2, fs[i].kind);
		bind_text(st, 3, fs[i].path);
		sqlite3_bind_int64(st, 4, (int64_t)fs[i].records);
		sqlite3_bind_int64(st, 5, (int64_t)fs[i].warnings);
		STEP("feed");
	}
	PREP("INSERT INTO label(id, name) VALUES(?1, ?2)");
	for (size_t i = 0; i < f->nlabels; i++) {
		sqlite3_bind_int64(st, 1, (int64_t)i + 1);
		bind_text(st, 2, f->labels[i]);
		STEP("label");
	}
	PREP("INSERT INTO vuln(id, name, aliases, title, severity, sev_src, cvss_vector, cvss_score,"
	    " cwe, published, modified) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	{
		/* in id order */
		struct vuln **byid = lb_xcalloc(f->nvulns ? f->nvulns : 1, sizeof(*byid));
		for (size_t i = 0; i < f->nvulns; i++)
			byid[f->vulns[i].id - 1] = &f->vulns[i];
		for (size_t i = 0; i < f->nvulns && r == 0; i++) {
			const struct vuln *v = byid[i];
			sqlite3_bind_int64(st, 1, v->id);
			bind_text(st, 2, v->name);
			bind_text(st, 3, v->aliases);
			bind_text(st, 4, v->title);
			sqlite3_bind_int(st, 5, v->severity);
			if (v->sev_src)
				sqlite3_bind_int64(st, 6, label_id(f, v->sev_src));
			if (v->cvss) {
				bind_text(st, 7, v->cvss->vector);
				sqlite3_bind_double(st, 8, v->cvss->score);
			}
			bind_text(st, 9, v->cwe);
			bind_text(st, 10, v->published);
			bind_text(st, 11, v->modified);
			if (step_reset(st) < 0)
				r = sql_err(cx, db, "vuln");
		}
		free(byid);
		if (r < 0)
			goto out;
	}
	/* each package's rows as one blob (pkgblob.h); rows are sorted by
	 * package id, which follows f->pkgs */
	PREP("INSERT INTO pkg(eco, distro, name, adv) VALUES(?1, ?2, ?3, ?4)");
	for (size_t i = 0, k = 0; i < f->npkgs; i++) {
		size_t end = k;
		uint32_t prev = 0;
		lb_buf_reset(&blob);
		while (end < f->nrows && b->rows[end].pkgid == f->pkgs[i].id)
			end++;
		lb_pb_put_uint(&blob, end - k);
		for (; k < end; k++) {
			const struct row *w = &b->rows[k];
			uint8_t flags = (uint8_t)(w->status & LB_PB_STATUS) | w->compflags;
			if (w->fixed)
				flags |= LB_PB_FIXED;
			if (w->record)
				flags |= LB_PB_RECORD;
			if (w->sev)
				flags |= LB_PB_VSEV;
			lb_pb_put_uint(&blob, w->vulnid - prev);
			prev = w->vulnid;
			lb_pb_put_u8(&blob, flags);
			lb_pb_put_uint(&blob, (uint64_t)label_id(f, w->source));
			if (w->sev) {
				lb_pb_put_u8(&blob, w->sev);
				lb_pb_put_uint(&blob, (uint64_t)label_id(f, w->sev_src));
			}
			if (w->record)
				lb_pb_put_str(&blob, w->record, strlen(w->record));
			if (w->fixed)
				lb_pb_put_str(&blob, w->fixed, strlen(w->fixed));
			if (w->comp)
				lb_buf_add(&blob, w->comp, w->complen);
		}
		bind_text(st, 1, f->pkgs[i].eco);
		bind_text(st, 2, f->pkgs[i].distro);
		bind_text(st, 3, f->pkgs[i].name);
		sqlite3_bind_blob(st, 4, blob.p, (int)blob.len, SQLITE_STATIC);
		STEP("pkg");
	}
	sqlite3_finalize(st);
	st = NULL;
	EXEC("COMMIT");
out:
#undef EXEC
#undef PREP
#undef STEP
	sqlite3_finalize(st);
	lb_buf_release(&blob);
	return r;
}

static int
fsync_dir_of(const char *path)
{
	char *dir = lb_xstrdup(path), *slash = strrchr(dir, '/');
	int fd, r = 0;

	if (slash == dir)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	else
		strncpy(dir, ".", 2);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if (fsync(fd) < 0 && errno != EINVAL)
			r = -errno;
		close(fd);
	}
	free(dir);
	return r;
}

int
lb_vulndb_build(struct lb_ctx *cx, const struct lb_feed_source *src, size_t nsrc,
    const char *out_path)
{
	struct builder b = { .cx = cx };
	struct fin f = { 0 };
	struct feedstat *fs = lb_xcalloc(nsrc ? nsrc : 1, sizeof(*fs));
	struct timespec t0, t1;
	sqlite3 *db = NULL;
	char *tmp = NULL, *sql = NULL;
	int fd = -1, r = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* check every source before reading any */
	for (size_t i = 0; i < nsrc; i++) {
		struct stat st;
		if (!src[i].kind || !lb_feed_find(src[i].kind)) {
			lb_err(cx, "unknown source kind '%s' (osv, alpine-secdb, wolfi-secdb, debian-tracker, nvd, cve5)",
			    src[i].kind ? src[i].kind : "");
			r = -LB_E_USAGE;
			goto out;
		}
		if (!src[i].path || stat(src[i].path, &st) < 0) {
			r = src[i].path ? -errno : -LB_E_USAGE;
			lb_err(cx, "cannot read source '%s': %s", src[i].path ? src[i].path : "",
			    lb_strerror(r == -ENOENT ? -LB_E_NOTFOUND : r));
			if (r == -ENOENT)
				r = -LB_E_NOTFOUND;
			goto out;
		}
	}
	/* two rounds: the feeds that make rows, then those that only add
	 * metadata to them (NVD, CVE 5), so the latter can skip the rest */
	for (size_t k = 0; k < 2 * nsrc; k++) {
		size_t i = k % nsrc;
		bool meta = strcmp(src[i].kind, "nvd") == 0 || strcmp(src[i].kind, "cve5") == 0;
		const struct lb_feed_ops *ops = lb_feed_find(src[i].kind);
		struct lb_feed_sink s = { .cx = cx, .emit = collect, .arg = &b, .nwarn_quiet = 200 };
		struct stat st;

		if (meta != (k >= nsrc))
			continue;
		stat(src[i].path, &st);
		if (S_ISDIR(st.st_mode))
			r = walk(&s, ops, src[i].kind, src[i].path, "", 0);
		else
			r = parse_path(&s, ops, src[i].kind, src[i].path);
		fs[i] = (struct feedstat){ src[i].kind, src[i].label ? src[i].label : src[i].path,
		    s.nrecords, s.nwarnings };
		if (s.nwarnings > (size_t)s.nwarn_quiet)
			lb_warn(cx, "source '%s:%s': %zu warnings in all, %d shown", src[i].kind, src[i].path,
			    s.nwarnings, s.nwarn_quiet);
		if (s.nrecords == 0)
			lb_warn(cx, "source '%s:%s' holds no records", src[i].kind, src[i].path);
		lb_info(cx, "read %zu records from %s:%s", s.nrecords, src[i].kind, src[i].path);
		if (r < 0)
			goto out;
		/* a downloaded feed that is empty, cut short or not what it says
		 * must not replace a good database */
		if (src[i].required && (s.nrecords == 0 || s.nbadfiles)) {
			lb_err(cx, "source '%s:%s' is unusable: %s", src[i].kind,
			    src[i].label ? src[i].label : src[i].path,
			    s.nbadfiles ? "it could not be read or parsed" : "it holds no records");
			r = -LB_E_FORMAT;
			goto out;
		}
	}
	finish(&b, &f);
	lb_debug(cx, "%zu vulns, %zu rows (%zu duplicates dropped), %zu withdrawn, %zu aliases kept apart, "
	    "%zu metadata records for CVEs no feed names", f.nvulns, f.nrows, b.nrows - f.nrows, b.withdrawn,
	    b.refused, b.unused);

	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		r = sql_err(cx, db, "open");
		goto out;
	}
	if ((r = write_db(cx, db, &b, &f, fs, nsrc)) < 0)
		goto out;

	/* the temporary file beside the output, then VACUUM INTO it */
	tmp = lb_xasprintf("%s.tmp-XXXXXX", out_path);
	if ((fd = mkstemp(tmp)) < 0) {
		r = -errno;
		lb_err(cx, "cannot create '%s': %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	fchmod(fd, 0644);
	sql = sqlite3_mprintf("VACUUM INTO %Q", tmp);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		r = sql_err(cx, db, "VACUUM INTO");
		goto out;
	}
	sqlite3_close(db);
	db = NULL;
	if (fsync(fd) < 0) {
		r = -errno;
		lb_err(cx, "cannot sync '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, out_path) < 0) {
		r = -errno;
		lb_err(cx, "cannot rename '%s' to '%s': %s", tmp, out_path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;            /* in place: nothing to remove */
	fsync_dir_of(out_path);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	lb_info(cx, "wrote '%s': %zu vulnerabilities, %zu affected records in %.2f s", out_path,
	    f.nvulns, f.nrows, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	r = 0;
out:
	if (db)
		sqlite3_close(db);
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	sqlite3_free(sql);
	free(fs);
	fin_release(&f);
	builder_release(&b);
	return r;
}
