/* rep_openvex.c - OpenVEX v0.2.0 (--format openvex): lifebelt's triage of
 * each finding as a VEX statement, so that it can be carried to other
 * tools (and read back with --vex).
 *
 * One statement per finding (vulnerability x package purl); the product is
 * the package purl, as vexctl writes it. Status:
 *   - a finding that counts: "affected", with an action_statement (upgrade
 *     to the fixed version, or why there is none); a feed's explicit "not
 *     affected" becomes "not_affected" with an impact_statement;
 *   - a finding a VEX document set aside: its status ("not_affected" or
 *     "fixed") with the justification / impact statement it gave;
 *   - a finding an ignore file set aside: still "affected" (an exception is
 *     a decision, not a fact about the code), with the exception and its
 *     reason as the action_statement.
 * Validated against the official OpenVEX JSON schema by
 * tests/e2e/t0910-report-formats.sh. The schema wants at least one
 * statement: a report with no findings has "statements": [] as vexctl and
 * go-vex write it, which that schema rejects (documented in docs/reports.md).
 */
#include "report/writer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_json_w.h"
#include "match/match.h"
#include "base/lb_banned.h"

#ifndef LB_VERSION
#define LB_VERSION "0.0.0"
#endif

static const char *const justifications[] = {
	"component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist", NULL,
};

/* An OpenVEX justification: as given when it is one of the five, else
 * NULL (CycloneDX's justifications are mapped where they match). */
static const char *
vex_justification(const char *j)
{
	static const struct { const char *cdx, *vex; } map[] = {
		{ "code_not_present", "vulnerable_code_not_present" },
		{ "code_not_reachable", "vulnerable_code_not_in_execute_path" },
		{ "requires_configuration", "vulnerable_code_cannot_be_controlled_by_adversary" },
		{ "requires_dependency", "component_not_present" },
		{ "requires_environment", "vulnerable_code_cannot_be_controlled_by_adversary" },
		{ "protected_by_compiler", "inline_mitigations_already_exist" },
		{ "protected_at_runtime", "inline_mitigations_already_exist" },
		{ "protected_at_perimeter", "inline_mitigations_already_exist" },
		{ "protected_by_mitigating_control", "inline_mitigations_already_exist" },
	};

	if (!j)
		return NULL;
	for (size_t i = 0; justifications[i]; i++)
		if (strcmp(j, justifications[i]) == 0)
			return justifications[i];
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(j, map[i].cdx) == 0)
			return map[i].vex;
	return NULL;
}

static void
write_vuln(struct lb_jw *w, const struct lb_finding *f)
{
	json_t *a = f->aliases ? json_loads(f->aliases, 0, NULL) : NULL;
	size_t n = 0;

	lb_jw_key(w, "vulnerability");
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "name", f->id);
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *id = json_string_value(json_array_get(a, i));
		int dup = !id || strcmp(id, f->id) == 0;

		/* the schema wants unique aliases */
		for (size_t k = 0; k < i && !dup; k++) {
			const char *prev = json_string_value(json_array_get(a, k));

			dup = prev && strcmp(prev, id) == 0;
		}
		if (dup)
			continue;
		if (n++ == 0) {
			lb_jw_key(w, "aliases");
			lb_jw_arr_begin(w);
		}
		lb_jw_str(w, id);
	}
	if (n)
		lb_jw_arr_end(w);
	lb_jw_obj_end(w);
	json_decref(a);
}

/* The statement's status and its explanation members. */
static void
write_status(struct lb_jw *w, const struct lb_finding *f, const struct lb_pkg *p)
{
	char *s = NULL;

	if (f->sup_kind && strcmp(f->sup_kind, "vex") == 0 && f->sup_status) {
		const char *j = vex_justification(f->sup_justification);

		lb_jw_kstr(w, "status", f->sup_status);
		if (strcmp(f->sup_status, "not_affected") == 0) {
			if (j)
				lb_jw_kstr(w, "justification", j);
			if (f->sup_reason || !j)
				lb_jw_kstr(w, "impact_statement", f->sup_reason ? f->sup_reason :
				    f->sup_justification ? f->sup_justification : "stated by a VEX document");
		}
		s = lb_xasprintf("set aside by the VEX statement at %s",
		    f->sup_source ? f->sup_source : "?");
		lb_jw_kstr(w, "status_notes", s);
		free(s);
		return;
	}
	if (f->sup_kind) {
		lb_jw_kstr(w, "status", "affected");
		s = lb_xasprintf("accepted by the exception at %s%s%s",
		    f->sup_source ? f->sup_source : "?", f->sup_reason ? ": " : "",
		    f->sup_reason ? f->sup_reason : "");
		lb_jw_kstr(w, "action_statement", s);
		free(s);
		return;
	}
	if (f->status == LB_VS_NOT_AFFECTED) {
		lb_jw_kstr(w, "status", "not_affected");
		s = lb_xasprintf("%s states that this package is not affected",
		    f->source ? f->source : "the advisory");
		lb_jw_kstr(w, "impact_statement", s);
		free(s);
		return;
	}
	lb_jw_kstr(w, "status", "affected");
	if (f->fixed)
		s = lb_xasprintf("Upgrade %s to %s or later", p->name ? p->name : "the package", f->fixed);
	else if (f->status == LB_VS_WONTFIX)
		s = lb_xstrdup("No fix: the distribution will not fix this vulnerability; remove the "
		    "package or mitigate");
	else if (f->status == LB_VS_EOL)
		s = lb_xstrdup("No fix: the distribution release is end-of-life; move to a supported release");
	else
		s = lb_xstrdup("No fixed version is available yet; watch the advisory or mitigate");
	lb_jw_kstr(w, "action_statement", s);
	free(s);
	s = lb_xasprintf("matched by lifebelt from %s: %s", f->source ? f->source : "the database",
	    lb_vstatus_name(f->status));
	lb_jw_kstr(w, "status_notes", s);
	free(s);
}

static void
write_statements(struct lb_jw *w, const struct lb_inventory *inv, const struct lb_finding *fs,
    size_t n, struct lb_hmap *seen, char **keys, size_t *nkeys)
{
	for (size_t i = 0; i < n; i++) {
		const struct lb_finding *f = &fs[i];
		const struct lb_pkg *p;
		char *key;

		if (LB_NEVER(f->pkg >= inv->npkgs || !f->id))
			continue;
		p = &inv->pkgs[f->pkg];
		if (!p->purl || !p->purl[0])
			continue;   /* nothing to name the product by */
		/* the schema wants unique statements: one per ID and purl */
		key = lb_xasprintf("%s%c%s", f->id, 0x1f, p->purl);
		if (lb_hmap_get(seen, key, strlen(key))) {
			free(key);
			continue;
		}
		lb_hmap_put(seen, key, strlen(key), (void *)(uintptr_t)1);
		keys[(*nkeys)++] = key;

		lb_jw_obj_begin(w);
		write_vuln(w, f);
		lb_jw_key(w, "products");
		lb_jw_arr_begin(w);
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "@id", p->purl);
		lb_jw_key(w, "identifiers");
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "purl", p->purl);
		lb_jw_obj_end(w);
		lb_jw_obj_end(w);
		lb_jw_arr_end(w);
		write_status(w, f, p);
		lb_jw_obj_end(w);
	}
}

static int
openvex_write(struct lb_ctx *cx, const struct lb_report *rep, FILE *out)
{
	struct lb_hmap seen = LB_HMAP_INIT;
	struct lb_jw w;
	char uuid[37], now[32], *id, *tooling, **keys;
	size_t total = 0, nkeys = 0;
	int r;

	if ((r = lb_report_uuid(uuid)) < 0) {
		lb_err(cx, "cannot make an OpenVEX document ID: %s", lb_strerror(r));
		return r;
	}
	if (!rep->created) {
		struct tm tm;
		time_t t = time(NULL);

		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	for (size_t i = 0; i < rep->nresults; i++)
		if (rep->results[i])
			total += rep->results[i]->nfindings + rep->results[i]->nsuppressed;
	keys = lb_xcalloc(total + 1, sizeof(*keys));
	id = lb_xasprintf("urn:uuid:%s", uuid);
	tooling = lb_xasprintf("lifebelt %s", rep->tool_version ? rep->tool_version : LB_VERSION);

	lb_jw_init(&w, out, true);
	lb_jw_obj_begin(&w);
	lb_jw_kstr(&w, "@context", "https://openvex.dev/ns/v0.2.0");
	lb_jw_kstr(&w, "@id", id);
	lb_jw_kstr(&w, "author", "lifebelt");
	lb_jw_kstr(&w, "role", "Scanner");
	lb_jw_kstr(&w, "timestamp", rep->created ? rep->created : now);
	lb_jw_kint(&w, "version", 1);
	lb_jw_kstr(&w, "tooling", tooling);
	lb_jw_key(&w, "statements");
	lb_jw_arr_begin(&w);
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct lb_inventory *inv = rep->results[i];

		if (!inv)
			continue;
		write_statements(&w, inv, inv->findings, inv->nfindings, &seen, keys, &nkeys);
		write_statements(&w, inv, inv->suppressed, inv->nsuppressed, &seen, keys, &nkeys);
	}
	lb_jw_arr_end(&w);
	lb_jw_obj_end(&w);
	r = lb_jw_finish(&w);
	lb_hmap_release(&seen);
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	free(id);
	free(tooling);
	return r;
}

const struct lb_writer_ops lb_writer_openvex = {
	.name = "openvex",
	.write = openvex_write,
};
