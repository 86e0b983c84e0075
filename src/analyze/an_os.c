/* an_os.c - which distribution the image is: os-release first, then the
 * older per-distribution release files.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define OS_FILE_MAX (64u << 10)

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
	if (os.family && !strcmp(os.family, "debian") && !os.codename) {
		m = major_of(os.version_id ? os.version_id : full);
		if (m > 0 && (size_t)m < sizeof(debian_codenames) / sizeof(debian_codenames[0]) &&
		    debian_codenames[m])
			os.codename = lb_xstrdup(debian_codenames[m]);
	}
	os.version = full ? full : version_from(version, os.version_id);
	free(version);
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
