/* an_cargo.c - Rust's Cargo.lock: the crates a project resolved, reported
 * as declared packages (pkg:cargo). What a binary really holds comes from
 * its cargo-auditable section (an_binary.c).
 *
 * Cargo writes the file itself (cargo/src/cargo/core/resolver/encode.rs),
 * one [[package]] table per crate with one key per line:
 *
 *   [[package]]
 *   name = "serde"
 *   version = "1.0.217"
 *   source = "registry+https://github.com/rust-lang/crates.io-index"
 *   checksum = "…"
 *   dependencies = [
 *    "serde_derive",
 *   ]
 *
 * so it is read line by line from the stream, as that layout, not as
 * general TOML: a table header starts a package, and "name" and "version"
 * lines with a plain basic string fill it. A value with an escape or
 * anything but a closing quote after it is not guessed at: the package is
 * skipped and counted in one warning. Crates of the workspace itself (no
 * "source") are reported too: they are what the project builds. Format
 * versions 1 to 4 share this layout ([metadata] checksums of version 1 are
 * ignored). A line longer than CARGO_MAX_LINE is skipped.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_limits.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define CARGO_MAX_LINE  (16u << 10)   /* longest line looked at */
#define CARGO_MAX_VALUE 256           /* longest name or version kept */

static const struct lb_interest cargo_stream_interests[] = {
	{ LB_MATCH_EXACT, "Cargo.lock", NULL, LB_MAX_PKGDB },
	{ LB_MATCH_SUFFIX, NULL, "/Cargo.lock", LB_MAX_PKGDB },
	{ 0, NULL, NULL, 0 },
};

struct cargo {
	struct lb_ctx *cx;
	const struct lb_file *f;
	struct lb_inventory *out;
	bool in_pkg;               /* inside a [[package]] table */
	char name[CARGO_MAX_VALUE + 1], version[CARGO_MAX_VALUE + 1];
	bool bad;                  /* this package has a value not taken */
	size_t nbad, badline, lineno, pkgline;
	bool in_table;             /* past the first table header */
	size_t junkline;           /* first top-level line that is no "key = value" */
};

/* A crate name as crates.io allows it ([A-Za-z0-9_-]) or a version
 * (SemVer: [0-9A-Za-z.+-]); both kept to what cargo writes. */
static bool
valid_value(struct lb_slice v, bool version)
{
	if (!v.len || v.len > CARGO_MAX_VALUE)
		return false;
	for (size_t i = 0; i < v.len; i++) {
		char c = v.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || (version && (c == '.' || c == '+'))))
			return false;
	}
	return true;
}

static void
finish_pkg(struct cargo *c)
{
	struct lb_pkg *p;

	if (!c->in_pkg)
		return;
	c->in_pkg = false;
	if (c->bad || !c->name[0] || !c->version[0]) {
		if (!c->nbad++)
			c->badline = c->pkgline;
		return;
	}
	p = lb_inventory_add_pkg(c->out);
	p->type = lb_xstrdup("cargo");
	p->name = lb_xstrdup(c->name);
	p->version = lb_xstrdup(c->version);
	p->declared = true;
}

/* `key = "value"`: the value when the line is exactly that, with a plain
 * string (no escapes); *ok false when the key matched but the value did
 * not. */
static bool
key_value(struct lb_slice line, const char *key, struct lb_slice *val, bool *ok)
{
	struct lb_slice s = line;
	const char *q;

	*ok = false;
	if (!lb_slice_eat(&s, key))
		return false;
	s = lb_slice_trim(s);
	if (!lb_slice_eat(&s, "="))
		return false;
	s = lb_slice_trim(s);
	if (!lb_slice_eat(&s, "\""))
		return true;
	if (!(q = memchr(s.p, '"', s.len)) || memchr(s.p, '\\', (size_t)(q - s.p)))
		return true;
	*val = lb_slice_make(s.p, (size_t)(q - s.p));
	s = lb_slice_trim(lb_slice_make(q + 1, s.len - (size_t)(q + 1 - s.p)));
	*ok = s.len == 0 || s.p[0] == '#';
	return true;
}

static void
on_line(struct cargo *c, struct lb_slice line)
{
	struct lb_slice v = LB_SLICE_NULL;
	bool ok;

	line = lb_slice_trim(line);
	if (!line.len || line.p[0] == '#')
		return;
	if (line.p[0] == '[') {
		/* a table header (array items, ' "serde",', start with '"') */
		c->in_table = true;
		finish_pkg(c);
		if (lb_slice_eq(line, "[[package]]")) {
			c->in_pkg = true;
			c->pkgline = c->lineno;
			c->bad = false;
			c->name[0] = c->version[0] = 0;
		}
		return;
	}
	if (!c->in_table && !memchr(line.p, '=', line.len) && !c->junkline)
		c->junkline = c->lineno;
	if (!c->in_pkg)
		return;
	if (key_value(line, "name", &v, &ok)) {
		if (!ok || !valid_value(v, false)) {
			c->bad = true;
			return;
		}
		memcpy(c->name, v.p, v.len);
		c->name[v.len] = 0;
	} else if (key_value(line, "version", &v, &ok)) {
		if (!ok || !valid_value(v, true)) {
			c->bad = true;
			return;
		}
		memcpy(c->version, v.p, v.len);
		c->version[v.len] = 0;
	}
}

static int
cargo_scan_file(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_inventory *out)
{
	struct cargo c = { .cx = cx, .f = f, .out = out };
	char *buf = lb_xmalloc(CARGO_MAX_LINE);
	size_t start = 0, end = 0;
	bool skipping = false, eof = false;
	uint64_t bytes = 0;
	ssize_t n;

	for (;;) {
		char *nl = end > start ? memchr(buf + start, '\n', end - start) : NULL;

		if (nl || (eof && end > start)) {
			size_t len = nl ? (size_t)(nl - buf - start) : end - start;

			c.lineno++;
			if (!skipping) {
				struct lb_slice line = lb_slice_make(buf + start, len);
				if (memchr(line.p, 0, line.len)) {
					if (c.in_pkg)
						c.bad = true;
				} else {
					on_line(&c, line);
				}
			}
			skipping = false;
			start += len + (nl ? 1 : 0);
			continue;
		}
		if (eof)
			break;
		if (start) {
			memmove(buf, buf + start, end - start);
			end -= start;
			start = 0;
		}
		if (end == CARGO_MAX_LINE) {
			/* a line longer than the buffer: dropped up to its end */
			if (!skipping && c.in_pkg)
				c.bad = true;
			skipping = true;
			end = 0;
		}
		if ((n = lb_is_read(is, buf + end, CARGO_MAX_LINE - end)) < 0) {
			free(buf);
			return 0;       /* the walk reports the broken stream */
		}
		if (n == 0)
			eof = true;
		end += (size_t)n;
		bytes += (uint64_t)n;
	}
	finish_pkg(&c);
	free(buf);
	if (c.junkline)
		lb_warn(cx, "cannot parse '%s' line %zu: not a Cargo.lock (no \"key = value\")", f->path,
		    c.junkline);
	else if (c.nbad)
		lb_warn(cx, "cannot parse '%s' line %zu: a [[package]] without a plain name and version "
		    "(%zu skipped)", f->path, c.badline, c.nbad);
	if (bytes < f->real_size)
		lb_warn(cx, "cannot read all of '%s': read %llu of %llu bytes", f->path,
		    (unsigned long long)bytes, (unsigned long long)f->real_size);
	return 0;
}

const struct lb_analyzer_ops lb_an_cargo = {
	.name = "cargo",
	.stream_interests = cargo_stream_interests,
	.scan_file = cargo_scan_file,
};
