/* feed_cve5.c - CVE JSON 5.x records (CVEProject cve-schema, as in
 * cvelistV5): metadata only, like NVD. The CNA container gives the title,
 * description, CWE and CVSS; ADP containers (CISA) fill in what it lacks.
 * REJECTED records add nothing. */
#include "vulndb/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_banned.h"

struct cve5 {
	struct lb_feed_tmp tmp;
	struct lb_feed_list cwe;
	struct lb_feed_cvss cvss[16];
	size_t ncvss;
};

/* s, file and id name the record in warnings */
static void
container(struct lb_feed_sink *s, const char *file, const char *id, struct cve5 *c, json_t *ct, int rank)
{
	static const char *const keys[] = { "cvssV3_1", "cvssV3_0", "cvssV4_0", "cvssV2_0" };
	json_t *m, *pt, *d;
	size_t i, j;

	json_array_foreach(json_object_get(ct, "metrics"), i, m) {
		for (size_t k = 0; k < 4; k++) {
			json_t *data = json_object_get(m, keys[k]), *score, *v = json_object_get(data, "vectorString");
			const char *vec = json_string_value(v);
			if (v && !vec)
				lb_feed_warn(s, file, id, "metrics[%zu].%s: vectorString is not a string; ignored", i, keys[k]);
			if (!vec || strlen(vec) > LB_FEED_MAX_VECTOR || c->ncvss >= 16)
				continue;
			score = json_object_get(data, "baseScore");
			if (score && !json_is_number(score))
				lb_feed_warn(s, file, id, "metrics[%zu].%s: baseScore is not a number; ignored", i, keys[k]);
			c->cvss[c->ncvss++] = (struct lb_feed_cvss){ vec,
				json_is_number(score) ? json_number_value(score) : -1, rank };
		}
	}
	if (c->cwe.n)
		return;       /* the CNA's CWE when it gives one */
	json_array_foreach(json_object_get(ct, "problemTypes"), i, pt) {
		json_array_foreach(json_object_get(pt, "descriptions"), j, d) {
			const char *cwe = json_string_value(json_object_get(d, "cweId"));
			if (cwe && strncmp(cwe, "CWE-", 4) == 0 && lb_feed_id_ok(cwe) && c->cwe.n < LB_FEED_MAX_CWE)
				lb_feed_list_add(&c->cwe, cwe);
		}
	}
}

static int
read_record(struct lb_feed_sink *s, const char *file, json_t *rec)
{
	struct lb_feed_record r = { .file = file, .metadata_only = true, .meta_rank = LB_RANK_CVE5 };
	struct cve5 c = { 0 };
	json_t *meta = json_object_get(rec, "cveMetadata"), *cons, *cna, *a, *d;
	const char *id, *state, *title, *desc = NULL;
	bool bad = false;
	size_t i;
	int ret;

	id = lb_feed_jstr(meta, "cveId", &bad);
	state = lb_feed_jstr(meta, "state", &bad);
	if (bad || !lb_feed_is_cve(id)) {
		lb_feed_warn(s, file, NULL, "no valid cveMetadata.cveId");
		return 0;
	}
	if (state && strcmp(state, "PUBLISHED") != 0)
		return 0;
	r.id = id;
	cons = json_object_get(rec, "containers");
	cna = json_object_get(cons, "cna");
	if (!json_is_object(cna)) {
		lb_feed_warn(s, file, id, "no containers.cna");
		return 0;
	}
	container(s, file, id, &c, cna, LB_RANK_CVE5);
	json_array_foreach(json_object_get(cons, "adp"), i, a)
		container(s, file, id, &c, a, LB_RANK_CVE5_ADP);
	title = lb_feed_jstr(cna, "title", &bad);
	json_array_foreach(json_object_get(cna, "descriptions"), i, d) {
		const char *lang = json_string_value(json_object_get(d, "lang"));
		if (lang && strncmp(lang, "en", 2) == 0) {
			desc = json_string_value(json_object_get(d, "value"));
			break;
		}
	}
	if (title && (r.title = lb_feed_tmp_keep(&c.tmp, lb_feed_title(title, strlen(title)))))
		r.title_rank = 9;
	else if (desc && (r.title = lb_feed_tmp_keep(&c.tmp, lb_feed_title(desc, strlen(desc)))))
		r.title_rank = 4;
	r.published = lb_feed_jstr(meta, "datePublished", &bad);
	r.modified = lb_feed_jstr(meta, "dateUpdated", &bad);
	if (r.published && (strlen(r.published) > LB_FEED_MAX_DATE || !lb_feed_text_ok(r.published, strlen(r.published))))
		r.published = NULL;
	if (r.modified && (strlen(r.modified) > LB_FEED_MAX_DATE || !lb_feed_text_ok(r.modified, strlen(r.modified))))
		r.modified = NULL;
	r.cvss = c.cvss;
	r.ncvss = c.ncvss;
	r.cwe = c.cwe.v;
	r.ncwe = c.cwe.n;
	ret = lb_feed_emit(s, &r);
	lb_feed_list_release(&c.cwe);
	lb_feed_tmp_reset(&c.tmp);
	return ret;
}

static int
cve5_parse(struct lb_feed_sink *s, const char *kind, const char *name, const void *buf, size_t len)
{
	json_error_t je;
	json_t *doc, *v;
	size_t i;
	int r = 0;

	(void)kind;
	doc = json_loadb(buf, len, 0, &je);
	if (!doc) {
		lb_feed_warn(s, name, NULL, "JSON line %d: %s", je.line, je.text);
		return -LB_E_FORMAT;
	}
	if (json_is_array(doc)) {
		json_array_foreach(doc, i, v)
			if ((r = read_record(s, name, v)) < 0)
				break;
	} else if (json_is_object(doc)) {
		r = read_record(s, name, doc);
	} else {
		lb_feed_warn(s, name, NULL, "not a CVE record");
		r = -LB_E_FORMAT;
	}
	json_decref(doc);
	return r;
}

static bool
cve5_want(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && strcmp(path + n - 5, ".json") == 0;
}

const struct lb_feed_ops lb_feed_cve5 = {
	.kind = "cve5",
	.want = cve5_want,
	.parse = cve5_parse,
};
