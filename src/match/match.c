#include "match/match.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "version/vercmp.h"

/* the longest native advisory ID a URL is made from (feed.h: LB_FEED_MAX_ID) */
#define LB_MATCH_MAX_RECORD 160

static const char *const debian_codenames[] = {
	[7] = "wheezy", [8] = "jessie", [9] = "stretch", [10] = "buster",
	[11] = "bullseye", [12] = "bookworm", [13] = "trixie", [14] = "forky",
};

char *
lb_match_distro(const struct lb_os *os)
{
	const char *v = os->version_id ? os->version_id : os->version;

	if (!os->family)
		return NULL;
	if (strcmp(os->family, "debian") == 0) {
		if (os->codename && *os->codename)
			return lb_xasprintf("debian:%s", os->codename);
		if (v) {
			long major = strtol(v, NULL, 10);
			if (major >= 7 && major <= 14)
				return lb_xasprintf("debian:%s", debian_codenames[major]);
		}
		return NULL;
	}
	if (strcmp(os->family, "alpine") == 0) {
		/* "3.18.4" -> "v3.18"; edge stays "edge" */
		const char *p = os->version ? os->version : v;
		const char *dot;
		if (!p)
			return NULL;
		dot = strchr(p, '.');
		if (dot && (dot = strchr(dot + 1, '.')))
			return lb_xasprintf("alpine:v%.*s", (int)(dot - p), p);
		return lb_xasprintf("alpine:v%s", p);
	}
	if (strcmp(os->family, "wolfi") == 0 || strcmp(os->family, "chainguard") == 0)
		return lb_xasprintf("%s", os->family);
	if (v)
		return lb_xasprintf("%s:%s", os->family, v);
	return NULL;
}

/* --- the versions of one key, ranked -------------------------------------
 *
 * Every version a key's advisories name (events, listed versions, fixed
 * versions) is put in the comparator's order once, when the key is first
 * looked up; equal versions share a class. A package's version is then
 * placed among the classes with a binary search (a few comparisons), and
 * every advisory row is evaluated by comparing class numbers. */

#define CLS_NONE UINT32_MAX

struct slot {
	struct lb_slice v;
	uint32_t idx;            /* index in the distinct list */
};

struct ranks {
	struct slot *d;          /* the distinct versions (dropped once ranked) */
	size_t nd, capd;
	struct lb_slice *rep;    /* ranked: one version per class, in order */
	size_t nrep;
	/* the distinct index of each version, then (ranked) its class */
	uint32_t *ev;            /* each event: rows, ranges, events in order */
	uint32_t *ver;           /* each valid listed version, rows in order */
	uint32_t *fx;            /* per row: its fixed version, or CLS_NONE */
	size_t *ev_off, *ver_off; /* per row: where its events and versions start */
	/* comparisons: about what evaluating a version costs unranked, and
	 * what ranking costs (sorting the distinct versions); versions */
	size_t direct, sort, occ;
	bool indexed, ranked;
};

/* where a version falls: classes below p are lower; class p equals it
 * when eq, else is higher (as are the classes above p) */
struct pos {
	uint32_t p;
	bool eq;
};

static bool
is_zero(struct lb_slice v)
{
	return v.len == 1 && v.p[0] == '0';
}

/* the sign of (version - class c) */
static int
pos_cmp(struct pos at, uint32_t c)
{
	if (c < at.p)
		return 1;
	return c == at.p && at.eq ? 0 : -1;
}

static struct pos
place(const struct ranks *rk, const struct lb_vercmp_ops *ops, struct lb_slice ver)
{
	size_t lo = 0, hi = rk->nrep;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ops->compare(rk->rep[mid], ver) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (struct pos){ (uint32_t)lo, lo < rk->nrep && ops->compare(rk->rep[lo], ver) == 0 };
}

static void
ranks_release(struct ranks *rk)
{
	free(rk->d);
	free(rk->rep);
	free(rk->ev);
	free(rk->ver);
	free(rk->fx);
	free(rk->ev_off);
	free(rk->ver_off);
	memset(rk, 0, sizeof(*rk));
}

static int
cmp_slot(const void *x, const void *y, void *arg)
{
	const struct lb_vercmp_ops *ops = arg;
	return ops->compare(((const struct slot *)x)->v, ((const struct slot *)y)->v);
}

/* the index of v in the distinct list (added when new) */
static uint32_t
distinct(struct ranks *rk, struct lb_hmap *seen, struct lb_slice v)
{
	void *x = lb_hmap_get(seen, v.p, v.len);

	if (x)
		return (uint32_t)((uintptr_t)x - 1);
	lb_xgrow(&rk->d, &rk->capd, rk->nd + 1, sizeof(*rk->d));
	rk->d[rk->nd] = (struct slot){ v, (uint32_t)rk->nd };
	lb_hmap_put(seen, v.p, v.len, (void *)(uintptr_t)(rk->nd + 1));
	return (uint32_t)rk->nd++;
}

static size_t
log2_ceil(size_t n)
{
	size_t k = 0;

	while (((size_t)1 << k) < n + 1)
		k++;
	return k;
}

/* What ranking could save: the comparisons evaluating one version costs
 * unranked (a binary search of each row's versions, about half its events:
 * the evaluation stops at the first above), and the versions to index. */
static void
ranks_costs(struct ranks *rk, const struct lb_vpkg *vp)
{
	for (size_t k = 0; k < vp->nrows; k++) {
		size_t n = 0;
		for (size_t i = 0; i < vp->rows[k].nranges; i++)
			n += vp->rows[k].ranges[i].nev;
		rk->direct += log2_ceil(vp->rows[k].nvalid) + n / 2 + 1;
		rk->occ += n + vp->rows[k].nvalid + 1;
	}
}

/* Lists the distinct versions of vp, and where each version of each row
 * is among them. */
static void
ranks_index(struct ranks *rk, const struct lb_vpkg *vp)
{
	struct lb_hmap seen = LB_HMAP_INIT;
	size_t nev = 0, nver = 0, nrows = vp->nrows ? vp->nrows : 1;

	for (size_t k = 0; k < vp->nrows; k++) {
		for (size_t i = 0; i < vp->rows[k].nranges; i++)
			nev += vp->rows[k].ranges[i].nev;
		nver += vp->rows[k].nvalid;
	}
	rk->ev = lb_xmalloc((nev ? nev : 1) * sizeof(*rk->ev));
	rk->ver = lb_xmalloc((nver ? nver : 1) * sizeof(*rk->ver));
	rk->fx = lb_xmalloc(nrows * sizeof(*rk->fx));
	rk->ev_off = lb_xmalloc(nrows * sizeof(*rk->ev_off));
	rk->ver_off = lb_xmalloc(nrows * sizeof(*rk->ver_off));
	nev = nver = 0;
	for (size_t k = 0; k < vp->nrows; k++) {
		const struct lb_vrow *w = &vp->rows[k];
		rk->ev_off[k] = nev;
		rk->ver_off[k] = nver;
		for (size_t i = 0; i < w->nranges; i++)
			for (size_t e = 0; e < w->ranges[i].nev; e++) {
				const struct lb_vevent *ev = &w->ranges[i].ev[e];
				rk->ev[nev++] = ev->kind == LB_EV_INTRODUCED && is_zero(ev->v) ? CLS_NONE :
				    distinct(rk, &seen, ev->v);
			}
		for (size_t i = 0; i < w->nvalid; i++)
			rk->ver[nver++] = distinct(rk, &seen, w->versions[i]);
		/* fixed counts only without ranges and versions (row_affects) */
		rk->fx[k] = w->fixed.p && w->fixed.len && !w->nranges && !w->nversions ?
		    distinct(rk, &seen, w->fixed) : CLS_NONE;
	}
	rk->sort = rk->nd * log2_ceil(rk->nd);
	rk->indexed = true;
	lb_hmap_release(&seen);
}

/* Puts the distinct versions in order, equal ones in one class, and turns
 * every index into a class. */
static void
ranks_sort(struct ranks *rk, const struct lb_vpkg *vp, const struct lb_vercmp_ops *ops)
{
	uint32_t *cls = lb_xmalloc((rk->nd ? rk->nd : 1) * sizeof(*cls));
	size_t nev = 0, nver = 0;

	qsort_r(rk->d, rk->nd, sizeof(*rk->d), cmp_slot, (void *)ops);
	rk->rep = lb_xmalloc((rk->nd ? rk->nd : 1) * sizeof(*rk->rep));
	for (size_t i = 0; i < rk->nd; i++) {
		if (i == 0 || ops->compare(rk->d[i - 1].v, rk->d[i].v) != 0)
			rk->rep[rk->nrep++] = rk->d[i].v;
		cls[rk->d[i].idx] = (uint32_t)rk->nrep - 1;
	}
	for (size_t k = 0; k < vp->nrows; k++) {
		for (size_t i = 0; i < vp->rows[k].nranges; i++)
			nev += vp->rows[k].ranges[i].nev;
		nver += vp->rows[k].nvalid;
	}
	for (size_t i = 0; i < nev; i++)
		if (rk->ev[i] != CLS_NONE)
			rk->ev[i] = cls[rk->ev[i]];
	for (size_t i = 0; i < nver; i++)
		rk->ver[i] = cls[rk->ver[i]];
	for (size_t k = 0; k < vp->nrows; k++)
		if (rk->fx[k] != CLS_NONE)
			rk->fx[k] = cls[rk->fx[k]];
	free(cls);
	free(rk->d);
	rk->d = NULL;
	rk->nd = rk->capd = 0;
	rk->ranked = true;
}

/* --- one advisory row against one version --------------------------------- */

/* The version being evaluated, and how to compare it: by class when the
 * key's versions are ranked, else with the comparator (a key seen at one
 * version only is not worth ranking). */
struct at {
	const struct lb_vercmp_ops *ops;   /* NULL: no comparator for the ecosystem */
	struct lb_slice s;
	const struct ranks *rk;            /* NULL: compare directly */
	struct pos pos;                    /* where s falls among rk's classes */
};

/* the sign of (the version - v), v of class c */
static int
at_cmp(const struct at *at, struct lb_slice v, uint32_t c)
{
	return at->rk ? pos_cmp(at->pos, c) : at->ops->compare(at->s, v);
}

/* OSV schema "Evaluation": events in version order (sorted when the
 * database was built); introduced turns vulnerability on, fixed (v >=
 * fixed) and last_affected (v > it) off. ev: the events' classes, or NULL
 * when not ranked. */
static bool
in_range(const struct lb_vrange *rg, const uint32_t *ev, const struct at *at)
{
	bool vulnerable = false;

	for (size_t i = 0; i < rg->nev; i++) {
		const struct lb_vevent *e = &rg->ev[i];
		int c;

		if (e->kind == LB_EV_INTRODUCED && is_zero(e->v)) {
			vulnerable = true;
			continue;
		}
		c = at_cmp(at, e->v, ev ? ev[i] : 0);
		if (c < 0 && !is_zero(e->v))
			break;     /* this event and every later one are above the version: no change */
		if (e->kind == LB_EV_INTRODUCED)
			vulnerable = vulnerable || c >= 0;
		else if (e->kind == LB_EV_FIXED)
			vulnerable = vulnerable && c < 0;
		else
			vulnerable = vulnerable && c <= 0;
	}
	return vulnerable;
}

/* Whether the version is among the row's explicit versions: a binary
 * search of the valid ones, which are in order (ver: their classes, or
 * NULL); without a comparator, spelled the same. */
static bool
in_versions(const struct lb_vrow *w, const uint32_t *ver, const struct at *at)
{
	size_t lo = 0, hi = w->nvalid;

	if (!at->ops) {
		for (size_t i = 0; i < w->nversions; i++)
			if (w->versions[i].len == at->s.len && memcmp(w->versions[i].p, at->s.p, at->s.len) == 0)
				return true;
		return false;
	}
	if (at->rk && !at->pos.eq)
		return false;      /* equal to no version the key names */
	if (hi) {
		/* outside the list's bounds (common: an installed version above
		 * every affected one) is two comparisons */
		int c = at_cmp(at, w->versions[hi - 1], ver ? ver[hi - 1] : 0);
		if (c >= 0)
			return c == 0;
		if ((c = at_cmp(at, w->versions[0], ver ? ver[0] : 0)) <= 0)
			return c == 0;
		lo = 1;
		hi--;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = -at_cmp(at, w->versions[mid], ver ? ver[mid] : 0);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Whether row k affects the version: 1 yes, 0 no, -1 when it cannot be
 * told (an ecosystem without a comparator). */
static int
row_affects(const struct lb_vpkg *vp, size_t k, const struct at *at)
{
	const struct lb_vrow *w = &vp->rows[k];
	const struct ranks *rk = at->rk;

	if (w->status == LB_VS_NOT_AFFECTED)
		return 0;
	/* affected when listed or in a range: the ranges first, they are
	 * cheaper to evaluate */
	if (w->nranges && at->ops) {
		const uint32_t *ev = rk ? rk->ev + rk->ev_off[k] : NULL;
		for (size_t i = 0; i < w->nranges; i++) {
			if (in_range(&w->ranges[i], ev, at))
				return 1;
			if (ev)
				ev += w->ranges[i].nev;
		}
	}
	if (w->nversions && in_versions(w, rk ? rk->ver + rk->ver_off[k] : NULL, at))
		return 1;
	if (w->nranges)
		return at->ops ? 0 : -1;
	if (w->nversions)
		return 0;
	if (w->fixed.p && w->fixed.len) {
		if (!at->ops)
			return -1;
		return at_cmp(at, w->fixed, rk ? rk->fx[k] : 0) < 0;
	}
	/* no version information: unfixed, will-not-fix, no-dsa, end-of-life */
	return w->status != LB_VS_FIXED;
}

/* The fix that applies to the version: the lowest fixed event above it in
 * row k's ranges (new string), or NULL when the ranges name none. */
static char *
fixed_for(const struct lb_vpkg *vp, size_t k, const struct at *at)
{
	const struct lb_vrow *w = &vp->rows[k];
	const uint32_t *ev = at->rk ? at->rk->ev + at->rk->ev_off[k] : NULL;
	const struct lb_slice *best = NULL;
	uint32_t bestc = CLS_NONE;

	for (size_t i = 0; i < w->nranges; i++) {
		const struct lb_vrange *rg = &w->ranges[i];
		for (size_t e = 0; e < rg->nev; e++) {
			uint32_t c = ev ? ev[e] : 0;
			if (rg->ev[e].kind != LB_EV_FIXED || (ev && c == CLS_NONE) || at_cmp(at, rg->ev[e].v, c) >= 0)
				continue;
			if (!best || (ev ? c < bestc : at->ops->compare(rg->ev[e].v, *best) < 0)) {
				best = &rg->ev[e].v;
				bestc = c;
			}
			break;      /* events are in order: the range's first fix above the version */
		}
		if (ev)
			ev += rg->nev;
	}
	return best ? lb_xstrndup(best->p, best->len) : NULL;
}

/* --- matching an inventory --------------------------------------------- */

/* What a package at one version gets from one key's advisories, worked
 * out once: packages of one source share the key and, in the common case,
 * the version. Strings are kept with their lengths, to be copied into
 * each finding. */
struct str {
	const char *p;             /* NULL: none */
	size_t n;
};

enum { F_ID, F_ALIASES, F_SEVERITY, F_SEVSRC, F_VECTOR, F_SOURCE, F_TITLE, F_URL, F_N };

struct proto {
	const struct lb_vrow *w;   /* the first matching row of the vuln */
	const struct lb_vuln *v;
	char *fixed;               /* owned, or NULL */
	struct str f[F_N];         /* the finding's other strings */
	int status;
};

struct result {
	char *version;             /* owned */
	struct proto *p;
	size_t n;
};

/* results kept per key: a key with more versions than this in one
 * inventory is evaluated again for the others */
#define LB_MATCH_VERSIONS_PER_KEY 16

/* the advisories of one (ecosystem, distro, name), looked up once */
struct key_ent {
	struct lb_vpkg *vp;      /* NULL: none */
	char **urls;             /* per row: its finding's URL, made when first needed */
	struct ranks rk;         /* vp's versions (when there is a comparator) */
	struct result res[LB_MATCH_VERSIONS_PER_KEY];
	size_t nres;
	size_t klen;
	char key[];              /* type NUL distro NUL name */
};

struct vuln_ent {
	uint32_t id;
	struct lb_vuln *v;
};

struct matcher {
	struct lb_ctx *cx;
	struct lb_vulndb *db;
	struct lb_inventory *inv;
	struct lb_hmap keys;     /* key -> struct key_ent */
	struct lb_hmap vulns;    /* id (4 bytes) -> struct vuln_ent */
	struct lb_buf key;
	struct result scratch;   /* the result of a version past the cache */
	size_t capscratch;
	char url[512];
};

/* The cache key: type, distro and the name the feeds key the package by
 * (source package for OS packages, PEP 503 for pypi). */
static void
make_key(struct lb_buf *k, const struct lb_pkg *p, const char *distro, bool os_pkg)
{
	const char *n = os_pkg && p->src_name && *p->src_name ? p->src_name : p->name;

	lb_buf_reset(k);
	lb_buf_add(k, p->type, strlen(p->type) + 1);
	lb_buf_add(k, distro ? distro : "", distro ? strlen(distro) + 1 : 1);
	if (strcmp(p->type, "pypi") != 0) {
		lb_buf_addstr(k, n);
		return;
	}
	/* PEP 503: lowercase, runs of "-", "_", "." become "-" */
	for (const char *s = n; *s; s++) {
		char c = *s;
		if (c == '-' || c == '_' || c == '.') {
			if (k->p[k->len - 1] == 0 || k->p[k->len - 1] != '-')
				lb_buf_add(k, "-", 1);
		} else {
			c = (char)tolower((unsigned char)c);
			lb_buf_add(k, &c, 1);
		}
	}
}

static void
key_free(struct key_ent *e)
{
	for (size_t j = 0; j < e->nres; j++) {
		for (size_t i = 0; i < e->res[j].n; i++)
			free(e->res[j].p[i].fixed);
		free(e->res[j].p);
		free(e->res[j].version);
	}
	for (size_t k = 0; e->urls && k < e->vp->nrows; k++)
		free(e->urls[k]);
	free(e->urls);
	ranks_release(&e->rk);
	lb_vpkg_free(e->vp);
	free(e);
}

static int
get_key(struct matcher *m, const char *type, const char *distro, struct key_ent **out)
{
	struct key_ent *e = lb_hmap_get(&m->keys, (const char *)m->key.p, m->key.len);
	const char *name;
	int r;

	if (e) {
		*out = e;
		return 0;
	}
	e = lb_xcalloc(1, sizeof(*e) + m->key.len + 1);
	e->klen = m->key.len;
	memcpy(e->key, m->key.p, m->key.len);
	name = e->key + strlen(type) + 1;
	name += strlen(name) + 1;
	if ((r = lb_vulndb_lookup(m->db, type, distro, name, &e->vp)) < 0) {
		key_free(e);
		return r;
	}
	if (e->vp)
		ranks_costs(&e->rk, e->vp);
	lb_hmap_put(&m->keys, e->key, e->klen, e);
	*out = e;
	return 0;
}

static const struct lb_vuln *
get_vuln(struct matcher *m, uint32_t id)
{
	struct vuln_ent *e = lb_hmap_get(&m->vulns, (const char *)&id, sizeof(id));

	if (e)
		return e->v;
	e = lb_xmalloc(sizeof(*e));
	e->id = id;
	if (lb_vulndb_vuln(m->db, id, &e->v) < 0)
		e->v = NULL;
	lb_hmap_put(&m->vulns, (const char *)&e->id, sizeof(e->id), e);
	return e->v;
}

/* Works out what version (valid for ops) gets from the key's rows into
 * res (*cap is the room of res->p). */
static struct str
mkstr(const char *s)
{
	return (struct str){ s, s ? strlen(s) : 0 };
}

/* The URL of findings from row k of e (kept in e), or NULL. */
static const char *
row_url(struct matcher *m, struct key_ent *e, size_t k, const struct lb_vuln *v)
{
	const struct lb_vrow *w = &e->vp->rows[k];
	char rec[LB_MATCH_MAX_RECORD];
	const char *record = NULL, *url;

	if (!e->urls)
		e->urls = lb_xcalloc(e->vp->nrows, sizeof(*e->urls));
	if (e->urls[k])
		return e->urls[k];
	if (w->record.p && w->record.len < sizeof(rec)) {
		memcpy(rec, w->record.p, w->record.len);
		rec[w->record.len] = 0;
		record = rec;
	}
	if ((url = lb_vulndb_url(w->source, v->name, record, m->url, sizeof(m->url))))
		e->urls[k] = lb_xstrdup(url);
	return e->urls[k];
}

static void
evaluate(struct matcher *m, struct result *res, size_t *cap, const char *eco,
    const struct lb_vercmp_ops *ops, const char *version, struct key_ent *e)
{
	const struct lb_vpkg *vp = e->vp;
	struct at at = { .ops = ops, .s = lb_slice_str(version), .rk = e->rk.ranked ? &e->rk : NULL };
	int c;

	if (at.rk)
		at.pos = place(at.rk, ops, at.s);
	for (size_t k = 0; k < vp->nrows; k++) {
		const struct lb_vrow *w = &vp->rows[k];
		struct proto *f;
		const struct lb_vuln *v;
		int r;

		if (w->status > LB_VS_NOT_AFFECTED || !w->source)
			continue;
		if ((r = row_affects(vp, k, &at)) <= 0) {
			if (r < 0)
				lb_debug(m->cx, "cannot compare %s versions: %s %s passed over", eco, w->source, version);
			continue;
		}
		/* one finding per package and vulnerability (a vuln's rows are
		 * next to each other); where several rows of one vuln match (a
		 * fix listed under two versions), the highest fixed version is
		 * the one that fixes */
		if (res->n && res->p[res->n - 1].w->vuln == w->vuln) {
			f = &res->p[res->n - 1];
			if (!w->fallback && w->fixed.p && w->fixed.len && f->fixed) {
				char *fx = lb_xstrndup(w->fixed.p, w->fixed.len);
				if (lb_vercmp(eco, fx, f->fixed, &c) == 0 && c > 0) {
					free(f->fixed);
					f->fixed = fx;
					fx = NULL;
				}
				free(fx);
			}
			continue;
		}
		if (!(v = get_vuln(m, w->vuln)))
			continue;
		lb_xgrow(&res->p, cap, res->n + 1, sizeof(*res->p));
		f = &res->p[res->n++];
		f->w = w;
		f->v = v;
		f->fixed = NULL;
		if (!w->fallback && w->nranges && ops)
			f->fixed = fixed_for(vp, k, &at);
		if (!w->fallback && !f->fixed && w->fixed.p && w->fixed.len && !w->nranges)
			f->fixed = lb_xstrndup(w->fixed.p, w->fixed.len);
		/* Debian: the unstable fix standing in for a release leaves that
		 * release vulnerable, with no fix of its own */
		f->status = w->fallback && w->status == LB_VS_FIXED ? LB_VS_AFFECTED : (int)w->status;
		f->f[F_ID] = mkstr(v->name);
		f->f[F_ALIASES] = mkstr(v->aliases ? v->aliases : "[]");
		f->f[F_SEVERITY] = mkstr(w->vsev ? w->vsev : v->severity);
		f->f[F_SEVSRC] = mkstr(w->vsev ? w->vsev_src : v->severity_source);
		f->f[F_VECTOR] = mkstr(v->cvss_vector);
		f->f[F_SOURCE] = mkstr(w->source);
		f->f[F_TITLE] = mkstr(v->title);
		f->f[F_URL] = mkstr(row_url(m, e, k, v));
	}
}

/* Copies s (when set) to *blk as a C string and moves *blk past it. */
static char *
pack(char **blk, struct str s)
{
	char *out = *blk;

	if (!s.p)
		return NULL;
	memcpy(out, s.p, s.n);
	out[s.n] = '\0';
	*blk += s.n + 1;
	return out;
}

/* The findings of package i from res. */
static void
add_findings(struct lb_inventory *inv, size_t i, const char *version, const struct result *res)
{
	struct str ver = mkstr(version);

	for (size_t k = 0; k < res->n; k++) {
		const struct proto *p = &res->p[k];
		struct lb_finding *f = lb_inventory_add_finding(inv);

		struct str fx = mkstr(p->fixed);
		size_t total = 0;
		char *blk;

		/* all strings of the finding in one block (lb_finding.packed) */
		for (int j = 0; j < F_N; j++)
			total += p->f[j].p ? p->f[j].n + 1 : 0;
		total += ver.n + 1 + (fx.p ? fx.n + 1 : 0);
		f->packed = blk = lb_xmalloc(total);
		f->id = pack(&blk, p->f[F_ID]);
		f->aliases = pack(&blk, p->f[F_ALIASES]);
		f->pkg = i;
		f->installed = pack(&blk, ver);
		f->fixed = pack(&blk, fx);
		f->status = p->status;
		f->severity = pack(&blk, p->f[F_SEVERITY]);
		f->severity_source = pack(&blk, p->f[F_SEVSRC]);
		f->cvss_vector = pack(&blk, p->f[F_VECTOR]);
		f->cvss_score = p->v->cvss_score;
		f->source = pack(&blk, p->f[F_SOURCE]);
		f->title = pack(&blk, p->f[F_TITLE]);
		f->url = pack(&blk, p->f[F_URL]);
	}
}

/* Adds the findings of package i at version (valid for ops) from the key
 * e, through its results cache. */
static void
match_pkg(struct matcher *m, size_t i, const char *eco, const struct lb_vercmp_ops *ops,
    const char *version, struct key_ent *e)
{
	struct result *res = NULL;
	size_t cap = 0;

	for (size_t k = 0; k < e->nres; k++)
		if (strcmp(e->res[k].version, version) == 0) {
			add_findings(m->inv, i, version, &e->res[k]);
			return;
		}
	/* another version of the key: rank its versions once evaluating
	 * each version directly has cost more than ranking would */
	if (e->nres && ops && !e->rk.indexed && e->nres * e->rk.direct * 4 >= e->rk.occ)
		ranks_index(&e->rk, e->vp);
	if (e->nres && ops && e->rk.indexed && !e->rk.ranked && e->nres * e->rk.direct >= e->rk.sort)
		ranks_sort(&e->rk, e->vp, ops);
	if (e->nres < LB_MATCH_VERSIONS_PER_KEY) {
		res = &e->res[e->nres++];
		memset(res, 0, sizeof(*res));
		res->version = lb_xstrdup(version);
	} else {
		res = &m->scratch;
		cap = m->capscratch;
		for (size_t k = 0; k < res->n; k++)
			free(res->p[k].fixed);
		res->n = 0;
	}
	evaluate(m, res, &cap, eco, ops, version, e);
	if (res == &m->scratch)
		m->capscratch = cap;
	add_findings(m->inv, i, version, res);
}

int
lb_match_inventory(struct lb_ctx *cx, struct lb_vulndb *db, struct lb_inventory *inv)
{
	struct matcher m = { .cx = cx, .db = db, .inv = inv, .key = LB_BUF_INIT(1u << 16) };
	char *distro = lb_match_distro(&inv->os);
	const struct lb_vercmp_ops *ops = NULL;
	const char *ops_type = NULL;
	int r = 0;

	for (size_t i = 0; i < inv->npkgs && r >= 0; i++) {
		struct lb_pkg *p = &inv->pkgs[i];
		struct key_ent *e;
		const char *version;
		bool os_pkg;

		if (!p->name || !p->version || !p->type)
			continue;
		os_pkg = strcmp(p->type, "deb") == 0 || strcmp(p->type, "apk") == 0 ||
		    strcmp(p->type, "rpm") == 0;
		/* declared only (a lockfile) is still what the app will run with */
		/* owned by an OS package: its distribution's advisories cover it */
		if (p->owner && !os_pkg)
			continue;
		if (os_pkg && !distro)
			continue;   /* an OS package of an unknown release: nothing to match against */
		if (!ops_type || strcmp(ops_type, p->type) != 0) {
			ops_type = p->type;
			ops = lb_vercmp_find(p->type);
		}
		/* the tracker lists source versions (a binNMU "+b1" is the same source) */
		version = (strcmp(p->type, "deb") == 0 && p->src_version) ? p->src_version : p->version;
		if (ops && ops->validate(lb_slice_str(version)) != 0) {
			/* a Go main module built from a work tree has no version to match */
			if (strcmp(version, "(devel)") == 0)
				continue;
			lb_warn(cx, "%s package '%s' has version '%s', which is not a valid %s version; "
			    "it is not matched against advisories", p->type, p->name, version, p->type);
			continue;
		}
		make_key(&m.key, p, os_pkg ? distro : NULL, os_pkg);
		if ((r = get_key(&m, p->type, os_pkg ? distro : NULL, &e)) < 0) {
			lb_err(cx, "cannot read the vulnerability database about %s package '%s': %s", p->type,
			    p->name, lb_strerror(r));
			break;
		}
		if (e->vp)
			match_pkg(&m, i, p->type, ops, version, e);
	}
	inv->vulns_scanned = true;
	{
		size_t it = 0;
		const char *k;
		void *val;
		while (lb_hmap_next(&m.keys, &it, &k, &val))
			key_free(val);
		it = 0;
		while (lb_hmap_next(&m.vulns, &it, &k, &val)) {
			free(((struct vuln_ent *)val)->v);
			free(val);
		}
	}
	for (size_t k = 0; k < m.scratch.n; k++)
		free(m.scratch.p[k].fixed);
	free(m.scratch.p);
	lb_hmap_release(&m.keys);
	lb_hmap_release(&m.vulns);
	lb_buf_release(&m.key);
	free(distro);
	return r < 0 ? r : 0;
}

void
lb_findings_filter(struct lb_inventory *inv, unsigned severities, int ignore_unfixed)
{
	size_t k = 0;

	for (size_t i = 0; i < inv->nfindings; i++) {
		struct lb_finding *f = &inv->findings[i];
		int sev = lb_severity_parse(f->severity);
		int keep = 1;

		if (severities && !(severities & (1u << (sev < 0 ? LB_SEV_UNKNOWN : sev))))
			keep = 0;
		if (ignore_unfixed && !f->fixed)
			keep = 0;
		if (keep) {
			inv->findings[k++] = *f;
			continue;
		}
		lb_finding_release(f);
	}
	inv->nfindings = k;
}
