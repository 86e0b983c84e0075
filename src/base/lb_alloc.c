#include "base/lb_alloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
die_oom(size_t n)
{
	fprintf(stderr, "lifebelt: out of memory allocating %zu bytes\n", n);
	abort();
}

void *
lb_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *
lb_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom(n * size);
	return p;
}

void *
lb_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

void
lb_xgrow(void *pp, size_t *cap, size_t want, size_t sz)
{
	void **p = pp;
	size_t ncap;

	if (want <= *cap)
		return;
	ncap = *cap ? *cap : 8;
	while (ncap < want) {
		if (ncap > SIZE_MAX / 2 / sz)
			die_oom(SIZE_MAX);
		ncap *= 2;
	}
	*p = lb_xrealloc(*p, ncap * sz);
	*cap = ncap;
}

char *
lb_xstrdup(const char *s)
{
	return lb_xstrndup(s, strlen(s));
}

char *
lb_xstrndup(const char *s, size_t n)
{
	char *p = lb_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *
lb_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		die_oom(0);
	return p;
}
