/* lb_hmap.h - string-keyed hash map (open addressing, linear probing).
 * Keys are not copied: the caller keeps them alive as long as the map.
 * Values are opaque pointers, not owned.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct lb_hmap {
	struct lb_hmap_slot { const char *key; size_t klen; uint64_t hash; void *val; } *slots;
	size_t cap, len;
};

#define LB_HMAP_INIT { NULL, 0, 0 }

uint64_t lb_hash(const void *p, size_t n);
/* Returns the value for key (klen bytes) or NULL. */
void *lb_hmap_get(const struct lb_hmap *m, const char *key, size_t klen);
/* Sets key to val, replacing any value; returns the old value or NULL. */
void *lb_hmap_put(struct lb_hmap *m, const char *key, size_t klen, void *val);
void lb_hmap_release(struct lb_hmap *m);
/* Iterates: start with *i = 0; returns 0 at the end. */
int lb_hmap_next(const struct lb_hmap *m, size_t *i, const char **key, void **val);
