/* vc_composer.c - Composer (Packagist) versions as Composer orders them:
 * each version is normalised as composer/semver's VersionParser::normalize()
 * does when Composer loads a package, then two normalised versions compare
 * with PHP's version_compare() (Constraint::versionCompare()).
 *
 * normalize(): trim; drop an " as alias" and an "@stability" flag and
 * "+build" metadata; then
 *   classical  v?N{1,5}(.N)?(.N)?(.N)? + modifier -> N.N.N.N[-stability[N]][-dev]
 *   date       v?YYYY(MM)(DD)... + modifier      -> the digits, dotted
 *   branch     1.x-dev, 2.3.*-dev                -> 1.9999999.9999999.9999999-dev
 * where modifier is [._-]?(stable|beta|b|RC|alpha|a|patch|pl|p)(N)?([.-]?dev)?
 * (any case; a, b, p, pl, rc become alpha, beta, patch, patch, RC). A named
 * branch (dev-master, master) has no order and is invalid here, as it is
 * when Composer matches a version range. Anything else is invalid.
 *
 * version_compare(): split at '.', '-', and between digits and letters;
 * numbers compare as C longs (saturating at LONG_MAX, as strtol does);
 * words by their first letters: dev < alpha = a < beta = b < RC = rc < a
 * number < pl = p(atch); other words before dev. When one version runs out,
 * the other's next part decides: a number or patch makes it newer, a word
 * older (1.0 < 1.0.1, 1.0-beta < 1.0, 1.0-patch > 1.0).
 *
 * A NUL byte, which PHP's trim() would strip at either end, makes a version
 * invalid here.
 */
#include "version/vercmp.h"

#include <stdbool.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

/* compare_special_version_forms() orders */
enum {
	SPECIAL_OTHER = -1,          /* no known prefix */
	SPECIAL_DEV = 0,
	SPECIAL_ALPHA = 1,
	SPECIAL_BETA = 2,
	SPECIAL_RC = 3,
	SPECIAL_NUMBER = 4,          /* "#N#": a number against a word */
	SPECIAL_PATCH = 5,
	SPECIAL_NONE = 99,           /* no stability */
};

struct cp_version {
	struct lb_slice nums;        /* runs of digits (or x, X, * for 9999999) */
	size_t pad;                  /* at least this many numbers ... */
	const char *padv;            /* ... padded with this */
	int stab;                    /* SPECIAL_*, SPECIAL_NONE when absent */
	struct lb_slice stabnum;     /* its number: digits with '.' or '-' */
	bool dev;
};

/* What the modifier regex captured. */
struct cp_mod {
	int stab;
	bool stable_exact;           /* the word was "stable", in that case */
	struct lb_slice num;
	bool dev;
};

static const char long_max[] = "9223372036854775807";

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

/* PCRE's \s */
static bool
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* PHP's trim() set, less NUL */
static bool
is_trim(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v';
}

/* c is one of the bytes of set (never NUL) */
static bool
in_set(char c, const char *set)
{
	for (; *set; set++)
		if (c == *set)
			return true;
	return false;
}

static bool
word_at(struct lb_slice s, size_t i, const char *w)
{
	size_t n, k;

	if (i >= s.len || lower((unsigned char)s.p[i]) != (unsigned char)w[0])
		return false;
	n = strlen(w);
	if (s.len - i < n)
		return false;
	for (k = 0; k < n; k++)
		if (lower((unsigned char)s.p[i + k]) != (unsigned char)w[k])
			return false;
	return true;
}

static size_t
digits_at(struct lb_slice s, size_t i)
{
	size_t n = 0;

	while (i + n < s.len && is_digit((unsigned char)s.p[i + n]))
		n++;
	return n;
}

/* ([.-]?dev)?$ from i */
static bool
dev_rest(struct lb_slice s, size_t i, bool *dev)
{
	*dev = false;
	if (i == s.len)
		return true;
	if (s.p[i] == '.' || s.p[i] == '-')
		i++;
	if (s.len - i == 3 && word_at(s, i, "dev")) {
		*dev = true;
		return true;
	}
	return false;
}

/* modifierRegex followed by $, from i, in PCRE's order of trying */
static bool
mod_match(struct lb_slice s, size_t i, struct cp_mod *m)
{
	static const struct {
		const char *word;
		size_t len;
		int stab;
	} words[] = {
		{ "stable", 6, SPECIAL_OTHER }, { "beta", 4, SPECIAL_BETA }, { "b", 1, SPECIAL_BETA },
		{ "rc", 2, SPECIAL_RC }, { "alpha", 5, SPECIAL_ALPHA }, { "a", 1, SPECIAL_ALPHA },
		{ "patch", 5, SPECIAL_PATCH }, { "pl", 2, SPECIAL_PATCH }, { "p", 1, SPECIAL_PATCH },
	};
	int sep;

	for (sep = 1; sep >= 0; sep--) {
		size_t j = i, w;

		if (sep) {
			if (j >= s.len || !in_set(s.p[j], "._-"))
				continue;
			j++;
		}
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			size_t k, n = words[w].len;

			if (j >= s.len || lower((unsigned char)s.p[j]) != (unsigned char)words[w].word[0] ||
			    !word_at(s, j, words[w].word))
				continue;
			/* ((?:[.-]?\d+)*+): possessive */
			for (k = j + n;;) {
				if (digits_at(s, k))
					k += digits_at(s, k);
				else if (k + 1 < s.len && (s.p[k] == '.' || s.p[k] == '-') &&
				    is_digit((unsigned char)s.p[k + 1]))
					k += 1 + digits_at(s, k + 1);
				else
					break;
			}
			if (dev_rest(s, k, &m->dev)) {
				m->stab = words[w].stab;
				m->stable_exact = n == 6 && memcmp(s.p + j, "stable", 6) == 0;
				m->num = lb_slice_make(s.p + j + n, k - j - n);
				return true;
			}
		}
		if (dev_rest(s, j, &m->dev)) {
			m->stab = SPECIAL_NONE;
			m->stable_exact = false;
			m->num = lb_slice_make(s.p + j, 0);
			return true;
		}
	}
	return false;
}

/* (?:[.:-]?\d{1,3})? then the modifier */
static bool
date_tail(struct lb_slice s, size_t pos, size_t *end, struct cp_mod *m)
{
	int sep;

	for (sep = 1; sep >= 0; sep--) {
		size_t j = pos, d;

		if (sep) {
			if (j >= s.len || !in_set(s.p[j], ".:-"))
				continue;
			j++;
		}
		d = digits_at(s, j);
		for (d = d > 3 ? 3 : d; d >= 1; d--)
			if (mod_match(s, j + d, m)) {
				*end = j + d;
				return true;
			}
	}
	if (mod_match(s, pos, m)) {
		*end = pos;
		return true;
	}
	return false;
}

/* (?:[.:-]?\d{2}){1,6}, greedy, then the tail */
static bool
date_reps(struct lb_slice s, size_t pos, int count, size_t *end, struct cp_mod *m)
{
	if (count < 6) {
		if (pos < s.len && in_set(s.p[pos], ".:-") &&
		    digits_at(s, pos + 1) >= 2 && date_reps(s, pos + 3, count + 1, end, m))
			return true;
		if (digits_at(s, pos) >= 2 && date_reps(s, pos + 2, count + 1, end, m))
			return true;
	}
	return count >= 1 && date_tail(s, pos, end, m);
}

static void
apply_mod(struct cp_version *v, const struct cp_mod *m)
{
	if (m->stable_exact)
		return;                  /* "stable" returns the bare version */
	v->stab = m->stab;
	v->stabnum = m->num;
	v->dev = m->dev;
}

/* normalizeBranch() of name; false when it would be "dev-" + name */
static bool
numeric_branch(struct lb_slice name, struct cp_version *v)
{
	size_t i = 0, k;

	while (name.len && is_trim((unsigned char)name.p[0])) {
		name.p++;
		name.len--;
	}
	while (name.len && is_trim((unsigned char)name.p[name.len - 1]))
		name.len--;
	if (i < name.len && lower((unsigned char)name.p[i]) == 'v')
		i++;
	v->nums.p = name.p + i;
	if (!digits_at(name, i))
		return false;
	i += digits_at(name, i);
	for (k = 0; k < 3 && i < name.len; k++) {
		if (name.p[i] != '.' || i + 1 >= name.len)
			return false;
		if (digits_at(name, i + 1))
			i += 1 + digits_at(name, i + 1);
		else if (in_set(name.p[i + 1], "xX*"))
			i += 2;
		else
			return false;
	}
	if (i != name.len)
		return false;
	v->nums.len = (size_t)(name.p + i - v->nums.p);
	v->pad = 4;
	v->padv = "9999999";
	v->dev = true;
	return true;
}

static int
cp_parse(struct lb_slice s, struct cp_version *v)
{
	struct cp_mod m;
	size_t i, k, end;

	memset(v, 0, sizeof(*v));
	v->stab = SPECIAL_NONE;
	if (s.len && memchr(s.p, '\0', s.len))
		return -LB_E_FORMAT;
	while (s.len && is_trim((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_trim((unsigned char)s.p[s.len - 1]))
		s.len--;
	/* ^([^,\s]++) ++as ++([^,\s]++)$: keep the aliased version */
	for (i = 0; i < s.len && s.p[i] != ',' && !is_space((unsigned char)s.p[i]); i++)
		;
	if (i && i < s.len && s.p[i] == ' ') {
		size_t j = i;

		while (j < s.len && s.p[j] == ' ')
			j++;
		if (j + 2 < s.len && s.p[j] == 'a' && s.p[j + 1] == 's' && s.p[j + 2] == ' ') {
			j += 2;
			while (j < s.len && s.p[j] == ' ')
				j++;
			for (k = j; k < s.len && s.p[k] != ',' && !is_space((unsigned char)s.p[k]); k++)
				;
			if (k > j && k == s.len)
				s.len = i;
		}
	}
	/* @(?:stable|RC|beta|alpha|dev)$ */
	if (s.len && memchr(s.p, '@', s.len)) {
		static const char *const flags[] = { "@stable", "@rc", "@beta", "@alpha", "@dev" };

		for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
			size_t n = strlen(flags[k]);

			if (s.len >= n && word_at(s, s.len - n, flags[k])) {
				s.len -= n;
				break;
			}
		}
	}
	/* branches: master, trunk, default, dev-* */
	if (lb_slice_eq(s, "master") || lb_slice_eq(s, "trunk") || lb_slice_eq(s, "default") ||
	    word_at(s, 0, "dev-"))
		return -LB_E_FORMAT;
	/* ^([^,\s+]++)\+[^\s]++$: drop build metadata */
	for (i = 0; i < s.len && s.p[i] != ',' && s.p[i] != '+' && !is_space((unsigned char)s.p[i]); i++)
		;
	if (i && i + 1 < s.len && s.p[i] == '+') {
		for (k = i + 1; k < s.len && !is_space((unsigned char)s.p[k]); k++)
			;
		if (k == s.len)
			s.len = i;
	}

	/* classical: ^v?(\d{1,5})(\.\d++)?(\.\d++)?(\.\d++)? modifier $ */
	i = s.len && lower((unsigned char)s.p[0]) == 'v';
	k = digits_at(s, i);
	if (k >= 1 && k <= 5) {
		size_t j = i + k, groups;

		for (groups = 0; groups < 3 && j + 1 < s.len && s.p[j] == '.' &&
		    is_digit((unsigned char)s.p[j + 1]); groups++)
			j += 1 + digits_at(s, j + 1);
		if (mod_match(s, j, &m)) {
			v->nums = lb_slice_make(s.p + i, j - i);
			v->pad = 4;
			v->padv = "0";
			apply_mod(v, &m);
			return 0;
		}
	}
	/* date: ^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?) modifier $ */
	if (digits_at(s, i) >= 4 && date_reps(s, i + 4, 0, &end, &m)) {
		v->nums = lb_slice_make(s.p + i, end - i);
		v->pad = 0;
		v->padv = "0";
		apply_mod(v, &m);
		return 0;
	}
	/* (.*?)[.-]?dev$: a numeric branch such as 1.2.x-dev */
	if (s.len >= 3 && word_at(s, s.len - 3, "dev")) {
		size_t n = s.len - 3;

		if (n && (s.p[n - 1] == '.' || s.p[n - 1] == '-'))
			n--;
		if (numeric_branch(lb_slice_make(s.p, n), v))
			return 0;
	}
	return -LB_E_FORMAT;
}

/* One part of the version as version_compare() splits it. */
struct cp_part {
	bool num;
	struct lb_slice digits;
	int special;
};

struct cp_iter {
	const struct cp_version *v;
	int stage;                   /* 0 numbers, 1 stability, 2 its number, 3 dev, 4 end */
	size_t pos, count;
};

/* The next run of digits (or one x, X, *) in s from *pos. */
static bool
next_run(struct lb_slice s, size_t *pos, struct cp_part *p)
{
	while (*pos < s.len && !is_digit((unsigned char)s.p[*pos]) && !in_set(s.p[*pos], "xX*"))
		(*pos)++;
	if (*pos >= s.len)
		return false;
	p->num = true;
	p->special = SPECIAL_NUMBER;
	if (!is_digit((unsigned char)s.p[*pos])) {
		p->digits = lb_slice_make("9999999", 7);
		(*pos)++;
		return true;
	}
	p->digits = lb_slice_make(s.p + *pos, digits_at(s, *pos));
	*pos += p->digits.len;
	return true;
}

static bool
iter_next(struct cp_iter *it, struct cp_part *p)
{
	const struct cp_version *v = it->v;

	for (;;) {
		switch (it->stage) {
		case 0:
			if (next_run(v->nums, &it->pos, p)) {
				it->count++;
				return true;
			}
			if (it->count < v->pad) {
				it->count++;
				p->num = true;
				p->special = SPECIAL_NUMBER;
				p->digits = lb_slice_str(v->padv);
				return true;
			}
			it->stage = 1;
			it->pos = 0;
			break;
		case 1:
			it->stage = 2;
			if (v->stab != SPECIAL_NONE) {
				p->num = false;
				p->special = v->stab;
				return true;
			}
			break;
		case 2:
			if (next_run(v->stabnum, &it->pos, p))
				return true;
			it->stage = 3;
			break;
		case 3:
			it->stage = 4;
			if (v->dev) {
				p->num = false;
				p->special = SPECIAL_DEV;
				return true;
			}
			break;
		default:
			return false;
		}
	}
}

/* strtol() saturates at LONG_MAX */
static int
cmp_long(struct lb_slice a, struct lb_slice b)
{
	struct lb_slice max = lb_slice_make(long_max, sizeof(long_max) - 1);

	if (lb_vercmp_digits(a, max) > 0)
		a = max;
	if (lb_vercmp_digits(b, max) > 0)
		b = max;
	return lb_vercmp_digits(a, b);
}

static int
cmp_special(int a, int b)
{
	return (a > b) - (a < b);
}

static int
composer_validate(struct lb_slice v)
{
	struct cp_version cv;

	return cp_parse(v, &cv);
}

static int
composer_compare(struct lb_slice a, struct lb_slice b)
{
	struct cp_version va, vb;
	struct cp_iter ia, ib;
	struct cp_part pa, pb;
	bool ha, hb;
	int r;

	if (a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len)))
		return 0;
	if (cp_parse(a, &va) < 0 || cp_parse(b, &vb) < 0)
		return 0;                /* the caller broke the contract */
	ia = (struct cp_iter){ &va, 0, 0, 0 };
	ib = (struct cp_iter){ &vb, 0, 0, 0 };
	for (;;) {
		ha = iter_next(&ia, &pa);
		hb = iter_next(&ib, &pb);
		if (!ha || !hb)
			break;
		if (pa.num && pb.num)
			r = cmp_long(pa.digits, pb.digits);
		else
			r = cmp_special(pa.special, pb.special);
		if (r)
			return r;
	}
	/* the longer one's next part decides */
	if (ha)
		return pa.num ? 1 : cmp_special(pa.special, SPECIAL_NUMBER);
	if (hb)
		return pb.num ? -1 : cmp_special(SPECIAL_NUMBER, pb.special);
	return 0;
}

const struct lb_vercmp_ops lb_vc_composer_ops = {
	.ecosystem = "composer",
	.validate = composer_validate,
	.compare = composer_compare,
};
