/* t_an_dotnet.c - the dotnet analyzer: *.deps.json and packages.lock.json. */
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

#define DEPS "app/TestLibrary.deps.json"
#define LOCK "src/App/packages.lock.json"

static const struct lb_analyzer_ops *
analyzer(void)
{
	return lbt_analyzer("dotnet");
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


static void
check_warning(const struct lb_ctx *cx, const char *want)
{
	assert_int_equal(cx->nwarn, 1);
	if (!strstr(cx->warnings[0], want))
		fail_msg("warning '%s' lacks '%s'", cx->warnings[0], want);
}

static int
by_name_version(const void *a, const void *b)
{
	const struct lb_pkg *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->version, y->version);
}

/* The packages as "name version" lines, sorted, each checked for the
 * common fields. */
static char *
pkg_lines(struct lb_inventory *inv, const char *db_path, bool declared)
{
	struct lb_buf b = LB_BUF_INIT(1u << 20);

	qsort(inv->pkgs, inv->npkgs, sizeof(*inv->pkgs), by_name_version);
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct lb_pkg *p = &inv->pkgs[i];
		char *purl = lb_purl_for_pkg(p, NULL), *ver = lb_purl_encode(p->version, 0), want[512];

		assert_string_equal(p->type, "nuget");
		assert_string_equal(p->db_path, db_path);
		assert_int_equal(p->declared, declared);
		assert_null(p->arch);
		assert_null(p->license);
		assert_int_equal(p->layer, -1);
		/* '+' (build metadata) is percent-encoded */
		snprintf(want, sizeof(want), "pkg:nuget/%s@%s", p->name, ver);
		assert_string_equal(purl, want);
		free(purl);
		free(ver);
		assert_int_equal(lb_buf_addf(&b, "%s %s\n", p->name, p->version), 0);
	}
	return lb_buf_detach(&b, NULL);
}

static void
t_deps_fixtures(void **state)
{
	struct lbt_run r;
	char *got;
	(void)state;

	LBT_NEED_TESTDATA();
	run_fixture(&r, DEPS, "pkgdb/dotnet/syft-TestLibrary.deps.json");
	assert_int_equal(r.cx.nwarn, 0);
	/* 14 libraries: 2 projects (TestLibrary, TestCommon) are skipped, and
	 * 2 packages deploy nothing in .NETCoreApp,Version=v6.0 (its shared
	 * framework carries System.Diagnostics.DiagnosticSource and
	 * System.Runtime.CompilerServices.Unsafe 6.0.0) */
	got = pkg_lines(r.inv, DEPS, false);
	assert_string_equal(got,
	    "AWSSDK.Core 3.7.10.6\n"
	    "Microsoft.Extensions.DependencyInjection 6.0.0\n"
	    "Microsoft.Extensions.DependencyInjection.Abstractions 6.0.0\n"
	    "Microsoft.Extensions.Logging 6.0.0\n"
	    "Microsoft.Extensions.Logging.Abstractions 6.0.0\n"
	    "Microsoft.Extensions.Options 6.0.0\n"
	    "Microsoft.Extensions.Primitives 6.0.0\n"
	    "Newtonsoft.Json 13.0.1\n"
	    "Serilog 2.10.0\n"
	    "Serilog.Sinks.Console 4.0.1\n");
	free(got);
	lbt_run_release(&r);

	run_fixture(&r, DEPS, "pkgdb/dotnet/scalibr-depsjson/valid");
	assert_int_equal(r.cx.nwarn, 0);
	got = pkg_lines(r.inv, DEPS, false);
	assert_string_equal(got, "AWSSDK.Core 3.7.10.6\nMicrosoft.Extensions.DependencyInjection 6.0.0\n");
	free(got);
	lbt_run_release(&r);

	/* "Microsoft.Extensions.DependencyInjection" without "/Version" */
	run_fixture(&r, DEPS, "pkgdb/dotnet/scalibr-depsjson/nopackagename");
	got = pkg_lines(r.inv, DEPS, false);
	assert_string_equal(got, "AWSSDK.Core 3.7.10.6\n");
	free(got);
	check_warning(&r.cx, "cannot parse '" DEPS "': expected 'Name/Version', got library "
	    "'Microsoft.Extensions.DependencyInjection'");
	lbt_run_release(&r);

	run_fixture(&r, DEPS, "pkgdb/dotnet/scalibr-depsjson/empty");
	assert_int_equal(r.inv->npkgs, 0);
	check_warning(&r.cx, "cannot parse '" DEPS "': no \"libraries\" object");
	lbt_run_release(&r);

	run_fixture(&r, DEPS, "pkgdb/dotnet/scalibr-depsjson/invalid");
	assert_int_equal(r.inv->npkgs, 0);
	check_warning(&r.cx, "cannot parse '" DEPS "' line 1: ");
	lbt_run_release(&r);
}

static void
t_lock_fixture(void **state)
{
	struct lbt_run r;
	char *got;
	(void)state;

	LBT_NEED_TESTDATA();
	run_fixture(&r, LOCK, "pkgdb/dotnet/syft-packages.lock.json");
	assert_int_equal(r.cx.nwarn, 0);
	/* net8.0 has 8, .netcore2.0 adds log4net 1.2.15 (bootstrap 5.0.0 is in both) */
	got = pkg_lines(r.inv, LOCK, true);
	assert_string_equal(got,
	    "AutoMapper 13.0.1\n"
	    "Microsoft.Extensions.DependencyInjection.Abstractions 9.0.0\n"
	    "Microsoft.Extensions.Logging 9.0.0\n"
	    "Microsoft.Extensions.Options 9.0.0\n"
	    "Microsoft.Extensions.Primitives 9.0.0\n"
	    "System.Runtime.CompilerServices.Unsafe 9.0.0\n"
	    "bootstrap 5.0.0\n"
	    "log4net 1.2.15\n"
	    "log4net 2.0.5\n");
	free(got);
	lbt_run_release(&r);
}

static void
t_interests(void **state)
{
	static const struct {
		const char *path;
		bool want;
	} cases[] = {
		{ "app/MyApp.deps.json", true },
		{ "usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.1/Microsoft.NETCore.App.deps.json",
		  true },
		{ "packages.lock.json", true },
		{ "src/App/packages.lock.json", true },
		{ "app/MyApp.runtimeconfig.json", false },
		{ "app/MyApp.deps.json.bak", false },
		{ "src/App/mypackages.lock.json", false },
		{ "src/App/packages.config", false },
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

/* A self-contained app: the runtime pack is the .NET runtime's NuGet
 * package; assets decide what is deployed. */
static void
t_deps_forms(void **state)
{
	static const char app[] =
	    "{\"runtimeTarget\": {\"name\": \".NETCoreApp,Version=v8.0/linux-x64\"},\n"
	    " \"targets\": {\".NETCoreApp,Version=v8.0\": {},\n"
	    "  \".NETCoreApp,Version=v8.0/linux-x64\": {\n"
	    "   \"App/1.0.0\": {\"dependencies\": {}, \"runtime\": {\"App.dll\": {}}},\n"
	    "   \"runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.1\": {\"runtime\": "
	    "{\"System.Private.CoreLib.dll\": {}}, \"native\": {\"libcoreclr.so\": {}}},\n"
	    "   \"SQLitePCLRaw.lib.e_sqlite3/2.1.6\": {\"runtimeTargets\": {\"runtimes/linux-x64/native/"
	    "libe_sqlite3.so\": {\"rid\": \"linux-x64\", \"assetType\": \"native\"}}},\n"
	    "   \"Native.Only/1.0.0\": {\"native\": {\"x.so\": {}}},\n"
	    "   \"Analyzers.Only/3.3.4\": {\"dependencies\": {}},\n"
	    "   \"Empty.Runtime/1.0.0\": {\"runtime\": {}}\n"
	    "  }},\n"
	    " \"libraries\": {\n"
	    "  \"App/1.0.0\": {\"type\": \"project\"},\n"
	    "  \"runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.1\": {\"type\": \"runtimepack\"},\n"
	    "  \"SQLitePCLRaw.lib.e_sqlite3/2.1.6\": {\"type\": \"Package\"},\n"
	    "  \"Native.Only/1.0.0\": {\"type\": \"package\"},\n"
	    "  \"Analyzers.Only/3.3.4\": {\"type\": \"package\"},\n"
	    "  \"Empty.Runtime/1.0.0\": {\"type\": \"package\"},\n"
	    "  \"Not.In.Target/2.0.0\": {\"type\": \"package\"},\n"
	    "  \"System.Ref/4.0.0\": {\"type\": \"reference\"}\n"
	    " }}\n";
	/* no runtime target: every package counts; a bare-string target */
	static const char plain[] =
	    "{\"runtimeTarget\": \".NETCoreApp,Version=v1.0\", \"libraries\": {"
	    "\"A/1.0\": {\"type\": \"package\"}, \"B/2.0.0-beta.1+sha.5\": {\"type\": \"package\"}}}";
	struct lbt_run r;
	char *got;
	(void)state;

	run_str(&r, "app/App.deps.json", app);
	assert_int_equal(r.cx.nwarn, 0);
	got = pkg_lines(r.inv, "app/App.deps.json", false);
	assert_string_equal(got,
	    "Microsoft.NETCore.App.Runtime.linux-x64 8.0.1\n"
	    "Native.Only 1.0.0\n"
	    "Not.In.Target 2.0.0\n"
	    "SQLitePCLRaw.lib.e_sqlite3 2.1.6\n");
	free(got);
	lbt_run_release(&r);

	run_str(&r, "app/Old.deps.json", plain);
	assert_int_equal(r.cx.nwarn, 0);
	got = pkg_lines(r.inv, "app/Old.deps.json", false);
	assert_string_equal(got, "A 1.0\nB 2.0.0-beta.1+sha.5\n");
	assert_int_equal(strcmp(r.inv->pkgs[1].version, "2.0.0-beta.1+sha.5"), 0);
	free(got);
	lbt_run_release(&r);

	/* ".deps.json" alone is no app's */
	run_str(&r, "app/.deps.json", plain);
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 0);
	lbt_run_release(&r);
}

static void
t_hostile(void **state)
{
	static const struct {
		const char *path, *text, *warning;
		size_t npkgs;
	} cases[] = {
		{ DEPS, "{\"libraries\": {\"A/1.0\": {\"type\": \"package\"}, \"B/1.0\": {}, "
		  "\"C/1.0\": 3, \"D/../x\": {\"type\": \"package\"}, \"E F/1.0\": {\"type\": \"package\"}, "
		  "\"G/\": {\"type\": \"package\"}, \"/1.0\": {\"type\": \"package\"}}}",
		  "cannot parse '" DEPS "': no type for library 'B/1.0' (6 bad entries skipped)", 1 },
		{ DEPS, "{\"libraries\": []}", "no \"libraries\" object", 0 },
		{ DEPS, "[]", "no \"libraries\" object", 0 },
		{ DEPS, "{\"libraries\": {}}", NULL, 0 },
		{ DEPS, "{\"targets\": 5, \"runtimeTarget\": {\"name\": 5}, \"libraries\": "
		  "{\"A/1.0\": {\"type\": \"package\"}}}", NULL, 1 },
		{ DEPS, "{\"libraries\": {\"A/1.0\": {\"type\": \"package\"}, \"A/1.0\": "
		  "{\"type\": \"package\"}}}", NULL, 1 },
		{ LOCK, "{\"version\": 2, \"dependencies\": {\"net8.0\": {"
		  "\"Proj\": {\"type\": \"Project\", \"dependencies\": {\"A\": \"[1.0.0, )\"}},"
		  "\"A\": {\"type\": \"Direct\", \"requested\": \"[1.0.0, )\", \"resolved\": \"1.0.0\"},"
		  "\"B\": {\"type\": \"CentralTransitive\", \"requested\": \"[2.0.0, )\", \"resolved\": \"2.0.0\"}},"
		  "\"net8.0/linux-x64\": {\"A\": {\"type\": \"Direct\", \"resolved\": \"1.0.0\"}}}}",
		  NULL, 2 },
		{ LOCK, "{\"dependencies\": {\"net8.0\": {\"A\": {\"type\": \"Direct\"}, "
		  "\"B\": {\"resolved\": 1}, \"C\": 7, \"D\": {\"resolved\": \"x y\"}, "
		  "\"E\": {\"resolved\": \"1.0\"}}, \"net6.0\": []}}",
		  "cannot parse '" LOCK "': no \"resolved\" version for 'A' (5 bad entries skipped)", 1 },
		{ LOCK, "{\"version\": 1}", "no \"dependencies\" object", 0 },
		{ LOCK, "{\"version\": 1, \"dependencies\": {}}", NULL, 0 },
		{ LOCK, "", "empty file", 0 },
		{ LOCK, "{\"dependencies\": {\"net8.0\": {\"A\": {\"resolved\": \"1\\u0000\"}}}}",
		  "cannot parse '" LOCK "' line 1: ", 0 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lbt_run r;

		run_str(&r, cases[i].path, cases[i].text);
		if (r.inv->npkgs != cases[i].npkgs)
			fail_msg("case %zu: %zu packages, expected %zu", i, r.inv->npkgs, cases[i].npkgs);
		if (cases[i].warning)
			check_warning(&r.cx, cases[i].warning);
		else if (r.cx.nwarn)
			fail_msg("case %zu: warning '%s'", i, r.cx.warnings[0]);
		if (i == 7) {
			assert_string_equal(r.inv->pkgs[0].name, "E");
			assert_string_equal(r.inv->pkgs[0].version, "1.0");
			assert_true(r.inv->pkgs[0].declared);
		}
		lbt_run_release(&r);
	}

	/* bigger than the cap: not read at all */
	{
		struct lbt_run r;

		run_mem(&r, DEPS, "{}", 2, (uint64_t)LB_MAX_JSON_DOC + 1);
		assert_int_equal(r.inv->npkgs, 0);
		check_warning(&r.cx, "more than the limit of 8388608");
		lbt_run_release(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_deps_fixtures),
		cmocka_unit_test(t_lock_fixture),
		cmocka_unit_test(t_interests),
		cmocka_unit_test(t_deps_forms),
		cmocka_unit_test(t_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
