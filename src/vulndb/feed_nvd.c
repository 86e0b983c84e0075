/* feed_nvd.c - NVD data, told apart by content:
 *  - CVE API 2.0 responses (a page of "vulnerabilities": [{"cve": {...}}],
 *    also the single-CVE responses), or a bare 2.0 "cve" object;
 *  - the legacy JSON 1.1 feeds ("CVE_Items": [{"cve": ..., "impact": ...}]).
 * NVD only adds metadata to vulnerabilities other feeds know: CVSS
 * vectors, CWE, a description, dates. It never makes an affected row: OS
 * packages must not match NVD product names. Pages are read one CVE at a
 * time, so a broken item costs only that item. */
#include "vulndb/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_banned.h"

struct nvd {
	struct lb_feed_sink *s;
	const char *file;
	bool saw_id;          /* a bare cve object at the top */
	size_t items;
	int stop;
};

struct meta {
	struct lb_feed_tmp tmp;
	struct lb_feed_list cwe;
	struct lb_feed_cvss cvss[16];
	size_t ncvss;
};

/* what names a CVSS object in warnings: "cvssMetricV31[0]" */
static void
meta_cvss(struct nvd *n, struct meta *m, const char *id, const char *what, json_t *data, int rank)
{
	json_t *score, *v;
	const char *vec;

	if (!data || m->ncvss >= sizeof(m->cvss) / sizeof(m->cvss[0]))
		return;
	if (!json_is_object(data)) {
		lb_feed_warn(n->s, n->file, id, "%s is not an object; ignored", what);
		return;
	}
	v = json_object_get(data, "vectorString");
	vec = json_string_value(v);
	if (v && !vec)
		lb_feed_warn(n->s, n->file, id, "%s: vectorString is not a string; ignored", what);
	if (!vec || strlen(vec) > LB_FEED_MAX_VECTOR)
		return;
	score = json_object_get(data, "baseScore");
	/* the score is computed from the vector anyway (v2, v3); the feed's
	 * stands only for v4 */
	if (score && !json_is_number(score))
		lb_feed_warn(n->s, n->file, id, "%s: baseScore is not a number; ignored", what);
	m->cvss[m->ncvss++] = (struct lb_feed_cvss){ vec, json_is_number(score) ? json_number_value(score) : -1, rank };
}

static void
meta_cwe(struct meta *m, const char *v)
{
	if (!v || strncmp(v, "CWE-", 4) != 0 || !lb_feed_id_ok(v) || m->cwe.n >= LB_FEED_MAX_CWE)
		return;
	for (size_t i = 0; i < m->cwe.n; i++)
		if (strcmp(m->cwe.v[i], v) == 0)
			return;
	lb_feed_list_add(&m->cwe, v);
}

static const char *
english(json_t *arr, const char *langkey, const char *valkey)
{
	size_t i;
	json_t *d;

	json_array_foreach(arr, i, d) {
		const char *lang = json_string_value(json_object_get(d, langkey));
		if (lang && strncmp(lang, "en", 2) == 0)
			return json_string_value(json_object_get(d, valkey));
	}
	return NULL;
}

static int
emit(struct nvd *n, struct meta *m, const char *id, const char *desc, const char *pub, const char *mod)
{
	struct lb_feed_record r = { .file = n->file, .id = id, .metadata_only = true, .meta_rank = LB_RANK_NVD };
	int ret;

	if (desc && (r.title = lb_feed_tmp_keep(&m->tmp, lb_feed_title(desc, strlen(desc)))))
		r.title_rank = 5;
	if (pub && strlen(pub) <= LB_FEED_MAX_DATE && lb_feed_text_ok(pub, strlen(pub)))
		r.published = pub;
	if (mod && strlen(mod) <= LB_FEED_MAX_DATE && lb_feed_text_ok(mod, strlen(mod)))
		r.modified = mod;
	r.cvss = m->cvss;
	r.ncvss = m->ncvss;
	r.cwe = m->cwe.v;
	r.ncwe = m->cwe.n;
	ret = lb_feed_emit(n->s, &r);
	lb_feed_list_release(&m->cwe);
	lb_feed_tmp_reset(&m->tmp);
	return ret;
}

/* API 2.0: {"id", "published", "lastModified", "vulnStatus", "descriptions",
 * "metrics": {"cvssMetricV31": [{"type": "Primary", "cvssData": {...}}]},
 * "weaknesses": [{"description": [{"value": "CWE-79"}]}]} */
static int
item_v2(struct nvd *n, json_t *cve)
{
	static const char *const keys[] = { "cvssMetricV31", "cvssMetricV30", "cvssMetricV40", "cvssMetricV2" };
	struct meta m = { 0 };
	const char *id, *status;
	json_t *metrics, *arr, *e, *d;
	bool bad = false;
	size_t i, j;

	id = lb_feed_jstr(cve, "id", &bad);
	if (bad || !lb_feed_is_cve(id)) {
		lb_feed_warn(n->s, n->file, NULL, "item %zu: no valid CVE id", n->items);
		return 0;
	}
	status = lb_feed_jstr(cve, "vulnStatus", &bad);
	if (status && strcmp(status, "Rejected") == 0)
		return 0;
	metrics = json_object_get(cve, "metrics");
	for (size_t k = 0; k < 4 && json_is_object(metrics); k++) {
		arr = json_object_get(metrics, keys[k]);
		json_array_foreach(arr, i, e) {
			const char *type = json_string_value(json_object_get(e, "type"));
			char what[64];
			snprintf(what, sizeof(what), "%s[%zu].cvssData", keys[k], i);
			meta_cvss(n, &m, id, what, json_object_get(e, "cvssData"),
			    type && strcmp(type, "Primary") == 0 ? LB_RANK_NVD : LB_RANK_NVD_SECONDARY);
		}
	}
	/* Primary weaknesses first */
	for (int pass = 0; pass < 2; pass++) {
		json_array_foreach(json_object_get(cve, "weaknesses"), i, e) {
			const char *type = json_string_value(json_object_get(e, "type"));
			bool primary = type && strcmp(type, "Primary") == 0;
			if (primary != (pass == 0))
				continue;
			json_array_foreach(json_object_get(e, "description"), j, d)
				meta_cwe(&m, json_string_value(json_object_get(d, "value")));
		}
	}
	return emit(n, &m, id, english(json_object_get(cve, "descriptions"), "lang", "value"),
	    lb_feed_jstr(cve, "published", &bad), lb_feed_jstr(cve, "lastModified", &bad));
}

/* JSON 1.1: {"cve": {"CVE_data_meta": {"ID"}, "problemtype", "description"},
 * "impact": {"baseMetricV3": {"cvssV3": {...}}, "baseMetricV2": {"cvssV2"}},
 * "publishedDate", "lastModifiedDate"} */
static int
item_v11(struct nvd *n, json_t *item)
{
	struct meta m = { 0 };
	json_t *cve = json_object_get(item, "cve"), *impact, *pt, *d;
	const char *id;
	bool bad = false;
	size_t i, j;

	id = lb_feed_jstr(json_object_get(cve, "CVE_data_meta"), "ID", &bad);
	if (bad || !lb_feed_is_cve(id)) {
		lb_feed_warn(n->s, n->file, NULL, "CVE_Items[%zu]: no valid CVE_data_meta.ID", n->items);
		return 0;
	}
	impact = json_object_get(item, "impact");
	meta_cvss(n, &m, id, "baseMetricV3.cvssV3",
	    json_object_get(json_object_get(impact, "baseMetricV3"), "cvssV3"), LB_RANK_NVD);
	meta_cvss(n, &m, id, "baseMetricV2.cvssV2",
	    json_object_get(json_object_get(impact, "baseMetricV2"), "cvssV2"), LB_RANK_NVD);
	json_array_foreach(json_object_get(json_object_get(cve, "problemtype"), "problemtype_data"), i, pt)
		json_array_foreach(json_object_get(pt, "description"), j, d)
			meta_cwe(&m, json_string_value(json_object_get(d, "value")));
	return emit(n, &m, id,
	    english(json_object_get(json_object_get(cve, "description"), "description_data"), "lang", "value"),
	    lb_feed_jstr(item, "publishedDate", &bad), lb_feed_jstr(item, "lastModifiedDate", &bad));
}

static int
on_item(void *arg, const char *key, const char *val, size_t vlen)
{
	struct nvd *n = arg;
	json_error_t je;
	json_t *item;
	int r;

	(void)key;
	item = json_loadb(val, vlen, 0, &je);
	if (!json_is_object(item)) {
		lb_feed_warn(n->s, n->file, NULL, "item %zu: %s", n->items, item ? "not an object" : je.text);
		json_decref(item);
		n->items++;
		return 0;
	}
	if (json_is_object(json_object_get(item, "cve")) &&
	    json_object_get(json_object_get(item, "cve"), "CVE_data_meta"))
		r = item_v11(n, item);
	else if (json_is_object(json_object_get(item, "cve")))
		r = item_v2(n, json_object_get(item, "cve"));
	else
		r = item_v2(n, item);
	json_decref(item);
	n->items++;
	return r;
}

static int
on_top(void *arg, const char *key, const char *val, size_t vlen)
{
	struct nvd *n = arg;
	size_t pos;
	int r;

	if (!key)
		return on_item(arg, key, val, vlen);    /* a top-level array of items */
	if (strcmp(key, "vulnerabilities") == 0 || strcmp(key, "CVE_Items") == 0) {
		if (vlen && val[0] == '[') {
			r = lb_feed_json_split(val, vlen, on_item, n, &pos);
			if (r == -LB_E_FORMAT) {
				lb_feed_warn(n->s, n->file, NULL, "malformed %s after item %zu", key, n->items);
				n->stop = 1;     /* warned once: the rest of the file is not read */
			}
			return r;
		}
		lb_feed_warn(n->s, n->file, NULL, "%s is not an array", key);
	} else if (strcmp(key, "id") == 0 || strcmp(key, "cve") == 0) {
		n->saw_id = true;
	}
	return 0;
}

static int
nvd_parse(struct lb_feed_sink *s, const char *kind, const char *name, const void *buf, size_t len)
{
	struct nvd n = { .s = s, .file = name };
	size_t pos;
	int r;

	(void)kind;
	r = lb_feed_json_split(buf, len, on_top, &n, &pos);
	if (r == -LB_E_FORMAT && n.stop)
		return r;
	if (r == -LB_E_FORMAT) {
		lb_feed_warn(s, name, NULL, "malformed JSON at byte %zu", pos);
		return r;
	}
	if (r >= 0 && n.items == 0 && n.saw_id)
		r = on_item(&n, NULL, buf, len);     /* one bare CVE */
	return r;
}

static bool
nvd_want(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && strcmp(path + n - 5, ".json") == 0;
}

const struct lb_feed_ops lb_feed_nvd = {
	.kind = "nvd",
	.want = nvd_want,
	.parse = nvd_parse,
};
