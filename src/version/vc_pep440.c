/* vc_pep440.c - Python versions as PEP 440 orders them, parsed as
 * python-packaging's Version does (its VERSION_PATTERN, which also takes
 * the spellings PEP 440 normalises: "v1.0", "1.0alpha1", "1.0-1",
 * "1.0.post", "1.0-dev2", upper case, "1.0c1" for rc1).
 *
 *   [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
 *
 * Order (packaging's _cmpkey): epoch; release with trailing zeros ignored
 * (1.0 = 1.0.0); then a dev-only release (1.0.dev1) before pre-releases
 * (1.0a1) before the release (1.0); post-releases after; a dev part before
 * its release; a local version after the same version without one, its
 * parts compared numbers above strings, strings case-insensitively.
 *
 * Python's \s also trims non-ASCII whitespace; here only ASCII whitespace
 * is trimmed, and any non-ASCII byte makes a version invalid.
 */
#include "version/vercmp.h"

#include <stdbool.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

enum { PRE_A, PRE_B, PRE_RC };

struct pep440 {
	struct lb_slice epoch;       /* digits; empty is 0 */
	struct lb_slice release;     /* N(.N)* */
	int pre;                     /* PRE_*, or -1 */
	struct lb_slice pre_n, post_n, dev_n, local;
	bool has_post, has_dev, has_local;
};

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Python's \s over ASCII */
static bool
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static bool
is_sep(struct lb_slice s, size_t i)
{
	return i < s.len && (s.p[i] == '-' || s.p[i] == '_' || s.p[i] == '.');
}

/* Matches word (lower case) at s[i] without regard to case. */
static bool
word_at(struct lb_slice s, size_t i, const char *word)
{
	size_t n, k;

	if (i >= s.len || lower((unsigned char)s.p[i]) != (unsigned char)word[0])
		return false;
	n = strlen(word);
	if (s.len - i < n)
		return false;
	for (k = 0; k < n; k++)
		if (lower((unsigned char)s.p[i + k]) != (unsigned char)word[k])
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

/* [-_.]?WORD[-_.]?N? with the first word of words that matches: a regex
 * alternation would backtrack from a shorter word to a longer one, and
 * here no shorter word ever leads to a match, so the longest is tried
 * first. Returns the index of the word, or -1 with *pos unchanged. */
static int
lettered(struct lb_slice s, size_t *pos, const char *const *words, struct lb_slice *n)
{
	size_t i = *pos, k, d;

	if (is_sep(s, i))
		i++;
	if (i >= s.len || !((s.p[i] >= 'a' && s.p[i] <= 'z') || (s.p[i] >= 'A' && s.p[i] <= 'Z')))
		return -1;         /* every word starts with a letter */
	for (k = 0; words[k]; k++)
		if (word_at(s, i, words[k]))
			break;
	if (!words[k])
		return -1;
	i += strlen(words[k]);
	if (is_sep(s, i))
		i++;
	d = digits_at(s, i);
	*n = lb_slice_make(s.p + i, d);
	*pos = i + d;
	return (int)k;
}

static int
pep440_parse(struct lb_slice s, struct pep440 *v)
{
	static const char *const pre_words[] = {
		"alpha", "beta", "preview", "pre", "rc", "a", "b", "c", NULL
	};
	static const int pre_kind[] = {
		PRE_A, PRE_B, PRE_RC, PRE_RC, PRE_RC, PRE_A, PRE_B, PRE_RC
	};
	static const char *const post_words[] = { "post", "rev", "r", NULL };
	static const char *const dev_words[] = { "dev", NULL };
	size_t i = 0, d;
	int k;

	memset(v, 0, sizeof(*v));
	v->pre = -1;
	while (s.len && is_space((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_space((unsigned char)s.p[s.len - 1]))
		s.len--;
	if (i < s.len && lower((unsigned char)s.p[i]) == 'v')
		i++;
	/* epoch: N! */
	d = digits_at(s, i);
	if (d && i + d < s.len && s.p[i + d] == '!') {
		v->epoch = lb_slice_make(s.p + i, d);
		i += d + 1;
	}
	/* release: N(.N)* */
	d = digits_at(s, i);
	if (!d)
		return -LB_E_FORMAT;
	v->release.p = s.p + i;
	i += d;
	while (i + 1 < s.len && s.p[i] == '.' && is_digit((unsigned char)s.p[i + 1]))
		i += 1 + digits_at(s, i + 1);
	v->release.len = (size_t)(s.p + i - v->release.p);
	if (i == s.len)
		return 0;          /* the common case: nothing but a release */
	/* pre-release */
	if ((k = lettered(s, &i, pre_words, &v->pre_n)) >= 0)
		v->pre = pre_kind[k];
	/* post-release: -N, or [-_.]?(post|rev|r)[-_.]?N? */
	if (i + 1 < s.len && s.p[i] == '-' && is_digit((unsigned char)s.p[i + 1])) {
		d = digits_at(s, i + 1);
		v->post_n = lb_slice_make(s.p + i + 1, d);
		v->has_post = true;
		i += 1 + d;
	} else if (lettered(s, &i, post_words, &v->post_n) >= 0) {
		v->has_post = true;
	}
	/* dev release */
	if (lettered(s, &i, dev_words, &v->dev_n) >= 0)
		v->has_dev = true;
	/* local version: +[a-z0-9]+([-_.][a-z0-9]+)* */
	if (i < s.len && s.p[i] == '+') {
		size_t start = ++i;

		for (;;) {
			if (i >= s.len || !is_alnum((unsigned char)s.p[i]))
				return -LB_E_FORMAT;
			while (i < s.len && is_alnum((unsigned char)s.p[i]))
				i++;
			if (!is_sep(s, i))
				break;
			i++;
		}
		v->local = lb_slice_make(s.p + start, i - start);
		v->has_local = true;
	}
	return i == s.len ? 0 : -LB_E_FORMAT;
}

/* The next dot-separated number of a release, or "0" past its end. */
static struct lb_slice
next_num(struct lb_slice *rel)
{
	struct lb_slice n;

	if (!rel->len)
		return lb_slice_make("0", 1);
	n = lb_slice_split(rel, '.');
	return n;
}

static int
cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

/* Local versions: parts split on [-_.]; a part of digits is a number and
 * orders after any string part; strings compare in lower case; a shorter
 * list that is a prefix orders first. */
static struct lb_slice
next_local(struct lb_slice *s)
{
	size_t n = 0;
	struct lb_slice part;

	while (n < s->len && !is_sep(*s, n))
		n++;
	part = lb_slice_make(s->p, n);
	s->p += n;
	s->len -= n;
	if (s->len) {                /* the separator */
		s->p++;
		s->len--;
	}
	return part;
}

static bool
all_digits(struct lb_slice s)
{
	return digits_at(s, 0) == s.len;
}

static int
cmp_local(struct lb_slice a, struct lb_slice b)
{
	while (a.len && b.len) {
		struct lb_slice pa = next_local(&a), pb = next_local(&b);
		bool na = all_digits(pa), nb = all_digits(pb);
		size_t k;
		int r;

		if (na != nb)
			return na ? 1 : -1;
		if (na) {
			if ((r = lb_vercmp_digits(pa, pb)) != 0)
				return r;
			continue;
		}
		for (k = 0; k < pa.len && k < pb.len; k++)
			if ((r = cmp_int(lower((unsigned char)pa.p[k]), lower((unsigned char)pb.p[k]))) != 0)
				return r;
		if (pa.len != pb.len)
			return pa.len < pb.len ? -1 : 1;
	}
	return cmp_int(a.len != 0, b.len != 0);
}

static int
pep440_validate(struct lb_slice v)
{
	struct pep440 pv;

	return pep440_parse(v, &pv);
}

/* packaging's _cmpkey: the pre-release slot, with -inf and +inf */
static int
pre_key(const struct pep440 *v)
{
	if (v->pre < 0 && !v->has_post && v->has_dev)
		return -1;               /* 1.0.dev1 < 1.0a1 */
	if (v->pre < 0)
		return 1;                /* 1.0a1 < 1.0 */
	return 0;
}

static int
pep440_compare(struct lb_slice a, struct lb_slice b)
{
	struct pep440 va, vb;
	struct lb_slice ra, rb;
	int r;

	if (a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len)))
		return 0;
	if (pep440_parse(a, &va) < 0 || pep440_parse(b, &vb) < 0)
		return 0;                /* the caller broke the contract */
	if ((r = lb_vercmp_digits(va.epoch, vb.epoch)) != 0)
		return r;
	/* trailing zeros do not count: compare as if padded with zeros */
	ra = va.release;
	rb = vb.release;
	while (ra.len || rb.len)
		if ((r = lb_vercmp_digits(next_num(&ra), next_num(&rb))) != 0)
			return r;
	if ((r = cmp_int(pre_key(&va), pre_key(&vb))) != 0)
		return r;
	if (pre_key(&va) == 0) {
		if ((r = cmp_int(va.pre, vb.pre)) != 0)
			return r;
		if ((r = lb_vercmp_digits(va.pre_n, vb.pre_n)) != 0)
			return r;
	}
	if (va.has_post != vb.has_post)
		return va.has_post ? 1 : -1;
	if ((r = lb_vercmp_digits(va.post_n, vb.post_n)) != 0)
		return r;
	if (va.has_dev != vb.has_dev)
		return va.has_dev ? -1 : 1;
	if ((r = lb_vercmp_digits(va.dev_n, vb.dev_n)) != 0)
		return r;
	if (va.has_local != vb.has_local)
		return va.has_local ? 1 : -1;
	return cmp_local(va.local, vb.local);
}

const struct lb_vercmp_ops lb_vc_pep440_ops = {
	.ecosystem = "pypi",
	.validate = pep440_validate,
	.compare = pep440_compare,
};
