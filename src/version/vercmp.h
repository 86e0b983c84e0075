/* vercmp.h - version ordering, one comparator per ecosystem, each exactly
 * as the ecosystem's own tool orders versions. Ecosystem names are purl
 * types: deb, rpm, apk, pypi, npm, cargo, golang, gem, maven, nuget, composer.
 *
 * Comparators never allocate for versions of ordinary length (they walk
 * slices or parse into stack buffers), keep no state and are thread-safe.
 * Where a comparator knowingly departs from its reference tool, the file
 * that implements it says so at the top.
 */
#pragma once
#include <stddef.h>
#include <stdio.h>

#include "base/lb_slice.h"

struct lb_vercmp_ops {
	const char *ecosystem;
	/* 0 when v is a valid version for the ecosystem, else -LB_E_FORMAT. */
	int (*validate)(struct lb_slice v);
	/* < 0, 0, > 0 as a orders before, equal to, after b. The answer means
	 * something only when both are valid, but any bytes are safe to pass:
	 * nothing is read outside the slices (tests/fuzz/fuzz_vercmp.c). */
	int (*compare)(struct lb_slice a, struct lb_slice b);
};

/* The comparator for ecosystem (a purl type; "go" is accepted for golang,
 * "pypi"/"python"...), or NULL. Names are matched without regard to case,
 * and OSV ecosystem names work too ("Debian:12", "PyPI", "crates.io",
 * "Go", "RubyGems", "Packagist", "Alpine:v3.18", "Red Hat"): whatever
 * follows a ':' is ignored. */
const struct lb_vercmp_ops *lb_vercmp_find(const char *ecosystem);

/* Compares a and b in ecosystem: sets *cmp to -1, 0 or 1 and returns 0, or
 * returns -LB_E_FORMAT when either is invalid, -LB_E_UNSUPPORTED for an
 * unknown ecosystem. */
int lb_vercmp(const char *ecosystem, const char *a, const char *b, int *cmp);

/* The answer for a and b as one character: '<', '=' or '>', or '!' when
 * either is not a valid version. */
char lb_vercmp_char(const struct lb_vercmp_ops *ops, struct lb_slice a, struct lb_slice b);

/* The protocol of `lifebelt version compare ECOSYSTEM -`: reads "A<TAB>B"
 * lines from in (LF or CRLF) and writes one answer of lb_vercmp_char() per
 * line to out; a line without a tab gets '!'. Reads to the end of in.
 * Returns 0, or -EIO after a read or write error. */
int lb_vercmp_stream(const struct lb_vercmp_ops *ops, FILE *in, FILE *out);

/* The i-th comparator in a fixed order (deb, rpm, apk, pypi, npm, cargo,
 * golang, gem, maven, nuget, composer), or NULL past the end. */
const struct lb_vercmp_ops *lb_vercmp_at(size_t i);
size_t lb_vercmp_count(void);

/* --- for the comparators ------------------------------------------------ */

/* Orders two runs of ASCII digits by numeric value, of any length: leading
 * zeros are ignored ("007" = "7"); an empty run counts as 0. */
int lb_vercmp_digits(struct lb_slice a, struct lb_slice b);

/* One table per file, vc_<name>.c. */
extern const struct lb_vercmp_ops lb_vc_deb_ops;      /* dpkg --compare-versions */
extern const struct lb_vercmp_ops lb_vc_rpm_ops;      /* rpm labelCompare(E, V, R) */
extern const struct lb_vercmp_ops lb_vc_apk_ops;      /* apk-tools version.c */
extern const struct lb_vercmp_ops lb_vc_pep440_ops;   /* PEP 440 as python-packaging */
extern const struct lb_vercmp_ops lb_vc_npm_ops;      /* node-semver */
extern const struct lb_vercmp_ops lb_vc_cargo_ops;    /* Rust semver crate */
extern const struct lb_vercmp_ops lb_vc_golang_ops;   /* golang.org/x/mod/semver */
extern const struct lb_vercmp_ops lb_vc_gem_ops;      /* Gem::Version */
extern const struct lb_vercmp_ops lb_vc_maven_ops;    /* ComparableVersion (3.8) */
extern const struct lb_vercmp_ops lb_vc_nuget_ops;    /* NuGet.Versioning */
extern const struct lb_vercmp_ops lb_vc_composer_ops; /* Composer normalize + version_compare */
