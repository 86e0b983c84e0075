#include "io/istream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"

ssize_t
lb_is_read(struct lb_istream *is, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t done = 0;
	ssize_t n;

	if (is->err)
		return is->err;
	if (is->pboff < is->pblen) {
		size_t k = is->pblen - is->pboff;
		if (k > len)
			k = len;
		memcpy(p, is->pb + is->pboff, k);
		is->pboff += k;
		done = k;
	}
	while (done < len) {
		n = is->ops->read(is, p + done, len - done);
		if (n < 0) {
			is->err = (int)n;
			return n;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	is->pos += done;
	return (ssize_t)done;
}

ssize_t
lb_is_borrow(struct lb_istream *is, const void **p, void *buf, size_t len)
{
	ssize_t n;

	*p = buf;
	if (is->err)
		return is->err;
	if (is->pboff < is->pblen || !is->ops->borrow)
		return lb_is_read(is, buf, len);
	n = is->ops->borrow(is, p, buf, len);
	if (n < 0) {
		is->err = (int)n;
		return n;
	}
	is->pos += (uint64_t)n;
	return n;
}

ssize_t
lb_is_peek(struct lb_istream *is, const uint8_t **p, size_t n)
{
	ssize_t r;

	if (n > sizeof(is->pb))
		n = sizeof(is->pb);
	if (is->err)
		return is->err;
	if (is->pboff > 0 && is->pboff < is->pblen) {
		memmove(is->pb, is->pb + is->pboff, is->pblen - is->pboff);
		is->pblen -= is->pboff;
	} else if (is->pboff >= is->pblen) {
		is->pblen = 0;
	}
	is->pboff = 0;
	while (is->pblen < n) {
		r = is->ops->read(is, is->pb + is->pblen, n - is->pblen);
		if (r < 0) {
			is->err = (int)r;
			return r;
		}
		if (r == 0)
			break;
		is->pblen += (size_t)r;
	}
	*p = is->pb;
	return (ssize_t)(is->pblen < n ? is->pblen : n);
}

int
lb_is_drain(struct lb_istream *is)
{
	uint8_t buf[65536];
	ssize_t n;

	while ((n = lb_is_read(is, buf, sizeof(buf))) > 0)
		;
	return n < 0 ? (int)n : 0;
}

int
lb_is_slurp(struct lb_istream *is, uint64_t size, size_t cap, char **out, size_t *len)
{
	size_t want = size < cap ? (size_t)size : cap, got = 0;
	char *b = lb_xmalloc(want + 1);
	ssize_t n;

	while (got < want && (n = lb_is_read(is, b + got, want - got)) > 0)
		got += (size_t)n;
	if (is->err) {
		free(b);
		*out = NULL;
		return is->err;
	}
	b[got] = 0;
	*out = b;
	*len = got;
	return 0;
}

void
lb_is_close(struct lb_istream *is)
{
	if (is)
		is->ops->close(is);
}

/* --- file range ------------------------------------------------------- */

struct is_fd {
	struct lb_istream is;
	int fd, own;
	uint64_t off, left;
};

static ssize_t
fd_read(struct lb_istream *is, void *buf, size_t len)
{
	struct is_fd *f = (struct is_fd *)is;
	ssize_t n;

	if (f->left == 0)
		return 0;
	if (len > f->left)
		len = (size_t)f->left;
	do
		n = pread(f->fd, buf, len, (off_t)f->off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -LB_E_TRUNCATED;   /* the file is shorter than its index said */
	f->off += (uint64_t)n;
	f->left -= (uint64_t)n;
	return n;
}

static void
fd_close(struct lb_istream *is)
{
	struct is_fd *f = (struct is_fd *)is;

	if (f->own)
		close(f->fd);
	free(is);
}

static void
plain_close(struct lb_istream *is)
{
	free(is);
}

static const struct lb_istream_ops fd_ops = {
	.name = "file", .read = fd_read, .close = fd_close,
};

struct lb_istream *
lb_is_fd_range(int fd, uint64_t off, uint64_t len)
{
	struct is_fd *f = lb_xcalloc(1, sizeof(*f));

	f->is.ops = &fd_ops;
	f->fd = fd;
	f->off = off;
	f->left = len;
	return &f->is;
}

struct lb_istream *
lb_is_fd_owned(int fd, uint64_t len)
{
	struct lb_istream *is = lb_is_fd_range(fd, 0, len);

	((struct is_fd *)is)->own = 1;
	return is;
}

/* --- memory ----------------------------------------------------------- */

struct is_mem {
	struct lb_istream is;
	const uint8_t *p;
	size_t left;
};

static ssize_t
mem_read(struct lb_istream *is, void *buf, size_t len)
{
	struct is_mem *m = (struct is_mem *)is;

	if (len > m->left)
		len = m->left;
	if (len)
		memcpy(buf, m->p, len);
	m->p += len;
	m->left -= len;
	return (ssize_t)len;
}

static const struct lb_istream_ops mem_ops = {
	.name = "memory", .read = mem_read, .close = plain_close,
};

struct lb_istream *
lb_is_mem(const void *p, size_t len)
{
	struct is_mem *m = lb_xcalloc(1, sizeof(*m));

	m->is.ops = &mem_ops;
	m->p = p;
	m->left = len;
	return &m->is;
}

/* --- limit ------------------------------------------------------------ */

struct is_limit {
	struct lb_istream is;
	struct lb_istream *src;
	uint64_t left;
};

static ssize_t
limit_take(struct is_limit *l, ssize_t n)
{
	if (n <= 0)
		return n;
	if ((uint64_t)n > l->left)
		return -LB_E_LIMIT;
	l->left -= (uint64_t)n;
	return n;
}

static ssize_t
limit_read(struct lb_istream *is, void *buf, size_t len)
{
	struct is_limit *l = (struct is_limit *)is;

	return limit_take(l, lb_is_read(l->src, buf, len));
}

static ssize_t
limit_borrow(struct lb_istream *is, const void **p, void *buf, size_t len)
{
	struct is_limit *l = (struct is_limit *)is;

	return limit_take(l, lb_is_borrow(l->src, p, buf, len));
}

static void
limit_close(struct lb_istream *is)
{
	struct is_limit *l = (struct is_limit *)is;

	lb_is_close(l->src);
	free(l);
}

static const struct lb_istream_ops limit_ops = {
	.name = "limit", .read = limit_read, .close = limit_close, .borrow = limit_borrow,
};

struct lb_istream *
lb_is_limit(struct lb_istream *src, uint64_t max)
{
	struct is_limit *l = lb_xcalloc(1, sizeof(*l));

	l->is.ops = &limit_ops;
	l->src = src;
	l->left = max;
	return &l->is;
}

/* --- decompression by magic bytes ------------------------------------ */

struct lb_istream *
lb_is_decompress(struct lb_istream *src, const char **kind, int *err)
{
	const uint8_t *p;
	ssize_t n;

	*err = 0;
	n = lb_is_peek(src, &p, 4);
	if (n < 0) {
		*err = (int)n;
		lb_is_close(src);
		return NULL;
	}
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		*kind = "gzip";
		return lb_is_gzip(src);
	}
	/* zstd frame, or a skippable frame (magic 0x184D2A5?) before one, as
	 * containerd's DetectCompression also takes for zstd */
	if (n >= 4 && ((p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) ||
	    ((p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18))) {
		*kind = "zstd";
		return lb_is_zstd(src);
	}
	*kind = "none";
	return src;
}

int
lb_digest_valid(const char *d)
{
	if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 7 + 64)
		return 0;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}
