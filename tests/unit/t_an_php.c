/* t_an_php.c - the php analyzer: vendor/composer/installed.json and composer.lock. */
#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "analyze/purl.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_limits.h"
#include "io/istream.h"

#define INSTALLED "var/www/html/vendor/composer/installed.json"
#define LOCK "var/www/html/composer.lock"

static const struct lb_analyzer_ops *
analyzer(void)
{
	return lbt_analyzer("php");
}


static void
run_mem(struct lbt_run *r, const char *path, const void *data, size_t len, uint64_t real_size)
{
	lbt_run_mem(r, analyzer(), path, data, len, real_size);
}

static void
run_str(struct lbt_run *r, const char *path, const char *text)
{
	run_mem(r, path, text, strlen(text), 0);
}

static void
run_fixture(struct lbt_run *r, const char *path, const char *rel)
{
	size_t len;
	char *data = lbt_slurp(lbt_testdata(rel), &len);

	run_mem(r, path, data, len, 0);
	free(data);
}


#define assert_str_or_null(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (b_ == NULL) { \
		if (a_ != NULL) fail_msg("expected NULL, got '%s'", a_); \
	} else { \
		if (a_ == NULL) fail_msg("expected '%s', got NULL", b_); \
		assert_string_equal(a_, b_); \
	} \
} while (0)

static void
check_pkg(const struct lb_pkg *p, const char *name, const char *version, const char *license,
    const char *db_path, bool declared)
{
	char *purl, want[512];

	assert_string_equal(p->type, "composer");
	assert_string_equal(p->name, name);
	assert_string_equal(p->version, version);
	assert_null(p->arch);
	assert_str_or_null(p->license, license);
	assert_string_equal(p->db_path, db_path);
	assert_int_equal(p->declared, declared);
	assert_int_equal(p->layer, -1);
	/* pkg:composer/<vendor>/<project>@<version> */
	purl = lb_purl_for_pkg(p, NULL);
	snprintf(want, sizeof(want), "pkg:composer/%s@%s", name, version);
	assert_string_equal(purl, want);
	free(purl);
}

static void
check_warning(const struct lb_ctx *cx, const char *want)
{
	assert_int_equal(cx->nwarn, 1);
	if (!strstr(cx->warnings[0], want))
		fail_msg("warning '%s' lacks '%s'", cx->warnings[0], want);
}

static void
t_installed_fixtures(void **state)
{
	static const char *const rels[] = {
		"pkgdb/php/syft-vendor/composer_1/installed.json",   /* [...] */
		"pkgdb/php/syft-vendor/composer_2/installed.json",   /* {"packages": [...]} */
	};
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < 2; i++) {
		struct lbt_run r;

		run_fixture(&r, INSTALLED, rels[i]);
		assert_int_equal(r.cx.nwarn, 0);
		assert_int_equal(r.inv->npkgs, 2);
		check_pkg(&r.inv->pkgs[0], "asm89/stack-cors", "1.3.0", "MIT", INSTALLED, false);
		/* a "v" tag stays as Packagist lists it */
		check_pkg(&r.inv->pkgs[1], "behat/mink", "v1.8.1", "MIT", INSTALLED, false);
		lbt_run_release(&r);
	}
}

static void
t_lock_fixtures(void **state)
{
	struct lbt_run r;
	(void)state;

	LBT_NEED_TESTDATA();
	run_fixture(&r, LOCK, "pkgdb/php/syft-composer.lock");
	assert_int_equal(r.cx.nwarn, 0);
	/* 2 "packages" then 2 "packages-dev" */
	assert_int_equal(r.inv->npkgs, 4);
	check_pkg(&r.inv->pkgs[0], "adoy/fastcgi-client", "1.0.2", "MIT", LOCK, true);
	check_pkg(&r.inv->pkgs[1], "alcaeus/mongo-php-adapter", "1.1.11", "MIT", LOCK, true);
	check_pkg(&r.inv->pkgs[2], "behat/gherkin", "v4.6.2", "MIT", LOCK, true);
	check_pkg(&r.inv->pkgs[3], "codeception/codeception", "4.1.6", "MIT", LOCK, true);
	lbt_run_release(&r);

	run_fixture(&r, LOCK, "pkgdb/php/scalibr-composerlock/drupal-packages.json");
	assert_int_equal(r.cx.nwarn, 0);
	assert_int_equal(r.inv->npkgs, 4);
	check_pkg(&r.inv->pkgs[0], "drupal/core", "10.4.5", "GPL-2.0-or-later", LOCK, true);
	check_pkg(&r.inv->pkgs[1], "drupal/tfa", "2.0.0-alpha4", "GPL-2.0-or-later", LOCK, true);
	check_pkg(&r.inv->pkgs[2], "theseer/tokenizer", "1.1.3", "BSD-3-Clause", LOCK, true);
	check_pkg(&r.inv->pkgs[3], "drupal/field_time", "1.0.0-beta5", "GPL-2.0-or-later", LOCK, true);
	lbt_run_release(&r);

	/* the same name with three versions, no licenses */
	run_fixture(&r, LOCK, "pkgdb/php/scalibr-composerlock/duplicate-packages.json");
	assert_int_equal(r.cx.nwarn, 0);
	assert_int_equal(r.inv->npkgs, 3);
	check_pkg(&r.inv->pkgs[0], "sentry/sdk", "2.0.4", NULL, LOCK, true);
	check_pkg(&r.inv->pkgs[1], "sentry/sdk", "2.0.5", NULL, LOCK, true);
	check_pkg(&r.inv->pkgs[2], "sentry/sdk", "3.0.0-dev", NULL, LOCK, true);
	lbt_run_release(&r);

	run_fixture(&r, LOCK, "pkgdb/php/scalibr-composerlock/empty.json");
	assert_int_equal(r.cx.nwarn, 0);
	assert_int_equal(r.inv->npkgs, 0);
	lbt_run_release(&r);

	run_fixture(&r, LOCK, "pkgdb/php/scalibr-composerlock/one-package.json");
	assert_int_equal(r.cx.nwarn, 0);
	assert_int_equal(r.inv->npkgs, 1);
	check_pkg(&r.inv->pkgs[0], "sentry/sdk", "2.0.4", "MIT", LOCK, true);
	lbt_run_release(&r);

	run_fixture(&r, LOCK, "pkgdb/php/scalibr-composerlock/one-package-dev.json");
	assert_int_equal(r.cx.nwarn, 0);
	assert_int_equal(r.inv->npkgs, 1);
	check_pkg(&r.inv->pkgs[0], "sentry/sdk", "2.0.4", "MIT", LOCK, true);
	lbt_run_release(&r);

	for (int alt = 0; alt < 2; alt++) {
		run_fixture(&r, LOCK, alt ? "pkgdb/php/scalibr-composerlock/two-packages-alt.json" :
		    "pkgdb/php/scalibr-composerlock/two-packages.json");
		assert_int_equal(r.cx.nwarn, 0);
		assert_int_equal(r.inv->npkgs, 2);
		check_pkg(&r.inv->pkgs[0], "sentry/sdk", "2.0.4", "MIT", LOCK, true);
		check_pkg(&r.inv->pkgs[1], "theseer/tokenizer", "1.1.3", "BSD-3-Clause", LOCK, true);
		lbt_run_release(&r);
	}

	/* not JSON, and JSON that is not a lock: a warning each */
	run_fixture(&r, LOCK, "pkgdb/php/scalibr-composerlock/not-json.txt");
	assert_int_equal(r.inv->npkgs, 0);
	check_warning(&r.cx, "cannot parse '" LOCK "' line 1: ");
	lbt_run_release(&r);
	run_fixture(&r, LOCK, "pkgdb/php/scalibr-composerlock/null.jsontest");
	assert_int_equal(r.inv->npkgs, 0);
	check_warning(&r.cx, "cannot parse '" LOCK "' line 1: ");
	lbt_run_release(&r);
	/* a lock file that is an installed.json: the wrong shape */
	run_fixture(&r, LOCK, "pkgdb/php/syft-vendor/composer_1/installed.json");
	assert_int_equal(r.inv->npkgs, 0);
	check_warning(&r.cx, "cannot parse '" LOCK "': not a JSON object");
	lbt_run_release(&r);
}

static void
t_interests(void **state)
{
	static const struct {
		const char *path;
		bool want;
	} cases[] = {
		{ "vendor/composer/installed.json", true },
		{ "var/www/html/vendor/composer/installed.json", true },
		{ "composer.lock", true },
		{ "app/composer.lock", true },
		{ "var/www/html/vendor/composer/installed.php", false },
		{ "app/xvendor/composer/installed.json", false },
		{ "app/mycomposer.lock", false },
		{ "app/composer.json", false },
		{ "app/composer.lock.orig", false },
	};
	const struct lb_analyzer_ops *a = analyzer();
	(void)state;

	assert_null(a->analyze);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = false;

		for (const struct lb_interest *in = a->stream_interests; in->path || in->suffix; in++)
			if (lb_interest_match(in, cases[i].path, strlen(cases[i].path)))
				got = true;
		if (got != cases[i].want)
			fail_msg("'%s': interest %d, expected %d", cases[i].path, got, cases[i].want);
	}
}

static void
t_hostile(void **state)
{
	static const struct {
		const char *path, *text, *warning;
		size_t npkgs;
	} cases[] = {
		/* license forms; the array is a disjunction; bad members skipped */
		{ INSTALLED, "{\"packages\": [{\"name\": \"a/b\", \"version\": \"1.0\", \"license\": "
		  "[\"MIT\", 3, \"\", \"GPL-3.0-only\"]}, {\"name\": \"c/d\", \"version\": \"2\", "
		  "\"license\": \"Apache-2.0\"}, {\"name\": \"e/f\", \"version\": \"3\", \"license\": {}}]}",
		  NULL, 3 },
		/* bad entries: one warning naming the first, the good ones kept */
		{ LOCK, "{\"packages\": [1, {\"name\": \"a/b\"}, {\"version\": \"1\"}, "
		  "{\"name\": \"nope\", \"version\": \"1\"}, {\"name\": \"a/b\", \"version\": \"1 0\"}, "
		  "{\"name\": \"x/y/z\", \"version\": \"1\"}, {\"name\": \"ok/ok\", \"version\": \"1\"}], "
		  "\"packages-dev\": [{\"name\": \"/b\", \"version\": \"1\"}]}",
		  "cannot parse '" LOCK "': not an object: package #1 in \"packages\" (7 bad packages "
		  "skipped)", 1 },
		{ LOCK, "{\"packages\": {}}", "cannot parse '" LOCK "': \"packages\" is not an array", 0 },
		{ LOCK, "{\"packages\": null, \"packages-dev\": null}", NULL, 0 },
		{ LOCK, "{}", NULL, 0 },
		{ LOCK, "[]", "cannot parse '" LOCK "': not a JSON object", 0 },
		{ INSTALLED, "{\"packages\": 1}", "neither an array nor an object with \"packages\"", 0 },
		{ INSTALLED, "{}", "neither an array nor an object with \"packages\"", 0 },
		{ INSTALLED, "[]", NULL, 0 },
		/* duplicates within a file count once */
		{ INSTALLED, "[{\"name\": \"a/b\", \"version\": \"1\"}, {\"name\": \"a/b\", \"version\": "
		  "\"1\"}]", NULL, 1 },
		/* JSON that jansson refuses: bad UTF-8, \u0000, a truncated document */
		{ INSTALLED, "[{\"name\": \"a/\xff\", \"version\": \"1\"}]", "cannot parse '" INSTALLED
		  "' line 1: ", 0 },
		{ INSTALLED, "[{\"name\": \"a/\\u0000\", \"version\": \"1\"}]", "cannot parse '" INSTALLED
		  "' line 1: ", 0 },
		{ INSTALLED, "[{\"name\": \"a/b\", \"version\":", "cannot parse '" INSTALLED
		  "' line 1: ", 0 },
		{ INSTALLED, "", "cannot parse '" INSTALLED "': empty file", 0 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lbt_run r;

		run_str(&r, cases[i].path, cases[i].text);
		if (r.inv->npkgs != cases[i].npkgs)
			fail_msg("case %zu: %zu packages, expected %zu", i, r.inv->npkgs, cases[i].npkgs);
		if (cases[i].warning)
			check_warning(&r.cx, cases[i].warning);
		else
			assert_int_equal(r.cx.nwarn, 0);
		if (i == 0) {
			check_pkg(&r.inv->pkgs[0], "a/b", "1.0", "MIT OR GPL-3.0-only", INSTALLED, false);
			check_pkg(&r.inv->pkgs[1], "c/d", "2", "Apache-2.0", INSTALLED, false);
			check_pkg(&r.inv->pkgs[2], "e/f", "3", NULL, INSTALLED, false);
		}
		if (i == 1)
			check_pkg(&r.inv->pkgs[0], "ok/ok", "1", NULL, LOCK, true);
		lbt_run_release(&r);
	}
}

/* Nesting deeper than jansson's parser allows, and documents past the
 * size cap: a warning, no crash, nothing read that is not needed. */
static void
t_limits(void **state)
{
	struct lb_buf b = LB_BUF_INIT(1u << 20);
	struct lbt_run r;
	char *purl;
	(void)state;

	for (int i = 0; i < 100000; i++)
		assert_int_equal(lb_buf_add(&b, "[", 1), 0);
	run_mem(&r, INSTALLED, b.p, b.len, 0);
	assert_int_equal(r.inv->npkgs, 0);
	check_warning(&r.cx, "cannot parse '" INSTALLED "' line 1: ");
	lbt_run_release(&r);
	lb_buf_release(&b);

	/* the file is bigger than the cap: not read */
	run_mem(&r, LOCK, "{}", 2, (uint64_t)LB_MAX_JSON_DOC + 1);
	assert_int_equal(r.inv->npkgs, 0);
	check_warning(&r.cx, "cannot parse '" LOCK "': 8388609 bytes, more than the limit of 8388608");
	lbt_run_release(&r);

	/* names are case-folded in the purl only */
	run_str(&r, INSTALLED, "[{\"name\": \"Behat/Mink\", \"version\": \"v1.8.1\"}]");
	assert_int_equal(r.inv->npkgs, 1);
	assert_string_equal(r.inv->pkgs[0].name, "Behat/Mink");
	purl = lb_purl_for_pkg(&r.inv->pkgs[0], NULL);
	assert_string_equal(purl, "pkg:composer/behat/mink@v1.8.1");
	free(purl);
	lbt_run_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_installed_fixtures),
		cmocka_unit_test(t_lock_fixtures),
		cmocka_unit_test(t_interests),
		cmocka_unit_test(t_hostile),
		cmocka_unit_test(t_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
