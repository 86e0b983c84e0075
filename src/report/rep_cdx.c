/* rep_cdx.c - CycloneDX 1.6 JSON SBOM (--format cyclonedx).
 *
 * Layout (validated against the official bom-1.6.schema.json by
 * tests/e2e/t0900-report-schemas.sh):
 *   metadata.component   the image (type "container"); with several
 *                        results (--platform all) a "container" standing
 *                        for the input, and each image becomes a component
 *   components           per image: its OS ("operating-system") and its
 *                        packages ("library")
 *   dependencies         input -> images, image -> OS and packages; a
 *                        package's own dependencies are unknown, so it has
 *                        no entry (CycloneDX: "not represented ... may have
 *                        unknown dependencies")
 *   vulnerabilities      one entry per finding (package x ID), present only
 *                        when a database was used: absent means "not looked
 *                        for", [] means "none found"
 * Facts CycloneDX has no field for go to "lifebelt:*" properties.
 * Licenses are written as named licenses: distro license fields are rarely
 * valid SPDX expressions ("GPL-2+", "MIT BSD"), and a named license is
 * always valid under the schema.
 */
#include "report/writer.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_json_w.h"
#include "match/match.h"
#include "base/lb_banned.h"

/* bom-1.6 "version": {"type": "string", "maxLength": 1024}; counted in
 * bytes here, which is never fewer than the characters the schema counts. */
#define CDX_MAX_VERSION 1024

#ifndef LB_VERSION
#define LB_VERSION "0.0.0"
#endif

/* One package's bom-ref, before and after making it unique in the BOM. */
struct pkg_ref {
	const char *base;      /* the purl, or NULL */
	size_t result, index;
	char *ref;             /* owned */
};

struct cdx {
	struct lb_jw w;
	const struct lb_report *rep;
	struct pkg_ref *refs;  /* all packages of all results, in report order */
	size_t nrefs;
	size_t *first;         /* first[r]: index in refs of result r's first package */
};

static int
random_bytes(unsigned char *p, size_t n)
{
	ssize_t got;
	size_t off = 0;
	int fd;

	if (RAND_bytes(p, (int)n) == 1)
		return 0;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	while (off < n) {
		got = read(fd, p + off, n - off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			close(fd);
			return -LB_E_INTERNAL;
		}
		off += (size_t)got;
	}
	close(fd);
	return 0;
}

/* RFC 4122 section 4.4: a version 4 (random) UUID as "urn:uuid:...", in
 * the lowercase the bom-1.6 schema's serialNumber pattern requires. */
static int
make_serial(char out[46])
{
	unsigned char u[16];
	int r;

	if ((r = random_bytes(u, sizeof(u))) < 0)
		return r;
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, 46,
	    "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
	    u[13], u[14], u[15]);
	return 0;
}

static void
now_rfc3339(char out[32])
{
	struct tm tm;
	time_t t = time(NULL);

	if (!gmtime_r(&t, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

static int
ref_cmp(const void *x, const void *y)
{
	const struct pkg_ref *a = x, *b = y;
	int c = strcmp(a->base, b->base);

	if (c)
		return c;
	if (a->result != b->result)
		return a->result < b->result ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Gives every package a bom-ref unique in the BOM: its purl, with
 * "#lifebelt-dup-N" added to the second and later packages of the same
 * purl (our purls have no subpath, so no purl ends that way), or
 * "lifebelt:pkg:R:I" when it has no purl. */
static void
assign_refs(struct cdx *c)
{
	const struct lb_report *rep = c->rep;
	struct pkg_ref *sorted;
	size_t n = 0, k = 0;

	c->first = lb_xcalloc(rep->nresults + 1, sizeof(*c->first));
	for (size_t r = 0; r < rep->nresults; r++)
		n += rep->results[r] ? rep->results[r]->npkgs : 0;
	c->refs = lb_xcalloc(n, sizeof(*c->refs));
	c->nrefs = n;
	for (size_t r = 0; r < rep->nresults; r++) {
		const struct lb_inventory *inv = rep->results[r];

		c->first[r] = k;
		for (size_t i = 0; inv && i < inv->npkgs; i++, k++) {
			c->refs[k].result = r;
			c->refs[k].index = i;
			c->refs[k].base = inv->pkgs[i].purl;
			if (!inv->pkgs[i].purl || !inv->pkgs[i].purl[0]) {
				c->refs[k].base = NULL;
				c->refs[k].ref = lb_xasprintf("lifebelt:pkg:%zu:%zu", r, i);
			}
		}
	}
	c->first[rep->nresults] = k;

	/* sort a copy of those with a purl, then number the duplicates */
	sorted = lb_xcalloc(n, sizeof(*sorted));
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (c->refs[i].base)
			sorted[k++] = c->refs[i];
	qsort(sorted, k, sizeof(*sorted), ref_cmp);
	for (size_t i = 0, dup = 0; i < k; i++) {
		struct pkg_ref *dst;

		dup = (i > 0 && strcmp(sorted[i - 1].base, sorted[i].base) == 0) ? dup + 1 : 0;
		dst = &c->refs[c->first[sorted[i].result] + sorted[i].index];
		if (dup == 0)
			dst->ref = lb_xstrdup(sorted[i].base);
		else
			dst->ref = lb_xasprintf("%s#lifebelt-dup-%zu", sorted[i].base, dup + 1);
	}
	free(sorted);
}

static void
release_refs(struct cdx *c)
{
	for (size_t i = 0; i < c->nrefs; i++)
		free(c->refs[i].ref);
	free(c->refs);
	free(c->first);
}

static void
prop(struct lb_jw *w, const char *name, const char *value)
{
	if (!value)
		return;
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "name", name);
	lb_jw_kstr(w, "value", value);
	lb_jw_obj_end(w);
}

static void
prop_uint(struct lb_jw *w, const char *name, unsigned long long v)
{
	char num[32];

	snprintf(num, sizeof(num), "%llu", v);
	prop(w, name, num);
}

/* Whether s may be a CycloneDX "version" (NULL may not). A longer one,
 * which only a hostile image carries, goes to a property instead so that
 * the BOM stays valid and nothing is cut. */
static bool
version_fits(const char *s)
{
	return s && strlen(s) <= CDX_MAX_VERSION;
}

static char *
image_ref(size_t r)
{
	return lb_xasprintf("lifebelt:image:%zu", r);
}

static char *
os_ref(size_t r)
{
	return lb_xasprintf("lifebelt:os:%zu", r);
}

static bool
has_os(const struct lb_inventory *inv)
{
	return inv->os.family && inv->os.family[0];
}

/* The image as a "container" component. */
static void
write_image(struct cdx *c, size_t r)
{
	const struct lb_inventory *inv = c->rep->results[r];
	struct lb_jw *w = &c->w;
	const char *version = inv->manifest_digest ? inv->manifest_digest : inv->image_id;
	char *ref = image_ref(r);

	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "type", "container");
	lb_jw_kstr(w, "bom-ref", ref);
	lb_jw_kstr(w, "name", lb_report_image_name(inv));
	if (version)
		lb_jw_kstr(w, "version", version);
	lb_jw_key(w, "properties");
	lb_jw_arr_begin(w);
	prop(w, "lifebelt:image:sourceKind", inv->source_kind);
	prop(w, "lifebelt:image:input", inv->source);
	prop(w, "lifebelt:image:ref", inv->ref);
	prop(w, "lifebelt:image:id", inv->image_id);
	prop(w, "lifebelt:image:manifestDigest", inv->manifest_digest);
	prop(w, "lifebelt:image:platform", inv->platform);
	prop(w, "lifebelt:image:partial", inv->partial ? "true" : "false");
	for (size_t i = 0; i < inv->nlayers; i++)
		prop(w, "lifebelt:image:diffID", inv->layers[i].diff_id);
	for (size_t i = 0; i < inv->nwarnings; i++)
		prop(w, "lifebelt:image:warning", inv->warnings[i]);
	/* --scanners malware: one property per finding (docs/malware.md) */
	for (size_t i = 0; i < inv->nmalware; i++) {
		const struct lb_malware_finding *m = &inv->malware[i];
		char *v = lb_xasprintf("%s %s %s %s %s layer=%d hiddenBy=%d sha256=%s",
		    m->severity ? m->severity : "UNKNOWN", m->kind, m->engine, m->signature, m->path,
		    m->layer, m->hidden_by, m->sha256 ? m->sha256 : "-");
		prop(w, "lifebelt:malware", v);
		free(v);
	}
	lb_jw_arr_end(w);
	lb_jw_obj_end(w);
	free(ref);
}

static void
write_os(struct cdx *c, size_t r)
{
	const struct lb_os *os = &c->rep->results[r]->os;
	struct lb_jw *w = &c->w;
	char *ref = os_ref(r);

	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "type", "operating-system");
	lb_jw_kstr(w, "bom-ref", ref);
	lb_jw_kstr(w, "name", os->family);
	if (version_fits(os->version ? os->version : os->version_id))
		lb_jw_kstr(w, "version", os->version ? os->version : os->version_id);
	if (os->name)
		lb_jw_kstr(w, "description", os->name);
	lb_jw_key(w, "properties");
	lb_jw_arr_begin(w);
	if (os->version && !version_fits(os->version))
		prop(w, "lifebelt:os:version", os->version);
	prop(w, "lifebelt:os:versionId", os->version_id);
	prop(w, "lifebelt:os:codename", os->codename);
	prop(w, "lifebelt:os:evidence", os->evidence);
	lb_jw_arr_end(w);
	lb_jw_obj_end(w);
	free(ref);
}

/* bom-1.6 hash-alg of an "ALGO:HEX" digest, or NULL when the schema has
 * no name for it or the hex is not a length the schema accepts. */
static const char *
cdx_hash_alg(const char *digest)
{
	static const struct { const char *algo, *alg; size_t hexlen; } map[] = {
		{ "md5", "MD5", 32 }, { "sha1", "SHA-1", 40 }, { "sha256", "SHA-256", 64 },
		{ "sha384", "SHA-384", 96 }, { "sha512", "SHA-512", 128 },
	};
	const char *colon = strchr(digest, ':');

	for (size_t i = 0; colon && i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].algo) == (size_t)(colon - digest) &&
		    strncmp(digest, map[i].algo, (size_t)(colon - digest)) == 0 &&
		    strlen(colon + 1) == map[i].hexlen &&
		    strspn(colon + 1, "0123456789abcdef") == map[i].hexlen)
			return map[i].alg;
	return NULL;
}

static void
write_pkg(struct cdx *c, size_t r, size_t i)
{
	const struct lb_inventory *inv = c->rep->results[r];
	const struct lb_pkg *p = &inv->pkgs[i];
	struct lb_jw *w = &c->w;

	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "type", "library");
	lb_jw_kstr(w, "bom-ref", c->refs[c->first[r] + i].ref);
	lb_jw_kstr(w, "name", p->name ? p->name : "");
	if (version_fits(p->version))
		lb_jw_kstr(w, "version", p->version);
	if (p->license && p->license[0]) {
		lb_jw_key(w, "licenses");
		lb_jw_arr_begin(w);
		lb_jw_obj_begin(w);
		lb_jw_key(w, "license");
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "name", p->license);
		lb_jw_obj_end(w);
		lb_jw_obj_end(w);
		lb_jw_arr_end(w);
	}
	if (p->digest && cdx_hash_alg(p->digest)) {
		/* the package's own archive (a jar's SHA-1) */
		lb_jw_key(w, "hashes");
		lb_jw_arr_begin(w);
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "alg", cdx_hash_alg(p->digest));
		lb_jw_kstr(w, "content", strchr(p->digest, ':') + 1);
		lb_jw_obj_end(w);
		lb_jw_arr_end(w);
	}
	if (p->purl && p->purl[0])
		lb_jw_kstr(w, "purl", p->purl);
	lb_jw_key(w, "properties");
	lb_jw_arr_begin(w);
	prop(w, "lifebelt:pkg:type", p->type);
	if (p->version && !version_fits(p->version))
		prop(w, "lifebelt:pkg:version", p->version);
	prop(w, "lifebelt:pkg:arch", p->arch);
	prop(w, "lifebelt:pkg:srcName", p->src_name);
	prop(w, "lifebelt:pkg:srcVersion", p->src_version);
	prop(w, "lifebelt:pkg:maintainer", p->maintainer);
	prop(w, "lifebelt:pkg:dbPath", p->db_path);
	/* read back by lifebelt sbom: an owned language package is not matched */
	prop(w, "lifebelt:pkg:owner", p->owner);
	prop_uint(w, "lifebelt:pkg:fileCount", p->nfiles);
	if (p->layer >= 0 && (size_t)p->layer < inv->nlayers) {
		const struct lb_layer_info *l = &inv->layers[p->layer];

		prop_uint(w, "lifebelt:layer:index", (unsigned long long)p->layer);
		prop(w, "lifebelt:layer:diffID", l->diff_id);
		prop(w, "lifebelt:layer:digest", l->digest);
	}
	lb_jw_arr_end(w);
	if (c->rep->with_files && p->nfiles) {
		/* the files a package installed are where it occurs in the image */
		lb_jw_key(w, "evidence");
		lb_jw_obj_begin(w);
		lb_jw_key(w, "occurrences");
		lb_jw_arr_begin(w);
		for (size_t f = 0; f < p->nfiles; f++) {
			lb_jw_obj_begin(w);
			lb_jw_kstr(w, "location", p->files[f]);
			lb_jw_obj_end(w);
		}
		lb_jw_arr_end(w);
		lb_jw_obj_end(w);
	}
	lb_jw_obj_end(w);
}

static void
write_dependencies(struct cdx *c)
{
	const struct lb_report *rep = c->rep;
	struct lb_jw *w = &c->w;
	char *ref;

	lb_jw_key(w, "dependencies");
	lb_jw_arr_begin(w);
	if (rep->nresults > 1) {
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "ref", "lifebelt:input");
		lb_jw_key(w, "dependsOn");
		lb_jw_arr_begin(w);
		for (size_t r = 0; r < rep->nresults; r++) {
			ref = image_ref(r);
			lb_jw_str(w, ref);
			free(ref);
		}
		lb_jw_arr_end(w);
		lb_jw_obj_end(w);
	}
	for (size_t r = 0; r < rep->nresults; r++) {
		const struct lb_inventory *inv = rep->results[r];

		lb_jw_obj_begin(w);
		ref = image_ref(r);
		lb_jw_kstr(w, "ref", ref);
		free(ref);
		lb_jw_key(w, "dependsOn");
		lb_jw_arr_begin(w);
		if (has_os(inv)) {
			ref = os_ref(r);
			lb_jw_str(w, ref);
			free(ref);
		}
		for (size_t i = 0; i < inv->npkgs; i++)
			lb_jw_str(w, c->refs[c->first[r] + i].ref);
		lb_jw_arr_end(w);
		lb_jw_obj_end(w);
	}
	lb_jw_arr_end(w);
}

/* bom-1.6 "severity" enum, from our LOW MEDIUM HIGH CRITICAL UNKNOWN. */
static const char *
cdx_severity(const char *sev)
{
	switch (lb_severity_parse(sev)) {
	case LB_SEV_CRITICAL: return "critical";
	case LB_SEV_HIGH: return "high";
	case LB_SEV_MEDIUM: return "medium";
	case LB_SEV_LOW: return "low";
	}
	return "unknown";
}

/* bom-1.6 "scoreMethod" from the vector: CVSS v3.0, v3.1 and v4.0 vectors
 * start with "CVSS:3.0/", "CVSS:3.1/" and "CVSS:4.0/" (FIRST specification
 * section 6 / 7); a v2 vector has no prefix but always an "Au:" metric. */
static const char *
score_method(const char *vector)
{
	if (strncmp(vector, "CVSS:3.1/", 9) == 0)
		return "CVSSv31";
	if (strncmp(vector, "CVSS:3.0/", 9) == 0)
		return "CVSSv3";
	if (strncmp(vector, "CVSS:4.0/", 9) == 0)
		return "CVSSv4";
	if (strncmp(vector, "AV:", 3) == 0 && strstr(vector, "/Au:"))
		return "CVSSv2";
	return "other";
}

/* The qualitative rating of a base score: CVSS v3.1 and v4.0 section 5
 * (0 none, 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical);
 * v2 has no "critical" (NVD: 7.0-10.0 high). */
static const char *
score_severity(double score, const char *method)
{
	if (score >= 9.0 && strcmp(method, "CVSSv2") != 0)
		return "critical";
	if (score >= 7.0)
		return "high";
	if (score >= 4.0)
		return "medium";
	return "low";   /* callers pass scores > 0 only */
}

/* Whether url can be written where bom-1.6 wants an "iri-reference": an
 * http(s) URL of printable ASCII with no character RFC 3987 excludes and
 * well-formed %XX escapes. Feeds are untrusted; a URL that fails is left
 * out rather than made invalid. */
static bool
url_fits(const char *url)
{
	const char *p;

	if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		return false;
	for (p = url; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch <= 0x20 || ch >= 0x7f || strchr("\"<>\\^`{|}", ch))
			return false;
		if (ch == '%' && !(isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])))
			return false;
	}
	return true;
}

/* Where an alias is published, from its ID's prefix. The ID goes into the
 * URL only when it needs no escaping. */
static void
alias_source(struct lb_jw *w, const char *id, const char *fallback)
{
	static const struct { const char *prefix, *name, *url; } known[] = {
		{ "CVE-", "NVD", "https://nvd.nist.gov/vuln/detail/" },
		{ "GHSA-", "GitHub", "https://github.com/advisories/" },
		{ "DSA-", "Debian", "https://security-tracker.debian.org/tracker/" },
		{ "DLA-", "Debian", "https://security-tracker.debian.org/tracker/" },
		{ "PYSEC-", "OSV", "https://osv.dev/vulnerability/" },
		{ "GO-", "OSV", "https://osv.dev/vulnerability/" },
		{ "RUSTSEC-", "OSV", "https://osv.dev/vulnerability/" },
	};
	bool plain = id[0] != '\0' && strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.-_:") == strlen(id);

	lb_jw_key(w, "source");
	lb_jw_obj_begin(w);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strncmp(id, known[i].prefix, strlen(known[i].prefix)) != 0)
			continue;
		lb_jw_kstr(w, "name", known[i].name);
		if (plain) {
			char *url = lb_xasprintf("%s%s", known[i].url, id);

			lb_jw_kstr(w, "url", url);
			free(url);
		}
		lb_jw_obj_end(w);
		return;
	}
	/* otherwise it is known from the record that listed it */
	if (fallback)
		lb_jw_kstr(w, "name", fallback);
	lb_jw_obj_end(w);
}

/* aliases is the finding's JSON array of other IDs; non-strings and
 * repeats of the ID itself are skipped. */
static void
write_references(struct lb_jw *w, const struct lb_finding *f)
{
	json_t *a = f->aliases ? json_loads(f->aliases, 0, NULL) : NULL;
	size_t n = 0;

	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *id = json_string_value(json_array_get(a, i));

		if (!id || strcmp(id, f->id) == 0)
			continue;
		if (n++ == 0) {
			lb_jw_key(w, "references");
			lb_jw_arr_begin(w);
		}
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "id", id);
		alias_source(w, id, f->source);
		lb_jw_obj_end(w);
	}
	if (n)
		lb_jw_arr_end(w);
	json_decref(a);
}

static void
rating_source(struct lb_jw *w, const char *name)
{
	if (!name)
		return;
	lb_jw_key(w, "source");
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "name", name);
	lb_jw_obj_end(w);
}

/* The severity as its source rated it, and the CVSS score and vector. When
 * the severity is the vendor's own (severitySource "vendor:..."), the CVSS
 * is another opinion and gets a rating of its own, whose source we do not
 * know; otherwise the severity came from that CVSS and one rating holds
 * both. */
static void
write_ratings(struct lb_jw *w, const struct lb_finding *f)
{
	bool has_cvss = f->cvss_vector || f->cvss_score > 0;
	bool vendor = f->severity_source && strncmp(f->severity_source, "vendor:", 7) == 0;
	const char *method = f->cvss_vector ? score_method(f->cvss_vector) : NULL;

	lb_jw_key(w, "ratings");
	lb_jw_arr_begin(w);
	lb_jw_obj_begin(w);
	rating_source(w, f->severity_source ? f->severity_source : f->source);
	if (has_cvss && vendor) {
		lb_jw_kstr(w, "severity", cdx_severity(f->severity));
		lb_jw_obj_end(w);
		lb_jw_obj_begin(w);
	}
	if (f->cvss_score > 0 && isfinite(f->cvss_score))
		lb_jw_kdouble(w, "score", f->cvss_score);
	if (has_cvss && vendor)
		lb_jw_kstr(w, "severity", f->cvss_score > 0 && isfinite(f->cvss_score) ?
		    score_severity(f->cvss_score, method ? method : "other") : "unknown");
	else
		lb_jw_kstr(w, "severity", cdx_severity(f->severity));
	if (method) {
		lb_jw_kstr(w, "method", method);
		lb_jw_kstr(w, "vector", f->cvss_vector);
	}
	lb_jw_obj_end(w);
	lb_jw_arr_end(w);
}

static void
write_affects(struct lb_jw *w, const struct lb_finding *f, const char *ref)
{
	bool fixed = f->fixed && version_fits(f->fixed) &&
	    !(f->installed && strcmp(f->fixed, f->installed) == 0);

	lb_jw_key(w, "affects");
	lb_jw_arr_begin(w);
	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "ref", ref);
	if (version_fits(f->installed) || fixed) {
		lb_jw_key(w, "versions");
		lb_jw_arr_begin(w);
		if (version_fits(f->installed)) {
			lb_jw_obj_begin(w);
			lb_jw_kstr(w, "version", f->installed);
			lb_jw_kstr(w, "status",
			    f->status == LB_VS_NOT_AFFECTED ? "unaffected" : "affected");
			lb_jw_obj_end(w);
		}
		/* CycloneDX 1.6 has no "fixed in" field: the fix is the first
		 * version the source knows to be unaffected */
		if (fixed) {
			lb_jw_obj_begin(w);
			lb_jw_kstr(w, "version", f->fixed);
			lb_jw_kstr(w, "status", "unaffected");
			lb_jw_obj_end(w);
		}
		lb_jw_arr_end(w);
	}
	lb_jw_obj_end(w);
	lb_jw_arr_end(w);
}

/* bom-1.6 "analysis" only where the source itself says so: a distribution
 * that will not fix (response "will_not_fix", the supplier's answer) or a
 * package it states is not affected (state "not_affected", with no
 * justification since the feeds give none). Other statuses carry no
 * analysis: lifebelt has not assessed exploitability. */
static void
write_analysis(struct lb_jw *w, const struct lb_finding *f)
{
	if (f->status == LB_VS_WONTFIX) {
		lb_jw_key(w, "analysis");
		lb_jw_obj_begin(w);
		lb_jw_key(w, "response");
		lb_jw_arr_begin(w);
		lb_jw_str(w, "will_not_fix");
		lb_jw_arr_end(w);
		lb_jw_kstr(w, "detail", "the distribution will not fix this vulnerability");
		lb_jw_obj_end(w);
	} else if (f->status == LB_VS_NOT_AFFECTED) {
		lb_jw_key(w, "analysis");
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "state", "not_affected");
		lb_jw_kstr(w, "detail", "the source states that this package is not affected");
		lb_jw_obj_end(w);
	}
}

static void
write_vuln(struct cdx *c, size_t r, size_t i)
{
	const struct lb_inventory *inv = c->rep->results[r];
	const struct lb_finding *f = &inv->findings[i];
	const struct lb_pkg *p = &inv->pkgs[f->pkg];
	struct lb_jw *w = &c->w;
	char *ref = lb_xasprintf("lifebelt:vuln:%zu:%zu", r, i);

	lb_jw_obj_begin(w);
	lb_jw_kstr(w, "bom-ref", ref);
	lb_jw_kstr(w, "id", f->id);
	if (f->source || url_fits(f->url)) {
		lb_jw_key(w, "source");
		lb_jw_obj_begin(w);
		if (f->source)
			lb_jw_kstr(w, "name", f->source);
		if (url_fits(f->url))
			lb_jw_kstr(w, "url", f->url);
		lb_jw_obj_end(w);
	}
	write_references(w, f);
	write_ratings(w, f);
	if (f->title)
		lb_jw_kstr(w, "description", f->title);
	if (f->fixed && f->status != LB_VS_NOT_AFFECTED) {
		char *rec = p->name ? lb_xasprintf("Upgrade %s to %s", p->name, f->fixed)
		    : lb_xasprintf("Upgrade to %s", f->fixed);

		lb_jw_kstr(w, "recommendation", rec);
		free(rec);
	}
	if (url_fits(f->url)) {
		lb_jw_key(w, "advisories");
		lb_jw_arr_begin(w);
		lb_jw_obj_begin(w);
		lb_jw_kstr(w, "url", f->url);
		lb_jw_obj_end(w);
		lb_jw_arr_end(w);
	}
	write_analysis(w, f);
	write_affects(w, f, c->refs[c->first[r] + f->pkg].ref);
	lb_jw_key(w, "properties");
	lb_jw_arr_begin(w);
	prop(w, "lifebelt:vuln:status", lb_vstatus_name(f->status));
	prop(w, "lifebelt:vuln:installedVersion", f->installed);
	prop(w, "lifebelt:vuln:fixedVersion", f->fixed);
	lb_jw_arr_end(w);
	lb_jw_obj_end(w);
	free(ref);
}

/* Written only when some image was matched against a database: an absent
 * array says "not looked for", an empty one "none found". */
static void
write_vulns(struct cdx *c)
{
	const struct lb_report *rep = c->rep;
	bool scanned = false;

	for (size_t r = 0; r < rep->nresults; r++)
		scanned = scanned || rep->results[r]->vulns_scanned;
	if (!scanned)
		return;
	lb_jw_key(&c->w, "vulnerabilities");
	lb_jw_arr_begin(&c->w);
	for (size_t r = 0; r < rep->nresults; r++) {
		const struct lb_inventory *inv = rep->results[r];

		for (size_t i = 0; i < inv->nfindings; i++) {
			/* the matcher never makes these; a bug must not make the BOM invalid */
			if (LB_NEVER(inv->findings[i].pkg >= inv->npkgs || !inv->findings[i].id))
				continue;
			write_vuln(c, r, i);
		}
	}
	lb_jw_arr_end(&c->w);
}

static int
cdx_write(struct lb_ctx *cx, const struct lb_report *rep_in, FILE *out)
{
	struct lb_inventory **kept = NULL;
	struct lb_report rep = *rep_in;
	struct cdx c;
	char serial[46], now[32];
	int r;

	if ((r = make_serial(serial)) < 0) {
		lb_err(cx, "cannot make a CycloneDX serial number: %s", lb_strerror(r));
		return r;
	}
	/* drop NULL results once so that the indexes below are dense */
	kept = lb_xcalloc(rep.nresults + 1, sizeof(*kept));
	rep.nresults = 0;
	for (size_t i = 0; i < rep_in->nresults; i++)
		if (rep_in->results[i])
			kept[rep.nresults++] = rep_in->results[i];
	rep.results = kept;

	memset(&c, 0, sizeof(c));
	c.rep = &rep;
	assign_refs(&c);
	lb_jw_init(&c.w, out, true);
	lb_jw_obj_begin(&c.w);
	lb_jw_kstr(&c.w, "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
	lb_jw_kstr(&c.w, "bomFormat", "CycloneDX");
	lb_jw_kstr(&c.w, "specVersion", "1.6");
	lb_jw_kstr(&c.w, "serialNumber", serial);
	lb_jw_kint(&c.w, "version", 1);

	lb_jw_key(&c.w, "metadata");
	lb_jw_obj_begin(&c.w);
	if (!rep.created)
		now_rfc3339(now);
	lb_jw_kstr(&c.w, "timestamp", rep.created ? rep.created : now);
	lb_jw_key(&c.w, "tools");
	lb_jw_obj_begin(&c.w);
	lb_jw_key(&c.w, "components");
	lb_jw_arr_begin(&c.w);
	lb_jw_obj_begin(&c.w);
	lb_jw_kstr(&c.w, "type", "application");
	lb_jw_kstr(&c.w, "name", "lifebelt");
	lb_jw_kstr(&c.w, "version", rep.tool_version ? rep.tool_version : LB_VERSION);
	lb_jw_obj_end(&c.w);
	lb_jw_arr_end(&c.w);
	lb_jw_obj_end(&c.w);
	if (rep.nresults == 1) {
		lb_jw_key(&c.w, "component");
		write_image(&c, 0);
	} else if (rep.nresults > 1) {
		lb_jw_key(&c.w, "component");
		lb_jw_obj_begin(&c.w);
		lb_jw_kstr(&c.w, "type", "container");
		lb_jw_kstr(&c.w, "bom-ref", "lifebelt:input");
		lb_jw_kstr(&c.w, "name", lb_report_image_name(rep.results[0]));
		lb_jw_obj_end(&c.w);
	}
	lb_jw_obj_end(&c.w);

	lb_jw_key(&c.w, "components");
	lb_jw_arr_begin(&c.w);
	for (size_t i = 0; i < rep.nresults; i++) {
		if (rep.nresults > 1)
			write_image(&c, i);
		if (has_os(rep.results[i]))
			write_os(&c, i);
		for (size_t k = 0; k < rep.results[i]->npkgs; k++)
			write_pkg(&c, i, k);
	}
	lb_jw_arr_end(&c.w);
	if (rep.nresults > 0)
		write_dependencies(&c);
	write_vulns(&c);
	lb_jw_obj_end(&c.w);
	r = lb_jw_finish(&c.w);
	release_refs(&c);
	free(kept);
	return r;
}

const struct lb_writer_ops lb_writer_cyclonedx = {
	.name = "cyclonedx",
	.write = cdx_write,
};
