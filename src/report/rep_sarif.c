/* rep_sarif.c - SARIF 2.1.0 (--format sarif) for GitHub code scanning.
 *
 * Follows GitHub's "SARIF support for code scanning" page: one run whose
 * tool.driver lists a rule per ID (shortDescription, fullDescription,
 * help.text + help.markdown, properties.security-severity and tags), and
 * results with ruleId, ruleIndex, level, message, one physical location
 * (the package's evidence file inside the image, region line 1) and
 * partialFingerprints. Validated against the official
 * sarif-schema-2.1.0.json by tests/e2e/t0910-report-formats.sh.
 *
 * Finding kinds are pluggable: each kind is a pair of functions in
 * kinds[] below. The first adds its rules (rule_add, once per ID), the
 * second writes its results (result_begin/result_end around the kind's
 * own fields). Vulnerabilities are the only kind today; malware or
 * secrets add a pair of their own.
 */
#include "report/writer.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_json_w.h"
#include "match/match.h"
#include "base/lb_banned.h"

#ifndef LB_VERSION
#define LB_VERSION "0.0.0"
#endif

/* shortDescription is a one-liner; GitHub shows it as the alert's title */
#define SHORT_MAX 120

struct sarif_rule {
	char *id;                /* owned; the map's key */
	const char *name;        /* PascalCase kind name (static) */
	char *short_desc, *full_desc, *help_text, *help_md, *help_uri;
	int sev;                 /* LB_SEV_*: the highest seen for this ID */
	double score;            /* highest CVSS base score seen, or 0 */
	const char *tag;         /* kind tag: "vulnerability" (static) */
};

struct sarif {
	struct lb_jw w;
	const struct lb_report *rep;
	struct lb_hmap by_id;    /* rule ID -> index + 1 */
	struct sarif_rule *rules;
	size_t nrules, caprules;
};

struct sarif_kind {
	void (*rules)(struct sarif *s, const struct lb_inventory *inv);
	void (*results)(struct sarif *s, const struct lb_inventory *inv);
};

static const char *const sev_names[] = {
	[LB_SEV_UNKNOWN] = "UNKNOWN", [LB_SEV_LOW] = "LOW", [LB_SEV_MEDIUM] = "MEDIUM",
	[LB_SEV_HIGH] = "HIGH", [LB_SEV_CRITICAL] = "CRITICAL",
};

static int
sev_rank(const char *s)
{
	int r = lb_severity_parse(s);

	return r < 0 ? LB_SEV_UNKNOWN : r;
}

/* SARIF level from severity: GitHub shows "error" for critical and high. */
static const char *
sev_level(int sev)
{
	switch (sev) {
	case LB_SEV_CRITICAL:
	case LB_SEV_HIGH: return "error";
	case LB_SEV_MEDIUM: return "warning";
	}
	return "note";
}

/* GitHub reads properties."security-severity" as a score from 0.1 to 10
 * and shows > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
 * The CVSS score is used when it falls in the band of lifebelt's severity
 * (which may be a vendor's own), else the middle of that band, so that
 * GitHub shows the same severity as the other reports. Unknown: none. */
static int
security_severity(int sev, double score, char out[8])
{
	static const double lo[] = { [LB_SEV_LOW] = 0.1, [LB_SEV_MEDIUM] = 4.0,
	    [LB_SEV_HIGH] = 7.0, [LB_SEV_CRITICAL] = 9.0 };
	static const double hi[] = { [LB_SEV_LOW] = 3.9, [LB_SEV_MEDIUM] = 6.9,
	    [LB_SEV_HIGH] = 8.9, [LB_SEV_CRITICAL] = 10.0 };
	static const double mid[] = { [LB_SEV_LOW] = 2.0, [LB_SEV_MEDIUM] = 5.5,
	    [LB_SEV_HIGH] = 8.0, [LB_SEV_CRITICAL] = 9.5 };
	double v;

	if (sev == LB_SEV_UNKNOWN)
		return 0;
	v = isfinite(score) && score >= lo[sev] && score <= hi[sev] ? score : mid[sev];
	/* 9.0 itself reads as high on GitHub: critical needs more */
	if (sev == LB_SEV_CRITICAL && v <= 9.0)
		v = 9.1;
	snprintf(out, 8, "%.1f", v);
	return 1;
}

/* Markdown with the characters that make links, emphasis, tables or HTML
 * escaped, and control characters dropped: strings come from feeds and
 * images. */
static void
md_escape(struct lb_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f) {
			lb_buf_add(b, " ", 1);
			continue;
		}
		if (strchr("\\`*_{}[]<>#!|&", ch))
			lb_buf_add(b, "\\", 1);
		lb_buf_add(b, s, 1);
	}
}

static void
md_add(struct lb_buf *b, const char *s)
{
	lb_buf_add(b, s, strlen(s));
}

/* A plain http(s) URL of printable ASCII without characters that would
 * break a Markdown link or the schema's "uri" format. */
static int
url_ok(const char *u)
{
	if (!u || (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0))
		return 0;
	for (; *u; u++)
		if ((unsigned char)*u <= 0x20 || (unsigned char)*u >= 0x7f || strchr("\"<>\\^`{|}()[]", *u))
			return 0;
	return 1;
}

static struct sarif_rule *
rule_find(struct sarif *s, const char *id)
{
	uintptr_t i = (uintptr_t)lb_hmap_get(&s->by_id, id, strlen(id));

	return i ? &s->rules[i - 1] : NULL;
}

/* Returns the rule for id, adding an empty one when new (*isnew = 1). */
static struct sarif_rule *
rule_add(struct sarif *s, const char *id, int *isnew)
{
	struct sarif_rule *r = rule_find(s, id);

	*isnew = 0;
	if (r)
		return r;
	lb_xgrow(&s->rules, &s->caprules, s->nrules + 1, sizeof(*s->rules));
	r = &s->rules[s->nrules++];
	memset(r, 0, sizeof(*r));
	r->id = lb_xstrdup(id);
	lb_hmap_put(&s->by_id, r->id, strlen(r->id), (void *)(uintptr_t)s->nrules);
	*isnew = 1;
	return r;
}

/* ---- kind: vulnerabilities ---- */

/* The rules of the findings fs[0..nfs) (counted or set aside). */
static void
vuln_rules_of(struct sarif *s, const struct lb_inventory *inv, const struct lb_finding *fs,
    size_t nfs)
{
	for (size_t i = 0; i < nfs; i++) {
		const struct lb_finding *f = &fs[i];
		struct sarif_rule *r;
		struct lb_buf md = LB_BUF_INIT(1u << 20);
		int isnew, sev = sev_rank(f->severity);
		char *t;

		if (LB_NEVER(f->pkg >= inv->npkgs || !f->id))
			continue;
		r = rule_add(s, f->id, &isnew);
		if (sev > r->sev || isnew)
			r->sev = sev;
		if (isfinite(f->cvss_score) && f->cvss_score > r->score)
			r->score = f->cvss_score;
		if (!isnew)
			continue;
		r->name = "PackageVulnerability";
		r->tag = "vulnerability";
		t = f->title && f->title[0] ? lb_xasprintf("%s: %s", f->id, f->title) : lb_xstrdup(f->id);
		if (strlen(t) > SHORT_MAX) {
			/* cut at a UTF-8 boundary; the writer would mend a split sequence anyway */
			size_t n = SHORT_MAX - 3;

			while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
				n--;
			memcpy(t + n, "...", 4);
		}
		r->short_desc = t;
		r->full_desc = f->title && f->title[0] ? lb_xstrdup(f->title) :
		    lb_xasprintf("Vulnerability %s in an installed package", f->id);
		r->help_uri = url_ok(f->url) ? lb_xstrdup(f->url) : NULL;
		r->help_text = lb_xasprintf("Vulnerability %s\n%s%s%s%s",
		    f->id, f->title ? f->title : "", f->title ? "\n" : "",
		    r->help_uri ? "More: " : "", r->help_uri ? r->help_uri : "");
		md_add(&md, "**");
		md_escape(&md, f->id);
		md_add(&md, "**");
		if (f->title && f->title[0]) {
			md_add(&md, "\n\n");
			md_escape(&md, f->title);
		}
		md_add(&md, "\n\n| Source | Severity |\n| --- | --- |\n| ");
		md_escape(&md, f->source ? f->source : "-");
		md_add(&md, " | ");
		md_add(&md, sev_names[sev]);
		md_add(&md, " |\n");
		if (r->help_uri) {
			md_add(&md, "\n[");
			md_add(&md, r->help_uri);
			md_add(&md, "](");
			md_add(&md, r->help_uri);
			md_add(&md, ")\n");
		}
		r->help_md = lb_xstrndup((const char *)md.p, md.len);
		lb_buf_release(&md);
	}
}

static void
vuln_rules(struct sarif *s, const struct lb_inventory *inv)
{
	vuln_rules_of(s, inv, inv->findings, inv->nfindings);
	vuln_rules_of(s, inv, inv->suppressed, inv->nsuppressed);
}

/* The location's URI: a relative reference to the path in the image,
 * percent-encoded (RFC 3986 path characters stay, ':' is encoded so that a
 * first segment never reads as a scheme). */
static char *
path_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct lb_buf b = LB_BUF_INIT(1u << 24);
	char *out;

	if (!path || !path[0])
		path = "unknown";
	for (const char *p = path; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("-._~/!$&'()*+,;=@", ch)) {
			lb_buf_add(&b, p, 1);
		} else {
			char e[3] = { '%', hex[ch >> 4], hex[ch & 15] };

			lb_buf_add(&b, e, 3);
		}
	}
	out = lb_xstrndup((const char *)b.p, b.len);
	lb_buf_release(&b);
	return out;
}

/* Hex SHA-256 of the parts, each followed by a NUL byte. */
static void
fingerprint(const char *const *parts, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		snprintf(out, 65, "%s", "0");
		EVP_MD_CTX_free(c);
		return;
	}
	for (size_t i = 0; i < n; i++)
		EVP_DigestUpdate(c, parts[i] ? parts[i] : "", parts[i] ? strlen(parts[i]) + 1 : 1);
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Writes the members every result has; the caller adds "properties" and
 * closes the object with result_end. */
static void
result_begin(struct sarif *s, const struct sarif_rule *rule, const char *level,
    const char *message, const char *path, const char *loc_message, const char *fp)
{
	struct lb_jw *w = &s->w;
	char *uri = path_uri(path);

	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "ruleId", rule->id);
	lb_jw_kuint(w, "ruleIndex", (uint64_t)(rule - s->rules));
	lb_jw_kstr(w, "level", level);
	lb_jw_key(w, "message");
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "text", message);
	lb_jw_obj_end(w);
	lb_jw_key(w, "locations");
	lb_jw_arr_begin(w);
	lb_jw_obj_begin(w);
	lb_jw_key(w, "physicalLocation");
	lb_jw_obj_begin(w);
	lb_jw_key(w, "artifactLocation");
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "uri", uri);
	lb_jw_obj_end(w);
	lb_jw_key(w, "region");
	lb_jw_obj_begin(w);
	lb_jw_kint(w, "startLine", 1);
	lb_jw_kint(w, "startColumn", 1);
	lb_jw_kint(w, "endLine", 1);
	lb_jw_kint(w, "endColumn", 1);
	lb_jw_obj_end(w);
	lb_jw_obj_end(w);
	if (loc_message) {
		lb_jw_key(w, "message");
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "text", loc_message);
		lb_jw_obj_end(w);
	}
	lb_jw_obj_end(w);
	lb_jw_arr_end(w);
	lb_jw_key(w, "partialFingerprints");
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "lifebelt/v1", fp);
	lb_jw_obj_end(w);
	free(uri);
}

static void
result_end(struct sarif *s)
{
	lb_jw_obj_end(&s->w);
}

/* SARIF's record of a finding an ignore file or a VEX statement set aside:
 * code scanning shows it as dismissed rather than dropping it unseen. */
static void
suppression(struct lb_jw *w, const struct lb_finding *f)
{
	char *why;

	lb_jw_key(w, "suppressions");
	lb_jw_arr_begin(w);
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "kind", "external");
	lb_jw_kstr(w, "status", "accepted");
	/* "vex: not_affected (vulnerable_code_not_present): REASON" */
	why = lb_xasprintf("%s%s%s%s%s%s%s%s", f->sup_kind ? f->sup_kind : "exception",
	    f->sup_status ? ": " : "", f->sup_status ? f->sup_status : "",
	    f->sup_justification ? " (" : "", f->sup_justification ? f->sup_justification : "",
	    f->sup_justification ? ")" : "", f->sup_reason ? ": " : "",
	    f->sup_reason ? f->sup_reason : "");
	lb_jw_kstr(w, "justification", why);
	free(why);
	if (f->sup_source) {
		lb_jw_key(w, "properties");
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "source", f->sup_source);
		lb_jw_obj_end(w);
	}
	lb_jw_obj_end(w);
	lb_jw_arr_end(w);
}

/* The results of the findings fs[0..nfs); set_aside: they carry a suppression. */
static void
vuln_results_of(struct sarif *s, const struct lb_inventory *inv, const struct lb_finding *fs,
    size_t nfs, bool set_aside)
{
	struct lb_jw *w = &s->w;

	for (size_t i = 0; i < nfs; i++) {
		const struct lb_finding *f = &fs[i];
		const struct lb_pkg *p;
		const struct sarif_rule *rule;
		char *msg, *loc, fp[65];
		int sev;

		if (LB_NEVER(f->pkg >= inv->npkgs || !f->id) || !(rule = rule_find(s, f->id)))
			continue;
		p = &inv->pkgs[f->pkg];
		sev = sev_rank(f->severity);
		msg = lb_xasprintf("Package: %s\nInstalled version: %s\nVulnerability: %s\n"
		    "Severity: %s\nStatus: %s\nFixed version: %s%s%s",
		    p->name ? p->name : "-", f->installed ? f->installed : "-", f->id, sev_names[sev],
		    lb_vstatus_name(f->status), f->fixed ? f->fixed : "none",
		    url_ok(f->url) ? "\nLink: " : "", url_ok(f->url) ? f->url : "");
		loc = lb_xasprintf("%s: %s %s", lb_report_image_name(inv), p->name ? p->name : "-",
		    p->version ? p->version : "-");
		/* stable across versions of the package, so an alert follows an
		 * upgrade that did not fix it; the platform tells --platform all
		 * results apart */
		{
			const char *parts[] = { "vulnerability", f->id, p->type, p->name, p->db_path,
			    inv->platform };

			fingerprint(parts, sizeof(parts) / sizeof(parts[0]), fp);
		}
		result_begin(s, rule, sev_level(sev), msg, p->db_path, loc, fp);
		if (set_aside)
			suppression(w, f);
		lb_jw_key(w, "properties");
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "kind", "vulnerability");
		lb_jw_kstr(w, "image", lb_report_image_name(inv));
		if (inv->platform)
			lb_jw_kstr(w, "platform", inv->platform);
		lb_jw_kstr(w, "purl", p->purl);
		lb_jw_kstr(w, "pkgName", p->name);
		lb_jw_kstr(w, "installedVersion", f->installed);
		lb_jw_kstr(w, "fixedVersion", f->fixed);
		lb_jw_kstr(w, "status", lb_vstatus_name(f->status));
		lb_jw_kstr(w, "severity", sev_names[sev]);
		if (p->layer >= 0 && (size_t)p->layer < inv->nlayers && inv->layers[p->layer].diff_id)
			lb_jw_kstr(w, "layerDiffId", inv->layers[p->layer].diff_id);
		lb_jw_obj_end(w);
		result_end(s);
		free(msg);
		free(loc);
	}
}

static void
vuln_results(struct sarif *s, const struct lb_inventory *inv)
{
	vuln_results_of(s, inv, inv->findings, inv->nfindings, false);
	vuln_results_of(s, inv, inv->suppressed, inv->nsuppressed, true);
}

/* ---- kind: malware, tampering, unowned files (--scanners malware) ---- */

static char *
malware_rule_id(const struct lb_malware_finding *m)
{
	return lb_xasprintf("%s/%s/%s", m->kind ? m->kind : "malware", m->engine ? m->engine : "-",
	    m->signature ? m->signature : "-");
}

static void
malware_rules(struct sarif *s, const struct lb_inventory *inv)
{
	for (size_t i = 0; i < inv->nmalware; i++) {
		const struct lb_malware_finding *m = &inv->malware[i];
		char *id = malware_rule_id(m);
		int isnew, sev = sev_rank(m->severity);
		struct sarif_rule *r = rule_add(s, id, &isnew);

		free(id);
		if (sev > r->sev || isnew)
			r->sev = sev;
		if (!isnew)
			continue;
		r->name = "MalwareFinding";
		r->tag = "malware";
		r->short_desc = lb_xasprintf("%s: %s (%s)", m->kind, m->signature, m->engine);
		if (strlen(r->short_desc) > SHORT_MAX) {
			size_t n = SHORT_MAX - 3;
			while (n > 0 && ((unsigned char)r->short_desc[n] & 0xc0) == 0x80)
				n--;
			memcpy(r->short_desc + n, "...", 4);
		}
		r->full_desc = lb_xasprintf("The %s engine reported %s: %s", m->engine, m->kind, m->signature);
		r->help_text = lb_xasprintf("%s finding %s from %s. See docs/malware.md.", m->kind,
		    m->signature, m->engine);
		r->help_md = lb_xstrdup(r->help_text);
	}
}

static void
malware_results(struct sarif *s, const struct lb_inventory *inv)
{
	struct lb_jw *w = &s->w;

	for (size_t i = 0; i < inv->nmalware; i++) {
		const struct lb_malware_finding *m = &inv->malware[i];
		char *id = malware_rule_id(m), *msg, *loc, fp[65];
		const struct sarif_rule *rule = rule_find(s, id);
		int sev = sev_rank(m->severity);

		free(id);
		if (!rule)
			continue;
		msg = lb_xasprintf("%s: %s (%s) in %s%s%s%s", m->kind, m->signature, m->engine, m->path,
		    m->hidden_by >= 0 ? ", deleted or overwritten by a later layer but still shipped" : "",
		    m->detail ? "\n" : "", m->detail ? m->detail : "");
		loc = lb_xasprintf("%s: %s", lb_report_image_name(inv), m->path);
		{
			const char *parts[] = { "malware", rule->id, m->path, m->sha256, inv->platform };
			fingerprint(parts, sizeof(parts) / sizeof(parts[0]), fp);
		}
		result_begin(s, rule, sev_level(sev), msg, m->path, loc, fp);
		lb_jw_key(w, "properties");
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "kind", m->kind);
		lb_jw_kstr(w, "image", lb_report_image_name(inv));
		lb_jw_kstr(w, "engine", m->engine);
		lb_jw_kstr(w, "signature", m->signature);
		lb_jw_kstr(w, "severity", sev_names[sev]);
		if (m->sha256)
			lb_jw_kstr(w, "sha256", m->sha256);
		if (m->detail)
			lb_jw_kstr(w, "detail", m->detail);
		if (m->layer >= 0 && (size_t)m->layer < inv->nlayers && inv->layers[m->layer].diff_id)
			lb_jw_kstr(w, "layerDiffId", inv->layers[m->layer].diff_id);
		if (m->hidden_by >= 0 && (size_t)m->hidden_by < inv->nlayers && inv->layers[m->hidden_by].diff_id)
			lb_jw_kstr(w, "hiddenByDiffId", inv->layers[m->hidden_by].diff_id);
		lb_jw_obj_end(w);
		result_end(s);
		free(msg);
		free(loc);
	}
}

/* Every finding kind: rules first for all kinds, then results. */
static const struct sarif_kind kinds[] = {
	{ vuln_rules, vuln_results },
	{ malware_rules, malware_results },
};

static void
write_rule(struct sarif *s, const struct sarif_rule *r)
{
	struct lb_jw *w = &s->w;
	char secsev[8];

	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "id", r->id);
	lb_jw_kstr(w, "name", r->name);
	lb_jw_key(w, "shortDescription");
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "text", r->short_desc);
	lb_jw_obj_end(w);
	lb_jw_key(w, "fullDescription");
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "text", r->full_desc);
	lb_jw_obj_end(w);
	lb_jw_key(w, "defaultConfiguration");
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "level", sev_level(r->sev));
	lb_jw_obj_end(w);
	if (r->help_uri)
		lb_jw_kstr(w, "helpUri", r->help_uri);
	lb_jw_key(w, "help");
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "text", r->help_text);
	lb_jw_kstr(w, "markdown", r->help_md);
	lb_jw_obj_end(w);
	lb_jw_key(w, "properties");
	lb_jw_obj_begin(w);
	if (security_severity(r->sev, r->score, secsev))
		lb_jw_kstr(w, "security-severity", secsev);
	lb_jw_kstr(w, "precision", "very-high");
	lb_jw_key(w, "tags");
	lb_jw_arr_begin(w);
	lb_jw_str(w, r->tag);
	lb_jw_str(w, "security");
	lb_jw_str(w, sev_names[r->sev]);
	lb_jw_arr_end(w);
	lb_jw_obj_end(w);
	lb_jw_obj_end(w);
}

static int
sarif_write(struct lb_ctx *cx, const struct lb_report *rep, FILE *out)
{
	struct sarif s;
	const size_t nkinds = sizeof(kinds) / sizeof(kinds[0]);
	int r;

	(void)cx;
	memset(&s, 0, sizeof(s));
	s.rep = rep;
	for (size_t k = 0; k < nkinds; k++)
		for (size_t i = 0; i < rep->nresults; i++)
			if (rep->results[i])
				kinds[k].rules(&s, rep->results[i]);

	lb_jw_init(&s.w, out, true);
	lb_jw_obj_begin(&s.w);
	lb_jw_kstr(&s.w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	lb_jw_kstr(&s.w, "version", "2.1.0");
	lb_jw_key(&s.w, "runs");
	lb_jw_arr_begin(&s.w);
	lb_jw_obj_begin(&s.w);
	lb_jw_key(&s.w, "tool");
	lb_jw_obj_begin(&s.w);
	lb_jw_key(&s.w, "driver");
	lb_jw_obj_begin(&s.w);
	lb_jw_kstr(&s.w, "name", "lifebelt");
	lb_jw_kstr(&s.w, "version", rep->tool_version ? rep->tool_version : LB_VERSION);
	lb_jw_kstr(&s.w, "semanticVersion", rep->tool_version ? rep->tool_version : LB_VERSION);
	lb_jw_key(&s.w, "rules");
	lb_jw_arr_begin(&s.w);
	for (size_t i = 0; i < s.nrules; i++)
		write_rule(&s, &s.rules[i]);
	lb_jw_arr_end(&s.w);
	lb_jw_obj_end(&s.w);
	lb_jw_obj_end(&s.w);
	lb_jw_key(&s.w, "results");
	lb_jw_arr_begin(&s.w);
	for (size_t k = 0; k < nkinds; k++)
		for (size_t i = 0; i < rep->nresults; i++)
			if (rep->results[i])
				kinds[k].results(&s, rep->results[i]);
	lb_jw_arr_end(&s.w);
	lb_jw_key(&s.w, "columnKind");
	lb_jw_str(&s.w, "utf16CodeUnits");
	if (rep->created) {
		lb_jw_key(&s.w, "invocations");
		lb_jw_arr_begin(&s.w);
		lb_jw_obj_begin(&s.w);
		lb_jw_kbool(&s.w, "executionSuccessful", true);
		lb_jw_kstr(&s.w, "startTimeUtc", rep->created);
		lb_jw_obj_end(&s.w);
		lb_jw_arr_end(&s.w);
	}
	lb_jw_obj_end(&s.w);
	lb_jw_arr_end(&s.w);
	lb_jw_obj_end(&s.w);
	r = lb_jw_finish(&s.w);

	for (size_t i = 0; i < s.nrules; i++) {
		struct sarif_rule *ru = &s.rules[i];

		free(ru->id);
		free(ru->short_desc);
		free(ru->full_desc);
		free(ru->help_text);
		free(ru->help_md);
		free(ru->help_uri);
	}
	free(s.rules);
	lb_hmap_release(&s.by_id);
	return r;
}

const struct lb_writer_ops lb_writer_sarif = {
	.name = "sarif",
	.write = sarif_write,
};
