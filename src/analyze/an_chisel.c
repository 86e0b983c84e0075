/* an_chisel.c - Ubuntu packages in chisel-cut images, which have no dpkg
 * database: var/lib/chisel/manifest.wall.
 *
 * The manifest (chisel docs reference/manifest) is zstd-compressed
 * "jsonwall": a header object {"jsonwall":"1.0","schema":"1.0","count":N}
 * on the first line, then one JSON object a line, each with a "kind":
 *   package {"name","version","sha256","arch"}
 *   slice   {"name": "<package>_<slice>"}
 *   path    {"path": "/usr/bin/hello", "mode", "slices": [...], "sha256", "size"}
 *   content {"slice", "path"}
 * Packages become deb packages (only the sliced part of each is present);
 * a path's slices name the packages whose files it is (Debian package
 * names have no '_', so the package is what comes before it).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define CHISEL_MANIFEST     "var/lib/chisel/manifest.wall"
#define CHISEL_MAX          (8u << 20)    /* compressed */
#define CHISEL_MAX_PLAIN    (64u << 20)   /* inflated */
#define CHISEL_MAX_LINE     (1u << 20)

static const struct lb_interest chisel_interests[] = {
	{ LB_MATCH_EXACT, CHISEL_MANIFEST, NULL, CHISEL_MAX },
	{ 0, NULL, NULL, 0 },
};

static int
inflate(const struct lb_file *f, struct lb_buf *out)
{
	struct lb_istream *is = lb_is_zstd(lb_is_mem(f->data, f->size));
	uint8_t buf[64u << 10];
	ssize_t k;
	int r = 0;

	while ((k = lb_is_read(is, buf, sizeof(buf))) > 0)
		if ((r = lb_buf_add(out, buf, (size_t)k)) < 0)
			break;
	if (k < 0)
		r = (int)k;
	lb_is_close(is);
	return r;
}

static const char *
str_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : NULL;
}

static void
chisel_parse(struct lb_ctx *cx, const struct lb_file *f, bool want_files, struct lb_inventory *out)
{
	struct lb_buf plain = LB_BUF_INIT(CHISEL_MAX_PLAIN);
	struct lb_hmap by_name = LB_HMAP_INIT;     /* package name -> index + 1 into out */
	struct lb_slice s;
	size_t lineno = 0, nbad = 0, badline = 0, first = out->npkgs;
	int r;

	if (!f->data)
		return;
	if (f->truncated) {
		lb_warn(cx, "cannot read '%s': larger than %u bytes", f->path, CHISEL_MAX);
		return;
	}
	if ((r = inflate(f, &plain)) < 0) {
		lb_warn(cx, "cannot read '%s': not a zstd-compressed manifest (%s)", f->path, lb_strerror(r));
		goto out;
	}
	s = lb_slice_make(plain.p, plain.len);
	while (s.len) {
		struct lb_slice line = lb_slice_split(&s, '\n');
		json_t *o;
		const char *kind;

		lineno++;
		if (!line.len)
			continue;
		o = line.len > CHISEL_MAX_LINE ? NULL :
		    json_loadb(line.p, line.len, JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(o)) {
			json_decref(o);
			if (!nbad++)
				badline = lineno;
			continue;
		}
		if (lineno == 1) {
			if (!str_of(o, "jsonwall")) {
				json_decref(o);
				lb_warn(cx, "cannot read '%s': no jsonwall header", f->path);
				goto out;
			}
		} else if ((kind = str_of(o, "kind")) && strcmp(kind, "package") == 0) {
			const char *name = str_of(o, "name"), *version = str_of(o, "version");

			if (!name || !version) {
				if (!nbad++)
					badline = lineno;
			} else if (!lb_hmap_get(&by_name, name, strlen(name))) {
				struct lb_pkg *p = lb_inventory_add_pkg(out);

				p->type = lb_xstrdup("deb");
				p->name = lb_xstrdup(name);
				p->version = lb_xstrdup(version);
				if (str_of(o, "arch"))
					p->arch = lb_xstrdup(str_of(o, "arch"));
				p->db_path = lb_xstrdup(f->path);
				lb_hmap_put(&by_name, p->name, strlen(p->name),
				    (void *)(uintptr_t)(out->npkgs - first));
			}
		} else if (want_files && kind && strcmp(kind, "path") == 0) {
			const char *path = str_of(o, "path");
			json_t *sl = json_object_get(o, "slices");
			size_t i;
			json_t *v;

			while (path && *path == '/')
				path++;
			json_array_foreach(sl, i, v) {
				const char *name = json_string_value(v), *us;
				size_t idx;

				if (!path || !*path || !name || !(us = strchr(name, '_')))
					continue;
				/* packages come before paths: the lines are sorted by kind */
				idx = (size_t)(uintptr_t)lb_hmap_get(&by_name, name, (size_t)(us - name));
				if (idx)
					lb_pkg_add_file(&out->pkgs[first + idx - 1], path, strlen(path));
			}
		}
		json_decref(o);
	}
	if (nbad)
		lb_warn(cx, "cannot parse '%s' line %zu: not a manifest entry (%zu bad lines skipped)",
		    f->path, badline, nbad);
out:
	lb_hmap_release(&by_name);
	lb_buf_release(&plain);
}

static int
chisel_parse_db(struct lb_ctx *cx, const struct lb_file *f, struct lb_inventory *out)
{
	chisel_parse(cx, f, false, out);
	return 0;
}

static int
chisel_analyze(struct lb_ctx *cx, const struct lb_fsview *v, struct lb_inventory *inv)
{
	const struct lb_file *f = lb_fsview_get(v, CHISEL_MANIFEST);

	if (f && f->data)
		chisel_parse(cx, f, true, inv);
	return 0;
}

const struct lb_analyzer_ops lb_an_chisel = {
	.name = "chisel",
	.interests = chisel_interests,
	.analyze = chisel_analyze,
	.parse_db = chisel_parse_db,
};
