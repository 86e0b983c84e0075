/* an_php.c - PHP packages that Composer installed or locked.
 *
 * Installed: Composer keeps what it installed under vendor/ in
 * vendor/composer/installed.json, a top-level array of packages in
 * Composer 1 and {"packages": [...], "dev": bool, "dev-package-names":
 * [...]} in Composer 2 (composer/src/Composer/Repository/
 * FilesystemRepository.php). Every package there is on disk, dev ones
 * included.
 *
 * Declared: composer.lock lists the resolved "packages" and
 * "packages-dev" of a project; they are reported as declared, since an
 * image built with "composer install --no-dev" lacks the dev ones.
 *
 * Each package has "name" ("vendor/project"), "version" as Packagist
 * lists it (a tag such as "v1.8.1" keeps its "v": Composer's
 * VersionParser and lifebelt's composer comparator both read it) and
 * "license", a string or an array of SPDX identifiers, which the Composer
 * schema (04-schema.md#license) reads as a disjunction: it becomes
 * "A OR B".
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define PHP_MAX_DOC      LB_MAX_JSON_DOC   /* bytes of one installed.json or composer.lock */
#define PHP_MAX_VALUE    1024              /* longest name, version or license kept */

static const struct lb_interest php_stream_interests[] = {
	{ LB_MATCH_EXACT, "vendor/composer/installed.json", NULL, PHP_MAX_DOC },
	{ LB_MATCH_SUFFIX, NULL, "/vendor/composer/installed.json", PHP_MAX_DOC },
	{ LB_MATCH_EXACT, "composer.lock", NULL, PHP_MAX_DOC },
	{ LB_MATCH_SUFFIX, NULL, "/composer.lock", PHP_MAX_DOC },
	{ 0, NULL, NULL, 0 },
};

/* Printable ASCII but space, and any UTF-8 (jansson has checked it):
 * what a Composer name or version may hold, and then some. */
static bool
plain(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > PHP_MAX_VALUE)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/* A Composer name: "vendor/project", each part non-empty (Composer's
 * schema: ^[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](...)*$, case-folded). */
static bool
valid_name(const char *s)
{
	const char *slash = strchr(s, '/');

	return plain(s) && slash && slash != s && slash[1] && !strchr(slash + 1, '/');
}

/* "license": "MIT", ["MIT", "GPL-2.0-only"] -> "MIT OR GPL-2.0-only". */
static char *
license_of(json_t *l)
{
	struct lb_buf b = LB_BUF_INIT(4 * PHP_MAX_VALUE);
	size_t i;
	json_t *v;

	if (json_is_string(l)) {
		if (json_string_length(l) && json_string_length(l) <= PHP_MAX_VALUE)
			return lb_xstrdup(json_string_value(l));
		return NULL;
	}
	if (!json_is_array(l))
		return NULL;
	json_array_foreach(l, i, v) {
		const char *s = json_string_value(v);

		if (!s || !s[0] || json_string_length(v) > PHP_MAX_VALUE)
			continue;
		if ((b.len && lb_buf_add(&b, " OR ", 4) < 0) || lb_buf_addstr(&b, s) < 0)
			break;
	}
	if (!b.len) {
		lb_buf_release(&b);
		return NULL;
	}
	return lb_buf_detach(&b, NULL);
}

struct php_parse {
	const struct lb_file *f;
	struct lb_inventory *out;
	bool declared;
	struct lb_hmap seen;          /* "name\0version" -> 1 */
	char **keys;
	size_t nkeys, capkeys;
	size_t nbad;
	char why[96];                 /* the first problem */
};

static void
bad(struct php_parse *ps, const char *why, const char *where, size_t i)
{
	if (ps->nbad++ == 0)
		snprintf(ps->why, sizeof(ps->why), "%s #%zu in \"%s\"", why, i + 1, where);
}

/* Whether name/version is new in this file. */
static bool
first_time(struct php_parse *ps, const char *name, const char *version)
{
	size_t nl = strlen(name), vl = strlen(version), klen = nl + vl + 1;
	char *k = lb_xmalloc(klen);

	memcpy(k, name, nl + 1);
	memcpy(k + nl + 1, version, vl);
	if (lb_hmap_get(&ps->seen, k, klen)) {
		free(k);
		return false;
	}
	lb_xgrow(&ps->keys, &ps->capkeys, ps->nkeys + 1, sizeof(*ps->keys));
	ps->keys[ps->nkeys++] = k;
	lb_hmap_put(&ps->seen, k, klen, (void *)1);
	return true;
}

/* Adds the packages of array a (the "packages" of where). */
static void
add_packages(struct php_parse *ps, json_t *a, const char *where)
{
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *version = json_string_value(json_object_get(e, "version"));
		struct lb_pkg *p;

		if (!json_is_object(e)) {
			bad(ps, "not an object: package", where, i);
			continue;
		}
		if (!name || !valid_name(name)) {
			bad(ps, name ? "invalid name: package" : "no name: package", where, i);
			continue;
		}
		if (!version || !plain(version)) {
			bad(ps, version ? "invalid version: package" : "no version: package", where,
			    i);
			continue;
		}
		if (!first_time(ps, name, version))
			continue;
		p = lb_inventory_add_pkg(ps->out);
		p->type = lb_xstrdup("composer");
		p->name = lb_xstrdup(name);
		p->version = lb_xstrdup(version);
		p->license = license_of(json_object_get(e, "license"));
		p->db_path = lb_xstrdup(ps->f->path);
		p->declared = ps->declared;
	}
}

static bool
is_lock(const char *path)
{
	const char *slash = strrchr(path, '/');

	return strcmp(slash ? slash + 1 : path, "composer.lock") == 0;
}

static int
php_scan_file(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_inventory *out)
{
	struct lb_buf doc = LB_BUF_INIT(PHP_MAX_DOC);
	struct php_parse ps;
	json_error_t err;
	json_t *root = NULL, *a;
	bool lock = is_lock(f->path);

	memset(&ps, 0, sizeof(ps));
	ps.f = f;
	ps.out = out;
	ps.declared = lock;
	if (!lb_analyze_read_doc(cx, f, is, &doc))
		goto out;
	if (!doc.len) {
		lb_warn(cx, "cannot parse '%s': empty file", f->path);
		goto out;
	}
	root = json_loadb((const char *)doc.p, doc.len, 0, &err);
	if (!root) {
		lb_warn(cx, "cannot parse '%s' line %d: %s", f->path, err.line, err.text);
		goto out;
	}
	if (lock) {
		json_t *dev;

		if (!json_is_object(root)) {
			lb_warn(cx, "cannot parse '%s': not a JSON object", f->path);
			goto out;
		}
		a = json_object_get(root, "packages");
		dev = json_object_get(root, "packages-dev");
		if ((a && !json_is_array(a) && !json_is_null(a)) ||
		    (dev && !json_is_array(dev) && !json_is_null(dev))) {
			lb_warn(cx, "cannot parse '%s': \"packages\" is not an array", f->path);
			goto out;
		}
		add_packages(&ps, a, "packages");
		add_packages(&ps, dev, "packages-dev");
	} else {
		/* Composer 1: [...]; Composer 2: {"packages": [...]} */
		a = json_is_object(root) ? json_object_get(root, "packages") : root;
		if (!json_is_array(a)) {
			lb_warn(cx, "cannot parse '%s': neither an array nor an object with "
			    "\"packages\"", f->path);
			goto out;
		}
		add_packages(&ps, a, "packages");
	}
	if (ps.nbad > 1)
		lb_warn(cx, "cannot parse '%s': %s (%zu bad packages skipped)", f->path, ps.why,
		    ps.nbad);
	else if (ps.nbad)
		lb_warn(cx, "cannot parse '%s': %s", f->path, ps.why);
out:
	json_decref(root);
	lb_buf_release(&doc);
	for (size_t i = 0; i < ps.nkeys; i++)
		free(ps.keys[i]);
	free(ps.keys);
	lb_hmap_release(&ps.seen);
	return 0;
}

const struct lb_analyzer_ops lb_an_php = {
	.name = "php",
	.stream_interests = php_stream_interests,
	.scan_file = php_scan_file,
};
