/* lb_alloc.h - allocation that aborts on exhaustion (git xmalloc).
 * Hostile input is bounded by size caps (lb_limits.h), not by recovering
 * from a failed malloc. Every returned pointer is owned by the caller.
 */
#pragma once
#include <stddef.h>

void *lb_xmalloc(size_t n);
void *lb_xcalloc(size_t n, size_t size);
void *lb_xrealloc(void *p, size_t n);
/* Grows an array *p of *cap elements of size sz so that it holds at least want. */
void lb_xgrow(void *pp, size_t *cap, size_t want, size_t sz);
char *lb_xstrdup(const char *s);
char *lb_xstrndup(const char *s, size_t n);
char *lb_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
