/* vc_semver.c - Semantic Versioning 2.0.0 precedence (semver.org, item 11)
 * for three ecosystems that differ only in what they accept:
 *
 * npm     node-semver's strict parse: surrounding white space, an optional
 *         leading 'v', at most 256 characters (white space included),
 *         MAJOR.MINOR.PATCH each at most 2^53-1.
 * cargo   the Rust semver crate: no 'v', MAJOR.MINOR.PATCH within u64.
 * golang  golang.org/x/mod/semver: a leading 'v' (optional here, since OSV
 *         records drop it), numbers of any size, and the shorthands v1 and
 *         v1.2 (= v1.0.0, v1.2.0) when nothing follows. Pseudo-versions
 *         (v0.0.0-20191109021931-daa7c04131f5) are plain pre-releases and
 *         order by their timestamp; "+incompatible" is build metadata and
 *         so does not count (v2.0.0+incompatible = v2.0.0).
 *
 * All three: no leading zeros in numbers; pre-release and build identifiers
 * are non-empty runs of [0-9A-Za-z-], numeric pre-release identifiers have
 * no leading zeros. Precedence: the three numbers, then a pre-release before
 * the release, identifiers one by one (numbers numerically and before
 * strings, strings in ASCII order, a prefix first); build metadata ignored.
 *
 * node-semver also trims non-ASCII white space (U+00A0, U+FEFF, ...) and
 * compares numeric pre-release identifiers above 2^53 as doubles; here only
 * ASCII white space is trimmed and such identifiers compare exactly.
 */
#include "version/vercmp.h"

#include <stdbool.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

enum sv_flavour { SV_NPM, SV_CARGO, SV_GOLANG };

struct semver {
	struct lb_slice num[3];      /* digits; "0" for golang's shorthands */
	struct lb_slice pre;         /* without the '-' */
	bool has_pre;
};

#define NPM_MAX_LENGTH 256
static const char npm_max_safe[] = "9007199254740991";       /* 2^53 - 1 */
static const char u64_max[] = "18446744073709551615";

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_ident(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* JavaScript white space and line terminators, over ASCII */
static bool
is_js_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* 0|[1-9][0-9]* at *i */
static bool
take_number(struct lb_slice s, size_t *i, struct lb_slice *out)
{
	size_t n = 0;

	while (*i + n < s.len && is_digit((unsigned char)s.p[*i + n]))
		n++;
	if (!n || (n > 1 && s.p[*i] == '0'))
		return false;
	*out = lb_slice_make(s.p + *i, n);
	*i += n;
	return true;
}

/* Dot-separated identifiers from *i up to a byte that is neither an
 * identifier byte nor a dot; strict says numeric ones have no leading
 * zeros (pre-release, not build). */
static bool
take_idents(struct lb_slice s, size_t *i, bool strict, struct lb_slice *out)
{
	size_t start = *i;

	for (;;) {
		size_t b = *i, k;
		bool digits = true;

		while (*i < s.len && is_ident((unsigned char)s.p[*i]))
			(*i)++;
		if (*i == b)
			return false;        /* empty identifier */
		for (k = b; k < *i; k++)
			if (!is_digit((unsigned char)s.p[k]))
				digits = false;
		if (strict && digits && *i - b > 1 && s.p[b] == '0')
			return false;
		if (*i >= s.len || s.p[*i] != '.')
			break;
		(*i)++;
	}
	*out = lb_slice_make(s.p + start, *i - start);
	return true;
}

/* n (no leading zeros) <= max, a digit string of maxlen digits */
static bool
within(struct lb_slice n, const char *max, size_t maxlen)
{
	if (n.len != maxlen)
		return n.len < maxlen;
	return memcmp(n.p, max, maxlen) <= 0;
}

static int
sv_parse(struct lb_slice s, enum sv_flavour fl, struct semver *v)
{
	struct lb_slice build;
	size_t i = 0, k;

	memset(v, 0, sizeof(*v));
	if (fl == SV_NPM) {
		/* the length is checked before String.prototype.trim() */
		if (s.len > NPM_MAX_LENGTH)
			return -LB_E_FORMAT;
		while (s.len && is_js_space((unsigned char)s.p[0])) {
			s.p++;
			s.len--;
		}
		while (s.len && is_js_space((unsigned char)s.p[s.len - 1]))
			s.len--;
	}
	if (fl != SV_CARGO && s.len && s.p[0] == 'v')
		i++;
	for (k = 0; k < 3; k++) {
		if (k && (i >= s.len || s.p[i] != '.')) {
			/* golang: v1 and v1.2 alone stand for v1.0.0, v1.2.0 */
			if (fl == SV_GOLANG && i == s.len) {
				for (; k < 3; k++)
					v->num[k] = lb_slice_make("0", 1);
				return 0;
			}
			return -LB_E_FORMAT;
		}
		if (k)
			i++;
		if (!take_number(s, &i, &v->num[k]))
			return -LB_E_FORMAT;
		if (fl == SV_NPM && !within(v->num[k], npm_max_safe, sizeof(npm_max_safe) - 1))
			return -LB_E_FORMAT;
		if (fl == SV_CARGO && !within(v->num[k], u64_max, sizeof(u64_max) - 1))
			return -LB_E_FORMAT;
	}
	if (i < s.len && s.p[i] == '-') {
		i++;
		if (!take_idents(s, &i, true, &v->pre))
			return -LB_E_FORMAT;
		v->has_pre = true;
	}
	if (i < s.len && s.p[i] == '+') {
		i++;
		if (!take_idents(s, &i, false, &build))
			return -LB_E_FORMAT;
	}
	return i == s.len ? 0 : -LB_E_FORMAT;
}

static bool
numeric(struct lb_slice id)
{
	size_t k;

	for (k = 0; k < id.len; k++)
		if (!is_digit((unsigned char)id.p[k]))
			return false;
	return true;
}

static int
cmp_pre(struct lb_slice a, struct lb_slice b)
{
	while (a.len && b.len) {
		struct lb_slice ia = lb_slice_split(&a, '.'), ib = lb_slice_split(&b, '.');
		bool na = numeric(ia), nb = numeric(ib);
		size_t n;
		int r;

		if (na != nb)
			return na ? -1 : 1;
		if (na) {
			if ((r = lb_vercmp_digits(ia, ib)) != 0)
				return r;
			continue;
		}
		n = ia.len < ib.len ? ia.len : ib.len;
		if ((r = memcmp(ia.p, ib.p, n)) != 0)
			return r < 0 ? -1 : 1;
		if (ia.len != ib.len)
			return ia.len < ib.len ? -1 : 1;
	}
	return (a.len != 0) - (b.len != 0);
}

static int
sv_compare(struct lb_slice a, struct lb_slice b, enum sv_flavour fl)
{
	struct semver va, vb;
	size_t k;
	int r;

	if (a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len)))
		return 0;
	if (sv_parse(a, fl, &va) < 0 || sv_parse(b, fl, &vb) < 0)
		return 0;                /* the caller broke the contract */
	for (k = 0; k < 3; k++)
		if ((r = lb_vercmp_digits(va.num[k], vb.num[k])) != 0)
			return r;
	if (va.has_pre != vb.has_pre)
		return va.has_pre ? -1 : 1;
	return cmp_pre(va.pre, vb.pre);
}

static int
npm_validate(struct lb_slice v)
{
	struct semver sv;

	return sv_parse(v, SV_NPM, &sv);
}

static int
npm_compare(struct lb_slice a, struct lb_slice b)
{
	return sv_compare(a, b, SV_NPM);
}

static int
cargo_validate(struct lb_slice v)
{
	struct semver sv;

	return sv_parse(v, SV_CARGO, &sv);
}

static int
cargo_compare(struct lb_slice a, struct lb_slice b)
{
	return sv_compare(a, b, SV_CARGO);
}

static int
golang_validate(struct lb_slice v)
{
	struct semver sv;

	return sv_parse(v, SV_GOLANG, &sv);
}

static int
golang_compare(struct lb_slice a, struct lb_slice b)
{
	return sv_compare(a, b, SV_GOLANG);
}

const struct lb_vercmp_ops lb_vc_npm_ops = {
	.ecosystem = "npm",
	.validate = npm_validate,
	.compare = npm_compare,
};

const struct lb_vercmp_ops lb_vc_cargo_ops = {
	.ecosystem = "cargo",
	.validate = cargo_validate,
	.compare = cargo_compare,
};

const struct lb_vercmp_ops lb_vc_golang_ops = {
	.ecosystem = "golang",
	.validate = golang_validate,
	.compare = golang_compare,
};
