/* an_dotnet.c - .NET (NuGet) packages from deps.json and packages.lock.json.
 *
 * Installed: "dotnet publish" writes <app>.deps.json next to the app's
 * assemblies, and the host reads it to load them (dotnet/runtime
 * docs/design/features/host-dependency-resolution: "libraries" lists every
 * dependency as "Name/Version" with a "type", and "targets" lists, per
 * target framework[/RID], the assets each one deploys). Libraries of type
 * "package" are NuGet packages; "runtimepack" is the .NET runtime of a
 * self-contained app ("runtimepack.Microsoft.NETCore.App.Runtime.linux-x64",
 * reported without the "runtimepack." prefix, which is the NuGet package
 * that .NET runtime advisories name); "project" is the app itself or a
 * project it references and is not a NuGet package: skipped, as are other
 * types ("reference"). A package that the runtime target lists without
 * any "runtime", "runtimeTargets" or "native" asset deploys nothing (the
 * shared framework has a newer copy, or it is compile-only) and is
 * skipped, as Trivy does; when the runtime target is missing, every
 * package counts.
 *
 * Declared: NuGet's packages.lock.json (RestorePackagesWithLockFile)
 * lists, per target framework, each "Direct", "Transitive" and
 * "CentralTransitive" dependency with its "resolved" version; "Project"
 * entries are project references. A package locked for several
 * frameworks is reported once per version.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"
#include "base/lb_banned.h"

#define NET_MAX_DOC     LB_MAX_JSON_DOC   /* bytes of one deps.json or packages.lock.json */
#define NET_MAX_VALUE   1024              /* longest name or version kept */

static const struct lb_interest dotnet_stream_interests[] = {
	{ LB_MATCH_SUFFIX, NULL, ".deps.json", NET_MAX_DOC },
	{ LB_MATCH_EXACT, "packages.lock.json", NULL, NET_MAX_DOC },
	{ LB_MATCH_SUFFIX, NULL, "/packages.lock.json", NET_MAX_DOC },
	{ 0, NULL, NULL, 0 },
};

static bool
all_in(const char *s, size_t n, const char *extra)
{
	if (!n || n > NET_MAX_VALUE)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr(extra, c))))
			return false;
	}
	return true;
}

/* NuGet package IDs: letters, digits, '.', '-', '_' (NuGet.Packaging
 * PackageIdValidator). */
static bool
valid_id(const char *s, size_t n)
{
	return all_in(s, n, ".-_");
}

/* NuGet versions: SemVer 2 with up to four numbers; '+' starts metadata. */
static bool
valid_version(const char *s, size_t n)
{
	return all_in(s, n, ".-+") && s[0] >= '0' && s[0] <= '9';
}

struct net_parse {
	const struct lb_file *f;
	struct lb_inventory *out;
	bool declared;
	struct lb_hmap seen;          /* "name\0version" -> 1 */
	char **keys;
	size_t nkeys, capkeys;
	size_t nbad;
	char why[160];                /* the first problem */
};

static void
bad(struct net_parse *ps, const char *why, const char *what)
{
	char item[64];

	if (ps->nbad++)
		return;
	/* what comes from the file: keep the message short */
	snprintf(item, sizeof(item), "%s", what);
	snprintf(ps->why, sizeof(ps->why), "%s '%s'", why, item);
}

static void
add_nuget(struct net_parse *ps, const char *name, size_t nlen, const char *version, size_t vlen)
{
	size_t klen = nlen + vlen + 1;
	char *k = lb_xmalloc(klen);
	struct lb_pkg *p;

	memcpy(k, name, nlen);
	k[nlen] = 0;
	memcpy(k + nlen + 1, version, vlen);
	if (lb_hmap_get(&ps->seen, k, klen)) {
		free(k);
		return;
	}
	lb_xgrow(&ps->keys, &ps->capkeys, ps->nkeys + 1, sizeof(*ps->keys));
	ps->keys[ps->nkeys++] = k;
	lb_hmap_put(&ps->seen, k, klen, (void *)1);

	p = lb_inventory_add_pkg(ps->out);
	p->type = lb_xstrdup("nuget");
	p->name = lb_xstrndup(name, nlen);
	p->version = lb_xstrndup(version, vlen);
	p->db_path = lb_xstrdup(ps->f->path);
	p->declared = ps->declared;
}

/* An object or array with members, or a non-empty string. */
static bool
nonempty(json_t *v)
{
	if (json_is_object(v))
		return json_object_size(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	return false;
}

/* Whether library key deploys something in the runtime target t (NULL:
 * unknown, so yes). */
static bool
deploys(json_t *t, const char *key)
{
	json_t *e;

	if (!t || !(e = json_object_get(t, key)))
		return true;
	return nonempty(json_object_get(e, "runtime")) ||
	    nonempty(json_object_get(e, "runtimeTargets")) ||
	    nonempty(json_object_get(e, "native"));
}

static void
parse_deps(struct lb_ctx *cx, struct net_parse *ps, json_t *root)
{
	static const char rtpack[] = "runtimepack.";
	json_t *libs = json_object_get(root, "libraries"), *rt, *target = NULL, *lib;
	const char *rtname = NULL, *key;

	if (!json_is_object(root) || !json_is_object(libs)) {
		lb_warn(cx, "cannot parse '%s': no \"libraries\" object", ps->f->path);
		return;
	}
	/* "runtimeTarget": {"name": ".NETCoreApp,Version=v6.0[/rid]"} (a bare
	 * string in early files) */
	rt = json_object_get(root, "runtimeTarget");
	rtname = json_is_string(rt) ? json_string_value(rt) :
	    json_string_value(json_object_get(rt, "name"));
	if (rtname)
		target = json_object_get(json_object_get(root, "targets"), rtname);
	if (!json_is_object(target))
		target = NULL;
	json_object_foreach(libs, key, lib) {
		const char *type = json_string_value(json_object_get(lib, "type"));
		const char *slash = strchr(key, '/'), *name = key;
		size_t nlen;

		if (!type) {
			bad(ps, "no type for library", key);
			continue;
		}
		if (strcasecmp(type, "package") != 0 && strcasecmp(type, "runtimepack") != 0)
			continue;          /* "project", "reference": not NuGet packages */
		if (!slash) {
			bad(ps, "expected 'Name/Version', got library", key);
			continue;
		}
		nlen = (size_t)(slash - key);
		if (strcasecmp(type, "runtimepack") == 0 && nlen > sizeof(rtpack) - 1 &&
		    strncasecmp(name, rtpack, sizeof(rtpack) - 1) == 0) {
			name += sizeof(rtpack) - 1;
			nlen -= sizeof(rtpack) - 1;
		}
		if (!valid_id(name, nlen) || !valid_version(slash + 1, strlen(slash + 1))) {
			bad(ps, "invalid name or version in library", key);
			continue;
		}
		if (!deploys(target, key))
			continue;
		add_nuget(ps, name, nlen, slash + 1, strlen(slash + 1));
	}
}

static void
parse_lock(struct lb_ctx *cx, struct net_parse *ps, json_t *root)
{
	json_t *deps = json_object_get(root, "dependencies"), *tfm, *e;
	const char *fw, *name;

	if (!json_is_object(root) || !json_is_object(deps)) {
		lb_warn(cx, "cannot parse '%s': no \"dependencies\" object", ps->f->path);
		return;
	}
	json_object_foreach(deps, fw, tfm) {
		if (!json_is_object(tfm)) {
			bad(ps, "not an object: target framework", fw);
			continue;
		}
		json_object_foreach(tfm, name, e) {
			const char *type = json_string_value(json_object_get(e, "type"));
			json_t *res = json_object_get(e, "resolved");

			if (type && strcasecmp(type, "Project") == 0)
				continue;      /* a project reference */
			if (!json_is_string(res)) {
				bad(ps, "no \"resolved\" version for", name);
				continue;
			}
			if (!valid_id(name, strlen(name)) ||
			    !valid_version(json_string_value(res), json_string_length(res))) {
				bad(ps, "invalid name or version of", name);
				continue;
			}
			add_nuget(ps, name, strlen(name), json_string_value(res),
			    json_string_length(res));
		}
	}
}

static bool
is_lock(const char *path)
{
	const char *slash = strrchr(path, '/');

	return strcmp(slash ? slash + 1 : path, "packages.lock.json") == 0;
}

static int
dotnet_scan_file(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_inventory *out)
{
	struct lb_buf doc = LB_BUF_INIT(NET_MAX_DOC);
	struct net_parse ps;
	json_error_t err;
	json_t *root = NULL;
	bool lock = is_lock(f->path);
	const char *slash = strrchr(f->path, '/');

	memset(&ps, 0, sizeof(ps));
	ps.f = f;
	ps.out = out;
	ps.declared = lock;
	/* ".deps.json" alone names no app */
	if (!lock && strcmp(slash ? slash + 1 : f->path, ".deps.json") == 0)
		goto out;
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
	if (lock)
		parse_lock(cx, &ps, root);
	else
		parse_deps(cx, &ps, root);
	if (ps.nbad > 1)
		lb_warn(cx, "cannot parse '%s': %s (%zu bad entries skipped)", f->path, ps.why,
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

const struct lb_analyzer_ops lb_an_dotnet = {
	.name = "dotnet",
	.stream_interests = dotnet_stream_interests,
	.scan_file = dotnet_scan_file,
};
