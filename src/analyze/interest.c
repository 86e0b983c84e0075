#include "analyze/interest.h"

#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"

#define IX_MAX_ANALYZERS 64

struct ix_ent {
	const struct lb_interest *in;
	uint16_t an;           /* index in the table */
	uint16_t pos;          /* position in the analyzer's stream interests */
};

/* One list of entries per first or last byte, plus those that any path
 * may match (an empty pattern, or LB_MATCH_EXEC). */
struct ix_set {
	struct ix_ent *by_last[256];
	struct ix_ent *by_first[256];
	struct ix_ent *any;
	size_t nlast[256], nfirst[256], nany;
	size_t caplast[256], capfirst[256], capany;
};

struct lb_interest_index {
	const struct lb_analyzer_ops *const *table;
	struct ix_set capture, stream;
};

static void
put(struct ix_ent **v, size_t *n, size_t *cap, const struct lb_interest *in, size_t an, size_t pos)
{
	lb_xgrow(v, cap, *n + 1, sizeof(**v));
	(*v)[*n] = (struct ix_ent){ .in = in, .an = (uint16_t)an, .pos = (uint16_t)pos };
	(*n)++;
}

/* Files an interest under the byte that every path it matches must
 * have: the suffix's last byte, else the exact path's or prefix's first. */
static void
add(struct ix_set *s, const struct lb_interest *in, size_t an, size_t pos)
{
	const char *ip = in->path ? in->path : "", *is = in->suffix ? in->suffix : "";
	unsigned char b;

	if (in->kind != LB_MATCH_EXEC && in->kind != LB_MATCH_EXACT && in->kind != LB_MATCH_PREFIX &&
	    is[0]) {
		b = (unsigned char)is[strlen(is) - 1];
		put(&s->by_last[b], &s->nlast[b], &s->caplast[b], in, an, pos);
	} else if ((in->kind == LB_MATCH_EXACT || in->kind == LB_MATCH_PREFIX ||
	    in->kind == LB_MATCH_PREFIX_SUFFIX) && ip[0]) {
		b = (unsigned char)ip[0];
		put(&s->by_first[b], &s->nfirst[b], &s->capfirst[b], in, an, pos);
	} else {
		put(&s->any, &s->nany, &s->capany, in, an, pos);
	}
}

struct lb_interest_index *
lb_interest_index_new(const struct lb_analyzer_ops *const *table)
{
	struct lb_interest_index *x = lb_xcalloc(1, sizeof(*x));

	x->table = table;
	for (size_t a = 0; table[a] && a < IX_MAX_ANALYZERS; a++) {
		const struct lb_interest *in;
		size_t pos = 0;

		for (in = table[a]->interests; in && (in->path || in->suffix); in++)
			add(&x->capture, in, a, 0);
		if (!table[a]->scan_file)
			continue;
		for (in = table[a]->stream_interests;
		    in && (in->path || in->suffix || in->kind == LB_MATCH_EXEC); in++)
			add(&x->stream, in, a, pos++);
	}
	return x;
}

static void
set_release(struct ix_set *s)
{
	for (int b = 0; b < 256; b++) {
		free(s->by_last[b]);
		free(s->by_first[b]);
	}
	free(s->any);
}

void
lb_interest_index_free(struct lb_interest_index *x)
{
	if (!x)
		return;
	set_release(&x->capture);
	set_release(&x->stream);
	free(x);
}

/* The lists of s that hold every interest path (len bytes) may match. */
static void
candidates(const struct ix_set *s, const char *path, size_t len, const struct ix_ent *lists[3],
    size_t ns[3])
{
	unsigned char last = len ? (unsigned char)path[len - 1] : 0, first = len ? (unsigned char)path[0] : 0;

	lists[0] = s->any;
	ns[0] = s->nany;
	lists[1] = len ? s->by_last[last] : NULL;
	ns[1] = len ? s->nlast[last] : 0;
	lists[2] = len ? s->by_first[first] : NULL;
	ns[2] = len ? s->nfirst[first] : 0;
}

uint32_t
lb_interest_index_cap(const struct lb_interest_index *x, const char *path, size_t len)
{
	const struct ix_ent *lists[3];
	size_t ns[3];
	uint32_t best = 0, c;

	candidates(&x->capture, path, len, lists, ns);
	for (int l = 0; l < 3; l++)
		for (size_t i = 0; i < ns[l]; i++)
			if ((c = lb_interest_match(lists[l][i].in, path, len)) > best)
				best = c;
	return best;
}

size_t
lb_interest_index_streamers(const struct lb_interest_index *x, const char *path, size_t len,
    unsigned mode, const struct lb_analyzer_ops **ops, size_t max, uint64_t *cap)
{
	const struct ix_ent *lists[3];
	size_t ns[3], n = 0;
	uint32_t first_cap[IX_MAX_ANALYZERS];
	uint16_t first_pos[IX_MAX_ANALYZERS];
	uint64_t hit = 0;
	uint32_t c;

	candidates(&x->stream, path, len, lists, ns);
	*cap = 0;
	for (int l = 0; l < 3; l++) {
		for (size_t i = 0; i < ns[l]; i++) {
			const struct ix_ent *e = &lists[l][i];
			if ((hit >> e->an) & 1 && first_pos[e->an] < e->pos)
				continue;      /* an earlier interest of this analyzer matched */
			if ((c = lb_interest_match_mode(e->in, path, len, mode)) == 0)
				continue;
			hit |= (uint64_t)1 << e->an;
			first_pos[e->an] = e->pos;
			first_cap[e->an] = c;
		}
	}
	for (size_t a = 0; hit && n < max; a++) {
		if (!((hit >> a) & 1))
			continue;
		hit &= ~((uint64_t)1 << a);
		ops[n++] = x->table[a];
		if (first_cap[a] > *cap)
			*cap = first_cap[a];
	}
	return n;
}

uint32_t
lb_interest_table_cap(const struct lb_analyzer_ops *const *table, const char *path, size_t len)
{
	uint32_t best = 0, c;

	for (size_t i = 0; table[i]; i++)
		for (const struct lb_interest *in = table[i]->interests; in && (in->path || in->suffix); in++)
			if ((c = lb_interest_match(in, path, len)) > best)
				best = c;
	return best;
}

size_t
lb_interest_table_streamers(const struct lb_analyzer_ops *const *table, const char *path,
    size_t len, unsigned mode, const struct lb_analyzer_ops **ops, size_t max, uint64_t *cap)
{
	size_t n = 0;
	uint32_t c;

	*cap = 0;
	for (size_t i = 0; table[i] && n < max; i++) {
		const struct lb_analyzer_ops *a = table[i];
		if (!a->scan_file)
			continue;
		for (const struct lb_interest *in = a->stream_interests;
		    in && (in->path || in->suffix || in->kind == LB_MATCH_EXEC); in++) {
			if ((c = lb_interest_match_mode(in, path, len, mode)) > 0) {
				ops[n++] = a;
				if (c > *cap)
					*cap = c;
				break;
			}
		}
	}
	return n;
}
