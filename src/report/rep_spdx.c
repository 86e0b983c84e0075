/* rep_spdx.c - SPDX 2.3 JSON SBOM (--format spdx-json).
 *
 * Layout (validated against the official spdx-2.3 JSON schema by
 * tests/e2e/t0910-report-formats.sh):
 *   SPDXRef-DOCUMENT DESCRIBES SPDXRef-Image-R (one per result,
 *   primaryPackagePurpose CONTAINER), and each image CONTAINS its
 *   operating system (SPDXRef-OperatingSystem-R, OPERATING_SYSTEM: name is
 *   the os-release ID and versionInfo its version, as Trivy writes it) and
 *   its packages (SPDXRef-Package-R-I, LIBRARY) with a purl external
 *   reference (PACKAGE-MANAGER / purl).
 * Vulnerabilities are not part of SPDX 2.3; use cyclonedx or openvex for
 * them. Distribution license fields are rarely valid SPDX expressions, so
 * licenseDeclared is NOASSERTION and the field as found goes to
 * licenseComments. Files are not listed (filesAnalyzed false).
 */
#include "report/writer.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_json_w.h"
#include "base/lb_banned.h"

#ifndef LB_VERSION
#define LB_VERSION "0.0.0"
#endif

static void
purl_ref(struct lb_jw *w, const char *purl)
{
	lb_jw_key(w, "externalRefs");
	lb_jw_arr_begin(w);
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "referenceCategory", "PACKAGE-MANAGER");
	lb_jw_kstr(w, "referenceType", "purl");
	lb_jw_kstr(w, "referenceLocator", purl);
	lb_jw_obj_end(w);
	lb_jw_arr_end(w);
}

/* The members every package has that lifebelt cannot assert. */
static void
noassertions(struct lb_jw *w)
{
	lb_jw_kstr(w, "downloadLocation", "NOASSERTION");
	lb_jw_kbool(w, "filesAnalyzed", false);
	lb_jw_kstr(w, "licenseConcluded", "NOASSERTION");
	lb_jw_kstr(w, "licenseDeclared", "NOASSERTION");
	lb_jw_kstr(w, "copyrightText", "NOASSERTION");
}

static void
write_image(struct lb_jw *w, const struct lb_inventory *inv, size_t r)
{
	char id[48];
	const char *digest = inv->manifest_digest ? inv->manifest_digest : inv->image_id;

	snprintf(id, sizeof(id), "SPDXRef-Image-%zu", r);
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "SPDXID", id);
	lb_jw_kstr(w, "name", lb_report_image_name(inv));
	if (digest)
		lb_jw_kstr(w, "versionInfo", digest);
	noassertions(w);
	lb_jw_kstr(w, "primaryPackagePurpose", "CONTAINER");
	if (inv->source_kind || inv->platform) {
		char *c = lb_xasprintf("input kind %s, platform %s",
		    inv->source_kind ? inv->source_kind : "unknown",
		    inv->platform ? inv->platform : "unknown");

		lb_jw_kstr(w, "comment", c);
		free(c);
	}
	lb_jw_obj_end(w);
}

static void
write_os(struct lb_jw *w, const struct lb_inventory *inv, size_t r)
{
	const struct lb_os *os = &inv->os;
	const char *v = os->version ? os->version : os->version_id;
	char id[48];

	snprintf(id, sizeof(id), "SPDXRef-OperatingSystem-%zu", r);
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "SPDXID", id);
	lb_jw_kstr(w, "name", os->family);
	if (v && v[0])
		lb_jw_kstr(w, "versionInfo", v);
	noassertions(w);
	if (os->name)
		lb_jw_kstr(w, "description", os->name);
	if (os->evidence)
		lb_jw_kstr(w, "sourceInfo", os->evidence);
	lb_jw_kstr(w, "primaryPackagePurpose", "OPERATING_SYSTEM");
	lb_jw_obj_end(w);
}

static void
write_pkg(struct lb_jw *w, const struct lb_inventory *inv, size_t r, size_t i)
{
	const struct lb_pkg *p = &inv->pkgs[i];
	char id[64];

	snprintf(id, sizeof(id), "SPDXRef-Package-%zu-%zu", r, i);
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "SPDXID", id);
	/* the schema allows any string but SPDX 2.3 section 7.1 wants one */
	lb_jw_kstr(w, "name", p->name && p->name[0] ? p->name : "unknown");
	if (p->version && p->version[0])
		lb_jw_kstr(w, "versionInfo", p->version);
	noassertions(w);
	if (p->license && p->license[0])
		lb_jw_kstr(w, "licenseComments", p->license);
	if (p->db_path) {
		char *si = lb_xasprintf("acquired package info from %s", p->db_path);

		lb_jw_kstr(w, "sourceInfo", si);
		free(si);
	}
	if (p->purl && p->purl[0])
		purl_ref(w, p->purl);
	lb_jw_kstr(w, "primaryPackagePurpose", "LIBRARY");
	lb_jw_obj_end(w);
}

static void
relationship(struct lb_jw *w, const char *a, const char *type, const char *b)
{
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "spdxElementId", a);
	lb_jw_kstr(w, "relationshipType", type);
	lb_jw_kstr(w, "relatedSpdxElement", b);
	lb_jw_obj_end(w);
}

static int
spdx_write(struct lb_ctx *cx, const struct lb_report *rep, FILE *out)
{
	struct lb_jw w;
	char uuid[37], now[32], *ns, *tool, *name;
	const struct lb_inventory *first = NULL;
	int r;

	if ((r = lb_report_uuid(uuid)) < 0) {
		lb_err(cx, "cannot make an SPDX document namespace: %s", lb_strerror(r));
		return r;
	}
	for (size_t i = 0; i < rep->nresults && !first; i++)
		first = rep->results[i];
	if (!rep->created) {
		struct tm tm;
		time_t t = time(NULL);

		gmtime_r(&t, &tm);
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	name = lb_xstrdup(first ? lb_report_image_name(first) : "lifebelt-report");
	/* SPDX 2.3 section 6.5: a unique absolute URI, not a resolvable one */
	ns = lb_xasprintf("https://lifebelt.invalid/spdxdocs/%s", uuid);
	tool = lb_xasprintf("Tool: lifebelt-%s", rep->tool_version ? rep->tool_version : LB_VERSION);

	lb_jw_init(&w, out, true);
	lb_jw_obj_begin(&w);
	lb_jw_kstr(&w, "spdxVersion", "SPDX-2.3");
	lb_jw_kstr(&w, "dataLicense", "CC0-1.0");
	lb_jw_kstr(&w, "SPDXID", "SPDXRef-DOCUMENT");
	lb_jw_kstr(&w, "name", name);
	lb_jw_kstr(&w, "documentNamespace", ns);
	lb_jw_key(&w, "creationInfo");
	lb_jw_obj_begin(&w);
	lb_jw_key(&w, "creators");
	lb_jw_arr_begin(&w);
	lb_jw_str(&w, tool);
	lb_jw_arr_end(&w);
	lb_jw_kstr(&w, "created", rep->created ? rep->created : now);
	lb_jw_obj_end(&w);

	lb_jw_key(&w, "packages");
	lb_jw_arr_begin(&w);
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct lb_inventory *inv = rep->results[i];

		if (!inv)
			continue;
		write_image(&w, inv, i);
		if (inv->os.family && inv->os.family[0])
			write_os(&w, inv, i);
		for (size_t k = 0; k < inv->npkgs; k++)
			write_pkg(&w, inv, i, k);
	}
	lb_jw_arr_end(&w);

	lb_jw_key(&w, "relationships");
	lb_jw_arr_begin(&w);
	for (size_t i = 0; i < rep->nresults; i++) {
		const struct lb_inventory *inv = rep->results[i];
		char img[48], id[64];

		if (!inv)
			continue;
		snprintf(img, sizeof(img), "SPDXRef-Image-%zu", i);
		relationship(&w, "SPDXRef-DOCUMENT", "DESCRIBES", img);
		if (inv->os.family && inv->os.family[0]) {
			snprintf(id, sizeof(id), "SPDXRef-OperatingSystem-%zu", i);
			relationship(&w, img, "CONTAINS", id);
		}
		for (size_t k = 0; k < inv->npkgs; k++) {
			snprintf(id, sizeof(id), "SPDXRef-Package-%zu-%zu", i, k);
			relationship(&w, img, "CONTAINS", id);
		}
	}
	lb_jw_arr_end(&w);
	lb_jw_obj_end(&w);
	r = lb_jw_finish(&w);
	free(name);
	free(ns);
	free(tool);
	return r;
}

const struct lb_writer_ops lb_writer_spdx_json = {
	.name = "spdx-json",
	.write = spdx_write,
};
