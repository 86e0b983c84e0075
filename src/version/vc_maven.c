/* vc_maven.c - Maven versions as ComparableVersion of maven-artifact 3.8
 * orders them (the "Version Order Specification" of the POM reference).
 *
 * Parsing (lower-cased): '.' ends an item, '-' ends an item and opens a
 * sub-list; an empty item is 0. A switch between digits and letters ends
 * an item and opens a sub-list too, and a run of letters that is not the
 * first thing in its list opens one before itself: 1.0alpha1 = [1, 0,
 * [alpha, [1]]], 1.0.rc = 1.0-rc. A single a, b or m right before a digit
 * means alpha, beta, milestone; cr means rc; ga, final and release mean
 * the empty qualifier. Each list then drops its trailing "null" items (0,
 * the empty qualifier, empty lists) walking back over sub-lists: 1.0.0 = 1,
 * 1.0-1 = 1-1.
 *
 * Order, item by item, a missing item being null: numbers numerically
 * (but, as in 3.8, a number of 10 to 18 digits after leading zeros are
 * stripped is always above one of at most 9, and one of 19 or more above
 * both: "0000000000" is a big zero); qualifiers alpha < beta < milestone
 * < rc < snapshot < "" < sp < any other, others by their text; and between
 * kinds: number > list > qualifier.
 *
 * A list only ever opens a sub-list as its last item, so a parsed version
 * is a flat array of items cut into levels, the sub-list of each level
 * being the next one. Versions of up to 62 bytes are parsed on the stack.
 *
 * ComparableVersion accepts any string; valid here means non-empty printable
 * ASCII without blanks (Character.isDigit would take non-ASCII digits).
 */
#include "version/vercmp.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_banned.h"

enum mv_kind { MV_NUM, MV_STR, MV_LIST };

/* Qualifier ranks; MV_Q_OTHER compares by its text. */
enum { MV_Q_ALPHA, MV_Q_BETA, MV_Q_MILESTONE, MV_Q_RC, MV_Q_SNAPSHOT, MV_Q_RELEASE,
	MV_Q_SP, MV_Q_OTHER };

struct mv_item {
	enum mv_kind kind;
	int rank;                    /* MV_NUM: 0 int, 1 long, 2 BigInteger; MV_STR: MV_Q_* */
	struct lb_slice s;           /* digits without leading zeros, or the qualifier */
	bool null;                   /* isNull() */
};

/* One list level: items [start, start + n) of the array, then the level
 * below when sub is true. */
struct mv_level {
	size_t start, n;
	bool sub;
};

/* Versions of up to MV_STACK_LEN bytes parse on the stack: a byte adds at
 * most one item and two levels. */
#define MV_STACK_LEN 62

struct mv_version {
	struct mv_item stack_items[MV_STACK_LEN + 2];
	struct mv_level stack_levels[2 * MV_STACK_LEN + 2];
	struct mv_item *items;
	struct mv_level *levels;
	size_t nitems, nlevels, cap;
};

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Equality with a lower-case word, ignoring the case of s. */
static bool
eq_word(struct lb_slice s, const char *w)
{
	size_t k, n;

	if (!s.len != !w[0] || (s.len && lower((unsigned char)s.p[0]) != (unsigned char)w[0]))
		return false;
	n = strlen(w);
	if (s.len != n)
		return false;
	for (k = 0; k < n; k++)
		if (lower((unsigned char)s.p[k]) != (unsigned char)w[k])
			return false;
	return true;
}

static void
mv_init(struct mv_version *v, size_t len)
{
	v->nitems = v->nlevels = 0;
	if (len <= MV_STACK_LEN) {
		v->items = v->stack_items;
		v->levels = v->stack_levels;
	} else {
		v->items = lb_xmalloc((len + 2) * sizeof(*v->items));
		v->levels = lb_xmalloc((2 * len + 2) * sizeof(*v->levels));
	}
}

static void
mv_release(struct mv_version *v)
{
	if (v->items != v->stack_items) {
		free(v->items);
		free(v->levels);
	}
}

static void
add_item(struct mv_version *v, struct mv_item it)
{
	v->items[v->nitems++] = it;
	v->levels[v->nlevels - 1].n++;
}

/* list.add(list = new ListItem()) */
static void
open_list(struct mv_version *v)
{
	v->levels[v->nlevels - 1].sub = true;
	v->levels[v->nlevels++] = (struct mv_level){ v->nitems, 0, false };
}

static struct mv_item
num_item(struct lb_slice d)
{
	struct mv_item it = { MV_NUM, 0, d, false };
	size_t len;

	while (it.s.len && it.s.p[0] == '0') {
		it.s.p++;
		it.s.len--;
	}
	/* parseItem(): the type goes by the length after stripLeadingZeroes(),
	 * which leaves a run of zeros as it is */
	len = it.s.len ? it.s.len : d.len;
	it.rank = len <= 9 ? 0 : len <= 18 ? 1 : 2;
	it.null = it.s.len == 0;
	return it;
}

static struct mv_item
str_item(struct lb_slice s, bool followed_by_digit)
{
	static const char *const names[] = {
		"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"
	};
	struct mv_item it = { MV_STR, MV_Q_OTHER, s, false };
	int k;

	if (followed_by_digit && s.len == 1) {
		switch (lower((unsigned char)s.p[0])) {
		case 'a': it.s = lb_slice_make("alpha", 5); break;
		case 'b': it.s = lb_slice_make("beta", 4); break;
		case 'm': it.s = lb_slice_make("milestone", 9); break;
		default: break;
		}
	}
	if (eq_word(it.s, "cr"))
		it.s = lb_slice_make("rc", 2);
	if (eq_word(it.s, "ga") || eq_word(it.s, "final") || eq_word(it.s, "release"))
		it.s = lb_slice_make("", 0);
	for (k = 0; k < MV_Q_OTHER; k++)
		if (eq_word(it.s, names[k]))
			it.rank = k;
	it.null = it.rank == MV_Q_RELEASE;
	return it;
}

static struct mv_item
parse_item(bool digit, struct lb_slice s)
{
	return digit ? num_item(s) : str_item(s, false);
}

static void
mv_parse(struct lb_slice s, struct mv_version *v)
{
	static const struct mv_item zero = { MV_NUM, 0, { "", 0 }, true };
	bool digit = false;
	size_t i, start = 0, l;

	mv_init(v, s.len);
	v->levels[v->nlevels++] = (struct mv_level){ 0, 0, false };
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c == '.' || c == '-') {
			if (i == start)
				add_item(v, zero);
			else
				add_item(v, parse_item(digit, lb_slice_make(s.p + start, i - start)));
			start = i + 1;
			if (c == '-')
				open_list(v);
		} else if (is_digit(c)) {
			if (!digit && i > start) {
				if (v->levels[v->nlevels - 1].n)
					open_list(v);
				add_item(v, str_item(lb_slice_make(s.p + start, i - start), true));
				start = i;
				open_list(v);
			}
			digit = true;
		} else {
			if (digit && i > start) {
				add_item(v, num_item(lb_slice_make(s.p + start, i - start)));
				start = i;
				open_list(v);
			}
			digit = false;
		}
	}
	if (s.len > start) {
		if (!digit && v->levels[v->nlevels - 1].n)
			open_list(v);
		add_item(v, parse_item(digit, lb_slice_make(s.p + start, s.len - start)));
	}
	/* normalize(), innermost list first: drop trailing null items; an
	 * empty sub-list is null too */
	for (l = v->nlevels; l-- > 0;) {
		struct mv_level *lv = &v->levels[l];

		if (lv->sub && (l + 1 >= v->nlevels ||
		    (v->levels[l + 1].n == 0 && !v->levels[l + 1].sub)))
			lv->sub = false;
		while (lv->n && v->items[lv->start + lv->n - 1].null)
			lv->n--;
	}
}

/* An element of a level: an item, the sub-list (item NULL, level sub) or
 * nothing past the end (present false), which ComparableVersion passes as
 * a null Item. */
struct mv_elem {
	const struct mv_item *item;
	size_t sub;                  /* level of a sub-list */
	bool present;
};

static struct mv_elem
elem_at(const struct mv_version *v, size_t l, size_t k)
{
	const struct mv_level *lv = &v->levels[l];
	struct mv_elem e = { NULL, 0, false };

	if (k < lv->n) {
		e.item = &v->items[lv->start + k];
		e.present = true;
	} else if (k == lv->n && lv->sub) {
		e.sub = l + 1;
		e.present = true;
	}
	return e;
}

static int cmp_elem(const struct mv_version *va, struct mv_elem a,
    const struct mv_version *vb, struct mv_elem b);

static int
sign(int r)
{
	return (r > 0) - (r < 0);
}

/* comparableQualifier(a).compareTo(comparableQualifier(b)) */
static int
cmp_qualifier(const struct mv_item *a, int brank, struct lb_slice bs)
{
	size_t k;

	if (a->rank != brank)
		return a->rank < brank ? -1 : 1;
	if (a->rank != MV_Q_OTHER)
		return 0;
	for (k = 0; k < a->s.len && k < bs.len; k++) {
		int r = (int)lower((unsigned char)a->s.p[k]) - (int)lower((unsigned char)bs.p[k]);

		if (r)
			return sign(r);
	}
	return a->s.len == bs.len ? 0 : a->s.len < bs.len ? -1 : 1;
}

/* x.compareTo(null) */
static int
cmp_null(const struct mv_version *v, struct mv_elem x)
{
	if (x.item) {
		if (x.item->kind == MV_NUM)
			return x.item->null ? 0 : 1;
		return cmp_qualifier(x.item, MV_Q_RELEASE, lb_slice_make("", 0));
	}
	/* a list: its first element that is not null decides */
	for (size_t k = 0;; k++) {
		struct mv_elem e = elem_at(v, x.sub, k);
		int r;

		if (!e.present)
			return 0;
		if ((r = cmp_null(v, e)) != 0)
			return r;
	}
}

static int
cmp_level(const struct mv_version *va, size_t la, const struct mv_version *vb, size_t lb)
{
	for (size_t k = 0;; k++) {
		struct mv_elem ea = elem_at(va, la, k), eb = elem_at(vb, lb, k);
		int r;

		if (!ea.present && !eb.present)
			return 0;
		if (!ea.present)
			r = -cmp_null(vb, eb);
		else if (!eb.present)
			r = cmp_null(va, ea);
		else
			r = cmp_elem(va, ea, vb, eb);
		if (r)
			return r;
	}
}

static int
cmp_elem(const struct mv_version *va, struct mv_elem a, const struct mv_version *vb,
    struct mv_elem b)
{
	enum mv_kind ka = a.item ? a.item->kind : MV_LIST;
	enum mv_kind kb = b.item ? b.item->kind : MV_LIST;

	if (ka != kb) {
		/* number > list > qualifier */
		static const int weight[] = { [MV_NUM] = 2, [MV_LIST] = 1, [MV_STR] = 0 };

		return weight[ka] > weight[kb] ? 1 : -1;
	}
	switch (ka) {
	case MV_NUM:
		if (a.item->rank != b.item->rank)
			return a.item->rank < b.item->rank ? -1 : 1;
		return lb_vercmp_digits(a.item->s, b.item->s);
	case MV_STR:
		return cmp_qualifier(a.item, b.item->rank, b.item->s);
	default:
		return cmp_level(va, a.sub, vb, b.sub);
	}
}

static int
maven_validate(struct lb_slice v)
{
	size_t i;

	if (!v.len)
		return -LB_E_FORMAT;
	for (i = 0; i < v.len; i++)
		if ((unsigned char)v.p[i] <= ' ' || (unsigned char)v.p[i] >= 0x7f)
			return -LB_E_FORMAT;
	return 0;
}

static int
maven_compare(struct lb_slice a, struct lb_slice b)
{
	struct mv_version va, vb;
	int r;

	if (a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len)))
		return 0;
	mv_parse(a, &va);
	mv_parse(b, &vb);
	r = cmp_level(&va, 0, &vb, 0);
	mv_release(&va);
	mv_release(&vb);
	return r;
}

const struct lb_vercmp_ops lb_vc_maven_ops = {
	.ecosystem = "maven",
	.validate = maven_validate,
	.compare = maven_compare,
};
