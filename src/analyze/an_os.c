/* an_os.c - which distribution the image is: os-release first, then the
 * older per-distribution release files; then what minimal images leave:
 * distroless (dpkg status.d), chisel-cut Ubuntu (a chisel manifest) and
 * busybox-only images (the version in the binary); and the release's end
 * of life from a table of known releases.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_limits.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define OS_FILE_MAX (64u << 10)
#define BUSYBOX_MAX (4u << 20)      /* "BusyBox v..." is in .rodata, well inside */
#define PRESENCE    16u             /* files whose presence alone counts */

static const struct lb_interest os_interests[] = {
	{ LB_MATCH_EXACT, "etc/os-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "usr/lib/os-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "etc/lsb-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "etc/alpine-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "etc/debian_version", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "etc/redhat-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "etc/centos-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "etc/fedora-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "etc/oracle-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "etc/rocky-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "etc/almalinux-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "etc/system-release", NULL, OS_FILE_MAX },
	{ LB_MATCH_EXACT, "var/lib/dpkg/status", NULL, PRESENCE },
	{ LB_MATCH_PREFIX, "var/lib/dpkg/status.d/", NULL, LB_MAX_SMALL_FILE },
	{ LB_MATCH_EXACT, "var/lib/chisel/manifest.wall", NULL, PRESENCE },
	/* busybox: its own name, or "[" when it is the first of the hard
	 * links to it in a layer sorted by name (docker-library's image) */
	{ LB_MATCH_EXACT, "bin/busybox", NULL, BUSYBOX_MAX },
	{ LB_MATCH_EXACT, "usr/bin/busybox", NULL, BUSYBOX_MAX },
	{ LB_MATCH_EXACT, "bin/[", NULL, BUSYBOX_MAX },
	{ 0, NULL, NULL, 0 },
};

/* Keys read from os-release; the same parser reads lsb-release. */
enum {
	K_ID, K_ID_LIKE, K_NAME, K_PRETTY_NAME, K_VERSION, K_VERSION_ID, K_VERSION_CODENAME,
	K_UBUNTU_CODENAME, K_DISTRIB_ID, K_DISTRIB_RELEASE, K_DISTRIB_CODENAME,
	K_DISTRIB_DESCRIPTION, K_COUNT
};
static const char *const kv_names[K_COUNT] = {
	"ID", "ID_LIKE", "NAME", "PRETTY_NAME", "VERSION", "VERSION_ID", "VERSION_CODENAME",
	"UBUNTU_CODENAME", "DISTRIB_ID", "DISTRIB_RELEASE", "DISTRIB_CODENAME",
	"DISTRIB_DESCRIPTION",
};

/* Debian's release numbers (debian.org/releases). */
static const char *const debian_codenames[] = {
	[4] = "etch", [5] = "lenny", [6] = "squeeze", [7] = "wheezy", [8] = "jessie",
	[9] = "stretch", [10] = "buster", [11] = "bullseye", [12] = "bookworm",
	[13] = "trixie", [14] = "forky",
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Unquotes an os-release value into out, as os-release(5) says: "Variable
 * assignment values must be enclosed in double or single quotes if they
 * include spaces [...] Shell special characters ("$", quotes, backslash,
 * backtick) must be escaped with backslashes, following shell style."
 * Inside double quotes only those four may be escaped; inside single
 * quotes nothing is. An unterminated quote runs to the end of the line. */
static void
unquote(struct lb_slice v, struct lb_buf *out)
{
	enum { NONE, SQ, DQ } st = NONE;

	for (size_t i = 0; i < v.len; i++) {
		char c = v.p[i];

		switch (st) {
		case NONE:
			if (c == '\'')
				st = SQ;
			else if (c == '"')
				st = DQ;
			else if (c == '\\' && i + 1 < v.len)
				lb_buf_add(out, &v.p[++i], 1);
			else
				lb_buf_add(out, &c, 1);
			break;
		case SQ:
			if (c == '\'')
				st = NONE;
			else
				lb_buf_add(out, &c, 1);
			break;
		case DQ:
			if (c == '"')
				st = NONE;
			else if (c == '\\' && i + 1 < v.len && memchr("\"\\$`", v.p[i + 1], 4))
				lb_buf_add(out, &v.p[++i], 1);
			else
				lb_buf_add(out, &c, 1);
			break;
		}
	}
}

/* Parses KEY=value lines (os-release, lsb-release) into vals[K_*]; a later
 * assignment replaces an earlier one, as in a shell. Comments, blank
 * lines and lines that are not assignments are ignored. An empty value
 * or one holding a NUL byte counts as absent. */
static void
parse_kv(const struct lb_file *f, char *vals[K_COUNT])
{
	struct lb_slice s = lb_slice_make(f->data, f->size);

	while (s.len) {
		struct lb_slice line = lb_slice_split(&s, '\n'), key, val;
		struct lb_buf b = LB_BUF_INIT(f->size + 1);
		int k;

		while (line.len && is_blank(line.p[0]))
			line.p++, line.len--;
		if (line.len == 0 || line.p[0] == '#')
			continue;
		val = line;
		key = lb_slice_split(&val, '=');
		if (key.len == line.len)
			continue;   /* no '=' */
		while (key.len && is_blank(key.p[key.len - 1]))
			key.len--;
		val = lb_slice_trim(val);
		for (k = 0; k < K_COUNT; k++)
			if (lb_slice_eq(key, kv_names[k]))
				break;
		if (k == K_COUNT)
			continue;
		unquote(val, &b);
		free(vals[k]);
		vals[k] = NULL;
		if (b.len && !memchr(b.p, 0, b.len))
			vals[k] = lb_buf_detach(&b, NULL);
		lb_buf_release(&b);
	}
}

/* Returns the first line of f, trimmed, as a new string, or NULL when it
 * is empty or holds a NUL byte. */
static char *
first_line(const struct lb_file *f)
{
	struct lb_slice s = lb_slice_make(f->data, f->size);
	struct lb_slice line = lb_slice_trim(lb_slice_split(&s, '\n'));

	if (!line.len || memchr(line.p, 0, line.len))
		return NULL;
	return lb_xstrndup(line.p, line.len);
}

static void
lowercase(char *s)
{
	for (; s && *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static bool
all_lower_alpha(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return true;
}

/* "12.5", "7.11", "10": digits separated by single dots. */
static bool
is_numeric_version(const char *s)
{
	bool digit = false;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' && digit)
			digit = false;
		else
			return false;
	}
	return digit;
}

/* The leading number of s, or -1 when there is none or it is over 9999. */
static int
major_of(const char *s)
{
	int n = 0, digits = 0;

	for (; s && *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (*s - '0');
		if (++digits > 4)
			return -1;
	}
	return digits ? n : -1;
}

static bool
word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t l;
		while (*p == ' ')
			p++;
		l = strcspn(p, " ");
		if (l == n && memcmp(p, word, n) == 0)
			return true;
		p += l;
	}
	return false;
}

static void
set_if_null(char **dst, const char *src)
{
	if (!*dst && src)
		*dst = lb_xstrdup(src);
}

/* Moves *src into *dst when *dst is NULL. */
static void
take_if_null(char **dst, char **src)
{
	if (!*dst) {
		*dst = *src;
		*src = NULL;
	}
}

static void
os_release(const struct lb_fsview *v, struct lb_os *os, char **version)
{
	const struct lb_file *f = lb_fsview_get(v, "etc/os-release");
	char *kv[K_COUNT] = { 0 };
	bool debian_like;

	/* os-release(5): "/etc/os-release [...] should be used in favour of
	 * /usr/lib/os-release" with the latter as the fallback */
	if (!f || !f->data)
		f = lb_fsview_get(v, "usr/lib/os-release");
	if (!f || !f->data)
		return;
	parse_kv(f, kv);
	take_if_null(&os->family, &kv[K_ID]);
	lowercase(os->family);
	take_if_null(&os->name, &kv[K_PRETTY_NAME]);
	take_if_null(&os->name, &kv[K_NAME]);
	take_if_null(&os->version_id, &kv[K_VERSION_ID]);
	take_if_null(&os->codename, &kv[K_VERSION_CODENAME]);
	take_if_null(&os->codename, &kv[K_UBUNTU_CODENAME]);
	if (os->family || os->name || os->version_id)
		set_if_null(&os->evidence, f->path);
	debian_like = (os->family && (!strcmp(os->family, "debian") || !strcmp(os->family, "ubuntu"))) ||
	    word_in(kv[K_ID_LIKE], "debian") || word_in(kv[K_ID_LIKE], "ubuntu");
	/* VERSION="12 (bookworm)": the parenthesised word is the codename
	 * of Debian-like systems; elsewhere it is a marketing name
	 * ("42 (Container Image)", "7.7 (Maipo)") */
	if (!os->codename && debian_like && kv[K_VERSION]) {
		const char *o = strchr(kv[K_VERSION], '('), *c = o ? strchr(o, ')') : NULL;
		if (c && all_lower_alpha(o + 1, (size_t)(c - o - 1)))
			os->codename = lb_xstrndup(o + 1, (size_t)(c - o - 1));
	}
	take_if_null(version, &kv[K_VERSION]);
	for (int k = 0; k < K_COUNT; k++)
		free(kv[k]);
}

static void
lsb_release(const struct lb_fsview *v, struct lb_os *os)
{
	const struct lb_file *f = lb_fsview_get(v, "etc/lsb-release");
	char *kv[K_COUNT] = { 0 };

	if (!f || !f->data)
		return;
	parse_kv(f, kv);
	if (kv[K_DISTRIB_ID]) {
		take_if_null(&os->family, &kv[K_DISTRIB_ID]);
		lowercase(os->family);
		take_if_null(&os->version_id, &kv[K_DISTRIB_RELEASE]);
		take_if_null(&os->codename, &kv[K_DISTRIB_CODENAME]);
		take_if_null(&os->name, &kv[K_DISTRIB_DESCRIPTION]);
		set_if_null(&os->evidence, f->path);
	}
	for (int k = 0; k < K_COUNT; k++)
		free(kv[k]);
}

/* The rpm family's one-line files: "CentOS Linux release 7.9.2009 (Core)".
 * The specific files come first, since Oracle Linux and others also ship a
 * redhat-release that names RHEL. */
static const struct {
	const char *path;
	const char *family;    /* NULL: decided by the text */
} rpm_files[] = {
	{ "etc/oracle-release", "ol" },
	{ "etc/rocky-release", "rocky" },
	{ "etc/almalinux-release", "almalinux" },
	{ "etc/centos-release", "centos" },
	{ "etc/fedora-release", "fedora" },
	{ "etc/redhat-release", NULL },
	{ "etc/system-release", NULL },
};

static const struct {
	const char *prefix;
	const char *family;
} rpm_names[] = {
	{ "Red Hat Enterprise Linux", "rhel" },
	{ "CentOS", "centos" },
	{ "Fedora", "fedora" },
	{ "Rocky Linux", "rocky" },
	{ "AlmaLinux", "almalinux" },
	{ "Oracle Linux", "ol" },
	{ "Amazon Linux", "amzn" },
};

static bool
rpm_release(const struct lb_fsview *v, struct lb_os *os, char **full)
{
	for (size_t i = 0; i < sizeof(rpm_files) / sizeof(rpm_files[0]); i++) {
		const struct lb_file *f = lb_fsview_get(v, rpm_files[i].path);
		const char *family = rpm_files[i].family, *rel;
		char *line;

		if (!f || !f->data || !(line = first_line(f)))
			continue;
		for (size_t j = 0; !family && j < sizeof(rpm_names) / sizeof(rpm_names[0]); j++)
			if (!strncmp(line, rpm_names[j].prefix, strlen(rpm_names[j].prefix)))
				family = rpm_names[j].family;
		if (!family) {
			free(line);
			continue;
		}
		os->family = lb_xstrdup(family);
		if ((rel = strstr(line, " release ")) != NULL) {
			size_t n;
			rel += strlen(" release ");
			n = strspn(rel, "0123456789.");
			while (n && rel[n - 1] == '.')
				n--;
			if (n && rel[0] != '.') {
				os->version_id = lb_xstrndup(rel, n);
				set_if_null(full, os->version_id);
			}
		}
		set_if_null(&os->evidence, f->path);
		take_if_null(&os->name, &line);
		free(line);
		return true;
	}
	return false;
}

static void
alpine_release(const struct lb_fsview *v, struct lb_os *os, char **full)
{
	const struct lb_file *f;
	char *line;

	if (os->family && strcmp(os->family, "alpine"))
		return;
	if (!(f = lb_fsview_get(v, "etc/alpine-release")) || !f->data || !(line = first_line(f)))
		return;
	set_if_null(&os->family, "alpine");
	set_if_null(&os->version_id, line);
	set_if_null(&os->evidence, f->path);
	/* alpine-release has the full "3.7.3" even where VERSION_ID does not */
	free(*full);
	*full = line;
}

static void
debian_version(const struct lb_fsview *v, struct lb_os *os, char **full)
{
	const struct lb_file *f;
	char *line, *slash;

	if (os->family && strcmp(os->family, "debian"))
		return;
	if (!(f = lb_fsview_get(v, "etc/debian_version")) || !f->data || !(line = first_line(f)))
		return;
	set_if_null(&os->family, "debian");
	set_if_null(&os->evidence, f->path);
	if (is_numeric_version(line)) {
		/* the point release "12.5"; os-release only says "12" */
		if (!os->version_id) {
			int m = major_of(line);
			if (m >= 0)
				os->version_id = lb_xasprintf("%d", m);
		}
		free(*full);
		*full = line;
		return;
	}
	/* testing and unstable say "trixie/sid" */
	if ((slash = strchr(line, '/')) && all_lower_alpha(line, (size_t)(slash - line)))
		if (!os->codename)
			os->codename = lb_xstrndup(line, (size_t)(slash - line));
	free(line);
}

static void
os_move(struct lb_os *dst, struct lb_os *src)
{
	free(dst->family);
	free(dst->name);
	free(dst->version);
	free(dst->version_id);
	free(dst->codename);
	free(dst->evidence);
	free(dst->eol);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

/* The full version from os-release: the numeric start of VERSION when it
 * extends VERSION_ID ("22.04.3 LTS (Jammy Jellyfish)" and "22.04" give
 * "22.04.3"; "2.0.20240123" and "2.0" give "2.0.20240123"), else
 * VERSION_ID; VERSION alone is free text ("15-SP3", "9.4 (Plow)"). */
static char *
version_from(const char *version, const char *version_id)
{
	size_t n = version ? strspn(version, "0123456789.") : 0, idn;

	while (n && version[n - 1] == '.')
		n--;
	if (!version_id)
		return n && version[0] != '.' ? lb_xstrndup(version, n) : NULL;
	idn = strlen(version_id);
	if (n >= idn && memcmp(version, version_id, idn) == 0 && (n == idn || version[idn] == '.'))
		return lb_xstrndup(version, n);
	return lb_xstrdup(version_id);
}

static bool
has_word(const char *s, const char *w)
{
	return s && strcasestr(s, w) != NULL;
}

static void
append_name(struct lb_os *os, const char *what)
{
	char *n = lb_xasprintf("%s (%s)", os->name, what);

	free(os->name);
	os->name = n;
}

static int
any_file(void *arg, const struct lb_file *f)
{
	(void)f;
	*(bool *)arg = true;
	return 1;
}

/* The "Version:" of a deb822 stanza, as a new string. */
static char *
stanza_version(const struct lb_file *f)
{
	struct lb_slice s = lb_slice_make(f->data, f->size);

	while (s.len) {
		struct lb_slice line = lb_slice_split(&s, '\n');
		if (lb_slice_eat(&line, "Version:")) {
			line = lb_slice_trim(line);
			if (line.len && !memchr(line.p, 0, line.len))
				return lb_xstrndup(line.p, line.len);
		}
	}
	return NULL;
}

/* Distroless images (GoogleContainerTools/distroless) keep one deb822
 * file per package in var/lib/dpkg/status.d/ and no status file; their
 * os-release says PRETTY_NAME="Distroless", or nothing at all in old
 * ones. Chisel-cut Ubuntu keeps var/lib/chisel/manifest.wall instead of
 * a dpkg database. Either is said in the name: struct lb_os has no flag. */
static void
minimal_images(const struct lb_fsview *v, struct lb_os *os)
{
	bool statusd = false;
	const struct lb_file *f;

	lb_fsview_each(v, "var/lib/dpkg/status.d/", any_file, &statusd);
	if (statusd && !lb_fsview_get(v, "var/lib/dpkg/status")) {
		if (!os->family) {
			char *ver = NULL;
			int m;

			/* without os-release, only Debian's base-files says which
			 * release it is: 11.1+deb11u5 is Debian 11's (Ubuntu's is
			 * 12ubuntu4, and other packages prove no distribution) */
			if ((f = lb_fsview_get(v, "var/lib/dpkg/status.d/base-files")) && f->data &&
			    (ver = stanza_version(f)) && !strstr(ver, "ubuntu") && (m = major_of(ver)) > 0) {
				os->family = lb_xstrdup("debian");
				os->version_id = lb_xasprintf("%d", m);
				set_if_null(&os->name, "Distroless");
				set_if_null(&os->evidence, f->path);
			}
			free(ver);
		} else if (!strcmp(os->family, "debian") && os->name && !has_word(os->name, "distroless")) {
			append_name(os, "distroless");
		}
	}
	if ((f = lb_fsview_get(v, "var/lib/chisel/manifest.wall")) != NULL) {
		if (!os->family) {
			os->family = lb_xstrdup("ubuntu");
			set_if_null(&os->name, "Ubuntu (chiselled)");
			set_if_null(&os->evidence, f->path);
		} else if (!strcmp(os->family, "ubuntu") && os->name && !has_word(os->name, "chisel")) {
			append_name(os, "chiselled");
		}
	}
}

/* An image with nothing but busybox: "BusyBox v1.36.1 (2023-...) multi-call
 * binary" in the binary's strings. No end of life: BusyBox publishes no
 * support lifecycle, so the table has no busybox rows. */
static void
busybox(const struct lb_fsview *v, struct lb_os *os)
{
	static const char *const paths[] = { "bin/busybox", "usr/bin/busybox", "bin/[" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const struct lb_file *f = lb_fsview_get(v, paths[i]);
		const char *p;
		size_t n;

		if (!f || !f->data)
			continue;
		p = memmem(f->data, f->size, "BusyBox v", 9);
		if (!p)
			continue;
		p += 9;
		n = strnlen(p, 32);
		n = strspn(p, "0123456789.") < n ? strspn(p, "0123456789.") : n;
		while (n && p[n - 1] == '.')
			n--;
		if (!n || p[0] == '.')
			continue;
		os->family = lb_xstrdup("busybox");
		os->version = lb_xstrndup(p, n);
		os->version_id = lb_xstrndup(p, n);
		os->name = lb_xasprintf("BusyBox v%s", os->version);
		os->evidence = lb_xstrdup(f->path);
		return;
	}
}

/* End of support of known releases: the date the vendor stops publishing
 * security updates to its public feed (Debian: LTS; Ubuntu: standard
 * support, not ESM; RHEL: maintenance support, not ELS; SUSE: general
 * support of the service pack), from the vendors' lifecycle pages as
 * endoflife.date collects them. "ver" matches VERSION_ID itself or as a
 * prefix before a '.': "8" matches "8.9", "3.18" matches "3.18.4". */
static const struct {
	const char *family, *ver, *date;
	bool stream;       /* CentOS Stream, which shares ID=centos */
} eol_table[] = {
	{ "alpine", "3.3", "2017-11-01", false }, { "alpine", "3.4", "2018-05-01", false },
	{ "alpine", "3.5", "2018-11-01", false }, { "alpine", "3.6", "2019-05-01", false },
	{ "alpine", "3.7", "2019-11-01", false }, { "alpine", "3.8", "2020-05-01", false },
	{ "alpine", "3.9", "2021-01-01", false }, { "alpine", "3.10", "2021-05-01", false },
	{ "alpine", "3.11", "2021-11-01", false }, { "alpine", "3.12", "2022-05-01", false },
	{ "alpine", "3.13", "2022-11-01", false }, { "alpine", "3.14", "2023-05-01", false },
	{ "alpine", "3.15", "2023-11-01", false }, { "alpine", "3.16", "2024-05-23", false },
	{ "alpine", "3.17", "2024-11-22", false }, { "alpine", "3.18", "2025-05-09", false },
	{ "alpine", "3.19", "2025-11-01", false }, { "alpine", "3.20", "2026-04-01", false },
	{ "debian", "7", "2018-05-31", false }, { "debian", "8", "2020-06-30", false },
	{ "debian", "9", "2022-06-30", false }, { "debian", "10", "2024-06-30", false },
	{ "debian", "11", "2026-08-31", false }, { "debian", "12", "2028-06-30", false },
	{ "ubuntu", "14.04", "2019-04-30", false }, { "ubuntu", "16.04", "2021-04-30", false },
	{ "ubuntu", "18.04", "2023-05-31", false }, { "ubuntu", "20.04", "2025-05-31", false },
	{ "ubuntu", "21.04", "2022-01-20", false }, { "ubuntu", "21.10", "2022-07-14", false },
	{ "ubuntu", "22.10", "2023-07-20", false }, { "ubuntu", "23.04", "2024-01-25", false },
	{ "ubuntu", "23.10", "2024-07-11", false },
	{ "rhel", "5", "2017-03-31", false }, { "rhel", "6", "2020-11-30", false },
	{ "rhel", "7", "2024-06-30", false }, { "rhel", "8", "2029-05-31", false },
	{ "rhel", "9", "2032-05-31", false },
	{ "centos", "5", "2017-03-31", false }, { "centos", "6", "2020-11-30", false },
	{ "centos", "7", "2024-06-30", false }, { "centos", "8", "2021-12-31", false },
	{ "centos", "8", "2024-05-31", true }, { "centos", "9", "2027-05-31", true },
	{ "rocky", "8", "2029-05-31", false }, { "rocky", "9", "2032-05-31", false },
	{ "almalinux", "8", "2029-03-01", false }, { "almalinux", "9", "2032-05-31", false },
	{ "ol", "6", "2021-03-01", false }, { "ol", "7", "2024-12-31", false },
	{ "ol", "8", "2029-07-01", false }, { "ol", "9", "2032-06-30", false },
	{ "amzn", "2018.03", "2023-12-31", false }, { "amzn", "2", "2026-06-30", false },
	{ "amzn", "2023", "2029-06-30", false },
	{ "fedora", "32", "2021-05-25", false }, { "fedora", "33", "2021-11-30", false },
	{ "fedora", "34", "2022-06-07", false }, { "fedora", "35", "2022-12-13", false },
	{ "fedora", "36", "2023-05-16", false }, { "fedora", "37", "2023-12-05", false },
	{ "fedora", "38", "2024-05-21", false }, { "fedora", "39", "2024-11-26", false },
	{ "fedora", "40", "2025-05-13", false },
	{ "opensuse", "42.3", "2019-07-01", false },
	{ "opensuse-leap", "15.0", "2019-12-03", false }, { "opensuse-leap", "15.1", "2021-01-31", false },
	{ "opensuse-leap", "15.2", "2022-01-04", false }, { "opensuse-leap", "15.3", "2022-12-31", false },
	{ "opensuse-leap", "15.4", "2023-12-07", false }, { "opensuse-leap", "15.5", "2024-12-31", false },
	{ "sles", "12.5", "2024-10-31", false }, { "sles", "15.1", "2021-01-31", false },
	{ "sles", "15.2", "2021-12-31", false }, { "sles", "15.3", "2022-12-31", false },
	{ "sles", "15.4", "2023-12-31", false }, { "sles", "15.5", "2024-12-31", false },
	{ "mariner", "1.0", "2023-07-31", false }, { "mariner", "2.0", "2025-07-31", false },
};

static char *
eol_of(const struct lb_os *os)
{
	const char *v = os->version_id ? os->version_id : os->version;
	bool stream = has_word(os->name, "stream");

	if (!os->family || !v)
		return NULL;
	for (size_t i = 0; i < sizeof(eol_table) / sizeof(eol_table[0]); i++) {
		size_t n = strlen(eol_table[i].ver);

		if (strcmp(os->family, eol_table[i].family) != 0 || eol_table[i].stream != stream)
			continue;
		if (strncmp(v, eol_table[i].ver, n) == 0 && (v[n] == 0 || v[n] == '.'))
			return lb_xstrdup(eol_table[i].date);
	}
	return NULL;
}

static int
os_analyze(struct lb_ctx *cx, const struct lb_fsview *v, struct lb_inventory *inv)
{
	struct lb_os os = { 0 };
	char *version = NULL;   /* os-release VERSION, free text */
	char *full = NULL;      /* from alpine-release, debian_version or *-release */
	int m;

	(void)cx;
	os_release(v, &os, &version);
	if (!os.family)
		lsb_release(v, &os);
	alpine_release(v, &os, &full);
	if (!os.family)
		rpm_release(v, &os, &full);
	debian_version(v, &os, &full);
	minimal_images(v, &os);
	if (os.family && !strcmp(os.family, "debian") && !os.codename) {
		m = major_of(os.version_id ? os.version_id : full);
		if (m > 0 && (size_t)m < sizeof(debian_codenames) / sizeof(debian_codenames[0]) &&
		    debian_codenames[m])
			os.codename = lb_xstrdup(debian_codenames[m]);
	}
	os.version = full ? full : version_from(version, os.version_id);
	free(version);
	if (!os.family && !os.name && !os.version)
		busybox(v, &os);
	os.eol = eol_of(&os);
	if (os.family || os.name || os.version)
		os_move(&inv->os, &os);
	os_move(&os, &(struct lb_os){ 0 });
	return 0;
}

const struct lb_analyzer_ops lb_an_os = {
	.name = "os",
	.interests = os_interests,
	.analyze = os_analyze,
	.parse_db = NULL,
};
