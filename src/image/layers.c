#include "image/layers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "analyze/analyzer.h"
#include "analyze/interest.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_fd.h"
#include "base/lb_limits.h"
#include "io/tar.h"

int
lb_path_normalize(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	const char *s = in;

	while (*s) {
		const char *e;
		size_t n;

		while (*s == '/')
			s++;
		if (!*s)
			break;
		e = strchr(s, '/');
		n = e ? (size_t)(e - s) : strlen(s);
		if (n == 1 && s[0] == '.') {
			/* skip */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			return -LB_E_FORMAT;
		} else {
			if (o + n + 2 > cap)
				return -LB_E_LIMIT;
			if (o)
				out[o++] = '/';
			memcpy(out + o, s, n);
			o += n;
		}
		s += n;
	}
	if (cap)
		out[o] = 0;
	return (int)o;
}

int
lb_path_resolve(const char *base, const char *in, char *out, size_t cap)
{
	const char *slash = base ? strrchr(base, '/') : NULL, *s = in;
	size_t o = 0;

	if (cap == 0)
		return -LB_E_LIMIT;
	if (in[0] != '/' && slash) {
		o = (size_t)(slash - base);
		if (o + 1 > cap)
			return -LB_E_LIMIT;
		memcpy(out, base, o);
	}
	while (*s) {
		const char *e;
		size_t n;

		while (*s == '/')
			s++;
		if (!*s)
			break;
		e = strchr(s, '/');
		n = e ? (size_t)(e - s) : strlen(s);
		if (n == 1 && s[0] == '.') {
			/* skip */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			/* chroot semantics: ".." at the root stays at the root */
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o + n + 2 > cap)
				return -LB_E_LIMIT;
			if (o)
				out[o++] = '/';
			memcpy(out + o, s, n);
			o += n;
		}
		s += n;
	}
	out[o] = 0;
	return (int)o;
}

/* Largest cap among the interests that match path, or 0. */
static uint32_t
interest(const struct lb_ctx *cx, const char *path, size_t len)
{
	return cx->interests ? lb_interest_index_cap(cx->interests, path, len) :
	    lb_interest_table_cap(lb_analyzers, path, len);
}

/* Analyzers that want to stream a file of this path and mode: fills
 * ops[] (at most 8) and returns how many; *cap gets the largest cap. */
static size_t
streamers(const struct lb_ctx *cx, const char *path, size_t len, unsigned mode,
    const struct lb_analyzer_ops **ops, uint64_t *cap)
{
	return cx->interests ? lb_interest_index_streamers(cx->interests, path, len, mode, ops, 8, cap) :
	    lb_interest_table_streamers(lb_analyzers, path, len, mode, ops, 8, cap);
}

/* Where a streamed member's bytes come from: a tar member (read once) or
 * a file of a directory tree (opened again for each analyzer). */
struct member_src {
	struct lb_tar *t;
	int dfd;
	const char *name;
	int spill;             /* 1: the bytes are in descriptor fd (whole file) */
	int fd;
};

static struct lb_istream *
member_open(const struct member_src *m, uint64_t max)
{
	int fd;

	if (m->spill)
		return lb_is_limit(lb_is_fd_range(m->fd, 0, max), max);
	if (m->t)
		return lb_tar_entry_stream(m->t, max);
	fd = openat(m->dfd, m->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	return fd < 0 ? NULL : lb_is_limit(lb_is_fd_owned(fd, max), max);
}

/* Runs the streaming analyzers on one member; the packages they find
 * become facts of the path in this layer. data/got: the member's bytes
 * when they were captured (all the analyzers then read those), else NULL:
 * the member is then read from m. */
static int
stream_member(struct lb_ctx *cx, struct lb_fsview *v, int layer, const char *what,
    const struct member_src *m, const char *path, unsigned mode, uint64_t size,
    const uint8_t *data, size_t got)
{
	const struct lb_analyzer_ops *ops[8];
	struct lb_inventory *facts;
	struct lb_file f;
	uint8_t *buf = NULL;
	uint64_t cap;
	size_t n = streamers(cx, path, strlen(path), mode, ops, &cap);
	int r = 0;

	if (!n)
		return 0;
	if (cap > size)
		cap = size;
	if (!data && n > 1 && m->t) {
		/* a tar member goes by once: keep it for the second analyzer */
		if (cap <= LB_MAX_STREAM_BUFFER) {
			size_t k = 0;
			ssize_t c;
			buf = lb_xmalloc((size_t)cap + 1);
			while (k < cap && (c = lb_tar_read(m->t, buf + k, (size_t)cap - k)) > 0)
				k += (size_t)c;
			if (k < cap) {
				free(buf);
				return 0;   /* the walk's next step reports the broken stream */
			}
			data = buf;
			got = k;
		} else {
			lb_debug(cx, "layer %s: '%s' is too big for several analyzers; only '%s' reads it",
			    what, path, ops[0]->name);
			n = 1;
		}
	}
	memset(&f, 0, sizeof(f));
	f.path = path;
	f.real_size = size;
	f.mode = mode;
	f.layer = layer;
	f.type = LB_FT_REG;
	facts = lb_inventory_new();
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct lb_istream *is = data ? lb_is_mem(data, got < cap ? got : (size_t)cap) :
		    member_open(m, cap);
		if (!is)
			break;
		r = ops[i]->scan_file(cx, &f, is, facts);
		lb_is_close(is);
		if (r < 0)
			lb_err(cx, "layer %s: analyzer '%s' failed on '%s': %s", what, ops[i]->name, path,
			    lb_strerror(r));
	}
	if (facts->npkgs) {
		lb_fsview_add_facts(v, layer, path, mode, size, facts);
	} else {
		/* nothing found: the path still replaces what lower layers had
		 * there (a jar or binary overwritten by a script keeps no packages) */
		lb_inventory_free(facts);
		lb_fsview_add_facts(v, layer, path, mode, size, NULL);
	}
	free(buf);
	return r < 0 ? r : 0;
}

/* --- the per-file hook (--scanners malware; fsview.h) ------------------ */

/* A file read whole: in memory (data, len) up to the hook's mem_cap, else
 * in fd (a spilled copy in the scratch folder, or the file itself for a
 * directory tree), with its digests computed on the way. */
struct whole {
	uint8_t *data;
	size_t len;
	int fd;
	int own_fd;
	uint8_t digest[LB_DIGEST_LEN];
};

static ssize_t
src_read(struct lb_tar *t, int fd, void *buf, size_t n)
{
	ssize_t k;

	if (t)
		return lb_tar_read(t, buf, n);
	do
		k = read(fd, buf, n);
	while (k < 0 && errno == EINTR);
	return k < 0 ? -errno : k;
}

/* An unnamed file in the scratch folder (nothing to clean up on a crash). */
static int
spill_open(struct lb_ctx *cx)
{
	return cx->scratch ? lb_scratch_fd(cx->scratch, "spill") : -1;
}

static void
whole_release(struct whole *w)
{
	free(w->data);
	if (w->own_fd && w->fd >= 0)
		close(w->fd);
	w->data = NULL;
	w->fd = -1;
}

/* The digest contexts of one walk (MD5, SHA-1, SHA-256), fetched once:
 * OpenSSL 3's implicit fetch per file costs as much as hashing a small
 * file. An algorithm the library refuses (FIPS) is not computed. */
struct hashers {
	EVP_MD *alg[3];
	EVP_MD_CTX *md[3];
};

static void
hashers_init(struct hashers *h)
{
	static const char *const names[3] = { "MD5", "SHA1", "SHA256" };

	for (int i = 0; i < 3; i++) {
		h->alg[i] = EVP_MD_fetch(NULL, names[i], NULL);
		if (!(h->md[i] = EVP_MD_CTX_new()))
			abort();    /* OpenSSL out of memory: abort as lb_x* do */
	}
}

static void
hashers_release(struct hashers *h)
{
	for (int i = 0; i < 3; i++) {
		EVP_MD_free(h->alg[i]);
		EVP_MD_CTX_free(h->md[i]);
	}
}

/* Hashes k bytes of a spilled file and writes them into its scratch copy
 * when there is one. */
static int
whole_take(struct lb_ctx *cx, struct whole *w, EVP_MD_CTX *md[3], const void *p, size_t k)
{
	int r;

	for (int i = 0; i < 3; i++)
		if (md[i])
			EVP_DigestUpdate(md[i], p, k);
	if (w->fd >= 0 && (r = lb_write_all(w->fd, p, k)) < 0) {
		lb_err(cx, "cannot write into the scratch folder: %s", strerror(-r));
		return r;
	}
	return 0;
}

/* Reads size bytes from the tar member t or from fd (a file of a directory
 * tree, left open) into w. Returns 0, or < 0 when the source broke. */
static int
whole_read(struct lb_ctx *cx, struct hashers *h, struct lb_tar *t, int fd, const char *path,
    uint64_t size, size_t mem_cap, uint64_t max_scan, unsigned want, struct whole *w)
{
	EVP_MD_CTX *md[3] = { NULL, NULL, NULL };
	static const size_t off[3] = { LB_DIGEST_MD5, LB_DIGEST_SHA1, LB_DIGEST_SHA256 };
	static const unsigned bit[3] = { LB_WANT_MD5, LB_WANT_SHA1, LB_WANT_SHA256 };
	uint8_t chunk[64 << 10];     /* on the stack: no allocation per file */
	uint64_t got = 0;
	int r = 0, spill = size > mem_cap, hash_only = size > max_scan && size > mem_cap;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->digest[LB_DIGEST_HAVE] = 0;
	/* only the digests someone will compare (fsview.h LB_WANT_*) */
	for (int i = 0; i < 3; i++) {
		if (!(want & bit[i]) || !h->alg[i])
			continue;
		md[i] = h->md[i];
		if (!EVP_DigestInit_ex(md[i], h->alg[i], NULL))
			abort();    /* OpenSSL out of memory: abort as lb_x* do */
		w->digest[LB_DIGEST_HAVE] |= (uint8_t)bit[i];
	}
	if (hash_only) {
		spill = 1;                     /* only hashed: scan() gets neither bytes nor fd */
	} else if (spill && !t) {
		w->fd = fd;                    /* a file on disk: scan it in place */
	} else if (spill) {
		if ((w->fd = spill_open(cx)) < 0) {
			lb_warn(cx, "'%s' (%llu bytes) is over %zu MiB and there is no scratch folder to "
			    "hold it: only its first %zu MiB are scanned", path, (unsigned long long)size,
			    mem_cap >> 20, mem_cap >> 20);
			spill = 0;
		} else {
			w->own_fd = 1;
		}
	}
	if (!spill) {
		size_t n = size < mem_cap ? (size_t)size : mem_cap;
		w->data = lb_xmalloc(n + 1);
		while (got < n) {
			ssize_t k = src_read(t, fd, w->data + got, n - (size_t)got);
			if (k <= 0) {
				r = k < 0 ? (int)k : -LB_E_FORMAT;
				goto out;
			}
			for (int i = 0; i < 3; i++)
				if (md[i])
					EVP_DigestUpdate(md[i], w->data + got, (size_t)k);
			got += (size_t)k;
		}
		w->data[n] = 0;
		w->len = n;
	}
	/* a spilled tar member goes by in libarchive's own blocks: no copy
	 * (zeros between the blocks of a sparse member) */
	while (spill && t) {
		const void *blk;
		size_t k;
		uint64_t at;
		int e = lb_tar_read_block(t, &blk, &k, &at);

		if (e < 0 || at > size || k > size - at || at < got) {
			r = e < 0 ? e : -LB_E_FORMAT;
			goto out;
		}
		while (got < at) {      /* a hole */
			size_t z = at - got < sizeof(chunk) ? (size_t)(at - got) : sizeof(chunk);
			memset(chunk, 0, z);
			if ((r = whole_take(cx, w, md, chunk, z)) < 0)
				goto out;
			got += z;
		}
		if (e == 0)
			break;
		if ((r = whole_take(cx, w, md, blk, k)) < 0)
			goto out;
		got += k;
	}
	if (got != size && spill && t) {
		r = -LB_E_FORMAT;
		goto out;
	}
	/* the rest (or all, when spilled) goes by in chunks */
	while (got < size) {
		ssize_t k = src_read(t, fd, chunk, size - got < sizeof(chunk) ? (size_t)(size - got) : sizeof(chunk));
		if (k <= 0) {
			r = k < 0 ? (int)k : -LB_E_FORMAT;
			goto out;
		}
		for (int i = 0; i < 3; i++)
			if (md[i])
				EVP_DigestUpdate(md[i], chunk, (size_t)k);
		if (spill && t && w->fd >= 0 && (r = lb_write_all(w->fd, chunk, (size_t)k)) < 0) {
			lb_err(cx, "cannot write into the scratch folder: %s", strerror(-r));
			goto out;
		}
		got += (size_t)k;
	}
	for (int i = 0; i < 3; i++)
		if (md[i])
			EVP_DigestFinal_ex(md[i], w->digest + off[i], NULL);
	if (spill && !t && w->fd >= 0 && lseek(w->fd, 0, SEEK_SET) < 0)
		r = -errno;
out:
	if (r < 0)
		whole_release(w);
	return r;
}

/* Reads a regular file whole, gives it to the hook and to the analyzers
 * (streaming ones, and captures for interests), and records its digests
 * and the hook's findings in the view. t: a tar member, else fd and the
 * directory dfd/name of a tree's file. */
static int
hook_member(struct lb_ctx *cx, struct hashers *hs, struct lb_fsview *v, int layer, const char *what,
    struct lb_tar *t,
    int dfd, int fd, const char *name, const char *path, unsigned mode, uint64_t size,
    struct lb_walk_stats *st)
{
	const struct lb_file_hook *h = cx->file_hook;
	struct lb_inventory *facts = lb_inventory_new();
	struct member_src ms = { .t = t, .dfd = dfd, .name = name };
	struct lb_file f;
	struct whole w;
	uint32_t cap = interest(cx, path, strlen(path));
	unsigned want = h->want(h->arg, path, mode, size);
	int keep = (want & LB_WANT_KEEP) != 0, r;

	const struct lb_analyzer_ops *ops[8];
	uint64_t scap, max_scan = h->max_scan;

	size_t mem_cap = h->mem_cap;
	int nstream = streamers(cx, path, strlen(path), mode, ops, &scap) > 0;

	/* a file over the scanner's limit (or that it does not read at all)
	 * is only hashed, in chunks; unless an analyzer streams it or wants
	 * it kept: then it is read whole (in the scratch folder past mem_cap) */
	if (!(want & LB_WANT_BYTES))
		max_scan = 0;
	if (nstream || cap || keep) {
		max_scan = UINT64_MAX;
		if (mem_cap < LB_MAX_STREAM_BUFFER)
			mem_cap = LB_MAX_STREAM_BUFFER;
	}
	if (!(want & LB_WANT_BYTES) && !nstream && !cap && !keep)
		mem_cap = 0;
	if ((r = whole_read(cx, hs, t, fd, path, size, mem_cap, max_scan, want, &w)) < 0) {
		if (t)
			lb_err(cx, "layer %s: cannot read '%s': %s", what, path, lb_tar_error(t));
		else
			lb_warn(cx, "cannot read '%s': %s", path, lb_strerror(r));
		lb_inventory_free(facts);
		return t ? -LB_E_FORMAT : 0;
	}
	memset(&f, 0, sizeof(f));
	f.path = path;
	f.data = w.data;
	f.size = w.len;
	f.real_size = size;
	f.layer = layer;
	f.mode = mode;
	f.type = LB_FT_REG;
	f.digest = w.digest;
	if ((r = h->scan(h->arg, cx, &f, (want & LB_WANT_BYTES) ? w.data : NULL, w.len,
	    (want & LB_WANT_BYTES) ? w.fd : -1, facts)) < 0)
		lb_err(cx, "layer %s: the malware scanner failed on '%s': %s", what, path, lb_strerror(r));
	/* the analyzers read the same bytes */
	if (r >= 0) {
		if (w.data) {
			r = stream_member(cx, v, layer, what, &ms, path, mode, size, w.data, w.len);
		} else if (w.fd >= 0) {
			ms.t = NULL;
			ms.spill = 1;
			ms.fd = w.fd;
			r = stream_member(cx, v, layer, what, &ms, path, mode, size, NULL, 0);
		}
	}
	if (r >= 0 && (cap || keep)) {
		size_t n;
		uint8_t *data;

		if (keep && cap < LB_MAX_PKGDB)
			cap = LB_MAX_PKGDB;
		n = size < cap ? (size_t)size : cap;
		if (w.data && n > w.len)
			n = w.len;
		if ((r = lb_fsview_reserve(v, n)) < 0) {
			lb_err(cx, "layer %s: cannot keep '%s': the image's package databases and "
			    "other kept files pass %u MiB", what, path, LB_MAX_CAPTURE >> 20);
		} else {
			data = lb_xmalloc(n + 1);
			if (w.data) {
				memcpy(data, w.data, n);
			} else if (w.fd < 0 || pread(w.fd, data, n, 0) != (ssize_t)n) {
				lb_warn(cx, "layer %s: cannot read '%s' back from the scratch folder", what, path);
				n = 0;
			}
			lb_fsview_add_take(v, layer, path, mode, data, n, size, size > n);
			st->captured++;
			st->captured_bytes += n;
		}
	}
	lb_fsview_set_digest(v, layer, path, mode, size, w.digest);
	if (facts->nmalware)
		lb_fsview_add_facts(v, layer, path, mode, size, facts);
	else
		lb_inventory_free(facts);
	whole_release(&w);
	return r < 0 ? r : 0;
}

/* Records a whiteout member. Returns 1 when name was a whiteout. */
static int
whiteout(struct lb_ctx *cx, struct lb_fsview *v, int layer, const char *what, char *path, size_t len)
{
	char *slash = memrchr(path, '/', len);
	char *base = slash ? slash + 1 : path;
	const char *target;

	if (strncmp(base, ".wh.", 4) != 0)
		return 0;
	if (slash)
		*slash = 0;
	else
		path = (char *)"";
	if (strcmp(base, ".wh..wh..opq") == 0) {
		/* image-spec layer.md: ".wh..wh..opq" hides siblings from lower layers */
		lb_fsview_add_opaque(v, layer, path);
		return 1;
	}
	if (strncmp(base, ".wh..wh.", 8) == 0)
		return 1;       /* other AUFS metadata (.wh..wh.plnk): not content */
	target = base + 4;
	if (!*target || strcmp(target, ".") == 0 || strcmp(target, "..") == 0) {
		/* image-spec PR #1314: a bare ".wh." must not delete the parent */
		lb_warn(cx, "layer %s: ignoring invalid whiteout '%s/%s'", what, path, base);
		return 1;
	}
	{
		char *full = path[0] ? lb_xasprintf("%s/%s", path, target) : lb_xstrdup(target);
		lb_fsview_add_whiteout(v, layer, full);
		free(full);
	}
	return 1;
}

int
lb_layer_walk_tar(struct lb_ctx *cx, struct lb_istream *is, struct lb_fsview *v, int layer,
    const char *what, struct lb_walk_stats *st)
{
	struct lb_tar *t = lb_tar_open(is);
	struct lb_tar_entry e;
	char path[LB_MAX_PATH], link[LB_MAX_PATH];
	uint8_t *data = NULL;
	uint64_t nsym = 0;
	struct hashers hs;
	int r, n, ln, hs_ready = 0;

	memset(st, 0, sizeof(*st));
	while ((r = lb_tar_next(t, &e)) > 0) {
		uint32_t cap;

		if (++st->entries > LB_MAX_LAYER_ENTRIES) {
			lb_err(cx, "layer %s: more than %u entries", what, LB_MAX_LAYER_ENTRIES);
			r = -LB_E_LIMIT;
			goto out;
		}
		n = lb_path_normalize(e.path, path, sizeof(path));
		if (n == -LB_E_FORMAT) {
			/* containerd (fs.RootPath) extracts "../x" as "x": read the
			 * member where a runtime puts it, and say so */
			n = lb_path_resolve(NULL, e.path, path, sizeof(path));
			if (n >= 0)
				lb_warn(cx, "layer %s: member '%.200s' leaves the image root; read as '/%s'",
				    what, e.path, path);
		}
		if (n < 0) {
			lb_warn(cx, "layer %s: skipping member '%.200s': path too long", what, e.path);
			continue;
		}
		if (n == 0)
			continue;   /* the root directory itself */
		if (whiteout(cx, v, layer, what, path, (size_t)n)) {
			st->whiteouts++;
			continue;
		}
		switch (e.type) {
		case LB_FT_SYMLINK:
			if (++nsym > LB_MAX_SYMLINKS) {
				if (nsym == LB_MAX_SYMLINKS + 1)
					lb_warn(cx, "layer %s: more than %u symlinks; later ones are not followed",
					    what, LB_MAX_SYMLINKS);
				break;
			}
			lb_fsview_add(v, layer, path, LB_FT_SYMLINK, e.mode, NULL, 0, 0, e.link, 0);
			break;
		case LB_FT_HARDLINK:
			if (!interest(cx, path, (size_t)n))
				break;
			if ((ln = lb_path_normalize(e.link, link, sizeof(link))) == -LB_E_FORMAT) {
				/* as containerd, which links to fs.RootPath(root, linkname) */
				ln = lb_path_resolve(NULL, e.link, link, sizeof(link));
				if (ln > 0)
					lb_warn(cx, "layer %s: hard link '%s' points outside the image root; "
					    "read as a link to '/%s'", what, path, link);
			}
			if (ln <= 0) {
				lb_warn(cx, "layer %s: ignoring hard link '%s' to '%.200s'", what, path, e.link);
				break;
			}
			if (!interest(cx, link, (size_t)ln) && st->nwanted < 4096) {
				/* the target's bytes went by uncaptured (OSTree images link
				 * every file to an object): ask for a second pass that keeps
				 * them, rather than read nothing (mondoohq/mql #10482) */
				lb_xgrow(&st->wanted, &st->capwanted, st->nwanted + 1, sizeof(char *));
				st->wanted[st->nwanted++] = lb_xstrdup(link);
			}
			lb_fsview_add(v, layer, path, LB_FT_HARDLINK, e.mode, NULL, 0, 0, link, 0);
			break;
		case LB_FT_REG:
			if (cx->file_hook) {
				if (!hs_ready++)
					hashers_init(&hs);
				if ((r = hook_member(cx, &hs, v, layer, what, t, -1, -1, NULL, path, e.mode,
				    e.size, st)) < 0)
					goto out;
				break;
			}
			cap = interest(cx, path, (size_t)n);
			if (!cap) {
				struct member_src ms = { .t = t };
				if ((r = stream_member(cx, v, layer, what, &ms, path, e.mode, e.size, NULL, 0)) < 0)
					goto out;
				break;
			}
			{
				size_t want = e.size < cap ? (size_t)e.size : cap, got = 0;
				ssize_t k;

				/* a bound on what one image may make us keep, all layers together */
				if ((r = lb_fsview_reserve(v, want)) < 0) {
					lb_err(cx, "layer %s: cannot keep '%s': the image's package databases and "
					    "other kept files pass %u MiB", what, path, LB_MAX_CAPTURE >> 20);
					goto out;
				}
				data = lb_xmalloc(want + 1);
				while (got < want && (k = lb_tar_read(t, data + got, want - got)) > 0)
					got += (size_t)k;
				if (got < want) {
					lb_err(cx, "layer %s: cannot read '%s': %s", what, path, lb_tar_error(t));
					r = -LB_E_FORMAT;
					goto out;
				}
				st->captured++;
				st->captured_bytes += got;
				{
					struct member_src ms = { .t = t };
					r = stream_member(cx, v, layer, what, &ms, path, e.mode, e.size, data, got);
				}
				/* the view takes the buffer: a big file is never held twice */
				lb_fsview_add_take(v, layer, path, e.mode, data, got, e.size, e.size > cap);
				data = NULL;
				if (r < 0)
					goto out;
			}
			break;
		default:
			if (interest(cx, path, (size_t)n))
				lb_fsview_add_other(v, layer, path, e.type);
			break;
		}
	}
	if (r < 0) {
		lb_err(cx, "layer %s: %s", what, lb_tar_error(t));
		goto out;
	}
	if ((r = lb_tar_finish(t)) < 0)
		lb_err(cx, "layer %s: %s", what, lb_tar_error(t));
out:
	if (hs_ready)
		hashers_release(&hs);
	free(data);
	lb_tar_free(t);
	return r;
}

void
lb_walk_stats_release(struct lb_walk_stats *st)
{
	for (size_t i = 0; i < st->nwanted; i++)
		free(st->wanted[i]);
	free(st->wanted);
	st->wanted = NULL;
	st->nwanted = st->capwanted = 0;
}

int
lb_layer_capture_tar(struct lb_ctx *cx, struct lb_istream *is, struct lb_fsview *v, int layer,
    const char *what, char *const *paths, size_t npaths)
{
	struct lb_tar *t = lb_tar_open(is);
	struct lb_tar_entry e;
	char path[LB_MAX_PATH];
	uint8_t *data = NULL;
	int r, n;

	while ((r = lb_tar_next(t, &e)) > 0) {
		size_t i, want, got = 0;
		ssize_t k;

		if (e.type != LB_FT_REG || (n = lb_path_normalize(e.path, path, sizeof(path))) <= 0)
			continue;
		for (i = 0; i < npaths && strcmp(paths[i], path) != 0; i++)
			;
		if (i == npaths)
			continue;
		want = e.size < LB_MAX_PKGDB ? (size_t)e.size : LB_MAX_PKGDB;
		data = lb_xmalloc(want + 1);
		while (got < want && (k = lb_tar_read(t, data + got, want - got)) > 0)
			got += (size_t)k;
		if (got < want) {
			r = -LB_E_FORMAT;
			break;
		}
		/* a later duplicate of the path in the layer wins, as in the first pass */
		lb_fsview_add(v, layer, path, LB_FT_REG, e.mode, data, got, e.size, NULL, e.size > want);
		free(data);
		data = NULL;
	}
	if (r == 0)
		r = lb_tar_finish(t);
	if (r < 0)
		lb_err(cx, "layer %s: %s", what, lb_tar_error(t));
	free(data);
	lb_tar_free(t);
	return r;
}

/* --- directory trees ------------------------------------------------- */

struct dirwalk {
	struct lb_ctx *cx;
	struct lb_fsview *v;
	int layer;
	struct lb_walk_stats *st;
	struct hashers hs;         /* with a file hook */
	dev_t dev;
	char path[LB_MAX_PATH];
};

static void
dir_file(struct dirwalk *w, int dfd, const char *name, size_t plen, const struct stat *sb)
{
	uint32_t cap = interest(w->cx, w->path, plen);
	uint8_t *data;
	size_t want, got = 0;
	ssize_t k;
	int fd;

	if (w->cx->file_hook) {
		fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0) {
			lb_warn(w->cx, "cannot open '%s': %s", w->path, strerror(errno));
			return;
		}
		hook_member(w->cx, &w->hs, w->v, w->layer, "rootfs", NULL, dfd, fd, name, w->path,
		    sb->st_mode, (uint64_t)sb->st_size, w->st);
		close(fd);
		return;
	}
	if (!cap) {
		struct member_src ms = { .dfd = dfd, .name = name };
		stream_member(w->cx, w->v, w->layer, "rootfs", &ms, w->path, sb->st_mode,
		    (uint64_t)sb->st_size, NULL, 0);
		return;
	}
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		lb_warn(w->cx, "cannot open '%s': %s", w->path, strerror(errno));
		return;
	}
	want = (uint64_t)sb->st_size < cap ? (size_t)sb->st_size : cap;
	data = lb_xmalloc(want + 1);
	while (got < want && (k = read(fd, data + got, want - got)) > 0)
		got += (size_t)k;
	close(fd);
	lb_fsview_add(w->v, w->layer, w->path, LB_FT_REG, sb->st_mode, data, got,
	    (uint64_t)sb->st_size, NULL, (uint64_t)sb->st_size > cap);
	{
		struct member_src ms = { .dfd = dfd, .name = name };
		stream_member(w->cx, w->v, w->layer, "rootfs", &ms, w->path, sb->st_mode,
		    (uint64_t)sb->st_size, data, got);
	}
	free(data);
	w->st->captured++;
	w->st->captured_bytes += got;
}

static int
dir_walk(struct dirwalk *w, int dfd, size_t plen, int depth)
{
	DIR *d;
	struct dirent *de;

	if (depth > 256) {
		lb_warn(w->cx, "'%s': directories nested too deeply; not descending", w->path);
		close(dfd);
		return 0;
	}
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	while ((de = readdir(d))) {
		struct stat sb;
		size_t nlen = strlen(de->d_name), np;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (plen + nlen + 2 > sizeof(w->path)) {
			lb_warn(w->cx, "'%s/%s': path too long; skipped", w->path, de->d_name);
			continue;
		}
		np = plen ? plen + 1 + nlen : nlen;
		if (plen)
			w->path[plen] = '/';
		memcpy(w->path + (plen ? plen + 1 : 0), de->d_name, nlen + 1);
		w->st->entries++;
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			goto next;
		if (S_ISLNK(sb.st_mode)) {
			char target[LB_MAX_PATH];
			ssize_t k = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
			if (k >= 0) {
				target[k] = 0;
				lb_fsview_add(w->v, w->layer, w->path, LB_FT_SYMLINK, sb.st_mode, NULL, 0, 0,
				    target, 0);
			}
		} else if (S_ISREG(sb.st_mode)) {
			dir_file(w, dirfd(d), de->d_name, np, &sb);
		} else if (S_ISDIR(sb.st_mode)) {
			int sub;
			if (sb.st_dev != w->dev && depth == 0 &&
			    (strcmp(de->d_name, "proc") == 0 || strcmp(de->d_name, "sys") == 0 ||
			    strcmp(de->d_name, "dev") == 0))
				goto next;
			sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				dir_walk(w, sub, np, depth + 1);
		}
next:
		w->path[plen] = 0;
	}
	closedir(d);
	return 0;
}

int
lb_layer_walk_dir(struct lb_ctx *cx, const char *root, struct lb_fsview *v, int layer,
    struct lb_walk_stats *st)
{
	struct dirwalk w = { .cx = cx, .v = v, .layer = layer, .st = st };
	struct stat sb;
	int fd, r;

	memset(st, 0, sizeof(*st));
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		r = -errno;
		lb_err(cx, "cannot open directory '%s': %s", root, strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	w.dev = sb.st_dev;
	w.path[0] = 0;
	if (cx->file_hook)
		hashers_init(&w.hs);
	r = dir_walk(&w, fd, 0, 0);
	if (cx->file_hook)
		hashers_release(&w.hs);
	return r;
}
