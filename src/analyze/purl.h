/* purl.h - package URLs as the purl-spec type definitions say
 * (github.com/package-url/purl-spec, PURL-TYPES / types/ JSON files, ECMA-427).
 *
 * Building and parsing share one canonical form:
 *   pkg:type/namespace/name@version?key=value&key=value#subpath
 * with the type and qualifier keys lowercase, qualifiers sorted by key,
 * empty qualifier values dropped, and every other byte but ALPHA / DIGIT /
 * "." / "-" / "_" / "~" / ":" percent-encoded (ECMA-427 "Character
 * encoding": the colon is never encoded, so a deb epoch reads "@1:2.3-4").
 * Type-specific normalisation (lowercased deb/apk names, pypi's PEP 503 '-_.' runs -> '-')
 * is applied both ways, so lb_purl_build(lb_purl_parse(s)) is canonical.
 */
#pragma once
#include <stddef.h>

#include "analyze/inventory.h"

#define LB_PURL_MAX 65536          /* longest purl lb_purl_parse accepts, in bytes */
#define LB_PURL_MAX_QUALIFIERS 64  /* most qualifiers lb_purl_parse accepts */

struct lb_purl_qualifier {
	char *key;                  /* lowercase [a-z][a-z0-9._-]* */
	char *value;                /* decoded, never empty */
};

/* The components of a purl, decoded. Every string is owned by the struct
 * and freed by lb_purl_release. */
struct lb_purl {
	char *type;                 /* lowercase; never NULL once parsed */
	char *ns;                   /* namespace: decoded segments joined by '/'; NULL if none */
	char *name;                 /* never NULL once parsed */
	char *version;              /* NULL if none */
	struct lb_purl_qualifier *quals;   /* sorted by key, keys unique */
	size_t nquals;
	char *subpath;              /* decoded segments joined by '/'; NULL if none */
};

/* Returns a new purl for p (caller frees), e.g.
 *   pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12
 *   pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12
 *   pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64&distro=3.7.3
 *   pkg:rpm/redhat/bash@4.4.20-4.el8?arch=x86_64&distro=rhel-8.9&epoch=1
 * or NULL when p lacks a type, name or version (or the type is not a
 * valid purl type).
 *   - OS package types (deb, apk, rpm, alpm): the namespace is os->family
 *     ("debian" / "alpine" when the OS is unknown for deb / apk), and for
 *     rpm the vendor it names ("rhel" -> "redhat", "ol" -> "oracle",
 *     "sles" -> "suse", "opensuse-leap" -> "opensuse"); arch
 *     goes to the arch qualifier; distro is "<family>-<version_id>", but
 *     just "<version_id>" for apk as Trivy writes it; an rpm epoch moves
 *     from the version to the epoch qualifier as the rpm type says, and
 *     an rpm's modularity label is the modularitylabel qualifier.
 *   - A source package that differs (p->src_name or p->src_version set)
 *     becomes upstream=<src_name>[@<src_version>], as Syft writes it and
 *     Grype reads it back for matching.
 *   - Language types split the namespace off the name: npm "@scope/x",
 *     maven "group:artifact", golang and others at the last '/'; a gem's
 *     arch (its RubyGems platform) becomes platform=<arch>. */
char *lb_purl_for_pkg(const struct lb_pkg *p, const struct lb_os *os);

/* Percent-encodes s for a purl component into a new string: everything but
 * ALPHA / DIGIT / "." / "-" / "_" / "~" / ":" is encoded as %XX (uppercase
 * hex); with keep_slash, '/' stays too. */
char *lb_purl_encode(const char *s, int keep_slash);

/* Returns the canonical string of p (caller frees), or NULL when p has no
 * valid type or no name, a qualifier key is invalid or repeated, or a
 * namespace segment is empty. p->quals need not be sorted; empty values
 * are dropped. */
char *lb_purl_build(const struct lb_purl *p);

/* Parses the len bytes at s into *out (which it initialises; release it
 * with lb_purl_release even on failure). Accepts what the spec's "how to
 * parse" accepts: any case of "pkg:", extra '/' after it, unsorted
 * qualifiers, needlessly encoded bytes. Returns 0, -LB_E_FORMAT (bad
 * scheme, type, key, percent escape, an encoded NUL, an encoded '/' inside
 * a namespace or subpath segment, a repeated key, no name) or -LB_E_LIMIT
 * (longer than LB_PURL_MAX or more than LB_PURL_MAX_QUALIFIERS). */
int lb_purl_parse(const char *s, size_t len, struct lb_purl *out);

void lb_purl_release(struct lb_purl *p);

/* The value of qualifier key, or NULL. */
const char *lb_purl_qualifier(const struct lb_purl *p, const char *key);
