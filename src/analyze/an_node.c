/* an_node.c - Node.js packages: installed node_modules and lockfiles.
 *
 * Installed: the package.json directly inside a package folder of a
 * node_modules folder, "node_modules/<name>/package.json" or
 * "node_modules/@scope/<name>/package.json", at any depth (nested
 * installs, pnpm's node_modules/.pnpm/<id>/node_modules/<name>, global
 * npm under usr/lib/node_modules and usr/local/lib/node_modules). Other
 * package.json files (an app's own, a package's subfolders such as
 * esm/package.json) are not evidence of an installed package: the
 * stream interests do not even match them.
 *
 * Declared (marked declared), except inside node_modules:
 *   - package-lock.json / npm-shrinkwrap.json: lockfileVersion 2 and 3
 *     "packages" keyed by "node_modules/..." paths; version 1 nested
 *     "dependencies" (docs.npmjs.com "package-lock.json")
 *   - yarn.lock: v1 (its own format) and berry (YAML), read line by line
 *   - pnpm-lock.yaml: lockfile versions 5 ("/name/1.0.0_peer"), 6
 *     ("/name@1.0.0(peer)") and 9 ("name@1.0.0"), read with libyaml
 * Local packages (workspaces, links, folders) are not from a registry
 * and are skipped. A name@version appears once per lockfile.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define NODE_MAX_PKGJSON  LB_MAX_SMALL_FILE  /* one package.json */
#define NODE_MAX_LOCK     (32u << 20)        /* one lockfile */
#define NODE_MAX_V1_DEPTH 256                /* nested "dependencies" of a v1 lockfile */
#define NODE_MAX_NAME     214                /* npm's limit on package names */
#define NODE_MAX_FLOW_DEPTH 256              /* [ and { nesting in pnpm-lock.yaml */

static const struct lb_interest node_stream[] = {
	/* installed_package_json's paths: others are not even streamed */
	{ LB_MATCH_TAIL, "node_modules/*", "/package.json", NODE_MAX_PKGJSON },
	{ LB_MATCH_TAIL, "node_modules/@*/*", "/package.json", NODE_MAX_PKGJSON },
	{ LB_MATCH_SUFFIX, NULL, "package-lock.json", NODE_MAX_LOCK },
	{ LB_MATCH_SUFFIX, NULL, "npm-shrinkwrap.json", NODE_MAX_LOCK },
	{ LB_MATCH_SUFFIX, NULL, "yarn.lock", NODE_MAX_LOCK },
	{ LB_MATCH_SUFFIX, NULL, "pnpm-lock.yaml", NODE_MAX_LOCK },
	{ 0, NULL, NULL, 0 },
};

/* --- helpers ------------------------------------------------------------- */

/* npm names: at most 214 bytes, no blanks, control bytes or characters
 * that lockfile syntax uses; '@' only to start "@scope/name". */
static bool
valid_name(struct lb_slice n)
{
	const char *slash;

	if (!n.len || n.len > NODE_MAX_NAME)
		return false;
	for (size_t i = 0; i < n.len; i++) {
		unsigned char c = (unsigned char)n.p[i];
		if (c <= ' ' || c == 0x7f || c == '"' || c == '\'' || c == '\\' || c == ',' ||
		    c == ':' || (c == '@' && i > 0))
			return false;
	}
	slash = memchr(n.p, '/', n.len);
	if (n.p[0] == '@')
		return slash && slash > n.p + 1 && slash + 1 < n.p + n.len &&
		    !memchr(slash + 1, '/', n.len - (size_t)(slash + 1 - n.p));
	return !slash;
}

static bool
valid_version(struct lb_slice v)
{
	if (!v.len || v.len > 256)
		return false;
	for (size_t i = 0; i < v.len; i++)
		if ((unsigned char)v.p[i] <= ' ' || v.p[i] == 0x7f)
			return false;
	return true;
}

/* A registry version: starts with a digit (or 'v'), and holds no URL or
 * path characters, unlike "git+ssh://...#abc" or "file:../x". */
static bool
registry_version(struct lb_slice v)
{
	if (!valid_version(v))
		return false;
	if (!(v.p[0] >= '0' && v.p[0] <= '9') && !(v.p[0] == 'v' && v.len > 1 && v.p[1] >= '0' && v.p[1] <= '9'))
		return false;
	return !memchr(v.p, ':', v.len) && !memchr(v.p, '/', v.len);
}

static struct lb_pkg *
add_pkg(struct lb_inventory *out, struct lb_slice name, struct lb_slice version, bool declared)
{
	struct lb_pkg *p = lb_inventory_add_pkg(out);

	p->type = lb_xstrdup("npm");
	p->name = lb_xstrndup(name.p, name.len);
	p->version = lb_xstrndup(version.p, version.len);
	p->declared = declared;
	return p;
}

/* Adds a declared name@version once per lockfile. */
static bool
add_declared(struct lb_inventory *out, struct lb_seen *seen, struct lb_slice name, struct lb_slice version)
{
	if (!valid_name(name) || !valid_version(version))
		return false;
	if (lb_seen_add(seen, name, version))
		add_pkg(out, name, version, true);
	return true;
}

static struct lb_slice
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? lb_slice_make(json_string_value(v), json_string_length(v)) :
	    LB_SLICE_NULL;
}

/* The index of the first '@' after position 0 ("@scope/x@1" -> 8), or
 * SIZE_MAX. */
static size_t
at_index(struct lb_slice s)
{
	const char *at = s.len > 1 ? memchr(s.p + 1, '@', s.len - 1) : NULL;

	return at ? (size_t)(at - s.p) : SIZE_MAX;
}

/* --- installed package.json ---------------------------------------------- */

/* The component of path ending just before end (exclusive). */
static struct lb_slice
component_before(const char *path, const char *end)
{
	const char *s = end;

	while (s > path && s[-1] != '/')
		s--;
	return lb_slice_make(s, (size_t)(end - s));
}

/* Whether path is "<...>node_modules/<name>/package.json" or
 * "<...>node_modules/@scope/<name>/package.json". */
static bool
installed_package_json(const char *path)
{
	size_t n = strlen(path);
	struct lb_slice name, up;

	if (n < 13 || strcmp(path + n - 13, "/package.json") != 0)
		return false;
	name = component_before(path, path + n - 13);
	if (!name.len || name.p == path || name.p[0] == '.' || name.p[0] == '@')
		return false;    /* .bin, .pnpm, a scope folder */
	up = component_before(path, name.p - 1);
	if (lb_slice_eq(up, "node_modules"))
		return true;
	if (up.len < 2 || up.p[0] != '@' || up.p == path)
		return false;
	return lb_slice_eq(component_before(path, up.p - 1), "node_modules");
}

/* license: "MIT" or { "type": "MIT" }; licenses: [ "MIT" | { "type": "MIT" } ]
 * (the old form), joined with " OR ". */
static char *
package_license(json_t *root)
{
	json_t *l = json_object_get(root, "license"), *e;
	struct lb_buf b = LB_BUF_INIT(4096);
	size_t i;

	if (json_is_object(l))
		l = json_object_get(l, "type");
	if (json_is_string(l) && json_string_length(l))
		return lb_xstrndup(json_string_value(l), json_string_length(l));
	l = json_object_get(root, "licenses");
	if (!json_is_array(l))
		return NULL;
	json_array_foreach(l, i, e) {
		if (json_is_object(e))
			e = json_object_get(e, "type");
		if (!json_is_string(e) || !json_string_length(e))
			continue;
		if ((b.len && lb_buf_add(&b, " OR ", 4) < 0) ||
		    lb_buf_add(&b, json_string_value(e), json_string_length(e)) < 0)
			break;
	}
	if (!b.len) {
		lb_buf_release(&b);
		return NULL;
	}
	return lb_buf_detach(&b, NULL);
}

/* A fast path for the usual package.json: one pass over the top-level
 * object that keeps the spans of "name", "version", "license" and
 * "licenses" and skips every other value by counting brackets outside
 * strings, with no allocation. Anything unusual (an escape or a non-ASCII
 * byte in name or version, a control byte in a string, bad syntax,
 * nesting deeper than jansson allows, trailing bytes) returns false, and
 * jansson reads the file instead, so the results and the warnings are
 * jansson's. */
struct pj_fast {
	struct lb_slice name, version, license, licenses;   /* license(s): raw JSON values */
};

static const char *
pj_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* At '"': returns the byte after the closing quote, or NULL; *raw gets
 * the content and *plain whether it has no escapes and only printable ASCII. */
static const char *
pj_string(const char *p, const char *end, struct lb_slice *raw, bool *plain)
{
	const char *s = ++p;

	*plain = true;
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"') {
			*raw = lb_slice_make(s, (size_t)(p - s));
			return p + 1;
		}
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			*plain = false;
			if (++p == end)
				return NULL;
		} else if (c >= 0x7f) {
			*plain = false;
		}
	}
	return NULL;
}

/* At a JSON number or literal: the byte after it, or NULL (RFC 8259 grammar). */
static const char *
pj_scalar(const char *p, const char *end)
{
	static const char *const words[] = { "true", "false", "null" };
	const char *d;

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(end - p) >= n && memcmp(p, words[i], n) == 0)
			return p + n;
	}
	if (p < end && *p == '-')
		p++;
	if (p == end || *p < '0' || *p > '9')
		return NULL;
	if (*p == '0')
		p++;
	else
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	if (p < end && *p == '.') {
		for (d = ++p; p < end && *p >= '0' && *p <= '9';)
			p++;
		if (p == d)
			return NULL;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		for (d = p; p < end && *p >= '0' && *p <= '9';)
			p++;
		if (p == d)
			return NULL;
	}
	return p;
}

/* Skips one value, checking its syntax; returns the byte after it, or
 * NULL. Containers are tracked in a bit stack, as deep as jansson goes. */
static const char *
pj_skip(const char *p, const char *end)
{
	enum { S_VALUE, S_VALUE_OR_END, S_KEY_OR_END, S_KEY, S_COLON, S_NEXT } st = S_VALUE;
	uint8_t objs[2048 / 8];
	size_t depth = 0;
	struct lb_slice raw;
	bool plain, closed;

	for (;;) {
		p = pj_ws(p, end);
		if (p == end)
			return NULL;
		closed = false;
		switch (st) {
		case S_VALUE_OR_END:
			if (*p == ']') {
				p++;
				depth--;
				closed = true;
				break;
			}
			/* fall through */
		case S_VALUE:
			if (*p == '[' || *p == '{') {
				if (depth == 2048)
					return NULL;
				if (*p == '{')
					objs[depth / 8] |= (uint8_t)(1u << (depth % 8));
				else
					objs[depth / 8] &= (uint8_t)~(1u << (depth % 8));
				st = *p == '{' ? S_KEY_OR_END : S_VALUE_OR_END;
				depth++;
				p++;
				continue;
			}
			if (*p == '"')
				p = pj_string(p, end, &raw, &plain);
			else
				p = pj_scalar(p, end);
			if (!p)
				return NULL;
			closed = true;
			break;
		case S_KEY_OR_END:
			if (*p == '}') {
				p++;
				depth--;
				closed = true;
				break;
			}
			/* fall through */
		case S_KEY:
			if (*p != '"' || !(p = pj_string(p, end, &raw, &plain)))
				return NULL;
			st = S_COLON;
			continue;
		case S_COLON:
			if (*p++ != ':')
				return NULL;
			st = S_VALUE;
			continue;
		case S_NEXT: {
			bool obj = objs[(depth - 1) / 8] & (1u << ((depth - 1) % 8));
			if (*p == ',') {
				p++;
				st = obj ? S_KEY : S_VALUE;
				continue;
			}
			if (*p != (obj ? '}' : ']'))
				return NULL;
			p++;
			depth--;
			closed = true;
			break;
		}
		}
		if (closed && !depth)
			return p;
		st = S_NEXT;
	}
}

/* Calls fn for each member of the object at p (which must be '{') with
 * its key and the span of its value, syntax-checked. Returns the byte
 * after the object, or NULL when the syntax is wrong, a key is not plain
 * (escapes, non-ASCII) or fn returns false. */
static const char *
pj_object(const char *p, const char *end,
    bool (*fn)(void *arg, struct lb_slice key, struct lb_slice val), void *arg)
{
	struct lb_slice key;
	bool plain;

	if (p == end || *p++ != '{')
		return NULL;
	p = pj_ws(p, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		const char *v;

		if (p == end || *p != '"' || !(p = pj_string(p, end, &key, &plain)) || !plain)
			return NULL;
		p = pj_ws(p, end);
		if (p == end || *p++ != ':')
			return NULL;
		v = p = pj_ws(p, end);
		if (!(p = pj_skip(p, end)) || !fn(arg, key, lb_slice_make(v, (size_t)(p - v))))
			return NULL;
		p = pj_ws(p, end);
		if (p < end && *p == ',') {
			p = pj_ws(p + 1, end);
			continue;
		}
		return p < end && *p == '}' ? p + 1 : NULL;
	}
}

/* The content of a string value without escapes or non-ASCII bytes. */
static bool
pj_plain_string(struct lb_slice val, struct lb_slice *out)
{
	bool plain;

	return val.len && val.p[0] == '"' && pj_string(val.p, val.p + val.len, out, &plain) && plain;
}

/* Parses a whole document whose top is an object, as pj_object. */
static bool
pj_document(const char *p, size_t len, bool (*fn)(void *arg, struct lb_slice key, struct lb_slice val),
    void *arg)
{
	const char *end = p + len;

	p = pj_object(pj_ws(p, end), end, fn, arg);
	return p && pj_ws(p, end) == end;
}

static bool
pj_fast_member(void *arg, struct lb_slice key, struct lb_slice val)
{
	struct pj_fast *out = arg;

	if (lb_slice_eq(key, "name"))
		return pj_plain_string(val, &out->name);    /* else jansson says what it is */
	if (lb_slice_eq(key, "version"))
		return pj_plain_string(val, &out->version);
	if (lb_slice_eq(key, "license"))
		out->license = val;
	else if (lb_slice_eq(key, "licenses"))
		out->licenses = val;
	return true;
}

static bool
pj_fast_read(const char *p, size_t len, struct pj_fast *out)
{
	memset(out, 0, sizeof(*out));
	return pj_document(p, len, pj_fast_member, out);
}

/* License from the raw license / licenses values of the fast path. */
static char *
pj_fast_license(const struct pj_fast *pf)
{
	json_t *root, *v;
	struct lb_slice str;
	char *lic;

	if (pj_plain_string(pf->license, &str) && str.len)
		return lb_xstrndup(str.p, str.len);
	root = json_object();
	if (pf->license.len && (v = json_loadb(pf->license.p, pf->license.len, JSON_DECODE_ANY, NULL)))
		json_object_set_new(root, "license", v);
	if (pf->licenses.len && (v = json_loadb(pf->licenses.p, pf->licenses.len, JSON_DECODE_ANY, NULL)))
		json_object_set_new(root, "licenses", v);
	lic = package_license(root);
	json_decref(root);
	return lic;
}

static void
package_json_scan(struct lb_ctx *cx, const struct lb_file *f, const char *data, size_t len,
    struct lb_inventory *out)
{
	struct pj_fast pf;
	json_error_t err;
	json_t *root;
	struct lb_slice name, version;
	struct lb_pkg *p;

	if (pj_fast_read(data, len, &pf) && pf.name.len && pf.version.len && valid_name(pf.name) &&
	    valid_version(pf.version)) {
		p = add_pkg(out, pf.name, pf.version, false);
		if (pf.license.len || pf.licenses.len)
			p->license = pj_fast_license(&pf);
		return;
	}
	root = json_loadb(data, len, 0, &err);
	if (!root) {
		lb_warn(cx, "cannot parse '%s' line %d: %s", f->path, err.line, err.text);
		return;
	}
	if (!json_is_object(root)) {
		lb_warn(cx, "cannot parse '%s': not a JSON object", f->path);
		goto out;
	}
	name = jstr(root, "name");
	version = jstr(root, "version");
	if (!name.len || !version.len) {
		lb_warn(cx, "cannot parse '%s': no %s", f->path, name.len ? "version" : "name");
		goto out;
	}
	if (!valid_name(name) || !valid_version(version) || memchr(name.p, 0, name.len) ||
	    memchr(version.p, 0, version.len)) {
		lb_warn(cx, "cannot parse '%s': invalid %s", f->path,
		    valid_name(name) ? "version" : "name");
		goto out;
	}
	p = add_pkg(out, name, version, false);
	p->license = package_license(root);
out:
	json_decref(root);
}

/* --- package-lock.json ------------------------------------------------------ */

struct lock_ctx {
	struct lb_inventory *out;
	struct lb_seen seen;
	size_t nbad;           /* entries with a version that cannot be read */
	bool deep;             /* v1 dependencies nested too deeply */
};

/* v1: name -> { version, dependencies: { ... } }; version can be
 * "npm:real@1.0.0" for an alias, or a git URL or a file: path. */
static void
lock_v1(struct lock_ctx *lc, json_t *deps, int depth)
{
	const char *key;
	json_t *v;

	if (depth > NODE_MAX_V1_DEPTH) {
		lc->deep = true;
		return;
	}
	json_object_foreach(deps, key, v) {
		struct lb_slice name = lb_slice_str(key), version = jstr(v, "version");
		json_t *sub;

		if (!json_is_object(v))
			continue;
		if (lb_slice_eat(&version, "npm:")) {
			size_t at = at_index(version);
			if (at != SIZE_MAX) {
				name = lb_slice_make(version.p, at);
				version = lb_slice_make(version.p + at + 1, version.len - at - 1);
			}
		}
		if (registry_version(version)) {
			if (!add_declared(lc->out, &lc->seen, name, version))
				lc->nbad++;
		}
		/* git and file: entries are not from the registry: skipped */
		sub = json_object_get(v, "dependencies");
		if (json_is_object(sub))
			lock_v1(lc, sub, depth + 1);
	}
}

/* One v2/v3 entry: "node_modules/a/node_modules/@s/b" -> { name?, version,
 * link?, resolved? } (name and version NULL slices when absent). */
static void
lock_entry(struct lock_ctx *lc, struct lb_slice key, struct lb_slice name, struct lb_slice version,
    bool link, struct lb_slice resolved)
{
	struct lb_slice nm = LB_SLICE_NULL;

	if (link || lb_slice_starts(resolved, "file:"))
		return;        /* a symlink to a workspace folder, a local archive */
	for (size_t i = 0; i + 13 <= key.len; i++)
		if ((i == 0 || key.p[i - 1] == '/') && memcmp(key.p + i, "node_modules/", 13) == 0)
			nm = lb_slice_make(key.p + i + 13, key.len - i - 13);
	if (!nm.p)
		return;        /* the root "" or a workspace folder */
	if (!name.len)
		name = nm;     /* an alias installs another name: "name" says which */
	if (!version.len)
		return;
	if (!add_declared(lc->out, &lc->seen, name, version))
		lc->nbad++;
}

static void
lock_packages(struct lock_ctx *lc, json_t *pkgs)
{
	const char *key;
	json_t *v;

	json_object_foreach(pkgs, key, v) {
		if (json_is_object(v))
			lock_entry(lc, lb_slice_str(key), jstr(v, "name"), jstr(v, "version"),
			    json_is_true(json_object_get(v, "link")), jstr(v, "resolved"));
	}
}

/* The fast path for v2/v3 lockfiles (see pj_object): the "packages" map
 * read without building a tree; v1 lockfiles and anything unusual go to
 * jansson. */
struct lock_fast_entry {
	struct lb_slice name, version, resolved;
	bool link;
};

static bool
lock_fast_entry_member(void *arg, struct lb_slice key, struct lb_slice val)
{
	struct lock_fast_entry *e = arg;

	if (lb_slice_eq(key, "name"))
		return pj_plain_string(val, &e->name);
	if (lb_slice_eq(key, "version"))
		return pj_plain_string(val, &e->version);
	if (lb_slice_eq(key, "resolved"))
		return pj_plain_string(val, &e->resolved) || !lb_slice_starts(val, "\"");
	if (lb_slice_eq(key, "link"))
		e->link = lb_slice_eq(val, "true");
	return true;
}

struct lock_fast {
	struct lb_slice packages;
	struct lock_ctx *lc;
	size_t n;
};

static bool
lock_fast_package(void *arg, struct lb_slice key, struct lb_slice val)
{
	struct lock_fast *lf = arg;
	struct lock_fast_entry e;

	memset(&e, 0, sizeof(e));
	if (!val.len || val.p[0] != '{')
		return true;                       /* jansson skips non-objects too */
	if (!pj_object(val.p, val.p + val.len, lock_fast_entry_member, &e))
		return false;
	lf->n++;
	lock_entry(lf->lc, key, e.name, e.version, e.link, e.resolved);
	return true;
}

static bool
lock_fast_root(void *arg, struct lb_slice key, struct lb_slice val)
{
	struct lock_fast *lf = arg;

	if (lb_slice_eq(key, "packages"))
		lf->packages = val;
	return true;
}

static bool
lock_fast(const char *data, size_t len, struct lock_ctx *lc)
{
	struct lock_fast lf = { .lc = lc };
	size_t from = lc->out->npkgs;

	if (!pj_document(data, len, lock_fast_root, &lf) || !lf.packages.len || lf.packages.p[0] != '{')
		return false;
	if (pj_object(lf.packages.p, lf.packages.p + lf.packages.len, lock_fast_package, &lf))
		return true;
	/* undo, and let jansson read it all */
	while (lc->out->npkgs > from)
		lb_pkg_release(&lc->out->pkgs[--lc->out->npkgs]);
	lb_seen_release(&lc->seen);
	lc->nbad = 0;
	return false;
}

static void
package_lock_scan(struct lb_ctx *cx, const struct lb_file *f, const char *data, size_t len,
    struct lb_inventory *out)
{
	struct lock_ctx lc = { .out = out };
	json_error_t err;
	json_t *root = NULL, *pkgs, *deps;

	if (lock_fast(data, len, &lc))
		goto report;
	root = json_loadb(data, len, 0, &err);
	if (!root) {
		lb_warn(cx, "cannot parse '%s' line %d: %s", f->path, err.line, err.text);
		return;
	}
	if (!json_is_object(root)) {
		lb_warn(cx, "cannot parse '%s': not a JSON object", f->path);
		goto out;
	}
	pkgs = json_object_get(root, "packages");
	deps = json_object_get(root, "dependencies");
	if (json_is_object(pkgs))
		lock_packages(&lc, pkgs);
	else if (json_is_object(deps))
		lock_v1(&lc, deps, 0);
report:
	if (lc.deep)
		lb_warn(cx, "cannot parse '%s': dependencies nested more than %d deep", f->path,
		    NODE_MAX_V1_DEPTH);
	else if (lc.nbad)
		lb_warn(cx, "cannot parse '%s': %zu entries without a valid name and version", f->path,
		    lc.nbad);
out:
	lb_seen_release(&lc.seen);
	json_decref(root);
}

/* --- yarn.lock ---------------------------------------------------------------- */

/* Removes one pair of double quotes. */
static struct lb_slice
unquote(struct lb_slice s)
{
	s = lb_slice_trim(s);
	if (s.len >= 2 && s.p[0] == '"' && s.p[s.len - 1] == '"')
		return lb_slice_make(s.p + 1, s.len - 2);
	return s;
}

struct yarn_entry {
	bool open, meta;
	size_t line;
	struct lb_slice specs;        /* the header line without its ':' */
	struct lb_slice version, resolution, link_type;
};

/* Whether a range or resolution protocol names a local or patched copy. */
static bool
local_protocol(struct lb_slice r)
{
	static const char *const local[] = { "workspace:", "link:", "portal:", "file:", "patch:", "exec:" };

	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (lb_slice_starts(r, local[i]))
			return true;
	return false;
}

/* Splits one "name@range" spec. */
static bool
yarn_spec(struct lb_slice spec, struct lb_slice *name, struct lb_slice *range)
{
	size_t at = at_index(spec);

	if (at == SIZE_MAX) {         /* a bare name ("balanced-match:") */
		*name = spec;
		*range = LB_SLICE_NULL;
	} else {
		*name = lb_slice_make(spec.p, at);
		*range = lb_slice_make(spec.p + at + 1, spec.len - at - 1);
	}
	/* an alias "alias@npm:real@^1.0.0" installs "real" */
	if (lb_slice_starts(*range, "npm:")) {
		struct lb_slice r = lb_slice_make(range->p + 4, range->len - 4);
		size_t at2 = at_index(r);
		if (at2 != SIZE_MAX && !(r.p[0] >= '0' && r.p[0] <= '9') && r.p[0] != '^' &&
		    r.p[0] != '~') {
			*name = lb_slice_make(r.p, at2);
			*range = lb_slice_make(r.p + at2 + 1, r.len - at2 - 1);
		}
	}
	return name->len > 0;
}

static void
yarn_end(struct yarn_entry *e, struct lb_inventory *out, struct lb_seen *seen, size_t *nbad,
    size_t *badline)
{
	struct lb_slice specs = e->specs, name = LB_SLICE_NULL, range, spec;
	bool first = true, local = false;

	if (!e->open || e->meta)
		goto out;
	if (lb_slice_eq(e->link_type, "soft"))
		goto out;                 /* berry: a workspace or a link */
	if (e->resolution.len) {
		/* berry: "name@npm:1.2.3", "name@workspace:.", "name@patch:..." */
		struct lb_slice res = unquote(e->resolution);
		if (!yarn_spec(res, &name, &range) || local_protocol(range))
			goto out;
	} else {
		/* v1: the specs, "a@^1", "a@~1.2" (quoted when they hold ' ' or ':') */
		while (specs.len) {
			struct lb_slice other;

			spec = unquote(lb_slice_split(&specs, ','));
			if (!spec.len)
				continue;
			if (!yarn_spec(spec, first ? &name : &other, &range))
				continue;
			if (local_protocol(range))
				local = true;
			first = false;
		}
		if (local)
			goto out;
	}
	if (!valid_name(name) || !valid_version(unquote(e->version))) {
		if (!(*nbad)++)
			*badline = e->line;
		goto out;
	}
	if (lb_seen_add(seen, name, unquote(e->version)))
		add_pkg(out, name, unquote(e->version), true);
out:
	memset(e, 0, sizeof(*e));
}

static void
yarn_scan(struct lb_ctx *cx, const struct lb_file *f, const char *data, size_t len,
    struct lb_inventory *out)
{
	struct lb_slice s = lb_slice_make(data, len);
	struct yarn_entry e = { 0 };
	struct lb_seen seen = { 0 };
	size_t lineno = 0, nbad = 0, badline = 0;

	if (memchr(data, 0, len)) {
		lb_warn(cx, "cannot parse '%s': NUL byte in a yarn lockfile", f->path);
		return;
	}
	while (s.len) {
		struct lb_slice line = lb_slice_split(&s, '\n'), key, val;
		size_t indent = 0;

		lineno++;
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		while (indent < line.len && line.p[indent] == ' ')
			indent++;
		if (indent == line.len || line.p[indent] == '#')
			continue;
		if (indent == 0) {
			yarn_end(&e, out, &seen, &nbad, &badline);
			if (line.p[line.len - 1] != ':') {
				if (!nbad++)
					badline = lineno;
				continue;
			}
			e.open = true;
			e.line = lineno;
			e.specs = lb_slice_make(line.p, line.len - 1);
			e.meta = lb_slice_eq(e.specs, "__metadata");
			continue;
		}
		if (indent != 2 || !e.open)
			continue;         /* dependencies and other nested maps */
		line = lb_slice_make(line.p + 2, line.len - 2);
		/* v1: key "value" / "key" "value"; berry: key: value / "key": value */
		if (line.p[0] == '"') {
			const char *q = memchr(line.p + 1, '"', line.len - 1);
			if (!q)
				continue;
			key = lb_slice_make(line.p + 1, (size_t)(q - line.p - 1));
			val = lb_slice_make(q + 1, line.len - (size_t)(q + 1 - line.p));
		} else {
			size_t k = 0;
			while (k < line.len && line.p[k] != ' ' && line.p[k] != ':')
				k++;
			key = lb_slice_make(line.p, k);
			val = lb_slice_make(line.p + k, line.len - k);
		}
		if (val.len && val.p[0] == ':')
			val = lb_slice_make(val.p + 1, val.len - 1);
		val = lb_slice_trim(val);
		if (lb_slice_eq(key, "version"))
			e.version = val;
		else if (lb_slice_eq(key, "resolution"))
			e.resolution = val;
		else if (lb_slice_eq(key, "linkType"))
			e.link_type = val;
	}
	yarn_end(&e, out, &seen, &nbad, &badline);
	if (nbad)
		lb_warn(cx, "cannot parse '%s' line %zu: entry without a valid name and version "
		    "(%zu skipped)", f->path, badline, nbad);
	lb_seen_release(&seen);
}

/* --- pnpm-lock.yaml ------------------------------------------------------------ */

struct pnpm_entry {
	char *key, *name, *version;
	bool local;
};

struct pnpm {
	yaml_parser_t parser;
	yaml_event_t ev;
	bool have_ev;
	const char *why;
	size_t why_line;
	struct pnpm_entry *e;
	size_t n, cap;
	int major;             /* lockfileVersion's major; 0 when unknown */
};

/* Next event into p->ev (the previous one is freed); false at an error. */
static bool
pnpm_next(struct pnpm *p)
{
	if (p->have_ev)
		yaml_event_delete(&p->ev);
	p->have_ev = false;
	if (!yaml_parser_parse(&p->parser, &p->ev)) {
		if (!p->why) {
			p->why = p->parser.problem ? p->parser.problem : "invalid YAML";
			p->why_line = p->parser.problem_mark.line + 1;
		}
		return false;
	}
	p->have_ev = true;
	return true;
}

/* Skips the node whose first event is p->ev (nesting by counting). */
static bool
pnpm_skip(struct pnpm *p)
{
	size_t depth = 0;

	for (;;) {
		switch (p->ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
		case YAML_NO_EVENT:
			p->why = "unexpected end";
			p->why_line = p->ev.start_mark.line + 1;
			return false;
		default:
			break;
		}
		if (!depth)
			return true;
		if (!pnpm_next(p))
			return false;
	}
}

static char *
scalar_dup(const yaml_event_t *ev)
{
	return lb_xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
}

static bool
scalar_is(const yaml_event_t *ev, const char *s)
{
	return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length == strlen(s) &&
	    memcmp(ev->data.scalar.value, s, ev->data.scalar.length) == 0;
}

/* resolution: { type: directory } or { directory: ../x } or
 * { tarball: file:x.tgz } is a local package. */
static bool
pnpm_resolution(struct pnpm *p, struct pnpm_entry *e)
{
	for (;;) {
		enum { R_OTHER, R_TYPE, R_DIRECTORY, R_TARBALL } key = R_OTHER;

		if (!pnpm_next(p))
			return false;
		if (p->ev.type == YAML_MAPPING_END_EVENT)
			return true;
		if (scalar_is(&p->ev, "type"))
			key = R_TYPE;
		else if (scalar_is(&p->ev, "directory"))
			key = R_DIRECTORY;
		else if (scalar_is(&p->ev, "tarball"))
			key = R_TARBALL;
		if (!pnpm_skip(p) || !pnpm_next(p))
			return false;
		if (key == R_DIRECTORY || (key == R_TYPE && scalar_is(&p->ev, "directory")) ||
		    (key == R_TARBALL && p->ev.type == YAML_SCALAR_EVENT &&
		    p->ev.data.scalar.length >= 5 && memcmp(p->ev.data.scalar.value, "file:", 5) == 0))
			e->local = true;
		if (!pnpm_skip(p))
			return false;
	}
}

/* The value of a package: { name, version, resolution: { type, tarball } }. */
static bool
pnpm_package(struct pnpm *p, struct pnpm_entry *e)
{
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return pnpm_skip(p);     /* "/foo/1.0.0:" with no value */
	for (;;) {
		if (!pnpm_next(p))
			return false;
		if (p->ev.type == YAML_MAPPING_END_EVENT)
			return true;
		if (p->ev.type != YAML_SCALAR_EVENT) {
			if (!pnpm_skip(p) || !pnpm_next(p) || !pnpm_skip(p))
				return false;
			continue;
		}
		if (scalar_is(&p->ev, "name") || scalar_is(&p->ev, "version")) {
			char **dst = scalar_is(&p->ev, "name") ? &e->name : &e->version;
			if (!pnpm_next(p))
				return false;
			if (p->ev.type == YAML_SCALAR_EVENT && !*dst)
				*dst = scalar_dup(&p->ev);
			else if (!pnpm_skip(p))
				return false;
		} else if (scalar_is(&p->ev, "resolution")) {
			if (!pnpm_next(p))
				return false;
			if (p->ev.type == YAML_MAPPING_START_EVENT) {
				if (!pnpm_resolution(p, e))
					return false;
			} else if (!pnpm_skip(p)) {
				return false;
			}
		} else {
			if (!pnpm_next(p) || !pnpm_skip(p))
				return false;
		}
	}
}

static bool
pnpm_packages(struct pnpm *p)
{
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return pnpm_skip(p);
	for (;;) {
		struct pnpm_entry e = { 0 };

		if (!pnpm_next(p))
			return false;
		if (p->ev.type == YAML_MAPPING_END_EVENT)
			return true;
		if (p->ev.type != YAML_SCALAR_EVENT) {
			if (!pnpm_skip(p) || !pnpm_next(p) || !pnpm_skip(p))
				return false;
			continue;
		}
		e.key = scalar_dup(&p->ev);
		if (!pnpm_next(p) || !pnpm_package(p, &e)) {
			free(e.key);
			free(e.name);
			free(e.version);
			return false;
		}
		lb_xgrow(&p->e, &p->cap, p->n + 1, sizeof(*p->e));
		p->e[p->n++] = e;
	}
}

static void
pnpm_parse(struct pnpm *p, const char *data, size_t len)
{
	yaml_parser_set_input_string(&p->parser, (const unsigned char *)data, len);
	if (!pnpm_next(p) || p->ev.type != YAML_STREAM_START_EVENT || !pnpm_next(p))
		return;
	if (p->ev.type == YAML_STREAM_END_EVENT)
		return;               /* an empty file */
	if (p->ev.type != YAML_DOCUMENT_START_EVENT || !pnpm_next(p))
		return;
	if (p->ev.type == YAML_SCALAR_EVENT && p->ev.data.scalar.length == 0)
		return;               /* a document with nothing in it */
	if (p->ev.type != YAML_MAPPING_START_EVENT) {
		p->why = "not a mapping";
		p->why_line = p->ev.start_mark.line + 1;
		return;
	}
	for (;;) {
		if (!pnpm_next(p))
			return;
		if (p->ev.type == YAML_MAPPING_END_EVENT)
			return;
		if (p->ev.type != YAML_SCALAR_EVENT) {
			if (!pnpm_skip(p) || !pnpm_next(p) || !pnpm_skip(p))
				return;
			continue;
		}
		if (scalar_is(&p->ev, "lockfileVersion")) {
			if (!pnpm_next(p))
				return;
			if (p->ev.type == YAML_SCALAR_EVENT) {
				const char *v = (const char *)p->ev.data.scalar.value;
				int major = 0;
				for (size_t i = 0; i < p->ev.data.scalar.length && i < 4 && v[i] >= '0' &&
				    v[i] <= '9'; i++)
					major = major * 10 + (v[i] - '0');
				p->major = major;
			} else if (!pnpm_skip(p)) {
				return;
			}
		} else if (scalar_is(&p->ev, "packages")) {
			if (!pnpm_next(p) || !pnpm_packages(p))
				return;
		} else if (!pnpm_next(p) || !pnpm_skip(p)) {
			return;
		}
	}
}

/* Name and version from a package key:
 *   v5  "/name/1.0.0", "/@s/name/1.0.0_peer@2", "registry.host/name/1.0.0"
 *   v6  "/name@1.0.0(peer@2)", "/@s/name@1.0.0"
 *   v9  "name@1.0.0(peer@2)", "@s/name@1.0.0"
 * The version field wins when the key holds a URL instead of one. */
static bool
pnpm_key(const struct pnpm_entry *e, int major, struct lb_slice *name, struct lb_slice *version)
{
	struct lb_slice k = lb_slice_str(e->key), field = lb_slice_str(e->version);
	bool slash_form;

	while (k.len && k.p[0] == '/')
		k.p++, k.len--;
	if (e->name && e->version) {
		*name = lb_slice_str(e->name);
		*version = field;
		return true;
	}
	slash_form = major ? major < 6 : at_index(k) == SIZE_MAX;
	if (slash_form) {
		struct lb_slice segs[4], rest = k;
		size_t n = 0, first = 0;

		while (rest.len && n < 4)
			segs[n++] = lb_slice_split(&rest, '/');
		if (rest.len || n < 2)
			return false;
		/* "registry.npmjs.org/foo/1.0.0": a host first */
		if (segs[0].p[0] != '@' && memchr(segs[0].p, '.', segs[0].len) && n >= 3)
			first = 1;
		if (segs[first].len && segs[first].p[0] == '@') {
			if (n - first != 3)
				return false;
			*name = lb_slice_make(segs[first].p, segs[first].len + 1 + segs[first + 1].len);
			*version = segs[first + 2];
		} else {
			if (n - first != 2)
				return false;
			*name = segs[first];
			*version = segs[first + 1];
		}
		for (size_t i = 0; i < version->len; i++)
			if (version->p[i] == '_' || version->p[i] == '(')
				version->len = i;
	} else {
		const char *paren = memchr(k.p, '(', k.len);
		size_t at;

		if (paren)
			k.len = (size_t)(paren - k.p);
		at = at_index(k);
		if (at == SIZE_MAX)
			return false;
		*name = lb_slice_make(k.p, at);
		*version = lb_slice_make(k.p + at + 1, k.len - at - 1);
		if (!registry_version(*version) && field.len)
			*version = field;
	}
	return registry_version(*version);
}

static void
pnpm_scan(struct lb_ctx *cx, const struct lb_file *f, const char *data, size_t len,
    struct lb_inventory *out)
{
	struct pnpm p;
	struct lb_seen seen = { 0 };
	size_t nbad = 0;

	memset(&p, 0, sizeof(p));
	{
		/* libyaml checks every open flow level for each token, which is
		 * quadratic in the nesting depth: refuse deep nesting first
		 * (lockfiles nest a few levels; brackets inside strings only
		 * make the count larger) */
		size_t depth = 0, line = 1;
		for (size_t i = 0; i < len; i++) {
			char c = data[i];
			if (c == '[' || c == '{') {
				if (++depth > NODE_MAX_FLOW_DEPTH) {
					lb_warn(cx, "cannot parse '%s' line %zu: nested more than %d deep",
					    f->path, line, NODE_MAX_FLOW_DEPTH);
					return;
				}
			} else if ((c == ']' || c == '}') && depth) {
				depth--;
			} else if (c == '\n') {
				line++;
			}
		}
	}
	if (!yaml_parser_initialize(&p.parser)) {
		lb_warn(cx, "cannot parse '%s': out of memory", f->path);
		return;
	}
	pnpm_parse(&p, data, len);
	if (p.why) {
		lb_warn(cx, "cannot parse '%s' line %zu: %s", f->path, p.why_line, p.why);
	} else {
		for (size_t i = 0; i < p.n; i++) {
			struct pnpm_entry *e = &p.e[i];
			struct lb_slice name, version;

			if (e->local || !strncmp(e->key, "file:", 5) || !strncmp(e->key, "link:", 5))
				continue;
			if (!pnpm_key(e, p.major, &name, &version) ||
			    !add_declared(out, &seen, name, version))
				nbad++;
		}
		if (nbad)
			lb_warn(cx, "cannot parse '%s': %zu of %zu packages without a name and version "
			    "that can be read", f->path, nbad, p.n);
	}
	for (size_t i = 0; i < p.n; i++) {
		free(p.e[i].key);
		free(p.e[i].name);
		free(p.e[i].version);
	}
	free(p.e);
	if (p.have_ev)
		yaml_event_delete(&p.ev);
	yaml_parser_delete(&p.parser);
	lb_seen_release(&seen);
}

/* --- dispatch ---------------------------------------------------------------- */

enum node_kind { NODE_NONE, NODE_PKG_JSON, NODE_LOCK, NODE_YARN, NODE_PNPM };

static enum node_kind
node_kind(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path, *s;

	if (strcmp(base, "package.json") == 0)
		return installed_package_json(path) ? NODE_PKG_JSON : NODE_NONE;
	/* a lockfile inside node_modules belongs to a package's sources */
	for (s = path; (s = strstr(s, "node_modules/")) != NULL; s += 13)
		if (s == path || s[-1] == '/')
			return NODE_NONE;
	if (strcmp(base, "package-lock.json") == 0 || strcmp(base, "npm-shrinkwrap.json") == 0)
		return NODE_LOCK;
	if (strcmp(base, "yarn.lock") == 0)
		return NODE_YARN;
	if (strcmp(base, "pnpm-lock.yaml") == 0)
		return NODE_PNPM;
	return NODE_NONE;
}

static int
node_scan(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is, struct lb_inventory *out)
{
	enum node_kind kind = node_kind(f->path);
	size_t cap = kind == NODE_PKG_JSON ? NODE_MAX_PKGJSON : NODE_MAX_LOCK, len = 0;
	char *data = NULL;
	int r;

	if (kind == NODE_NONE)
		return 0;
	if (f->real_size > cap) {
		lb_warn(cx, "cannot read '%s': %llu bytes, more than the %zu bytes read", f->path,
		    (unsigned long long)f->real_size, cap);
		return 0;
	}
	if ((r = lb_is_slurp(is, f->real_size, cap, &data, &len)) < 0) {
		lb_warn(cx, "cannot read '%s': %s", f->path, lb_strerror(r));
		return 0;
	}
	switch (kind) {
	case NODE_PKG_JSON:
		package_json_scan(cx, f, data, len, out);
		break;
	case NODE_LOCK:
		package_lock_scan(cx, f, data, len, out);
		break;
	case NODE_YARN:
		yarn_scan(cx, f, data, len, out);
		break;
	case NODE_PNPM:
		pnpm_scan(cx, f, data, len, out);
		break;
	default:
		break;
	}
	free(data);
	return 0;
}

const struct lb_analyzer_ops lb_an_node = {
	.name = "node",
	.stream_interests = node_stream,
	.scan_file = node_scan,
};
