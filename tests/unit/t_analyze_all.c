/* t_analyze_all.c - the analyzer table, interest matching and the layer
 * that added each package. */
#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/analyzer.h"
#include "analyze/interest.h"
#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_limits.h"
#include "image/fsview.h"

#define STATUS "var/lib/dpkg/status"
#define APKDB "lib/apk/db/installed"

static const struct lb_analyzer_ops *
analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	return NULL;
}

static void
add(struct lb_fsview *v, int layer, const char *path, const char *data)
{
	size_t n = strlen(data);

	lb_fsview_add(v, layer, path, LB_FT_REG, 0644, data, n, n, NULL, 0);
}

/* A status stanza for name/version on amd64. */
static void
stanza(struct lb_buf *b, const char *name, const char *version)
{
	lb_buf_addf(b, "Package: %s\nStatus: install ok installed\nArchitecture: amd64\n"
	    "Version: %s\nDescription: test\n\n", name, version);
}

/* "A=1 B=2" -> a status file, in b (reset first). */
static const char *
status_of(struct lb_buf *b, const char *spec)
{
	char *copy = lb_xstrdup(spec), *save = NULL;

	lb_buf_reset(b);
	lb_buf_addstr(b, "");
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(t, '=');
		*eq = 0;
		stanza(b, t, eq + 1);
	}
	free(copy);
	return (const char *)b->p;
}

static const struct lb_pkg *
find(const struct lb_inventory *inv, const char *name, const char *version)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0 &&
		    (!version || strcmp(inv->pkgs[i].version, version) == 0))
			return &inv->pkgs[i];
	fail_msg("no package %s %s", name, version ? version : "");
	return NULL;
}

/* Seals v, runs lb_analyze_all and returns the inventory; warnings go to
 * *nwarn. */
static struct lb_inventory *
analyze(struct lb_fsview *v, size_t *nwarn)
{
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_ctx cx;

	lbt_ctx(&cx);
	lb_fsview_seal(v);
	assert_int_equal(lb_analyze_all(&cx, v, inv), 0);
	*nwarn = cx.nwarn;
	lb_ctx_release(&cx);
	return inv;
}

static void
t_table(void **state)
{
	size_t n = 0;
	(void)state;

	for (; lb_analyzers[n]; n++) {
		const struct lb_analyzer_ops *a = lb_analyzers[n];
		assert_non_null(a->name);
		/* an analyzer keeps files for analyze(), or streams them, or both */
		assert_true((a->interests && a->analyze) || (a->stream_interests && a->scan_file));
		if (a->interests)
			assert_true(a->interests[0].path || a->interests[0].suffix);
	}
	assert_true(n >= 3);
	/* the OS is known before the package analyzers run */
	assert_string_equal(lb_analyzers[0]->name, "os");
	assert_null(analyzer("os")->parse_db);
	assert_non_null(analyzer("dpkg")->parse_db);
	assert_non_null(analyzer("apk")->parse_db);
}

/* The cap for path from the interests of analyzer name (0: not wanted). */
static uint32_t
wants(const char *name, const char *path)
{
	uint32_t cap = 0;

	for (const struct lb_interest *i = analyzer(name)->interests; i && (i->path || i->suffix) && !cap; i++)
		cap = lb_interest_match(i, path, strlen(path));
	return cap;
}

static void
t_interest_match(void **state)
{
	const struct lb_interest exact = { LB_MATCH_EXACT, "etc/os-release", NULL, 100 };
	const struct lb_interest prefix = { LB_MATCH_PREFIX, "var/lib/dpkg/status.d/", NULL, 200 };
	const struct lb_interest suffix = { LB_MATCH_SUFFIX, "", ".jar", 300 };
	const struct lb_interest both = { LB_MATCH_PREFIX_SUFFIX, "var/lib/dpkg/info/", ".list", 0 };
	(void)state;

	assert_int_equal(lb_interest_match(&exact, "etc/os-release", 14), 100);
	assert_int_equal(lb_interest_match(&exact, "etc/os-release.bak", 18), 0);
	assert_int_equal(lb_interest_match(&exact, "etc/os-releas", 13), 0);
	/* len counts, not a NUL */
	assert_int_equal(lb_interest_match(&exact, "etc/os-release.bak", 14), 100);
	assert_int_equal(lb_interest_match(&exact, "", 0), 0);
	assert_int_equal(lb_interest_match(&prefix, "var/lib/dpkg/status.d/foo", 25), 200);
	assert_int_equal(lb_interest_match(&prefix, "var/lib/dpkg/status", 19), 0);
	assert_int_equal(lb_interest_match(&suffix, "app/lib/a.jar", 13), 300);
	assert_int_equal(lb_interest_match(&suffix, "app/lib/a.jar.txt", 17), 0);
	assert_int_equal(lb_interest_match(&suffix, "jar", 3), 0);
	/* max_size 0 means the default cap */
	assert_int_equal(lb_interest_match(&both, "var/lib/dpkg/info/tar.list", 26), LB_MAX_SMALL_FILE);
	assert_int_equal(lb_interest_match(&both, "var/lib/dpkg/info/tar.md5sums", 29), 0);
	assert_int_equal(lb_interest_match(&both, "var/lib/dpkg/info.list", 22), 0);
	assert_int_equal(lb_interest_match(&both, "usr/var/lib/dpkg/info/tar.list", 30), 0);

	/* what the real analyzers ask for */
	assert_int_equal(wants("dpkg", STATUS), LB_MAX_PKGDB);
	assert_int_equal(wants("dpkg", "var/lib/dpkg/status-old"), 0);
	assert_int_equal(wants("dpkg", "var/lib/dpkg/status.d/libc6"), LB_MAX_SMALL_FILE);
	assert_int_equal(wants("dpkg", "var/lib/dpkg/info/libc6:amd64.list"), 16u << 20);
	assert_int_equal(wants("dpkg", "var/lib/dpkg/info/libc6:amd64.md5sums"), 0);
	assert_int_equal(wants("apk", APKDB), LB_MAX_PKGDB);
	assert_int_equal(wants("apk", "usr/lib/apk/db/installed"), LB_MAX_PKGDB);
	assert_int_equal(wants("apk", "lib/apk/db/scripts.tar"), 0);
	assert_true(wants("os", "etc/os-release") > 0);
	assert_true(wants("os", "usr/lib/os-release") > 0);
	assert_true(wants("os", "etc/alpine-release") > 0);
	assert_true(wants("os", "etc/debian_version") > 0);
	assert_true(wants("os", "etc/redhat-release") > 0);
	assert_int_equal(wants("os", "etc/passwd"), 0);
}

/* The cap for path from the stream interests of analyzer name. */
static uint32_t
streams(const char *name, const char *path)
{
	uint32_t cap = 0;

	for (const struct lb_interest *i = analyzer(name)->stream_interests; i && (i->path || i->suffix) && !cap;
	    i++)
		cap = lb_interest_match(i, path, strlen(path));
	return cap;
}

/* LB_MATCH_TAIL: a literal suffix, then whole components matched from the
 * end, '*' inside one component only. */
static void
t_interest_tail(void **state)
{
	const struct lb_interest pkg = { LB_MATCH_TAIL, "node_modules/*", "/package.json", 7 };
	const struct lb_interest scoped = { LB_MATCH_TAIL, "node_modules/@*/*", "/package.json", 7 };
	const struct lb_interest req = { LB_MATCH_TAIL, "requirements*", ".txt", 9 };
	const struct lb_interest stars = { LB_MATCH_TAIL, "a*bc*d", NULL, 5 };
	const struct lb_interest none = { LB_MATCH_TAIL, "", ".txt", 5 };
	(void)state;

	assert_int_equal(lb_interest_match(&pkg, "srv/node_modules/a/package.json", 31), 7);
	assert_int_equal(lb_interest_match(&pkg, "node_modules/a/package.json", 27), 7);
	assert_int_equal(lb_interest_match(&pkg, "srv/node_modules/a/esm/package.json", 35), 0);
	assert_int_equal(lb_interest_match(&pkg, "srv/xnode_modules/a/package.json", 32), 0);
	assert_int_equal(lb_interest_match(&pkg, "a/package.json", 14), 0);
	assert_int_equal(lb_interest_match(&pkg, "package.json", 12), 0);
	/* len counts, not a NUL */
	assert_int_equal(lb_interest_match(&pkg, "node_modules/a/package.json.bak", 27), 7);
	assert_int_equal(lb_interest_match(&scoped, "x/node_modules/@s/n/package.json", 32), 7);
	assert_int_equal(lb_interest_match(&scoped, "x/node_modules/s/n/package.json", 31), 0);
	assert_int_equal(lb_interest_match(&scoped, "node_modules/@s/package.json", 28), 0);
	assert_int_equal(lb_interest_match(&req, "app/requirements.txt", 20), 9);
	assert_int_equal(lb_interest_match(&req, "requirements-dev.txt", 20), 9);
	assert_int_equal(lb_interest_match(&req, "app/dev-requirements.txt", 24), 0);
	assert_int_equal(lb_interest_match(&req, "app/requirements/base.txt", 25), 0);
	/* backtracking to the last star: "a", "x", "bc", "bcy", "d" */
	assert_int_equal(lb_interest_match(&stars, "p/axbcbcyd", 10), 5);
	assert_int_equal(lb_interest_match(&stars, "p/abcd", 6), 5);
	assert_int_equal(lb_interest_match(&stars, "p/axbcbcy", 9), 0);
	assert_int_equal(lb_interest_match(&stars, "axbc/d", 6), 0);
	assert_int_equal(lb_interest_match(&none, "a.txt", 5), 0);

	/* what the real analyzers stream: installed package.json files and
	 * requirements files, not every package.json and .txt */
	assert_true(streams("node", "usr/lib/node_modules/npm/package.json") > 0);
	assert_true(streams("node", "app/node_modules/@babel/core/package.json") > 0);
	assert_true(streams("node", "app/node_modules/.pnpm/a@1.0.0/node_modules/a/package.json") > 0);
	assert_int_equal(streams("node", "app/node_modules/a/esm/package.json"), 0);
	assert_int_equal(streams("node", "app/package.json"), 0);
	assert_true(streams("node", "app/package-lock.json") > 0);
	assert_true(streams("python", "app/requirements.txt") > 0);
	assert_true(streams("python", "app/requirements-dev.txt") > 0);
	assert_true(streams("python", "app/dev-requirements.txt") > 0);
	assert_true(streams("python", "app/requirements/base.txt") > 0);
	assert_int_equal(streams("python", "usr/lib/python3/dist-packages/a-1.dist-info/top_level.txt"), 0);
	assert_true(streams("python", "usr/lib/python3/dist-packages/a-1.dist-info/METADATA") > 0);
}

/* The case of the issue: layer 0 has A and B; layer 1 has A, an upgraded
 * B and a new C; layer 2 only removes something. */
static void
t_three_layers(void **state)
{
	struct lb_buf b = LB_BUF_INIT(1u << 20);
	struct lb_fsview *v = lb_fsview_new(3);
	struct lb_inventory *inv;
	size_t nwarn;
	(void)state;

	add(v, 0, STATUS, status_of(&b, "A=1.0 B=1.0"));
	add(v, 0, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
	add(v, 0, "tmp/junk", "x");
	add(v, 1, STATUS, status_of(&b, "A=1.0 B=2.0 C=1.0"));
	lb_fsview_add_whiteout(v, 2, "tmp/junk");
	inv = analyze(v, &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 3);
	assert_int_equal(find(inv, "A", "1.0")->layer, 0);
	assert_int_equal(find(inv, "B", "2.0")->layer, 1);
	assert_int_equal(find(inv, "C", "1.0")->layer, 1);
	assert_string_equal(inv->os.family, "debian");
	assert_string_equal(inv->os.codename, "bookworm");
	lb_inventory_free(inv);
	lb_fsview_free(v);
	lb_buf_release(&b);
}

static void
t_removed_and_readded(void **state)
{
	struct lb_buf b = LB_BUF_INIT(1u << 20);
	struct lb_fsview *v;
	struct lb_inventory *inv;
	size_t nwarn;
	(void)state;

	/* A leaves the database in layer 1 and comes back in layer 3; the
	 * unchanged layer 2 is no version */
	v = lb_fsview_new(4);
	add(v, 0, STATUS, status_of(&b, "A=1 B=1"));
	add(v, 1, STATUS, status_of(&b, "B=1"));
	add(v, 2, "etc/motd", "hi");
	add(v, 3, STATUS, status_of(&b, "B=1 A=1"));
	inv = analyze(v, &nwarn);
	assert_int_equal(inv->npkgs, 2);
	assert_int_equal(find(inv, "A", "1")->layer, 3);
	assert_int_equal(find(inv, "B", "1")->layer, 0);
	lb_inventory_free(inv);
	lb_fsview_free(v);

	/* the whole database is whited out, then written again */
	v = lb_fsview_new(3);
	add(v, 0, STATUS, status_of(&b, "A=1 B=1"));
	lb_fsview_add_whiteout(v, 1, STATUS);
	add(v, 2, STATUS, status_of(&b, "A=1 B=1"));
	inv = analyze(v, &nwarn);
	assert_int_equal(find(inv, "A", "1")->layer, 2);
	assert_int_equal(find(inv, "B", "1")->layer, 2);
	lb_inventory_free(inv);
	lb_fsview_free(v);

	/* an opaque parent hides it just the same */
	v = lb_fsview_new(3);
	add(v, 0, STATUS, status_of(&b, "A=1 B=1"));
	lb_fsview_add_opaque(v, 1, "var/lib/dpkg");
	add(v, 1, STATUS, status_of(&b, "A=1"));
	add(v, 2, STATUS, status_of(&b, "A=1 B=1"));
	inv = analyze(v, &nwarn);
	assert_int_equal(find(inv, "A", "1")->layer, 1);
	assert_int_equal(find(inv, "B", "1")->layer, 2);
	lb_inventory_free(inv);
	lb_fsview_free(v);

	/* a directory in the way removes it too */
	v = lb_fsview_new(3);
	add(v, 0, STATUS, status_of(&b, "A=1"));
	lb_fsview_add_other(v, 1, STATUS, LB_FT_DIR);
	add(v, 2, STATUS, status_of(&b, "A=1"));
	inv = analyze(v, &nwarn);
	assert_int_equal(find(inv, "A", "1")->layer, 2);
	lb_inventory_free(inv);
	lb_fsview_free(v);

	/* downgrade: the version key counts, not the name */
	v = lb_fsview_new(3);
	add(v, 0, STATUS, status_of(&b, "A=1"));
	add(v, 1, STATUS, status_of(&b, "A=2"));
	add(v, 2, STATUS, status_of(&b, "A=1"));
	inv = analyze(v, &nwarn);
	assert_int_equal(find(inv, "A", "1")->layer, 2);
	lb_inventory_free(inv);
	lb_fsview_free(v);
	lb_buf_release(&b);
}

/* A truncated older version says who is there but not who is not. */
static void
t_truncated_version(void **state)
{
	struct lb_buf b = LB_BUF_INIT(1u << 20);
	struct lb_fsview *v = lb_fsview_new(3);
	struct lb_inventory *inv;
	const char *s;
	size_t nwarn;
	(void)state;

	add(v, 0, STATUS, status_of(&b, "A=1 B=1"));
	s = status_of(&b, "A=1 B=1 C=1");
	/* keep A whole and cut into B */
	lb_fsview_add(v, 1, STATUS, LB_FT_REG, 0644, s, (size_t)(strstr(s, "Package: B") - s) + 20,
	    b.len, NULL, 1);
	add(v, 2, STATUS, status_of(&b, "A=1 B=1 C=1"));
	inv = analyze(v, &nwarn);
	/* the truncated old version is not reported */
	assert_int_equal(nwarn, 0);
	assert_int_equal(find(inv, "A", "1")->layer, 0);
	assert_int_equal(find(inv, "B", "1")->layer, 0);
	assert_int_equal(find(inv, "C", "1")->layer, 2);
	lb_inventory_free(inv);
	lb_fsview_free(v);
	lb_buf_release(&b);
}

/* Problems of older versions are not warnings; the final one's are, once. */
static void
t_warnings(void **state)
{
	struct lb_buf b = LB_BUF_INIT(1u << 20);
	struct lb_fsview *v;
	struct lb_inventory *inv;
	size_t nwarn;
	(void)state;

	v = lb_fsview_new(2);
	add(v, 0, STATUS, "Package: broken\nStatus: install ok installed\n\ngarbage\n");
	add(v, 1, STATUS, status_of(&b, "A=1"));
	inv = analyze(v, &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(find(inv, "A", "1")->layer, 1);
	lb_inventory_free(inv);
	lb_fsview_free(v);

	v = lb_fsview_new(2);
	add(v, 0, STATUS, status_of(&b, "A=1"));
	add(v, 1, STATUS, "Package: A\nStatus: install ok installed\nArchitecture: amd64\n"
	    "Version: 1\n\nPackage: broken\nStatus: install ok installed\n");
	inv = analyze(v, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 1);
	assert_int_equal(find(inv, "A", "1")->layer, 0);
	lb_inventory_free(inv);
	lb_fsview_free(v);
	lb_buf_release(&b);
}

/* Each database file has its own history; apk and dpkg side by side. */
static void
t_several_databases(void **state)
{
	struct lb_buf b = LB_BUF_INIT(1u << 20);
	struct lb_fsview *v = lb_fsview_new(4);
	struct lb_inventory *inv;
	size_t nwarn;
	const struct lb_pkg *p;
	(void)state;

	add(v, 0, "var/lib/dpkg/status.d/base", "Package: base\nVersion: 1\nArchitecture: amd64\n");
	add(v, 0, APKDB, "P:musl\nV:1.2.5-r0\nA:x86_64\n\nP:busybox\nV:1.36.1-r29\nA:x86_64\n");
	add(v, 1, "var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a\nArchitecture: all\n");
	add(v, 2, APKDB, "P:musl\nV:1.2.5-r0\nA:x86_64\n\nP:busybox\nV:1.36.1-r29\nA:x86_64\n\n"
	    "P:zlib\nV:1.3.1-r1\nA:x86_64\n");
	/* same name, another arch: another package */
	add(v, 3, APKDB, "P:musl\nV:1.2.5-r0\nA:x86_64\n\nP:busybox\nV:1.36.1-r29\nA:x86_64\n\n"
	    "P:zlib\nV:1.3.1-r1\nA:x86_64\n\nP:zlib\nV:1.3.1-r1\nA:aarch64\n");
	add(v, 3, "var/lib/dpkg/status.d/base", "Package: base\nVersion: 1\nArchitecture: amd64\n"
	    "Maintainer: changed\n");
	inv = analyze(v, &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 6);
	/* rewritten with the same package: still layer 0 */
	assert_int_equal(find(inv, "base", "1")->layer, 0);
	assert_int_equal(find(inv, "tzdata", "2024a")->layer, 1);
	assert_int_equal(find(inv, "musl", NULL)->layer, 0);
	assert_int_equal(find(inv, "busybox", NULL)->layer, 0);
	for (size_t i = 0; i < inv->npkgs; i++) {
		p = &inv->pkgs[i];
		if (strcmp(p->name, "zlib") == 0)
			assert_int_equal(p->layer, strcmp(p->arch, "x86_64") == 0 ? 2 : 3);
	}
	lb_inventory_free(inv);
	lb_fsview_free(v);
	lb_buf_release(&b);
}

/* The same key twice in one database: both get the layer. */
static void
t_duplicates(void **state)
{
	struct lb_fsview *v = lb_fsview_new(2);
	struct lb_inventory *inv;
	size_t nwarn;
	(void)state;

	add(v, 0, APKDB, "P:a\nV:1\n");
	add(v, 1, APKDB, "P:a\nV:1\n\nP:a\nV:1\n\nP:b\nV:1\n");
	inv = analyze(v, &nwarn);
	assert_int_equal(inv->npkgs, 3);
	assert_int_equal(inv->pkgs[0].layer, 0);
	assert_int_equal(inv->pkgs[1].layer, 0);
	assert_int_equal(inv->pkgs[2].layer, 1);
	lb_inventory_free(inv);
	lb_fsview_free(v);
}

/* 40 layers each adding 250 packages to one database of 10000: every
 * package must land in its layer. The time bound only catches runaway
 * (quadratic) attribution on a loaded CI machine; speed is measured in
 * bench/, not here. */
static void
t_many(void **state)
{
	enum { LAYERS = 40, PER = 250 };
	struct lb_buf b = LB_BUF_INIT(64u << 20);
	struct lb_fsview *v = lb_fsview_new(LAYERS);
	struct lb_inventory *inv;
	struct timespec t0, t1;
	double secs;
	size_t nwarn;
	(void)state;

	for (int l = 0; l < LAYERS; l++) {
		for (int i = 0; i < PER; i++) {
			char name[32];
			snprintf(name, sizeof(name), "p%d-%d", l, i);
			stanza(&b, name, "1.0-1");
		}
		lb_fsview_add(v, l, STATUS, LB_FT_REG, 0644, b.p, b.len, b.len, NULL, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	inv = analyze(v, &nwarn);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("%d layers x %d packages: %.3f s\n", LAYERS, LAYERS * PER, secs);
	assert_int_equal(inv->npkgs, LAYERS * PER);
	for (size_t i = 0; i < inv->npkgs; i++) {
		int l = -1, k = -1;
		assert_int_equal(sscanf(inv->pkgs[i].name, "p%d-%d", &l, &k), 2);
		assert_int_equal(inv->pkgs[i].layer, l);
	}
	assert_true(secs < 60.0);
	lb_inventory_free(inv);
	lb_fsview_free(v);
	lb_buf_release(&b);
}

/* Packages without a parse_db history and views without databases. */
static void
t_empty(void **state)
{
	struct lb_fsview *v = lb_fsview_new(1);
	struct lb_inventory *inv;
	size_t nwarn;
	(void)state;

	inv = analyze(v, &nwarn);
	assert_int_equal(inv->npkgs, 0);
	assert_null(inv->os.family);
	assert_int_equal(nwarn, 0);
	lb_inventory_free(inv);
	lb_fsview_free(v);

	v = lb_fsview_new(0);
	inv = analyze(v, &nwarn);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	lb_fsview_free(v);
}

/* The interest index gives the walker the answers of the table itself:
 * for every interest of every analyzer, paths made to match it (its
 * exact path, prefix + a name, names + its suffix, under node_modules
 * and site-packages) and near misses, and a list of real-world paths,
 * each as a plain file and an executable. */
static void
same_answers(const struct lb_interest_index *x, const char *path, size_t *hits)
{
	static const unsigned modes[] = { 0100644, 0100755 };
	size_t len = strlen(path);

	assert_int_equal(lb_interest_index_cap(x, path, len), lb_interest_table_cap(lb_analyzers, path, len));
	*hits += lb_interest_table_cap(lb_analyzers, path, len) > 0;
	for (int m = 0; m < 2; m++) {
		const struct lb_analyzer_ops *a[8], *b[8];
		uint64_t ca, cb;
		size_t na = lb_interest_index_streamers(x, path, len, modes[m], a, 8, &ca);
		size_t nb = lb_interest_table_streamers(lb_analyzers, path, len, modes[m], b, 8, &cb);

		if (na != nb || ca != cb)
			fail_msg("'%s' mode %o: index %zu streamers cap %llu, table %zu cap %llu", path,
			    modes[m], na, (unsigned long long)ca, nb, (unsigned long long)cb);
		for (size_t i = 0; i < na; i++)
			assert_ptr_equal(a[i], b[i]);
		*hits += nb > 0;
	}
}

static void
t_interest_index(void **state)
{
	static const char *const real[] = {
		"", "a", "etc/os-release", "usr/lib/os-release", "var/lib/dpkg/status",
		"var/lib/dpkg/status.d/base", "lib/apk/db/installed", "usr/bin/ls", "bin/busybox",
		"app/node_modules/lodash/package.json", "app/node_modules/@s/x/package.json",
		"app/node_modules/lodash/esm/package.json", "app/package-lock.json", "srv/yarn.lock",
		"usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
		"usr/lib/python3.11/site-packages/x.egg-info/PKG-INFO", "app/requirements.txt",
		"app/requirements-dev.txt", "app/top_level.txt", "app/poetry.lock", "opt/app.jar",
		"opt/x.war", "srv/Gemfile.lock", "usr/lib/ruby/gems/3.1.0/specifications/rake-13.gemspec",
		"app/vendor/composer/installed.json", "app/composer.lock", "app/x.deps.json",
		"app/packages.lock.json", "app/Cargo.lock", "usr/bin/cargo-tool", "app/go.mod",
		"var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/Packages.db", "var/lib/rpm/Packages",
		"usr/share/doc/x/copyright", "etc/alpine-release", "etc/debian_version", "x/.jar",
		"node_modules/package.json", "package.json", "METADATA", "/", "a/b/c/d/e/f/g.txt",
	};
	static const char *const pre[] = { "", "app/", "usr/lib/python3/site-packages/", "node_modules/a/" };
	static const char *const post[] = { "", "x", "/x", ".bak", "/package.json" };
	struct lb_interest_index *x = lb_interest_index_new(lb_analyzers);
	size_t hits = 0, paths = 0;
	char buf[512];

	(void)state;
	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++, paths++)
		same_answers(x, real[i], &hits);
	for (size_t a = 0; lb_analyzers[a]; a++) {
		for (int k = 0; k < 2; k++) {
			const struct lb_interest *in = k ? lb_analyzers[a]->stream_interests : lb_analyzers[a]->interests;
			for (; in && (in->path || in->suffix || in->kind == LB_MATCH_EXEC); in++) {
				for (size_t p = 0; p < sizeof(pre) / sizeof(pre[0]); p++) {
					for (size_t q = 0; q < sizeof(post) / sizeof(post[0]); q++) {
						/* '*' of a TAIL pattern stands for a name */
						char pat[256];
						size_t o = 0;
						for (const char *c = in->path ? in->path : ""; *c && o + 3 < sizeof(pat); c++) {
							if (*c == '*')
								pat[o++] = 'n';
							pat[o++] = *c == '*' ? 'm' : *c;
						}
						pat[o] = 0;
						snprintf(buf, sizeof(buf), "%s%s%s%s%s", pre[p], pat,
						    in->kind == LB_MATCH_PREFIX || in->kind == LB_MATCH_PREFIX_SUFFIX ? "name" : "",
						    in->suffix ? in->suffix : "", post[q]);
						same_answers(x, buf, &hits);
						paths++;
					}
				}
			}
		}
	}
	/* the paths exercised both answers */
	assert_true(hits > paths / 4);
	assert_true(hits < paths * 3);
	lb_interest_index_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_table),
		cmocka_unit_test(t_interest_match),
		cmocka_unit_test(t_interest_tail),
		cmocka_unit_test(t_interest_index),
		cmocka_unit_test(t_three_layers),
		cmocka_unit_test(t_removed_and_readded),
		cmocka_unit_test(t_truncated_version),
		cmocka_unit_test(t_warnings),
		cmocka_unit_test(t_several_databases),
		cmocka_unit_test(t_duplicates),
		cmocka_unit_test(t_many),
		cmocka_unit_test(t_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
