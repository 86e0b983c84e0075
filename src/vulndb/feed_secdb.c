/* feed_secdb.c - Alpine's secdb (secdb.alpinelinux.org, JSON or the YAML
 * original) and the same format from Wolfi and Chainguard.
 *
 * { "distroversion": "v3.7", "reponame": "main", "packages": [
 *     { "pkg": { "name": "apache2",            <- the origin (source) package
 *                "secfixes": { "2.4.41-r0": [ "CVE-2019-9517", ... ],
 *                              "0": [ "CVE-2016-2781" ] } } } ] }
 *
 * A secfixes key is the version that fixes the IDs under it; "0" means
 * the package was never vulnerable in that branch. Entries are free text
 * in places ("CVE-2016-6258 XSA-182", "CVE-2017-8073.patch", "XSA-207"):
 * every CVE found becomes a record, other IDs next to it are related. */
#include "vulndb/feed.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_banned.h"

struct secdb {
	struct lb_feed_sink *s;
	const char *file;
	const char *distro;
	const char *source;
};

/* Finds CVE IDs anywhere in text ("CVE-2019-1234", "CVE_2019-1234",
 * "CVE 2019-1234") and other ID-looking tokens ("XSA-182",
 * "TALOS-2017-0394", "wnpa-sec-2017-18"). */
static void
scan_ids(const char *text, struct lb_feed_tmp *tmp, struct lb_feed_list *cves, struct lb_feed_list *others)
{
	const char *p = text;

	while (*p) {
		const char *start;
		size_t n = 0;
		bool digit = false, cve;

		while (*p && (isspace((unsigned char)*p) || *p == '(' || *p == ')' || *p == ',' || *p == ';'))
			p++;
		if (!*p)
			break;
		start = p;
		cve = strncasecmp(p, "CVE", 3) == 0 && (p[3] == '-' || p[3] == '_' || p[3] == ' ');
		if (cve) {
			const char *y = p + 4, *d;
			size_t nd = 0;
			if (isdigit((unsigned char)y[0]) && isdigit((unsigned char)y[1]) &&
			    isdigit((unsigned char)y[2]) && isdigit((unsigned char)y[3]) && y[4] == '-') {
				for (d = y + 5; isdigit((unsigned char)d[nd]); nd++)
					;
				if (nd >= 4 && nd <= 12 && cves->n < LB_FEED_MAX_ALIASES)
					lb_feed_list_add(cves, lb_feed_tmp_printf(tmp, "CVE-%.4s-%.*s", y, (int)nd, y + 5));
			}
		}
		while (*p && !isspace((unsigned char)*p) && *p != '(' && *p != ')' && *p != ',' && *p != ';') {
			if (isdigit((unsigned char)*p))
				digit = true;
			p++;
			n++;
		}
		if (cve || !digit || n > 64 || !isalpha((unsigned char)start[0]) || !memchr(start, '-', n))
			continue;
		/* letters, digits and dashes only ("CVE-2017-8073.patch" is not an ID) */
		{
			size_t k = 0;
			while (k < n && (isalnum((unsigned char)start[k]) || start[k] == '-'))
				k++;
			if (k == n && start[n - 1] != '-' && others->n < LB_FEED_MAX_ALIASES)
				lb_feed_list_add(others, lb_feed_tmp_keep(tmp, lb_xstrndup(start, n)));
		}
	}
}

static int
emit_fix(struct secdb *d, const char *pkg, const char *version, const char *text)
{
	struct lb_feed_tmp tmp = { 0 };
	struct lb_feed_list cves = { 0 }, others = { 0 };
	struct lb_feed_affected a = { 0 };
	struct lb_feed_record r = { .file = d->file };
	int ret = 0;

	scan_ids(text, &tmp, &cves, &others);
	a.source = d->source;
	a.ecosystem = "apk";
	a.distro = d->distro;
	a.package = pkg;
	if (strcmp(version, "0") == 0) {
		a.status = LB_VS_NOT_AFFECTED;
	} else {
		a.status = LB_VS_FIXED;
		a.fixed = version;
	}
	r.aff = &a;
	r.naff = 1;
	if (cves.n) {
		r.related = others.v;
		r.nrelated = others.n;
		for (size_t i = 0; i < cves.n && ret >= 0; i++) {
			r.id = cves.v[i];
			ret = lb_feed_emit(d->s, &r);
		}
	} else if (others.n) {
		r.id = others.v[0];
		r.related = others.v + 1;
		r.nrelated = others.n - 1;
		ret = lb_feed_emit(d->s, &r);
	} else {
		char safe[80];
		lb_feed_warn(d->s, d->file, pkg, "no advisory ID in secfixes entry '%s' of %s",
		    lb_safe(safe, sizeof(safe), text), version);
	}
	lb_feed_list_release(&cves);
	lb_feed_list_release(&others);
	lb_feed_tmp_reset(&tmp);
	return ret;
}

static int
read_package(struct secdb *d, json_t *entry, size_t idx)
{
	json_t *pkg = json_object_get(entry, "pkg"), *fixes, *ids, *id;
	const char *name, *ver;
	char *lname;
	bool bad = false;
	size_t i;
	int r = 0;

	name = lb_feed_jstr(pkg, "name", &bad);
	if (!json_is_object(pkg) || bad || !name || !lb_feed_name_ok(name)) {
		char what[32];
		snprintf(what, sizeof(what), "packages[%zu]", idx);
		lb_feed_warn(d->s, d->file, what, "no valid pkg.name");
		return 0;
	}
	fixes = json_object_get(pkg, "secfixes");
	if (!fixes || json_is_null(fixes))
		return 0;
	if (!json_is_object(fixes)) {
		lb_feed_warn(d->s, d->file, name, "secfixes is not a map");
		return 0;
	}
	lname = lb_feed_pkgname("apk", name);
	json_object_foreach(fixes, ver, ids) {
		if (!lb_feed_version_ok(ver)) {
			char safe[80];
			lb_feed_warn(d->s, d->file, name, "invalid version '%s'", lb_safe(safe, sizeof(safe), ver));
			continue;
		}
		if (json_is_null(ids) || (json_is_string(ids) && json_string_length(ids) == 0))
			continue;      /* "7.4.0-r0:" with nothing under it */
		if (json_is_string(ids)) {
			/* a single ID where a list belongs */
			if ((r = emit_fix(d, lname, ver, json_string_value(ids))) < 0)
				break;
			continue;
		}
		if (!json_is_array(ids)) {
			lb_feed_warn(d->s, d->file, name, "secfixes '%s' is not a list", ver);
			continue;
		}
		json_array_foreach(ids, i, id) {
			const char *t = json_string_value(id);
			if (!t || strlen(t) != json_string_length(id) || strlen(t) > 1024) {
				lb_feed_warn(d->s, d->file, name, "secfixes '%s' item %zu is not a short string", ver, i);
				continue;
			}
			if ((r = emit_fix(d, lname, ver, t)) < 0)
				break;
		}
		if (r < 0)
			break;
	}
	free(lname);
	return r;
}

/* "v3.7" or "edge"; falls back to a "vN.N" folder in the file's path */
static bool
branch_ok(const char *v)
{
	size_t n;

	if (!v)
		return false;
	if (strcmp(v, "edge") == 0)
		return true;
	n = strlen(v);
	if (n < 4 || n > 12 || v[0] != 'v' || !isdigit((unsigned char)v[1]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isdigit((unsigned char)v[i]) && v[i] != '.')
			return false;
	return strchr(v, '.') != NULL;
}

static const char *
branch_from_path(const char *path, char *out, size_t cap)
{
	const char *p = path;

	while ((p = strstr(p, "/v")) != NULL) {
		size_t n = strcspn(p + 1, "/");
		if (n < cap) {
			memcpy(out, p + 1, n);
			out[n] = 0;
			if (p[1 + n] == '/' && branch_ok(out))
				return out;
		}
		p++;
	}
	return NULL;
}

static int
secdb_parse(struct lb_feed_sink *s, const char *kind, const char *name, const void *buf, size_t len)
{
	struct secdb d = { .s = s, .file = name };
	char err[200], distro[64], branch[16];
	json_t *doc, *pkgs, *e;
	const char *ver;
	bool bad = false;
	size_t i;
	int r = 0;

	if (lb_feed_doc_load(buf, len, &doc, err, sizeof(err)) < 0) {
		lb_feed_warn(s, name, NULL, "%s", err);
		return -LB_E_FORMAT;
	}
	if (!json_is_object(doc)) {
		lb_feed_warn(s, name, NULL, "not a secdb document");
		json_decref(doc);
		return -LB_E_FORMAT;
	}
	if (strcmp(kind, "wolfi-secdb") == 0) {
		const char *repo = lb_feed_jstr(doc, "reponame", &bad);
		const char *url = lb_feed_jstr(doc, "urlprefix", &bad);
		bool cg = (repo && strcmp(repo, "chainguard") == 0) ||
		    (url && (strstr(url, "cgr.dev") || strstr(url, "chainguard")));
		d.distro = cg ? "chainguard" : "wolfi";
		d.source = cg ? "chainguard-secdb" : "wolfi-secdb";
	} else {
		ver = lb_feed_jstr(doc, "distroversion", &bad);
		if (!branch_ok(ver))
			ver = branch_from_path(name, branch, sizeof(branch));
		if (!ver) {
			lb_feed_warn(s, name, NULL, "no valid distroversion");
			json_decref(doc);
			return -LB_E_FORMAT;
		}
		snprintf(distro, sizeof(distro), "alpine:%s", ver);
		d.distro = distro;
		d.source = "alpine-secdb";
	}
	pkgs = json_object_get(doc, "packages");
	if (json_is_string(pkgs) && json_string_length(pkgs) == 0)
		pkgs = NULL;           /* an empty YAML "packages:" converted to JSON */
	if (!json_is_array(pkgs)) {
		r = 0;
		if (pkgs && !json_is_null(pkgs)) {
			lb_feed_warn(s, name, NULL, "packages is not a list");
			r = -LB_E_FORMAT;
		}
		json_decref(doc);
		return r;
	}
	json_array_foreach(pkgs, i, e)
		if ((r = read_package(&d, e, i)) < 0)
			break;
	json_decref(doc);
	return r;
}

static bool
secdb_want(const char *path)
{
	size_t n = strlen(path);

	return (n > 5 && strcmp(path + n - 5, ".json") == 0) ||
	    (n > 5 && strcmp(path + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(path + n - 4, ".yml") == 0);
}

const struct lb_feed_ops lb_feed_alpine_secdb = {
	.kind = "alpine-secdb",
	.want = secdb_want,
	.parse = secdb_parse,
};

const struct lb_feed_ops lb_feed_wolfi_secdb = {
	.kind = "wolfi-secdb",
	.want = secdb_want,
	.parse = secdb_parse,
};
