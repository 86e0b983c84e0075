#include "image/lcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_fd.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"
#include "image/layers.h"

/* The file: MAGIC (16 bytes), u32 format, u32 zero, key (32), SHA-256 of
 * the body (32), u64 body length, body. Integers are little-endian. */
static const char MAGIC[16] = "lifebelt-layer\n";
#define HDR_LEN (16 + 4 + 4 + LB_LCACHE_KEYLEN + 32 + 8)

/* entry flags */
enum { F_DATA = 1, F_LINK = 2, F_FACTS = 4, F_TRUNC = 8 };
/* package flags */
enum { P_DECLARED = 1, P_LAYER = 2, P_DIGESTS = 4 };

/* a miss that is no damage: an entry of another build (after an upgrade) */
static const char OTHER_BUILD[] = "made by another lifebelt build or analyzer set";

#define NO_STR 0xffffffffu
#define MAX_WARN_LEN 8192u
#define MAX_STR (1u << 20)      /* a package field: name, license, ... */
/* entries or markers of one layer: what a walk keeps is far less (at most
 * LB_MAX_SYMLINKS symlinks, and files at paths of interest) */
#define MAX_ENTRIES (4u * LB_MAX_SYMLINKS)

struct lb_lcache {
	char *dir;                 /* NULL: no folder */
	int in_memory;
	uint8_t key[LB_LCACHE_KEYLEN];
	pthread_mutex_t lock;      /* guards mem */
	struct lb_hmap mem;        /* diff ID -> struct mem_ent * */
};

struct mem_ent {
	char *diff_id;
	uint8_t *p;
	size_t n;
};

/* --- the key ---------------------------------------------------------- */

static void
h_str(EVP_MD_CTX *md, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : NO_STR;

	EVP_DigestUpdate(md, &n, sizeof(n));
	if (s)
		EVP_DigestUpdate(md, s, strlen(s));
}

static void
h_u64(EVP_MD_CTX *md, uint64_t v)
{
	EVP_DigestUpdate(md, &v, sizeof(v));
}

static void
h_interests(EVP_MD_CTX *md, const struct lb_interest *in)
{
	for (; in && (in->path || in->suffix || in->kind == LB_MATCH_EXEC); in++) {
		h_u64(md, (uint64_t)in->kind);
		h_str(md, in->path);
		h_str(md, in->suffix);
		h_u64(md, in->max_size);
	}
	h_u64(md, UINT64_MAX);
}

void
lb_lcache_key(uint8_t key[LB_LCACHE_KEYLEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	struct stat sb;

	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		abort();    /* OpenSSL out of memory: abort as lb_x* do */
	h_str(md, "lifebelt layer cache");
	h_u64(md, LB_LCACHE_FORMAT);
	h_str(md, LB_VERSION);
	/* this build: a rebuilt or upgraded lifebelt may analyse differently */
	if (stat("/proc/self/exe", &sb) == 0) {
		h_u64(md, (uint64_t)sb.st_dev);
		h_u64(md, (uint64_t)sb.st_ino);
		h_u64(md, (uint64_t)sb.st_size);
		h_u64(md, (uint64_t)sb.st_mtim.tv_sec);
		h_u64(md, (uint64_t)sb.st_mtim.tv_nsec);
	}
	h_u64(md, LB_MAX_PKGDB);
	h_u64(md, LB_MAX_SMALL_FILE);
	h_u64(md, LB_MAX_SYMLINKS);
	h_u64(md, LB_MAX_STREAM_BUFFER);
	for (size_t i = 0; lb_analyzers[i]; i++) {
		const struct lb_analyzer_ops *a = lb_analyzers[i];
		h_str(md, a->name);
		h_interests(md, a->interests);
		h_u64(md, a->scan_file != NULL);
		h_interests(md, a->scan_file ? a->stream_interests : NULL);
	}
	EVP_DigestFinal_ex(md, key, NULL);
	EVP_MD_CTX_free(md);
}

static void
sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned len = 32;

	if (!EVP_Digest(p, n, out, &len, EVP_sha256(), NULL))
		abort();
}

/* --- writing ---------------------------------------------------------- */

struct wr {
	struct lb_buf *b;
	int err;
};

static void
put(struct wr *w, const void *p, size_t n)
{
	if (!w->err && lb_buf_add(w->b, p, n) < 0)
		w->err = -LB_E_LIMIT;
}

static void
put_u8(struct wr *w, unsigned v)
{
	uint8_t c = (uint8_t)v;

	put(w, &c, 1);
}

static void
put_u32(struct wr *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	put(w, b, 4);
}

static void
put_u64(struct wr *w, uint64_t v)
{
	put_u32(w, (uint32_t)v);
	put_u32(w, (uint32_t)(v >> 32));
}

static void
put_bytes(struct wr *w, const void *p, size_t n)
{
	if (n >= NO_STR) {
		w->err = -LB_E_LIMIT;
		return;
	}
	put_u32(w, (uint32_t)n);
	put(w, p, n);
}

static void
put_str(struct wr *w, const char *s)
{
	if (!s)
		put_u32(w, NO_STR);
	else
		put_bytes(w, s, strlen(s));
}

static void
put_pkg(struct wr *w, const struct lb_pkg *p)
{
	const char *const s[] = { p->type, p->name, p->version, p->arch, p->src_name, p->src_version,
		p->license, p->maintainer, p->purl, p->db_path, p->owner, p->modularity, p->digest };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		put_str(w, s[i]);
	put_u8(w, (p->declared ? P_DECLARED : 0) | (p->layer >= 0 ? P_LAYER : 0) |
	    (p->digests ? P_DIGESTS : 0));
	put_u32(w, (uint32_t)p->nfiles);
	for (size_t i = 0; i < p->nfiles; i++) {
		put_str(w, p->files[i]);
		if (p->digests)
			put_str(w, p->digests[i]);
	}
}

static int
put_entry(void *arg, const struct lb_file *f, const struct lb_inventory *facts)
{
	struct wr *w = arg;
	unsigned flags = (f->data ? F_DATA : 0) | (f->link ? F_LINK : 0) |
	    (facts && facts->npkgs ? F_FACTS : 0) | (f->truncated ? F_TRUNC : 0);

	put_str(w, f->path);
	put_u8(w, (unsigned)f->type);
	put_u32(w, f->mode);
	put_u64(w, f->real_size);
	put_u8(w, flags);
	if (flags & F_DATA)
		put_bytes(w, f->data, f->size);
	if (flags & F_LINK)
		put_str(w, f->link);
	if (flags & F_FACTS) {
		put_u32(w, (uint32_t)facts->npkgs);
		for (size_t i = 0; i < facts->npkgs; i++)
			put_pkg(w, &facts->pkgs[i]);
	}
	return w->err;
}

static int
count_entry(void *arg, const struct lb_file *f, const struct lb_inventory *facts)
{
	(void)f;
	(void)facts;
	++*(uint32_t *)arg;
	return 0;
}

static int
put_marker(void *arg, const char *path, int opaque)
{
	struct wr *w = arg;

	put_u8(w, opaque ? 1 : 0);
	put_str(w, path);
	return w->err;
}

static int
count_marker(void *arg, const char *path, int opaque)
{
	(void)path;
	(void)opaque;
	++*(uint32_t *)arg;
	return 0;
}

/* Fills the HDR_LEN bytes at hdr for body (n bytes). */
static void
header(const uint8_t key[LB_LCACHE_KEYLEN], const uint8_t *body, size_t n, uint8_t *hdr)
{
	struct lb_buf hb = LB_BUF_INIT(HDR_LEN);
	struct wr h = { .b = &hb };
	uint8_t sum[32];

	sha256(body, n, sum);
	put(&h, MAGIC, 16);
	put_u32(&h, LB_LCACHE_FORMAT);
	put_u32(&h, 0);
	put(&h, key, LB_LCACHE_KEYLEN);
	put(&h, sum, 32);
	put_u64(&h, n);
	memcpy(hdr, hb.p, HDR_LEN);
	lb_buf_release(&hb);
}

int
lb_lcache_encode(const uint8_t key[LB_LCACHE_KEYLEN], const char *diff_id,
    const struct lb_fsview *v, int layer, char *const *warns, size_t nwarns, struct lb_buf *out)
{
	struct wr w = { .b = out };
	uint8_t zero[HDR_LEN] = { 0 };
	uint32_t nents = 0, nmarks = 0;
	size_t body;

	lb_buf_reset(out);
	out->max = LB_MAX_LCACHE_FILE;
	put(&w, zero, HDR_LEN);     /* filled in below */
	put_str(&w, diff_id);
	put_str(&w, LB_VERSION);
	lb_fsview_layer_entries(v, layer, count_entry, &nents);
	lb_fsview_layer_markers(v, layer, count_marker, &nmarks);
	if (nents > MAX_ENTRIES || nmarks > MAX_ENTRIES)
		return -LB_E_LIMIT;
	put_u32(&w, nents);
	if (!w.err)
		lb_fsview_layer_entries(v, layer, put_entry, &w);
	put_u32(&w, nmarks);
	if (!w.err)
		lb_fsview_layer_markers(v, layer, put_marker, &w);
	put_u32(&w, (uint32_t)nwarns);
	for (size_t i = 0; i < nwarns; i++)
		put_str(&w, warns[i]);
	if (w.err)
		return w.err;
	body = out->len - HDR_LEN;
	header(key, out->p + HDR_LEN, body, out->p);
	return 0;
}

int
lb_lcache_wrap(const uint8_t key[LB_LCACHE_KEYLEN], const uint8_t *body, size_t n,
    struct lb_buf *out)
{
	uint8_t hdr[HDR_LEN];
	int r;

	lb_buf_reset(out);
	out->max = LB_MAX_LCACHE_FILE;
	header(key, body, n, hdr);
	if ((r = lb_buf_add(out, hdr, HDR_LEN)) < 0 || (r = lb_buf_add(out, body, n)) < 0)
		return r;
	return 0;
}

/* --- reading (untrusted) ---------------------------------------------- */

struct rd {
	const uint8_t *p;
	size_t n, off;
	const char *why;     /* set on the first problem; later reads fail */
};

static int
bad(struct rd *r, const char *why)
{
	if (!r->why)
		r->why = why;
	return -1;
}

static int
get(struct rd *r, void *out, size_t n)
{
	if (r->why)
		return -1;
	if (n > r->n - r->off)
		return bad(r, "truncated");
	memcpy(out, r->p + r->off, n);
	r->off += n;
	return 0;
}

static unsigned
get_u8(struct rd *r)
{
	uint8_t c = 0;

	get(r, &c, 1);
	return c;
}

static uint32_t
get_u32(struct rd *r)
{
	uint8_t b[4] = { 0 };

	get(r, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t
get_u64(struct rd *r)
{
	uint64_t lo = get_u32(r);

	return lo | (uint64_t)get_u32(r) << 32;
}

/* A byte string of at most max bytes: *len and a pointer into the input
 * (not NUL-terminated), or NULL with *len 0 for an absent string when
 * opt. NULL also on an error (r->why set). */
static const uint8_t *
get_bytes(struct rd *r, size_t max, int opt, size_t *len)
{
	uint32_t n = get_u32(r);
	const uint8_t *p;

	*len = 0;
	if (r->why)
		return NULL;
	if (n == NO_STR) {
		if (!opt)
			bad(r, "a required string is absent");
		return NULL;
	}
	if (n > max)
		return bad(r, "a string is over its size limit"), NULL;
	if (n > r->n - r->off)
		return bad(r, "truncated"), NULL;
	p = r->p + r->off;
	r->off += n;
	*len = n;
	return p;
}

/* A string as a new C string: no NUL inside. NULL for absent (opt) or on
 * an error. */
static char *
get_str(struct rd *r, size_t max, int opt)
{
	size_t n;
	const uint8_t *p = get_bytes(r, max, opt, &n);

	if (!p)
		return NULL;
	if (memchr(p, 0, n))
		return bad(r, "a string holds a NUL byte"), NULL;
	return lb_xstrndup((const char *)p, n);
}

/* Whether path is as the walker stores it: normalised, no leading '/'. */
static int
normal_path(const char *path, int may_be_root)
{
	char buf[LB_MAX_PATH];
	int n = lb_path_normalize(path, buf, sizeof(buf));

	if (n < 0 || strcmp(buf, path) != 0)
		return 0;
	return n > 0 || may_be_root;
}

static int
get_pkg(struct rd *r, struct lb_inventory *facts, int layer)
{
	struct lb_pkg *p = lb_inventory_add_pkg(facts);
	char **s[] = { &p->type, &p->name, &p->version, &p->arch, &p->src_name, &p->src_version,
		&p->license, &p->maintainer, &p->purl, &p->db_path, &p->owner, &p->modularity, &p->digest };
	unsigned flags;
	uint32_t nfiles;

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		*s[i] = get_str(r, MAX_STR, 1);
	flags = get_u8(r);
	nfiles = get_u32(r);
	if (r->why)
		return -1;
	if (flags & ~(unsigned)(P_DECLARED | P_LAYER | P_DIGESTS))
		return bad(r, "unknown package flags");
	p->declared = (flags & P_DECLARED) != 0;
	p->layer = (flags & P_LAYER) ? layer : -1;
	/* each file costs at least 4 bytes: a count past the input is a lie */
	if (nfiles > (r->n - r->off) / 4)
		return bad(r, "truncated");
	for (uint32_t i = 0; i < nfiles && !r->why; i++) {
		char *f = get_str(r, LB_MAX_PATH, 0), *d = NULL;
		if ((flags & P_DIGESTS) && f)
			d = get_str(r, 1024, 1);
		if (f) {
			if (flags & P_DIGESTS)
				lb_pkg_add_file_digest(p, f, strlen(f), d);
			else
				lb_pkg_add_file(p, f, strlen(f));
		}
		free(f);
		free(d);
	}
	return r->why ? -1 : 0;
}

static int
get_entry(struct rd *r, struct lb_fsview *v, int layer, uint64_t *kept)
{
	char *path = get_str(r, LB_MAX_PATH - 1, 0), *link = NULL;
	struct lb_inventory *facts = NULL;
	const uint8_t *data = NULL;
	unsigned type = get_u8(r), flags;
	uint32_t mode = get_u32(r);
	uint64_t real_size = get_u64(r);
	size_t size = 0;
	int ret = -1;

	flags = get_u8(r);
	if (r->why)
		goto out;
	if (!normal_path(path, 0)) {
		bad(r, "a path is not normalised");
		goto out;
	}
	if (type > LB_FT_OTHER || (flags & ~(unsigned)(F_DATA | F_LINK | F_FACTS | F_TRUNC))) {
		bad(r, "unknown entry type or flags");
		goto out;
	}
	if ((flags & (F_DATA | F_FACTS)) && type != LB_FT_REG) {
		bad(r, "contents or facts on an entry that is not a regular file");
		goto out;
	}
	if (!(flags & F_LINK) != !(type == LB_FT_SYMLINK || type == LB_FT_HARDLINK)) {
		bad(r, "a link without a target, or a target without a link");
		goto out;
	}
	if ((flags & F_DATA) && !(data = get_bytes(r, LB_MAX_PKGDB, 0, &size)))
		goto out;
	if ((flags & F_DATA) && size > real_size) {
		bad(r, "more contents than the file's size");
		goto out;
	}
	if ((flags & F_LINK) && !(link = get_str(r, LB_MAX_PATH - 1, 0)))
		goto out;
	if (type == LB_FT_HARDLINK && !normal_path(link, 0)) {
		bad(r, "a hard link target is not normalised");
		goto out;
	}
	if (flags & F_FACTS) {
		uint32_t n = get_u32(r);
		/* a package costs at least 13 absent strings, a flag and a count */
		if (r->why || n == 0 || n > (r->n - r->off) / (13 * 4 + 5)) {
			bad(r, "bad package count");
			goto out;
		}
		facts = lb_inventory_new();
		for (uint32_t i = 0; i < n; i++)
			if (get_pkg(r, facts, layer) < 0)
				goto out;
	}
	if (type != LB_FT_REG) {
		lb_fsview_add(v, layer, path, (enum lb_ftype)type, mode, NULL, 0, real_size, link,
		    (flags & F_TRUNC) != 0);
	} else {
		if (flags & F_DATA) {
			uint8_t *copy = lb_xmalloc(size + 1);
			if (size)
				memcpy(copy, data, size);
			lb_fsview_add_take(v, layer, path, mode, copy, size, real_size, (flags & F_TRUNC) != 0);
			*kept += size;
		}
		if ((flags & F_FACTS) || !(flags & F_DATA)) {
			lb_fsview_add_facts(v, layer, path, mode, real_size, facts);
			facts = NULL;
		}
	}
	ret = 0;
out:
	lb_inventory_free(facts);
	free(path);
	free(link);
	return ret;
}

int
lb_lcache_decode(const uint8_t key[LB_LCACHE_KEYLEN], const char *diff_id, const uint8_t *p,
    size_t n, struct lb_fsview *v, int layer, char ***warns, size_t *nwarns, uint64_t *kept,
    const char **why)
{
	struct rd r = { .p = p, .n = n };
	uint8_t magic[16], fkey[LB_LCACHE_KEYLEN], sum[32], have[32];
	char **ws = NULL, *s = NULL;
	size_t nws = 0;
	uint32_t format, reserved, cnt;
	uint64_t body;
	int ret = -LB_E_FORMAT;

	*warns = NULL;
	*nwarns = 0;
	*kept = 0;
	*why = NULL;
	get(&r, magic, 16);
	format = get_u32(&r);
	reserved = get_u32(&r);
	get(&r, fkey, sizeof(fkey));
	get(&r, sum, sizeof(sum));
	body = get_u64(&r);
	if (r.why || memcmp(magic, MAGIC, 16) != 0) {
		bad(&r, "not a lifebelt layer cache file");
		goto out;
	}
	if (format != LB_LCACHE_FORMAT || reserved != 0 || memcmp(fkey, key, LB_LCACHE_KEYLEN) != 0) {
		bad(&r, OTHER_BUILD);
		goto out;
	}
	if (body != n - HDR_LEN) {
		bad(&r, "truncated or overlong");
		goto out;
	}
	sha256(p + HDR_LEN, n - HDR_LEN, have);
	if (memcmp(have, sum, 32) != 0) {
		bad(&r, "its checksum does not match");
		goto out;
	}
	s = get_str(&r, 100, 0);
	if (!r.why && strcmp(s, diff_id) != 0)
		bad(&r, "made for another diff ID");
	free(s);
	s = get_str(&r, 100, 0);     /* the version, for people; the key checks it */
	free(s);
	s = NULL;
	cnt = get_u32(&r);
	if (!r.why && cnt > MAX_ENTRIES)
		bad(&r, "too many entries");
	for (uint32_t i = 0; i < cnt && !r.why; i++)
		get_entry(&r, v, layer, kept);
	cnt = get_u32(&r);
	if (!r.why && cnt > MAX_ENTRIES)
		bad(&r, "too many whiteouts");
	for (uint32_t i = 0; i < cnt && !r.why; i++) {
		unsigned opq = get_u8(&r);
		char *path = get_str(&r, LB_MAX_PATH - 1, 0);
		if (r.why) {
			free(path);
			break;
		}
		if (opq > 1 || !normal_path(path, opq == 1))
			bad(&r, "bad whiteout");
		else if (opq)
			lb_fsview_add_opaque(v, layer, path);
		else
			lb_fsview_add_whiteout(v, layer, path);
		free(path);
	}
	cnt = get_u32(&r);
	if (!r.why && cnt > LB_MAX_WARNINGS)
		bad(&r, "too many warnings");
	for (uint32_t i = 0; i < cnt && !r.why; i++) {
		char *w = get_str(&r, MAX_WARN_LEN, 0);
		if (!w)
			break;
		ws = lb_xrealloc(ws, (nws + 1) * sizeof(*ws));
		ws[nws++] = w;
	}
	if (!r.why && r.off != r.n)
		bad(&r, "trailing bytes");
	if (r.why)
		goto out;
	*warns = ws;
	*nwarns = nws;
	ws = NULL;
	nws = 0;
	ret = 0;
out:
	if (ret < 0) {
		lb_fsview_layer_reset(v, layer);
		*kept = 0;
		*why = r.why;
	}
	for (size_t i = 0; i < nws; i++)
		free(ws[i]);
	free(ws);
	return ret;
}

/* --- the cache -------------------------------------------------------- */

struct lb_lcache *
lb_lcache_new(const char *dir, int in_memory)
{
	struct lb_lcache *c;

	if (!dir && !in_memory)
		return NULL;
	c = lb_xcalloc(1, sizeof(*c));
	c->dir = dir ? lb_xstrdup(dir) : NULL;
	c->in_memory = in_memory;
	pthread_mutex_init(&c->lock, NULL);
	lb_lcache_key(c->key);
	return c;
}

void
lb_lcache_free(struct lb_lcache *c)
{
	const char *k;
	void *val;
	size_t it = 0;

	if (!c)
		return;
	while (lb_hmap_next(&c->mem, &it, &k, &val)) {
		struct mem_ent *e = val;
		free(e->diff_id);
		free(e->p);
		free(e);
	}
	lb_hmap_release(&c->mem);
	pthread_mutex_destroy(&c->lock);
	free(c->dir);
	free(c);
}

void
lb_lcache_mark(struct lb_ctx *cx, struct lb_lcache_mark *m)
{
	pthread_mutex_lock(&cx->lock);
	m->nwarn = cx->nwarn;
	m->nkept = cx->nkept;
	pthread_mutex_unlock(&cx->lock);
}

/* A problem with the cache: printed like a warning, but not kept for the
 * report, which it would mark partial although the image is fine. */
static void
cache_warn(struct lb_ctx *cx, const char *file, const char *why)
{
	char safe[1024];

	pthread_mutex_lock(&cx->lock);
	if (cx->log && cx->verbosity >= LB_LOG_WARN) {
		fprintf(cx->log, "lifebelt: warning: ignoring layer cache file '%s': %s\n",
		    lb_safe(safe, sizeof(safe), file), why);
		fflush(cx->log);
	}
	pthread_mutex_unlock(&cx->lock);
}

static char *
entry_path(const struct lb_lcache *c, const char *diff_id)
{
	return lb_xasprintf("%s/sha256-%s", c->dir, diff_id + 7);
}

/* Reads the file into *p (at most LB_MAX_LCACHE_FILE). 0, -ENOENT, or
 * another error with *why set. */
static int
read_entry(const char *path, uint8_t **p, size_t *n, const char **why)
{
	struct stat sb;
	size_t got = 0;
	int fd, r = 0;

	*p = NULL;
	*n = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*why = "cannot open it";
		return errno == ENOENT ? -ENOENT : -errno;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*why = "not a regular file";
		r = -LB_E_FORMAT;
		goto out;
	}
	if ((uint64_t)sb.st_size > LB_MAX_LCACHE_FILE || sb.st_size < HDR_LEN) {
		*why = sb.st_size < HDR_LEN ? "truncated" : "over the size limit";
		r = -LB_E_FORMAT;
		goto out;
	}
	*p = lb_xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		ssize_t k = read(fd, *p + got, (size_t)sb.st_size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (got != (size_t)sb.st_size) {
		*why = "cannot read it";
		r = -LB_E_FORMAT;
		goto out;
	}
	*n = got;
out:
	close(fd);
	if (r < 0) {
		free(*p);
		*p = NULL;
	}
	return r;
}

static int
load_from(struct lb_lcache *c, struct lb_ctx *cx, const char *diff_id, const uint8_t *p, size_t n,
    const char *file, struct lb_fsview *v, int layer, const char *what)
{
	char **warns;
	size_t nwarns;
	uint64_t kept;
	const char *why;

	if (lb_lcache_decode(c->key, diff_id, p, n, v, layer, &warns, &nwarns, &kept, &why) < 0) {
		if (file && why == OTHER_BUILD)
			lb_debug(cx, "layer %s: the layer cache entry is another build's", what);
		else if (file)
			cache_warn(cx, file, why);
		return 0;
	}
	if (lb_fsview_reserve(v, kept) < 0) {
		/* over the image's capture limit: the walk reports it */
		lb_fsview_layer_reset(v, layer);
		for (size_t i = 0; i < nwarns; i++)
			free(warns[i]);
		free(warns);
		return 0;
	}
	for (size_t i = 0; i < nwarns; i++) {
		lb_warn(cx, "layer %s: %s", what, warns[i]);
		free(warns[i]);
	}
	free(warns);
	return 1;
}

int
lb_lcache_load(struct lb_lcache *c, struct lb_ctx *cx, const char *diff_id,
    struct lb_fsview *v, int layer, const char *what)
{
	uint8_t *p = NULL;
	size_t n = 0;
	const char *why = NULL;
	char *file = NULL;
	int hit = 0, r;

	if (!c || !lb_digest_valid(diff_id) || strncmp(diff_id, "sha256:", 7) != 0)
		return 0;
	if (c->in_memory) {
		struct mem_ent *e;
		pthread_mutex_lock(&c->lock);
		e = lb_hmap_get(&c->mem, diff_id, strlen(diff_id));
		pthread_mutex_unlock(&c->lock);
		/* entries are never replaced or freed before lb_lcache_free */
		if (e && (hit = load_from(c, cx, diff_id, e->p, e->n, NULL, v, layer, what)))
			lb_debug(cx, "layer %s: loaded from the layer cache (this run)", what);
		if (hit)
			return 1;
	}
	if (!c->dir)
		return 0;
	file = entry_path(c, diff_id);
	if ((r = read_entry(file, &p, &n, &why)) < 0) {
		if (r != -ENOENT)
			cache_warn(cx, file, why);
	} else if ((hit = load_from(c, cx, diff_id, p, n, file, v, layer, what))) {
		lb_info(cx, "layer %s: loaded from the layer cache '%s'", what, file);
		utimensat(AT_FDCWD, file, NULL, AT_SYMLINK_NOFOLLOW);   /* recently used */
	}
	free(p);
	free(file);
	return hit;
}

/* mkdir -p, each new folder 0700. */
static int
mkdirs(const char *dir)
{
	char *d = lb_xstrdup(dir);
	int r = 0;

	for (char *s = d + 1; ; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = 0;
		if (mkdir(d, 0700) != 0 && errno != EEXIST)
			r = -errno;
		*s = c;
		if (!c || r < 0)
			break;
	}
	free(d);
	return r;
}

static void
write_entry(struct lb_lcache *c, struct lb_ctx *cx, const char *diff_id, const struct lb_buf *b)
{
	char *file = entry_path(c, diff_id), *tmp = lb_xasprintf("%s/.tmp-XXXXXX", c->dir);
	int fd = -1;

	if (mkdirs(c->dir) < 0 || (fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		lb_debug(cx, "cannot write into the layer cache '%s': %s", c->dir, strerror(errno));
		goto out;
	}
	if (lb_write_all(fd, b->p, b->len) < 0 || close(fd) != 0) {
		lb_debug(cx, "cannot write '%s': %s", tmp, strerror(errno));
		fd = -1;
		unlink(tmp);
		goto out;
	}
	fd = -1;
	/* atomic: a reader sees the old entry, none, or the whole new one */
	if (rename(tmp, file) != 0) {
		lb_debug(cx, "cannot rename '%s' to '%s': %s", tmp, file, strerror(errno));
		unlink(tmp);
	} else {
		size_t k = lb_lcache_trim(c->dir, LB_MAX_LCACHE_TOTAL);
		if (k)
			lb_debug(cx, "layer cache: removed %zu least recently used entries", k);
	}
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	free(file);
}

struct old_ent {
	char *name;
	uint64_t size;
	struct timespec mtime;
};

static int
older_first(const void *a, const void *b)
{
	const struct old_ent *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

size_t
lb_lcache_trim(const char *dir, uint64_t max_bytes)
{
	struct old_ent *ents = NULL;
	size_t n = 0, cap = 0, removed = 0;
	uint64_t total = 0;
	struct dirent *de;
	time_t now = time(NULL);
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		struct stat sb;
		int tmp = strncmp(de->d_name, ".tmp-", 5) == 0;
		if ((!tmp && strncmp(de->d_name, "sha256-", 7) != 0) ||
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (tmp) {
			/* a writer renames within seconds: an hour-old one crashed */
			if (sb.st_mtime + 3600 < now)
				unlinkat(dirfd(d), de->d_name, 0);
			continue;
		}
		lb_xgrow(&ents, &cap, n + 1, sizeof(*ents));
		ents[n].name = lb_xstrdup(de->d_name);
		ents[n].size = (uint64_t)sb.st_size;
		ents[n].mtime = sb.st_mtim;
		total += ents[n].size;
		n++;
	}
	if (total > max_bytes) {
		qsort(ents, n, sizeof(*ents), older_first);
		for (size_t i = 0; i < n && total > max_bytes / 4 * 3; i++) {
			if (unlinkat(dirfd(d), ents[i].name, 0) == 0)
				removed++;
			total -= ents[i].size;
		}
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free(ents[i].name);
	free(ents);
	return removed;
}

void
lb_lcache_store(struct lb_lcache *c, struct lb_ctx *cx, const char *diff_id,
    const struct lb_fsview *v, int layer, const char *what, const struct lb_lcache_mark *m)
{
	struct lb_buf b = LB_BUF_INIT(LB_MAX_LCACHE_FILE);
	char **warns = NULL, *prefix = NULL;
	size_t nwarns = 0, plen;
	int ok = 1;

	if (!c || !lb_digest_valid(diff_id) || strncmp(diff_id, "sha256:", 7) != 0)
		return;
	prefix = lb_xasprintf("layer %s: ", what);
	plen = strlen(prefix);
	pthread_mutex_lock(&cx->lock);
	if (cx->nwarn - m->nwarn != cx->nkept - m->nkept)
		ok = 0;
	for (size_t i = m->nkept; ok && i < cx->nkept; i++) {
		const char *w = cx->warnings[i];
		if (strncmp(w, prefix, plen) != 0) {
			/* another layer's, walked at the same time, names that
			 * layer; a warning that names none cannot be placed */
			if (strncmp(w, "layer sha256:", 13) != 0 || !strstr(w, ": "))
				ok = 0;
			continue;
		}
		if (strlen(w) - plen > MAX_WARN_LEN) {
			ok = 0;
			break;
		}
		warns = lb_xrealloc(warns, (nwarns + 1) * sizeof(*warns));
		warns[nwarns++] = lb_xstrdup(w + plen);
	}
	pthread_mutex_unlock(&cx->lock);
	if (!ok) {
		lb_debug(cx, "layer %s: not cached: its warnings cannot be told from other layers'", what);
		goto out;
	}
	if (lb_lcache_encode(c->key, diff_id, v, layer, warns, nwarns, &b) < 0) {
		lb_debug(cx, "layer %s: not cached: over %u MiB", what, LB_MAX_LCACHE_FILE >> 20);
		goto out;
	}
	if (c->dir)
		write_entry(c, cx, diff_id, &b);
	if (c->in_memory) {
		struct mem_ent *e = NULL;
		pthread_mutex_lock(&c->lock);
		if (!lb_hmap_get(&c->mem, diff_id, strlen(diff_id))) {
			e = lb_xcalloc(1, sizeof(*e));
			e->diff_id = lb_xstrdup(diff_id);
			e->p = (uint8_t *)lb_buf_detach(&b, &e->n);
			lb_hmap_put(&c->mem, e->diff_id, strlen(e->diff_id), e);
		}
		pthread_mutex_unlock(&c->lock);
	}
out:
	for (size_t i = 0; i < nwarns; i++)
		free(warns[i]);
	free(warns);
	free(prefix);
	lb_buf_release(&b);
}
