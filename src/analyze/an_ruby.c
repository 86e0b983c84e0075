/* an_ruby.c - Ruby gems: installed specifications and Bundler lockfiles.
 *
 * Installed gems: RubyGems writes one "<name>-<version>[-<platform>].gemspec"
 * per installed gem into a "specifications" folder of each gem home
 * (usr/local/bundle, var/lib/gems/3.1.0, usr/share/rubygems-integration/all,
 * vendor/bundle/ruby/3.1.0...), and "specifications/default" for the
 * gems bundled with Ruby. The file is Ruby source that
 * Gem::Specification#to_ruby generated:
 *
 *   Gem::Specification.new do |s|
 *     s.name = "rss".freeze
 *     s.version = "0.2.9"
 *     s.platform = "x86_64-linux".freeze
 *     s.licenses = ["Ruby".freeze, "BSD-2-Clause".freeze]
 *
 * It is read as text, never evaluated: only assignments to the block
 * variable whose value is a plain string literal ("...", '...', %q{...},
 * with an optional .freeze; Gem::Version.new("...") for the version) are
 * taken. A value with interpolation or any other expression is not
 * guessed at. The .gemspec files in source trees are hand-written Ruby
 * (spec.version = Foo::VERSION) and are not installed evidence, so only
 * the specifications folders count.
 *
 * Declared gems: Gemfile.lock (or gems.locked) lists the resolved gems of
 * each source section (GEM, GIT, PATH, PLUGIN SOURCE) under "  specs:",
 * as "    name (version[-platform])" lines with exactly four spaces;
 * deeper lines are their requirements. Bundler's lockfile parser splits
 * the platform off at the first '-' of the parenthesised part.
 *
 * Both are read line by line from the stream, so memory stays bounded
 * whatever the file's size; a longer line than RB_MAX_LINE is skipped
 * (a gemspec's s.files list can be one).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hex.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define RB_MAX_LINE   (64u << 10)    /* longest line looked at */
#define RB_MAX_VALUE  1024           /* longest name, version, platform or license kept */

static const struct lb_interest ruby_stream_interests[] = {
	/* read as a stream: the caps cost no memory */
	{ LB_MATCH_SUFFIX, NULL, ".gemspec", LB_MAX_PKGDB },
	{ LB_MATCH_EXACT, "Gemfile.lock", NULL, LB_MAX_PKGDB },
	{ LB_MATCH_SUFFIX, NULL, "/Gemfile.lock", LB_MAX_PKGDB },
	{ LB_MATCH_EXACT, "gems.locked", NULL, LB_MAX_PKGDB },
	{ LB_MATCH_SUFFIX, NULL, "/gems.locked", LB_MAX_PKGDB },
	{ 0, NULL, NULL, 0 },
};

/* --- lines from a stream ------------------------------------------------ */

struct rb_lines {
	struct lb_istream *is;
	char buf[RB_MAX_LINE];
	size_t start, end;
	bool eof;
	bool skipping;           /* inside a line longer than the buffer */
	int err;                 /* read error, negative */
	size_t lineno;
	uint64_t bytes;          /* bytes read from is */
};

/* Returns the next line (no '\n', no '\r' before it) in *line with its
 * number in r->lineno: 1, or 0 at the end (or on a read error, then in
 * r->err). Lines longer than the buffer are skipped but counted. */
static int
rb_next_line(struct rb_lines *r, struct lb_slice *line)
{
	for (;;) {
		const char *p = r->buf + r->start;
		size_t n = r->end - r->start;
		const char *nl = n ? memchr(p, '\n', n) : NULL;
		ssize_t k;

		if (nl) {
			size_t len = (size_t)(nl - p);

			r->start += len + 1;
			r->lineno++;
			if (r->skipping) {
				r->skipping = false;
				continue;
			}
			if (len && p[len - 1] == '\r')
				len--;
			*line = lb_slice_make(p, len);
			return 1;
		}
		if (r->eof) {
			if (!n || r->skipping) {
				r->start = r->end;
				return 0;
			}
			r->start = r->end;
			r->lineno++;
			if (p[n - 1] == '\r')
				n--;
			*line = lb_slice_make(p, n);
			return 1;
		}
		if (r->start) {
			memmove(r->buf, p, n);
			r->start = 0;
			r->end = n;
		}
		if (r->end == sizeof(r->buf)) {
			/* no newline in a full buffer: drop it, then the rest of
			 * the line */
			r->skipping = true;
			r->start = r->end = 0;
		}
		k = lb_is_read(r->is, r->buf + r->end, sizeof(r->buf) - r->end);
		if (k < 0) {
			r->err = (int)k;
			r->eof = true;
			r->start = r->end = 0;
			r->skipping = false;
			return 0;
		}
		if (k == 0)
			r->eof = true;
		r->end += (size_t)k;
		r->bytes += (uint64_t)k;
	}
}

/* --- checks and small helpers ------------------------------------------- */

static bool
all_in(struct lb_slice s, const char *extra)
{
	if (!s.len || s.len > RB_MAX_VALUE)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr(extra, c))))
			return false;
	}
	return true;
}

/* RubyGems Specification::VALID_NAME_PATTERN: [a-zA-Z0-9.\-_]+ */
static bool
valid_name(struct lb_slice s)
{
	return all_in(s, ".-_");
}

/* Gem::Version::VERSION_PATTERN starts with a digit and holds letters,
 * digits, '.' and '-' (a prerelease "1.0.0-rc1"). */
static bool
valid_version(struct lb_slice s)
{
	return all_in(s, ".-") && s.p[0] >= '0' && s.p[0] <= '9';
}

/* Gem::Platform strings: "x86_64-linux", "arm64-darwin-21", "java",
 * "x64-mingw-ucrt", "universal-darwin". */
static bool
valid_platform(struct lb_slice s)
{
	return all_in(s, ".-_");
}

static char *
dup_slice(struct lb_slice s)
{
	return lb_xstrndup(s.p, s.len);
}

static struct lb_slice
skip_blanks(struct lb_slice s)
{
	while (s.len && (s.p[0] == ' ' || s.p[0] == '\t')) {
		s.p++;
		s.len--;
	}
	return s;
}

/* One package per name and version in a file: a lockfile lists a gem
 * once per platform it was resolved for ("nokogiri (1.13.3)" and
 * "nokogiri (1.13.3-x86_64-linux)"), and only one of them is installed. */
struct rb_seen {
	struct lb_hmap map;          /* "name\0version" -> package index + 1 */
	char **keys;
	size_t n, cap;
};

/* Returns the index + 1 of the package already added for name and
 * version, or 0 after remembering idx for them. */
static size_t
rb_seen_put(struct rb_seen *s, struct lb_slice name, struct lb_slice ver, size_t idx)
{
	size_t klen = name.len + ver.len + 1, old;
	char *k = lb_xmalloc(klen);

	memcpy(k, name.p, name.len);
	k[name.len] = 0;
	memcpy(k + name.len + 1, ver.p, ver.len);
	if ((old = (size_t)(uintptr_t)lb_hmap_get(&s->map, k, klen)) != 0) {
		free(k);
		return old;
	}
	lb_xgrow(&s->keys, &s->cap, s->n + 1, sizeof(*s->keys));
	s->keys[s->n++] = k;
	lb_hmap_put(&s->map, k, klen, (void *)(uintptr_t)(idx + 1));
	return 0;
}

static void
rb_seen_release(struct rb_seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->keys[i]);
	free(s->keys);
	lb_hmap_release(&s->map);
	memset(s, 0, sizeof(*s));
}

static void
add_gem(struct lb_inventory *out, const struct lb_file *f, struct lb_slice name,
    struct lb_slice version, struct lb_slice platform, const char *license, bool declared)
{
	struct lb_pkg *p = lb_inventory_add_pkg(out);

	p->type = lb_xstrdup("gem");
	p->name = dup_slice(name);
	p->version = dup_slice(version);
	/* "ruby" is the platform of pure-Ruby gems: no arch */
	if (platform.len && !lb_slice_eq(platform, "ruby"))
		p->arch = dup_slice(platform);
	if (license && license[0])
		p->license = lb_xstrdup(license);
	p->db_path = lb_xstrdup(f->path);
	p->declared = declared;
}

/* Warns about a file that was cut at the stream's cap. */
static void
warn_truncated(struct lb_ctx *cx, const struct lb_file *f, const struct rb_lines *r)
{
	lb_warn(cx, "cannot read all of '%s': truncated to %llu of %llu bytes", f->path,
	    (unsigned long long)r->bytes, (unsigned long long)f->real_size);
}

/* --- Ruby string literals ----------------------------------------------- */

/* Appends code point cp as UTF-8; -LB_E_FORMAT for NUL, surrogates and
 * values past U+10FFFF. */
static int
put_utf8(struct lb_buf *b, unsigned long cp)
{
	uint8_t u[4];
	size_t n;

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -LB_E_FORMAT;
	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | (cp >> 6));
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | (cp >> 12));
		u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | (cp >> 18));
		u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return lb_buf_add(b, u, n);
}

/* Decodes one backslash escape of a double-quoted string at s (just after
 * the backslash) into b; returns the bytes consumed or < 0. Ruby's
 * "Escape sequences": \u{...} may hold several code points. */
static int
put_escape(struct lb_buf *b, struct lb_slice s)
{
	static const char from[] = "ntrsvfbae", to[] = "\n\t\r \v\f\b\a\033";
	const char *m;
	unsigned long cp = 0;
	size_t i;
	int h, r;
	char c;

	if (!s.len || !s.p[0])
		return -LB_E_FORMAT;
	c = s.p[0];
	if (c == 'u' && s.len > 1 && s.p[1] == '{') {
		bool any = false;

		for (i = 2; i < s.len && s.p[i] != '}';) {
			if (s.p[i] == ' ' || s.p[i] == '\t') {
				i++;
				continue;
			}
			cp = 0;
			for (size_t d = 0; i < s.len && (h = lb_hexval(s.p[i])) >= 0; i++, d++) {
				if (d == 6)
					return -LB_E_FORMAT;
				cp = cp * 16 + (unsigned long)h;
			}
			if (i < s.len && s.p[i] != '}' && s.p[i] != ' ' && s.p[i] != '\t')
				return -LB_E_FORMAT;
			if ((r = put_utf8(b, cp)) < 0)
				return r;
			any = true;
		}
		if (i >= s.len || !any)
			return -LB_E_FORMAT;
		return (int)i + 1;
	}
	if (c == 'u') {
		if (s.len < 5)
			return -LB_E_FORMAT;
		for (i = 1; i < 5; i++) {
			if ((h = lb_hexval(s.p[i])) < 0)
				return -LB_E_FORMAT;
			cp = cp * 16 + (unsigned long)h;
		}
		return (r = put_utf8(b, cp)) < 0 ? r : 5;
	}
	if (c == 'x') {
		for (i = 1; i < 3 && i < s.len && (h = lb_hexval(s.p[i])) >= 0; i++)
			cp = cp * 16 + (unsigned long)h;
		if (i == 1 || cp == 0)
			return -LB_E_FORMAT;
		c = (char)cp;
		return (r = lb_buf_add(b, &c, 1)) < 0 ? r : (int)i;
	}
	if (c >= '0' && c <= '7') {
		for (i = 0; i < 3 && i < s.len && s.p[i] >= '0' && s.p[i] <= '7'; i++)
			cp = cp * 8 + (unsigned long)(s.p[i] - '0');
		if (cp == 0 || cp > 0xff)
			return -LB_E_FORMAT;
		c = (char)cp;
		return (r = lb_buf_add(b, &c, 1)) < 0 ? r : (int)i;
	}
	if (c == 'c' || c == 'C' || c == 'M')
		return -LB_E_FORMAT;        /* control/meta forms: not in a gemspec */
	if ((m = strchr(from, c)) != NULL)
		c = to[m - from];
	/* anything else stands for itself: \" \\ \# \' */
	return (r = lb_buf_add(b, &c, 1)) < 0 ? r : 1;
}

static char
closing(char open)
{
	switch (open) {
	case '(': return ')';
	case '[': return ']';
	case '{': return '}';
	case '<': return '>';
	}
	return 0;
}

/* Reads the string literal at the start of *s into b (which it resets):
 * "..." and %Q/% forms with escapes, '...' and %q with only \\ and the
 * delimiter escaped; %-forms take bracket delimiters, nested as Ruby
 * nests them. Advances *s past the literal and an optional ".freeze".
 * Returns 0, or -LB_E_FORMAT when the literal is unterminated,
 * interpolates ("#{", "#@", "#$"), holds a NUL or is too long. */
static int
ruby_string(struct lb_slice *s, struct lb_buf *b)
{
	struct lb_slice in = *s;
	char open, close;
	bool dq;
	int depth = 0, r;
	size_t i = 0;

	lb_buf_reset(b);
	if (!in.len)
		return -LB_E_FORMAT;
	if (in.p[0] == '"' || in.p[0] == '\'') {
		open = 0;
		close = in.p[0];
		dq = in.p[0] == '"';
		i = 1;
	} else if (in.p[0] == '%' && in.len > 2) {
		i = 1;
		dq = true;
		if (in.p[1] == 'q' || in.p[1] == 'Q') {
			dq = in.p[1] == 'Q';
			i = 2;
		}
		open = in.p[i];
		if (!(close = closing(open)))
			return -LB_E_FORMAT;
		i++;
	} else {
		return -LB_E_FORMAT;
	}
	for (;;) {
		char c, next;

		if (i >= in.len)
			return -LB_E_FORMAT;            /* unterminated on this line */
		c = in.p[i];
		if (c == close && depth == 0)
			break;
		if (c == 0)
			return -LB_E_FORMAT;
		if (open && c == open)
			depth++;
		else if (open && c == close)
			depth--;
		if (c == '\\') {
			if (i + 1 >= in.len)
				return -LB_E_FORMAT;
			if (dq) {
				r = put_escape(b, lb_slice_make(in.p + i + 1, in.len - i - 1));
				if (r < 0)
					return r;
				i += 1 + (size_t)r;
				continue;
			}
			next = in.p[i + 1];
			if (next == '\\' || next == close || (open && next == open)) {
				i++;
				c = in.p[i];
			}
		} else if (dq && c == '#' && i + 1 < in.len &&
		    (in.p[i + 1] == '{' || in.p[i + 1] == '@' || in.p[i + 1] == '$')) {
			return -LB_E_FORMAT;            /* interpolation: a runtime value */
		}
		if ((r = lb_buf_add(b, &c, 1)) < 0)
			return r;
		i++;
	}
	in.p += i + 1;
	in.len -= i + 1;
	lb_slice_eat(&in, ".freeze");
	*s = in;
	return 0;
}

/* True when s holds nothing but blanks and maybe a comment. */
static bool
at_end(struct lb_slice s)
{
	s = skip_blanks(s);
	return !s.len || s.p[0] == '#';
}

/* The value of "= <literal>" alone on the rest of a line. */
static int
literal_value(struct lb_slice v, struct lb_buf *b)
{
	int r;

	if ((r = ruby_string(&v, b)) < 0)
		return r;
	return at_end(v) ? 0 : -LB_E_FORMAT;
}

/* "Gem::Version.new(<literal>)" or a plain literal. */
static int
version_value(struct lb_slice v, struct lb_buf *b)
{
	int r;

	if (!lb_slice_eat(&v, "Gem::Version.new(") && !lb_slice_eat(&v, "Gem::Version.create("))
		return literal_value(v, b);
	v = skip_blanks(v);
	if ((r = ruby_string(&v, b)) < 0)
		return r;
	v = skip_blanks(v);
	if (!lb_slice_eat(&v, ")"))
		return -LB_E_FORMAT;
	return at_end(v) ? 0 : -LB_E_FORMAT;
}

/* "[<literal>, <literal>...]" joined with ", " into out (reset). */
static int
list_value(struct lb_slice v, struct lb_buf *item, struct lb_buf *out)
{
	int r;

	lb_buf_reset(out);
	if (!lb_slice_eat(&v, "["))
		return -LB_E_FORMAT;
	for (;;) {
		v = skip_blanks(v);
		if (lb_slice_eat(&v, "]"))
			break;
		if ((r = ruby_string(&v, item)) < 0)
			return r;
		if (item->len) {
			if (out->len && (r = lb_buf_add(out, ", ", 2)) < 0)
				return r;
			if ((r = lb_buf_add(out, item->p, item->len)) < 0)
				return r;
		}
		v = skip_blanks(v);
		if (lb_slice_eat(&v, ","))
			continue;
		if (!lb_slice_eat(&v, "]"))
			return -LB_E_FORMAT;
		break;
	}
	return at_end(v) ? 0 : -LB_E_FORMAT;
}

/* --- specifications/NAME.gemspec ---------------------------------------- */

/* Whether path is a file directly in a specifications folder (or its
 * default/ subfolder, where Ruby's default gems are). */
static bool
is_installed_spec(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct lb_slice dir;

	if (!slash || strcmp(slash + 1, ".gemspec") == 0)
		return false;
	dir = lb_slice_make(path, (size_t)(slash - path));
	if (lb_slice_ends(dir, "/default") || lb_slice_eq(dir, "default"))
		dir.len -= dir.len == 7 ? 7 : 8;
	return lb_slice_eq(dir, "specifications") || lb_slice_ends(dir, "/specifications");
}

enum { G_NAME, G_VERSION, G_PLATFORM, G_LICENSE, G_COUNT };

struct gemspec {
	char var[64];                 /* the block variable: "s", "spec" */
	size_t varlen;
	bool started;
	struct lb_buf val[G_COUNT];
	bool has[G_COUNT];
	size_t badline[G_COUNT];      /* line of an assignment that was not read */
};

/* "Gem::Specification.new do |s|" (or "{ |s|"): starts the block and
 * learns the variable's name. */
static void
spec_start(struct gemspec *g, struct lb_slice line)
{
	struct lb_slice l = skip_blanks(line);
	const char *bar;

	if (!lb_slice_eat(&l, "Gem::Specification.new"))
		return;
	g->started = true;
	if (!(bar = memchr(l.p, '|', l.len)))
		return;
	l = lb_slice_make(bar + 1, l.len - (size_t)(bar + 1 - l.p));
	l = skip_blanks(l);
	for (g->varlen = 0; g->varlen < l.len && g->varlen < sizeof(g->var) - 1; g->varlen++) {
		char c = l.p[g->varlen];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_'))
			break;
	}
	memcpy(g->var, l.p, g->varlen);
	g->var[g->varlen] = 0;
}

/* One line inside the block: "<var>.<field> = <value>". */
static void
spec_line(struct gemspec *g, struct lb_slice line, size_t lineno, struct lb_buf *tmp)
{
	static const char *const fields[G_COUNT + 1] = { "name", "version", "platform", "licenses",
		"license" };
	struct lb_slice l = skip_blanks(line);
	size_t i;
	int k, r;

	if (g->varlen) {
		if (l.len <= g->varlen || memcmp(l.p, g->var, g->varlen) != 0 ||
		    l.p[g->varlen] != '.')
			return;
		l.p += g->varlen + 1;
		l.len -= g->varlen + 1;
	} else {
		/* no "|s|" was seen: any identifier */
		for (i = 0; i < l.len && l.p[i] != '.'; i++)
			if (!((l.p[i] >= 'a' && l.p[i] <= 'z') || l.p[i] == '_'))
				return;
		if (i == 0 || i == l.len)
			return;
		l.p += i + 1;
		l.len -= i + 1;
	}
	for (k = 0; k <= G_COUNT; k++) {
		size_t n = strlen(fields[k]);

		if (l.len > n && memcmp(l.p, fields[k], n) == 0 &&
		    (l.p[n] == ' ' || l.p[n] == '\t' || l.p[n] == '='))
			break;
	}
	if (k > G_COUNT)
		return;
	l.p += strlen(fields[k]);
	l.len -= strlen(fields[k]);
	l = skip_blanks(l);
	/* an assignment, not "==" */
	if (!lb_slice_eat(&l, "=") || (l.len && (l.p[0] == '=' || l.p[0] == '~')))
		return;
	l = skip_blanks(l);
	switch (k) {
	case G_VERSION:
		r = version_value(l, &g->val[k]);
		break;
	case G_LICENSE:        /* "licenses = [...]" */
		r = list_value(l, tmp, &g->val[k]);
		break;
	case G_COUNT:          /* "license = ..." sets the same list */
		k = G_LICENSE;
		r = literal_value(l, &g->val[k]);
		break;
	default:
		r = literal_value(l, &g->val[k]);
		break;
	}
	/* the last assignment wins, as in Ruby; one that cannot be read
	 * leaves the field unknown */
	g->has[k] = r == 0;
	g->badline[k] = r == 0 ? 0 : lineno;
}

static int
scan_gemspec(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_inventory *out)
{
	struct rb_lines *rd = lb_xcalloc(1, sizeof(*rd));
	struct gemspec g;
	struct lb_buf tmp = LB_BUF_INIT(RB_MAX_VALUE);
	struct lb_slice line, name, version, platform, shown = LB_SLICE_NULL;
	const char *why = NULL, *license;
	char msg[128];
	size_t whyline = 0;

	memset(&g, 0, sizeof(g));
	for (int k = 0; k < G_COUNT; k++)
		g.val[k] = LB_BUF_INIT(k == G_LICENSE ? 4 * RB_MAX_VALUE : RB_MAX_VALUE);
	rd->is = is;
	while (rb_next_line(rd, &line)) {
		if (!g.started)
			spec_start(&g, line);
		else
			spec_line(&g, line, rd->lineno, &tmp);
	}
	if (rd->err < 0) {
		lb_warn(cx, "cannot read '%s': %s", f->path, lb_strerror(rd->err));
		goto out;
	}
	name = lb_slice_make(g.val[G_NAME].p, g.val[G_NAME].len);
	version = lb_slice_make(g.val[G_VERSION].p, g.val[G_VERSION].len);
	platform = lb_slice_make(g.val[G_PLATFORM].p,
	    g.has[G_PLATFORM] ? g.val[G_PLATFORM].len : 0);
	if (!g.started) {
		why = "no 'Gem::Specification.new' block";
	} else if (!g.has[G_NAME]) {
		why = g.badline[G_NAME] ? "the name is not a string literal" : "no name";
		whyline = g.badline[G_NAME];
	} else if (!g.has[G_VERSION]) {
		why = g.badline[G_VERSION] ? "the version is not a string literal" : "no version";
		whyline = g.badline[G_VERSION];
	} else if (!valid_name(name)) {
		why = "invalid gem name";
		shown = name;
	} else if (!valid_version(version)) {
		why = "invalid version";
		shown = version;
	} else if (platform.len && !valid_platform(platform)) {
		why = "invalid platform";
		shown = platform;
	}
	if (shown.len) {
		/* the value, shortened (the log makes it printable) */
		snprintf(msg, sizeof(msg), "%s '%.*s'", why, (int)(shown.len < 64 ? shown.len : 64),
		    shown.p);
		why = msg;
	}
	if (why) {
		if (rd->bytes < f->real_size)
			lb_warn(cx, "cannot parse '%s': %s; file truncated to %llu of %llu bytes",
			    f->path, why, (unsigned long long)rd->bytes,
			    (unsigned long long)f->real_size);
		else if (whyline)
			lb_warn(cx, "cannot parse '%s' line %zu: %s", f->path, whyline, why);
		else
			lb_warn(cx, "cannot parse '%s': %s", f->path, why);
		goto out;
	}
	license = g.has[G_LICENSE] && g.val[G_LICENSE].len ? (const char *)g.val[G_LICENSE].p :
	    NULL;
	add_gem(out, f, name, version, platform, license, false);
out:
	for (int k = 0; k < G_COUNT; k++)
		lb_buf_release(&g.val[k]);
	lb_buf_release(&tmp);
	free(rd);
	return 0;
}

/* --- Gemfile.lock ------------------------------------------------------- */

/* Sections whose "specs:" list gems (Bundler's lockfile_parser SOURCE
 * sections). */
static bool
is_source_section(struct lb_slice s)
{
	return lb_slice_eq(s, "GEM") || lb_slice_eq(s, "GIT") || lb_slice_eq(s, "PATH") ||
	    lb_slice_eq(s, "PLUGIN SOURCE");
}

static size_t
indent(struct lb_slice l)
{
	size_t n = 0;

	while (n < l.len && l.p[n] == ' ')
		n++;
	return n;
}

/* "name (version[-platform])" -> the parts; false when the line is not
 * that. */
static bool
spec_entry(struct lb_slice l, struct lb_slice *name, struct lb_slice *ver, struct lb_slice *plat)
{
	const char *open = l.len ? memchr(l.p, '(', l.len) : NULL;
	struct lb_slice in;
	const char *dash;

	if (!open || open == l.p || open[-1] != ' ' || l.p[l.len - 1] != ')')
		return false;
	*name = lb_slice_make(l.p, (size_t)(open - 1 - l.p));
	in = lb_slice_make(open + 1, l.len - (size_t)(open + 1 - l.p) - 1);
	dash = in.len ? memchr(in.p, '-', in.len) : NULL;
	*ver = dash ? lb_slice_make(in.p, (size_t)(dash - in.p)) : in;
	*plat = dash ? lb_slice_make(dash + 1, in.len - ver->len - 1) : LB_SLICE_NULL;
	return valid_name(*name) && valid_version(*ver) && (!dash || valid_platform(*plat));
}

static int
scan_gemfile_lock(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_inventory *out)
{
	struct rb_lines *rd = lb_xcalloc(1, sizeof(*rd));
	struct rb_seen seen = { LB_HMAP_INIT, NULL, 0, 0 };
	struct lb_slice line, name, ver, plat;
	bool source = false, specs = false;
	size_t nbad = 0, badline = 0, old;

	rd->is = is;
	while (rb_next_line(rd, &line)) {
		size_t in = indent(line);

		if (in == line.len)
			continue;                 /* blank */
		if (in == 0) {
			source = is_source_section(line);
			specs = false;
			continue;
		}
		if (in == 2) {
			specs = source && lb_slice_eq(line, "  specs:");
			continue;
		}
		if (in != 4 || !specs)
			continue;                 /* a requirement (6), or not a spec */
		line.p += 4;
		line.len -= 4;
		if (!spec_entry(line, &name, &ver, &plat)) {
			if (!nbad++)
				badline = rd->lineno;
			continue;
		}
		if ((old = rb_seen_put(&seen, name, ver, out->npkgs)) != 0) {
			/* the same gem for another platform: the arch is not known */
			struct lb_pkg *p = &out->pkgs[old - 1];
			bool ruby = !plat.len || lb_slice_eq(plat, "ruby");

			if (p->arch && (ruby || !lb_slice_eq(plat, p->arch))) {
				free(p->arch);
				p->arch = NULL;
			}
			continue;
		}
		add_gem(out, f, name, ver, plat, NULL, true);
	}
	if (rd->err < 0)
		lb_warn(cx, "cannot read '%s': %s", f->path, lb_strerror(rd->err));
	else if (rd->bytes < f->real_size)
		warn_truncated(cx, f, rd);
	else if (nbad > 1)
		lb_warn(cx, "cannot parse '%s' line %zu: expected '    name (version)' "
		    "(%zu bad lines skipped)", f->path, badline, nbad);
	else if (nbad)
		lb_warn(cx, "cannot parse '%s' line %zu: expected '    name (version)'", f->path,
		    badline);
	rb_seen_release(&seen);
	free(rd);
	return 0;
}

static bool
base_is(const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');

	return strcmp(slash ? slash + 1 : path, name) == 0;
}

static int
ruby_scan_file(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_inventory *out)
{
	if (base_is(f->path, "Gemfile.lock") || base_is(f->path, "gems.locked"))
		return scan_gemfile_lock(cx, f, is, out);
	if (lb_slice_ends(lb_slice_str(f->path), ".gemspec") && is_installed_spec(f->path))
		return scan_gemspec(cx, f, is, out);
	return 0;
}

const struct lb_analyzer_ops lb_an_ruby = {
	.name = "ruby",
	.stream_interests = ruby_stream_interests,
	.scan_file = ruby_scan_file,
};
