#include "base/lb_hmap.h"

#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"

/* FNV-1a, 64 bit: simple and good enough for paths. */
uint64_t
lb_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static struct lb_hmap_slot *
find(const struct lb_hmap *m, const char *key, size_t klen, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	for (;;) {
		struct lb_hmap_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && s->klen == klen && memcmp(s->key, key, klen) == 0))
			return s;
		i = (i + 1) & mask;
	}
}

void *
lb_hmap_get(const struct lb_hmap *m, const char *key, size_t klen)
{
	struct lb_hmap_slot *s;

	if (!m->cap)
		return NULL;
	s = find(m, key, klen, lb_hash(key, klen));
	return s->key ? s->val : NULL;
}

static void
grow(struct lb_hmap *m)
{
	struct lb_hmap old = *m;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->slots = lb_xcalloc(m->cap, sizeof(*m->slots));
	m->len = 0;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.slots[i].key) {
			*find(m, old.slots[i].key, old.slots[i].klen, old.slots[i].hash) = old.slots[i];
			m->len++;
		}
	}
	free(old.slots);
}

void *
lb_hmap_put(struct lb_hmap *m, const char *key, size_t klen, void *val)
{
	uint64_t h = lb_hash(key, klen);
	struct lb_hmap_slot *s;
	void *old;

	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	s = find(m, key, klen, h);
	if (s->key) {
		old = s->val;
		s->key = key;
		s->val = val;
		return old;
	}
	s->key = key;
	s->klen = klen;
	s->hash = h;
	s->val = val;
	m->len++;
	return NULL;
}

void
lb_hmap_release(struct lb_hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->len = 0;
}

int
lb_hmap_next(const struct lb_hmap *m, size_t *i, const char **key, void **val)
{
	while (*i < m->cap) {
		struct lb_hmap_slot *s = &m->slots[(*i)++];
		if (s->key) {
			*key = s->key;
			*val = s->val;
			return 1;
		}
	}
	return 0;
}
