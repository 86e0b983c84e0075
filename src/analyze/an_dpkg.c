/* an_dpkg.c - Debian packages: var/lib/dpkg/status, the distroless
 * var/lib/dpkg/status.d/<pkg> files, and the file lists in
 * var/lib/dpkg/info/<pkg>[:<arch>].list.
 *
 * The status file is deb822 (deb822(5)): stanzas separated by blank lines,
 * "Field: value" lines, continuation lines starting with a space or a tab.
 * A stanza that cannot be read is skipped and counted; each file gets at
 * most one warning, naming its first bad stanza.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define DPKG_STATUS     "var/lib/dpkg/status"
#define DPKG_STATUS_D   "var/lib/dpkg/status.d/"
#define DPKG_INFO       "var/lib/dpkg/info/"
#define DPKG_LIST_MAX   (16u << 20)

static const struct lb_interest dpkg_interests[] = {
	{ LB_MATCH_EXACT, DPKG_STATUS, NULL, LB_MAX_PKGDB },
	{ LB_MATCH_PREFIX, DPKG_STATUS_D, NULL, LB_MAX_SMALL_FILE },
	{ LB_MATCH_PREFIX_SUFFIX, DPKG_INFO, ".list", DPKG_LIST_MAX },
	{ 0, NULL, NULL, 0 },
};

enum { F_PACKAGE, F_VERSION, F_ARCH, F_SOURCE, F_MAINTAINER, F_STATUS, F_COUNT };
static const char *const field_names[F_COUNT] = {
	"Package", "Version", "Architecture", "Source", "Maintainer", "Status",
};

struct stanza {
	size_t line;                      /* of its first line; 0 when empty */
	struct lb_slice val[F_COUNT];
	bool has[F_COUNT];
	bool fields;                      /* a field line was seen */
	size_t badline;                   /* first problem, if any */
	char why[64];
};

struct parser {
	const struct lb_file *f;
	struct lb_inventory *out;
	bool distroless;                  /* no Status: means installed */
	size_t nbad, badline;             /* bad stanzas; line of the first */
	char why[64];
};

static bool
is_blank_line(struct lb_slice l)
{
	for (size_t i = 0; i < l.len; i++)
		if (l.p[i] != ' ' && l.p[i] != '\t')
			return false;
	return true;
}

/* Records the first problem of a stanza: "<pre><field><post>". */
static void
stanza_bad(struct stanza *st, size_t line, const char *pre, const char *field, const char *post)
{
	if (st->badline)
		return;
	st->badline = line;
	snprintf(st->why, sizeof(st->why), "%s%s%s", pre, field, post);
}

/* dpkg-query(1) "Status: want flag status". Returns 1 when the package's
 * files are on disk and configured (the triggers states are configured
 * packages with pending trigger work), 0 when not, -1 when malformed. */
static int
status_installed(struct lb_slice s)
{
	static const char *const on[] = { "installed", "triggers-pending", "triggers-awaited" };
	static const char *const off[] = { "not-installed", "config-files", "half-installed",
		"unpacked", "half-configured" };
	struct lb_slice w[3];
	int n = 0;

	for (;;) {
		const char *start;

		while (s.len && (s.p[0] == ' ' || s.p[0] == '\t'))
			s.p++, s.len--;
		if (!s.len)
			break;
		start = s.p;
		while (s.len && s.p[0] != ' ' && s.p[0] != '\t')
			s.p++, s.len--;
		if (n == 3)
			return -1;
		w[n++] = lb_slice_make(start, (size_t)(s.p - start));
	}
	if (n != 3)
		return -1;
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++)
		if (lb_slice_eq(w[2], on[i]))
			return 1;
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (lb_slice_eq(w[2], off[i]))
			return 0;
	return -1;
}

static char *
dup_slice(struct lb_slice s)
{
	return s.len ? lb_xstrndup(s.p, s.len) : NULL;
}

static bool
slice_same(struct lb_slice s, const char *str)
{
	return str && lb_slice_eq(s, str);
}

/* "Source: name" or "Source: name (version)" (deb-control(5)). */
static void
set_source(struct lb_pkg *p, struct lb_slice src)
{
	struct lb_slice name = src, ver = LB_SLICE_NULL;
	const char *open = memchr(src.p, '(', src.len);

	if (open) {
		const char *close;
		name = lb_slice_make(src.p, (size_t)(open - src.p));
		ver = lb_slice_make(open + 1, src.len - (size_t)(open + 1 - src.p));
		if ((close = memchr(ver.p, ')', ver.len)) != NULL)
			ver.len = (size_t)(close - ver.p);
		ver = lb_slice_trim(ver);
	}
	name = lb_slice_trim(name);
	if (name.len && !slice_same(name, p->name))
		p->src_name = dup_slice(name);
	if (ver.len && !slice_same(ver, p->version))
		p->src_version = dup_slice(ver);
}

static void
stanza_end(struct parser *ps, struct stanza *st)
{
	struct lb_pkg *p;
	int inst;

	if (!st->line)
		goto out;
	inst = st->has[F_STATUS] ? status_installed(st->val[F_STATUS]) : (ps->distroless ? 1 : 0);
	if (inst < 0)
		stanza_bad(st, st->line, "invalid ", "Status", " field");
	/* a stanza that says it is not installed is of no interest, whatever
	 * else is wrong with it */
	if (inst == 0 && st->has[F_STATUS])
		goto out;
	/* nor is a well-formed one without Status in a status file */
	if (inst == 0 && !st->badline)
		goto out;
	if (!st->badline) {
		for (int k = 0; k < F_COUNT; k++) {
			if (st->has[k] && memchr(st->val[k].p, 0, st->val[k].len)) {
				stanza_bad(st, st->line, "NUL byte in ", field_names[k], "");
				break;
			}
		}
		if (!st->has[F_PACKAGE] || !st->val[F_PACKAGE].len)
			stanza_bad(st, st->line, "missing ", "Package", "");
		else if (!st->has[F_VERSION] || !st->val[F_VERSION].len)
			stanza_bad(st, st->line, "missing ", "Version", "");
	}
	if (st->badline) {
		if (ps->nbad++ == 0) {
			ps->badline = st->badline;
			memcpy(ps->why, st->why, sizeof(ps->why));
		}
		goto out;
	}
	p = lb_inventory_add_pkg(ps->out);
	p->type = lb_xstrdup("deb");
	p->name = dup_slice(st->val[F_PACKAGE]);
	p->version = dup_slice(st->val[F_VERSION]);
	p->arch = dup_slice(st->val[F_ARCH]);
	p->maintainer = dup_slice(st->val[F_MAINTAINER]);
	if (st->has[F_SOURCE])
		set_source(p, st->val[F_SOURCE]);
	p->db_path = lb_xstrdup(ps->f->path);
out:
	memset(st, 0, sizeof(*st));
}

/* Length of the part of a truncated file that ends with a complete
 * stanza, that is up to and including its last blank line. */
static size_t
complete_part(const char *p, size_t n)
{
	size_t keep = 0, off = 0;
	const char *nl;

	while (off < n && (nl = memchr(p + off, '\n', n - off)) != NULL) {
		struct lb_slice line = lb_slice_make(p + off, (size_t)(nl - (p + off)));

		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		off = (size_t)(nl - p) + 1;
		if (is_blank_line(line))
			keep = off;
	}
	return keep;
}

static void
parse_status(struct lb_ctx *cx, const struct lb_file *f, bool distroless,
    struct lb_inventory *out)
{
	struct parser ps = { .f = f, .out = out, .distroless = distroless };
	struct stanza st = { 0 };
	struct lb_slice s = lb_slice_make(f->data, f->size);
	size_t lineno = 0;

	if (!f->data)
		return;
	/* a stanza cut in the middle could carry a cut version */
	if (f->truncated)
		s.len = complete_part(s.p, s.len);
	while (s.len) {
		struct lb_slice line = lb_slice_split(&s, '\n'), name, val;
		int k;

		lineno++;
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (is_blank_line(line)) {
			stanza_end(&ps, &st);
			continue;
		}
		if (!st.line)
			st.line = lineno;
		if (line.p[0] == ' ' || line.p[0] == '\t') {
			/* continuation lines only extend multiline fields
			 * (Description, Conffiles, ...) that are not kept */
			if (!st.fields)
				stanza_bad(&st, lineno, "continuation line without a field", "", "");
			continue;
		}
		val = line;
		name = lb_slice_split(&val, ':');
		if (name.len == line.len || name.len == 0 || memchr(name.p, ' ', name.len) ||
		    memchr(name.p, '\t', name.len)) {
			stanza_bad(&st, lineno, "expected 'Field: value'", "", "");
			continue;
		}
		st.fields = true;
		for (k = 0; k < F_COUNT; k++)
			if (name.len == strlen(field_names[k]) &&
			    strncasecmp(name.p, field_names[k], name.len) == 0)
				break;
		if (k == F_COUNT)
			continue;
		if (st.has[k]) {
			stanza_bad(&st, lineno, "duplicate ", field_names[k], " field");
			continue;
		}
		st.has[k] = true;
		st.val[k] = lb_slice_trim(val);
	}
	stanza_end(&ps, &st);

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

static bool
in_status_d(const char *path)
{
	return strncmp(path, DPKG_STATUS_D, strlen(DPKG_STATUS_D)) == 0;
}

static int
dpkg_parse_db(struct lb_ctx *cx, const struct lb_file *f, struct lb_inventory *out)
{
	parse_status(cx, f, in_status_d(f->path), out);
	return 0;
}

struct each_arg {
	struct lb_ctx *cx;
	struct lb_inventory *inv;
	struct lb_hmap *lists;       /* "name" and "name:arch" -> package index + 1 */
};

static int
status_d_file(void *arg, const struct lb_file *f)
{
	struct each_arg *a = arg;
	const char *base = f->path + strlen(DPKG_STATUS_D);
	size_t n = strlen(base);

	/* distroless keeps "<pkg>" and "<pkg>.md5sums" side by side */
	if (!n || strchr(base, '/') || (n >= 8 && strcmp(base + n - 8, ".md5sums") == 0))
		return 0;
	parse_status(a->cx, f, true, a->inv);
	return 0;
}

/* dpkg(1) info/<pkg>.list, or info/<pkg>:<arch>.list for Multi-Arch: same
 * packages: one absolute path per line, the first being "/.". */
static int
list_file(void *arg, const struct lb_file *f)
{
	struct each_arg *a = arg;
	const char *base = f->path + strlen(DPKG_INFO);
	size_t n = strlen(base), idx;
	struct lb_slice s;
	struct lb_pkg *p;

	if (n <= 5 || strcmp(base + n - 5, ".list") || memchr(base, '/', n - 5) || !f->data)
		return 0;
	idx = (size_t)(uintptr_t)lb_hmap_get(a->lists, base, n - 5);
	if (!idx)
		return 0;
	p = &a->inv->pkgs[idx - 1];
	s = lb_slice_make(f->data, f->size);
	if (f->truncated) {
		/* drop the cut last line */
		const char *nl = s.len ? memrchr(s.p, '\n', s.len) : NULL;
		s.len = nl ? (size_t)(nl - s.p) : 0;
		lb_warn(a->cx, "cannot read all of '%s': truncated to %zu of %llu bytes",
		    f->path, f->size, (unsigned long long)f->real_size);
	}
	while (s.len) {
		struct lb_slice line = lb_slice_split(&s, '\n');

		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		while (line.len && line.p[0] == '/')
			line.p++, line.len--;
		if (!line.len || lb_slice_eq(line, ".") || memchr(line.p, 0, line.len))
			continue;
		lb_pkg_add_file(p, line.p, line.len);
	}
	return 0;
}

static int
dpkg_analyze(struct lb_ctx *cx, const struct lb_fsview *v, struct lb_inventory *inv)
{
	const struct lb_file *f = lb_fsview_get(v, DPKG_STATUS);
	struct lb_hmap lists = LB_HMAP_INIT;
	struct each_arg a = { cx, inv, &lists };
	char **keys = NULL;
	size_t from = inv->npkgs, nkeys, capkeys = 0;

	if (f && f->data)
		parse_status(cx, f, false, inv);
	nkeys = inv->npkgs - from;
	if (nkeys) {
		/* packages of the status file own the info/ lists */
		keys = lb_xcalloc(nkeys, sizeof(char *));
		capkeys = nkeys;
		for (size_t i = from; i < inv->npkgs; i++) {
			const struct lb_pkg *p = &inv->pkgs[i];
			void *val = (void *)(uintptr_t)(i + 1);

			if (!lb_hmap_get(&lists, p->name, strlen(p->name)))
				lb_hmap_put(&lists, p->name, strlen(p->name), val);
			if (p->arch) {
				char *k = lb_xasprintf("%s:%s", p->name, p->arch);
				keys[i - from] = k;
				lb_hmap_put(&lists, k, strlen(k), val);
			}
		}
		lb_fsview_each(v, DPKG_INFO, list_file, &a);
	}
	lb_fsview_each(v, DPKG_STATUS_D, status_d_file, &a);
	for (size_t i = 0; i < capkeys; i++)
		free(keys[i]);
	free(keys);
	lb_hmap_release(&lists);
	return 0;
}

const struct lb_analyzer_ops lb_an_dpkg = {
	.name = "dpkg",
	.interests = dpkg_interests,
	.analyze = dpkg_analyze,
	.parse_db = dpkg_parse_db,
};
