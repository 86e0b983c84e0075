/* vc_nuget.c - NuGet versions as NuGet.Versioning orders them
 * (NuGetVersion.TryParse and VersionComparer.Default).
 *
 * Valid: surrounding whitespace, then 1 to 4 dot-separated numbers (each
 * within a signed 32-bit int, leading zeros allowed: 1.01 = 1.1.0.0), then
 * -labels (dot-separated, non-empty [0-9A-Za-z-], no leading zeros in an
 * all-digit label) and +metadata (the same, leading zeros allowed).
 *
 * Order: major, minor, patch, revision (missing ones are 0); a version
 * with labels before the one without; labels one by one: a label that
 * int.TryParse reads (digits, or '-' then digits, within 32 bits) is a
 * number and orders before any other, two numbers numerically, others
 * case-insensitively (OrdinalIgnoreCase); a prefix first. Metadata is
 * ignored.
 *
 * System.Version.TryParse also lets each number carry a sign or blanks
 * ("1.+2", "1. 2"); here a number is digits only.
 */
#include "version/vercmp.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

struct nuget_version {
	uint32_t num[4];
	struct lb_slice labels;      /* without the '-'; empty when none */
	bool has_labels;
};

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

/* .NET's char.IsWhiteSpace over ASCII, as string.Trim() uses it */
static bool
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The dot-separated part of s that starts at *pos; *pos moves past its dot,
 * or to SIZE_MAX after the last part. */
static struct lb_slice
next_part(struct lb_slice s, size_t *pos)
{
	size_t b = *pos, i = b;

	while (i < s.len && s.p[i] != '.')
		i++;
	*pos = i < s.len ? i + 1 : SIZE_MAX;
	return lb_slice_make(s.p + b, i - b);
}

/* SemanticVersion.IsValid: every dot-separated part IsValidPart */
static bool
parts_ok(struct lb_slice s, bool allow_leading_zeros)
{
	size_t pos = 0, k;

	while (pos != SIZE_MAX) {
		struct lb_slice part = next_part(s, &pos);
		bool digits = true;

		if (!part.len)
			return false;
		for (k = 0; k < part.len; k++) {
			if (!is_ident((unsigned char)part.p[k]))
				return false;
			if (!is_digit((unsigned char)part.p[k]))
				digits = false;
		}
		if (!allow_leading_zeros && digits && part.len > 1 && part.p[0] == '0')
			return false;
	}
	return true;
}

static int
nuget_parse(struct lb_slice s, struct nuget_version *v)
{
	struct lb_slice core;
	size_t i, k = 0, pos = 0;

	memset(v, 0, sizeof(*v));
	while (s.len && is_space((unsigned char)s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_space((unsigned char)s.p[s.len - 1]))
		s.len--;
	/* ParseSections: the version up to the first '-' or '+', labels up
	 * to the next '+', metadata after it */
	for (i = 0; i < s.len && s.p[i] != '-' && s.p[i] != '+'; i++)
		;
	core = lb_slice_make(s.p, i);
	if (i < s.len && s.p[i] == '-') {
		size_t b = ++i;

		while (i < s.len && s.p[i] != '+')
			i++;
		v->labels = lb_slice_make(s.p + b, i - b);
		v->has_labels = true;
		if (!parts_ok(v->labels, false))
			return -LB_E_FORMAT;
	}
	if (i < s.len && !parts_ok(lb_slice_make(s.p + i + 1, s.len - i - 1), true))
		return -LB_E_FORMAT;
	if (!core.len)
		return -LB_E_FORMAT;
	/* System.Version: 2 to 4 numbers, and NuGet adds ".0" to a lone one */
	while (pos != SIZE_MAX) {
		struct lb_slice n = next_part(core, &pos);
		uint64_t val = 0;
		size_t j;

		if (k == 4 || !n.len)
			return -LB_E_FORMAT;
		for (j = 0; j < n.len; j++) {
			if (!is_digit((unsigned char)n.p[j]))
				return -LB_E_FORMAT;
			val = val * 10 + (uint64_t)(n.p[j] - '0');
			if (val > INT32_MAX)
				return -LB_E_FORMAT;
		}
		v->num[k++] = (uint32_t)val;
	}
	return 0;
}

static int
nuget_validate(struct lb_slice v)
{
	struct nuget_version nv;

	return nuget_parse(v, &nv);
}

/* int.TryParse: [-]digits within 32 bits */
static bool
label_int(struct lb_slice l, int64_t *out)
{
	size_t j = 0;
	int64_t val = 0;
	bool neg = false;

	if (j < l.len && l.p[j] == '-') {
		neg = true;
		j++;
	}
	if (j == l.len)
		return false;
	for (; j < l.len; j++) {
		if (!is_digit((unsigned char)l.p[j]))
			return false;
		val = val * 10 + (l.p[j] - '0');
		if (val > (int64_t)INT32_MAX + 1)
			return false;
	}
	if (neg)
		val = -val;
	if (val > INT32_MAX || val < INT32_MIN)
		return false;
	*out = val;
	return true;
}

static unsigned char
upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

static int
cmp_label(struct lb_slice a, struct lb_slice b)
{
	int64_t ia, ib;
	bool na = label_int(a, &ia), nb = label_int(b, &ib);
	size_t k;

	if (na && nb)
		return (ia > ib) - (ia < ib);
	if (na || nb)
		return na ? -1 : 1;
	for (k = 0; k < a.len && k < b.len; k++)
		if (upper((unsigned char)a.p[k]) != upper((unsigned char)b.p[k]))
			return upper((unsigned char)a.p[k]) < upper((unsigned char)b.p[k]) ? -1 : 1;
	return a.len == b.len ? 0 : a.len < b.len ? -1 : 1;
}

static int
nuget_compare(struct lb_slice a, struct lb_slice b)
{
	struct nuget_version va, vb;
	size_t k;
	int r;

	if (a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len)))
		return 0;
	if (nuget_parse(a, &va) < 0 || nuget_parse(b, &vb) < 0)
		return 0;                /* the caller broke the contract */
	for (k = 0; k < 4; k++)
		if (va.num[k] != vb.num[k])
			return va.num[k] < vb.num[k] ? -1 : 1;
	if (va.has_labels != vb.has_labels)
		return va.has_labels ? -1 : 1;
	while (va.labels.len && vb.labels.len) {
		struct lb_slice la = lb_slice_split(&va.labels, '.');
		struct lb_slice lb = lb_slice_split(&vb.labels, '.');

		if ((r = cmp_label(la, lb)) != 0)
			return r;
	}
	return (va.labels.len != 0) - (vb.labels.len != 0);
}

const struct lb_vercmp_ops lb_vc_nuget_ops = {
	.ecosystem = "nuget",
	.validate = nuget_validate,
	.compare = nuget_compare,
};
