/* lb_slice.h - non-owning views of bytes (apk_blob). Parsers work on slices
 * and never depend on a NUL terminator.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct lb_slice {
	const char *p;
	size_t len;
};

#define LB_SLICE_NULL ((struct lb_slice){ NULL, 0 })

static inline struct lb_slice
lb_slice_make(const void *p, size_t len)
{
	return (struct lb_slice){ (const char *)p, len };
}

static inline struct lb_slice
lb_slice_str(const char *s)
{
	return (struct lb_slice){ s, s ? strlen(s) : 0 };
}

static inline bool
lb_slice_eq(struct lb_slice a, const char *s)
{
	size_t n = strlen(s);
	return a.len == n && (n == 0 || memcmp(a.p, s, n) == 0);
}

static inline bool
lb_slice_starts(struct lb_slice a, const char *s)
{
	size_t n = strlen(s);
	return a.len >= n && memcmp(a.p, s, n) == 0;
}

static inline bool
lb_slice_ends(struct lb_slice a, const char *s)
{
	size_t n = strlen(s);
	return a.len >= n && memcmp(a.p + a.len - n, s, n) == 0;
}

/* Removes the prefix s from *a and returns true if *a starts with it. */
static inline bool
lb_slice_eat(struct lb_slice *a, const char *s)
{
	if (!lb_slice_starts(*a, s))
		return false;
	a->p += strlen(s);
	a->len -= strlen(s);
	return true;
}

/* Splits *a at the first byte c: returns the part before it and leaves the
 * rest after it in *a (empty when c is absent). */
static inline struct lb_slice
lb_slice_split(struct lb_slice *a, char c)
{
	const char *q = a->len ? memchr(a->p, c, a->len) : NULL;
	struct lb_slice head;

	if (!q) {
		head = *a;
		a->p += a->len;
		a->len = 0;
		return head;
	}
	head = lb_slice_make(a->p, (size_t)(q - a->p));
	a->len -= (size_t)(q - a->p) + 1;
	a->p = q + 1;
	return head;
}

/* Strips ASCII blanks (space, tab, CR, LF) from both ends. */
static inline struct lb_slice
lb_slice_trim(struct lb_slice a)
{
	while (a.len && (a.p[0] == ' ' || a.p[0] == '\t' || a.p[0] == '\r' || a.p[0] == '\n')) {
		a.p++;
		a.len--;
	}
	while (a.len && (a.p[a.len - 1] == ' ' || a.p[a.len - 1] == '\t' ||
	    a.p[a.len - 1] == '\r' || a.p[a.len - 1] == '\n'))
		a.len--;
	return a;
}
