/* vercmp.c - the table of comparators and lookup by ecosystem name. */
#include "version/vercmp.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

static const struct lb_vercmp_ops *const comparators[] = {
	&lb_vc_deb_ops,
	&lb_vc_rpm_ops,
	&lb_vc_apk_ops,
	&lb_vc_pep440_ops,
	&lb_vc_npm_ops,
	&lb_vc_cargo_ops,
	&lb_vc_golang_ops,
	&lb_vc_gem_ops,
	&lb_vc_maven_ops,
	&lb_vc_nuget_ops,
	&lb_vc_composer_ops,
};

/* Other names for the purl types: OSV ecosystems and distributions that
 * share a package manager. Compared without regard to case. */
static const struct {
	const char *name;
	const struct lb_vercmp_ops *ops;
} aliases[] = {
	{ "debian", &lb_vc_deb_ops },
	{ "ubuntu", &lb_vc_deb_ops },
	{ "dpkg", &lb_vc_deb_ops },
	{ "redhat", &lb_vc_rpm_ops },
	{ "red hat", &lb_vc_rpm_ops },
	{ "almalinux", &lb_vc_rpm_ops },
	{ "rocky linux", &lb_vc_rpm_ops },
	{ "opensuse", &lb_vc_rpm_ops },
	{ "suse", &lb_vc_rpm_ops },
	{ "mageia", &lb_vc_rpm_ops },
	{ "alpine", &lb_vc_apk_ops },
	{ "wolfi", &lb_vc_apk_ops },
	{ "chainguard", &lb_vc_apk_ops },
	{ "python", &lb_vc_pep440_ops },
	{ "pep440", &lb_vc_pep440_ops },
	{ "crates.io", &lb_vc_cargo_ops },
	{ "go", &lb_vc_golang_ops },
	{ "rubygems", &lb_vc_gem_ops },
	{ "packagist", &lb_vc_composer_ops },
};

static bool
name_eq(const char *name, size_t n, const char *want)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (want[i] == '\0' || c != (unsigned char)want[i])
			return false;
	}
	return want[n] == '\0';
}

const struct lb_vercmp_ops *
lb_vercmp_find(const char *ecosystem)
{
	const char *colon;
	size_t i, n;

	if (!ecosystem)
		return NULL;
	/* OSV: "Debian:12", "Alpine:v3.18", "Ubuntu:22.04:LTS" */
	colon = strchr(ecosystem, ':');
	n = colon ? (size_t)(colon - ecosystem) : strlen(ecosystem);
	for (i = 0; i < sizeof(comparators) / sizeof(comparators[0]); i++)
		if (name_eq(ecosystem, n, comparators[i]->ecosystem))
			return comparators[i];
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (name_eq(ecosystem, n, aliases[i].name))
			return aliases[i].ops;
	return NULL;
}

int
lb_vercmp(const char *ecosystem, const char *a, const char *b, int *cmp)
{
	const struct lb_vercmp_ops *ops = lb_vercmp_find(ecosystem);
	struct lb_slice sa = lb_slice_str(a), sb = lb_slice_str(b);
	int r;

	*cmp = 0;
	if (!ops)
		return -LB_E_UNSUPPORTED;
	if (!a || !b || ops->validate(sa) < 0 || ops->validate(sb) < 0)
		return -LB_E_FORMAT;
	r = ops->compare(sa, sb);
	*cmp = (r > 0) - (r < 0);
	return 0;
}

char
lb_vercmp_char(const struct lb_vercmp_ops *ops, struct lb_slice a, struct lb_slice b)
{
	int r;

	if (ops->validate(a) < 0 || ops->validate(b) < 0)
		return '!';
	r = ops->compare(a, b);
	return r < 0 ? '<' : r > 0 ? '>' : '=';
}

int
lb_vercmp_stream(const struct lb_vercmp_ops *ops, FILE *in, FILE *out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int r = 0;

	while ((n = getline(&line, &cap, in)) >= 0) {
		struct lb_slice s = lb_slice_make(line, (size_t)n), a;
		char c;

		if (s.len && s.p[s.len - 1] == '\n')
			s.len--;
		if (s.len && s.p[s.len - 1] == '\r')
			s.len--;
		c = s.len && memchr(s.p, '\t', s.len) ? 0 : '!';
		a = lb_slice_split(&s, '\t');
		if (!c)
			c = lb_vercmp_char(ops, a, s);
		if (putc(c, out) == EOF || putc('\n', out) == EOF) {
			r = -EIO;
			goto out;
		}
	}
	if (ferror(in) || fflush(out) == EOF)
		r = -EIO;
out:
	free(line);
	return r;
}

const struct lb_vercmp_ops *
lb_vercmp_at(size_t i)
{
	return i < lb_vercmp_count() ? comparators[i] : NULL;
}

size_t
lb_vercmp_count(void)
{
	return sizeof(comparators) / sizeof(comparators[0]);
}

int
lb_vercmp_digits(struct lb_slice a, struct lb_slice b)
{
	int r;

	while (a.len && a.p[0] == '0') {
		a.p++;
		a.len--;
	}
	while (b.len && b.p[0] == '0') {
		b.p++;
		b.len--;
	}
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	if (a.len == 0)
		return 0;
	r = memcmp(a.p, b.p, a.len);
	return (r > 0) - (r < 0);
}
