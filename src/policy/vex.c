/* vex.c - VEX input: OpenVEX and CycloneDX VEX documents.
 *
 * OpenVEX (openvex/spec OPENVEX-SPEC.md, v0.2.0; the v0.0.x shapes with a
 * string "vulnerability" and string products are read too): a statement
 * applies to each subcomponent purl, or to its product purls when it
 * lists no subcomponents. A product that is not a package purl (an image
 * "pkg:oci/..." or "pkg:docker/...", or another IRI) without
 * subcomponents applies to every package of the scan: lifebelt cannot
 * check which image an IRI names, and the user chose to pass the file.
 *
 * CycloneDX (1.4-1.6 "vulnerabilities[].analysis"): each "affects[].ref"
 * is resolved through the document's components' bom-ref to their purl
 * (a ref that is itself a purl is taken as is; a BOM-link keeps the part
 * after '#'). A ref that resolves to nothing is kept as a scope that
 * matches nothing, so that it is reported stale. States: not_affected and
 * false_positive -> "not_affected", resolved and resolved_with_pedigree ->
 * "fixed"; exploitable and in_triage are read but set nothing aside.
 *
 * Errors name the JSON path: "$.statements[3].status".
 */
#include "policy/policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze/purl.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_banned.h"

#define MAX_COMPONENT_DEPTH 64

struct vex {
	struct lb_policy *pol;
	const char *name;     /* file name as given (for "where") */
	char nm[512];         /* printable */
	char **err;
};

static int
fail(struct vex *v, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(struct vex *v, int code, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL, *full;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	full = lb_xasprintf("cannot parse '%s' at %s", v->nm, msg ? msg : "?");
	free(msg);
	if (v->err) {
		free(*v->err);
		*v->err = full;
	} else {
		free(full);
	}
	return code;
}

/* A string member or NULL; an error when present but not a string. */
static int
opt_str(struct vex *v, json_t *obj, const char *key, const char *path, const char **out)
{
	json_t *m = json_object_get(obj, key);

	*out = NULL;
	if (!m || json_is_null(m))
		return 0;
	if (!json_is_string(m))
		return fail(v, -LB_E_FORMAT, "%s.%s: must be a string", path, key);
	if (strlen(json_string_value(m)) != json_string_length(m))
		return fail(v, -LB_E_FORMAT, "%s.%s: holds a NUL character", path, key);
	*out = json_string_value(m);
	return 0;
}

/* Whether the scope id names one package (a purl of a package type). */
static bool
package_purl(const char *id)
{
	struct lb_purl p;
	bool ok = lb_purl_parse(id, strlen(id), &p) == 0 && strcmp(p.type, "oci") != 0 &&
	    strcmp(p.type, "docker") != 0;

	lb_purl_release(&p);
	return ok;
}

static int
add_rule(struct vex *v, const char *id, const char *scope, const char *status, bool suppresses,
    const char *justification, const char *reason, const char *where)
{
	struct lb_policy_rule *r;

	if (!lb_policy_valid_id(id, strlen(id)))
		return fail(v, -LB_E_FORMAT, "%s: invalid vulnerability ID", where);
	if (!(r = lb_policy_add(v->pol, "vex")))
		return fail(v, -LB_E_LIMIT, "%s: more than %d statements", where, LB_POLICY_MAX_RULES);
	r->id = lb_xstrdup(id);
	r->purl = scope ? lb_xstrdup(scope) : NULL;
	r->status = lb_xstrdup(status);
	r->suppresses = suppresses;
	r->justification = justification ? lb_xstrdup(justification) : NULL;
	r->reason = reason ? lb_xstrdup(reason) : NULL;
	r->where = lb_xasprintf("%s:%s", v->name, where);
	lb_policy_finish_rule(v->pol, r);
	return 0;
}

/* The id of a product or subcomponent: "@id", else identifiers.purl, else
 * the string itself (v0.0.x). NULL when none. */
static const char *
component_id(json_t *c)
{
	const char *s;

	if (json_is_string(c))
		return json_string_value(c);
	if ((s = json_string_value(json_object_get(c, "@id"))))
		return s;
	return json_string_value(json_object_get(json_object_get(c, "identifiers"), "purl"));
}

/* A scope for the rule: the purl when it names a package, else NULL (any);
 * "" marks an id that names nothing lifebelt can match. */
static const char *
scope_of(const char *id)
{
	if (!id)
		return NULL;
	return package_purl(id) ? id : NULL;
}

static int
openvex_statement(struct vex *v, json_t *st, size_t i)
{
	char path[96], where[160];
	json_t *vuln, *products;
	const char *name = NULL, *status, *just, *impact, *action;
	bool suppresses;
	size_t nscopes = 0;
	int r;

	snprintf(path, sizeof(path), "$.statements[%zu]", i);
	if (!json_is_object(st))
		return fail(v, -LB_E_FORMAT, "%s: a statement must be an object", path);
	vuln = json_object_get(st, "vulnerability");
	if (json_is_string(vuln))
		name = json_string_value(vuln);
	else if (json_is_object(vuln))
		name = json_string_value(json_object_get(vuln, "name"));
	if (!name)
		return fail(v, -LB_E_FORMAT, "%s.vulnerability.name: missing or not a string", path);
	if ((r = opt_str(v, st, "status", path, &status)) < 0)
		return r;
	if (!status || !(strcmp(status, "not_affected") == 0 || strcmp(status, "affected") == 0 ||
	    strcmp(status, "fixed") == 0 || strcmp(status, "under_investigation") == 0))
		return fail(v, -LB_E_FORMAT, "%s.status: must be not_affected, affected, fixed or "
		    "under_investigation", path);
	if ((r = opt_str(v, st, "justification", path, &just)) < 0 ||
	    (r = opt_str(v, st, "impact_statement", path, &impact)) < 0 ||
	    (r = opt_str(v, st, "action_statement", path, &action)) < 0)
		return r;
	if (strcmp(status, "not_affected") == 0 && !just && !impact)
		return fail(v, -LB_E_FORMAT, "%s: a not_affected statement needs a justification or "
		    "an impact_statement", path);
	suppresses = strcmp(status, "not_affected") == 0 || strcmp(status, "fixed") == 0;
	products = json_object_get(st, "products");
	if (products && !json_is_array(products))
		return fail(v, -LB_E_FORMAT, "%s.products: must be an array", path);
	for (size_t p = 0; p < json_array_size(products); p++) {
		json_t *prod = json_array_get(products, p), *subs = json_object_get(prod, "subcomponents");
		const char *pid = component_id(prod);

		snprintf(where, sizeof(where), "%s.products[%zu]", path, p);
		if (!pid)
			return fail(v, -LB_E_FORMAT, "%s: a product needs an '@id' or identifiers.purl", where);
		if (subs && !json_is_array(subs))
			return fail(v, -LB_E_FORMAT, "%s.subcomponents: must be an array", where);
		for (size_t s = 0; s < json_array_size(subs); s++) {
			const char *sid = component_id(json_array_get(subs, s));
			char swhere[200];

			snprintf(swhere, sizeof(swhere), "%s.subcomponents[%zu]", where, s);
			if (!sid)
				return fail(v, -LB_E_FORMAT, "%s: needs an '@id' or identifiers.purl", swhere);
			if ((r = add_rule(v, name, package_purl(sid) ? sid : "", status, suppresses, just,
			    impact, swhere)) < 0)
				return r;
			nscopes++;
		}
		if (json_array_size(subs) == 0) {
			if ((r = add_rule(v, name, scope_of(pid), status, suppresses, just, impact, where)) < 0)
				return r;
			nscopes++;
		}
	}
	if (nscopes == 0)
		return add_rule(v, name, NULL, status, suppresses, just, impact, path);
	return 0;
}

static int
parse_openvex(struct vex *v, json_t *doc)
{
	json_t *sts = json_object_get(doc, "statements");
	int r;

	if (!json_is_array(sts))
		return fail(v, -LB_E_FORMAT, "$.statements: missing or not an array");
	for (size_t i = 0; i < json_array_size(sts); i++)
		if ((r = openvex_statement(v, json_array_get(sts, i), i)) < 0)
			return r;
	return 0;
}

/* bom-ref -> purl over the components, nested ones too. */
static void
index_components(struct lb_hmap *m, json_t *comps, int depth)
{
	if (depth > MAX_COMPONENT_DEPTH)
		return;
	for (size_t i = 0; i < json_array_size(comps); i++) {
		json_t *c = json_array_get(comps, i);
		const char *ref = json_string_value(json_object_get(c, "bom-ref"));
		const char *purl = json_string_value(json_object_get(c, "purl"));

		if (ref && purl)
			lb_hmap_put(m, ref, strlen(ref), (void *)purl);
		index_components(m, json_object_get(c, "components"), depth + 1);
	}
}

static int
parse_cdx(struct vex *v, json_t *doc)
{
	struct lb_hmap refs = LB_HMAP_INIT;
	json_t *vulns = json_object_get(doc, "vulnerabilities"), *meta;
	int r = 0;

	if (vulns && !json_is_array(vulns))
		return fail(v, -LB_E_FORMAT, "$.vulnerabilities: must be an array");
	if (json_array_size(vulns) == 0)
		return fail(v, -LB_E_FORMAT, "$.vulnerabilities: a CycloneDX VEX needs vulnerabilities");
	meta = json_object_get(json_object_get(doc, "metadata"), "component");
	if (meta) {
		json_t *one = json_array();

		json_array_append(one, meta);
		index_components(&refs, one, 0);
		json_decref(one);
	}
	index_components(&refs, json_object_get(doc, "components"), 0);
	for (size_t i = 0; i < json_array_size(vulns) && r == 0; i++) {
		json_t *vu = json_array_get(vulns, i), *an, *affects;
		const char *id, *state, *just, *detail, *status;
		char path[96], where[160];
		bool suppresses = true;

		snprintf(path, sizeof(path), "$.vulnerabilities[%zu]", i);
		if (!json_is_object(vu)) {
			r = fail(v, -LB_E_FORMAT, "%s: must be an object", path);
			break;
		}
		if (!(id = json_string_value(json_object_get(vu, "id")))) {
			r = fail(v, -LB_E_FORMAT, "%s.id: missing or not a string", path);
			break;
		}
		an = json_object_get(vu, "analysis");
		if (!an)
			continue;   /* a vulnerability without analysis says nothing about it */
		snprintf(where, sizeof(where), "%s.analysis", path);
		if (!json_is_object(an)) {
			r = fail(v, -LB_E_FORMAT, "%s: must be an object", where);
			break;
		}
		if ((r = opt_str(v, an, "state", where, &state)) < 0 ||
		    (r = opt_str(v, an, "justification", where, &just)) < 0 ||
		    (r = opt_str(v, an, "detail", where, &detail)) < 0)
			break;
		if (!state) {
			r = fail(v, -LB_E_FORMAT, "%s.state: missing", where);
			break;
		}
		if (strcmp(state, "not_affected") == 0) {
			status = "not_affected";
		} else if (strcmp(state, "false_positive") == 0) {
			status = "not_affected";
			if (!detail)
				detail = "false positive";
		} else if (strcmp(state, "resolved") == 0 || strcmp(state, "resolved_with_pedigree") == 0) {
			status = "fixed";
		} else if (strcmp(state, "exploitable") == 0) {
			status = "affected";
			suppresses = false;
		} else if (strcmp(state, "in_triage") == 0) {
			status = "under_investigation";
			suppresses = false;
		} else {
			r = fail(v, -LB_E_FORMAT, "%s.state: unknown state", where);
			break;
		}
		affects = json_object_get(vu, "affects");
		if (affects && !json_is_array(affects)) {
			r = fail(v, -LB_E_FORMAT, "%s.affects: must be an array", path);
			break;
		}
		if (json_array_size(affects) == 0) {
			r = add_rule(v, id, NULL, status, suppresses, just, detail, path);
			continue;
		}
		for (size_t a = 0; a < json_array_size(affects) && r == 0; a++) {
			const char *ref = json_string_value(json_object_get(json_array_get(affects, a), "ref"));
			const char *purl, *hash;

			snprintf(where, sizeof(where), "%s.affects[%zu].ref", path, a);
			if (!ref) {
				r = fail(v, -LB_E_FORMAT, "%s: missing or not a string", where);
				break;
			}
			/* a BOM-link "urn:cdx:SERIAL/VERSION#REF" names REF in that BOM */
			if (strncmp(ref, "urn:cdx:", 8) == 0 && (hash = strchr(ref, '#')))
				ref = hash + 1;
			purl = lb_hmap_get(&refs, ref, strlen(ref));
			if (!purl && strncmp(ref, "pkg:", 4) == 0)
				purl = ref;
			r = add_rule(v, id, purl && package_purl(purl) ? purl : "", status, suppresses,
			    just, detail, where);
		}
	}
	lb_hmap_release(&refs);
	return r;
}

int
lb_policy_parse_vex(struct lb_policy *pol, const char *name, const char *buf, size_t len,
    char **err)
{
	struct vex v = { .pol = pol, .name = name ? name : "?", .err = err };
	json_error_t je;
	json_t *doc, *ctx;
	int r;

	lb_safe(v.nm, sizeof(v.nm), v.name);
	if (!(doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je))) {
		char *msg = lb_xasprintf("cannot parse '%s' line %d: %s", v.nm, je.line, je.text);

		if (err) {
			free(*err);
			*err = msg;
		} else {
			free(msg);
		}
		return -LB_E_FORMAT;
	}
	ctx = json_object_get(doc, "@context");
	if (!json_is_object(doc))
		r = fail(&v, -LB_E_FORMAT, "$: not a JSON object");
	else if (json_is_string(ctx) && strncmp(json_string_value(ctx), "https://openvex.dev/ns", 22) == 0)
		r = parse_openvex(&v, doc);
	else if (json_is_string(json_object_get(doc, "bomFormat")) &&
	    strcmp(json_string_value(json_object_get(doc, "bomFormat")), "CycloneDX") == 0)
		r = parse_cdx(&v, doc);
	else
		r = fail(&v, -LB_E_FORMAT, "$: neither an OpenVEX document (@context "
		    "https://openvex.dev/ns/...) nor a CycloneDX one (bomFormat)");
	json_decref(doc);
	return r;
}
