/* t_vulndb.c - the vulnerability database: each feed kind built from the
 * shared snapshots (../shared/testdata/vulndb) into a temporary file and
 * queried back. Expected values are read off the feed files by hand (and
 * CVSS scores against the scores NVD computed); hostile feeds are small
 * files written here. */
#include "lbtest.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <ftw.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "vulndb/feed.h"
#include "vulndb/vulndb.h"

/* --- helpers ----------------------------------------------------------- */

/* Warnings other than those about fixed versions the ecosystem cannot
 * order: the real feeds hold a few ("4.10-1-r1"), each warned about. */
static size_t
other_warnings(const struct lb_ctx *cx)
{
	size_t n = 0;

	for (size_t i = 0; i < cx->nkept; i++)
		if (!strstr(cx->warnings[i], "version; entry skipped") &&
		    !strstr(cx->warnings[i], "version; event skipped"))
			n++;
	return n;
}

/* Whether a kept warning holds both strings. */
static bool
warned(const struct lb_ctx *cx, const char *a, const char *b)
{
	for (size_t i = 0; i < cx->nkept; i++)
		if (strstr(cx->warnings[i], a) && strstr(cx->warnings[i], b))
			return true;
	return false;
}

static char tmpdir[4096];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/lbt-vulndb-XXXXXX", base);
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static const char *
tpath(const char *name)
{
	static char p[8][4096];
	static int k;

	int n;

	k = (k + 1) % 8;
	n = snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
	assert_true(n > 0 && (size_t)n < sizeof(p[k]));
	return p[k];
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void
write_str(const char *path, const char *s)
{
	write_file(path, s, strlen(s));
}

/* testdata path, kept (lbt_testdata's buffer is static) */
static char *
td(const char *rel)
{
	return lb_xstrdup(lbt_testdata(rel));
}

struct adv {
	char *id, *aliases, *source, *distro, *fixed, *ranges, *versions, *severity, *sevsrc;
	char *vector, *cwe, *title, *url, *published;
	int status;
	double score;
};

struct advs {
	struct adv *v;
	size_t n, cap;
};

static char *
dup0(const char *s)
{
	return s ? lb_xstrdup(s) : NULL;
}

static int
collect(void *arg, const struct lb_advisory *a)
{
	struct advs *l = arg;
	struct adv *x;

	lb_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	x = &l->v[l->n++];
	x->id = dup0(a->id);
	x->aliases = dup0(a->aliases);
	x->source = dup0(a->source);
	x->distro = dup0(a->distro);
	x->fixed = dup0(a->fixed);
	x->ranges = dup0(a->ranges);
	x->versions = dup0(a->versions);
	x->severity = dup0(a->severity);
	x->sevsrc = dup0(a->severity_source);
	x->vector = dup0(a->cvss_vector);
	x->cwe = dup0(a->cwe);
	x->title = dup0(a->title);
	x->url = dup0(a->url);
	x->published = dup0(a->published);
	x->status = a->status;
	x->score = a->cvss_score;
	return 0;
}

static void
advs_release(struct advs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct adv *x = &l->v[i];
		free(x->id); free(x->aliases); free(x->source); free(x->distro); free(x->fixed);
		free(x->ranges); free(x->versions); free(x->severity); free(x->sevsrc); free(x->vector);
		free(x->cwe); free(x->title); free(x->url); free(x->published);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void
query(struct lb_vulndb *db, const char *eco, const char *distro, const char *pkg, struct advs *out)
{
	advs_release(out);
	assert_int_equal(lb_vulndb_query(db, eco, distro, pkg, collect, out), 0);
}

/* the advisory with id, or NULL; fails when there are two */
static const struct adv *
find(const struct advs *l, const char *id)
{
	const struct adv *hit = NULL;

	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0) {
			if (hit)
				fail_msg("advisory '%s' listed twice", id);
			hit = &l->v[i];
		}
	}
	return hit;
}

static const struct adv *
need(const struct advs *l, const char *id)
{
	const struct adv *a = find(l, id);

	if (!a)
		fail_msg("advisory '%s' missing (%zu found)", id, l->n);
	return a;
}

static bool
has_alias(const struct adv *a, const char *id)
{
	char q[160];

	snprintf(q, sizeof(q), "\"%s\"", id);
	return a->aliases && strstr(a->aliases, q) != NULL;
}

/* Builds one database from the sources, opens it. */
static struct lb_vulndb *
build_open(struct lb_ctx *cx, const char *name, const struct lb_feed_source *src, size_t n)
{
	struct lb_vulndb *db = NULL;
	const char *out = tpath(name);

	assert_int_equal(lb_vulndb_build(cx, src, n, out), 0);
	assert_int_equal(lb_vulndb_open(cx, out, &db), 0);
	return db;
}

/* --- Alpine secdb ------------------------------------------------------ */

static void
t_alpine(void **state)
{
	char *json = NULL, *yaml = NULL;
	struct lb_feed_source s1, s2;
	struct lb_vulndb *dj, *dy;
	struct advs a = { 0 }, b = { 0 };
	const struct adv *x;
	struct lb_ctx cx;
	json_t *doc;

	(void)state;
	LBT_NEED_TESTDATA();
	lbt_ctx(&cx);
	json = td("vulndb/alpine-secdb/json");
	s1 = (struct lb_feed_source){ .kind = "alpine-secdb", .path = json };
	dj = build_open(&cx, "alpine.db", &s1, 1);
	assert_int_equal(other_warnings(&cx), 0);
	assert_int_equal(cx.nwarn, 43);   /* the v3.x fixes apk cannot order, e.g. xen "4.10-1-r1" */

	/* v3.7 main.json: apache2 "2.4.41-r0": [CVE-2019-9517, ...] */
	query(dj, "apk", "alpine:v3.7", "apache2", &a);
	x = need(&a, "CVE-2019-9517");
	assert_int_equal(x->status, LB_VS_FIXED);
	assert_string_equal(x->fixed, "2.4.41-r0");
	assert_string_equal(x->source, "alpine-secdb");
	assert_string_equal(x->distro, "alpine:v3.7");
	assert_null(x->ranges);
	assert_string_equal(x->url, "https://security.alpinelinux.org/vuln/CVE-2019-9517");
	/* musl: "1.1.18-r4": [CVE-2019-14697], "1.1.15-r4": [CVE-2016-8859] */
	query(dj, "apk", "alpine:v3.7", "musl", &a);
	assert_string_equal(need(&a, "CVE-2019-14697")->fixed, "1.1.18-r4");
	assert_string_equal(need(&a, "CVE-2016-8859")->fixed, "1.1.15-r4");
	/* the branch matters: v3.11 has its own musl entries */
	query(dj, "apk", "alpine:v3.3", "apache2", &b);
	assert_null(find(&b, "CVE-2019-9517"));
	/* v3.5 xen "CVE-2016-6258 XSA-182": the CVE, the XSA beside it */
	query(dj, "apk", "alpine:v3.5", "xen", &a);
	x = need(&a, "CVE-2016-6258");
	assert_string_equal(x->fixed, "4.7.0-r0");
	assert_true(has_alias(x, "XSA-182"));
	/* "XSA-207" alone is an ID of its own */
	need(&a, "XSA-207");
	/* v3.5 rsync "CVE-2017-17434-1": the CVE without the suffix */
	query(dj, "apk", "alpine:v3.5", "rsync", &a);
	need(&a, "CVE-2017-17434");

	/* the YAML originals give the same answers as the JSON conversion */
	yaml = td("vulndb/alpine-secdb/yaml");
	s2 = (struct lb_feed_source){ .kind = "alpine-secdb", .path = yaml };
	dy = build_open(&cx, "alpine-yaml.db", &s2, 1);
	{
		char *f = td("vulndb/alpine-secdb/json/v3.10/main.json");
		doc = json_load_file(f, 0, NULL);
		free(f);
	}
	assert_non_null(doc);
	{
		json_t *pkgs = json_object_get(doc, "packages"), *p;
		size_t i, total = 0;
		json_array_foreach(pkgs, i, p) {
			const char *name = json_string_value(json_object_get(json_object_get(p, "pkg"), "name"));
			query(dj, "apk", "alpine:v3.10", name, &a);
			query(dy, "apk", "alpine:v3.10", name, &b);
			assert_int_equal(a.n, b.n);
			for (size_t k = 0; k < a.n; k++) {
				assert_string_equal(a.v[k].id, b.v[k].id);
				assert_string_equal(a.v[k].fixed ? a.v[k].fixed : "-", b.v[k].fixed ? b.v[k].fixed : "-");
			}
			total += a.n;
		}
		/* README: v3.10 main holds 166 packages and 1182 (version -> id) entries */
		assert_int_equal(json_array_size(pkgs), 166);
		assert_true(total >= 1100 && total <= 1182);
	}
	json_decref(doc);
	advs_release(&a);
	advs_release(&b);
	lb_vulndb_close(dj);
	lb_vulndb_close(dy);
	free(json);
	free(yaml);
	lb_ctx_release(&cx);
}

static void
t_wolfi(void **state)
{
	struct lb_feed_source s;
	struct lb_vulndb *db;
	struct advs a = { 0 };
	const struct adv *x;
	struct lb_ctx cx;
	char *p;

	(void)state;
	LBT_NEED_TESTDATA();
	lbt_ctx(&cx);
	p = td("vulndb/secdb-wolfi");
	s = (struct lb_feed_source){ .kind = "wolfi-secdb", .path = p };
	db = build_open(&cx, "wolfi.db", &s, 1);
	/* wolfi-security.json: binutils "2.39-r1": [CVE-2022-38126] */
	query(db, "apk", "wolfi", "binutils", &a);
	x = need(&a, "CVE-2022-38126");
	assert_string_equal(x->fixed, "2.39-r1");
	assert_string_equal(x->source, "wolfi-secdb");
	/* coreutils "0": [CVE-2016-2781]: never vulnerable */
	query(db, "apk", "wolfi", "coreutils", &a);
	x = need(&a, "CVE-2016-2781");
	assert_int_equal(x->status, LB_VS_NOT_AFFECTED);
	assert_null(x->fixed);
	/* chainguard-security.json: grafana "7.5.19-r0": [CVE-2021-36156, ...] */
	query(db, "apk", "chainguard", "grafana", &a);
	x = need(&a, "CVE-2021-36156");
	assert_string_equal(x->fixed, "7.5.19-r0");
	assert_string_equal(x->source, "chainguard-secdb");
	query(db, "apk", "wolfi", "grafana", &a);
	assert_null(find(&a, "CVE-2021-36156"));
	advs_release(&a);
	lb_vulndb_close(db);
	free(p);
	lb_ctx_release(&cx);
}

/* --- Debian ------------------------------------------------------------ */

static void
t_debian(void **state)
{
	struct lb_feed_source s;
	struct lb_vulndb *db;
	struct advs a = { 0 };
	const struct adv *x;
	struct lb_ctx cx;
	char *p;

	(void)state;
	LBT_NEED_TESTDATA();
	lbt_ctx(&cx);
	p = td("vulndb/debian");
	s = (struct lb_feed_source){ .kind = "debian-tracker", .path = p };
	db = build_open(&cx, "debian.db", &s, 1);
	assert_int_equal(cx.nwarn, 0);

	/* tracker JSON (osv.dev mock): apparmor, by source package */
	query(db, "deb", "debian:bookworm", "apparmor", &a);
	x = need(&a, "CVE-2016-1585");         /* open, unimportant */
	assert_int_equal(x->status, LB_VS_AFFECTED);
	assert_null(x->fixed);
	assert_string_equal(x->severity, "LOW");
	assert_string_equal(x->sevsrc, "vendor:debian");
	assert_string_equal(x->source, "debian-tracker");
	assert_string_equal(x->url, "https://security-tracker.debian.org/tracker/CVE-2016-1585");
	x = need(&a, "CVE-2014-1424");         /* resolved, fixed_version "0" */
	assert_int_equal(x->status, LB_VS_NOT_AFFECTED);
	query(db, "deb", "debian:sid", "apparmor", &a);
	x = need(&a, "CVE-2016-1585");         /* sid: resolved 3.0.12-1 */
	assert_int_equal(x->status, LB_VS_FIXED);
	assert_string_equal(x->fixed, "3.0.12-1");
	/* tracker JSON (vunnel): prototypejs CVE-2008-7220 stretch 1.6.0.2-1, urgency "high**" */
	query(db, "deb", "debian:stretch", "prototypejs", &a);
	x = need(&a, "CVE-2008-7220");
	assert_string_equal(x->fixed, "1.6.0.2-1");
	assert_string_equal(x->severity, "HIGH");
	/* DSA/list: [29 Mar 2023] DSA-5380-1 xorg-server {CVE-2023-1393}
	 * [bullseye] - xorg-server 2:1.20.11-1+deb11u6 (a backported fix) */
	query(db, "deb", "debian:bullseye", "xorg-server", &a);
	x = need(&a, "CVE-2023-1393");
	assert_int_equal(x->status, LB_VS_FIXED);
	assert_string_equal(x->fixed, "2:1.20.11-1+deb11u6");
	assert_true(has_alias(x, "DSA-5380-1"));
	/* DLA/list: DLA-3378-1 duktape {CVE-2021-46322} [buster] 2.3.0-1+deb10u1 */
	query(db, "deb", "debian:buster", "duktape", &a);
	assert_string_equal(need(&a, "CVE-2021-46322")->fixed, "2.3.0-1+deb10u1");
	/* a DSA without CVEs is its own ID: DSA-5356-2 sox (regression update) */
	query(db, "deb", "debian:bullseye", "sox", &a);
	x = need(&a, "DSA-5356-2");
	assert_string_equal(x->fixed, "14.4.2+git20190427-2+deb11u2");
	/* releases are keys: nothing for bookworm from a bullseye-only DSA */
	query(db, "deb", "debian:bookworm", "xorg-server", &a);
	assert_null(find(&a, "CVE-2023-1393"));
	advs_release(&a);
	lb_vulndb_close(db);
	free(p);
	lb_ctx_release(&cx);
}

/* The text list statuses and the tracker JSON's nodsa fields, and the
 * release-less list line used as every release's default. */
static void
t_debian_statuses(void **state)
{
	struct lb_feed_source s[2];
	struct lb_vulndb *db;
	struct advs a = { 0 };
	const struct adv *x;
	struct lb_ctx cx;

	(void)state;
	lbt_ctx(&cx);
	mkdir(tpath("deb"), 0755);
	mkdir(tpath("deb/CVE"), 0755);
	write_str(tpath("deb/CVE/list"),
	    "CVE-2099-0001 (Buffer overflow in foo)\n"
	    "\t{DSA-9999-1}\n"
	    "\t- foo 1.2-3 (bug #1234; medium)\n"
	    "\t[bookworm] - foo 1.2-2+deb12u1\n"
	    "\t[bullseye] - foo <no-dsa> (Minor issue)\n"
	    "\t[buster] - foo <end-of-life> (EOL in buster)\n"
	    "\t[stretch] - foo <ignored> (Too intrusive to backport)\n"
	    "\tNOTE: https://example.org/fix\n"
	    "CVE-2099-0002 [Something in bar]\n"
	    "\t- bar <unfixed> (unimportant)\n"
	    "\t- baz <not-affected> (Vulnerable code not present)\n"
	    "\t- qux <itp> (bug #1)\n"
	    "CVE-2099-XXXX [not assigned yet]\n"
	    "\t- foo <unfixed>\n"
	    "CVE-2099-0003\n"
	    "\tNOT-FOR-US: Something else\n"
	    "CVE-2099-0004\n"
	    "\tRESERVED\n");
	write_str(tpath("tracker.json"),
	    "{\"zlib\": {\"CVE-2099-0010\": {\"description\": \"minizip overflow\", \"releases\": {"
	    "\"bookworm\": {\"status\": \"open\", \"urgency\": \"unimportant\", \"nodsa\": \"Minor issue\","
	    " \"nodsa_reason\": \"ignored\", \"repositories\": {\"bookworm\": \"1:1.2.13.dfsg-1\"}},"
	    "\"bullseye\": {\"status\": \"open\", \"urgency\": \"low\", \"nodsa\": \"Minor issue\","
	    " \"nodsa_reason\": \"postponed\"},"
	    "\"buster\": {\"status\": \"open\", \"urgency\": \"end-of-life\"},"
	    "\"trixie\": {\"status\": \"undetermined\", \"urgency\": \"not yet assigned\"},"
	    "\"sid\": {\"status\": \"resolved\", \"fixed_version\": \"1:1.3.dfsg-1\", \"urgency\": \"medium\"},"
	    "\"experimental\": {\"status\": \"resolved\", \"fixed_version\": \"1:1.4-1\"}}}}}\n");
	s[0] = (struct lb_feed_source){ .kind = "debian-tracker", .path = tpath("deb") };
	s[1] = (struct lb_feed_source){ .kind = "debian-tracker", .path = tpath("tracker.json") };
	db = build_open(&cx, "debstat.db", s, 2);
	assert_int_equal(cx.nwarn, 0);

	query(db, "deb", "debian:bookworm", "foo", &a);
	assert_int_equal(a.n, 1);                        /* its own line, not the default */
	x = need(&a, "CVE-2099-0001");
	assert_int_equal(x->status, LB_VS_FIXED);
	assert_string_equal(x->fixed, "1.2-2+deb12u1");
	assert_true(has_alias(x, "DSA-9999-1"));
	assert_string_equal(x->title, "Buffer overflow in foo");
	query(db, "deb", "debian:bullseye", "foo", &a);
	assert_int_equal(need(&a, "CVE-2099-0001")->status, LB_VS_NODSA);
	assert_int_equal(a.n, 1);
	query(db, "deb", "debian:buster", "foo", &a);
	assert_int_equal(need(&a, "CVE-2099-0001")->status, LB_VS_EOL);
	query(db, "deb", "debian:stretch", "foo", &a);
	assert_int_equal(need(&a, "CVE-2099-0001")->status, LB_VS_WONTFIX);
	/* trixie has no line: the unstable line holds, urgency medium */
	query(db, "deb", "debian:trixie", "foo", &a);
	x = need(&a, "CVE-2099-0001");
	assert_int_equal(x->status, LB_VS_FIXED);
	assert_string_equal(x->fixed, "1.2-3");
	assert_string_equal(x->severity, "MEDIUM");
	query(db, "deb", "debian:sid", "bar", &a);
	x = need(&a, "CVE-2099-0002");
	assert_int_equal(x->status, LB_VS_AFFECTED);
	assert_string_equal(x->severity, "LOW");
	query(db, "deb", "debian:bookworm", "baz", &a);
	assert_int_equal(need(&a, "CVE-2099-0002")->status, LB_VS_NOT_AFFECTED);
	query(db, "deb", "debian:bookworm", "qux", &a);
	assert_int_equal(a.n, 0);
	/* no distro key "debian" is ever asked for directly by a language query */
	query(db, "deb", NULL, "foo", &a);
	assert_int_equal(a.n, 0);

	/* tracker JSON: nodsa_reason ignored -> will not fix; postponed -> no-dsa */
	query(db, "deb", "debian:bookworm", "zlib", &a);
	x = need(&a, "CVE-2099-0010");
	assert_int_equal(x->status, LB_VS_WONTFIX);
	assert_string_equal(x->severity, "LOW");
	assert_string_equal(x->title, "minizip overflow");
	query(db, "deb", "debian:bullseye", "zlib", &a);
	assert_int_equal(need(&a, "CVE-2099-0010")->status, LB_VS_NODSA);
	query(db, "deb", "debian:buster", "zlib", &a);
	assert_int_equal(need(&a, "CVE-2099-0010")->status, LB_VS_EOL);
	query(db, "deb", "debian:trixie", "zlib", &a);
	x = need(&a, "CVE-2099-0010");
	assert_int_equal(x->status, LB_VS_AFFECTED);
	assert_string_equal(x->severity, "UNKNOWN");
	query(db, "deb", "debian:sid", "zlib", &a);
	assert_string_equal(need(&a, "CVE-2099-0010")->fixed, "1:1.3.dfsg-1");
	advs_release(&a);
	lb_vulndb_close(db);
	lb_ctx_release(&cx);
}

/* --- OSV --------------------------------------------------------------- */

static void
t_osv_go(void **state)
{
	struct lb_feed_source s;
	struct lb_vulndb_info info;
	struct lb_vulndb *db;
	struct advs a = { 0 };
	const struct adv *x;
	struct lb_ctx cx;
	char *p;

	(void)state;
	LBT_NEED_TESTDATA();
	lbt_ctx(&cx);
	p = td("vulndb/osv-go");
	s = (struct lb_feed_source){ .kind = "osv", .path = p };
	db = build_open(&cx, "go.db", &s, 1);
	assert_int_equal(cx.nwarn, 0);
	assert_int_equal(lb_vulndb_info(db, &info), 0);
	assert_int_equal(info.nsources, 1);
	assert_int_equal(info.sources[0].records, 4291);       /* README: 4291 records */
	assert_string_equal(info.sources[0].kind, "osv");
	assert_int_equal(info.schema_version, 2);
	assert_true(info.vulns > 3800 && info.vulns <= 4291);
	assert_true(info.records >= info.vulns);
	assert_int_equal(strlen(info.built_at), 20);

	/* GO-2021-0113: golang.org/x/text, SEMVER introduced 0 fixed 0.3.7,
	 * aliases CVE-2021-38561 and GHSA-ppp9-7jff-5vj2: one vuln, the CVE */
	query(db, "golang", NULL, "golang.org/x/text", &a);
	x = need(&a, "CVE-2021-38561");
	assert_null(find(&a, "GO-2021-0113"));
	assert_null(find(&a, "GHSA-ppp9-7jff-5vj2"));
	assert_true(has_alias(x, "GO-2021-0113"));
	assert_true(has_alias(x, "GHSA-ppp9-7jff-5vj2"));
	assert_string_equal(x->ranges, "[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"0.3.7\"}]}]");
	assert_string_equal(x->fixed, "0.3.7");
	assert_int_equal(x->status, LB_VS_FIXED);
	assert_string_equal(x->source, "osv:Go");
	assert_null(x->distro);
	assert_string_equal(x->title, "Out-of-bounds read in golang.org/x/text/language");
	assert_string_equal(x->url, "https://osv.dev/vulnerability/GO-2021-0113");
	assert_string_equal(x->published, "2021-10-06T17:51:21Z");
	/* withdrawn: GO-2022-0617 (k8s.io/kubernetes, CVE-2020-8562) is dropped */
	query(db, "golang", NULL, "k8s.io/kubernetes", &a);
	assert_true(a.n > 0);
	for (size_t i = 0; i < a.n; i++) {
		assert_false(has_alias(&a.v[i], "GO-2022-0617"));
		assert_string_not_equal(a.v[i].id, "GO-2022-0617");
	}
	assert_null(find(&a, "CVE-2020-8562"));
	advs_release(&a);
	lb_vulndb_close(db);
	free(p);
	lb_ctx_release(&cx);
}

static void
t_osv_pypi(void **state)
{
	struct lb_feed_source s;
	struct lb_vulndb_info info;
	struct lb_vulndb *db;
	struct advs a = { 0 };
	const struct adv *x;
	struct lb_ctx cx;
	char *p;

	(void)state;
	LBT_NEED_TESTDATA();
	lbt_ctx(&cx);
	p = td("vulndb/osv-pypi");
	s = (struct lb_feed_source){ .kind = "osv", .path = p };
	db = build_open(&cx, "pypi.db", &s, 1);
	/* two fixed events PEP 440 cannot read (python3-packaging's Version
	 * refuses both): binderhub/PYSEC-2021-371.yaml "0.2.0-n653",
	 * steam/PYSEC-2019-125.yaml "2019-09-12"; each warned about, naming
	 * the record, and dropped (the range stays, as "introduced: 0") */
	assert_int_equal(cx.nwarn, 2);
	assert_true(warned(&cx, "PYSEC-2021-371", "fixed version '0.2.0-n653' is not a valid pypi version; event skipped"));
	assert_true(warned(&cx, "PYSEC-2019-125", "fixed version '2019-09-12' is not a valid pypi version; event skipped"));
	assert_int_equal(lb_vulndb_info(db, &info), 0);
	assert_int_equal(info.sources[0].records, 2661);       /* README: 2661 records */

	/* accesscontrol/PYSEC-2021-335.yaml: aliases CVE-2021-32807 and
	 * GHSA-qcx9-j53g-ccgf, ECOSYSTEM 4.0-4.3 and 5.0-5.2, five versions */
	query(db, "pypi", NULL, "AccessControl", &a);      /* PEP 503 on the way in */
	x = need(&a, "CVE-2021-32807");
	assert_null(find(&a, "PYSEC-2021-335"));
	assert_null(find(&a, "GHSA-qcx9-j53g-ccgf"));
	assert_true(has_alias(x, "PYSEC-2021-335"));
	assert_true(has_alias(x, "GHSA-qcx9-j53g-ccgf"));
	assert_string_equal(x->ranges, "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"4.0\"},"
	    "{\"fixed\":\"4.3\"},{\"introduced\":\"5.0\"},{\"fixed\":\"5.2\"}]}]");
	assert_string_equal(x->versions, "[\"4.0\",\"4.1\",\"4.2\",\"5.0\",\"5.1\"]");
	assert_string_equal(x->fixed, "4.3, 5.2");
	assert_string_equal(x->source, "osv:PyPI");
	/* YAML scalars stay strings: "4.0" is not 4 */
	assert_non_null(strstr(x->versions, "\"4.0\""));
	/* one finding per vulnerability: the CVE is listed once */
	query(db, "pypi", NULL, "accesscontrol", &a);
	need(&a, "CVE-2021-32807");
	advs_release(&a);
	lb_vulndb_close(db);
	free(p);
	lb_ctx_release(&cx);
}

/* OSV zips (all.zip): members read as a stream */
static void
t_osv_zip(void **state)
{
	static const char *const members[] = { "GO-2021-0113.json", "GO-2022-0617.json" };
	struct archive *ar;
	struct lb_feed_source s;
	struct lb_vulndb *db;
	struct advs a = { 0 };
	struct lb_ctx cx;

	(void)state;
	LBT_NEED_TESTDATA();
	lbt_ctx(&cx);
	ar = archive_write_new();
	archive_write_set_format_zip(ar);
	assert_int_equal(archive_write_open_filename(ar, tpath("all.zip")), ARCHIVE_OK);
	for (size_t i = 0; i < 2; i++) {
		char rel[128], *path;
		struct archive_entry *e = archive_entry_new();
		size_t len;
		char *data;
		snprintf(rel, sizeof(rel), "vulndb/osv-go/%s", members[i]);
		path = td(rel);
		data = lbt_slurp(path, &len);
		archive_entry_set_pathname(e, members[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		archive_write_header(ar, e);
		archive_write_data(ar, data, len);
		archive_entry_free(e);
		free(data);
		free(path);
	}
	archive_write_close(ar);
	archive_write_free(ar);
	s = (struct lb_feed_source){ .kind = "osv", .path = tpath("all.zip") };
	db = build_open(&cx, "zip.db", &s, 1);
	query(db, "golang", NULL, "golang.org/x/text", &a);
	assert_int_equal(a.n, 1);
	need(&a, "CVE-2021-38561");
	query(db, "golang", NULL, "k8s.io/kubernetes", &a);
	assert_int_equal(a.n, 0);                           /* withdrawn */
	advs_release(&a);
	lb_vulndb_close(db);
	lb_ctx_release(&cx);
}

/* The compiled form the matcher reads (pkgblob.h): events checked and put
 * in PEP 440 order at build time, "introduced 0" first; listed versions
 * in order, those PEP 440 refuses after them; a refused event version
 * warned about and dropped. */
static bool
slice_is(struct lb_slice s, const char *want)
{
	return s.len == strlen(want) && memcmp(s.p, want, s.len) == 0;
}

static void
t_compiled(void **state)
{
	static const char *const ev_want[] = { "0", "1.10", "2.0", "2.5" };
	static const int kind_want[] = { LB_EV_INTRODUCED, LB_EV_FIXED, LB_EV_INTRODUCED, LB_EV_FIXED };
	static const char *const ver_want[] = { "0.9", "1.2", "1.9", "1.10", "1.0-foo-bar" };
	struct lb_feed_source s;
	struct lb_vulndb *db;
	struct lb_vpkg *pkg = NULL;
	struct advs a = { 0 };
	struct lb_vuln *v = NULL;
	struct lb_ctx cx;
	const struct lb_vrow *w;

	(void)state;
	lbt_ctx(&cx);
	write_str(tpath("order.json"),
	    "{\"id\":\"PYSEC-0000-1\",\"aliases\":[\"CVE-2099-7000\"],\"summary\":\"order\","
	    "\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"Order_Pkg\"},"
	    "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"2.0\"},{\"fixed\":\"2.5\"},"
	    "{\"introduced\":\"0\"},{\"fixed\":\"2019-09-12\"},{\"fixed\":\"1.10\"}]},"
	    "{\"type\":\"GIT\",\"repo\":\"x\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"abc\"}]}],"
	    "\"versions\":[\"1.9\",\"1.10\",\"1.0-foo-bar\",\"1.2\",\"0.9\"]}]}");
	s = (struct lb_feed_source){ .kind = "osv", .path = tpath("order.json") };
	db = build_open(&cx, "order.db", &s, 1);
	assert_int_equal(cx.nwarn, 1);
	assert_true(warned(&cx, "PYSEC-0000-1", "fixed version '2019-09-12' is not a valid pypi version; event skipped"));

	assert_int_equal(lb_vulndb_lookup(db, "pypi", NULL, "order-pkg", &pkg), 0);
	assert_non_null(pkg);
	assert_int_equal(pkg->nrows, 1);
	w = &pkg->rows[0];
	assert_int_equal(w->nranges, 1);          /* the GIT range is not kept */
	assert_int_equal(w->ranges[0].nev, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(w->ranges[0].ev[i].kind, kind_want[i]);
		assert_true(slice_is(w->ranges[0].ev[i].v, ev_want[i]));
	}
	assert_int_equal(w->nvalid, 4);
	assert_int_equal(w->nversions, 5);
	for (size_t i = 0; i < 5; i++)
		assert_true(slice_is(w->versions[i], ver_want[i]));
	assert_false(w->fallback);
	assert_string_equal(w->source, "osv:PyPI");
	assert_true(slice_is(w->record, "PYSEC-0000-1"));
	assert_int_equal(lb_vulndb_vuln(db, w->vuln, &v), 0);
	assert_string_equal(v->name, "CVE-2099-7000");
	assert_string_equal(v->title, "order");
	free(v);
	assert_int_equal(lb_vulndb_vuln(db, 999999, &v), -LB_E_NOTFOUND);
	lb_vpkg_free(pkg);
	/* a package the database does not know: none, no error */
	assert_int_equal(lb_vulndb_lookup(db, "pypi", NULL, "unknown-pkg", &pkg), 0);
	assert_null(pkg);
	/* and written back as JSON by lb_vulndb_query */
	query(db, "pypi", NULL, "order_pkg", &a);
	assert_string_equal(need(&a, "CVE-2099-7000")->ranges, "[{\"type\":\"ECOSYSTEM\",\"events\":[{\"introduced\":\"0\"},"
	    "{\"fixed\":\"1.10\"},{\"introduced\":\"2.0\"},{\"fixed\":\"2.5\"}]}]");
	assert_string_equal(need(&a, "CVE-2099-7000")->versions, "[\"0.9\",\"1.2\",\"1.9\",\"1.10\",\"1.0-foo-bar\"]");
	assert_string_equal(need(&a, "CVE-2099-7000")->url, "https://osv.dev/vulnerability/PYSEC-0000-1");
	advs_release(&a);
	lb_vulndb_close(db);
	lb_ctx_release(&cx);
}

/* --- NVD and CVE 5 metadata -------------------------------------------- */

static void
t_metadata(void **state)
{
	struct lb_feed_source s[5];
	struct lb_vulndb *db;
	struct advs a = { 0 };
	const struct adv *x;
	struct lb_ctx cx;
	char *p[5];

	(void)state;
	LBT_NEED_TESTDATA();
	lbt_ctx(&cx);
	p[0] = td("vulndb/debian");
	p[1] = td("vulndb/nvd");
	p[2] = td("vulndb/cve");
	p[3] = td("vulndb/osv-pypi/urllib3");
	p[4] = td("vulndb/alpine-secdb/json/v3.10");
	s[0] = (struct lb_feed_source){ .kind = "debian-tracker", .path = p[0] };
	s[1] = (struct lb_feed_source){ .kind = "nvd", .path = p[1] };
	s[2] = (struct lb_feed_source){ .kind = "cve5", .path = p[2] };
	s[3] = (struct lb_feed_source){ .kind = "osv", .path = p[3] };
	s[4] = (struct lb_feed_source){ .kind = "alpine-secdb", .path = p[4] };
	db = build_open(&cx, "meta.db", s, 5);
	assert_int_equal(other_warnings(&cx), 0);

	/* nvdcve-2.0/CVE-2016-1585.json: cvssMetricV31 Primary
	 * CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H, baseScore 9.8; the
	 * tracker's urgency (unimportant) still rates the Debian finding */
	query(db, "deb", "debian:bookworm", "apparmor", &a);
	x = need(&a, "CVE-2016-1585");
	assert_string_equal(x->vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
	assert_true(x->score > 9.79 && x->score < 9.81);
	assert_string_equal(x->severity, "LOW");
	assert_string_equal(x->sevsrc, "vendor:debian");
	/* CVE-2017-6507: CVSS:3.0 AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N 5.9, CWE-269,
	 * no urgency assigned: the CVSS rates it */
	x = need(&a, "CVE-2017-6507");
	assert_string_equal(x->vector, "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N");
	assert_true(x->score > 5.89 && x->score < 5.91);
	assert_string_equal(x->cwe, "[\"CWE-269\"]");
	/* CVE-2014-1424: only a v2 vector, AV:N/AC:L/Au:N/C:N/I:P/A:P 6.4 */
	x = need(&a, "CVE-2014-1424");
	assert_string_equal(x->vector, "AV:N/AC:L/Au:N/C:N/I:P/A:P");
	assert_true(x->score > 6.39 && x->score < 6.41);

	/* cvelistV5 CVE-2021-44228: the CNA has no CVSS, CISA's ADP has
	 * CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H (10.0); CWE-502 first;
	 * the Debian fix from DSA-5020-1 */
	query(db, "deb", "debian:bullseye", "apache-log4j2", &a);
	x = need(&a, "CVE-2021-44228");
	assert_string_equal(x->fixed, "2.15.0-1~deb11u1");
	assert_string_equal(x->vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
	assert_true(x->score > 9.99);
	assert_string_equal(x->severity, "CRITICAL");
	assert_string_equal(x->sevsrc, "cve5");
	assert_non_null(strstr(x->cwe, "\"CWE-502\""));
	assert_non_null(x->title);
	/* urllib3 CVE-2023-45803: CVE 5 CNA CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N 4.2 */
	query(db, "pypi", NULL, "urllib3", &a);
	x = need(&a, "CVE-2023-45803");
	assert_string_equal(x->vector, "CVSS:3.1/AV:A/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N");
	assert_string_equal(x->severity, "MEDIUM");
	assert_string_equal(x->cwe, "[\"CWE-200\"]");
	/* NVD never makes rows: an Alpine package named like an NVD product
	 * only gets the secdb's own entries */
	query(db, "apk", "alpine:v3.10", "xz", &a);
	for (size_t i = 0; i < a.n; i++)
		assert_string_equal(a.v[i].source, "alpine-secdb");
	query(db, "deb", "debian:bookworm", "xz-utils", &a);
	assert_null(find(&a, "CVE-2024-3094"));
	advs_release(&a);
	lb_vulndb_close(db);
	for (int i = 0; i < 5; i++)
		free(p[i]);
	lb_ctx_release(&cx);
}

/* The CVSS base score formulas against every score NVD computed in the
 * legacy 1.1 feed (v3.0, v3.1 and v2 vectors). */
static void
t_cvss(void **state)
{
	char *path;
	json_t *doc, *it;
	size_t i, n = 0;
	double s;
	int v;

	(void)state;
	LBT_NEED_TESTDATA();
	path = td("vulndb/nvd/feed-1.1/nvdcve-1.1-test-data.json");
	doc = json_load_file(path, 0, NULL);
	assert_non_null(doc);
	json_array_foreach(json_object_get(doc, "CVE_Items"), i, it) {
		static const char *const m[][2] = { { "baseMetricV3", "cvssV3" }, { "baseMetricV2", "cvssV2" } };
		for (int k = 0; k < 2; k++) {
			json_t *c = json_object_get(json_object_get(json_object_get(it, "impact"), m[k][0]), m[k][1]);
			const char *vec = json_string_value(json_object_get(c, "vectorString"));
			double want = json_number_value(json_object_get(c, "baseScore"));
			if (!vec)
				continue;
			assert_int_equal(lb_cvss_base_score(vec, &s, &v), 0);
			if (s < want - 0.001 || s > want + 0.001)
				fail_msg("%s: computed %.1f, NVD says %.1f", vec, s, want);
			n++;
		}
	}
	assert_int_equal(n, 356 + 4);       /* README: 356 items with baseMetricV3; 4 have V2 */
	json_decref(doc);
	free(path);
	/* edge cases of the specifications */
	assert_int_equal(lb_cvss_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", &s, &v), 0);
	assert_true(s == 0.0);
	assert_int_equal(lb_cvss_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", &s, &v), 0);
	assert_true(s == 10.0);
	assert_int_equal(lb_cvss_base_score("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/E:P", &s, &v), 0);
	assert_true(s > 7.79 && s < 7.81);
	assert_int_equal(lb_cvss_severity(9.0, 3), LB_FEED_SEV_CRITICAL);
	assert_int_equal(lb_cvss_severity(8.9, 3), LB_FEED_SEV_HIGH);
	assert_int_equal(lb_cvss_severity(10.0, 2), LB_FEED_SEV_HIGH);
	assert_int_equal(lb_cvss_severity(3.9, 3), LB_FEED_SEV_LOW);
	assert_int_equal(lb_cvss_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", &s, &v), -LB_E_FORMAT);
	assert_int_equal(lb_cvss_base_score("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &s, &v), -LB_E_FORMAT);
	assert_int_equal(lb_cvss_base_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &s, &v), -LB_E_FORMAT);
	assert_int_equal(lb_cvss_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", &s, &v), -LB_E_FORMAT);
	assert_int_equal(lb_cvss_base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
	    &s, &v), -LB_E_UNSUPPORTED);
	assert_int_equal(lb_cvss_base_score("", &s, &v), -LB_E_FORMAT);
}

/* --- hostile feeds ----------------------------------------------------- */

static void
t_hostile(void **state)
{
	struct lb_feed_source s[6];
	struct lb_vulndb *db;
	struct advs a = { 0 };
	struct lb_ctx cx;
	char *big;
	size_t bign = 4u << 20;

	(void)state;
	lbt_ctx(&cx);
	mkdir(tpath("osv"), 0755);
	mkdir(tpath("osv/sub"), 0755);
	/* a good record among the bad ones */
	write_str(tpath("osv/good.json"),
	    "{\"id\":\"GHSA-good-0000-0000\",\"aliases\":[\"CVE-2099-1000\"],\"summary\":\"good one\","
	    "\"unknown_field\":{\"x\":[1,2,3]},"
	    "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"left-pad\"},"
	    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.3.0\"}]}]}]}");
	write_str(tpath("osv/truncated.json"), "{\"id\":\"GHSA-bad\",\"affected\":[{\"package\":");
	write_str(tpath("osv/sub/types.json"),
	    "{\"id\":\"GHSA-types\",\"aliases\":\"CVE-2099-1\",\"summary\":42,"
	    "\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":7}},"
	    "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"bad-range\"},\"ranges\":\"x\"},"
	    "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"bad-event\"},"
	    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\",\"fixed\":\"1\"}]}]},"
	    "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"bad-version\"},"
	    "\"ranges\":[{\"type\":\"SEMVER\",\"events\":[{\"introduced\":\"0\"},{\"fixed\":\"1.0 ; rm\"}]}]},"
	    "{\"package\":{\"ecosystem\":\"npm\",\"name\":\"ok-pkg\"},\"versions\":[\"1.0\",5,\"\\u0001\"]}]}");
	write_str(tpath("osv/sub/noid.json"), "{\"affected\":[]}");
	write_str(tpath("osv/sub/array.json"), "[1, \"x\", null]");
	write_str(tpath("osv/sub/bomb.yaml"),
	    "id: &a PYSEC-bomb\nx: &b [*a, *a, *a, *a]\ny: [*b, *b, *b, *b]\n");
	write_str(tpath("osv/sub/deep.yaml"),
	    "id: PYSEC-deep\nx: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n");
	write_str(tpath("osv/sub/notyaml.yaml"), "id: [unterminated\n  - : :\n\t\x01");
	write_file(tpath("osv/sub/binary.json"), "{\"id\":\"\xff\xfe\"}", 12);
	/* a giant summary and a giant package name */
	big = lb_xmalloc(bign + 256);
	{
		int n = snprintf(big, 256, "{\"id\":\"GHSA-giant\",\"summary\":\"");
		memset(big + n, 'A', bign);
		snprintf(big + n + bign, 200, "\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"giant\"},"
		    "\"versions\":[\"1.0\"]}]}");
		write_str(tpath("osv/giant.json"), big);
		n = snprintf(big, 256, "{\"id\":\"GHSA-giantname\",\"affected\":[{\"package\":{\"ecosystem\":\"PyPI\",\"name\":\"");
		memset(big + n, 'b', bign);
		snprintf(big + n + bign, 200, "\"},\"versions\":[\"1.0\"]}]}");
		write_str(tpath("osv/giantname.json"), big);
	}
	free(big);
	/* secdb: wrong types, garbage versions */
	write_str(tpath("secdb.json"),
	    "{\"distroversion\":\"v3.99\",\"packages\":[{\"pkg\":{\"name\":\"ok\",\"secfixes\":"
	    "{\"1.0-r0\":[\"CVE-2099-2000\"],\"bad version\":[\"CVE-2099-2001\"],\"2.0-r0\":{\"x\":1},"
	    "\"3.0-r0\":[42, \"no id here\", \"CVE-2099-2002 (BGP)\"]}}},"
	    "{\"pkg\":{\"name\":[\"x\"]}}, 17, {\"pkg\":{\"name\":\"nofix\",\"secfixes\":[1]}}]}");
	write_str(tpath("nobranch.yaml"), "packages:\n  - pkg:\n      name: x\n");
	/* Debian text with junk lines, and tracker JSON with a broken package */
	mkdir(tpath("dsa"), 0755);
	mkdir(tpath("dsa/DSA"), 0755);
	write_str(tpath("dsa/DSA/list"),
	    "[01 Jan 2099] DSA-9000-1 good - security update\n"
	    "\t{CVE-2099-3000 \x01" "bad}\n"
	    "\t[bookworm] - good 1.0-1+deb12u1\n"
	    "\t[bookworm] - \x01\x02 1.0\n"
	    "\t[bookworm] good-no-dash 1.0\n"
	    "\t[bookworm - unterminated 1.0\n"
	    "\t[bookworm] - weird <what-is-this>\n"
	    "\t[bookworm] - noversion\n"
	    "\t[bookworm] - badver 1.0\x7f\n"
	    "[garbage\n"
	    "\t[bookworm] - lost 1.0\n");
	write_str(tpath("dsa/tracker.json"),
	    "{\"okpkg\":{\"CVE-2099-3001\":{\"releases\":{\"bookworm\":{\"status\":\"resolved\",\"fixed_version\":\"2.0-1\"}}}},"
	    "\"broken\":{\"CVE-2099-3002\":{\"releases\":{\"bookworm\":{\"status\":17}}}},"
	    "\"typed\":[1,2],"
	    "\"badstatus\":{\"CVE-2099-3003\":{\"releases\":{\"bookworm\":{\"status\":\"weird\"}}}},"
	    "\"cut\":{\"CVE-2099-3004\":{\"releases\":");
	/* NVD page with a broken item between two good ones */
	write_str(tpath("nvd.json"),
	    "{\"format\":\"NVD_CVE\",\"vulnerabilities\":["
	    "{\"cve\":{\"id\":\"CVE-2099-1000\",\"metrics\":{\"cvssMetricV31\":[{\"type\":\"Primary\","
	    "\"cvssData\":{\"vectorString\":\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\",\"baseScore\":9.8}}]}}},"
	    "{\"cve\":{\"id\":17}},"
	    "{\"cve\":{\"id\":\"CVE-2099-3000\",\"metrics\":{\"cvssMetricV31\":[{\"type\":\"Primary\","
	    "\"cvssData\":{\"vectorString\":\"CVSS:3.1/AV:Q/junk\",\"baseScore\":99}}]}}},"
	    "{\"cve\":{\"id\":\"CVE-2099-3001\",\"metrics\":{\"cvssMetricV2\":[{\"type\":\"Primary\","
	    "\"cvssData\":{\"vectorString\":\"AV:N/AC:L/Au:N/C:P/I:P/A:P\",\"baseScore\":7.5}}]}}}"
	    ",{broken]}");

	s[0] = (struct lb_feed_source){ .kind = "osv", .path = tpath("osv") };
	s[1] = (struct lb_feed_source){ .kind = "alpine-secdb", .path = tpath("secdb.json") };
	s[2] = (struct lb_feed_source){ .kind = "alpine-secdb", .path = tpath("nobranch.yaml") };
	s[3] = (struct lb_feed_source){ .kind = "debian-tracker", .path = tpath("dsa") };
	s[4] = (struct lb_feed_source){ .kind = "nvd", .path = tpath("nvd.json") };
	s[5] = (struct lb_feed_source){ .kind = "cve5", .path = tpath("nvd.json") };   /* the wrong kind */
	db = build_open(&cx, "hostile.db", s, 6);
	assert_true(cx.nwarn >= 20);
	/* the warnings name the record or the file */
	{
		bool named = false;
		for (size_t i = 0; i < cx.nkept; i++)
			if (strstr(cx.warnings[i], "GHSA-types") && strstr(cx.warnings[i], "types.json"))
				named = true;
		assert_true(named);
	}

	query(db, "npm", NULL, "left-pad", &a);
	assert_string_equal(need(&a, "CVE-2099-1000")->fixed, "1.3.0");
	assert_string_equal(need(&a, "CVE-2099-1000")->severity, "CRITICAL");  /* from the NVD page */
	query(db, "npm", NULL, "ok-pkg", &a);
	assert_string_equal(need(&a, "GHSA-types")->versions, "[\"1.0\"]");
	query(db, "npm", NULL, "bad-version", &a);
	assert_int_equal(a.n, 0);
	query(db, "npm", NULL, "bad-event", &a);
	assert_int_equal(a.n, 0);
	/* the giant summary became a short title */
	query(db, "pypi", NULL, "giant", &a);
	assert_true(strlen(need(&a, "GHSA-giant")->title) <= LB_FEED_MAX_TITLE);
	query(db, "apk", "alpine:v3.99", "ok", &a);
	need(&a, "CVE-2099-2000");
	need(&a, "CVE-2099-2002");
	assert_null(find(&a, "CVE-2099-2001"));
	query(db, "deb", "debian:bookworm", "good", &a);
	assert_string_equal(need(&a, "CVE-2099-3000")->fixed, "1.0-1+deb12u1");
	assert_string_equal(need(&a, "CVE-2099-3000")->severity, "UNKNOWN");  /* its vector was junk */
	query(db, "deb", "debian:bookworm", "okpkg", &a);
	assert_string_equal(need(&a, "CVE-2099-3001")->severity, "HIGH");     /* v2 7.5 */
	query(db, "deb", "debian:bookworm", "badver", &a);
	assert_int_equal(a.n, 0);
	advs_release(&a);
	lb_vulndb_close(db);
	lb_ctx_release(&cx);
}

/* The feeds parse straight from memory too (as the fuzzers use them). */
static int
count_emit(struct lb_feed_sink *s, const struct lb_feed_record *r)
{
	(void)r;
	(*(size_t *)s->arg)++;
	return 0;
}

static void
t_parsers(void **state)
{
	static const char secdb[] = "distroversion: v3.18\npackages:\n- pkg:\n    name: musl\n    secfixes:\n"
	    "      1.2.4-r2:\n      - CVE-2025-26519\n      0:\n      - CVE-2019-14697\n";
	size_t n = 0;
	struct lb_ctx cx;
	struct lb_feed_sink s;

	(void)state;
	lbt_ctx(&cx);
	s = (struct lb_feed_sink){ .cx = &cx, .emit = count_emit, .arg = &n };
	assert_int_equal(lb_feed_alpine_secdb.parse(&s, "alpine-secdb", "mem.yaml", secdb, sizeof(secdb) - 1), 0);
	assert_int_equal(n, 2);
	assert_int_equal(lb_feed_osv.parse(&s, "osv", "mem.json", "{", 1), -LB_E_FORMAT);
	assert_int_equal(lb_feed_debian.parse(&s, "debian-tracker", "mem", "hello", 5), -LB_E_FORMAT);
	assert_int_equal(lb_feed_nvd.parse(&s, "nvd", "mem", "[]", 2), 0);
	assert_int_equal(lb_feed_cve5.parse(&s, "cve5", "mem", "", 0), -LB_E_FORMAT);
	assert_true(cx.nwarn >= 3);
	assert_non_null(lb_feed_find("wolfi-secdb"));
	assert_null(lb_feed_find("rpm-oval"));
	lb_ctx_release(&cx);
}

/* --- the file ---------------------------------------------------------- */

static void
t_atomic(void **state)
{
	struct lb_feed_source good, missing, bad;
	struct lb_vulndb *db = NULL;
	char *before, *after;
	size_t nb, na;
	struct lb_ctx cx;
	const char *out = tpath("atomic.db");

	(void)state;
	lbt_ctx(&cx);
	write_str(tpath("one.json"),
	    "{\"id\":\"GHSA-one\",\"affected\":[{\"package\":{\"ecosystem\":\"npm\",\"name\":\"one\"},\"versions\":[\"1\"]}]}");
	good = (struct lb_feed_source){ .kind = "osv", .path = tpath("one.json") };
	missing = (struct lb_feed_source){ .kind = "osv", .path = tpath("does-not-exist") };
	bad = (struct lb_feed_source){ .kind = "rpm-oval", .path = tpath("one.json") };
	assert_int_equal(lb_vulndb_build(&cx, &good, 1, out), 0);
	before = lbt_slurp(out, &nb);
	/* failed builds: the old file stays byte for byte, no temporary left */
	assert_int_equal(lb_vulndb_build(&cx, (struct lb_feed_source[]){ good, missing }, 2, out), -LB_E_NOTFOUND);
	assert_int_equal(lb_vulndb_build(&cx, &bad, 1, out), -LB_E_USAGE);
	assert_true(lb_vulndb_build(&cx, &good, 1, tpath("no/such/dir/x.db")) < 0);
	after = lbt_slurp(out, &na);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, nb);
	{
		int others = 0;
		struct dirent **ents;
		int n = scandir(tmpdir, &ents, NULL, NULL);
		for (int i = 0; i < n; i++) {
			if (strstr(ents[i]->d_name, ".tmp-"))
				others++;
			free(ents[i]);
		}
		free(ents);
		assert_int_equal(others, 0);
	}
	assert_int_equal(lb_vulndb_open(&cx, out, &db), 0);
	lb_vulndb_close(db);

	/* open refuses what is not a lifebelt database of this schema */
	assert_int_equal(lb_vulndb_open(&cx, tpath("nope.db"), &db), -LB_E_NOTFOUND);
	assert_null(db);
	assert_int_equal(lb_vulndb_open(&cx, tpath("one.json"), &db), -LB_E_FORMAT);
	{
		sqlite3 *s;
		assert_int_equal(sqlite3_open(tpath("other.db"), &s), SQLITE_OK);
		assert_int_equal(sqlite3_exec(s, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(s);
		assert_int_equal(lb_vulndb_open(&cx, tpath("other.db"), &db), -LB_E_FORMAT);
		/* a lifebelt database of another schema version */
		write_file(tpath("v2.db"), before, nb);
		assert_int_equal(sqlite3_open(tpath("v2.db"), &s), SQLITE_OK);
		assert_int_equal(sqlite3_exec(s, "UPDATE meta SET value = 999 WHERE key = 'schema_version'",
		    NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(s);
		assert_int_equal(lb_vulndb_open(&cx, tpath("v2.db"), &db), -LB_E_FORMAT);
	}
	lb_vulndb_close(NULL);
	free(before);
	free(after);
	lb_ctx_release(&cx);
}

/* With SOURCE_DATE_EPOCH, the same feeds build the same bytes (the repo
 * ships a database built from the shared feeds). */
static void
t_reproducible(void **state)
{
	struct lb_feed_source s[2];
	struct lb_vulndb_info info;
	struct lb_vulndb *db;
	char *a, *b, *p0, *p1;
	size_t na, nb;
	struct lb_ctx cx;

	(void)state;
	LBT_NEED_TESTDATA();
	lbt_ctx(&cx);
	p0 = td("vulndb/secdb-wolfi");
	p1 = td("vulndb/osv-pypi/urllib3");
	s[0] = (struct lb_feed_source){ .kind = "wolfi-secdb", .path = p0 };
	s[1] = (struct lb_feed_source){ .kind = "osv", .path = p1 };
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	assert_int_equal(lb_vulndb_build(&cx, s, 2, tpath("r1.db")), 0);
	assert_int_equal(lb_vulndb_build(&cx, s, 2, tpath("r2.db")), 0);
	unsetenv("SOURCE_DATE_EPOCH");
	a = lbt_slurp(tpath("r1.db"), &na);
	b = lbt_slurp(tpath("r2.db"), &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	assert_int_equal(lb_vulndb_open(&cx, tpath("r1.db"), &db), 0);
	assert_int_equal(lb_vulndb_info(db, &info), 0);
	assert_string_equal(info.built_at, "2023-11-14T22:13:20Z");
	assert_int_equal(info.nsources, 2);
	assert_string_equal(info.sources[0].kind, "wolfi-secdb");
	assert_int_equal(info.sources[0].records, 253);
	lb_vulndb_close(db);
	free(a);
	free(b);
	free(p0);
	free(p1);
	lb_ctx_release(&cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_alpine),
		cmocka_unit_test(t_wolfi),
		cmocka_unit_test(t_debian),
		cmocka_unit_test(t_debian_statuses),
		cmocka_unit_test(t_osv_go),
		cmocka_unit_test(t_osv_pypi),
		cmocka_unit_test(t_osv_zip),
		cmocka_unit_test(t_compiled),
		cmocka_unit_test(t_metadata),
		cmocka_unit_test(t_cvss),
		cmocka_unit_test(t_hostile),
		cmocka_unit_test(t_parsers),
		cmocka_unit_test(t_atomic),
		cmocka_unit_test(t_reproducible),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
