#include "match/match.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "version/vercmp.h"

static const char *const debian_codenames[] = {
	[7] = "wheezy", [8] = "jessie", [9] = "stretch", [10] = "buster",
	[11] = "bullseye", [12] = "bookworm", [13] = "trixie", [14] = "forky",
};

char *
lb_match_distro(const struct lb_os *os)
{
	const char *v = os->version_id ? os->version_id : os->version;

	if (!os->family)
		return NULL;
	if (strcmp(os->family, "debian") == 0) {
		if (os->codename && *os->codename)
			return lb_xasprintf("debian:%s", os->codename);
		if (v) {
			long major = strtol(v, NULL, 10);
			if (major >= 7 && major <= 14)
				return lb_xasprintf("debian:%s", debian_codenames[major]);
		}
		return NULL;
	}
	if (strcmp(os->family, "alpine") == 0) {
		/* "3.18.4" -> "v3.18"; edge stays "edge" */
		const char *p = os->version ? os->version : v;
		const char *dot;
		if (!p)
			return NULL;
		dot = strchr(p, '.');
		if (dot && (dot = strchr(dot + 1, '.')))
			return lb_xasprintf("alpine:v%.*s", (int)(dot - p), p);
		return lb_xasprintf("alpine:v%s", p);
	}
	if (strcmp(os->family, "wolfi") == 0 || strcmp(os->family, "chainguard") == 0)
		return lb_xasprintf("%s", os->family);
	if (v)
		return lb_xasprintf("%s:%s", os->family, v);
	return NULL;
}

static int
cmp(const char *eco, const char *a, const char *b, int *out)
{
	return lb_vercmp(eco, a, b, out);
}

/* OSV schema "Evaluation": events in version order; introduced turns
 * vulnerability on, fixed (v >= fixed) and last_affected (v > it) off. */
static int
in_range(json_t *range, const char *eco, const char *version)
{
	json_t *events = json_object_get(range, "events");
	size_t n = json_array_size(events);
	int vulnerable = 0, c, r;
	const char **vers;
	int *kind;

	if (!json_is_array(events) || n == 0 || n > 4096)
		return -LB_E_FORMAT;
	vers = lb_xcalloc(n, sizeof(*vers));
	kind = lb_xcalloc(n, sizeof(*kind));
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(events, i);
		const char *k;
		json_t *val;
		json_object_foreach(e, k, val) {
			if (!json_is_string(val))
				continue;
			if (strcmp(k, "introduced") == 0)
				kind[i] = 1;
			else if (strcmp(k, "fixed") == 0)
				kind[i] = 2;
			else if (strcmp(k, "last_affected") == 0)
				kind[i] = 3;
			else
				continue;
			vers[i] = json_string_value(val);
		}
	}
	/* insertion sort by version ("0" first); n is small */
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0; j--) {
			int less;
			if (!vers[j] || !vers[j - 1])
				break;
			if (strcmp(vers[j], "0") == 0)
				less = strcmp(vers[j - 1], "0") != 0;
			else if (strcmp(vers[j - 1], "0") == 0)
				less = 0;
			else if (cmp(eco, vers[j], vers[j - 1], &c) < 0)
				less = 0;
			else
				less = c < 0;
			if (!less)
				break;
			{
				const char *tv = vers[j]; int tk = kind[j];
				vers[j] = vers[j - 1]; kind[j] = kind[j - 1];
				vers[j - 1] = tv; kind[j - 1] = tk;
			}
		}
	}
	r = 0;
	for (size_t i = 0; i < n; i++) {
		if (!vers[i] || !kind[i])
			continue;
		if (kind[i] == 1) {
			if (strcmp(vers[i], "0") == 0) {
				vulnerable = 1;
				continue;
			}
			if ((r = cmp(eco, version, vers[i], &c)) < 0)
				goto out;
			if (c >= 0)
				vulnerable = 1;
		} else {
			if ((r = cmp(eco, version, vers[i], &c)) < 0) {
				if (r == -LB_E_FORMAT && lb_vercmp_find(eco) &&
				    lb_vercmp_find(eco)->validate(lb_slice_str(version)) == 0) {
					r = 0;       /* a bad event version: skip that event */
					continue;
				}
				goto out;
			}
			if ((kind[i] == 2 && c >= 0) || (kind[i] == 3 && c > 0))
				vulnerable = 0;
		}
	}
	r = vulnerable;
out:
	free(vers);
	free(kind);
	return r;
}

int
lb_match_advisory(const struct lb_advisory *a, const char *eco, const char *version)
{
	json_t *j;
	int c, r, any = 0;

	if (a->status == LB_VS_NOT_AFFECTED)
		return 0;
	if (a->versions && (j = json_loads(a->versions, 0, NULL))) {
		for (size_t i = 0; i < json_array_size(j); i++) {
			const char *v = json_string_value(json_array_get(j, i));
			if (v && (strcmp(v, version) == 0 ||
			    (lb_vercmp(eco, v, version, &c) == 0 && c == 0))) {
				json_decref(j);
				return 1;
			}
		}
		any = json_array_size(j) > 0;
		json_decref(j);
	}
	if (a->ranges && (j = json_loads(a->ranges, 0, NULL))) {
		int seen = 0;
		for (size_t i = 0; i < json_array_size(j); i++) {
			json_t *rg = json_array_get(j, i);
			const char *t = json_string_value(json_object_get(rg, "type"));
			if (!t || (strcmp(t, "ECOSYSTEM") != 0 && strcmp(t, "SEMVER") != 0))
				continue;   /* GIT ranges name commits, not versions */
			seen = 1;
			if ((r = in_range(rg, eco, version)) != 0) {
				json_decref(j);
				return r;
			}
		}
		json_decref(j);
		if (seen)
			return 0;
	}
	if (any)
		return 0;
	if (a->fixed && *a->fixed) {
		if ((r = lb_vercmp(eco, version, a->fixed, &c)) < 0)
			return r;
		return c < 0;
	}
	/* no version information: unfixed, will-not-fix, no-dsa, end-of-life */
	return a->status != LB_VS_FIXED;
}

/* PEP 503: lowercase, runs of "-", "_", "." become "-". */
static char *
query_name(const struct lb_pkg *p)
{
	const char *n = p->name;
	char *out, *o;

	if ((strcmp(p->type, "deb") == 0 || strcmp(p->type, "apk") == 0 || strcmp(p->type, "rpm") == 0) &&
	    p->src_name && *p->src_name)
		n = p->src_name;
	if (strcmp(p->type, "pypi") != 0)
		return lb_xstrdup(n);
	out = o = lb_xmalloc(strlen(n) + 1);
	for (const char *s = n; *s; s++) {
		if (*s == '-' || *s == '_' || *s == '.') {
			if (o == out || o[-1] != '-')
				*o++ = '-';
		} else {
			*o++ = (char)tolower((unsigned char)*s);
		}
	}
	*o = 0;
	return out;
}

struct qctx {
	struct lb_ctx *cx;
	struct lb_inventory *inv;
	size_t pkg;
	const char *eco, *version;
	int bad;       /* warned once about this package's version */
};

static char *
dup_or_null(const char *s)
{
	return s ? lb_xstrdup(s) : NULL;
}

/* The fix that applies to version: the lowest "fixed" event above it in
 * the advisory's ranges (new string), or NULL when the ranges name none. */
static char *
fixed_for(const struct lb_advisory *a, const char *eco, const char *version)
{
	json_t *j = a->ranges ? json_loads(a->ranges, 0, NULL) : NULL;
	const char *best = NULL;
	char *out = NULL;
	int c;

	for (size_t i = 0; i < json_array_size(j); i++) {
		json_t *ev = json_object_get(json_array_get(j, i), "events");
		for (size_t k = 0; k < json_array_size(ev); k++) {
			const char *fx = json_string_value(json_object_get(json_array_get(ev, k), "fixed"));
			if (!fx || lb_vercmp(eco, fx, version, &c) < 0 || c <= 0)
				continue;
			if (!best || (lb_vercmp(eco, fx, best, &c) == 0 && c < 0))
				best = fx;
		}
	}
	if (best)
		out = lb_xstrdup(best);
	json_decref(j);
	return out;
}

/* Whether every version the advisory names is valid for eco: an
 * advisory the comparator cannot read is passed over (the feed's fault,
 * not the package's). */
static int
advisory_versions_valid(const struct lb_advisory *a, const struct lb_vercmp_ops *ops)
{
	return !a->fixed || !*a->fixed || a->ranges || a->versions ||
	    ops->validate(lb_slice_str(a->fixed)) == 0;
}

static int
on_advisory(void *arg, const struct lb_advisory *a)
{
	struct qctx *q = arg;
	const struct lb_vercmp_ops *ops = lb_vercmp_find(q->eco);
	struct lb_finding *f = NULL;
	int fallback, r, c;

	if (ops && !advisory_versions_valid(a, ops)) {
		lb_debug(q->cx, "advisory %s names version '%s', which is not a valid %s version; passed over",
		    a->id, a->fixed, q->eco);
		return 0;
	}
	r = lb_match_advisory(a, q->eco, q->version);
	if (r < 0) {
		lb_debug(q->cx, "advisory %s: cannot compare its versions with %s %s %s", a->id, q->eco,
		    q->inv->pkgs[q->pkg].name, q->version);
		return 0;
	}
	if (!r)
		return 0;
	/* Debian tracker: a line without a release (the unstable fix) stands
	 * for a release that has no line of its own; that release is then
	 * still vulnerable, with no fix of its own (security-tracker semantics) */
	fallback = a->distro && strcmp(a->distro, "debian") == 0;
	/* one finding per package and ID; several rows of one ID (a fix listed
	 * under two versions): the highest fixed version is the one that fixes */
	for (size_t i = q->inv->nfindings; i-- > 0;) {
		if (q->inv->findings[i].pkg != q->pkg)
			break;
		if (strcmp(q->inv->findings[i].id, a->id) == 0) {
			f = &q->inv->findings[i];
			break;
		}
	}
	if (f) {
		if (!fallback && a->fixed && *a->fixed && f->fixed &&
		    lb_vercmp(q->eco, a->fixed, f->fixed, &c) == 0 && c > 0) {
			free(f->fixed);
			f->fixed = lb_xstrdup(a->fixed);
		}
		return 0;
	}
	f = lb_inventory_add_finding(q->inv);
	f->id = lb_xstrdup(a->id);
	f->aliases = dup_or_null(a->aliases);
	f->pkg = q->pkg;
	f->installed = lb_xstrdup(q->version);
	if (!fallback && a->ranges)
		f->fixed = fixed_for(a, q->eco, q->version);
	if (!fallback && !f->fixed && a->fixed && *a->fixed && !a->ranges)
		f->fixed = lb_xstrdup(a->fixed);
	f->status = fallback && a->status == LB_VS_FIXED ? LB_VS_AFFECTED : a->status;
	f->severity = lb_xstrdup(a->severity ? a->severity : "UNKNOWN");
	f->severity_source = dup_or_null(a->severity_source);
	f->cvss_vector = dup_or_null(a->cvss_vector);
	f->cvss_score = a->cvss_score;
	f->source = dup_or_null(a->source);
	f->title = dup_or_null(a->title);
	f->url = dup_or_null(a->url);
	return 0;
}

int
lb_match_inventory(struct lb_ctx *cx, struct lb_vulndb *db, struct lb_inventory *inv)
{
	char *distro = lb_match_distro(&inv->os);
	int r = 0;

	for (size_t i = 0; i < inv->npkgs && r >= 0; i++) {
		struct lb_pkg *p = &inv->pkgs[i];
		struct qctx q = { .cx = cx, .inv = inv, .pkg = i, .eco = p->type };
		int os_pkg;
		char *name;

		if (!p->name || !p->version || !p->type)
			continue;
		os_pkg = strcmp(p->type, "deb") == 0 || strcmp(p->type, "apk") == 0 ||
		    strcmp(p->type, "rpm") == 0;
		/* declared only (a lockfile) is still what the app will run with */
		/* owned by an OS package: its distribution's advisories cover it */
		if (p->owner && !os_pkg)
			continue;
		if (os_pkg && !distro)
			continue;   /* an OS package of an unknown release: nothing to match against */
		/* the tracker lists source versions (a binNMU "+b1" is the same source) */
		q.version = (strcmp(p->type, "deb") == 0 && p->src_version) ? p->src_version : p->version;
		if (lb_vercmp_find(p->type) &&
		    lb_vercmp_find(p->type)->validate(lb_slice_str(q.version)) != 0) {
			/* a Go main module built from a work tree has no version to match */
			if (strcmp(q.version, "(devel)") == 0)
				continue;
			lb_warn(cx, "%s package '%s' has version '%s', which is not a valid %s version; "
			    "it is not matched against advisories", p->type, p->name, q.version, p->type);
			continue;
		}
		name = query_name(p);
		r = lb_vulndb_query(db, p->type, os_pkg ? distro : NULL, name, on_advisory, &q);
		free(name);
	}
	inv->vulns_scanned = true;
	free(distro);
	return r < 0 ? r : 0;
}

void
lb_findings_filter(struct lb_inventory *inv, unsigned severities, int ignore_unfixed)
{
	size_t k = 0;

	for (size_t i = 0; i < inv->nfindings; i++) {
		struct lb_finding *f = &inv->findings[i];
		int sev = lb_severity_parse(f->severity);
		int keep = 1;

		if (severities && !(severities & (1u << (sev < 0 ? LB_SEV_UNKNOWN : sev))))
			keep = 0;
		if (ignore_unfixed && !f->fixed)
			keep = 0;
		if (keep) {
			inv->findings[k++] = *f;
			continue;
		}
		free(f->id);
		free(f->aliases);
		free(f->installed);
		free(f->fixed);
		free(f->severity);
		free(f->severity_source);
		free(f->cvss_vector);
		free(f->source);
		free(f->title);
		free(f->url);
	}
	inv->nfindings = k;
}
