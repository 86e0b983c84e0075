/* an_apk.c - Alpine packages from the apk-tools installed database.
 *
 * The database is a list of stanzas separated by blank lines, each line
 * "K:value" with a one-letter key (the keys of the v2 package index).
 * P name, V version, A arch, o origin, L license, m maintainer; F: names a
 * directory and the R: lines after it the files in that directory.
 * A stanza that cannot be read is skipped and counted; each file gets at
 * most one warning, naming its first bad stanza.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_limits.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

/* apk-tools 3 keeps the database in usr/lib/apk/db when lib/apk/db is
 * absent; usually one is a symlink to the other. */
static const char *const apk_db_paths[] = {
	"lib/apk/db/installed",
	"usr/lib/apk/db/installed",
};

static const struct lb_interest apk_interests[] = {
	{ LB_MATCH_EXACT, "lib/apk/db/installed", NULL, LB_MAX_PKGDB },
	{ LB_MATCH_EXACT, "usr/lib/apk/db/installed", NULL, LB_MAX_PKGDB },
	{ 0, NULL, NULL, 0 },
};

enum { A_NAME, A_VERSION, A_ARCH, A_ORIGIN, A_LICENSE, A_MAINTAINER, A_COUNT };
static const char a_keys[A_COUNT] = { 'P', 'V', 'A', 'o', 'L', 'm' };

struct apk_stanza {
	size_t line;                      /* of its first line; 0 when empty */
	struct lb_slice val[A_COUNT];
	bool has[A_COUNT];
	struct lb_slice dir;              /* the last F: */
	struct lb_slice *files;           /* R: lines, each as dir "/" name */
	size_t nfiles, capfiles;
	struct lb_slice *dirs;            /* dir of each file */
	size_t capdirs;
	size_t badline;
	char why[64];
};

static void
stanza_bad(struct apk_stanza *st, size_t line, const char *pre, char key, const char *post)
{
	if (st->badline)
		return;
	st->badline = line;
	if (key)
		snprintf(st->why, sizeof(st->why), "%s%c%s", pre, key, post);
	else
		snprintf(st->why, sizeof(st->why), "%s%s", pre, post);
}

static char *
dup_slice(struct lb_slice s)
{
	return s.len ? lb_xstrndup(s.p, s.len) : NULL;
}

struct apk_parser {
	const struct lb_file *f;
	struct lb_inventory *out;
	bool want_files;
	size_t nbad, badline;
	char why[64];
};

static void
add_files(struct lb_pkg *p, const struct apk_stanza *st)
{
	char *buf = NULL;
	size_t cap = 0;

	for (size_t i = 0; i < st->nfiles; i++) {
		struct lb_slice d = st->dirs[i], n = st->files[i];
		size_t len = 0;

		lb_xgrow(&buf, &cap, d.len + n.len + 2, 1);
		if (d.len) {
			memcpy(buf, d.p, d.len);
			buf[d.len] = '/';
			len = d.len + 1;
		}
		memcpy(buf + len, n.p, n.len);
		len += n.len;
		lb_pkg_add_file(p, buf, len);
	}
	free(buf);
}

static void
stanza_end(struct apk_parser *ps, struct apk_stanza *st)
{
	struct lb_pkg *p;

	if (!st->line)
		goto out;
	if (!st->badline) {
		for (int k = 0; k < A_COUNT; k++) {
			if (st->has[k] && memchr(st->val[k].p, 0, st->val[k].len)) {
				stanza_bad(st, st->line, "NUL byte in ", a_keys[k], ":");
				break;
			}
		}
		if (!st->has[A_NAME] || !st->val[A_NAME].len)
			stanza_bad(st, st->line, "missing ", 'P', ": (name)");
		else if (!st->has[A_VERSION] || !st->val[A_VERSION].len)
			stanza_bad(st, st->line, "missing ", 'V', ": (version)");
	}
	if (st->badline) {
		if (ps->nbad++ == 0) {
			ps->badline = st->badline;
			memcpy(ps->why, st->why, sizeof(ps->why));
		}
		goto out;
	}
	p = lb_inventory_add_pkg(ps->out);
	p->type = lb_xstrdup("apk");
	p->name = dup_slice(st->val[A_NAME]);
	p->version = dup_slice(st->val[A_VERSION]);
	p->arch = dup_slice(st->val[A_ARCH]);
	if (st->val[A_ORIGIN].len && !lb_slice_eq(st->val[A_ORIGIN], p->name))
		p->src_name = dup_slice(st->val[A_ORIGIN]);
	p->license = dup_slice(st->val[A_LICENSE]);
	p->maintainer = dup_slice(st->val[A_MAINTAINER]);
	p->db_path = lb_xstrdup(ps->f->path);
	if (ps->want_files)
		add_files(p, st);
out:
	{
		struct lb_slice *files = st->files, *dirs = st->dirs;
		size_t capfiles = st->capfiles, capdirs = st->capdirs;

		/* keep the arrays for the next stanza */
		memset(st, 0, sizeof(*st));
		st->files = files;
		st->capfiles = capfiles;
		st->dirs = dirs;
		st->capdirs = capdirs;
	}
}

/* Length of the part of a truncated file that ends with a complete
 * stanza, that is up to and including its last blank line. */
static size_t
complete_part(const char *p, size_t n)
{
	size_t keep = 0, off = 0;
	const char *nl;

	while (off < n && (nl = memchr(p + off, '\n', n - off)) != NULL) {
		size_t len = (size_t)(nl - (p + off));

		if (len == 0 || (len == 1 && p[off] == '\r'))
			keep = (size_t)(nl - p) + 1;
		off = (size_t)(nl - p) + 1;
	}
	return keep;
}

static void
parse_installed(struct lb_ctx *cx, const struct lb_file *f, bool want_files,
    struct lb_inventory *out)
{
	struct apk_parser ps = { .f = f, .out = out, .want_files = want_files };
	struct apk_stanza st = { 0 };
	struct lb_slice s = lb_slice_make(f->data, f->size);
	size_t lineno = 0;

	if (!f->data)
		return;
	/* a stanza cut in the middle could carry a cut version */
	if (f->truncated)
		s.len = complete_part(s.p, s.len);
	while (s.len) {
		struct lb_slice line = lb_slice_split(&s, '\n'), val;
		int k;

		lineno++;
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (!line.len) {
			stanza_end(&ps, &st);
			continue;
		}
		if (!st.line)
			st.line = lineno;
		if (line.len < 2 || line.p[1] != ':') {
			stanza_bad(&st, lineno, "expected 'K:value'", 0, "");
			continue;
		}
		val = lb_slice_make(line.p + 2, line.len - 2);
		switch (line.p[0]) {
		case 'F':
			st.dir = val;
			while (st.dir.len && st.dir.p[0] == '/')
				st.dir.p++, st.dir.len--;
			while (st.dir.len && st.dir.p[st.dir.len - 1] == '/')
				st.dir.len--;
			continue;
		case 'R':
			if (!want_files || !val.len || memchr(val.p, 0, val.len) ||
			    (st.dir.len && memchr(st.dir.p, 0, st.dir.len)))
				continue;
			lb_xgrow(&st.files, &st.capfiles, st.nfiles + 1, sizeof(*st.files));
			lb_xgrow(&st.dirs, &st.capdirs, st.nfiles + 1, sizeof(*st.dirs));
			st.files[st.nfiles] = val;
			st.dirs[st.nfiles] = st.dir;
			st.nfiles++;
			continue;
		}
		for (k = 0; k < A_COUNT; k++)
			if (line.p[0] == a_keys[k])
				break;
		if (k == A_COUNT)
			continue;
		if (st.has[k]) {
			stanza_bad(&st, lineno, "duplicate ", a_keys[k], ": line");
			continue;
		}
		st.has[k] = true;
		st.val[k] = val;
	}
	stanza_end(&ps, &st);
	free(st.files);
	free(st.dirs);

	if (ps.nbad && f->truncated)
		lb_warn(cx, "cannot parse '%s' line %zu: %s (%zu bad stanzas skipped); "
		    "file truncated to %zu of %llu bytes", f->path, ps.badline, ps.why, ps.nbad,
		    f->size, (unsigned long long)f->real_size);
	else if (ps.nbad > 1)
		lb_warn(cx, "cannot parse '%s' line %zu: %s (%zu bad stanzas skipped)",
		    f->path, ps.badline, ps.why, ps.nbad);
	else if (ps.nbad)
		lb_warn(cx, "cannot parse '%s' line %zu: %s", f->path, ps.badline, ps.why);
	else if (f->truncated)
		lb_warn(cx, "cannot read all of '%s': truncated to %zu of %llu bytes",
		    f->path, f->size, (unsigned long long)f->real_size);
}

static int
apk_parse_db(struct lb_ctx *cx, const struct lb_file *f, struct lb_inventory *out)
{
	parse_installed(cx, f, false, out);
	return 0;
}

static int
apk_analyze(struct lb_ctx *cx, const struct lb_fsview *v, struct lb_inventory *inv)
{
	for (size_t i = 0; i < sizeof(apk_db_paths) / sizeof(apk_db_paths[0]); i++) {
		const struct lb_file *f = lb_fsview_get(v, apk_db_paths[i]);

		if (f && f->data) {
			parse_installed(cx, f, true, inv);
			break;
		}
	}
	return 0;
}

const struct lb_analyzer_ops lb_an_apk = {
	.name = "apk",
	.interests = apk_interests,
	.analyze = apk_analyze,
	.parse_db = apk_parse_db,
};
