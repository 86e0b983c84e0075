#include "base/lb_buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"

int
lb_buf_add(struct lb_buf *b, const void *p, size_t n)
{
	if (n > b->max || b->len > b->max - n)
		return -LB_E_LIMIT;
	if (b->len + n + 1 > b->cap)
		lb_xgrow(&b->p, &b->cap, b->len + n + 1, 1);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

int
lb_buf_addstr(struct lb_buf *b, const char *s)
{
	return lb_buf_add(b, s, strlen(s));
}

int
lb_buf_addf(struct lb_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256], *big = NULL;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -LB_E_INTERNAL;
	if ((size_t)n < sizeof(small))
		return lb_buf_add(b, small, (size_t)n);
	big = lb_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	r = lb_buf_add(b, big, (size_t)n);
	free(big);
	return r;
}

void
lb_buf_reset(struct lb_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
}

void
lb_buf_release(struct lb_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

char *
lb_buf_detach(struct lb_buf *b, size_t *len)
{
	char *p;

	if (!b->p)
		lb_xgrow(&b->p, &b->cap, 1, 1), b->p[0] = 0;
	p = (char *)b->p;
	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

int
lb_buf_read_at(struct lb_buf *b, int dirfd, const char *path)
{
	int fd, r;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	r = lb_buf_read_fd(b, fd);
	close(fd);
	return r;
}

int
lb_buf_read_fd(struct lb_buf *b, int fd)
{
	char tmp[65536];
	ssize_t n;
	int r = 0;

	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		if ((r = lb_buf_add(b, tmp, (size_t)n)) < 0)
			break;
	}
	return r;
}
