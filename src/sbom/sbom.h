/* sbom.h - reading an SBOM back into an inventory (lifebelt sbom FILE).
 *
 * Formats: CycloneDX JSON 1.4-1.6 and SPDX 2.3 JSON (2.2 is read too), as
 * lifebelt, Trivy and Syft write them. Packages come from purls (CycloneDX
 * components[].purl, nested components too; SPDX packages[].externalRefs
 * of type purl): type, namespace and name, version (with an "epoch"
 * qualifier folded back into rpm and deb versions), "arch", and the source
 * package from "upstream=NAME[@VERSION]" or the tools' own properties
 * (lifebelt:pkg:srcName/srcVersion, aquasecurity:trivy:SrcName/SrcVersion).
 * The OS comes from the SBOM's operating-system component (CycloneDX) or
 * package (SPDX primaryPackagePurpose OPERATING_SYSTEM), else from the
 * "distro" qualifier of the OS packages' purls ("debian-12", "3.7.3",
 * "alpine-3.7.3", "rhel-8.9"), so that OS packages match their
 * distribution's feeds.
 *
 * The input is untrusted: structural errors (not JSON, not an SBOM, a
 * member of the wrong type) fail with a message naming the JSON path
 * ("$.components[3].purl") or the line of a JSON syntax error. A component
 * with an invalid purl is skipped with a warning naming its path (the
 * result is then partial); one without a purl cannot be matched and is
 * skipped silently.
 */
#pragma once
#include <stddef.h>

#include "analyze/inventory.h"
#include "base/lb_ctx.h"

#define LB_SBOM_MAX_FILE (512u << 20)     /* largest SBOM read, bytes */
#define LB_SBOM_MAX_COMPONENTS 1000000    /* most packages taken from one SBOM */
#define LB_SBOM_MAX_DEPTH 64              /* deepest nesting of CycloneDX components */

/* Parses the len bytes at buf (name is how messages call it) into a new
 * inventory (*out, lb_inventory_free; source_kind "sbom", packages sorted
 * and purls rebuilt by lb_inventory_finish). Returns 0, or -LB_E_FORMAT /
 * -LB_E_LIMIT with *err set (a new string the caller frees). */
int lb_sbom_parse(struct lb_ctx *cx, const char *name, const char *buf, size_t len,
    struct lb_inventory **out, char **err);

/* Reads the file at path and parses it; prints the error. Returns 0 or
 * < 0 (-ENOENT when absent, -LB_E_FORMAT, -LB_E_LIMIT, -errno). */
int lb_sbom_read(struct lb_ctx *cx, const char *path, struct lb_inventory **out);
