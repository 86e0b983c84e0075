/* t_an_python.c - the Python analyzer: installed metadata (dist-info,
 * egg-info, eggs) and lockfiles (requirements, poetry, uv, Pipfile), on
 * the real fixtures of ../shared/testdata/pkgdb/python and on hostile
 * inputs. */
#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "analyze/purl.h"
#include "base/lb_alloc.h"
#include "image/fsview.h"
#include "io/istream.h"

#define FX "pkgdb/python/"

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

/* Runs the python analyzer's scan_file on len bytes at data as if they
 * were the file at path, when one of its stream interests matches. */
static void
run_mem(struct run *r, const char *path, const void *data, size_t len)
{
	const struct lb_analyzer_ops *a = analyzer("python");
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

static const struct lb_pkg *
find_pkg(const struct lb_inventory *inv, const char *name, const char *version)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0 &&
		    (!version || strcmp(inv->pkgs[i].version, version) == 0))
			return &inv->pkgs[i];
	fail_msg("package '%s' '%s' is missing", name, version ? version : "");
	return NULL;
}

/* "name version" of every package, sorted (lb_inventory_finish sorts). */
static char *
pkg_list(const struct lb_inventory *inv)
{
	size_t cap = 1, len = 0;
	char *s = lb_xmalloc(cap);

	s[0] = 0;
	for (size_t i = 0; i < inv->npkgs; i++) {
		char *line = lb_xasprintf("%s %s\n", inv->pkgs[i].name, inv->pkgs[i].version);
		size_t n = strlen(line);
		lb_xgrow(&s, &cap, len + n + 1, 1);
		memcpy(s + len, line, n + 1);
		len += n;
		free(line);
	}
	return s;
}

static void
assert_list(const struct lb_inventory *inv, const char *want)
{
	char *got = pkg_list(inv);

	assert_string_equal(got, want);
	free(got);
}

static void
check_installed(const struct lb_pkg *p, const char *purl, const char *license)
{
	assert_string_equal(p->type, "pypi");
	assert_false(p->declared);
	assert_non_null(p->purl);
	assert_string_equal(p->purl, purl);
	if (license) {
		assert_non_null(p->license);
		assert_string_equal(p->license, license);
	} else {
		assert_null(p->license);
	}
}

/* --- installed metadata ------------------------------------------------- */

static void
dist_info(void **state)
{
	struct run r;
	(void)state;

	LBT_NEED_TESTDATA();
	/* README: nested/dist-name/dist-info/METADATA is Pygments 2.6.1 */
	run_fixture(&r, "usr/lib/python3/site-packages/Pygments-2.6.1.dist-info/METADATA",
	    FX "syft-site-packages/nested/dist-name/dist-info/METADATA");
	assert_int_equal(r.inv->npkgs, 1);
	check_installed(find_pkg(r.inv, "Pygments", "2.6.1"), "pkg:pypi/pygments@2.6.1", "BSD License");
	assert_null(r.inv->pkgs[0].db_path);      /* the framework sets the evidence path */
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);

	/* the fixture's own folder names: "dist-info" and "DIST-INFO" */
	run_fixture(&r, "nested/dist-name/dist-info/METADATA",
	    FX "syft-site-packages/nested/dist-name/dist-info/METADATA");
	assert_int_equal(r.inv->npkgs, 1);
	run_release(&r);
	run_fixture(&r, "uppercase/dist-name/DIST-INFO/METADATA",
	    FX "syft-site-packages/uppercase/dist-name/DIST-INFO/METADATA");
	assert_int_equal(r.inv->npkgs, 1);
	check_installed(&r.inv->pkgs[0], "pkg:pypi/pygments@2.6.1", "BSD License");
	run_release(&r);

	/* partial.dist-info and malformed-record: METADATA is still whole */
	run_fixture(&r, "site-packages/partial.dist-info/METADATA",
	    FX "syft-site-packages/partial.dist-info/METADATA");
	assert_list(r.inv, "Pygments 2.6.1\n");
	run_release(&r);

	/* no License:, the classifier gives it */
	run_fixture(&r, "x/with-license-file-declared.dist-info/METADATA",
	    FX "syft-site-packages/license/with-license-file-declared.dist-info/METADATA");
	check_installed(&r.inv->pkgs[0], "pkg:pypi/pygments@2.6.1", "BSD License");
	run_release(&r);

	/* a METADATA outside a dist-info folder is not evidence */
	run_fixture(&r, "src/project/METADATA", FX "syft-site-packages/partial.dist-info/METADATA");
	assert_int_equal(r.inv->npkgs, 0);
	run_release(&r);
	run_fixture(&r, "src/project/notdist-info/METADATA",
	    FX "syft-site-packages/partial.dist-info/METADATA");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
}

static void
egg_info(void **state)
{
	struct run r;
	(void)state;

	LBT_NEED_TESTDATA();
	run_fixture(&r, "usr/lib/python3/dist-packages/requests-2.22.0.egg-info/PKG-INFO",
	    FX "syft-site-packages/nested/egg-name/egg-info/PKG-INFO");
	assert_int_equal(r.inv->npkgs, 1);
	check_installed(find_pkg(r.inv, "requests", "2.22.0"), "pkg:pypi/requests@2.22.0", "Apache 2.0");
	run_release(&r);

	run_fixture(&r, "x/egg-name/EGG-INFO/PKG-INFO", FX "syft-site-packages/uppercase/egg-name/EGG-INFO/PKG-INFO");
	assert_list(r.inv, "requests 2.22.0\n");
	run_release(&r);

	/* the single-file form */
	run_fixture(&r, "usr/lib/python2.7/lib-dynload/Python-2.7.egg-info", FX "syft-Python-2.7.egg-info");
	assert_list(r.inv, "Python 2.7.13\n");
	check_installed(&r.inv->pkgs[0], "pkg:pypi/python@2.7.13", "PSF license");
	run_release(&r);
	run_fixture(&r, "site-packages/test.egg-info", FX "syft-site-packages/test/test.egg-info");
	assert_list(r.inv, "requests 2.22.0\n");
	run_release(&r);

	/* no Version: one warning naming the file, no package */
	run_fixture(&r, "site-packages/no-version-py3.8.egg-info",
	    FX "syft-site-packages/no-version/no-version-py3.8.egg-info");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	assert_non_null(strstr(r.cx.warnings[0], "'site-packages/no-version-py3.8.egg-info'"));
	assert_non_null(strstr(r.cx.warnings[0], "no Version"));
	run_release(&r);
}

/* The scalibr wheel/egg metadata cases, each as a dist-info METADATA. */
static void
scalibr_variants(void **state)
{
	static const struct {
		const char *file, *name, *version, *purl, *license;
	} cases[] = {
		{ "pkginfo", "httplib2", "0.20.4", "pkg:pypi/httplib2@0.20.4", "MIT" },
		{ "distinfo_meta", "pip", "22.2.2", "pkg:pypi/pip@22.2.2", "MIT" },
		{ "egginfo", "pycups", "2.0.1", "pkg:pypi/pycups@2.0.1", "GPLv2+" },
		/* License: UNKNOWN: the classifier says MIT */
		{ "egginfo_pkginfo", "setuptools", "57.4.0", "pkg:pypi/setuptools@57.4.0", "MIT License" },
		/* lowercase header names */
		{ "mixed_case", "httplib2", "1.0", "pkg:pypi/httplib2@1.0", NULL },
		/* PEP 503 in the purl: '.' and '_' become '-' */
		{ "special_chars", "backports.ssl_match_hostname", "3.5.0.1",
		  "pkg:pypi/backports-ssl-match-hostname@3.5.0.1", NULL },
		/* three Version: headers: the first wins, as in Python's email parser */
		{ "repeated_pkginfo", "root", "1.0.0", "pkg:pypi/root@1.0.0", NULL },
		/* a line that is not a header ends the headers; Name and Version came before */
		{ "malformed_pkginfo", "passlib", "1.7.4", "pkg:pypi/passlib@1.7.4", "BSD" },
		{ "pyopenssl-26.0.0.dist-info", "pyOpenSSL", "26.0.0", "pkg:pypi/pyopenssl@26.0.0",
		  "Apache License, Version 2.0" },
	};
	char path[256], rel[256];
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;

		snprintf(path, sizeof(path), "site-packages/%s.dist-info/METADATA", cases[i].file);
		snprintf(rel, sizeof(rel), FX "scalibr-wheelegg/%s", cases[i].file);
		run_fixture(&r, path, rel);
		print_message("%s\n", cases[i].file);
		assert_int_equal(r.inv->npkgs, 1);
		assert_string_equal(r.inv->pkgs[0].name, cases[i].name);
		assert_string_equal(r.inv->pkgs[0].version, cases[i].version);
		check_installed(&r.inv->pkgs[0], cases[i].purl, cases[i].license);
		assert_int_equal(r.cx.nwarn, 0);
		run_release(&r);
	}
	{
		/* an empty METADATA: one warning */
		struct run r;
		run_fixture(&r, "site-packages/empty.dist-info/METADATA", FX "scalibr-wheelegg/empty");
		assert_int_equal(r.inv->npkgs, 0);
		assert_int_equal(r.cx.nwarn, 1);
		assert_non_null(strstr(r.cx.warnings[0], "'site-packages/empty.dist-info/METADATA'"));
		run_release(&r);
	}
}

static void
eggs(void **state)
{
	struct run r;
	(void)state;

	LBT_NEED_TESTDATA();
	run_fixture(&r, "usr/lib/python3.10/site-packages/monotonic-1.6-py3.10.egg",
	    FX "scalibr-wheelegg/monotonic-1.6-py3.10.egg");
	assert_int_equal(r.inv->npkgs, 1);
	check_installed(find_pkg(r.inv, "monotonic", "1.6"), "pkg:pypi/monotonic@1.6", "Apache");
	/* evidence inside the archive */
	assert_string_equal(r.inv->pkgs[0].db_path,
	    "usr/lib/python3.10/site-packages/monotonic-1.6-py3.10.egg!/EGG-INFO/PKG-INFO");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);

	/* no EGG-INFO/PKG-INFO: the setuptools file name gives name and version */
	run_fixture(&r, "site-packages/monotonic_no_pkginfo-1.6-py3.10.egg",
	    FX "scalibr-wheelegg/monotonic_no_pkginfo-1.6-py3.10.egg");
	assert_list(r.inv, "monotonic_no_pkginfo 1.6\n");
	assert_null(r.inv->pkgs[0].db_path);
	assert_string_equal(r.inv->pkgs[0].purl, "pkg:pypi/monotonic-no-pkginfo@1.6");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);

	/* a wheel file is not installed evidence */
	run_fixture(&r, "tmp/monotonic-1.6-py2.py3-none-any.whl",
	    FX "scalibr-wheelegg/monotonic-1.6-py2.py3-none-any.whl");
	assert_int_equal(r.inv->npkgs, 0);
	run_release(&r);

	/* not a zip; a cut zip */
	run_str(&r, "site-packages/bad-1.0.egg", "PK\003\004 this is not a zip file at all");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	assert_non_null(strstr(r.cx.warnings[0], "'site-packages/bad-1.0.egg'"));
	run_release(&r);
	{
		size_t len;
		char *data = lbt_slurp(lbt_testdata(FX "scalibr-wheelegg/monotonic-1.6-py3.10.egg"), &len);
		for (size_t cut = 0; cut < len; cut += len / 7 + 1) {
			run_mem(&r, "site-packages/cut-1.0.egg", data, cut);
			assert_true(r.inv->npkgs <= 1);
			assert_true(r.cx.nwarn <= 1);
			assert_int_equal(r.inv->npkgs + r.cx.nwarn, 1);
			run_release(&r);
		}
		free(data);
	}
}

/* --- lockfiles ---------------------------------------------------------------- */

static void
check_declared(const struct lb_inventory *inv)
{
	for (size_t i = 0; i < inv->npkgs; i++) {
		assert_true(inv->pkgs[i].declared);
		assert_string_equal(inv->pkgs[i].type, "pypi");
		assert_non_null(inv->pkgs[i].purl);
	}
}

static void
requirements(void **state)
{
	struct run r;
	(void)state;

	LBT_NEED_TESTDATA();
	/* only the exact pins (derived from the file): ranges, wildcards
	 * ("== 2.8.*"), options, URLs and lines without a name are skipped;
	 * extras, markers, hashes and comments are dropped */
	run_fixture(&r, "app/requirements.txt", FX "syft-requirements/requirements.txt");
	assert_list(r.inv,
	    "FrIeNdLy-_-bArD 1.0.0\n"
	    "GithubSampleProject 3.7.1\n"
	    "SomeProject 5.4\n"
	    "argh 0.26.2\n"
	    "argh 0.26.3\n"
	    "celery 4.4.7\n"
	    "dots-._allowed 1.0.0\n"
	    "flask 4.0.0\n"
	    "foo 1.0.0\n"
	    "local-version 1.2.3+gcr.2\n"
	    "urllib3 1.26.20\n");
	check_declared(r.inv);
	assert_string_equal(find_pkg(r.inv, "FrIeNdLy-_-bArD", NULL)->purl, "pkg:pypi/friendly-bard@1.0.0");
	assert_string_equal(find_pkg(r.inv, "dots-._allowed", NULL)->purl, "pkg:pypi/dots-allowed@1.0.0");
	assert_string_equal(find_pkg(r.inv, "local-version", NULL)->purl,
	    "pkg:pypi/local-version@1.2.3%2Bgcr.2");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);

	/* which .txt files are requirements */
	run_str(&r, "app/requirements-dev.txt", "a==1\n");
	assert_list(r.inv, "a 1\n");
	run_release(&r);
	run_str(&r, "app/dev-requirements.txt", "a==1\n");
	assert_list(r.inv, "a 1\n");
	run_release(&r);
	run_str(&r, "app/requirements/base.txt", "a==1\n");
	assert_list(r.inv, "a 1\n");
	run_release(&r);
	run_str(&r, "usr/share/doc/README.txt", "a==1\n");
	assert_int_equal(r.inv->npkgs, 0);
	run_release(&r);
	run_str(&r, "app/myrequirements/base.txt", "a==1\n");
	assert_int_equal(r.inv->npkgs, 0);
	run_release(&r);

	/* continuation at the end, CRLF, duplicates, a '#' inside a URL */
	run_str(&r, "requirements.txt",
	    "b == 2.0 \\\r\n  --hash=sha256:00\r\nb==2.0\r\nc==3#not-a-comment\nd==4 \\");
	assert_list(r.inv, "b 2.0\nc 3#not-a-comment\nd 4\n");
	run_release(&r);
}

static void
poetry_uv(void **state)
{
	struct run r;
	(void)state;

	LBT_NEED_TESTDATA();
	/* 5 [[package]] tables */
	run_fixture(&r, "app/poetry.lock", FX "syft-poetry-simple-deps/poetry.lock");
	assert_list(r.inv,
	    "certifi 2024.2.2\n"
	    "charset-normalizer 3.3.2\n"
	    "idna 3.7\n"
	    "requests 2.32.2\n"
	    "urllib3 2.2.1\n");
	check_declared(r.inv);
	assert_string_equal(find_pkg(r.inv, "requests", NULL)->purl, "pkg:pypi/requests@2.32.2");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);

	/* 6 tables, one the project itself (source = { virtual = "." }) */
	run_fixture(&r, "uv.lock", FX "syft-uv-simple-deps/uv.lock");
	assert_list(r.inv,
	    "certifi 2025.1.31\n"
	    "charset-normalizer 3.4.1\n"
	    "idna 3.10\n"
	    "requests 2.32.3\n"
	    "urllib3 2.3.0\n");
	check_declared(r.inv);
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);

	/* a poetry folder dependency is not from an index; multi-line strings
	 * and arrays hide text that looks like tables and keys */
	run_str(&r, "poetry.lock",
	    "[[package]]\nname = \"a\"\nversion = \"1.0\"\ndescription = \"\"\"\n[[package]]\n"
	    "name = \"fake\"\n\"\"\"\nfiles = [\n  {file = \"x\", hash = \"y\"}, # c ]\n  \"name = z\",\n]\n"
	    "\n[package.source]\ntype = \"directory\"\nurl = \"../a\"\n\n"
	    "[[package]]\nname = 'b'   # comment\nversion = '2.0'\n[package.dependencies]\n"
	    "version = \"9\"\n\n[metadata]\nname = \"c\"\nversion = \"3\"\n");
	assert_list(r.inv, "b 2.0\n");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);

	/* broken: one warning naming the file and its line; a package before it stays */
	run_str(&r, "uv.lock", "[[package]]\nname = \"a\"\nversion = \"1\"\n\n[[package]]\nname = \"b\n");
	assert_list(r.inv, "a 1\n");
	assert_int_equal(r.cx.nwarn, 1);
	assert_non_null(strstr(r.cx.warnings[0], "cannot parse 'uv.lock' line 6"));
	run_release(&r);
	run_str(&r, "uv.lock", "[[package]]\nname = \"a\"\nversion = [1, [2, 3]\n");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	run_release(&r);
	run_str(&r, "poetry.lock", "[[package]]\nname = \"a b\"\nversion = \"1\"\n");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	assert_non_null(strstr(r.cx.warnings[0], "'poetry.lock' line 1"));
	run_release(&r);
}

static void
pipfile(void **state)
{
	struct run r;
	(void)state;

	LBT_NEED_TESTDATA();
	/* 4 default and 2 develop entries, each pinned with "==" */
	run_fixture(&r, "app/Pipfile.lock", FX "syft-pipfile-lock/Pipfile.lock");
	assert_list(r.inv,
	    "aio-pika 6.8.0\n"
	    "aiodns 2.0.0\n"
	    "aiohttp 3.7.4.post0\n"
	    "aiohttp-jinja2 1.4.2\n"
	    "astroid 2.5.2\n"
	    "autopep8 1.5.6\n");
	check_declared(r.inv);
	assert_string_equal(find_pkg(r.inv, "aiohttp-jinja2", NULL)->purl, "pkg:pypi/aiohttp-jinja2@1.4.2");
	run_release(&r);

	run_str(&r, "Pipfile.lock", "{\"default\": {\"x\": {\"git\": \"https://e/x\"}, \"y\": {\"version\": \">=1\"}, "
	    "\"z\": {\"version\": \"==1\"}}, \"develop\": [1]}");
	assert_list(r.inv, "z 1\n");
	run_release(&r);
	run_str(&r, "Pipfile.lock", "{\"default\": ");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	assert_non_null(strstr(r.cx.warnings[0], "'Pipfile.lock'"));
	run_release(&r);
}

/* --- hostile input -------------------------------------------------------------- */

static void
hostile(void **state)
{
	struct run r;
	size_t big = (300u << 10);
	char *buf = lb_xmalloc(big);
	(void)state;

	/* NUL bytes, garbage, a header block longer than the cap */
	run_mem(&r, "a.dist-info/METADATA", "Name: a\0\nVersion: 1\n", 20);
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	run_release(&r);
	run_str(&r, "a.dist-info/METADATA", "\x7f" "ELF\x02\x01\x01 garbage: yes\n");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	run_release(&r);
	run_str(&r, "a.dist-info/METADATA", "Name: a b\nVersion: 1\n");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	run_release(&r);
	memset(buf, 'x', big);
	memcpy(buf, "Name: a\nVersion: 1\nSummary: ", 28);
	run_mem(&r, "a.dist-info/METADATA", buf, big);
	assert_list(r.inv, "a 1\n");
	run_release(&r);
	/* a Version line cut by the cap is dropped, not read short */
	memset(buf, 'x', big);
	memcpy(buf, "Name: a\nSummary: ", 17);
	memcpy(buf + (256u << 10) - 12, "\nVersion: 12345", 15);
	run_mem(&r, "a.dist-info/METADATA", buf, big);
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	run_release(&r);
	/* a requirements file of one huge line, a lockfile of brackets */
	memset(buf, '[', big);
	run_mem(&r, "requirements.txt", buf, big);
	assert_int_equal(r.inv->npkgs, 0);
	run_release(&r);
	run_mem(&r, "uv.lock", buf, big);
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	run_release(&r);
	memcpy(buf, "a = ", 4);
	run_mem(&r, "uv.lock", buf, big);
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 1);
	assert_non_null(strstr(r.cx.warnings[0], "nested too deeply"));
	run_release(&r);
	memset(buf, '"', big);
	run_mem(&r, "poetry.lock", buf, big);
	assert_int_equal(r.cx.nwarn, 1);
	run_release(&r);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dist_info),
		cmocka_unit_test(egg_info),
		cmocka_unit_test(scalibr_variants),
		cmocka_unit_test(eggs),
		cmocka_unit_test(requirements),
		cmocka_unit_test(poetry_uv),
		cmocka_unit_test(pipfile),
		cmocka_unit_test(hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
