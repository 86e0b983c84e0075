/* vc_gem.c - RubyGems versions as Gem::Version orders them
 * (rubygems/version.rb).
 *
 * Valid: Gem::Version.correct?, i.e. surrounding whitespace, then
 * [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)? or nothing
 * (an empty version is "0").
 *
 * Order: every '-' reads as ".pre."; the version splits into segments, runs
 * of digits (numbers) and runs of letters (strings), so 1.0.a2 = 1.0.a.2.
 * The segments before the first string and those from it on each lose
 * their trailing zeros (canonical_segments), then compare one by one, a
 * missing segment counting as 0: numbers numerically, strings bytewise, a
 * string before a number (so 1.0.b1 < 1.0, a prerelease).
 */
#include "version/vercmp.h"

#include <stdbool.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Ruby's \s */
static bool
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static struct lb_slice
gem_strip(struct lb_slice s)
{
	while (s.len && is_space((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_space((unsigned char)s.p[s.len - 1]))
		s.len--;
	return s;
}

/* ANCHORED_VERSION_PATTERN after the strip */
static int
gem_validate(struct lb_slice v)
{
	size_t i = 0;

	v = gem_strip(v);
	if (!v.len)
		return 0;
	while (i < v.len && is_digit((unsigned char)v.p[i]))
		i++;
	if (!i)
		return -LB_E_FORMAT;
	while (i < v.len && v.p[i] == '.') {
		size_t b = ++i;

		while (i < v.len && (is_digit((unsigned char)v.p[i]) || is_alpha((unsigned char)v.p[i])))
			i++;
		if (i == b)
			return -LB_E_FORMAT;
	}
	if (i < v.len && v.p[i] == '-') {
		i++;
		for (;;) {
			size_t b = i;

			while (i < v.len && (is_digit((unsigned char)v.p[i]) ||
			    is_alpha((unsigned char)v.p[i]) || v.p[i] == '-'))
				i++;
			if (i == b)
				return -LB_E_FORMAT;
			if (i >= v.len || v.p[i] != '.')
				break;
			i++;
		}
	}
	return i == v.len ? 0 : -LB_E_FORMAT;
}

struct gem_seg {
	struct lb_slice s;
	bool num;
};

/* The next segment of v at *i, as version.scan(/[0-9]+|[a-z]+/i) after
 * gsub("-", ".pre."); false at the end. */
static bool
next_seg(struct lb_slice v, size_t *i, struct gem_seg *seg)
{
	size_t b;

	while (*i < v.len && !is_digit((unsigned char)v.p[*i]) &&
	    !is_alpha((unsigned char)v.p[*i]) && v.p[*i] != '-')
		(*i)++;
	if (*i >= v.len)
		return false;
	if (v.p[*i] == '-') {
		seg->s = lb_slice_make("pre", 3);
		seg->num = false;
		(*i)++;
		return true;
	}
	b = *i;
	seg->num = is_digit((unsigned char)v.p[b]);
	while (*i < v.len && (seg->num ? is_digit((unsigned char)v.p[*i]) : is_alpha((unsigned char)v.p[*i])))
		(*i)++;
	seg->s = lb_slice_make(v.p + b, *i - b);
	return true;
}

static bool
is_zero(const struct gem_seg *seg)
{
	size_t k;

	if (!seg->num)
		return false;
	for (k = 0; k < seg->s.len; k++)
		if (seg->s.p[k] != '0')
			return false;
	return true;
}

/* canonical_segments as a walk: segments [0, nnum) then [first, end) */
struct gem_walk {
	struct lb_slice v;
	size_t pos, idx;
	size_t nnum, first, end;
};

static void
walk_init(struct gem_walk *w, struct lb_slice v)
{
	struct gem_seg seg;
	size_t i = 0, n = 0;
	bool in_str = false;

	memset(w, 0, sizeof(*w));
	w->v = gem_strip(v);
	while (next_seg(w->v, &i, &seg)) {
		if (!seg.num && !in_str) {
			in_str = true;
			w->first = n;
		}
		if (!is_zero(&seg)) {
			if (in_str)
				w->end = n + 1;
			else
				w->nnum = n + 1;
		}
		n++;
	}
	if (!in_str)
		w->first = w->end = n;
	else if (w->end < w->first)
		w->end = w->first;
}

static bool
walk_next(struct gem_walk *w, struct gem_seg *seg)
{
	for (;;) {
		if (w->idx >= w->end && w->idx >= w->nnum)
			return false;
		if (!next_seg(w->v, &w->pos, seg))
			return false;
		w->idx++;
		if (w->idx - 1 < w->nnum || (w->idx - 1 >= w->first && w->idx - 1 < w->end))
			return true;
	}
}

static int
gem_compare(struct lb_slice a, struct lb_slice b)
{
	static const struct gem_seg zero = { { "0", 1 }, true };
	struct gem_walk wa, wb;
	struct gem_seg sa, sb;

	if (a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len)))
		return 0;
	walk_init(&wa, a);
	walk_init(&wb, b);
	for (;;) {
		bool ha = walk_next(&wa, &sa), hb = walk_next(&wb, &sb);
		size_t n;
		int r;

		if (!ha && !hb)
			return 0;
		if (!ha)
			sa = zero;
		if (!hb)
			sb = zero;
		if (sa.num != sb.num)
			return sa.num ? 1 : -1;
		if (sa.num) {
			if ((r = lb_vercmp_digits(sa.s, sb.s)) != 0)
				return r;
			continue;
		}
		n = sa.s.len < sb.s.len ? sa.s.len : sb.s.len;
		if ((r = memcmp(sa.s.p, sb.s.p, n)) != 0)
			return r < 0 ? -1 : 1;
		if (sa.s.len != sb.s.len)
			return sa.s.len < sb.s.len ? -1 : 1;
	}
}

const struct lb_vercmp_ops lb_vc_gem_ops = {
	.ecosystem = "gem",
	.validate = gem_validate,
	.compare = gem_compare,
};
