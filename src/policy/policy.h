/* policy.h - exceptions: ignore files and VEX documents that set findings
 * aside.
 *
 * Sources (any number, all read before the scan's findings are known):
 *   - a plain ignore file (".lifebeltignore", Trivy's ".trivyignore" form):
 *     one "ID [exp:YYYY-MM-DD]" per line, '#' starts a comment;
 *   - a YAML ignore file (".lifebeltignore.yaml"): a list of entries, or a
 *     mapping with a "vulnerabilities" list, each entry with "id", optional
 *     "purl" and/or "path" scope, optional "expires" and "reason";
 *   - VEX documents: OpenVEX (v0.2.0 and the earlier "openvex.dev/ns"
 *     contexts) and CycloneDX VEX (a BOM with "vulnerabilities[].analysis").
 *
 * An ignore entry applies until the day before its expiry date, as Trivy's
 * "exp:" does: from that date on it no longer applies and is listed as
 * expired. An entry or statement that
 * set nothing aside in any result is listed as stale. VEX statements
 * apply only when their status is "not_affected" or "fixed" (CycloneDX:
 * state "not_affected", "false_positive" or "resolved"); statements with
 * other statuses ("affected", "under_investigation") are read but never
 * set anything aside, and are never stale.
 *
 * Parsers take untrusted bytes: errors name the file and a line number
 * (plain, YAML) or a JSON path (VEX) in *err (a new string the caller
 * frees).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "analyze/inventory.h"
#include "base/lb_ctx.h"

#define LB_POLICY_MAX_FILE (16u << 20)   /* largest ignore file or VEX document read */
#define LB_POLICY_MAX_RULES 100000       /* most entries kept over all sources */

struct lb_policy;

/* One exception as read; strings owned by the policy. */
struct lb_policy_rule {
	char *id;              /* vulnerability ID (compared with the finding's ID and aliases) */
	char *purl;            /* scope: the package purl (a purl without version or
	                        * qualifiers matches every version and qualifier); NULL = any */
	char *path;            /* scope: package evidence path (dbPath) or a prefix ending
	                        * in '/'; NULL = any */
	char *expires;         /* "YYYY-MM-DD" or NULL */
	char *reason;          /* reason, or the VEX impact statement; NULL */
	char *justification;   /* VEX justification, or NULL */
	char *status;          /* "ignored", or the VEX status as given */
	const char *kind;      /* "ignore" or "vex" (static) */
	char *where;           /* "FILE:LINE" or "FILE" + JSON path */
	bool expired;          /* past its expiry date: does not apply */
	bool suppresses;       /* a status that sets findings aside */
	size_t hits;           /* findings it set aside so far */
};

struct lb_policy *lb_policy_new(const char *today);   /* today: "YYYY-MM-DD" */
void lb_policy_free(struct lb_policy *pol);            /* accepts NULL */

/* Parse one source held in memory; name is how messages call it. Returns
 * 0, or -LB_E_FORMAT / -LB_E_LIMIT with *err set (caller frees). */
int lb_policy_parse_plain(struct lb_policy *pol, const char *name, const char *buf, size_t len,
    char **err);
int lb_policy_parse_yaml(struct lb_policy *pol, const char *name, const char *buf, size_t len,
    char **err);
int lb_policy_parse_vex(struct lb_policy *pol, const char *name, const char *buf, size_t len,
    char **err);

/* Reads an ignore file (YAML when the name ends in ".yaml" or ".yml" or the
 * content starts as YAML "- " / "vulnerabilities:", plain otherwise) or a
 * VEX document from disk, printing an error on failure. Returns 0 or < 0
 * (-ENOENT when absent). */
int lb_policy_load_ignore(struct lb_ctx *cx, struct lb_policy *pol, const char *path);
int lb_policy_load_vex(struct lb_ctx *cx, struct lb_policy *pol, const char *path);

/* Warns (lb_warn is not used: these do not make a scan partial) about
 * expired entries on cx's log. Call once after loading. */
void lb_policy_warn_expired(struct lb_ctx *cx, const struct lb_policy *pol);

/* Moves each finding of inv that an applying rule matches from
 * inv->findings to inv->suppressed, filling its sup_* fields. */
void lb_policy_apply(struct lb_policy *pol, struct lb_inventory *inv);

/* Prints the stale rules (those that set nothing aside) to cx's log. */
void lb_policy_warn_stale(struct lb_ctx *cx, const struct lb_policy *pol);

/* All rules, in the order read; valid until lb_policy_free. */
const struct lb_policy_rule *lb_policy_rules(const struct lb_policy *pol, size_t *n);
/* "applied" (set at least one finding aside), "stale" (set none aside),
 * "expired", or "informational" (a VEX status that sets nothing aside). */
const char *lb_policy_rule_state(const struct lb_policy_rule *r);

/* Days from the policy's today to r's expiry date (0: expires today, so
 * already expired; negative: in the past), or LONG_MAX when it has none. */
long lb_policy_days_left(const struct lb_policy *pol, const struct lb_policy_rule *r);
#define LB_POLICY_EXPIRING_DAYS 30   /* the table lists entries expiring this soon */

/* --pkg-types: LB_PKGTYPE_OS (deb, apk, rpm, alpm packages) and
 * LB_PKGTYPE_LIBRARY (every other type). */
enum { LB_PKGTYPE_OS = 1, LB_PKGTYPE_LIBRARY = 2 };
/* "os,library" -> mask; -1 for an unknown name. */
int lb_policy_parse_pkg_types(const char *list);
/* Drops the packages whose kind is not in mask, and their findings;
 * the remaining findings' package indexes are renumbered. */
void lb_policy_filter_pkg_types(struct lb_inventory *inv, unsigned mask);

/* For the parsers (ignore.c, vex.c) and their tests. */
#define LB_POLICY_MAX_ID 256       /* longest vulnerability ID accepted */
/* Appends a zeroed rule of kind ("ignore", "vex"), or NULL past
 * LB_POLICY_MAX_RULES. Valid until the next add. */
struct lb_policy_rule *lb_policy_add(struct lb_policy *pol, const char *kind);
/* Sets r->expired from r->expires and the policy's today. */
void lb_policy_finish_rule(struct lb_policy *pol, struct lb_policy_rule *r);
/* 1 when s is a real calendar date "YYYY-MM-DD". */
int lb_policy_valid_date(const char *s);
/* 1 when the len bytes at s are a plausible ID: 1..LB_POLICY_MAX_ID
 * printable ASCII characters without spaces. */
int lb_policy_valid_id(const char *s, size_t len);
