/* schema.h - the vulnerability database's SQLite schema (internal to
 * src/vulndb). Any change to it bumps LB_VULNDB_SCHEMA_VERSION, which
 * lb_vulndb_open checks: a database of another version is refused and
 * rebuilt, never half-read.
 *
 * Built for matching speed: a package is one lookup of (ecosystem, distro,
 * name) in pkg, which gives every advisory about it as one blob, already
 * in the form the matcher evaluates (pkgblob.h): ranges as events sorted
 * in the ecosystem's version order and versions validated at build time,
 * explicit version lists sorted for a binary search. Nothing is parsed at
 * match time. Vulnerability details (name, aliases, title, CVSS) are
 * looked up by id in vuln only for the advisories that match.
 *
 * Size decisions: strings that repeat (sources, severity sources) live
 * once in label and are referred to by integer; pkg is a WITHOUT ROWID
 * table whose primary key is its only index. The builder inserts in key
 * order into an in-memory database and writes the file with VACUUM INTO,
 * so pages are full and the file is written once.
 */
#pragma once

#define LB_VULNDB_SCHEMA_VERSION 2
/* PRAGMA application_id: "lbvd" */
#define LB_VULNDB_APP_ID 0x6c627664

#define LB_VULNDB_SCHEMA_SQL \
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;\n" \
	/* the feeds given to the build, for `db info` */ \
	"CREATE TABLE feed(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL,\n" \
	"  records INTEGER NOT NULL, warnings INTEGER NOT NULL);\n" \
	/* data sources ("osv:PyPI", "debian-tracker") and severity sources ("vendor:debian", "nvd") */ \
	"CREATE TABLE label(id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n" \
	/* one row per vulnerability after alias merging; severity 0..4 (UNKNOWN..CRITICAL) \
	 * from CVSS; aliases and cwe are JSON arrays */ \
	"CREATE TABLE vuln(id INTEGER PRIMARY KEY, name TEXT NOT NULL, aliases TEXT, title TEXT,\n" \
	"  severity INTEGER NOT NULL, sev_src INTEGER, cvss_vector TEXT, cvss_score REAL,\n" \
	"  cwe TEXT, published TEXT, modified TEXT);\n" \
	/* distro is '' for language ecosystems; adv is the package's advisories \
	 * (pkgblob.h) */ \
	"CREATE TABLE pkg(eco TEXT NOT NULL, distro TEXT NOT NULL, name TEXT NOT NULL,\n" \
	"  adv BLOB NOT NULL, PRIMARY KEY(eco, distro, name)) WITHOUT ROWID;\n"

/* A Bloom filter of every (ecosystem, distro, package) key in pkg, kept in
 * meta as 'pkg_filter' (bytes) and 'pkg_filter_bits' (a power of two), so
 * that a package without advisories (most of an image) costs a few bit
 * probes instead of an SQL lookup. 16 bits and 7 probes per key: about
 * 0.1% false positives, which the SQL lookup then answers. */
#define LB_VULNDB_FILTER_PROBES 7
#define LB_VULNDB_FILTER_BITS_PER_KEY 16

#include <stdint.h>
#include <string.h>

static inline uint64_t
lb_vulndb_key_hash(const char *eco, const char *distro, const char *name)
{
	/* FNV-1a over "eco\0distro\0name", then splitmix64's finalizer */
	const char *parts[3] = { eco, distro, name };
	uint64_t h = 1469598103934665603ull;

	for (int i = 0; i < 3; i++) {
		for (const unsigned char *s = (const unsigned char *)parts[i]; *s; s++) {
			h ^= *s;
			h *= 1099511628211ull;
		}
		h ^= 0;
		h *= 1099511628211ull;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

/* The i-th bit probed for hash h in a filter of nbits (a power of two). */
static inline uint64_t
lb_vulndb_filter_bit(uint64_t h, int i, uint64_t nbits)
{
	uint64_t h1 = h & 0xffffffffu, h2 = (h >> 32) | 1;
	return (h1 + (uint64_t)i * h2) & (nbits - 1);
}
