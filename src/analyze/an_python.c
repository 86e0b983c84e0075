/* an_python.c - Python packages: installed distributions and lockfiles.
 *
 * Installed (core metadata, packaging.python.org "Core metadata
 * specifications": RFC 822 style headers, the body after a blank line):
 *   - <name>-<ver>.dist-info/METADATA (wheels, pip)
 *   - <name>-<ver>.egg-info/PKG-INFO, or <name>-<ver>.egg-info as a file
 *     (setuptools, distutils; Debian's python3-* packages)
 *   - <x>.egg/EGG-INFO/PKG-INFO unpacked, or a zipped <x>.egg, read with
 *     libarchive's seekable zip reader from memory (bounded)
 * Declared (only in a lockfile or a requirements file, marked declared):
 *   - requirements*.txt: only exact "==" / "===" pins
 *   - poetry.lock and uv.lock: the [[package]] tables (TOML, read by the
 *     small bounded reader below: Debian 12 has no C TOML library)
 *   - Pipfile.lock: "default" and "develop" entries pinned with "=="
 *
 * Names are kept as written; the purl normalises them as PEP 503 says
 * (purl.c). Every file gets at most one warning.
 */
#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define PY_MAX_META    (256u << 10)   /* METADATA / PKG-INFO: the headers come first */
#define PY_MAX_EGG     (32u << 20)    /* a zipped .egg, read into memory */
#define PY_MAX_EGG_ENTRIES 100000u    /* zip entries looked at in one .egg */
#define PY_MAX_REQ     (4u << 20)     /* a requirements file */
#define PY_MAX_LOCK    (32u << 20)    /* poetry.lock, uv.lock, Pipfile.lock */
#define PY_MAX_LICENSE 128            /* longer License: fields are license texts */

static const struct lb_interest python_stream[] = {
	{ LB_MATCH_SUFFIX, NULL, "dist-info/METADATA", PY_MAX_META },
	{ LB_MATCH_SUFFIX, NULL, "DIST-INFO/METADATA", PY_MAX_META },
	{ LB_MATCH_SUFFIX, NULL, "egg-info/PKG-INFO", PY_MAX_META },
	{ LB_MATCH_SUFFIX, NULL, "EGG-INFO/PKG-INFO", PY_MAX_META },
	{ LB_MATCH_SUFFIX, NULL, ".egg-info", PY_MAX_META },
	{ LB_MATCH_SUFFIX, NULL, ".egg", PY_MAX_EGG },
	/* requirements files (is_requirements): no other .txt is streamed */
	{ LB_MATCH_TAIL, "requirements*", ".txt", PY_MAX_REQ },
	{ LB_MATCH_SUFFIX, NULL, "requirements.txt", PY_MAX_REQ },
	{ LB_MATCH_TAIL, "requirements/*", ".txt", PY_MAX_REQ },
	{ LB_MATCH_SUFFIX, NULL, "/poetry.lock", PY_MAX_LOCK },
	{ LB_MATCH_SUFFIX, NULL, "/uv.lock", PY_MAX_LOCK },
	{ LB_MATCH_SUFFIX, NULL, "/Pipfile.lock", PY_MAX_LOCK },
	{ LB_MATCH_EXACT, "poetry.lock", NULL, PY_MAX_LOCK },
	{ LB_MATCH_EXACT, "uv.lock", NULL, PY_MAX_LOCK },
	{ LB_MATCH_EXACT, "Pipfile.lock", NULL, PY_MAX_LOCK },
	{ 0, NULL, NULL, 0 },
};

/* --- helpers ------------------------------------------------------------ */

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static bool
ieq(struct lb_slice a, const char *s)
{
	size_t n = strlen(s);

	return a.len == n && strncasecmp(a.p, s, n) == 0;
}

static bool
iends(struct lb_slice a, const char *s)
{
	size_t n = strlen(s);

	return a.len >= n && strncasecmp(a.p + a.len - n, s, n) == 0;
}

/* Package names: PEP 508 "identifier" characters. */
static bool
valid_name(struct lb_slice n)
{
	if (!n.len || n.len > 256)
		return false;
	for (size_t i = 0; i < n.len; i++) {
		unsigned char c = (unsigned char)n.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* Versions: printable ASCII without blanks (PEP 440 and legacy versions). */
static bool
valid_version(struct lb_slice v)
{
	if (!v.len || v.len > 256)
		return false;
	for (size_t i = 0; i < v.len; i++)
		if ((unsigned char)v.p[i] <= ' ' || (unsigned char)v.p[i] >= 0x7f)
			return false;
	return true;
}

static struct lb_pkg *
add_pkg(struct lb_inventory *out, struct lb_slice name, struct lb_slice version,
    const char *db_path, bool declared)
{
	struct lb_pkg *p = lb_inventory_add_pkg(out);

	p->type = lb_xstrdup("pypi");
	p->name = lb_xstrndup(name.p, name.len);
	p->version = lb_xstrndup(version.p, version.len);
	if (db_path)
		p->db_path = lb_xstrdup(db_path);
	p->declared = declared;
	return p;
}

/* --- core metadata (METADATA, PKG-INFO) --------------------------------- */

#define PY_MAX_CLASSIFIER_LICENSES 8

struct py_meta {
	struct lb_slice name, version, license, expr;
	bool has_name, has_version, has_license, has_expr;
	bool license_multi;        /* License: continued on further lines */
	struct lb_slice lic[PY_MAX_CLASSIFIER_LICENSES];
	size_t nlic;
	size_t nheaders;
};

/* Reads the header block of a core metadata file. Returns NULL when it
 * looks right, else why not. Headers are case-insensitive and the first
 * of a repeated one wins, as Python's email parser gives it; the block
 * ends at a blank line or at a line that is not a header. */
static const char *
meta_parse(struct lb_slice s, struct py_meta *m)
{
	enum { K_OTHER, K_LICENSE } last = K_OTHER;

	memset(m, 0, sizeof(*m));
	if (s.len >= 3 && memcmp(s.p, "\xef\xbb\xbf", 3) == 0)
		s.p += 3, s.len -= 3;     /* a UTF-8 BOM */
	while (s.len) {
		struct lb_slice line = lb_slice_split(&s, '\n'), key, val;
		const char *colon;

		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (!line.len)
			break;
		if (memchr(line.p, 0, line.len))
			return "NUL byte in the headers";
		if (line.p[0] == ' ' || line.p[0] == '\t') {
			if (!m->nheaders)
				return "continuation line before any header";
			if (last == K_LICENSE)
				m->license_multi = true;
			continue;
		}
		colon = memchr(line.p, ':', line.len);
		key = colon ? lb_slice_make(line.p, (size_t)(colon - line.p)) : line;
		for (size_t i = 0; colon && i < key.len; i++) {
			char c = key.p[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '-' || c == '_'))
				colon = NULL;
		}
		if (!colon || !key.len) {
			if (!m->nheaders)
				return "not a metadata header";
			break;            /* the email parser's "missing header body separator" */
		}
		m->nheaders++;
		val = lb_slice_trim(lb_slice_make(colon + 1, line.len - key.len - 1));
		last = K_OTHER;
		if (ieq(key, "Name") && !m->has_name) {
			m->name = val;
			m->has_name = true;
		} else if (ieq(key, "Version") && !m->has_version) {
			m->version = val;
			m->has_version = true;
		} else if (ieq(key, "License") && !m->has_license) {
			m->license = val;
			m->has_license = true;
			last = K_LICENSE;
		} else if (ieq(key, "License-Expression") && !m->has_expr) {
			m->expr = val;
			m->has_expr = true;
		} else if (ieq(key, "Classifier") && lb_slice_starts(val, "License ::") &&
		    m->nlic < PY_MAX_CLASSIFIER_LICENSES) {
			/* "License :: OSI Approved :: MIT License" -> "MIT License" */
			struct lb_slice last_part = val;
			for (size_t i = 0; i + 4 <= val.len; i++)
				if (memcmp(val.p + i, " :: ", 4) == 0)
					last_part = lb_slice_make(val.p + i + 4, val.len - i - 4);
			last_part = lb_slice_trim(last_part);
			if (last_part.len && !lb_slice_eq(last_part, "OSI Approved") &&
			    last_part.p != val.p)
				m->lic[m->nlic++] = last_part;
		}
	}
	return NULL;
}

/* License-Expression, else a short one-line License:, else the license
 * classifiers joined with " OR "; NULL when none says anything. */
static char *
meta_license(const struct py_meta *m)
{
	struct lb_buf b = LB_BUF_INIT(4096);

	if (m->has_expr && m->expr.len && m->expr.len <= 1024)
		return lb_xstrndup(m->expr.p, m->expr.len);
	if (m->has_license && m->license.len && m->license.len <= PY_MAX_LICENSE &&
	    !m->license_multi && !ieq(m->license, "UNKNOWN") && !ieq(m->license, "None"))
		return lb_xstrndup(m->license.p, m->license.len);
	for (size_t i = 0; i < m->nlic; i++) {
		if ((i && lb_buf_add(&b, " OR ", 4) < 0) || lb_buf_add(&b, m->lic[i].p, m->lic[i].len) < 0)
			break;
	}
	if (!b.len) {
		lb_buf_release(&b);
		return NULL;
	}
	return lb_buf_detach(&b, NULL);
}

/* Parses one metadata file; adds its package or warns. */
static void
meta_scan(struct lb_ctx *cx, const char *path, const char *db_path, const char *data, size_t len,
    struct lb_inventory *out)
{
	struct py_meta m;
	const char *why = meta_parse(lb_slice_make(data, len), &m);
	struct lb_pkg *p;

	if (!why && (!m.has_name || !m.name.len))
		why = "no Name";
	else if (!why && (!m.has_version || !m.version.len))
		why = "no Version";
	else if (!why && !valid_name(m.name))
		why = "invalid Name";
	else if (!why && !valid_version(m.version))
		why = "invalid Version";
	if (why) {
		lb_warn(cx, "cannot parse '%s': %s", path, why);
		return;
	}
	p = add_pkg(out, m.name, m.version, db_path, false);
	p->license = meta_license(&m);
}

/* --- zipped eggs ---------------------------------------------------------- */

/* A zipped egg is named by setuptools "<name>-<version>[-pyX.Y[-platform]].egg"
 * with '-' in the name and version escaped to '_' (pkg_resources
 * to_filename). Fills name and version; false when the name does not
 * follow that form. */
static bool
egg_file_name(const char *base, struct lb_slice *name, struct lb_slice *version)
{
	struct lb_slice s = lb_slice_str(base);

	if (!lb_slice_ends(s, ".egg"))
		return false;
	s.len -= 4;
	*name = lb_slice_split(&s, '-');
	*version = lb_slice_split(&s, '-');
	return valid_name(*name) && valid_version(*version) &&
	    version->p[0] >= '0' && version->p[0] <= '9';
}

static void
egg_scan(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is, struct lb_inventory *out)
{
	struct archive *a = NULL;
	struct archive_entry *e;
	char *zip = NULL, *meta = NULL, *db_path = NULL;
	size_t zlen = 0, mlen = 0;
	unsigned n = 0;
	int r;

	if (f->real_size > PY_MAX_EGG) {
		lb_warn(cx, "cannot read '%s': %llu bytes, more than the %u bytes read from an egg",
		    f->path, (unsigned long long)f->real_size, PY_MAX_EGG);
		goto out;
	}
	if ((r = lb_is_slurp(is, f->real_size, PY_MAX_EGG, &zip, &zlen)) < 0) {
		lb_warn(cx, "cannot read '%s': %s", f->path, lb_strerror(r));
		goto out;
	}
	/* the seekable reader goes by the central directory, so that looking
	 * for one entry never inflates the others */
	a = archive_read_new();
	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_memory(a, zip, zlen) != ARCHIVE_OK) {
		lb_warn(cx, "cannot parse '%s': not a zip archive: %s", f->path, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);

		if (++n > PY_MAX_EGG_ENTRIES) {
			lb_warn(cx, "cannot parse '%s': more than %u entries", f->path, PY_MAX_EGG_ENTRIES);
			goto out;
		}
		if (!name || strcmp(name, "EGG-INFO/PKG-INFO") != 0)
			continue;
		meta = lb_xmalloc(PY_MAX_META + 1);
		for (la_ssize_t k; mlen < PY_MAX_META &&
		    (k = archive_read_data(a, meta + mlen, PY_MAX_META - mlen)) != 0;) {
			if (k < 0) {
				lb_warn(cx, "cannot read '%s!/EGG-INFO/PKG-INFO': %s", f->path,
				    archive_error_string(a));
				goto out;
			}
			mlen += (size_t)k;
		}
		meta[mlen] = 0;
		db_path = lb_xasprintf("%s!/EGG-INFO/PKG-INFO", f->path);
		meta_scan(cx, db_path, db_path, meta, mlen, out);
		goto out;
	}
	if (r != ARCHIVE_EOF) {
		lb_warn(cx, "cannot parse '%s': %s", f->path, archive_error_string(a));
		goto out;
	}
	{
		/* no EGG-INFO/PKG-INFO: the file name is all there is */
		struct lb_slice nm, ver;
		if (egg_file_name(base_name(f->path), &nm, &ver))
			add_pkg(out, nm, ver, NULL, false);
		else
			lb_warn(cx, "cannot parse '%s': no EGG-INFO/PKG-INFO", f->path);
	}
out:
	if (a)
		archive_read_free(a);
	free(meta);
	free(db_path);
	free(zip);
}

/* --- requirements*.txt -------------------------------------------------- */

/* Whether f is a requirements file: requirements*.txt, *requirements.txt,
 * or any .txt in a folder named "requirements" (requirements/base.txt). */
static bool
is_requirements(const char *path)
{
	const char *base = base_name(path);
	size_t n = strlen(base);

	if (n < 4 || strcmp(base + n - 4, ".txt") != 0)
		return false;
	if (strncmp(base, "requirements", 12) == 0 ||
	    (n >= 16 && strcmp(base + n - 16, "requirements.txt") == 0))
		return true;    /* requirements-dev.txt, dev-requirements.txt */
	return base - path >= 13 && strncmp(base - 13, "requirements/", 13) == 0 &&
	    (base - path == 13 || base[-14] == '/');
}

static bool
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '-' || c == '_';
}

static struct lb_slice
skip_blanks(struct lb_slice s)
{
	while (s.len && (s.p[0] == ' ' || s.p[0] == '\t'))
		s.p++, s.len--;
	return s;
}

/* One requirement line (continuations joined, comment removed): fills
 * name and version for an exact pin "name[extras] == version ...". */
static bool
req_line(struct lb_slice s, struct lb_slice *name, struct lb_slice *version)
{
	size_t i = 0;

	s = skip_blanks(s);
	while (i < s.len && is_name_char(s.p[i]))
		i++;
	*name = lb_slice_make(s.p, i);
	if (!i || !valid_name(*name))
		return false;
	s = skip_blanks(lb_slice_make(s.p + i, s.len - i));
	if (s.len && s.p[0] == '[') {
		const char *close = memchr(s.p, ']', s.len);
		if (!close)
			return false;
		s = skip_blanks(lb_slice_make(close + 1, s.len - (size_t)(close + 1 - s.p)));
	}
	if (!lb_slice_eat(&s, "==="))
		if (!lb_slice_eat(&s, "=="))
			return false;
	s = skip_blanks(s);
	for (i = 0; i < s.len && s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != ';' && s.p[i] != ',';)
		i++;
	*version = lb_slice_make(s.p, i);
	if (!valid_version(*version) || memchr(version->p, '*', version->len))
		return false;     /* "== 2.8.*" is a range, not a pin */
	s = skip_blanks(lb_slice_make(s.p + i, s.len - i));
	return !(s.len && s.p[0] == ',');    /* "==1.0, !=1.0.1": not one pin */
}

static void
req_scan(struct lb_ctx *cx, const struct lb_file *f, const char *data, size_t len,
    struct lb_inventory *out)
{
	struct lb_slice s = lb_slice_make(data, len);
	struct lb_buf line = LB_BUF_INIT(PY_MAX_REQ);
	struct lb_seen seen = { 0 };
	bool more = false;

	if (memchr(data, 0, len)) {
		lb_warn(cx, "cannot parse '%s': NUL byte in a requirements file", f->path);
		return;
	}
	while (s.len || more) {
		struct lb_slice l = lb_slice_split(&s, '\n'), name, version;
		bool cont;

		if (l.len && l.p[l.len - 1] == '\r')
			l.len--;
		/* pip: a '#' at the start or after a blank starts a comment */
		for (size_t i = 0; i < l.len; i++) {
			if (l.p[i] == '#' && (i == 0 || l.p[i - 1] == ' ' || l.p[i - 1] == '\t')) {
				l.len = i;
				break;
			}
		}
		cont = l.len && l.p[l.len - 1] == '\\';
		if (cont)
			l.len--;
		lb_buf_add(&line, l.p, l.len);
		if (cont && s.len) {
			more = true;
			continue;
		}
		more = false;
		{
			struct lb_slice full = skip_blanks(lb_slice_make(line.p, line.len));
			if (full.len && full.p[0] != '-' && req_line(full, &name, &version) &&
			    lb_seen_add(&seen, name, version))
				add_pkg(out, name, version, NULL, true);
		}
		lb_buf_reset(&line);
	}
	lb_buf_release(&line);
	lb_seen_release(&seen);
}

/* --- poetry.lock and uv.lock (a TOML subset) ------------------------------ */

/* The reader handles what these lockfiles contain: comments, [table] and
 * [[array-of-tables]] headers, and key = value lines whose values may be
 * strings (basic, literal, multi-line), numbers, booleans, arrays and
 * inline tables spanning several lines. It only keeps the keys it is
 * asked about; the rest is skipped by bracket counting outside strings. */
struct toml {
	struct lb_slice s;     /* what is left */
	size_t line;           /* of the next byte */
	const char *why;       /* first error */
	size_t why_line;
};

enum toml_kind { T_END, T_HEADER, T_ARRAY_HEADER, T_KEYVAL };

struct toml_item {
	enum toml_kind kind;
	struct lb_slice key;   /* header name or key, as written */
	struct lb_slice val;   /* raw value text */
	size_t line;
};

static void
toml_fail(struct toml *t, const char *why)
{
	if (!t->why) {
		t->why = why;
		t->why_line = t->line;
	}
	t->s.len = 0;
}

static void
toml_adv(struct toml *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t->s.p[i] == '\n')
			t->line++;
	t->s.p += n;
	t->s.len -= n;
}

/* Length of the string starting at p[0] (a quote), quotes included, or 0
 * when it does not end (basic and literal strings end on their line). */
static size_t
toml_string_len(const char *p, size_t n)
{
	char q = p[0];
	bool multi = n >= 3 && p[1] == q && p[2] == q;
	size_t i = multi ? 3 : 1;

	for (; i < n; i++) {
		if (q == '"' && p[i] == '\\') {
			i++;
			continue;
		}
		if (!multi && p[i] == '\n')
			return 0;
		if (p[i] != q)
			continue;
		if (!multi)
			return i + 1;
		if (i + 2 < n && p[i + 1] == q && p[i + 2] == q) {
			/* up to two more quotes may end the content: """a"""" */
			i += 3;
			for (int k = 0; k < 2 && i < n && p[i] == q; k++)
				i++;
			return i;
		}
	}
	return 0;
}

/* Skips blanks, comments and newlines. */
static void
toml_skip_space(struct toml *t)
{
	while (t->s.len) {
		char c = t->s.p[0];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			toml_adv(t, 1);
		} else if (c == '#') {
			const char *nl = memchr(t->s.p, '\n', t->s.len);
			toml_adv(t, nl ? (size_t)(nl - t->s.p) : t->s.len);
		} else {
			break;
		}
	}
}

/* Reads a value: its extent, with nested arrays and inline tables. */
static struct lb_slice
toml_value(struct toml *t)
{
	const char *start = t->s.p;
	size_t depth = 0;

	while (t->s.len) {
		char c = t->s.p[0];
		size_t n;

		if (c == '"' || c == '\'') {
			if (!(n = toml_string_len(t->s.p, t->s.len))) {
				toml_fail(t, "unterminated string");
				return LB_SLICE_NULL;
			}
			toml_adv(t, n);
			continue;
		}
		if (c == '[' || c == '{') {
			if (++depth > 64) {
				toml_fail(t, "values nested too deeply");
				return LB_SLICE_NULL;
			}
		} else if (c == ']' || c == '}') {
			if (!depth) {
				toml_fail(t, "unbalanced brackets");
				return LB_SLICE_NULL;
			}
			depth--;
		} else if (c == '#' && depth) {
			const char *nl = memchr(t->s.p, '\n', t->s.len);
			toml_adv(t, nl ? (size_t)(nl - t->s.p) : t->s.len);
			continue;
		} else if ((c == '\n' || c == '#') && !depth) {
			break;
		}
		toml_adv(t, 1);
	}
	if (depth) {
		toml_fail(t, "unterminated array or table");
		return LB_SLICE_NULL;
	}
	return lb_slice_trim(lb_slice_make(start, (size_t)(t->s.p - start)));
}

static bool
toml_next(struct toml *t, struct toml_item *it)
{
	memset(it, 0, sizeof(*it));
	toml_skip_space(t);
	if (!t->s.len)
		return false;
	it->line = t->line;
	if (t->s.p[0] == '[') {
		bool arr = t->s.len > 1 && t->s.p[1] == '[';
		const char *nl = memchr(t->s.p, '\n', t->s.len);
		struct lb_slice l = lb_slice_make(t->s.p, nl ? (size_t)(nl - t->s.p) : t->s.len);
		const char *close = memchr(l.p, ']', l.len);

		if (!close || (arr && (size_t)(close - l.p) + 1 >= l.len) || (arr && close[1] != ']')) {
			toml_fail(t, "bad table header");
			return false;
		}
		it->kind = arr ? T_ARRAY_HEADER : T_HEADER;
		it->key = lb_slice_trim(lb_slice_make(l.p + (arr ? 2 : 1),
		    (size_t)(close - l.p) - (arr ? 2 : 1)));
		toml_adv(t, l.len);
		return true;
	}
	/* key: bare, quoted or dotted, up to '=' */
	{
		const char *start = t->s.p;
		while (t->s.len && t->s.p[0] != '=' && t->s.p[0] != '\n') {
			if (t->s.p[0] == '"' || t->s.p[0] == '\'') {
				size_t n = toml_string_len(t->s.p, t->s.len);
				if (!n) {
					toml_fail(t, "unterminated key");
					return false;
				}
				toml_adv(t, n);
			} else {
				toml_adv(t, 1);
			}
		}
		if (!t->s.len || t->s.p[0] != '=') {
			toml_fail(t, "expected 'key = value'");
			return false;
		}
		it->key = lb_slice_trim(lb_slice_make(start, (size_t)(t->s.p - start)));
		if (it->key.len >= 2 && (it->key.p[0] == '"' || it->key.p[0] == '\'') &&
		    it->key.p[it->key.len - 1] == it->key.p[0])
			it->key = lb_slice_make(it->key.p + 1, it->key.len - 2);
		toml_adv(t, 1);
	}
	while (t->s.len && (t->s.p[0] == ' ' || t->s.p[0] == '\t'))
		toml_adv(t, 1);
	it->val = toml_value(t);
	if (t->why)
		return false;
	if (!it->val.len) {
		toml_fail(t, "empty value");
		return false;
	}
	it->kind = T_KEYVAL;
	return true;
}

/* The text of a one-line string value, without quotes; escapes are left
 * as they are (names and versions have none). Empty for other values. */
static struct lb_slice
toml_str(struct lb_slice v)
{
	if (v.len >= 2 && (v.p[0] == '"' || v.p[0] == '\'') && v.p[v.len - 1] == v.p[0] &&
	    !(v.len >= 6 && v.p[1] == v.p[0] && v.p[2] == v.p[0]))
		return lb_slice_make(v.p + 1, v.len - 2);
	return LB_SLICE_NULL;
}

/* Whether an inline table value "{ virtual = "." }" has key k at its top. */
static bool
inline_has_key(struct lb_slice v, const char *k)
{
	size_t n = strlen(k);

	if (!v.len || v.p[0] != '{')
		return false;
	for (size_t i = 1; i + n < v.len; i++) {
		if ((v.p[i - 1] == '{' || v.p[i - 1] == ' ' || v.p[i - 1] == ',') &&
		    memcmp(v.p + i, k, n) == 0) {
			size_t j = i + n;
			while (j < v.len && v.p[j] == ' ')
				j++;
			if (j < v.len && v.p[j] == '=')
				return true;
		}
	}
	return false;
}

struct lock_pkg {
	struct lb_slice name, version;
	bool local;            /* the project itself or a folder: not from an index */
	bool open;
	size_t line;
};

static void
lock_pkg_end(struct lock_pkg *lp, struct lb_seen *seen, struct lb_inventory *out, size_t *nbad,
    size_t *badline)
{
	if (!lp->open)
		return;
	if (!valid_name(lp->name) || !valid_version(lp->version)) {
		if (!(*nbad)++)
			*badline = lp->line;
	} else if (!lp->local && lb_seen_add(seen, lp->name, lp->version)) {
		add_pkg(out, lp->name, lp->version, NULL, true);
	}
	memset(lp, 0, sizeof(*lp));
}

static void
toml_lock_scan(struct lb_ctx *cx, const struct lb_file *f, const char *data, size_t len,
    struct lb_inventory *out)
{
	struct toml t = { lb_slice_make(data, len), 1, NULL, 0 };
	enum { IN_TOP, IN_PACKAGE, IN_PACKAGE_SOURCE, IN_OTHER } where = IN_TOP;
	struct lock_pkg lp = { 0 };
	struct lb_seen seen = { 0 };
	struct toml_item it;
	size_t nbad = 0, badline = 0;

	if (memchr(data, 0, len)) {
		lb_warn(cx, "cannot parse '%s': NUL byte in a TOML file", f->path);
		return;
	}
	while (toml_next(&t, &it)) {
		if (it.kind == T_ARRAY_HEADER && lb_slice_eq(it.key, "package")) {
			lock_pkg_end(&lp, &seen, out, &nbad, &badline);
			lp.open = true;
			lp.line = it.line;
			where = IN_PACKAGE;
			continue;
		}
		if (it.kind != T_KEYVAL) {
			if (lb_slice_eq(it.key, "package.source") && lp.open) {
				where = IN_PACKAGE_SOURCE;
			} else if (lb_slice_starts(it.key, "package.") && lp.open) {
				where = IN_OTHER;
			} else {
				lock_pkg_end(&lp, &seen, out, &nbad, &badline);
				where = IN_OTHER;
			}
			continue;
		}
		if (where == IN_PACKAGE) {
			if (lb_slice_eq(it.key, "name"))
				lp.name = toml_str(it.val);
			else if (lb_slice_eq(it.key, "version"))
				lp.version = toml_str(it.val);
			else if (lb_slice_eq(it.key, "source") &&
			    (inline_has_key(it.val, "virtual") || inline_has_key(it.val, "editable") ||
			    inline_has_key(it.val, "directory") || inline_has_key(it.val, "path")))
				lp.local = true;    /* uv: the project, or a folder */
		} else if (where == IN_PACKAGE_SOURCE && lb_slice_eq(it.key, "type")) {
			struct lb_slice ty = toml_str(it.val);
			/* poetry: a folder or a local archive */
			if (lb_slice_eq(ty, "directory") || lb_slice_eq(ty, "file"))
				lp.local = true;
		}
	}
	if (t.why) {
		lb_warn(cx, "cannot parse '%s' line %zu: %s", f->path, t.why_line, t.why);
		lp.open = false;          /* a cut table could carry a cut version */
	}
	lock_pkg_end(&lp, &seen, out, &nbad, &badline);
	if (nbad && !t.why)
		lb_warn(cx, "cannot parse '%s' line %zu: package without a valid name and version "
		    "(%zu skipped)", f->path, badline, nbad);
	lb_seen_release(&seen);
}

/* --- Pipfile.lock ------------------------------------------------------------ */

static void
pipfile_scan(struct lb_ctx *cx, const struct lb_file *f, const char *data, size_t len,
    struct lb_inventory *out)
{
	static const char *const groups[] = { "default", "develop" };
	json_error_t err;
	json_t *root = json_loadb(data, len, 0, &err);
	struct lb_seen seen = { 0 };

	if (!root || !json_is_object(root)) {
		if (root)
			lb_warn(cx, "cannot parse '%s': not a JSON object", f->path);
		else
			lb_warn(cx, "cannot parse '%s' line %d: %s", f->path, err.line, err.text);
		json_decref(root);
		return;
	}
	for (size_t g = 0; g < 2; g++) {
		json_t *deps = json_object_get(root, groups[g]), *v;
		const char *name;

		if (!json_is_object(deps))
			continue;
		json_object_foreach(deps, name, v) {
			const char *ver = json_string_value(json_object_get(v, "version"));
			struct lb_slice n = lb_slice_str(name), vs;

			/* git and path entries have no "version" */
			if (!ver || strncmp(ver, "==", 2) != 0)
				continue;
			vs = lb_slice_str(ver + (strncmp(ver, "===", 3) == 0 ? 3 : 2));
			vs = lb_slice_trim(vs);
			if (valid_name(n) && valid_version(vs) && lb_seen_add(&seen, n, vs))
				add_pkg(out, n, vs, NULL, true);
		}
	}
	lb_seen_release(&seen);
	json_decref(root);
}

/* --- dispatch -------------------------------------------------------------- */

/* Whether the folder holding path's last component is a metadata folder:
 * "<x>.dist-info" / "dist-info" for METADATA, "<x>.egg-info" / "egg-info"
 * / "EGG-INFO" for PKG-INFO (case-insensitive). */
static bool
in_meta_dir(const char *path, const char *kind)
{
	const char *base = base_name(path), *dir;
	struct lb_slice d;

	if (base == path)
		return false;
	d = lb_slice_make(path, (size_t)(base - 1 - path));
	dir = memrchr(d.p, '/', d.len);
	if (dir)
		d = lb_slice_make(dir + 1, d.len - (size_t)(dir + 1 - d.p));
	if (!iends(d, kind))
		return false;
	return d.len == strlen(kind) || d.p[d.len - strlen(kind) - 1] == '.';
}

enum py_kind { PY_NONE, PY_META, PY_EGG_FILE, PY_EGG_ZIP, PY_REQ, PY_TOML, PY_PIPFILE };

static enum py_kind
py_kind(const char *path)
{
	const char *base = base_name(path);

	if (strcmp(base, "METADATA") == 0)
		return in_meta_dir(path, "dist-info") ? PY_META : PY_NONE;
	if (strcmp(base, "PKG-INFO") == 0)
		return in_meta_dir(path, "egg-info") ? PY_META : PY_NONE;
	if (strcmp(base, "poetry.lock") == 0 || strcmp(base, "uv.lock") == 0)
		return PY_TOML;
	if (strcmp(base, "Pipfile.lock") == 0)
		return PY_PIPFILE;
	if (lb_slice_ends(lb_slice_str(base), ".egg-info"))
		return PY_EGG_FILE;
	if (lb_slice_ends(lb_slice_str(base), ".egg"))
		return PY_EGG_ZIP;
	if (is_requirements(path))
		return PY_REQ;
	return PY_NONE;
}

static int
py_scan(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is, struct lb_inventory *out)
{
	enum py_kind kind = py_kind(f->path);
	size_t cap, len = 0;
	char *data = NULL;
	int r;

	switch (kind) {
	case PY_NONE:
		return 0;
	case PY_EGG_ZIP:
		egg_scan(cx, f, is, out);
		return 0;
	case PY_META:
	case PY_EGG_FILE:
		cap = PY_MAX_META;
		break;
	case PY_REQ:
		cap = PY_MAX_REQ;
		break;
	default:
		cap = PY_MAX_LOCK;
		break;
	}
	if (kind != PY_META && kind != PY_EGG_FILE && f->real_size > cap) {
		/* a cut lockfile could list a cut version */
		lb_warn(cx, "cannot read '%s': %llu bytes, more than the %zu bytes read", f->path,
		    (unsigned long long)f->real_size, cap);
		return 0;
	}
	if ((r = lb_is_slurp(is, f->real_size, cap, &data, &len)) < 0) {
		lb_warn(cx, "cannot read '%s': %s", f->path, lb_strerror(r));
		return 0;
	}
	if (f->real_size > len) {
		/* the headers come first: only a long description is cut, but
		 * drop the cut last line all the same */
		const char *nl = len ? memrchr(data, '\n', len) : NULL;
		len = nl ? (size_t)(nl - data) + 1 : 0;
		data[len] = 0;
	}
	switch (kind) {
	case PY_META:
	case PY_EGG_FILE:
		meta_scan(cx, f->path, NULL, data, len, out);
		break;
	case PY_REQ:
		req_scan(cx, f, data, len, out);
		break;
	case PY_TOML:
		toml_lock_scan(cx, f, data, len, out);
		break;
	case PY_PIPFILE:
		pipfile_scan(cx, f, data, len, out);
		break;
	default:
		break;
	}
	free(data);
	return 0;
}

const struct lb_analyzer_ops lb_an_python = {
	.name = "python",
	.stream_interests = python_stream,
	.scan_file = py_scan,
};
