/* t_an_node.c - the Node analyzer: installed node_modules package.json
 * files and lockfiles (package-lock v1/v2/v3, yarn v1 and berry, pnpm v5,
 * v6 and v9), on the real fixtures of ../shared/testdata/pkgdb/node and
 * on hostile inputs. */
#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "image/fsview.h"
#include "io/istream.h"

#define FX "pkgdb/node/"

static const struct lb_analyzer_ops *
analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	fail_msg("no analyzer '%s'", name);
	return NULL;
}

struct run {
	struct lb_inventory *inv;
	struct lb_ctx cx;
};

/* Runs scan_file on data as the file at path, when an interest matches. */
static void
run_mem(struct run *r, const char *path, const void *data, size_t len)
{
	const struct lb_analyzer_ops *a = analyzer("node");
	struct lb_file f = { 0 };
	struct lb_istream *is;
	uint32_t cap = 0, c;

	r->inv = lb_inventory_new();
	lbt_ctx(&r->cx);
	for (const struct lb_interest *in = a->stream_interests; in->path || in->suffix; in++)
		if ((c = lb_interest_match(in, path, strlen(path))) > cap)
			cap = c;
	if (!cap)
		return;
	f.path = path;
	f.real_size = len;
	f.mode = 0100644;
	f.type = LB_FT_REG;
	is = lb_is_mem(data, len < cap ? len : cap);
	assert_int_equal(a->scan_file(&r->cx, &f, is, r->inv), 0);
	lb_is_close(is);
	lb_inventory_finish(r->inv);
}

static void
run_str(struct run *r, const char *path, const char *text)
{
	run_mem(r, path, text, strlen(text));
}

static void
run_fixture(struct run *r, const char *path, const char *rel)
{
	size_t len;
	char *data = lbt_slurp(lbt_testdata(rel), &len);

	run_mem(r, path, data, len);
	free(data);
}

static void
run_release(struct run *r)
{
	lb_inventory_free(r->inv);
	lb_ctx_release(&r->cx);
}

/* "name version" lines of every package, sorted as lb_inventory_finish sorts. */
static void
assert_list(const struct lb_inventory *inv, const char *want)
{
	struct lb_buf b = LB_BUF_INIT(1u << 20);
	char *got;

	for (size_t i = 0; i < inv->npkgs; i++)
		lb_buf_addf(&b, "%s %s\n", inv->pkgs[i].name, inv->pkgs[i].version);
	got = lb_buf_detach(&b, NULL);
	assert_string_equal(got, want);
	free(got);
}

static const struct lb_pkg *
find_pkg(const struct lb_inventory *inv, const char *name, const char *version)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0 && strcmp(inv->pkgs[i].version, version) == 0)
			return &inv->pkgs[i];
	fail_msg("package '%s' '%s' is missing", name, version);
	return NULL;
}

static void
check_all(const struct lb_inventory *inv, bool declared)
{
	for (size_t i = 0; i < inv->npkgs; i++) {
		assert_string_equal(inv->pkgs[i].type, "npm");
		assert_int_equal(inv->pkgs[i].declared, declared);
		assert_non_null(inv->pkgs[i].purl);
		assert_null(inv->pkgs[i].db_path);     /* the framework sets the evidence path */
	}
}

static void
assert_warned(const struct run *r, const char *path, const char *what)
{
	char quoted[512];

	snprintf(quoted, sizeof(quoted), "'%s'", path);
	assert_int_equal(r->cx.nwarn, 1);
	assert_non_null(strstr(r->cx.warnings[0], quoted));
	if (what && !strstr(r->cx.warnings[0], what))
		fail_msg("warning '%s' does not say '%s'", r->cx.warnings[0], what);
}

/* --- installed --------------------------------------------------------------- */

static void
installed_tree(void **state)
{
	static const char *const files[] = {
		"node_modules/ms/package.json",
		"node_modules/@babel/parser/package.json",
		"node_modules/body-parser/node_modules/debug/package.json",
		"node_modules/body-parser/node_modules/ms/package.json",
		"node_modules/body-parser/package.json",
		"node_modules/express/node_modules/debug/package.json",
		"node_modules/express/node_modules/ms/package.json",
		"node_modules/express/package.json",
	};
	struct lb_inventory *all = lb_inventory_new();
	char rel[256], path[256];
	(void)state;

	LBT_NEED_TESTDATA();
	/* the 8 package.json files of trivy-npm-happy (nested, scoped), under an app */
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct run r;

		snprintf(rel, sizeof(rel), FX "trivy-npm-happy/%s", files[i]);
		snprintf(path, sizeof(path), "srv/app/%s", files[i]);
		run_fixture(&r, path, rel);
		assert_int_equal(r.inv->npkgs, 1);
		assert_int_equal(r.cx.nwarn, 0);
		assert_string_equal(r.inv->pkgs[0].license, "MIT");
		lb_inventory_take_pkgs(all, r.inv);
		run_release(&r);
	}
	lb_inventory_finish(all);
	assert_list(all,
	    "@babel/parser 7.23.6\n"
	    "body-parser 1.18.3\n"
	    "debug 2.6.9\n"
	    "debug 2.6.9\n"
	    "express 4.16.4\n"
	    "ms 2.0.0\n"
	    "ms 2.0.0\n"
	    "ms 2.1.1\n");
	check_all(all, false);
	assert_string_equal(find_pkg(all, "@babel/parser", "7.23.6")->purl, "pkg:npm/%40babel/parser@7.23.6");
	assert_string_equal(find_pkg(all, "express", "4.16.4")->purl, "pkg:npm/express@4.16.4");
	lb_inventory_free(all);
}

static void
installed_paths(void **state)
{
	static const struct {
		const char *path;
		int want;
	} cases[] = {
		{ "usr/lib/node_modules/npm/package.json", 1 },              /* global npm */
		{ "usr/local/lib/node_modules/npm/package.json", 1 },
		{ "usr/lib/node_modules/npm/node_modules/abbrev/package.json", 1 },
		{ "node_modules/npm/package.json", 1 },
		{ "node_modules/@npmcli/npm/package.json", 1 },
		{ "app/node_modules/.pnpm/npm@6.14.6/node_modules/npm/package.json", 1 },
		{ "package.json", 0 },                                        /* an app's own */
		{ "app/package.json", 0 },
		{ "node_modules/package.json", 0 },
		{ "node_modules/npm/lib/package.json", 0 },                   /* a package's subfolder */
		{ "node_modules/date-fns/esm/fp/isSaturday/package.json", 0 },
		{ "node_modules/@scope/package.json", 0 },
		{ "node_modules/.bin/package.json", 0 },
		{ "node_modules/.pnpm/package.json", 0 },
		{ "mynode_modules/npm/package.json", 0 },
		{ "node_modules/npm/package.json5", 0 },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;

		run_fixture(&r, cases[i].path, FX "syft-pkg-json/package.json");
		print_message("%s\n", cases[i].path);
		assert_int_equal(r.inv->npkgs, cases[i].want);
		if (cases[i].want) {
			assert_string_equal(r.inv->pkgs[0].name, "npm");
			assert_string_equal(r.inv->pkgs[0].version, "6.14.6");
			assert_string_equal(r.inv->pkgs[0].purl, "pkg:npm/npm@6.14.6");
			assert_string_equal(r.inv->pkgs[0].license, "Artistic-2.0");
		}
		run_release(&r);
	}
}

static void
installed_licenses(void **state)
{
	static const struct {
		const char *file, *license;
	} cases[] = {
		{ "package-license-object.json", "ISC" },
		{ "package-license-objects.json", "MIT OR Apache-2.0" },
		{ "package-malformed-license.json", "MIT" },      /* "licenses": [ "MIT" ] */
		{ "package-no-license.json", NULL },
		{ "package-private.json", "Artistic-2.0" },       /* private: still installed */
		{ "package-authors-array.json", "Artistic-2.0" },
		{ "package-nested-author.json", "Artistic-2.0" },
	};
	char rel[256];
	struct run r;
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(rel, sizeof(rel), FX "syft-pkg-json/%s", cases[i].file);
		run_fixture(&r, "node_modules/npm/package.json", rel);
		print_message("%s\n", cases[i].file);
		assert_list(r.inv, "npm 6.14.6\n");
		check_all(r.inv, false);
		if (cases[i].license)
			assert_string_equal(r.inv->pkgs[0].license, cases[i].license);
		else
			assert_null(r.inv->pkgs[0].license);
		run_release(&r);
	}
	run_fixture(&r, "node_modules/function-bind/package.json", FX "syft-pkg-json/package-repo-string.json");
	assert_list(r.inv, "function-bind 1.1.1\n");
	run_release(&r);
	/* no name, no version: one warning naming the file */
	run_fixture(&r, "node_modules/x/package.json", FX "syft-pkg-json/package-partial.json");
	assert_int_equal(r.inv->npkgs, 0);
	assert_warned(&r, "node_modules/x/package.json", "no name");
	run_release(&r);
}

/* --- lockfiles ---------------------------------------------------------------- */

struct lock_case {
	const char *fixture;      /* under pkgdb/node/ */
	const char *path;         /* where it sits in the image */
	const char *want;         /* "name version\n" sorted */
	const char *warn;         /* text of the one warning, or NULL for none */
};

static void
run_cases(const struct lock_case *c, size_t n)
{
	char rel[256];

	for (size_t i = 0; i < n; i++) {
		struct run r;

		snprintf(rel, sizeof(rel), FX "%s", c[i].fixture);
		print_message("%s\n", c[i].fixture);
		run_fixture(&r, c[i].path, rel);
		assert_list(r.inv, c[i].want);
		check_all(r.inv, true);
		if (c[i].warn)
			assert_warned(&r, c[i].path, c[i].warn);
		else
			assert_int_equal(r.cx.nwarn, 0);
		run_release(&r);
	}
}

static void
package_lock(void **state)
{
	static const struct lock_case cases[] = {
		/* v1: "dependencies", nested; "node_modules/async" is not a name */
		{ "syft-pkg-lock/package-lock.json", "app/package-lock.json",
		  "@actions/core 1.6.0\nansi-regex 3.0.0\ncowsay 1.4.0\nget-stdin 5.0.1\n"
		  "is-fullwidth-code-point 2.0.0\nminimist 0.0.10\noptimist 0.6.1\nstring-width 2.1.1\n"
		  "strip-ansi 4.0.0\nstrip-eof 1.0.0\nwordwrap 0.0.3\n",
		  "1 entries without a valid name" },
		/* v2 and v3: "packages" keyed by node_modules paths */
		{ "syft-pkg-lock/package-lock-2.json", "app/package-lock.json",
		  "@types/prop-types 15.7.5\n@types/react 18.0.17\n@types/scheduler 0.16.2\nasync 3.2.4\n"
		  "csstype 3.1.0\n", NULL },
		{ "syft-pkg-lock/package-lock-3.json", "package-lock.json",
		  "@types/prop-types 15.7.5\n@types/react 18.0.20\n@types/scheduler 0.16.2\nasync 3.2.4\n"
		  "csstype 3.1.1\n", NULL },
		/* aliases install the real name: "case-alias" is case 1.6.3 */
		{ "syft-pkg-lock/alias-package-lock-1.json", "package-lock.json",
		  "@bundled-es-modules/chai 4.2.2\ncase 1.6.2\ncase 1.6.3\n", NULL },
		{ "syft-pkg-lock/alias-package-lock-2.json", "package-lock.json",
		  "@bundled-es-modules/chai 4.2.2\ncase 1.6.2\ncase 1.6.3\n", NULL },
		{ "syft-pkg-lock/array-license-package-lock.json", "package-lock.json",
		  "pause-stream 0.0.11\nthrough 2.3.8\n", NULL },
		/* shared 0.5.0 / 1.0.0 / 2.0.0 at several depths; duplicates once */
		{ "syft-pkg-lock/nested-package-lock-1.json", "package-lock.json",
		  "dev-nested 1.0.0\ndev-parent 1.0.0\nduplicate 1.0.0\nmiddle 1.0.0\nparent 1.0.0\n"
		  "shared 0.5.0\nshared 1.0.0\nshared 2.0.0\n", NULL },
		{ "trivy-npm-happy/package-lock.json", "srv/app/package-lock.json",
		  "@babel/parser 7.23.6\nansi-colors 3.2.3\narray-flatten 1.1.1\nbody-parser 1.18.3\n"
		  "debug 2.6.9\nexpress 4.16.4\nms 2.0.0\nms 2.1.1\n", NULL },
		{ "scalibr-package-lock/alias.v1.json", "package-lock.json",
		  "@babel/code-frame 7.0.0\nstring-width 4.2.0\nstring-width 5.1.2\n", NULL },
		{ "scalibr-package-lock/alias.v2.json", "package-lock.json",
		  "@babel/code-frame 7.0.0\nstring-width 4.2.0\nstring-width 5.1.2\n", NULL },
		{ "scalibr-package-lock/bundled-dependencies.v3.json", "package-lock.json",
		  "ansi-regex 6.2.2\nsemver 7.7.2\nstrip-ansi 7.1.2\n", NULL },
		/* v1 git dependencies carry a URL as version: not registry packages */
		{ "scalibr-package-lock/commits.v1.json", "package-lock.json",
		  "ansi-styles 1.0.0\npostcss-calc 7.0.1\n", NULL },
		/* v2 git dependencies carry their package.json version */
		{ "scalibr-package-lock/commits.v2.json", "package-lock.json",
		  "@segment/analytics.js-integration-facebook-pixel 2.4.1\nansi-styles 1.0.0\n"
		  "babel-preset-php 1.1.1\nis-number-1 3.0.0\nis-number-2 2.0.0\nis-number-3 2.0.0\n"
		  "is-number-3 3.0.0\nis-number-4 3.0.0\nis-number-5 3.0.0\npostcss-calc 7.0.1\n"
		  "slick-carousel 1.7.1\n", NULL },
		{ "scalibr-package-lock/empty.v1.json", "package-lock.json", "", NULL },
		{ "scalibr-package-lock/empty.v2.json", "package-lock.json", "", NULL },
		/* file: dependencies are local; a workspace folder's node_modules is not */
		{ "scalibr-package-lock/files.v1.json", "package-lock.json", "lodash 1.3.1\n", NULL },
		{ "scalibr-package-lock/files.v2.json", "package-lock.json",
		  "abbrev 1.0.9\nabbrev 2.3.4\n", NULL },
		{ "scalibr-package-lock/nested-dependencies.v1.json", "package-lock.json",
		  "postcss 6.0.23\npostcss 7.0.16\npostcss-calc 7.0.1\nsupports-color 5.5.0\n"
		  "supports-color 6.1.0\n", NULL },
		{ "scalibr-package-lock/nested-dependencies.v2.json", "package-lock.json",
		  "postcss 6.0.23\npostcss 7.0.16\npostcss-calc 7.0.1\nsupports-color 5.5.0\n"
		  "supports-color 6.1.0\n", NULL },
		{ "scalibr-package-lock/nested-dependencies-dup.v2.json", "package-lock.json",
		  "supports-color 2.0.0\nsupports-color 6.1.0\n", NULL },
		{ "scalibr-package-lock/null.v2.jsontest", "package-lock.json", "", "line 1" },
		{ "scalibr-package-lock/one-package-dev.v1.json", "package-lock.json", "wrappy 1.0.2\n", NULL },
		{ "scalibr-package-lock/one-package.v2.json", "package-lock.json", "wrappy 1.0.2\n", NULL },
		{ "scalibr-package-lock/optional-package.v2.json", "package-lock.json",
		  "supports-color 5.5.0\nwrappy 1.0.2\n", NULL },
		{ "scalibr-package-lock/same-package-different-groups.v2.json", "package-lock.json",
		  "ajv 5.5.2\neslint 1.2.3\ntable 1.0.0\n", NULL },
		{ "scalibr-package-lock/scoped-packages.v1.json", "package-lock.json",
		  "@babel/code-frame 7.0.0\nwrappy 1.0.2\n", NULL },
		{ "scalibr-package-lock/npm-shrinkwrap-only/npm-shrinkwrap.json", "app/npm-shrinkwrap.json",
		  "supports-color 5.5.0\nwrappy 1.0.2\n", NULL },
		{ "scalibr-package-lock/not-json.txt", "package-lock.json", "", "cannot parse" },
		/* a lockfile inside node_modules is a package's source, not the app's */
		{ "syft-pkg-lock/package-lock-3.json", "app/node_modules/x/package-lock.json", "", NULL },
		{ "syft-pkg-lock/package-lock-3.json", "app/node_modules/.package-lock.json", "", NULL },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
yarn(void **state)
{
	static const struct lock_case cases[] = {
		/* 11 entries, "@types/qs@^6.2.31" twice */
		{ "syft-yarn-v1/yarn.lock", "app/yarn.lock",
		  "@babel/code-frame 7.10.4\n@types/minimatch 3.0.3\n@types/qs 6.9.4\najv 6.12.3\n"
		  "asn1.js 4.10.1\natob 2.1.2\naws-sdk 2.706.0\nc0n-fab_u.laTION 7.7.7\njhipster-core 7.3.4\n",
		  NULL },
		{ "syft-yarn-berry/yarn.lock", "app/yarn.lock",
		  "@babel/code-frame 7.10.4\n@types/minimatch 3.0.3\n@types/qs 6.9.4\najv 6.12.3\n"
		  "asn1.js 4.10.1\natob 2.1.2\naws-sdk 2.706.0\njhipster-core 7.3.4\n", NULL },
		/* aliases: "ansi-regex-cjs@npm:ansi-regex@^5.0.0" is ansi-regex */
		{ "scalibr-yarn-lock/with-aliases.v1.lock", "yarn.lock",
		  "@babel/helper-validator-identifier 7.22.20\nansi-regex 5.0.1\nansi-regex 6.0.1\n", NULL },
		{ "scalibr-yarn-lock/with-aliases.v2.lock", "yarn.lock",
		  "@babel/helper-validator-identifier 7.22.20\nansi-regex 5.0.1\nansi-regex 6.0.1\n", NULL },
		/* git dependencies keep their package.json version */
		{ "scalibr-yarn-lock/commits.v1.lock", "yarn.lock",
		  "@bower_components/alertify 0.0.0\n@bower_components/angular-animate 1.4.14\n"
		  "babel-preset-php 1.1.1\nbats 1.5.0\nbats-assert 2.0.0\nbats-support 0.3.0\n"
		  "casadistance 1.0.0\nis-number 2.0.0\nis-number 5.0.0\nkit 1.0.0\nmine1 1.0.0-alpha.37\n"
		  "mine2 0.0.1\nmine3 1.2.3\nmine4 0.0.2\nmine4 0.0.4\nminimist 0.0.8\nmy-package 1.8.3\n"
		  "vue 2.6.12\n", NULL },
		{ "scalibr-yarn-lock/commits.v2.lock", "yarn.lock",
		  "@my-scope/my-first-package 0.0.6\n@typegoose/typegoose 7.2.0\nis-really-great 1.0.0\n"
		  "my-node-sdk 1.1.0\nmy-second-package 0.2.2\nmy-third-package 0.16.1-dev\nvuejs 2.5.0\n",
		  NULL },
		/* file: and link: entries are local */
		{ "scalibr-yarn-lock/files.v1.lock", "yarn.lock", "etag 1.8.1\nlodash 1.3.1\n", NULL },
		{ "scalibr-yarn-lock/files.v2.lock", "yarn.lock", "", NULL },
		/* berry workspaces (linkType: soft) are the project */
		{ "scalibr-yarn-lock/exclude-root.v2.lock", "yarn.lock", "ansi-regex 6.1.0\n", NULL },
		{ "scalibr-yarn-lock/metadata-only.v2.lock", "yarn.lock", "", NULL },
		{ "scalibr-yarn-lock/empty.v1.lock", "yarn.lock", "", NULL },
		{ "scalibr-yarn-lock/empty.v2.lock", "yarn.lock", "", NULL },
		{ "scalibr-yarn-lock/multiple-constraints.v1.lock", "yarn.lock",
		  "@babel/code-frame 7.12.13\ndomelementtype 1.3.1\n", NULL },
		{ "scalibr-yarn-lock/multiple-versions.v1.lock", "yarn.lock",
		  "define-properties 1.1.3\ndefine-property 0.2.5\ndefine-property 1.0.0\n"
		  "define-property 2.0.2\n", NULL },
		{ "scalibr-yarn-lock/multiple-versions.v2.lock", "yarn.lock",
		  "debug 2.6.9\ndebug 3.2.7\ndebug 4.3.3\n", NULL },
		{ "scalibr-yarn-lock/no-version.v1.lock", "yarn.lock", "balanced-match 1.0.2\n", NULL },
		{ "scalibr-yarn-lock/scoped-packages.v2.lock", "yarn.lock",
		  "@babel/cli 7.16.8\n@babel/code-frame 7.16.7\n@babel/compat-data 7.16.8\n", NULL },
		{ "scalibr-yarn-lock/with-build-string.v1.lock", "yarn.lock",
		  "domino 2.1.6+git\ntslib 2.6.2\n", NULL },
		{ "scalibr-yarn-lock/with-prerelease.v1.lock", "yarn.lock",
		  "css-tree 1.0.0-alpha.37\ngensync 1.0.0-beta.2\nnode-fetch 3.0.0-beta.9\nresolve 1.20.0\n"
		  "resolve 2.0.0-next.3\n", NULL },
		{ "scalibr-yarn-lock/with-prerelease.v2.lock", "yarn.lock",
		  "@nicolo-ribaudo/chokidar-2 2.1.8-no-fsevents.3\ngensync 1.0.0-beta.2\n", NULL },
		/* quoted field names */
		{ "scalibr-yarn-lock/with-quotes.v1.lock", "yarn.lock",
		  "concat-map 0.0.1\nconcat-stream 1.6.2\n", NULL },
		{ "scalibr-yarn-lock/with-quotes.v2.lock", "yarn.lock",
		  "compare-func 2.0.0\nconcat-map 0.0.1\n", NULL },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
pnpm(void **state)
{
	static const struct lock_case cases[] = {
		/* v5 ("/name/1.0.0"), trimmed to one package by syft */
		{ "syft-pnpm/pnpm-lock.yaml", "app/pnpm-lock.yaml", "@bcoe/v8-coverage 0.2.3\n", NULL },
		/* v6 ("/name@1.0.0(peer)") */
		{ "syft-pnpm-v6/pnpm-lock.yaml", "app/pnpm-lock.yaml",
		  "@babel/core 7.21.4\n@testing-library/jest-dom 5.16.5\n@testing-library/react 13.4.0\n"
		  "@testing-library/user-event 13.5.0\n@types/eslint 8.37.0\nreact 18.2.0\nreact-dom 18.2.0\n"
		  "read-cache 1.0.0\nschema-utils 3.1.2\nweb-vitals 2.1.4\n", NULL },
		{ "syft-pnpm-v9/pnpm-lock.yaml", "pnpm-lock.yaml",
		  "@babel/core 7.24.7\n@babel/helper-plugin-utils 7.24.7\nis-positive 3.1.0\nrollup 4.18.0\n",
		  NULL },
		/* registry hosts and peer suffixes in v5 keys; "github.com/kevva/is-positive"
		 * and "/foo/bar" hold no version */
		{ "scalibr-pnpm-lock/exotic.yaml", "pnpm-lock.yaml",
		  "@foo/bar 1.0.0\n@foo/bar 1.1.0\nfoo 1.0.0\nfoo 1.1.0\nfoo 1.2.0\nfoo 1.3.0\nfoo 1.4.0\n",
		  "2 of 9 packages" },
		/* git and tarball entries carry name: and version: */
		{ "scalibr-pnpm-lock/commits.yaml", "pnpm-lock.yaml",
		  "@my-scope/my-other-package 1.0.0\n@my-scope/my-package 1.0.0\nfaker-parser 0.0.1\n"
		  "mocks 20.0.1\nmy-bitbucket-package 1.0.0\n", NULL },
		{ "scalibr-pnpm-lock/commits.v9.yaml", "pnpm-lock.yaml", "ansi-regex 6.0.1\nis-number 7.0.0\n", NULL },
		{ "scalibr-pnpm-lock/tarball.yaml", "pnpm-lock.yaml", "@my-org/my-package 3.2.3\n", NULL },
		/* file: packages are local */
		{ "scalibr-pnpm-lock/files.yaml", "pnpm-lock.yaml", "", NULL },
		{ "scalibr-pnpm-lock/empty.yaml", "pnpm-lock.yaml", "", NULL },
		{ "scalibr-pnpm-lock/missing-packages.yaml", "pnpm-lock.yaml", "", NULL },
		{ "scalibr-pnpm-lock/no-packages.yaml", "pnpm-lock.yaml", "", NULL },
		{ "scalibr-pnpm-lock/no-packages.v9.yaml", "pnpm-lock.yaml", "", NULL },
		{ "scalibr-pnpm-lock/invalid-path.yaml", "pnpm-lock.yaml", "acorn 8.7.0\n", "1 of 2 packages" },
		{ "scalibr-pnpm-lock/invalid-paths.yaml", "pnpm-lock.yaml", "acorn 8.7.0\n", "2 of 3 packages" },
		{ "scalibr-pnpm-lock/mixed-groups.v53.yaml", "pnpm-lock.yaml",
		  "ansi-regex 5.0.1\nis-number 7.0.0\nuuid 8.3.2\n", NULL },
		{ "scalibr-pnpm-lock/mixed-groups.v6.yaml", "pnpm-lock.yaml",
		  "ansi-regex 5.0.0\nis-number 7.0.0\nuuid 8.0.0\n", NULL },
		{ "scalibr-pnpm-lock/mixed-groups.v9.yaml", "pnpm-lock.yaml",
		  "ansi-regex 5.0.1\nis-number 7.0.0\nuuid 8.3.2\n", NULL },
		{ "scalibr-pnpm-lock/multiple-packages.yaml", "pnpm-lock.yaml",
		  "aws-sdk 2.1087.0\nbase64-js 1.5.1\nbuffer 4.9.2\nevents 1.1.1\nieee754 1.1.13\n"
		  "isarray 1.0.0\njmespath 0.16.0\npunycode 1.3.2\nquerystring 0.2.0\nsax 1.2.1\n"
		  "url 0.10.3\nuuid 3.3.2\nxml2js 0.4.19\nxmlbuilder 9.0.7\n", NULL },
		{ "scalibr-pnpm-lock/multiple-versions.v9.yaml", "pnpm-lock.yaml",
		  "uuid 8.0.0\nuuid 8.3.2\nxmlbuilder 11.0.1\n", NULL },
		{ "scalibr-pnpm-lock/peer-dependencies-advanced-rc-v6.yaml", "pnpm-lock.yaml",
		  "js-tokens 4.0.0\nloose-envify 1.4.0\nreact 18.2.0\nreact-dom 18.0.0-rc.3\n"
		  "scheduler 0.21.0\n", NULL },
		{ "scalibr-pnpm-lock/peer-dependencies-advanced.v9.yaml", "pnpm-lock.yaml",
		  "@eslint-community/eslint-utils 4.4.0\n@eslint/eslintrc 2.1.4\n"
		  "@typescript-eslint/eslint-plugin 5.62.0\n@typescript-eslint/parser 5.62.0\n"
		  "@typescript-eslint/type-utils 5.62.0\n@typescript-eslint/typescript-estree 5.62.0\n"
		  "@typescript-eslint/utils 5.62.0\ndebug 4.3.4\neslint 8.57.0\nhas-flag 4.0.0\n"
		  "supports-color 7.2.0\ntsutils 3.21.0\ntypescript 4.9.5\n", NULL },
		{ "scalibr-pnpm-lock/peer-dependencies-advanced.yaml", "pnpm-lock.yaml",
		  "@typescript-eslint/eslint-plugin 5.13.0\n@typescript-eslint/parser 5.13.0\n"
		  "@typescript-eslint/type-utils 5.13.0\n@typescript-eslint/types 5.13.0\n"
		  "@typescript-eslint/typescript-estree 5.13.0\n@typescript-eslint/utils 5.13.0\n"
		  "eslint 8.10.0\neslint-utils 3.0.0\ntsutils 3.21.0\n", NULL },
		{ "scalibr-pnpm-lock/scoped-packages-v6-lockfile.yaml", "pnpm-lock.yaml",
		  "@typescript-eslint/types 5.57.1\n", NULL },
		{ "scalibr-pnpm-lock/scoped-packages.v9.yaml", "pnpm-lock.yaml", "@typescript-eslint/types 5.62.0\n", NULL },
		{ "scalibr-pnpm-lock/scoped-packages.yaml", "pnpm-lock.yaml", "@typescript-eslint/types 5.13.0\n", NULL },
		{ "scalibr-pnpm-lock/one-package.yaml", "pnpm-lock.yaml", "acorn 8.7.0\n", NULL },
		{ "scalibr-pnpm-lock/one-package.v9.yaml", "pnpm-lock.yaml", "acorn 8.11.3\n", NULL },
		{ "scalibr-pnpm-lock/not-yaml.txt", "pnpm-lock.yaml", "", "cannot parse" },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* The fast paths (package.json, package-lock v2/v3) give what jansson
 * gives: each fixture is read as it is, then with an escaped key added
 * after its first '{', which sends the whole file to jansson. */
static char *
describe(const struct lb_inventory *inv, size_t nwarn)
{
	struct lb_buf b = LB_BUF_INIT(1u << 20);

	for (size_t i = 0; i < inv->npkgs; i++)
		lb_buf_addf(&b, "%s %s %s %s\n", inv->pkgs[i].name, inv->pkgs[i].version,
		    inv->pkgs[i].license ? inv->pkgs[i].license : "-", inv->pkgs[i].purl);
	lb_buf_addf(&b, "%zu warnings\n", nwarn);
	return lb_buf_detach(&b, NULL);
}

static void
fast_paths(void **state)
{
	static const struct {
		const char *fixture, *path;
	} cases[] = {
		{ "syft-pkg-json/package.json", "node_modules/a/package.json" },
		{ "syft-pkg-json/package-license-object.json", "node_modules/a/package.json" },
		{ "syft-pkg-json/package-license-objects.json", "node_modules/a/package.json" },
		{ "syft-pkg-json/package-malformed-license.json", "node_modules/a/package.json" },
		{ "syft-pkg-json/package-partial.json", "node_modules/a/package.json" },
		{ "syft-pkg-json/package-contributors-string.json", "node_modules/a/package.json" },
		{ "trivy-npm-happy/node_modules/@babel/parser/package.json", "node_modules/a/package.json" },
		{ "syft-pkg-lock/package-lock-2.json", "package-lock.json" },
		{ "syft-pkg-lock/package-lock-3.json", "package-lock.json" },
		{ "syft-pkg-lock/alias-package-lock-2.json", "package-lock.json" },
		{ "scalibr-package-lock/commits.v2.json", "package-lock.json" },
		{ "scalibr-package-lock/files.v2.json", "package-lock.json" },
		{ "scalibr-package-lock/bundled-dependencies.v3.json", "package-lock.json" },
		{ "scalibr-package-lock/nested-dependencies-dup.v2.json", "package-lock.json" },
		{ "scalibr-package-lock/empty.v2.json", "package-lock.json" },
	};
	char rel[256];
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;
		struct lb_buf b = LB_BUF_INIT(64u << 20);
		size_t len;
		char *data, *brace, *fast, *slow;

		snprintf(rel, sizeof(rel), FX "%s", cases[i].fixture);
		data = lbt_slurp(lbt_testdata(rel), &len);
		print_message("%s\n", cases[i].fixture);
		run_mem(&r, cases[i].path, data, len);
		fast = describe(r.inv, r.cx.nwarn);
		run_release(&r);
		brace = strchr(data, '{');
		assert_non_null(brace);
		lb_buf_add(&b, data, (size_t)(brace + 1 - data));
		lb_buf_addstr(&b, "\"\\u0078\": 1,");
		lb_buf_add(&b, brace + 1, len - (size_t)(brace + 1 - data));
		run_mem(&r, cases[i].path, b.p, b.len);
		slow = describe(r.inv, r.cx.nwarn);
		run_release(&r);
		assert_string_equal(fast, slow);
		free(fast);
		free(slow);
		free(data);
		lb_buf_release(&b);
	}
}

/* --- hostile input ----------------------------------------------------------------- */

static void
hostile(void **state)
{
	struct lb_buf b = LB_BUF_INIT(64u << 20);
	struct run r;
	char *s;
	(void)state;

	/* package.json: not JSON, not an object, a NUL in the name, a huge name */
	run_str(&r, "node_modules/a/package.json", "{\"name\": \"a\", \"version\": ");
	assert_int_equal(r.inv->npkgs, 0);
	assert_warned(&r, "node_modules/a/package.json", "line 1");
	run_release(&r);
	run_str(&r, "node_modules/a/package.json", "[\"a\"]");
	assert_warned(&r, "node_modules/a/package.json", "not a JSON object");
	run_release(&r);
	run_str(&r, "node_modules/a/package.json", "{\"name\": \"a\\u0000b\", \"version\": \"1\"}");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	run_release(&r);
	run_str(&r, "node_modules/a/package.json", "{\"name\": \"a b\", \"version\": \"1\", \"license\": 3}");
	assert_warned(&r, "node_modules/a/package.json", "invalid name");
	run_release(&r);
	run_str(&r, "node_modules/a/package.json", "{\"name\": \"a\", \"version\": [1], \"licenses\": {}}");
	assert_warned(&r, "node_modules/a/package.json", "no version");
	run_release(&r);
	run_str(&r, "node_modules/a/package.json",
	    "{\"name\": \"a\", \"version\": \"1\", \"licenses\": [3, {\"type\": 4}, {}, \"X\"]}");
	assert_list(r.inv, "a 1\n");
	assert_string_equal(r.inv->pkgs[0].license, "X");
	run_release(&r);

	/* what the fast path leaves to jansson: escapes, non-ASCII, trailing bytes */
	run_str(&r, "node_modules/a/package.json", "{\"name\": \"\\u0061\", \"version\": \"1\", \"license\": {\"type\": \"MIT\"}}");
	assert_list(r.inv, "a 1\n");
	assert_string_equal(r.inv->pkgs[0].license, "MIT");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
	run_str(&r, "node_modules/a/package.json", "{\"name\": \"a\", \"version\": \"1\"} x");
	assert_int_equal(r.inv->npkgs, 0);
	assert_warned(&r, "node_modules/a/package.json", "line 1");
	run_release(&r);
	run_str(&r, "node_modules/a/package.json", "{\"x\": [1, {\"y\": \"}\"}], \"name\": \"b\", "
	    "\"z\": -1.5E+3, \"n\": null, \"version\": \"2\", \"name\": \"a\"}");
	assert_list(r.inv, "a 2\n");
	assert_null(r.inv->pkgs[0].license);
	run_release(&r);
	run_str(&r, "node_modules/a/package.json", "{\"name\": \"a\", \"version\": \"1\", \"x\": [1,]}");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	run_release(&r);

	/* a package.json larger than the cap: one warning, nothing read */
	lb_buf_addstr(&b, "{\"name\": \"a\", \"version\": \"1\", \"description\": \"");
	while (b.len < (1u << 20) + 10)
		lb_buf_addstr(&b, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	lb_buf_addstr(&b, "\"}");
	run_mem(&r, "node_modules/a/package.json", b.p, b.len);
	assert_int_equal(r.inv->npkgs, 0);
	assert_warned(&r, "node_modules/a/package.json", "more than");
	run_release(&r);
	lb_buf_reset(&b);

	/* v1 dependencies nested 300 deep: bounded, one warning */
	lb_buf_addstr(&b, "{\"lockfileVersion\": 1, \"dependencies\": ");
	for (int i = 0; i < 300; i++)
		lb_buf_addf(&b, "{\"p%d\": {\"version\": \"1.0.%d\", \"dependencies\": ", i, i);
	lb_buf_addstr(&b, "{}");
	for (int i = 0; i < 300; i++)
		lb_buf_addstr(&b, "}}");
	lb_buf_addstr(&b, "}");
	run_mem(&r, "package-lock.json", b.p, b.len);
	assert_int_equal(r.inv->npkgs, 257);
	assert_warned(&r, "package-lock.json", "nested more than 256");
	run_release(&r);
	lb_buf_reset(&b);

	/* v2 entries of the wrong types */
	run_str(&r, "package-lock.json", "{\"packages\": {\"node_modules/a\": 1, \"node_modules/b\": "
	    "{\"version\": 2}, \"node_modules/c\": {\"version\": \"1\", \"name\": [1]}, "
	    "\"node_modules/d\": {\"version\": \"1\", \"link\": true}, \"node_modules/\": {\"version\": \"1\"}}}");
	assert_list(r.inv, "c 1\n");
	assert_warned(&r, "package-lock.json", "1 entries");
	run_release(&r);

	/* yarn: garbage, a header without ':', NUL bytes */
	run_str(&r, "yarn.lock", "a@^1:\n  version \"1.0.0\"\nthis is not yarn\n  version \"2\"\nb@^1:\n  version 3\n");
	assert_list(r.inv, "a 1.0.0\nb 3\n");
	assert_warned(&r, "yarn.lock", "line 3");
	run_release(&r);
	run_mem(&r, "yarn.lock", "a@^1:\n  version \"1\0\"\n", 19);
	assert_int_equal(r.inv->npkgs, 0);
	assert_warned(&r, "yarn.lock", "NUL");
	run_release(&r);
	run_str(&r, "yarn.lock", "\"@:\n  version \"\n\"\":\n  version x\n@a@1:\n  version 1\n");
	assert_int_equal(r.inv->npkgs, 0);
	assert_warned(&r, "yarn.lock", NULL);
	run_release(&r);

	/* pnpm: not YAML, an alias bomb (events only: nothing expands), deep nesting */
	run_str(&r, "pnpm-lock.yaml", "packages:\n  /a/1.0.0: {\n");
	assert_int_equal(r.inv->npkgs, 0);
	assert_warned(&r, "pnpm-lock.yaml", "line");
	run_release(&r);
	lb_buf_addstr(&b, "lockfileVersion: '6.0'\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i < 40; i++)
		lb_buf_addf(&b, "x%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
		    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	lb_buf_addstr(&b, "packages:\n  /a@1.0.0: *a39\n  /b@2.0.0:\n    resolution: *a39\n    name: *a3\n");
	run_mem(&r, "pnpm-lock.yaml", b.p, b.len);
	assert_list(r.inv, "a 1.0.0\nb 2.0.0\n");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
	lb_buf_reset(&b);
	lb_buf_addstr(&b, "packages:\n  /a@1.0.0:\n    x: ");
	for (int i = 0; i < 100000; i++)
		lb_buf_addstr(&b, "[");
	for (int i = 0; i < 100000; i++)
		lb_buf_addstr(&b, "]");
	lb_buf_addstr(&b, "\n");
	run_mem(&r, "pnpm-lock.yaml", b.p, b.len);
	assert_int_equal(r.inv->npkgs, 0);
	assert_warned(&r, "pnpm-lock.yaml", "line 3: nested more than 256 deep");
	run_release(&r);
	run_str(&r, "pnpm-lock.yaml", "- a\n- b\n");
	assert_warned(&r, "pnpm-lock.yaml", "not a mapping");
	run_release(&r);
	run_str(&r, "pnpm-lock.yaml", "lockfileVersion: [1]\npackages: [1, 2]\nx: {a: b}\n");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
	run_str(&r, "pnpm-lock.yaml", "packages:\n  ? [a]\n  : b\n  /x@1.0.0:\n    ? {a: b}\n    : c\n"
	    "    name: [1]\n    version: {}\n");
	assert_list(r.inv, "x 1.0.0\n");
	run_release(&r);
	s = lb_buf_detach(&b, NULL);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(installed_tree),
		cmocka_unit_test(installed_paths),
		cmocka_unit_test(installed_licenses),
		cmocka_unit_test(package_lock),
		cmocka_unit_test(yarn),
		cmocka_unit_test(pnpm),
		cmocka_unit_test(fast_paths),
		cmocka_unit_test(hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
