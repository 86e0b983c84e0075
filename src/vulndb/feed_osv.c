/* feed_osv.c - OSV records (ossf osv-schema 1.x), as JSON or as the YAML
 * the PyPA advisory database publishes. One file holds one record (or an
 * array of them). Affected entries of ecosystems lifebelt does not match
 * (GIT-only ranges, unknown ecosystems) are skipped without a warning. */
#include "vulndb/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_banned.h"

struct osv {
	struct lb_feed_sink *s;
	const char *file;
	const char *id;
	struct lb_feed_tmp tmp;
	struct lb_feed_list aliases, related, cwe;
	struct lb_feed_cvss *cvss;
	size_t ncvss, capcvss;
	struct lb_feed_affected *aff;
	size_t naff, capaff;
	enum lb_feed_sev vsev;
	const char *vsev_src;
};

static void
add_cvss(struct osv *o, const char *vector, double score)
{
	if (!vector || strlen(vector) > LB_FEED_MAX_VECTOR || o->ncvss >= 16)
		return;
	lb_xgrow(&o->cvss, &o->capcvss, o->ncvss + 1, sizeof(*o->cvss));
	o->cvss[o->ncvss++] = (struct lb_feed_cvss){ vector, score, LB_RANK_OSV };
}

/* severity[]: CVSS vectors, and Ubuntu's own priority word */
static void
read_severity(struct osv *o, json_t *sev)
{
	size_t i;
	json_t *e;

	if (!sev || json_is_null(sev))
		return;
	if (!json_is_array(sev)) {
		lb_feed_warn(o->s, o->file, o->id, "severity is not an array");
		return;
	}
	json_array_foreach(sev, i, e) {
		bool bad = false;
		const char *type = lb_feed_jstr(e, "type", &bad);
		const char *score = lb_feed_jstr(e, "score", &bad);
		if (bad || !type || !score) {
			lb_feed_warn(o->s, o->file, o->id, "severity[%zu] lacks a type or score", i);
			continue;
		}
		if (strncmp(type, "CVSS_V", 6) == 0)
			add_cvss(o, score, -1);
		else if (strcmp(type, "Ubuntu") == 0 && lb_feed_sev_parse(score)) {
			o->vsev = lb_feed_sev_parse(score);
			o->vsev_src = "vendor:ubuntu";
		}
	}
}

static void
add_id(struct osv *o, struct lb_feed_list *l, const char *what, json_t *v, size_t i)
{
	const char *s = json_string_value(v);

	if (!s || strlen(s) != json_string_length(v) || !lb_feed_id_ok(s)) {
		lb_feed_warn(o->s, o->file, o->id, "%s[%zu] is not a valid ID", what, i);
		return;
	}
	if (l->n < LB_FEED_MAX_ALIASES)
		lb_feed_list_add(l, s);
}

static void
read_ids(struct osv *o, json_t *rec)
{
	json_t *a = json_object_get(rec, "aliases"), *up = json_object_get(rec, "upstream"), *v;
	size_t i;

	if (a && !json_is_null(a)) {
		if (!json_is_array(a))
			lb_feed_warn(o->s, o->file, o->id, "aliases is not an array");
		else
			json_array_foreach(a, i, v)
				add_id(o, &o->aliases, "aliases", v, i);
	}
	/* Ubuntu names the CVE of UBUNTU-CVE-2014-2901, and the one issue a
	 * USN fixes, as "upstream": the same vulnerability when there is
	 * only one; a USN for several issues only mentions them. */
	if (up && !json_is_null(up)) {
		if (!json_is_array(up)) {
			lb_feed_warn(o->s, o->file, o->id, "upstream is not an array");
			return;
		}
		json_array_foreach(up, i, v)
			add_id(o, json_array_size(up) == 1 ? &o->aliases : &o->related, "upstream", v, i);
	}
}

static void
read_cwe(struct osv *o, json_t *ds)
{
	json_t *ids = json_object_get(ds, "cwe_ids"), *v;
	size_t i;

	if (!json_is_array(ids))
		return;
	json_array_foreach(ids, i, v) {
		const char *s = json_string_value(v);
		if (s && strncmp(s, "CWE-", 4) == 0 && lb_feed_id_ok(s) && o->cwe.n < LB_FEED_MAX_CWE)
			lb_feed_list_add(&o->cwe, s);
	}
}

/* Whether v is one of the ", "-separated items in b. */
static bool
joined_has(const struct lb_buf *b, const char *v)
{
	const char *p = b->len ? (const char *)b->p : "";
	size_t n = strlen(v);

	while (*p) {
		size_t k = strcspn(p, ",");
		if (k == n && memcmp(p, v, n) == 0)
			return true;
		p += k;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return false;
}

/* Copies ECOSYSTEM and SEMVER ranges with their events into a new JSON
 * array; collects the fixed events. Returns the number of ranges kept,
 * or < 0 after a warning when a range is malformed. */
static int
read_ranges(struct osv *o, json_t *ranges, const char *pkg, json_t *out, struct lb_buf *fixed)
{
	size_t i, j;
	json_t *rg, *ev;
	int kept = 0;

	if (!ranges || json_is_null(ranges))
		return 0;
	if (!json_is_array(ranges)) {
		lb_feed_warn(o->s, o->file, o->id, "ranges of '%s' is not an array", pkg);
		return -LB_E_FORMAT;
	}
	json_array_foreach(ranges, i, rg) {
		bool bad = false;
		const char *type = lb_feed_jstr(rg, "type", &bad);
		json_t *events = json_object_get(rg, "events"), *nev, *nr;

		if (bad || !type) {
			lb_feed_warn(o->s, o->file, o->id, "range %zu of '%s' has no type", i, pkg);
			return -LB_E_FORMAT;
		}
		if (strcmp(type, "ECOSYSTEM") != 0 && strcmp(type, "SEMVER") != 0)
			continue;      /* GIT: commits, not versions */
		if (!json_is_array(events) || json_array_size(events) == 0 ||
		    json_array_size(events) > LB_FEED_MAX_EVENTS) {
			lb_feed_warn(o->s, o->file, o->id, "range %zu of '%s' has no valid events", i, pkg);
			return -LB_E_FORMAT;
		}
		nev = json_array();
		json_array_foreach(events, j, ev) {
			static const char *const kinds[] = { "introduced", "fixed", "last_affected", "limit" };
			const char *k = NULL, *v = NULL;
			size_t nk = 0;
			for (size_t t = 0; t < 4; t++) {
				json_t *x = json_object_get(ev, kinds[t]);
				if (x) {
					k = kinds[t];
					v = json_string_value(x);
					nk++;
				}
			}
			if (nk != 1 || !v || strlen(v) != json_string_length(json_object_get(ev, k)) ||
			    !lb_feed_version_ok(v)) {
				lb_feed_warn(o->s, o->file, o->id, "range %zu of '%s': invalid event %zu",
				    i, pkg, j);
				json_decref(nev);
				return -LB_E_FORMAT;
			}
			json_array_append_new(nev, json_pack("{ss}", k, v));
			if (strcmp(k, "fixed") == 0 && !joined_has(fixed, v)) {
				if (fixed->len)
					lb_buf_addstr(fixed, ", ");
				lb_buf_addstr(fixed, v);
			}
		}
		nr = json_pack("{ssso}", "type", type, "events", nev);
		json_array_append_new(out, nr);
		kept++;
	}
	return kept;
}

static json_t *
read_versions(struct osv *o, json_t *vers, const char *pkg)
{
	json_t *out, *v;
	size_t i;

	if (!vers || json_is_null(vers))
		return NULL;
	if (!json_is_array(vers)) {
		lb_feed_warn(o->s, o->file, o->id, "versions of '%s' is not an array", pkg);
		return NULL;
	}
	if (json_array_size(vers) > LB_FEED_MAX_VERSIONS) {
		lb_feed_warn(o->s, o->file, o->id, "versions of '%s': more than %d", pkg, LB_FEED_MAX_VERSIONS);
		return NULL;
	}
	out = json_array();
	json_array_foreach(vers, i, v) {
		const char *s = json_string_value(v);
		if (!s || strlen(s) != json_string_length(v) || !lb_feed_version_ok(s)) {
			lb_feed_warn(o->s, o->file, o->id, "versions[%zu] of '%s' is not a valid version", i, pkg);
			continue;
		}
		json_array_append_new(out, json_string(s));
	}
	if (json_array_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static void
read_affected(struct osv *o, json_t *a, size_t idx)
{
	json_t *pkg = json_object_get(a, "package"), *ranges, *versions;
	const char *eco, *name, *type;
	char distro[64], src[64];
	struct lb_buf fixed = LB_BUF_INIT(4096);
	struct lb_feed_affected *f;
	bool bad = false;
	json_t *ds;
	int nr;

	eco = lb_feed_jstr(pkg, "ecosystem", &bad);
	name = lb_feed_jstr(pkg, "name", &bad);
	if (!json_is_object(pkg) || bad || !eco || !name) {
		lb_feed_warn(o->s, o->file, o->id, "affected[%zu] has no package ecosystem and name", idx);
		return;
	}
	if (!(type = lb_feed_osv_ecosystem(eco, distro, sizeof(distro))))
		return;
	if (!lb_feed_name_ok(name)) {
		lb_feed_warn(o->s, o->file, o->id, "affected[%zu] has an invalid package name", idx);
		return;
	}
	ranges = json_array();
	nr = read_ranges(o, json_object_get(a, "ranges"), name, ranges, &fixed);
	if (nr < 0) {
		json_decref(ranges);
		lb_buf_release(&fixed);
		return;
	}
	versions = read_versions(o, json_object_get(a, "versions"), name);
	if (nr == 0 && !versions) {
		/* only GIT ranges (or nothing): nothing a version can match */
		json_decref(ranges);
		lb_buf_release(&fixed);
		return;
	}
	/* RustSec puts its CVSS vector in affected[].database_specific.cvss */
	ds = json_object_get(a, "database_specific");
	if (json_is_object(ds) && json_is_string(json_object_get(ds, "cvss")))
		add_cvss(o, json_string_value(json_object_get(ds, "cvss")), -1);

	lb_xgrow(&o->aff, &o->capaff, o->naff + 1, sizeof(*o->aff));
	f = &o->aff[o->naff++];
	memset(f, 0, sizeof(*f));
	snprintf(src, sizeof(src), "osv:%.*s", (int)strcspn(eco, ":"), eco);
	f->source = lb_feed_tmp_keep(&o->tmp, lb_xstrdup(src));
	f->ecosystem = type;
	f->distro = distro[0] ? lb_feed_tmp_keep(&o->tmp, lb_xstrdup(distro)) : NULL;
	f->package = lb_feed_tmp_keep(&o->tmp, lb_feed_pkgname(type, name));
	f->status = fixed.len ? LB_VS_FIXED : LB_VS_AFFECTED;
	f->fixed = fixed.len ? lb_feed_tmp_keep(&o->tmp, lb_buf_detach(&fixed, NULL)) : NULL;
	f->ranges = nr ? lb_feed_tmp_keep(&o->tmp, json_dumps(ranges, JSON_COMPACT)) : NULL;
	f->versions = versions ? lb_feed_tmp_keep(&o->tmp, json_dumps(versions, JSON_COMPACT)) : NULL;
	f->record = o->id;
	json_decref(ranges);
	json_decref(versions);
	lb_buf_release(&fixed);
}

static int
read_record(struct lb_feed_sink *s, const char *file, json_t *rec)
{
	struct osv o = { .s = s, .file = file };
	struct lb_feed_record r = { .file = file };
	json_t *aff, *ds, *v;
	const char *summary, *details;
	bool bad = false;
	size_t i;
	int ret;

	if (!json_is_object(rec)) {
		lb_feed_warn(s, file, NULL, "an OSV record is not an object");
		return 0;
	}
	o.id = lb_feed_jstr(rec, "id", &bad);
	if (bad || !lb_feed_id_ok(o.id)) {
		lb_feed_warn(s, file, NULL, "OSV record without a valid id");
		return 0;
	}
	r.id = o.id;
	v = json_object_get(rec, "withdrawn");
	r.withdrawn = v && !json_is_null(v);
	read_ids(&o, rec);
	summary = lb_feed_jstr(rec, "summary", &bad);
	details = lb_feed_jstr(rec, "details", &bad);
	if (summary && (r.title = lb_feed_tmp_keep(&o.tmp, lb_feed_title(summary, strlen(summary)))))
		r.title_rank = 10;
	else if (details && (r.title = lb_feed_tmp_keep(&o.tmp, lb_feed_title(details, strlen(details)))))
		r.title_rank = 3;
	r.published = lb_feed_jstr(rec, "published", &bad);
	r.modified = lb_feed_jstr(rec, "modified", &bad);
	if (r.published && (strlen(r.published) > LB_FEED_MAX_DATE || !lb_feed_text_ok(r.published, strlen(r.published))))
		r.published = NULL;
	if (r.modified && (strlen(r.modified) > LB_FEED_MAX_DATE || !lb_feed_text_ok(r.modified, strlen(r.modified))))
		r.modified = NULL;
	if (bad)
		lb_feed_warn(s, file, o.id, "summary, details or dates are not strings");
	r.meta_rank = LB_RANK_OSV;
	read_severity(&o, json_object_get(rec, "severity"));
	ds = json_object_get(rec, "database_specific");
	if (json_is_object(ds)) {
		/* GitHub's rating of its advisory: the vendor's word */
		const char *sev = json_string_value(json_object_get(ds, "severity"));
		if (lb_feed_sev_parse(sev)) {
			o.vsev = lb_feed_sev_parse(sev);
			o.vsev_src = strncmp(o.id, "GHSA-", 5) == 0 ? "vendor:ghsa" : "vendor:osv";
		}
		read_cwe(&o, ds);
	}
	aff = json_object_get(rec, "affected");
	if (aff && !json_is_array(aff)) {
		lb_feed_warn(s, file, o.id, "affected is not an array");
	} else if (json_array_size(aff) > LB_FEED_MAX_AFFECTED) {
		lb_feed_warn(s, file, o.id, "more than %d affected entries", LB_FEED_MAX_AFFECTED);
	} else {
		json_array_foreach(aff, i, v)
			read_affected(&o, v, i);
	}
	for (i = 0; i < o.naff; i++) {
		o.aff[i].severity = o.vsev;
		o.aff[i].severity_source = o.vsev ? o.vsev_src : NULL;
	}
	r.aliases = o.aliases.v;
	r.naliases = o.aliases.n;
	r.related = o.related.v;
	r.nrelated = o.related.n;
	r.cwe = o.cwe.v;
	r.ncwe = o.cwe.n;
	r.cvss = o.cvss;
	r.ncvss = o.ncvss;
	r.aff = o.aff;
	r.naff = o.naff;
	ret = lb_feed_emit(s, &r);
	lb_feed_list_release(&o.aliases);
	lb_feed_list_release(&o.related);
	lb_feed_list_release(&o.cwe);
	free(o.cvss);
	free(o.aff);
	lb_feed_tmp_reset(&o.tmp);
	return ret;
}

static int
osv_parse(struct lb_feed_sink *s, const char *kind, const char *name, const void *buf, size_t len)
{
	char err[200];
	json_t *doc, *v;
	size_t i;
	int r = 0;

	(void)kind;
	if (lb_feed_doc_load(buf, len, &doc, err, sizeof(err)) < 0) {
		lb_feed_warn(s, name, NULL, "%s", err);
		return -LB_E_FORMAT;
	}
	if (json_is_array(doc)) {
		json_array_foreach(doc, i, v)
			if ((r = read_record(s, name, v)) < 0)
				break;
	} else {
		r = read_record(s, name, doc);
	}
	json_decref(doc);
	return r;
}

static bool
osv_want(const char *path)
{
	size_t n = strlen(path);

	return (n > 5 && strcmp(path + n - 5, ".json") == 0) ||
	    (n > 5 && strcmp(path + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(path + n - 4, ".yml") == 0) ||
	    (n > 4 && strcmp(path + n - 4, ".zip") == 0);
}

const struct lb_feed_ops lb_feed_osv = {
	.kind = "osv",
	.want = osv_want,
	.parse = osv_parse,
};
