#include "image/fsview.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"

struct fs_ent {
	struct lb_file f;
	char *path;
	uint8_t *data;
	char *link;
	struct lb_inventory *facts;   /* from streaming analyzers; owned */
	uint8_t *digest;              /* LB_DIGEST_LEN bytes from a file hook; owned */
};

struct fs_layer {
	struct lb_hmap ents;      /* path -> struct fs_ent * */
	struct lb_hmap wh;        /* whiteout targets */
	struct lb_hmap opq;       /* opaque directories */
	char **keys;              /* owned strings of wh and opq */
	size_t nkeys, capkeys;
};

struct lb_fsview {
	size_t n;
	_Atomic uint64_t kept;    /* bytes of file contents kept, all layers */
	struct fs_layer *layers;
	struct lb_hmap final;     /* path -> struct fs_ent * (not owned) */
	struct fs_ent **sorted;   /* final entries in byte order of path */
	size_t nsorted;
};

struct lb_fsview *
lb_fsview_new(size_t nlayers)
{
	struct lb_fsview *v = lb_xcalloc(1, sizeof(*v));

	v->n = nlayers;
	v->layers = lb_xcalloc(nlayers ? nlayers : 1, sizeof(*v->layers));
	return v;
}

static void
ent_free(struct fs_ent *e)
{
	if (!e)
		return;
	free(e->path);
	free(e->data);
	free(e->link);
	lb_inventory_free(e->facts);
	free(e->digest);
	free(e);
}

void
lb_fsview_free(struct lb_fsview *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		lb_fsview_layer_reset(v, (int)i);
	free(v->layers);
	lb_hmap_release(&v->final);
	free(v->sorted);
	free(v);
}

size_t
lb_fsview_nlayers(const struct lb_fsview *v)
{
	return v->n;
}

void
lb_fsview_add(struct lb_fsview *v, int layer, const char *path, enum lb_ftype type,
    unsigned mode, const void *data, size_t size, uint64_t real_size, const char *link,
    int truncated)
{
	struct fs_layer *l = &v->layers[layer];
	struct fs_ent *e = lb_xcalloc(1, sizeof(*e));

	e->path = lb_xstrdup(path);
	if (data || type == LB_FT_REG) {
		e->data = lb_xmalloc(size + 1);
		if (size)
			memcpy(e->data, data, size);
		e->data[size] = 0;
	}
	if (link)
		e->link = lb_xstrdup(link);
	e->f.path = e->path;
	e->f.data = e->data;
	e->f.size = e->data ? size : 0;
	e->f.real_size = real_size;
	e->f.layer = layer;
	e->f.mode = mode;
	e->f.type = type;
	e->f.link = e->link;
	e->f.truncated = truncated;
	ent_free(lb_hmap_put(&l->ents, e->path, strlen(e->path), e));
}

/* The regular file at path in layer l, added without bytes when absent. */
static struct fs_ent *
reg_ent(struct fs_layer *l, int layer, const char *path, unsigned mode, uint64_t real_size)
{
	struct fs_ent *e = lb_hmap_get(&l->ents, path, strlen(path));

	if (!e || e->f.type != LB_FT_REG) {
		e = lb_xcalloc(1, sizeof(*e));
		e->path = lb_xstrdup(path);
		e->f.path = e->path;
		e->f.layer = layer;
		e->f.mode = mode;
		e->f.type = LB_FT_REG;
		e->f.real_size = real_size;
		ent_free(lb_hmap_put(&l->ents, e->path, strlen(e->path), e));
	}
	return e;
}

void
lb_fsview_add_facts(struct lb_fsview *v, int layer, const char *path, unsigned mode,
    uint64_t real_size, struct lb_inventory *facts)
{
	struct fs_ent *e = reg_ent(&v->layers[layer], layer, path, mode, real_size);

	if (!facts)
		return;
	if (e->facts) {
		lb_inventory_take_pkgs(e->facts, facts);
		lb_inventory_take_malware(e->facts, facts);
		lb_inventory_free(facts);
	} else {
		e->facts = facts;
	}
}

void
lb_fsview_set_digest(struct lb_fsview *v, int layer, const char *path, unsigned mode,
    uint64_t real_size, const uint8_t *digest)
{
	struct fs_ent *e = reg_ent(&v->layers[layer], layer, path, mode, real_size);

	if (!e->digest)
		e->digest = lb_xmalloc(LB_DIGEST_LEN);
	memcpy(e->digest, digest, LB_DIGEST_LEN);
	e->f.digest = e->digest;
}

int
lb_fsview_each_facts(const struct lb_fsview *v,
    int (*fn)(void *arg, const struct lb_file *f, const struct lb_inventory *facts), void *arg)
{
	int r;

	for (size_t i = 0; i < v->nsorted; i++) {
		const struct fs_ent *e = v->sorted[i];
		if (e->facts && e->f.type == LB_FT_REG && (r = fn(arg, &e->f, e->facts)) != 0)
			return r;
	}
	return 0;
}

void
lb_fsview_add_take(struct lb_fsview *v, int layer, const char *path, unsigned mode,
    uint8_t *data, size_t size, uint64_t real_size, int truncated)
{
	struct fs_layer *l = &v->layers[layer];
	struct fs_ent *e = lb_xcalloc(1, sizeof(*e));

	e->path = lb_xstrdup(path);
	e->data = data;
	e->data[size] = 0;
	e->f.path = e->path;
	e->f.data = e->data;
	e->f.size = size;
	e->f.real_size = real_size;
	e->f.layer = layer;
	e->f.mode = mode;
	e->f.type = LB_FT_REG;
	e->f.truncated = truncated;
	ent_free(lb_hmap_put(&l->ents, e->path, strlen(e->path), e));
}

int
lb_fsview_reserve(struct lb_fsview *v, uint64_t n)
{
	uint64_t before = atomic_fetch_add(&v->kept, n);

	if (before + n > LB_MAX_CAPTURE || before + n < before) {
		atomic_fetch_sub(&v->kept, n);
		return -LB_E_LIMIT;
	}
	return 0;
}

void
lb_fsview_add_other(struct lb_fsview *v, int layer, const char *path, enum lb_ftype type)
{
	lb_fsview_add(v, layer, path, type, 0, NULL, 0, 0, NULL, 0);
}

static void
add_key(struct fs_layer *l, struct lb_hmap *m, const char *path)
{
	char *k;

	if (lb_hmap_get(m, path, strlen(path)))
		return;
	k = lb_xstrdup(path);
	lb_xgrow(&l->keys, &l->capkeys, l->nkeys + 1, sizeof(char *));
	l->keys[l->nkeys++] = k;
	lb_hmap_put(m, k, strlen(k), k);
}

void
lb_fsview_add_whiteout(struct lb_fsview *v, int layer, const char *path)
{
	add_key(&v->layers[layer], &v->layers[layer].wh, path);
}

void
lb_fsview_add_opaque(struct lb_fsview *v, int layer, const char *dir)
{
	add_key(&v->layers[layer], &v->layers[layer].opq, dir);
}

/* image-spec layer.md: a whiteout hides the path and all its children in
 * lower layers; an opaque marker hides all children of its directory. */
static int
hidden_by(const struct fs_layer *l, const char *path)
{
	size_t n = strlen(path);

	if (l->wh.len == 0 && l->opq.len == 0)
		return 0;
	if (lb_hmap_get(&l->opq, "", 0))
		return 1;
	if (lb_hmap_get(&l->wh, path, n))
		return 1;
	for (size_t i = n; i-- > 0;) {
		if (path[i] != '/')
			continue;
		if (lb_hmap_get(&l->wh, path, i) || lb_hmap_get(&l->opq, path, i))
			return 1;
	}
	return 0;
}

static int
ent_cmp(const void *a, const void *b)
{
	const struct fs_ent *x = *(const struct fs_ent *const *)a, *y = *(const struct fs_ent *const *)b;

	return strcmp(x->path, y->path);
}

/* The sealed view sorts as (path, entry) pairs: a comparison reads the two paths only,
 * not the entries first (a sealed view of a large image sorts tens of
 * thousands of them). */
struct by_path {
	const char *path;
	struct fs_ent *e;
};

static int
by_path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct by_path *)a)->path, ((const struct by_path *)b)->path);
}

/* A hard link names an earlier member of the same layer: bind it to that
 * member's content now, so every lookup sees a regular file at both paths
 * (OSTree images hard-link everything; mondoohq/mql #10482). */
static void
bind_hardlinks(struct fs_layer *l)
{
	const char *k;
	void *val;
	size_t it = 0;

	while (lb_hmap_next(&l->ents, &it, &k, &val)) {
		struct fs_ent *e = val;
		const struct fs_ent *t = e;

		for (int hops = 0; t && t->f.type == LB_FT_HARDLINK && t->link && hops < LB_MAX_SYMLINK_HOPS; hops++)
			t = lb_hmap_get(&l->ents, t->link, strlen(t->link));
		if (e->f.type != LB_FT_HARDLINK || !t || t->f.type != LB_FT_REG || t == e)
			continue;
		e->f.data = t->f.data;   /* shared, owned by t */
		e->f.size = t->f.size;
		e->f.real_size = t->f.real_size;
		e->f.truncated = t->f.truncated;
		e->f.mode = t->f.mode;
		e->f.digest = t->f.digest;
		e->f.type = LB_FT_REG;
	}
}

/* The highest layer (plus one) whose marker in m covers key, as stored. */
static size_t
marker_layer(const struct lb_hmap *m, const char *key, size_t len)
{
	return (size_t)(uintptr_t)lb_hmap_get(m, key, len);
}

static void
put_max(struct lb_hmap *m, const char *key, size_t layer)
{
	size_t len = strlen(key);

	if (marker_layer(m, key, len) < layer + 1)
		lb_hmap_put(m, key, len, (void *)(uintptr_t)(layer + 1));
}

/* Whether a whiteout or opaque marker of a layer above `layer` hides path.
 * image-spec layer.md: ".wh.NAME" hides NAME and everything under it in
 * lower layers; ".wh..wh..opq" hides everything lower layers had under
 * its directory. Entries of the marker's own layer stay. */
static int
hidden_above(const struct lb_hmap *wh, const struct lb_hmap *opq, const char *path, int layer)
{
	size_t n = strlen(path), above = (size_t)layer + 1;

	if (marker_layer(opq, "", 0) > above || marker_layer(wh, path, n) > above)
		return 1;
	for (size_t i = n; i-- > 0;)
		if (path[i] == '/' && (marker_layer(wh, path, i) > above || marker_layer(opq, path, i) > above))
			return 1;
	return 0;
}

/* One pass: the highest layer's version of each path wins, then it is
 * dropped if a marker of a higher layer hides it. Costs entries x depth,
 * however many layers carry whiteouts. */
void
lb_fsview_seal(struct lb_fsview *v)
{
	struct lb_hmap wh = LB_HMAP_INIT, opq = LB_HMAP_INIT;
	const char *k;
	void *val;
	size_t it;

	for (size_t i = 0; i < v->n; i++)
		bind_hardlinks(&v->layers[i]);
	for (size_t i = 0; i < v->n; i++) {
		struct fs_layer *l = &v->layers[i];
		it = 0;
		while (lb_hmap_next(&l->wh, &it, &k, &val))
			put_max(&wh, k, i);
		it = 0;
		while (lb_hmap_next(&l->opq, &it, &k, &val))
			put_max(&opq, k, i);
		it = 0;
		while (lb_hmap_next(&l->ents, &it, &k, &val))
			lb_hmap_put(&v->final, k, strlen(k), val);
	}
	if (wh.len || opq.len) {
		struct lb_hmap keep = LB_HMAP_INIT;
		it = 0;
		while (lb_hmap_next(&v->final, &it, &k, &val))
			if (!hidden_above(&wh, &opq, k, ((struct fs_ent *)val)->f.layer))
				lb_hmap_put(&keep, k, strlen(k), val);
		lb_hmap_release(&v->final);
		v->final = keep;
	}
	lb_hmap_release(&wh);
	lb_hmap_release(&opq);
	{
		struct by_path *bp = lb_xcalloc(v->final.len ? v->final.len : 1, sizeof(*bp));
		v->sorted = lb_xcalloc(v->final.len ? v->final.len : 1, sizeof(*v->sorted));
		v->nsorted = 0;
		it = 0;
		while (lb_hmap_next(&v->final, &it, &k, &val)) {
			bp[v->nsorted].path = ((struct fs_ent *)val)->path;
			bp[v->nsorted++].e = val;
		}
		qsort(bp, v->nsorted, sizeof(*bp), by_path_cmp);
		for (size_t i = 0; i < v->nsorted; i++)
			v->sorted[i] = bp[i].e;
		free(bp);
	}
}

/* Resolves path inside the root, following symlinks in its parents and,
 * with follow, at its end. Returns the entry or NULL. */
static const struct fs_ent *
resolve(const struct lb_fsview *v, const char *path, int follow)
{
	struct lb_buf cur = LB_BUF_INIT(4 * LB_MAX_PATH), rem = LB_BUF_INIT(16 * LB_MAX_PATH);
	struct lb_buf tmp = LB_BUF_INIT(16 * LB_MAX_PATH);
	const struct fs_ent *e = NULL, *res = NULL;
	int hops = 0;

	if (lb_buf_addstr(&rem, path) < 0 || lb_buf_addstr(&cur, "") < 0)
		goto out;
	while (rem.len) {
		const char *s = (const char *)rem.p, *slash;
		size_t clen, restoff;

		while (*s == '/')
			s++;
		if (!*s)
			break;
		slash = strchr(s, '/');
		clen = slash ? (size_t)(slash - s) : strlen(s);
		restoff = (size_t)(s - (const char *)rem.p) + clen;
		if (clen == 1 && s[0] == '.') {
			/* nothing */
		} else if (clen == 2 && s[0] == '.' && s[1] == '.') {
			/* ".." at the root stays at the root (chroot semantics) */
			char *p = strrchr((char *)cur.p, '/');
			cur.len = p ? (size_t)(p - (char *)cur.p) : 0;
			cur.p[cur.len] = 0;
		} else {
			size_t oldlen = cur.len;
			if ((cur.len && lb_buf_add(&cur, "/", 1) < 0) || lb_buf_add(&cur, s, clen) < 0)
				goto out;
			e = lb_hmap_get(&v->final, (const char *)cur.p, cur.len);
			if (e && e->f.type == LB_FT_SYMLINK && (rem.p[restoff] != 0 || follow)) {
				if (++hops > LB_MAX_SYMLINK_HOPS)
					goto out;
				cur.len = oldlen;
				cur.p[cur.len] = 0;
				if (e->link[0] == '/') {
					cur.len = 0;
					cur.p[0] = 0;
				}
				lb_buf_reset(&tmp);
				if (lb_buf_addstr(&tmp, e->link) < 0 || lb_buf_addstr(&tmp, "/") < 0 ||
				    lb_buf_addstr(&tmp, (const char *)rem.p + restoff) < 0)
					goto out;
				lb_buf_reset(&rem);
				if (lb_buf_add(&rem, tmp.p, tmp.len) < 0)
					goto out;
				continue;
			}
		}
		/* drop the consumed component from rem */
		memmove(rem.p, rem.p + restoff, rem.len - restoff + 1);
		rem.len -= restoff;
	}
	e = lb_hmap_get(&v->final, cur.p ? (const char *)cur.p : "", cur.len);
	if (e && e->f.type == LB_FT_HARDLINK && e->link) {
		/* a hard link names an earlier member of the same layer */
		const struct fs_ent *t = lb_hmap_get(&v->layers[e->f.layer].ents, e->link, strlen(e->link));
		e = (t && t->f.type == LB_FT_REG) ? t : NULL;
	}
	res = e;
out:
	lb_buf_release(&cur);
	lb_buf_release(&rem);
	lb_buf_release(&tmp);
	return res;
}

const struct lb_file *
lb_fsview_get(const struct lb_fsview *v, const char *path)
{
	const struct fs_ent *e = resolve(v, path, 1);

	return e && e->f.type == LB_FT_REG && e->f.data ? &e->f : NULL;
}

const struct lb_file *
lb_fsview_lget(const struct lb_fsview *v, const char *path)
{
	const struct fs_ent *e = resolve(v, path, 0);

	return e ? &e->f : NULL;
}

int
lb_fsview_each(const struct lb_fsview *v, const char *prefix,
    int (*fn)(void *arg, const struct lb_file *f), void *arg)
{
	size_t lo = 0, hi = v->nsorted, plen = strlen(prefix);
	int r;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v->sorted[mid]->path, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < v->nsorted; i++) {
		const struct fs_ent *e = v->sorted[i];
		if (strncmp(e->path, prefix, plen) != 0)
			break;
		if (e->f.type == LB_FT_REG && e->f.data && (r = fn(arg, &e->f)) != 0)
			return r;
	}
	return 0;
}

int
lb_fsview_history(const struct lb_fsview *v, const char *path,
    int (*fn)(void *arg, int layer, const struct lb_file *f), void *arg)
{
	size_t n = strlen(path);
	int present = 0, r;

	for (size_t i = 0; i < v->n; i++) {
		const struct fs_layer *l = &v->layers[i];
		const struct fs_ent *e;

		if (present && hidden_by(l, path)) {
			present = 0;
			if ((r = fn(arg, (int)i, NULL)) != 0)
				return r;
		}
		e = lb_hmap_get(&l->ents, path, n);
		if (!e)
			continue;
		if (e->f.type == LB_FT_HARDLINK && e->link) {
			const struct fs_ent *t = lb_hmap_get(&l->ents, e->link, strlen(e->link));
			e = (t && t->f.type == LB_FT_REG) ? t : e;
		}
		if (e->f.type == LB_FT_REG) {
			present = 1;
			if ((r = fn(arg, (int)i, &e->f)) != 0)
				return r;
		} else if (present) {
			present = 0;
			if ((r = fn(arg, (int)i, NULL)) != 0)
				return r;
		}
	}
	return 0;
}

int
lb_fsview_each_entry(const struct lb_fsview *v, int (*fn)(void *arg, const struct lb_file *f),
    void *arg)
{
	int r;

	for (size_t i = 0; i < v->nsorted; i++) {
		const struct fs_ent *e = v->sorted[i];
		if (e->f.type == LB_FT_REG && (r = fn(arg, &e->f)) != 0)
			return r;
	}
	return 0;
}

/* The first layer above `layer` that deletes or replaces path, or -1. */
static int
first_hider(const struct lb_fsview *v, const char *path, int layer)
{
	size_t n = strlen(path);

	for (size_t i = (size_t)layer + 1; i < v->n; i++) {
		const struct fs_layer *l = &v->layers[i];
		if (hidden_by(l, path) || lb_hmap_get(&l->ents, path, n))
			return (int)i;
	}
	return -1;
}

int
lb_fsview_each_layer_facts(const struct lb_fsview *v,
    int (*fn)(void *arg, const struct lb_file *f, const struct lb_inventory *facts, int hidden_by),
    void *arg)
{
	const char *k;
	void *val;
	int r;

	for (size_t i = 0; i < v->n; i++) {
		size_t it = 0, ne = 0;
		struct fs_ent **ents = NULL;

		/* in byte order of path, so reports are stable */
		while (lb_hmap_next(&v->layers[i].ents, &it, &k, &val)) {
			struct fs_ent *e = val;
			if (e->facts && e->f.type == LB_FT_REG) {
				ents = lb_xrealloc(ents, (ne + 1) * sizeof(*ents));
				ents[ne++] = e;
			}
		}
		if (ne)
			qsort(ents, ne, sizeof(*ents), ent_cmp);
		for (size_t j = 0; j < ne; j++) {
			const struct fs_ent *e = ents[j];
			const struct fs_ent *fin = lb_hmap_get(&v->final, e->path, strlen(e->path));
			int hb = fin == e ? -1 : first_hider(v, e->path, (int)i);
			if ((r = fn(arg, &e->f, e->facts, hb)) != 0) {
				free(ents);
				return r;
			}
		}
		free(ents);
	}
	return 0;
}

/* --- one layer out and back in (the layer cache, image/lcache.c) ------ */

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
lb_fsview_layer_entries(const struct lb_fsview *v, int layer,
    int (*fn)(void *arg, const struct lb_file *f, const struct lb_inventory *facts), void *arg)
{
	const struct fs_layer *l = &v->layers[layer];
	struct fs_ent **ents = lb_xcalloc(l->ents.len ? l->ents.len : 1, sizeof(*ents));
	const char *k;
	void *val;
	size_t it = 0, ne = 0;
	int r = 0;

	while (lb_hmap_next(&l->ents, &it, &k, &val) && ne < l->ents.len)
		ents[ne++] = val;
	qsort(ents, ne, sizeof(*ents), ent_cmp);
	for (size_t i = 0; i < ne && r == 0; i++)
		r = fn(arg, &ents[i]->f, ents[i]->facts);
	free(ents);
	return r;
}

static int
markers_of(const struct lb_hmap *m, int opaque, int (*fn)(void *arg, const char *path, int opaque),
    void *arg)
{
	const char **keys = lb_xcalloc(m->len ? m->len : 1, sizeof(*keys));
	const char *k;
	void *val;
	size_t it = 0, n = 0;
	int r = 0;

	while (lb_hmap_next(m, &it, &k, &val) && n < m->len)
		keys[n++] = val;    /* the owned, NUL-terminated copy (add_key) */
	qsort(keys, n, sizeof(*keys), str_cmp);
	for (size_t i = 0; i < n && r == 0; i++)
		r = fn(arg, keys[i], opaque);
	free(keys);
	return r;
}

int
lb_fsview_layer_markers(const struct lb_fsview *v, int layer,
    int (*fn)(void *arg, const char *path, int opaque), void *arg)
{
	int r = markers_of(&v->layers[layer].wh, 0, fn, arg);

	return r ? r : markers_of(&v->layers[layer].opq, 1, fn, arg);
}

void
lb_fsview_layer_reset(struct lb_fsview *v, int layer)
{
	struct fs_layer *l = &v->layers[layer];
	const char *k;
	void *val;
	size_t it = 0;

	while (lb_hmap_next(&l->ents, &it, &k, &val))
		ent_free(val);
	lb_hmap_release(&l->ents);
	lb_hmap_release(&l->wh);
	lb_hmap_release(&l->opq);
	for (size_t j = 0; j < l->nkeys; j++)
		free(l->keys[j]);
	free(l->keys);
	memset(l, 0, sizeof(*l));
}
