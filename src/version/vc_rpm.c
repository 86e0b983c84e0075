/* vc_rpm.c - RPM versions as rpm orders them: [epoch:]version[-release]
 * split as rpm's parseEVR() splits them, then compared as labelCompare()
 * of python3-rpm does (epoch, then version, then release, each with
 * rpmvercmp(); a missing epoch is 0; a missing release orders before any
 * release).
 *
 * rpmvercmp() (rpmio/rpmvercmp.c): characters other than ASCII letters,
 * digits, '~' and '^' only separate segments; segments are runs of digits
 * (compared numerically, and newer than any letters) or of letters
 * (compared as strings); '~' sorts before everything, even the end
 * (1.0~rc1 < 1.0); '^' sorts after the end but before anything else
 * (1.0 < 1.0^git1 < 1.0.1).
 *
 * Valid means what rpmbuild accepts in Epoch, Version and Release
 * (build/parsePreamble.c): a decimal epoch, and a non-empty version and
 * release made of ASCII letters, digits and "._+%{}~^" (so no '-' or ':'
 * in either).
 */
#include "version/vercmp.h"

#include <stdbool.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

struct rpm_evr {
	struct lb_slice epoch, version, release;
	bool has_epoch, has_release;
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

/* ALLOWED_CHARS_VERREL plus alphanumerics */
static bool
verrel_ok(struct lb_slice s)
{
	size_t i;

	if (!s.len)
		return false;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		switch (c) {
		case '.': case '_': case '+': case '%': case '{': case '}': case '~': case '^':
			continue;
		default:
			if (!is_digit(c) && !is_alpha(c))
				return false;
		}
	}
	return true;
}

static int
rpm_parse(struct lb_slice s, struct rpm_evr *v)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < s.len && is_digit((unsigned char)s.p[i]); i++)
		;
	if (i < s.len && s.p[i] == ':') {
		if (i == 0)
			return -LB_E_FORMAT;
		v->epoch = lb_slice_make(s.p, i);
		v->has_epoch = true;
		s.p += i + 1;
		s.len -= i + 1;
	}
	for (i = s.len; i > 0; i--)
		if (s.p[i - 1] == '-')
			break;
	if (i > 0) {
		v->version = lb_slice_make(s.p, i - 1);
		v->release = lb_slice_make(s.p + i, s.len - i);
		v->has_release = true;
		if (!verrel_ok(v->release))
			return -LB_E_FORMAT;
	} else {
		v->version = s;
	}
	return verrel_ok(v->version) ? 0 : -LB_E_FORMAT;
}

static int
at(struct lb_slice s, size_t i)
{
	return i < s.len ? (unsigned char)s.p[i] : 0;
}

static int
rpmvercmp(struct lb_slice a, struct lb_slice b)
{
	size_t i = 0, j = 0;

	if (a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0))
		return 0;
	while (i < a.len || j < b.len) {
		size_t s1, s2, n1, n2;
		bool isnum;
		int r;

		while (i < a.len && !is_digit(at(a, i)) && !is_alpha(at(a, i)) &&
		    at(a, i) != '~' && at(a, i) != '^')
			i++;
		while (j < b.len && !is_digit(at(b, j)) && !is_alpha(at(b, j)) &&
		    at(b, j) != '~' && at(b, j) != '^')
			j++;
		/* the tilde sorts before everything else */
		if (at(a, i) == '~' || at(b, j) == '~') {
			if (at(a, i) != '~')
				return 1;
			if (at(b, j) != '~')
				return -1;
			i++;
			j++;
			continue;
		}
		/* the caret too, except that the end of a string sorts first */
		if (at(a, i) == '^' || at(b, j) == '^') {
			if (i >= a.len)
				return -1;
			if (j >= b.len)
				return 1;
			if (at(a, i) != '^')
				return 1;
			if (at(b, j) != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (i >= a.len || j >= b.len)
			break;
		s1 = i;
		s2 = j;
		isnum = is_digit(at(a, i));
		if (isnum) {
			while (is_digit(at(a, i)))
				i++;
			while (is_digit(at(b, j)))
				j++;
		} else {
			while (is_alpha(at(a, i)))
				i++;
			while (is_alpha(at(b, j)))
				j++;
		}
		/* numeric segments are newer than alpha segments */
		if (s2 == j)
			return isnum ? 1 : -1;
		if (isnum) {
			while (s1 < i && a.p[s1] == '0')
				s1++;
			while (s2 < j && b.p[s2] == '0')
				s2++;
			if (i - s1 != j - s2)
				return i - s1 > j - s2 ? 1 : -1;
		}
		n1 = i - s1;
		n2 = j - s2;
		r = memcmp(a.p + s1, b.p + s2, n1 < n2 ? n1 : n2);
		if (r)
			return r < 0 ? -1 : 1;
		if (n1 != n2)
			return n1 < n2 ? -1 : 1;
	}
	if (i >= a.len && j >= b.len)
		return 0;
	return i >= a.len ? -1 : 1;
}

static int
rpm_validate(struct lb_slice v)
{
	struct rpm_evr evr;

	return rpm_parse(v, &evr);
}

static int
rpm_compare(struct lb_slice a, struct lb_slice b)
{
	struct rpm_evr va, vb;
	int r;

	if (a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len)))
		return 0;
	if (rpm_parse(a, &va) < 0 || rpm_parse(b, &vb) < 0)
		return 0;                /* the caller broke the contract */
	/* labelCompare: a missing epoch is "0" */
	if ((r = lb_vercmp_digits(va.epoch, vb.epoch)) != 0)
		return r;
	if ((r = rpmvercmp(va.version, vb.version)) != 0)
		return r;
	if (!va.has_release || !vb.has_release)
		return (int)va.has_release - (int)vb.has_release;
	return rpmvercmp(va.release, vb.release);
}

const struct lb_vercmp_ops lb_vc_rpm_ops = {
	.ecosystem = "rpm",
	.validate = rpm_validate,
	.compare = rpm_compare,
};
