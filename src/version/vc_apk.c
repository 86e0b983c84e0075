/* vc_apk.c - Alpine versions as apk-tools orders them (src/version.c of
 * apk-tools 2.12 and later, and 3.x).
 *
 * Grammar: digits{.digits}...{letter}{_suffix{digits}}...{~hash}{-rdigits},
 * where letter is one of a-z, suffix one of alpha beta pre rc (pre-releases,
 * before the bare version) or cvs svn git hg p (after it), hash lower-case
 * hex. Anything else is invalid, as `apk version --check` says, with one
 * exception: digits right after the letter, which apk-tools before 2.12
 * accepted as one more number and which old Alpine secdb records still
 * carry (openssh "6.6.2p1-r0" = 6.6.2 p 1 -r0). Versions such as
 * "10.2.24.r0", also in old records, stay invalid.
 *
 * Ordering walks both versions token by token. Same-kind tokens compare by
 * value: numbers numerically, except that a dotted component with a leading
 * zero in either version compares as a string (Gentoo's rule: 1.01 < 1.1);
 * letters and hashes as strings; suffixes by their rank. When one version
 * runs out or the kinds differ, a pre-release suffix orders first, then the
 * token kind decides in the order digit < letter < suffix < hash < revision
 * < end, the earlier kind being the newer version (1.2.1 > 1.2a > 1.2_p1 >
 * 1.2-r1 > 1.2).
 *
 * apk reads numbers into 64 bits and wraps above 2^64; this file compares
 * numbers of any length exactly.
 */
#include "version/vercmp.h"

#include <stdbool.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

enum apk_token {
	TOKEN_INITIAL_DIGIT,
	TOKEN_DIGIT,
	TOKEN_LETTER,
	TOKEN_SUFFIX,
	TOKEN_SUFFIX_NO,
	TOKEN_COMMIT_HASH,
	TOKEN_REVISION_NO,
	TOKEN_END,
	TOKEN_INVALID,
};

/* Ranks: the pre-release suffixes order before SUFFIX_NONE (no suffix). */
enum apk_suffix {
	SUFFIX_ALPHA,
	SUFFIX_BETA,
	SUFFIX_PRE,
	SUFFIX_RC,
	SUFFIX_NONE,
	SUFFIX_CVS,
	SUFFIX_SVN,
	SUFFIX_GIT,
	SUFFIX_HG,
	SUFFIX_P,
	SUFFIX_INVALID,
};

struct apk_tok {
	enum apk_token token;
	enum apk_suffix suffix;
	struct lb_slice value;       /* digits, letter, suffix name or hash */
};

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_lower(unsigned char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
is_hex(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

static enum apk_suffix
suffix_value(struct lb_slice s)
{
	static const struct {
		const char *name;
		enum apk_suffix rank;
	} names[] = {
		{ "alpha", SUFFIX_ALPHA }, { "beta", SUFFIX_BETA }, { "pre", SUFFIX_PRE },
		{ "rc", SUFFIX_RC }, { "cvs", SUFFIX_CVS }, { "svn", SUFFIX_SVN },
		{ "git", SUFFIX_GIT }, { "hg", SUFFIX_HG }, { "p", SUFFIX_P },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (lb_slice_eq(s, names[i].name))
			return names[i].rank;
	return SUFFIX_INVALID;
}

/* Takes the run of bytes accepted by ok off the front of *s. */
static struct lb_slice
take_run(struct lb_slice *s, bool (*ok)(unsigned char))
{
	size_t n = 0;
	struct lb_slice r;

	while (n < s->len && ok((unsigned char)s->p[n]))
		n++;
	r = lb_slice_make(s->p, n);
	s->p += n;
	s->len -= n;
	return r;
}

static void
take_digits(struct apk_tok *t, struct lb_slice *s)
{
	t->value = take_run(s, is_digit);
	if (!t->value.len)
		t->token = TOKEN_INVALID;
}

static void
token_first(struct apk_tok *t, struct lb_slice *s)
{
	t->token = TOKEN_INITIAL_DIGIT;
	t->suffix = SUFFIX_INVALID;
	take_digits(t, s);
}

/* The next token, checking that it may follow the previous one. */
static void
token_next(struct apk_tok *t, struct lb_slice *s)
{
	unsigned char c;

	if (!s->len) {
		t->token = TOKEN_END;
		return;
	}
	c = (unsigned char)s->p[0];
	if (is_lower(c)) {
		if (t->token > TOKEN_DIGIT)
			goto invalid;
		t->value = lb_slice_make(s->p, 1);
		t->token = TOKEN_LETTER;
		s->p++;
		s->len--;
	} else if (c == '.' || is_digit(c)) {
		if (c == '.') {
			if (t->token > TOKEN_DIGIT)
				goto invalid;
			s->p++;
			s->len--;
		}
		if (t->token == TOKEN_INITIAL_DIGIT || t->token == TOKEN_DIGIT)
			t->token = TOKEN_DIGIT;
		else if (t->token == TOKEN_LETTER && c != '.')
			t->token = TOKEN_DIGIT;      /* legacy: 6.6.2p1 */
		else if (t->token == TOKEN_SUFFIX)
			t->token = TOKEN_SUFFIX_NO;
		else
			goto invalid;
		take_digits(t, s);
	} else if (c == '_') {
		if (t->token > TOKEN_SUFFIX_NO)
			goto invalid;
		s->p++;
		s->len--;
		t->value = take_run(s, is_lower);
		t->suffix = suffix_value(t->value);
		if (t->suffix == SUFFIX_INVALID)
			goto invalid;
		t->token = TOKEN_SUFFIX;
	} else if (c == '~') {
		if (t->token >= TOKEN_COMMIT_HASH)
			goto invalid;
		s->p++;
		s->len--;
		t->value = take_run(s, is_hex);
		if (!t->value.len)
			goto invalid;
		t->token = TOKEN_COMMIT_HASH;
	} else if (c == '-') {
		if (t->token >= TOKEN_REVISION_NO || s->len < 2 || s->p[1] != 'r')
			goto invalid;
		s->p += 2;
		s->len -= 2;
		t->token = TOKEN_REVISION_NO;
		take_digits(t, s);
	} else {
		goto invalid;
	}
	return;
invalid:
	t->token = TOKEN_INVALID;
}

/* apk_blob_sort(): bytewise, a prefix first */
static int
blob_sort(struct lb_slice a, struct lb_slice b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int r = n ? memcmp(a.p, b.p, n) : 0;

	if (r)
		return r < 0 ? -1 : 1;
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	return 0;
}

static int
token_cmp(const struct apk_tok *a, const struct apk_tok *b)
{
	switch (a->token) {
	case TOKEN_DIGIT:
		/* a leading zero in either: compare as strings (Gentoo) */
		if (a->value.p[0] == '0' || b->value.p[0] == '0')
			return blob_sort(a->value, b->value);
		/* fall through */
	case TOKEN_INITIAL_DIGIT:
	case TOKEN_SUFFIX_NO:
	case TOKEN_REVISION_NO:
		return lb_vercmp_digits(a->value, b->value);
	case TOKEN_LETTER:
		return blob_sort(a->value, b->value);
	case TOKEN_SUFFIX:
		return a->suffix == b->suffix ? 0 : a->suffix < b->suffix ? -1 : 1;
	default:
		return blob_sort(a->value, b->value);
	}
}

static int
apk_validate(struct lb_slice v)
{
	struct apk_tok t;

	for (token_first(&t, &v); t.token < TOKEN_END; token_next(&t, &v))
		;
	return t.token == TOKEN_END ? 0 : -LB_E_FORMAT;
}

static int
apk_compare(struct lb_slice a, struct lb_slice b)
{
	struct apk_tok ta, tb;
	int r;

	if (a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len)))
		return 0;
	for (token_first(&ta, &a), token_first(&tb, &b);
	    ta.token == tb.token && ta.token < TOKEN_END;
	    token_next(&ta, &a), token_next(&tb, &b))
		if ((r = token_cmp(&ta, &tb)) != 0)
			return r;
	if (ta.token == tb.token)
		return 0;
	/* a pre-release suffix orders before the end of the other version */
	if (ta.token == TOKEN_SUFFIX && ta.suffix < SUFFIX_NONE)
		return -1;
	if (tb.token == TOKEN_SUFFIX && tb.suffix < SUFFIX_NONE)
		return 1;
	return ta.token > tb.token ? -1 : 1;
}

const struct lb_vercmp_ops lb_vc_apk_ops = {
	.ecosystem = "apk",
	.validate = apk_validate,
	.compare = apk_compare,
};
