/* t_an_ruby.c - the ruby analyzer: installed gemspecs and Gemfile.lock. */
#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "analyze/purl.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "image/fsview.h"
#include "io/istream.h"

#define SPECS "usr/local/bundle/specifications/"
#define LOCK "srv/app/Gemfile.lock"

static const struct lb_analyzer_ops *
analyzer(void)
{
	return lbt_analyzer("ruby");
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


static const struct lb_pkg *
find_pkg(const struct lb_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0)
			return &inv->pkgs[i];
	fail_msg("package '%s' is missing", name);
	return NULL;
}

static bool
has_pkg(const struct lb_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0)
			return true;
	return false;
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
check_gem(const struct lb_pkg *p, const char *name, const char *version, const char *arch,
    const char *license, const char *db_path, bool declared)
{
	assert_string_equal(p->type, "gem");
	assert_string_equal(p->name, name);
	assert_string_equal(p->version, version);
	assert_str_or_null(p->arch, arch);
	assert_str_or_null(p->license, license);
	assert_string_equal(p->db_path, db_path);
	assert_int_equal(p->declared, declared);
	assert_int_equal(p->layer, -1);
}

static void
check_warning(const struct lb_ctx *cx, const char *want)
{
	assert_int_equal(cx->nwarn, 1);
	if (!strstr(cx->warnings[0], want))
		fail_msg("warning '%s' lacks '%s'", cx->warnings[0], want);
}

/* --- installed specifications ------------------------------------------ */

static void
t_gemspec_fixtures(void **state)
{
	static const struct {
		const char *rel, *file, *name, *version, *license;
	} cases[] = {
		{ "pkgdb/ruby/syft-bundler.gemspec", "bundler-2.1.4.gemspec", "bundler", "2.1.4", "MIT" },
		{ "pkgdb/ruby/syft-formatador.gemspec", "formatador-1.1.0.gemspec", "formatador", "1.1.0",
		  "MIT" },
		{ "pkgdb/ruby/scalibr-gemspec/rss-0.2.9.gemspec", "rss-0.2.9.gemspec", "rss", "0.2.9",
		  "BSD-2-Clause" },
		/* two licenses, kept in order */
		{ "pkgdb/ruby/scalibr-gemspec/yaml-0.2.1.gemspec", "yaml-0.2.1.gemspec", "yaml", "0.2.1",
		  "Ruby, BSD-2-Clause" },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lbt_run r;
		char path[256];
		char *purl;

		snprintf(path, sizeof(path), SPECS "%s", cases[i].file);
		run_fixture(&r, path, cases[i].rel);
		assert_int_equal(r.inv->npkgs, 1);
		assert_int_equal(r.cx.nwarn, 0);
		check_gem(&r.inv->pkgs[0], cases[i].name, cases[i].version, NULL, cases[i].license,
		    path, false);
		purl = lb_purl_for_pkg(&r.inv->pkgs[0], NULL);
		snprintf(path, sizeof(path), "pkg:gem/%s@%s", cases[i].name, cases[i].version);
		assert_string_equal(purl, path);
		free(purl);
		lbt_run_release(&r);
	}
}

static void
t_gemspec_broken_fixtures(void **state)
{
	static const struct {
		const char *rel, *why;
	} cases[] = {
		/* "Gem::Specif" then s.name/s.version: no block, nothing guessed */
		{ "pkgdb/ruby/scalibr-gemspec/badspec.gemspec", "no 'Gem::Specification.new' block" },
		{ "pkgdb/ruby/scalibr-gemspec/empty.gemspec", "no 'Gem::Specification.new' block" },
		/* "s.name =" and nothing after it */
		{ "pkgdb/ruby/scalibr-gemspec/invalid.gemspec", "line 6: the name is not a string literal" },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lbt_run r;
		char want[256];

		run_fixture(&r, SPECS "x-1.0.gemspec", cases[i].rel);
		assert_int_equal(r.inv->npkgs, 0);
		snprintf(want, sizeof(want), "cannot parse '" SPECS "x-1.0.gemspec'%s%s",
		    strncmp(cases[i].why, "line", 4) == 0 ? " " : ": ", cases[i].why);
		check_warning(&r.cx, want);
		lbt_run_release(&r);
	}
}

/* Only files right in a specifications folder (or its default/) are
 * installed gems; a project's own .gemspec is Ruby code. */
static void
t_gemspec_locations(void **state)
{
	static const char spec[] = "Gem::Specification.new do |s|\n  s.name = \"rack\"\n"
	    "  s.version = \"2.2.3\"\nend\n";
	static const struct {
		const char *path;
		bool found;
	} cases[] = {
		{ "usr/local/bundle/specifications/rack-2.2.3.gemspec", true },
		{ "var/lib/gems/3.1.0/specifications/rack-2.2.3.gemspec", true },
		{ "usr/lib/ruby/gems/3.1.0/specifications/default/rack-2.2.3.gemspec", true },
		{ "usr/share/rubygems-integration/all/specifications/rack-2.2.3.gemspec", true },
		{ "specifications/rack-2.2.3.gemspec", true },
		{ "app/rack.gemspec", false },
		{ "usr/local/bundle/gems/rack-2.2.3/rack.gemspec", false },
		{ "usr/local/bundle/specifications/x/rack.gemspec", false },
		{ "usr/local/bundle/specifications/.gemspec", false },
		{ "usr/local/bundle/myspecifications/rack-2.2.3.gemspec", false },
		{ "default/rack.gemspec", false },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lbt_run r;

		run_str(&r, cases[i].path, spec);
		assert_int_equal(r.cx.nwarn, 0);
		if (!cases[i].found) {
			assert_int_equal(r.inv->npkgs, 0);
		} else {
			assert_int_equal(r.inv->npkgs, 1);
			check_gem(&r.inv->pkgs[0], "rack", "2.2.3", NULL, NULL, cases[i].path, false);
		}
		lbt_run_release(&r);
	}
}

/* The interests pick the right paths out of a layer, cheaply. */
static void
t_interests(void **state)
{
	static const struct {
		const char *path;
		bool want;
	} cases[] = {
		{ "usr/local/bundle/specifications/rack-2.2.3.gemspec", true },
		{ "app/rack.gemspec", true },          /* looked at, then ignored */
		{ "Gemfile.lock", true },
		{ "srv/app/Gemfile.lock", true },
		{ "srv/app/gems.locked", true },
		{ "srv/app/Gemfile", false },
		{ "srv/app/MyGemfile.lock", false },
		{ "srv/app/Gemfile.lock.bak", false },
		{ "usr/lib/ruby/3.1.0/rubygems.rb", false },
		{ "gemspec", false },
	};
	const struct lb_analyzer_ops *a = analyzer();
	(void)state;

	assert_null(a->analyze);
	assert_null(a->interests);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = false;

		for (const struct lb_interest *in = a->stream_interests; in->path || in->suffix; in++)
			if (lb_interest_match(in, cases[i].path, strlen(cases[i].path)))
				got = true;
		if (got != cases[i].want)
			fail_msg("'%s': interest %d, expected %d", cases[i].path, got, cases[i].want);
	}
}

/* The forms RubyGems' to_ruby has written over the years. */
static void
t_gemspec_forms(void **state)
{
	static const struct {
		const char *text, *name, *version, *arch, *license;
	} cases[] = {
		/* RubyGems 1.x: %q{} and no .freeze */
		{ "Gem::Specification.new do |s|\n  s.name = %q{rake}\n  s.version = \"0.8.7\"\n"
		  "  s.license = %q{MIT}\nend\n", "rake", "0.8.7", NULL, "MIT" },
		/* another block variable, single quotes, Gem::Version.new */
		{ "Gem::Specification.new do |spec|\n  spec.name    = 'json'.freeze\n"
		  "  spec.version = Gem::Version.new(\"2.6.3\")\n  s.name = \"other\"\nend\n",
		  "json", "2.6.3", NULL, NULL },
		/* a native gem: the platform is the arch; escapes in a license */
		{ "# stub: nokogiri 1.13.3 x86_64-linux lib\nGem::Specification.new do |s|\n"
		  "  s.name = \"nokogiri\".freeze\n  s.version = \"1.13.3\"\n"
		  "  s.platform = \"x86_64-linux\".freeze\n"
		  "  s.licenses = [\"MIT\".freeze, \"Caf\\u00E9\\u{2122}\".freeze, %q(A(b)c)]\nend\n",
		  "nokogiri", "1.13.3", "x86_64-linux", "MIT, Caf\xc3\xa9\xe2\x84\xa2, A(b)c" },
		/* "ruby" is no arch; an unreadable platform is unknown */
		{ "Gem::Specification.new do |s|\n s.name = \"a\"\n s.version = \"1.0.0.pre.rc1\"\n"
		  " s.platform = \"ruby\"\nend\n", "a", "1.0.0.pre.rc1", NULL, NULL },
		{ "Gem::Specification.new do |s|\n s.name = \"a\"\n s.version = \"1\"\n"
		  " s.platform = Gem::Platform::RUBY\n s.licenses = []\nend\n", "a", "1", NULL, NULL },
		/* CRLF, tabs, comments, "==" is no assignment, the last one wins */
		{ "Gem::Specification.new do |s|\r\n\ts.name = \"crlf\" # the name\r\n"
		  "\ts.version = \"0.1\"\r\n\tif s.version == \"9\" then end\r\n\ts.version = \"0.2\"\r\n",
		  "crlf", "0.2", NULL, NULL },
		/* no "|s|": any variable */
		{ "Gem::Specification.new {\n  x.name = \"n\"\n  x.version = \"3\"\n}\n", "n", "3", NULL,
		  NULL },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lbt_run r;

		run_str(&r, SPECS "x.gemspec", cases[i].text);
		if (r.cx.nwarn)
			fail_msg("case %zu: warning '%s'", i, r.cx.warnings[0]);
		assert_int_equal(r.inv->npkgs, 1);
		check_gem(&r.inv->pkgs[0], cases[i].name, cases[i].version, cases[i].arch,
		    cases[i].license, SPECS "x.gemspec", false);
		lbt_run_release(&r);
	}
}

/* What is not a plain literal is not guessed at: one warning, no package. */
static void
t_gemspec_hostile(void **state)
{
	struct lbt_run r;
	static const struct {
		const char *text, *why;
	} cases[] = {
		{ "Gem::Specification.new do |s|\n  s.name = \"x\"\n  s.version = Foo::VERSION\nend\n",
		  "line 3: the version is not a string literal" },
		{ "Gem::Specification.new do |s|\n  s.name = \"x#{1}\"\n  s.version = \"1\"\nend\n",
		  "line 2: the name is not a string literal" },
		{ "Gem::Specification.new do |s|\n  s.name = \"x\" + y\n  s.version = \"1\"\nend\n",
		  "line 2: the name is not a string literal" },
		{ "Gem::Specification.new do |s|\n  s.name = \"x\"\n  s.version = \"1\n2\"\nend\n",
		  "line 3: the version is not a string literal" },
		{ "Gem::Specification.new do |s|\n  s.name = \"x\\0y\"\n  s.version = \"1\"\nend\n",
		  "line 2: the name is not a string literal" },
		{ "Gem::Specification.new do |s|\n  s.name = \"x\\u0000\"\n  s.version = \"1\"\nend\n",
		  "line 2: the name is not a string literal" },
		{ "Gem::Specification.new do |s|\n  s.name = \"x\\ud800\"\n  s.version = \"1\"\nend\n",
		  "line 2: the name is not a string literal" },
		{ "Gem::Specification.new do |s|\n  s.name = \"x\\u{110000}\"\n  s.version = \"1\"\n",
		  "line 2: the name is not a string literal" },
		{ "Gem::Specification.new do |s|\n  s.name = %q{x\n  s.version = \"1\"\n",
		  "line 2: the name is not a string literal" },
		{ "Gem::Specification.new do |s|\n  s.name = \"../../etc\"\n  s.version = \"1\"\n",
		  "invalid gem name '../../etc'" },
		{ "Gem::Specification.new do |s|\n  s.name = \"a b\"\n  s.version = \"1\"\n",
		  "invalid gem name 'a b'" },
		{ "Gem::Specification.new do |s|\n  s.name = \"\"\n  s.version = \"1\"\n",
		  "invalid gem name" },
		{ "Gem::Specification.new do |s|\n  s.name = \"a\"\n  s.version = \"v1\"\n",
		  "invalid version 'v1'" },
		{ "Gem::Specification.new do |s|\n  s.name = \"a\"\n  s.version = \"1\"\n"
		  "  s.platform = \"x86 64\"\n", "invalid platform 'x86 64'" },
		{ "Gem::Specification.new do |s|\n  s.version = \"1\"\n", "no name" },
		{ "Gem::Specification.new do |s|\n  s.name = \"a\"\n", "no version" },
		{ "\x01\x02\xff binary", "no 'Gem::Specification.new' block" },
	};
	static const char nul[] = "Gem::Specification.new do |s|\n  s.name = \"a\0b\"\n  s.version = \"1\"\n";
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[256];

		run_str(&r, SPECS "x.gemspec", cases[i].text);
		assert_int_equal(r.inv->npkgs, 0);
		snprintf(want, sizeof(want), "'" SPECS "x.gemspec'%s%s",
		    strncmp(cases[i].why, "line", 4) == 0 ? " " : ": ", cases[i].why);
		check_warning(&r.cx, want);
		lbt_run_release(&r);
	}
	/* a raw NUL byte inside the literal */
	run_mem(&r, SPECS "x.gemspec", nul, sizeof(nul) - 1, 0);
	assert_int_equal(r.inv->npkgs, 0);
	check_warning(&r.cx, "line 2: the name is not a string literal");
	lbt_run_release(&r);
}

/* A line longer than the reader's buffer (an s.files list) is skipped, the
 * lines after it are still read; a cut file says so. */
static void
t_gemspec_long_lines(void **state)
{
	struct lb_buf b = LB_BUF_INIT(8u << 20);
	struct lbt_run r;
	(void)state;

	assert_int_equal(lb_buf_addstr(&b, "Gem::Specification.new do |s|\n  s.files = ["), 0);
	for (int i = 0; i < 20000; i++)
		assert_int_equal(lb_buf_addf(&b, "\"lib/file%d.rb\".freeze, ", i), 0);
	assert_int_equal(lb_buf_addstr(&b, "]\n  s.name = \"big\"\n  s.version = \"1.0\"\nend\n"), 0);
	assert_true(b.len > 300000);
	run_mem(&r, SPECS "big-1.0.gemspec", b.p, b.len, 0);
	assert_int_equal(r.cx.nwarn, 0);
	assert_int_equal(r.inv->npkgs, 1);
	check_gem(&r.inv->pkgs[0], "big", "1.0", NULL, NULL, SPECS "big-1.0.gemspec", false);
	lbt_run_release(&r);

	/* the stream stops at 1000 bytes of a 2000-byte file: no version */
	run_mem(&r, SPECS "big-1.0.gemspec", b.p, 1000, 2000);
	assert_int_equal(r.inv->npkgs, 0);
	check_warning(&r.cx, "cannot parse '" SPECS "big-1.0.gemspec': no name; file truncated to "
	    "1000 of 2000 bytes");
	lbt_run_release(&r);
	lb_buf_release(&b);
}

/* --- Gemfile.lock ------------------------------------------------------- */

static void
t_lock_syft(void **state)
{
	struct lbt_run r;
	(void)state;

	LBT_NEED_TESTDATA();
	run_fixture(&r, LOCK, "pkgdb/ruby/syft-Gemfile.lock");
	/* syft's parse_gemfile_lock_test.go: 52 gems from PATH, GIT and GEM */
	assert_int_equal(r.inv->npkgs, 52);
	assert_int_equal(r.cx.nwarn, 0);
	check_gem(&r.inv->pkgs[0], "google-cloud-errors", "1.3.0", NULL, NULL, LOCK, true);
	check_gem(&r.inv->pkgs[1], "turbolinks", "3.0.0", NULL, NULL, LOCK, true);
	check_gem(&r.inv->pkgs[2], "actionmailer", "4.1.1", NULL, NULL, LOCK, true);
	check_gem(find_pkg(r.inv, "arel"), "arel", "5.0.1.20140414130214", NULL, NULL, LOCK, true);
	check_gem(&r.inv->pkgs[51], "unicorn", "4.8.3", NULL, NULL, LOCK, true);
	/* requirement lines and other sections are not gems */
	assert_false(has_pkg(r.inv, "bad-entry"));
	assert_false(has_pkg(r.inv, "bad-kgio"));
	assert_false(has_pkg(r.inv, "coffee-script (>= 2.2.0)"));
	lbt_run_release(&r);
}

static void
t_lock_scalibr(void **state)
{
	static const struct {
		const char *file;
		size_t n;
		const char *first, *first_version, *last, *last_version;
	} cases[] = {
		{ "has-git-gem.lock", 5, "hanami-controller", "2.0.0.alpha1", "transproc", "1.1.1" },
		{ "has-local-gem.lock", 30, "backbone-on-rails", "1.2.0.0", "zeitwerk", "2.5.4" },
		{ "multiple-gems.lock", 6, "bundler-audit", "0.9.0.1", "thor", "1.2.1" },
		{ "no-gem-section.lock", 0, NULL, NULL, NULL, NULL },
		{ "no-gems.lock", 0, NULL, NULL, NULL, NULL },
		{ "no-spec-section.lock", 0, NULL, NULL, NULL, NULL },
		{ "one-gem.lock", 1, "ast", "2.4.2", "ast", "2.4.2" },
		{ "rails.lock", 46, "actioncable", "7.0.2.2", "zeitwerk", "2.5.4" },
		{ "rubocop.lock", 10, "ast", "2.4.2", "unicode-display_width", "2.1.0" },
		{ "some-gems.lock", 3, "coderay", "1.1.3", "pry", "0.14.1" },
		{ "source-section-at-end.lock", 1, "ast", "2.4.2", "ast", "2.4.2" },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lbt_run r;
		char rel[256];

		snprintf(rel, sizeof(rel), "pkgdb/ruby/scalibr-gemfilelock/%s", cases[i].file);
		run_fixture(&r, LOCK, rel);
		if (r.inv->npkgs != cases[i].n)
			fail_msg("%s: %zu gems, expected %zu", cases[i].file, r.inv->npkgs, cases[i].n);
		assert_int_equal(r.cx.nwarn, 0);
		if (cases[i].n) {
			check_gem(&r.inv->pkgs[0], cases[i].first, cases[i].first_version, NULL, NULL, LOCK,
			    true);
			check_gem(&r.inv->pkgs[cases[i].n - 1], cases[i].last, cases[i].last_version, NULL,
			    NULL, LOCK, true);
		}
		if (strcmp(cases[i].file, "rails.lock") == 0 ||
		    strcmp(cases[i].file, "has-local-gem.lock") == 0) {
			/* "nokogiri (1.13.3-x86_64-linux)": Bundler splits at the first '-' */
			check_gem(find_pkg(r.inv, "nokogiri"), "nokogiri", "1.13.3", "x86_64-linux", NULL,
			    LOCK, true);
		}
		if (strcmp(cases[i].file, "has-local-gem.lock") == 0)
			assert_string_equal(find_pkg(r.inv, "eco-source")->version, "1.1.0.rc.1");
		lbt_run_release(&r);
	}

	/* "    invalid-name" with no version: one warning with its line */
	{
		struct lbt_run r;

		run_fixture(&r, LOCK, "pkgdb/ruby/scalibr-gemfilelock/invalid.lock");
		assert_int_equal(r.inv->npkgs, 0);
		check_warning(&r.cx, "cannot parse '" LOCK "' line 4: expected '    name (version)'");
		lbt_run_release(&r);
	}
}

static void
t_lock_hostile(void **state)
{
	static const char multi[] =
	    "GEM\n  remote: https://rubygems.org/\n  specs:\n"
	    "    nokogiri (1.16.0)\n      racc (~> 1.4)\n"
	    "    nokogiri (1.16.0-x86_64-linux)\n      racc (~> 1.4)\n"
	    "    nokogiri (1.16.0-aarch64-linux)\n"
	    "    ffi (1.16.3-x86_64-linux-gnu)\n    ffi (1.16.3-x86_64-linux-gnu)\n"
	    "    google-protobuf (3.25.1-x86_64-linux)\n    google-protobuf (3.25.1-arm64-darwin)\n"
	    "    rake (13.1.0)\n    rake (13.0.0)\n"
	    "    sorbet-static (0.5.1-universal-darwin-21)\n"
	    "\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri\n    notagem (1.0)\n";
	static const char bad[] =
	    "GEM\r\n  specs:\r\n    good (1.0)\r\n    no version\r\n    a b (1.0)\r\n"
	    "    x ()\r\n    x (1.0\r\n    x (v1)\r\n    \xff\xfe (1)\r\n    y (1.0) extra\r\n"
	    "     five (1.0)\r\n   three (1.0)\r\n    last (2.0-java)\r\n";
	static const char nul[] = "GEM\n  specs:\n    a (1)\n    b\0 (1)\n    c (2)";
	struct lbt_run r;
	char *purl;
	(void)state;

	run_str(&r, "Gemfile.lock", multi);
	assert_int_equal(r.cx.nwarn, 0);
	assert_int_equal(r.inv->npkgs, 6);
	/* several platforms of one version: one gem, arch unknown */
	check_gem(&r.inv->pkgs[0], "nokogiri", "1.16.0", NULL, NULL, "Gemfile.lock", true);
	check_gem(&r.inv->pkgs[1], "ffi", "1.16.3", "x86_64-linux-gnu", NULL, "Gemfile.lock", true);
	/* PURL-TYPES gem: the platform is a qualifier */
	purl = lb_purl_for_pkg(&r.inv->pkgs[1], NULL);
	assert_string_equal(purl, "pkg:gem/ffi@1.16.3?platform=x86_64-linux-gnu");
	free(purl);
	check_gem(&r.inv->pkgs[2], "google-protobuf", "3.25.1", NULL, NULL, "Gemfile.lock", true);
	check_gem(&r.inv->pkgs[3], "rake", "13.1.0", NULL, NULL, "Gemfile.lock", true);
	check_gem(&r.inv->pkgs[4], "rake", "13.0.0", NULL, NULL, "Gemfile.lock", true);
	check_gem(&r.inv->pkgs[5], "sorbet-static", "0.5.1", "universal-darwin-21", NULL,
	    "Gemfile.lock", true);
	lbt_run_release(&r);

	/* gems.locked is the same format */
	run_str(&r, "app/gems.locked", multi);
	assert_int_equal(r.inv->npkgs, 6);
	lbt_run_release(&r);

	run_str(&r, LOCK, bad);
	assert_int_equal(r.inv->npkgs, 2);
	check_gem(&r.inv->pkgs[0], "good", "1.0", NULL, NULL, LOCK, true);
	check_gem(&r.inv->pkgs[1], "last", "2.0", "java", NULL, LOCK, true);
	check_warning(&r.cx, "cannot parse '" LOCK "' line 4: expected '    name (version)' "
	    "(7 bad lines skipped)");
	lbt_run_release(&r);

	/* cut by the stream cap: what was read counts, with a warning */
	run_mem(&r, LOCK, multi, 80, sizeof(multi) - 1);
	assert_int_equal(r.inv->npkgs, 1);
	check_gem(&r.inv->pkgs[0], "nokogiri", "1.16.0", NULL, NULL, LOCK, true);
	check_warning(&r.cx, "cannot read all of '" LOCK "': truncated to 80 of");
	lbt_run_release(&r);

	/* no newline at the end, NUL bytes, an empty file */
	run_mem(&r, LOCK, nul, sizeof(nul) - 1, 0);
	assert_int_equal(r.inv->npkgs, 2);
	check_gem(&r.inv->pkgs[1], "c", "2", NULL, NULL, LOCK, true);
	check_warning(&r.cx, "line 4: expected");
	lbt_run_release(&r);
	run_str(&r, LOCK, "");
	assert_int_equal(r.inv->npkgs, 0);
	assert_int_equal(r.cx.nwarn, 0);
	lbt_run_release(&r);
}

/* A lockfile far bigger than the line buffer, with a giant line, read in
 * bounded memory. */
static void
t_lock_big(void **state)
{
	struct lb_buf b = LB_BUF_INIT(64u << 20);
	struct lbt_run r;
	(void)state;

	assert_int_equal(lb_buf_addstr(&b, "GEM\n  specs:\n    "), 0);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(lb_buf_add(&b, "x", 1), 0);
	assert_int_equal(lb_buf_addstr(&b, " (1.0)\n"), 0);
	for (int i = 0; i < 50000; i++)
		assert_int_equal(lb_buf_addf(&b, "    gem%d (%d.0)\n      dep (>= 0)\n", i, i), 0);
	run_mem(&r, LOCK, b.p, b.len, 0);
	assert_int_equal(r.cx.nwarn, 0);
	assert_int_equal(r.inv->npkgs, 50000);
	check_gem(&r.inv->pkgs[49999], "gem49999", "49999.0", NULL, NULL, LOCK, true);
	lbt_run_release(&r);
	lb_buf_release(&b);
}

/* Through the layer walker: facts of a path, whiteouts, layers. */
static void
t_view(void **state)
{
	static const char spec[] = "Gem::Specification.new do |s|\n  s.name = \"rack\"\n"
	    "  s.version = \"2.2.3\"\nend\n";
	struct lb_fsview *v = lb_fsview_new(2);
	struct lb_inventory *inv = lb_inventory_new(), *facts;
	struct lbt_run r;
	(void)state;

	run_str(&r, SPECS "rack-2.2.3.gemspec", spec);
	facts = r.inv;
	r.inv = NULL;
	lb_fsview_add_facts(v, 0, SPECS "rack-2.2.3.gemspec", 0100644, sizeof(spec) - 1, facts);
	run_str(&r, "srv/Gemfile.lock", "GEM\n  specs:\n    rack (2.2.3)\n");
	facts = r.inv;
	r.inv = NULL;
	lb_fsview_add_facts(v, 1, "srv/Gemfile.lock", 0100644, 30, facts);
	lb_fsview_seal(v);
	assert_int_equal(lb_analyze_all(&r.cx, v, inv), 0);
	lb_inventory_finish(inv);
	assert_int_equal(inv->npkgs, 2);
	/* sorted by type, name, version */
	for (size_t i = 0; i < 2; i++) {
		bool lock = strcmp(inv->pkgs[i].db_path, "srv/Gemfile.lock") == 0;

		assert_string_equal(inv->pkgs[i].purl, "pkg:gem/rack@2.2.3");
		assert_int_equal(inv->pkgs[i].declared, lock);
		assert_int_equal(inv->pkgs[i].layer, lock ? 1 : 0);
	}
	lb_inventory_free(inv);
	lb_fsview_free(v);
	lbt_run_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_gemspec_fixtures),
		cmocka_unit_test(t_gemspec_broken_fixtures),
		cmocka_unit_test(t_gemspec_locations),
		cmocka_unit_test(t_interests),
		cmocka_unit_test(t_gemspec_forms),
		cmocka_unit_test(t_gemspec_hostile),
		cmocka_unit_test(t_gemspec_long_lines),
		cmocka_unit_test(t_lock_syft),
		cmocka_unit_test(t_lock_scalibr),
		cmocka_unit_test(t_lock_hostile),
		cmocka_unit_test(t_lock_big),
		cmocka_unit_test(t_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
