/* vc_deb.c - Debian versions as dpkg orders them (deb-version(7),
 * dpkg's lib/dpkg/parsehelp.c parseversion() and version.c verrevcmp()).
 *
 * [epoch:]upstream[-revision]: the epoch is a number, the revision is what
 * follows the last '-'. Within upstream and revision, runs of non-digits
 * compare character by character with '~' before everything, even the end,
 * then the end, then letters, then everything else; runs of digits compare
 * numerically.
 *
 * Valid means what `dpkg --compare-versions` accepts: its errors (empty,
 * embedded blanks, bad epoch, nothing after the colon, empty version or
 * revision) make a version invalid; its warnings (no leading digit, odd
 * characters) do not, since dpkg still orders such versions. A NUL byte
 * makes a version invalid (dpkg would see a shorter string).
 * Bytes above 0x7f order as dpkg built with a signed char orders them
 * (amd64, i386): after letters, before ASCII punctuation.
 */
#include "version/vercmp.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

struct deb_version {
	unsigned long epoch;
	struct lb_slice upstream, revision;
};

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

/* c_isblank: what parseversion() trims */
static bool
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* isspace() in the C locale: what strtol() skips */
static bool
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The epoch before the colon, as strtol(string, &end, 10) reads it: blanks,
 * a sign, digits, and end must land on the colon. */
static int
parse_epoch(struct lb_slice s, unsigned long *out)
{
	size_t i = 0;
	bool neg = false, any = false;
	unsigned long v = 0;

	while (i < s.len && is_space((unsigned char)s.p[i]))
		i++;
	if (i < s.len && (s.p[i] == '+' || s.p[i] == '-'))
		neg = s.p[i++] == '-';
	for (; i < s.len && is_digit((unsigned char)s.p[i]); i++) {
		any = true;
		if (v <= (unsigned long)INT_MAX)
			v = v * 10 + (unsigned long)(s.p[i] - '0');
	}
	if (!any || i != s.len)      /* "epoch in version is empty / not number" */
		return -LB_E_FORMAT;
	if (v > (unsigned long)INT_MAX)   /* "too big" */
		return -LB_E_FORMAT;
	if (neg && v != 0)           /* "negative"; strtol("-0") is 0 */
		return -LB_E_FORMAT;
	*out = v;
	return 0;
}

static int
deb_parse(struct lb_slice s, struct deb_version *v)
{
	const char *colon, *hyphen = NULL;
	size_t i, end;

	if (s.len && memchr(s.p, '\0', s.len))
		return -LB_E_FORMAT;
	while (s.len && is_blank((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	if (!s.len)                  /* "version string is empty" */
		return -LB_E_FORMAT;
	for (end = 0; end < s.len && !is_blank((unsigned char)s.p[end]); end++)
		;
	for (i = end; i < s.len; i++)
		if (!is_blank((unsigned char)s.p[i]))
			return -LB_E_FORMAT;   /* "embedded spaces" */
	s.len = end;

	v->epoch = 0;
	colon = memchr(s.p, ':', s.len);
	if (colon) {
		size_t n = (size_t)(colon - s.p);

		if (parse_epoch(lb_slice_make(s.p, n), &v->epoch) < 0)
			return -LB_E_FORMAT;
		s.p += n + 1;
		s.len -= n + 1;
		if (!s.len)              /* "nothing after colon" */
			return -LB_E_FORMAT;
	}
	for (i = s.len; i > 0; i--)
		if (s.p[i - 1] == '-') {
			hyphen = s.p + i - 1;
			break;
		}
	if (hyphen) {
		v->upstream = lb_slice_make(s.p, (size_t)(hyphen - s.p));
		v->revision = lb_slice_make(hyphen + 1, s.len - v->upstream.len - 1);
		if (!v->revision.len)    /* "revision number is empty" */
			return -LB_E_FORMAT;
	} else {
		v->upstream = s;
		v->revision = lb_slice_make(s.p + s.len, 0);
	}
	if (!v->upstream.len)        /* "version number is empty" */
		return -LB_E_FORMAT;
	return 0;
}

/* dpkg's order(): the character at i, or the end (0) */
static int
order(struct lb_slice s, size_t i)
{
	unsigned char c;

	if (i >= s.len)
		return 0;
	c = (unsigned char)s.p[i];
	if (is_digit(c))
		return 0;
	if (is_alpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c >= 0x80)               /* (signed char)c + 256 */
		return c;
	return c + 256;
}

static bool
digit_at(struct lb_slice s, size_t i)
{
	return i < s.len && is_digit((unsigned char)s.p[i]);
}

static int
verrevcmp(struct lb_slice a, struct lb_slice b)
{
	size_t i = 0, j = 0;

	while (i < a.len || j < b.len) {
		int first_diff = 0;

		while ((i < a.len && !digit_at(a, i)) || (j < b.len && !digit_at(b, j))) {
			int ac = order(a, i), bc = order(b, j);

			if (ac != bc)
				return ac < bc ? -1 : 1;
			i++;
			j++;
		}
		while (i < a.len && a.p[i] == '0')
			i++;
		while (j < b.len && b.p[j] == '0')
			j++;
		while (digit_at(a, i) && digit_at(b, j)) {
			if (!first_diff)
				first_diff = a.p[i] - b.p[j];
			i++;
			j++;
		}
		if (digit_at(a, i))
			return 1;
		if (digit_at(b, j))
			return -1;
		if (first_diff)
			return first_diff < 0 ? -1 : 1;
	}
	return 0;
}

static int
deb_validate(struct lb_slice v)
{
	struct deb_version dv;

	return deb_parse(v, &dv);
}

static int
deb_compare(struct lb_slice a, struct lb_slice b)
{
	struct deb_version va, vb;
	int r;

	if (a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len)))
		return 0;
	if (deb_parse(a, &va) < 0 || deb_parse(b, &vb) < 0)
		return 0;                /* the caller broke the contract */
	if (va.epoch != vb.epoch)
		return va.epoch < vb.epoch ? -1 : 1;
	if ((r = verrevcmp(va.upstream, vb.upstream)) != 0)
		return r;
	return verrevcmp(va.revision, vb.revision);
}

const struct lb_vercmp_ops lb_vc_deb_ops = {
	.ecosystem = "deb",
	.validate = deb_validate,
	.compare = deb_compare,
};
