/* match.h - packages x advisories -> findings.
 *
 * OS packages match only their own distribution's advisories, by source
 * package where the feed keys by it (Debian: source package; Alpine:
 * origin); the release is mapped to the feed's key (Debian 12 -> bookworm,
 * Alpine 3.18.4 -> v3.18). Language packages match OSV ranges (ECOSYSTEM,
 * SEMVER) and explicit version lists. Versions compare with the
 * ecosystem's own rules (vercmp.h).
 *
 * Speed: each (ecosystem, distro, package) key is looked up once per
 * inventory (packages of one source share it), in the pre-compiled form
 * lb_vulndb_lookup gives; an installed version is validated once and then
 * compared with the comparator directly; a vulnerability's details are
 * read only when it matches, once per inventory.
 */
#pragma once
#include "analyze/inventory.h"
#include "base/lb_ctx.h"
#include "vulndb/vulndb.h"

/* Adds a finding to inv for each advisory that affects one of its
 * packages (one per package and vulnerability ID), and sets
 * inv->vulns_scanned. Returns 0 or < 0 for an internal failure; versions
 * that cannot be compared are warnings. */
int lb_match_inventory(struct lb_ctx *cx, struct lb_vulndb *db, struct lb_inventory *inv);

/* The feed's key for the distribution release in os ("debian:bookworm",
 * "alpine:v3.18", "ubuntu:22.04", ...), new string, or NULL if unknown. */
char *lb_match_distro(const struct lb_os *os);

/* Drops findings that do not pass: severities is a mask of 1 << LB_SEV_*
 * (0 keeps all); ignore_unfixed drops findings without a fixed version. */
enum { LB_SEV_UNKNOWN, LB_SEV_LOW, LB_SEV_MEDIUM, LB_SEV_HIGH, LB_SEV_CRITICAL };
int lb_severity_parse(const char *name);       /* LB_SEV_* or -1 */
void lb_findings_filter(struct lb_inventory *inv, unsigned severities, int ignore_unfixed);

/* "fixed", "affected", "will-not-fix", "no-dsa", "end-of-life", "not-affected" */
const char *lb_vstatus_name(int status);
