/* rep_json.c - lifebelt's own JSON report (--format json).
 * The shape is documented in docs/json-schema.md and checked by
 * docs/lifebelt-report-1.2.schema.json; change the three together and bump
 * LB_JSON_SCHEMA_VERSION (minor for additions, major for breaking changes)
 * and the schema file's name with it.
 */
#include "report/writer.h"

#include <math.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "base/lb_err.h"
#include "base/lb_json_w.h"
#include "match/match.h"
#include "policy/policy.h"
#include "base/lb_banned.h"

#define LB_JSON_SCHEMA_VERSION "1.2"

#ifndef LB_VERSION
#define LB_VERSION "0.0.0"
#endif

/* RFC 3339 UTC now, for a report whose caller gave no time. */
static void
now_rfc3339(char out[32])
{
	struct tm tm;
	time_t t = time(NULL);

	if (!gmtime_r(&t, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

static void
write_source(struct lb_jw *w, const struct lb_inventory *inv)
{
	lb_jw_key(w, "source");
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "kind", inv->source_kind);
	lb_jw_kstr(w, "input", inv->source);
	lb_jw_kstr(w, "ref", inv->ref);
	lb_jw_kstr(w, "imageId", inv->image_id);
	lb_jw_kstr(w, "manifestDigest", inv->manifest_digest);
	lb_jw_kstr(w, "platform", inv->platform);
	lb_jw_obj_end(w);
}

static void
write_os(struct lb_jw *w, const struct lb_os *os)
{
	lb_jw_key(w, "os");
	if (!os->family || !os->family[0]) {
		lb_jw_null(w);
		return;
	}
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "family", os->family);
	lb_jw_kstr(w, "name", os->name);
	lb_jw_kstr(w, "version", os->version);
	lb_jw_kstr(w, "versionId", os->version_id);
	lb_jw_kstr(w, "codename", os->codename);
	lb_jw_kstr(w, "evidence", os->evidence);
	lb_jw_kstr(w, "eol", os->eol);
	lb_jw_obj_end(w);
}

static void
write_layers(struct lb_jw *w, const struct lb_inventory *inv)
{
	lb_jw_key(w, "layers");
	lb_jw_arr_begin(w);
	for (size_t i = 0; i < inv->nlayers; i++) {
		const struct lb_layer_info *l = &inv->layers[i];

		lb_jw_obj_begin(w);
		lb_jw_kuint(w, "index", i);
		lb_jw_kstr(w, "digest", l->digest);
		lb_jw_kstr(w, "diffId", l->diff_id);
		lb_jw_kstr(w, "mediaType", l->media_type);
		lb_jw_kuint(w, "size", l->size);
		lb_jw_kstr(w, "createdBy", l->created_by);
		lb_jw_kbool(w, "skipped", l->skipped);
		lb_jw_obj_end(w);
	}
	lb_jw_arr_end(w);
}

static void
write_pkg(struct lb_jw *w, const struct lb_pkg *p, const struct lb_inventory *inv, int with_files)
{
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "type", p->type);
	lb_jw_kstr(w, "name", p->name);
	lb_jw_kstr(w, "version", p->version);
	lb_jw_kstr(w, "arch", p->arch);
	lb_jw_kstr(w, "sourceName", p->src_name);
	lb_jw_kstr(w, "sourceVersion", p->src_version);
	lb_jw_kstr(w, "license", p->license);
	lb_jw_kstr(w, "maintainer", p->maintainer);
	lb_jw_kstr(w, "purl", p->purl);
	lb_jw_kstr(w, "dbPath", p->db_path);
	/* a layer index past the layer list would be a bug upstream; say
	 * "unknown" rather than point at nothing */
	if (p->layer >= 0 && (size_t)p->layer < inv->nlayers)
		lb_jw_kint(w, "layer", p->layer);
	else
		lb_jw_knull(w, "layer");
	lb_jw_kbool(w, "declared", p->declared);
	lb_jw_kstr(w, "owner", p->owner);
	lb_jw_kuint(w, "fileCount", p->nfiles);
	/* optional members, present only when known */
	if (p->modularity)
		lb_jw_kstr(w, "modularityLabel", p->modularity);
	if (p->digest)
		lb_jw_kstr(w, "digest", p->digest);
	if (with_files) {
		lb_jw_key(w, "files");
		lb_jw_arr_begin(w);
		for (size_t i = 0; i < p->nfiles; i++)
			lb_jw_str(w, p->files[i]);
		lb_jw_arr_end(w);
		if (p->digests) {
			lb_jw_key(w, "fileDigests");
			lb_jw_arr_begin(w);
			for (size_t i = 0; i < p->nfiles; i++) {
				if (p->digests[i])
					lb_jw_str(w, p->digests[i]);
				else
					lb_jw_null(w);
			}
			lb_jw_arr_end(w);
		}
	}
	lb_jw_obj_end(w);
}

/* aliases are stored as a JSON array of strings; anything else in it is
 * dropped, and a value that does not parse is an empty list */
static void
write_aliases(struct lb_jw *w, const char *aliases)
{
	json_t *a = aliases ? json_loads(aliases, 0, NULL) : NULL;

	lb_jw_key(w, "aliases");
	lb_jw_arr_begin(w);
	for (size_t i = 0; i < json_array_size(a); i++)
		if (json_is_string(json_array_get(a, i)))
			lb_jw_str(w, json_string_value(json_array_get(a, i)));
	lb_jw_arr_end(w);
	json_decref(a);
}

/* The schema's severity enum: the database's word in its canonical case,
 * "UNKNOWN" for anything else. */
static const char *
severity_name(const char *s)
{
	static const char *const names[] = {
		[LB_SEV_UNKNOWN] = "UNKNOWN", [LB_SEV_LOW] = "LOW", [LB_SEV_MEDIUM] = "MEDIUM",
		[LB_SEV_HIGH] = "HIGH", [LB_SEV_CRITICAL] = "CRITICAL",
	};
	int r = lb_severity_parse(s);

	return r < 0 ? "UNKNOWN" : names[r];
}

static void
write_finding(struct lb_jw *w, const struct lb_finding *f, const struct lb_inventory *inv)
{
	const struct lb_pkg *p = &inv->pkgs[f->pkg];

	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "id", f->id);
	write_aliases(w, f->aliases);
	lb_jw_kuint(w, "package", f->pkg);
	lb_jw_kstr(w, "pkgName", p->name);
	lb_jw_kstr(w, "pkgPurl", p->purl);
	lb_jw_kstr(w, "installedVersion", f->installed);
	lb_jw_kstr(w, "fixedVersion", f->fixed);
	lb_jw_kstr(w, "status", lb_vstatus_name(f->status));
	lb_jw_kstr(w, "severity", severity_name(f->severity));
	lb_jw_kstr(w, "severitySource", f->severity_source);
	lb_jw_kstr(w, "cvssVector", f->cvss_vector);
	if (f->cvss_score > 0 && isfinite(f->cvss_score))
		lb_jw_kdouble(w, "cvssScore", f->cvss_score);
	else
		lb_jw_knull(w, "cvssScore");
	if (p->layer >= 0 && (size_t)p->layer < inv->nlayers)
		lb_jw_kint(w, "layer", p->layer);
	else
		lb_jw_knull(w, "layer");
	lb_jw_kstr(w, "dataSource", f->source);
	lb_jw_kstr(w, "title", f->title);
	lb_jw_kstr(w, "primaryUrl", f->url);
	/* (1.2) only in "suppressed": why the finding does not count */
	if (f->sup_kind) {
		lb_jw_key(w, "suppression");
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "kind", f->sup_kind);
		lb_jw_kstr(w, "status", f->sup_status);
		lb_jw_kstr(w, "justification", f->sup_justification);
		lb_jw_kstr(w, "reason", f->sup_reason);
		lb_jw_kstr(w, "source", f->sup_source);
		lb_jw_obj_end(w);
	}
	lb_jw_obj_end(w);
}

static void
write_malware(struct lb_jw *w, const struct lb_malware_finding *m, const struct lb_inventory *inv)
{
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "kind", m->kind);
	lb_jw_kstr(w, "engine", m->engine);
	lb_jw_kstr(w, "signature", m->signature);
	lb_jw_kstr(w, "path", m->path);
	if (m->layer >= 0 && (size_t)m->layer < inv->nlayers)
		lb_jw_kint(w, "layer", m->layer);
	else
		lb_jw_knull(w, "layer");
	if (m->hidden_by >= 0 && (size_t)m->hidden_by < inv->nlayers)
		lb_jw_kint(w, "hiddenBy", m->hidden_by);
	else
		lb_jw_knull(w, "hiddenBy");
	lb_jw_kstr(w, "sha256", m->sha256);
	lb_jw_kstr(w, "severity", severity_name(m->severity));
	lb_jw_kstr(w, "detail", m->detail);
	lb_jw_obj_end(w);
}

static void
write_result(struct lb_jw *w, const struct lb_inventory *inv, int with_files)
{
	lb_jw_obj_begin(w);
	write_source(w, inv);
	lb_jw_kbool(w, "partial", inv->partial);
	lb_jw_key(w, "warnings");
	lb_jw_arr_begin(w);
	for (size_t i = 0; i < inv->nwarnings; i++)
		lb_jw_str(w, inv->warnings[i]);
	lb_jw_arr_end(w);
	write_os(w, &inv->os);
	write_layers(w, inv);
	lb_jw_key(w, "packages");
	lb_jw_arr_begin(w);
	for (size_t i = 0; i < inv->npkgs; i++)
		write_pkg(w, &inv->pkgs[i], inv, with_files);
	lb_jw_arr_end(w);
	/* null when no database was used: "not looked for" is not "none found" */
	lb_jw_key(w, "vulnerabilities");
	if (!inv->vulns_scanned) {
		lb_jw_null(w);
	} else {
		lb_jw_arr_begin(w);
		for (size_t i = 0; i < inv->nfindings; i++) {
			/* the matcher never makes these; a bug must not break the schema */
			if (LB_NEVER(inv->findings[i].pkg >= inv->npkgs || !inv->findings[i].id))
				continue;
			write_finding(w, &inv->findings[i], inv);
		}
		lb_jw_arr_end(w);
	}
	/* (1.2) findings an ignore file or a VEX document set aside */
	lb_jw_key(w, "suppressed");
	if (!inv->vulns_scanned) {
		lb_jw_null(w);
	} else {
		lb_jw_arr_begin(w);
		for (size_t i = 0; i < inv->nsuppressed; i++)
			if (!LB_NEVER(inv->suppressed[i].pkg >= inv->npkgs || !inv->suppressed[i].id))
				write_finding(w, &inv->suppressed[i], inv);
		lb_jw_arr_end(w);
	}
	/* only with --scanners malware (docs/malware.md) */
	if (inv->malware_scanned) {
		lb_jw_key(w, "malware");
		lb_jw_arr_begin(w);
		for (size_t i = 0; i < inv->nmalware; i++)
			write_malware(w, &inv->malware[i], inv);
		lb_jw_arr_end(w);
	}
	lb_jw_obj_end(w);
}

/* (1.2) every exception read, and what became of it */
static void
write_exceptions(struct lb_jw *w, const struct lb_policy *pol)
{
	size_t n;
	const struct lb_policy_rule *rules = lb_policy_rules(pol, &n);

	lb_jw_key(w, "exceptions");
	lb_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		const struct lb_policy_rule *r = &rules[i];

		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "kind", r->kind);
		lb_jw_kstr(w, "id", r->id);
		lb_jw_kstr(w, "purl", r->purl);
		lb_jw_kstr(w, "path", r->path);
		lb_jw_kstr(w, "expires", r->expires);
		lb_jw_kstr(w, "status", r->status);
		lb_jw_kstr(w, "justification", r->justification);
		lb_jw_kstr(w, "reason", r->reason);
		lb_jw_kstr(w, "source", r->where);
		lb_jw_kstr(w, "state", lb_policy_rule_state(r));
		lb_jw_kuint(w, "matched", r->hits);
		lb_jw_obj_end(w);
	}
	lb_jw_arr_end(w);
}

static int
json_write(struct lb_ctx *cx, const struct lb_report *rep, FILE *out)
{
	struct lb_jw w;
	char now[32];

	(void)cx;
	if (!rep->created)
		now_rfc3339(now);
	lb_jw_init(&w, out, true);
	lb_jw_obj_begin(&w);
	lb_jw_kstr(&w, "schemaVersion", LB_JSON_SCHEMA_VERSION);
	lb_jw_key(&w, "tool");
	lb_jw_obj_begin(&w);
	lb_jw_kstr(&w, "name", "lifebelt");
	lb_jw_kstr(&w, "version", rep->tool_version ? rep->tool_version : LB_VERSION);
	lb_jw_obj_end(&w);
	lb_jw_kstr(&w, "createdAt", rep->created ? rep->created : now);
	lb_jw_key(&w, "results");
	lb_jw_arr_begin(&w);
	for (size_t i = 0; i < rep->nresults; i++)
		if (rep->results[i])
			write_result(&w, rep->results[i], rep->with_files);
	lb_jw_arr_end(&w);
	write_exceptions(&w, rep->policy);
	lb_jw_obj_end(&w);
	return lb_jw_finish(&w);
}

const struct lb_writer_ops lb_writer_json = {
	.name = "json",
	.write = json_write,
};
