#include "image/store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"
#include "image/layers.h"
#include "io/tar.h"
#include "registry/client.h"

struct member {
	char *path;
	char *link;          /* symlink (resolved relative to the member) or hard link target */
	int hard;
	uint64_t off, size;
};

/* A manifest fetched from a registry, kept for the scan. */
struct remote_doc {
	char *digest;
	struct lb_buf body;
};

struct lb_store {
	struct lb_ctx *cx;
	struct lb_registry *reg;  /* registry store (not owned), or NULL */
	char *repo;
	char *index;              /* registry: the synthesized index.json */
	struct remote_doc *docs;
	size_t ndocs, capdocs;
	pthread_mutex_t lock;     /* registry: docs */
	int dirfd;           /* directory store, or -1 */
	int fd;              /* archive file, or -1 */
	struct lb_hmap idx;  /* path -> struct member * */
	struct member **members;
	size_t n, cap;
};

static void
add_member(struct lb_store *s, const char *path, const char *link, int hard, uint64_t off, uint64_t size)
{
	struct member *m = lb_xcalloc(1, sizeof(*m)), *old;

	m->path = lb_xstrdup(path);
	m->link = link ? lb_xstrdup(link) : NULL;
	m->hard = hard;
	m->off = off;
	m->size = size;
	lb_xgrow(&s->members, &s->cap, s->n + 1, sizeof(*s->members));
	s->members[s->n++] = m;
	/* later duplicates win, as when a runtime extracts the archive */
	old = lb_hmap_put(&s->idx, m->path, strlen(m->path), m);
	(void)old;  /* still owned through s->members */
}

static int
index_archive(struct lb_ctx *cx, struct lb_store *s, const char *name)
{
	struct stat st;
	struct lb_tar *t;
	struct lb_tar_entry e;
	char path[LB_MAX_PATH], link[LB_MAX_PATH];
	int r, n;

	if (fstat(s->fd, &st) != 0)
		return -errno;
	t = lb_tar_open(lb_is_fd_range(s->fd, 0, (uint64_t)st.st_size));
	while ((r = lb_tar_next(t, &e)) > 0) {
		if (s->n >= LB_MAX_OUTER_ENTRIES) {
			lb_err(cx, "'%s': more than %u members", name, LB_MAX_OUTER_ENTRIES);
			r = -LB_E_LIMIT;
			break;
		}
		if ((n = lb_path_normalize(e.path, path, sizeof(path))) <= 0) {
			if (n < 0)
				lb_warn(cx, "'%s': ignoring member '%.200s' whose path leaves the archive",
				    name, e.path);
			continue;
		}
		if (e.type == LB_FT_REG) {
			add_member(s, path, NULL, 0, e.data_offset, e.size);
		} else if (e.type == LB_FT_HARDLINK) {
			if (lb_path_normalize(e.link, link, sizeof(link)) > 0)
				add_member(s, path, link, 1, 0, 0);
		} else if (e.type == LB_FT_SYMLINK) {
			/* links resolve inside the archive only, never on the host;
			 * docker save links identical layers as
			 * "<id>/layer.tar -> ../<id2>/layer.tar" */
			if (lb_path_resolve(path, e.link, link, sizeof(link)) > 0)
				add_member(s, path, link, 0, 0, 0);
		}
	}
	if (r < 0 && r != -LB_E_LIMIT)
		lb_err(cx, "'%s' is not a readable tar archive: %s", name, lb_tar_error(t));
	lb_tar_free(t);
	return r;
}

/* Inflates a compressed archive into the scratch folder. */
static int
spill(struct lb_ctx *cx, int fd, const char *name, int *outfd)
{
	struct stat st;
	struct lb_istream *is;
	const char *kind;
	char *tmp = NULL, buf[1 << 16];
	ssize_t n;
	int r = 0, out = -1, err;

	*outfd = -1;
	if (fstat(fd, &st) != 0)
		return -errno;
	is = lb_is_decompress(lb_is_fd_range(fd, 0, (uint64_t)st.st_size), &kind, &err);
	if (!is)
		return err;
	if (strcmp(kind, "none") == 0) {
		lb_is_close(is);
		*outfd = dup(fd);
		return *outfd < 0 ? -errno : 0;
	}
	if (!cx->scratch) {
		lb_is_close(is);
		lb_err(cx, "'%s' is %s-compressed and no scratch folder is available", name, kind);
		return -LB_E_UNSUPPORTED;
	}
	is = lb_is_limit(is, LB_MAX_LAYER_BYTES);
	tmp = lb_xasprintf("%s/input.XXXXXX", cx->scratch);
	out = mkstemp(tmp);
	if (out < 0) {
		r = -errno;
		goto out;
	}
	unlink(tmp);   /* nothing left behind, even on a crash */
	lb_info(cx, "inflating %s-compressed '%s' into the scratch folder", kind, name);
	while ((n = lb_is_read(is, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			r = -errno;
			goto out;
		}
	}
	if (n < 0) {
		r = (int)n;
		lb_err(cx, "cannot inflate '%s': %s", name, lb_strerror(r));
		goto out;
	}
	*outfd = out;
	out = -1;
out:
	if (out >= 0)
		close(out);
	lb_is_close(is);
	free(tmp);
	return r;
}

int
lb_store_open(struct lb_ctx *cx, const char *path, struct lb_store **out)
{
	struct lb_store *s = lb_xcalloc(1, sizeof(*s));
	struct stat st;
	int fd = -1, r;

	*out = NULL;
	s->dirfd = s->fd = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0) {
		r = -errno;
		lb_err(cx, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		s->dirfd = fd;
		fd = -1;
	} else if (S_ISREG(st.st_mode)) {
		if ((r = spill(cx, fd, path, &s->fd)) < 0)
			goto out;
		if ((r = index_archive(cx, s, path)) < 0)
			goto out;
	} else {
		lb_err(cx, "'%s' is neither a file nor a directory", path);
		r = -LB_E_FORMAT;
		goto out;
	}
	*out = s;
	s = NULL;
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	lb_store_free(s);
	return r;
}

void
lb_store_free(struct lb_store *s)
{
	if (!s)
		return;
	if (s->reg) {
		for (size_t i = 0; i < s->ndocs; i++) {
			free(s->docs[i].digest);
			lb_buf_release(&s->docs[i].body);
		}
		free(s->docs);
		free(s->repo);
		free(s->index);
		pthread_mutex_destroy(&s->lock);
	}
	if (s->dirfd >= 0)
		close(s->dirfd);
	if (s->fd >= 0)
		close(s->fd);
	for (size_t i = 0; i < s->n; i++) {
		free(s->members[i]->path);
		free(s->members[i]->link);
		free(s->members[i]);
	}
	free(s->members);
	lb_hmap_release(&s->idx);
	free(s);
}

int
lb_store_is_registry(const struct lb_store *s)
{
	return s->reg != NULL;
}

int
lb_store_is_dir(const struct lb_store *s)
{
	return s->dirfd >= 0;
}

size_t
lb_store_count(const struct lb_store *s)
{
	return s->n;
}

static const struct member *
lookup(const struct lb_store *s, const char *rel)
{
	const struct member *m = NULL;
	char path[LB_MAX_PATH];

	if (lb_path_normalize(rel, path, sizeof(path)) <= 0)
		return NULL;
	m = lb_hmap_get(&s->idx, path, strlen(path));
	for (int hops = 0; m && m->link; hops++) {
		if (hops >= LB_MAX_SYMLINK_HOPS)
			return NULL;
		m = lb_hmap_get(&s->idx, m->link, strlen(m->link));
	}
	return m;
}

/* Opens rel below a layout directory. Symlinks in the directory (which
 * may come from an untrusted archive someone extracted) resolve inside it,
 * never on the host: "index.json -> /etc/shadow" finds nothing. */
static int
dir_open(const struct lb_store *s, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	char path[LB_MAX_PATH];
	long fd;

	/* member names come from the image: never leave the directory */
	if (lb_path_normalize(rel, path, sizeof(path)) <= 0) {
		errno = ENOENT;
		return -1;
	}
	do
		fd = syscall(SYS_openat2, s->dirfd, path, &how, sizeof(how));
	while (fd < 0 && (errno == EAGAIN || errno == EINTR));
	if (fd < 0 && errno == ENOSYS)   /* Linux < 5.6 */
		fd = openat(s->dirfd, path, (int)how.flags);
	return (int)fd;
}

int
lb_store_has(const struct lb_store *s, const char *rel)
{
	struct stat st;
	int fd, ok;

	if (s->reg)
		return strcmp(rel, "index.json") == 0;
	if (s->dirfd >= 0) {
		if ((fd = dir_open(s, rel)) < 0)
			return 0;
		ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
		close(fd);
		return ok;
	}
	return lookup(s, rel) != NULL;
}

int
lb_store_open_file(struct lb_store *s, const char *rel, struct lb_istream **is, uint64_t *size)
{
	const struct member *m;
	struct stat st;
	int fd;

	*is = NULL;
	if (s->reg) {
		if (strcmp(rel, "index.json") == 0) {
			*size = strlen(s->index);
			*is = lb_is_mem(s->index, *size);
			return 0;
		}
		if (strncmp(rel, "blobs/sha256/", 13) == 0) {
			char *d = lb_xasprintf("sha256:%s", rel + 13);
			int r = lb_digest_valid(d) ? lb_store_open_blob(s, d, 0, -1, is, size) : -LB_E_NOTFOUND;
			free(d);
			return r;
		}
		return -LB_E_NOTFOUND;
	}
	if (s->dirfd >= 0) {
		fd = dir_open(s, rel);
		if (fd < 0)
			return errno == ENOENT || errno == ELOOP || errno == ENOTDIR ?
			    -LB_E_NOTFOUND : -errno;
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return -LB_E_NOTFOUND;
		}
		*size = (uint64_t)st.st_size;
		*is = lb_is_fd_owned(fd, *size);
		return 0;
	}
	if (!(m = lookup(s, rel)))
		return -LB_E_NOTFOUND;
	*size = m->size;
	*is = lb_is_fd_range(s->fd, m->off, m->size);
	return 0;
}

int
lb_store_read(struct lb_store *s, const char *rel, struct lb_buf *b)
{
	struct lb_istream *is;
	uint64_t size;
	char buf[65536];
	ssize_t n;
	int r;

	if ((r = lb_store_open_file(s, rel, &is, &size)) < 0)
		return r;
	if (size > b->max) {
		lb_is_close(is);
		return -LB_E_LIMIT;
	}
	while ((n = lb_is_read(is, buf, sizeof(buf))) > 0)
		if ((r = lb_buf_add(b, buf, (size_t)n)) < 0)
			break;
	if (n < 0)
		r = (int)n;
	lb_is_close(is);
	return r < 0 ? r : 0;
}

/* --- registry stores ------------------------------------------------- */

static const struct lb_buf *
doc_find(struct lb_store *s, const char *digest)
{
	const struct lb_buf *b = NULL;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->ndocs && !b; i++)
		if (strcmp(s->docs[i].digest, digest) == 0)
			b = &s->docs[i].body;
	pthread_mutex_unlock(&s->lock);
	return b;
}

/* Keeps m's body (moved out of m) under its digest; returns it. */
static const struct lb_buf *
doc_keep(struct lb_store *s, struct lb_manifest *m)
{
	const struct lb_buf *b;

	pthread_mutex_lock(&s->lock);
	lb_xgrow(&s->docs, &s->capdocs, s->ndocs + 1, sizeof(*s->docs));
	s->docs[s->ndocs].digest = lb_xstrdup(m->digest);
	s->docs[s->ndocs].body = m->body;
	m->body = LB_BUF_INIT(0);
	b = &s->docs[s->ndocs++].body;
	pthread_mutex_unlock(&s->lock);
	return b;
}

int
lb_store_open_blob(struct lb_store *s, const char *digest, int manifest, int64_t want,
    struct lb_istream **is, uint64_t *size)
{
	const struct lb_buf *b;
	struct lb_manifest m;
	char *path;
	int r;

	*is = NULL;
	if (!s->reg) {
		path = lb_xasprintf("blobs/sha256/%s", digest + 7);
		r = lb_store_open_file(s, path, is, size);
		free(path);
		return r;
	}
	if (!manifest) {
		*size = 0;
		return lb_registry_open_blob(s->reg, s->repo, digest, want, is);
	}
	if (!(b = doc_find(s, digest))) {
		if ((r = lb_registry_manifest(s->reg, s->repo, digest, 0, &m)) < 0)
			return r == -LB_E_NOTFOUND ? -LB_E_FORMAT : r;
		b = doc_keep(s, &m);
		lb_manifest_release(&m);
	}
	/* the caller checks the digest again, through lb_is_digest */
	*size = b->len;
	*is = lb_is_mem(b->p ? (const void *)b->p : "", b->len);
	return 0;
}

#define MT_SCHEMA1 "application/vnd.docker.distribution.manifest.v1"

/* The media type of a manifest body: its own mediaType, else the
 * Content-Type when it is a manifest type, else guessed from the shape. */
static char *
doc_media_type(struct lb_ctx *cx, const struct lb_manifest *m, const char *what)
{
	json_t *doc = json_loadb(m->body.p ? (const char *)m->body.p : "", m->body.len, 0, NULL);
	const char *own = json_string_value(json_object_get(doc, "mediaType"));
	const char *ct = m->media_type;
	char *out = NULL;

	if (!json_is_object(doc)) {
		lb_err(cx, "malformed manifest of %s: not a JSON object", what);
		goto out;
	}
	if ((ct && strncmp(ct, MT_SCHEMA1, strlen(MT_SCHEMA1)) == 0) ||
	    json_integer_value(json_object_get(doc, "schemaVersion")) == 1) {
		lb_err(cx, "%s is a Docker schema 1 image, which is deprecated and not supported", what);
		goto out;
	}
	/* distribution-spec: the body's mediaType must agree with Content-Type */
	if (own && ct && strncmp(ct, "application/vnd.", 16) == 0 && strcmp(own, ct) != 0) {
		lb_err(cx, "malformed manifest of %s: its mediaType is not its Content-Type '%s'", what, ct);
		goto out;
	}
	if (own)
		out = lb_xstrdup(own);
	else if (ct && strncmp(ct, "application/vnd.", 16) == 0)
		out = lb_xstrdup(ct);
	else if (json_object_get(doc, "manifests"))
		out = lb_xstrdup("application/vnd.oci.image.index.v1+json");
	else
		out = lb_xstrdup("application/vnd.oci.image.manifest.v1+json");
out:
	json_decref(doc);
	return out;
}

int
lb_store_open_registry(struct lb_ctx *cx, struct lb_registry *reg, const char *repo, const char *reference,
    const char *name, struct lb_store **out)
{
	struct lb_store *s = lb_xcalloc(1, sizeof(*s));
	struct lb_manifest m;
	json_t *idx, *desc;
	char *mt = NULL;
	int r;

	*out = NULL;
	s->cx = cx;
	s->reg = reg;
	s->dirfd = s->fd = -1;
	s->repo = lb_xstrdup(repo);
	pthread_mutex_init(&s->lock, NULL);
	if ((r = lb_registry_manifest(reg, repo, reference, 0, &m)) < 0)
		goto out;
	if (!(mt = doc_media_type(cx, &m, name))) {
		lb_manifest_release(&m);
		r = -LB_E_FORMAT;
		goto out;
	}
	desc = json_pack("{s:s, s:s, s:I, s:{s:s}}", "mediaType", mt, "digest", m.digest,
	    "size", (json_int_t)m.size, "annotations", "io.containerd.image.name", name);
	idx = json_pack("{s:i, s:[o]}", "schemaVersion", 2, "manifests", desc);
	s->index = json_dumps(idx, JSON_COMPACT);
	json_decref(idx);
	doc_keep(s, &m);
	lb_manifest_release(&m);
	*out = s;
	s = NULL;
	r = 0;
out:
	free(mt);
	lb_store_free(s);
	return r;
}
