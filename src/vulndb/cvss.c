/* cvss.c - CVSS base scores computed from the vector, so that a severity
 * never depends on a score a feed may have left out or got wrong.
 *   v3.x: FIRST, "CVSS v3.1 Specification Document", section 7 (base
 *         metric equations) and Appendix A (Roundup).
 *   v2:   FIRST, "A Complete Guide to the CVSS Version 2", section 3.2.1.
 */
#include "vulndb/feed.h"

#include <stdint.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

struct metric {
	const char *key;
	const char *vals;          /* allowed value letters */
};

/* Splits "K:V/K:V/..." into a value letter per known key; unknown keys
 * must still look like metrics, and no key may repeat. */
static int
parse_metrics(const char *s, const struct metric *m, size_t nm, char *out)
{
	char seen_other[64][8];
	size_t nother = 0;

	memset(out, 0, nm);
	while (*s) {
		const char *colon = strchr(s, ':'), *end = strchr(s, '/');
		size_t klen, vlen;
		size_t i;

		if (!end)
			end = s + strlen(s);
		if (!colon || colon > end)
			return -LB_E_FORMAT;
		klen = (size_t)(colon - s);
		vlen = (size_t)(end - colon - 1);
		if (klen == 0 || klen > 7 || vlen == 0 || vlen > 3)
			return -LB_E_FORMAT;
		for (i = 0; i < nm; i++) {
			if (strlen(m[i].key) == klen && memcmp(m[i].key, s, klen) == 0)
				break;
		}
		if (i < nm) {
			if (out[i] || vlen != 1 || !strchr(m[i].vals, colon[1]))
				return -LB_E_FORMAT;
			out[i] = colon[1];
		} else {
			/* temporal / environmental metrics: ignored, but once each */
			if (nother >= 64)
				return -LB_E_FORMAT;
			for (size_t k = 0; k < nother; k++)
				if (strlen(seen_other[k]) == klen && memcmp(seen_other[k], s, klen) == 0)
					return -LB_E_FORMAT;
			memcpy(seen_other[nother], s, klen);
			seen_other[nother][klen] = 0;
			nother++;
		}
		s = *end ? end + 1 : end;
		if (*end && !*s)
			return -LB_E_FORMAT;      /* trailing '/' */
	}
	for (size_t i = 0; i < nm; i++)
		if (!out[i])
			return -LB_E_FORMAT;
	return 0;
}

/* CVSS v3.1 Appendix A: the smallest number, to one decimal place, that
 * is equal to or higher than its input, immune to floating point error. */
/* (libm is not linked into lbcore: the few functions needed are here) */
static int64_t
round_int(double x)
{
	return x < 0 ? -(int64_t)(-x + 0.5) : (int64_t)(x + 0.5);
}

static double
min10(double x)
{
	return x < 10.0 ? x : 10.0;
}

static double
pow15(double x)
{
	double x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
	return x8 * x4 * x2 * x;
}

static double
roundup(double x)
{
	int64_t i = round_int(x * 100000.0);

	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

static int
score_v3(const char *v, double *score)
{
	static const struct metric m[] = {
		{ "AV", "NALP" }, { "AC", "LH" }, { "PR", "NLH" }, { "UI", "NR" },
		{ "S", "UC" }, { "C", "HLN" }, { "I", "HLN" }, { "A", "HLN" },
	};
	char x[8];
	double av, ac, pr, ui, c, i, a, iss, impact, expl;
	bool changed;

	if (parse_metrics(v, m, 8, x) < 0)
		return -LB_E_FORMAT;
	changed = x[4] == 'C';
	av = x[0] == 'N' ? 0.85 : x[0] == 'A' ? 0.62 : x[0] == 'L' ? 0.55 : 0.2;
	ac = x[1] == 'L' ? 0.77 : 0.44;
	pr = x[2] == 'N' ? 0.85 : x[2] == 'L' ? (changed ? 0.68 : 0.62) : (changed ? 0.5 : 0.27);
	ui = x[3] == 'N' ? 0.85 : 0.62;
#define CIA(ch) ((ch) == 'H' ? 0.56 : (ch) == 'L' ? 0.22 : 0.0)
	c = CIA(x[5]);
	i = CIA(x[6]);
	a = CIA(x[7]);
#undef CIA
	iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
	if (changed)
		impact = 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02);
	else
		impact = 6.42 * iss;
	expl = 8.22 * av * ac * pr * ui;
	if (impact <= 0)
		*score = 0;
	else if (changed)
		*score = roundup(min10(1.08 * (impact + expl)));
	else
		*score = roundup(min10(impact + expl));
	return 0;
}

static int
score_v2(const char *v, double *score)
{
	static const struct metric m[] = {
		{ "AV", "LAN" }, { "AC", "HML" }, { "Au", "MSN" },
		{ "C", "NPC" }, { "I", "NPC" }, { "A", "NPC" },
	};
	char x[6];
	double av, ac, au, c, i, a, impact, expl, f, base;

	if (parse_metrics(v, m, 6, x) < 0)
		return -LB_E_FORMAT;
	av = x[0] == 'L' ? 0.395 : x[0] == 'A' ? 0.646 : 1.0;
	ac = x[1] == 'H' ? 0.35 : x[1] == 'M' ? 0.61 : 0.71;
	au = x[2] == 'M' ? 0.45 : x[2] == 'S' ? 0.56 : 0.704;
#define CIA(ch) ((ch) == 'N' ? 0.0 : (ch) == 'P' ? 0.275 : 0.660)
	c = CIA(x[3]);
	i = CIA(x[4]);
	a = CIA(x[5]);
#undef CIA
	impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
	expl = 20 * av * ac * au;
	f = impact == 0 ? 0 : 1.176;
	base = ((0.6 * impact) + (0.4 * expl) - 1.5) * f;
	/* round_to_1_decimal; the epsilon keeps 4.35 from becoming 4.3 */
	if (base < 0)
		base = 0;
	*score = (double)(int64_t)(base * 10.0 + 0.5 + 1e-9) / 10.0;
	return 0;
}

int
lb_cvss_base_score(const char *vector, double *score, int *version)
{
	char buf[LB_FEED_MAX_VECTOR + 1];
	size_t n;

	*score = 0;
	*version = 0;
	if (!vector || (n = strlen(vector)) == 0 || n > LB_FEED_MAX_VECTOR)
		return -LB_E_FORMAT;
	if (strncmp(vector, "CVSS:3.0/", 9) == 0 || strncmp(vector, "CVSS:3.1/", 9) == 0) {
		*version = 3;
		return score_v3(vector + 9, score);
	}
	if (strncmp(vector, "CVSS:", 5) == 0)
		return -LB_E_UNSUPPORTED;
	/* v2 vectors are sometimes written in parentheses, or with "CVSS2#" */
	if (vector[0] == '(' && vector[n - 1] == ')') {
		memcpy(buf, vector + 1, n - 2);
		buf[n - 2] = 0;
		vector = buf;
	}
	if (strncmp(vector, "CVSS2#", 6) == 0)
		vector += 6;
	*version = 2;
	return score_v2(vector, score);
}

enum lb_feed_sev
lb_cvss_severity(double score, int version)
{
	/* NVD: v2 Low 0-3.9, Medium 4-6.9, High 7-10; v3/v4 add Critical 9-10
	 * (a 0.0 "None" is rated LOW rather than dropped) */
	if (score < 4.0)
		return LB_FEED_SEV_LOW;
	if (score < 7.0)
		return LB_FEED_SEV_MEDIUM;
	if (version == 2 || score < 9.0)
		return LB_FEED_SEV_HIGH;
	return LB_FEED_SEV_CRITICAL;
}
