/* t_purl.c - package URLs: encoding, building from packages, parsing back. */
#include "lbtest.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/purl.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"

static void
check_encode(const char *in, int keep_slash, const char *want)
{
	char *got = lb_purl_encode(in, keep_slash);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_encode(void **state)
{
	(void)state;
	check_encode("7.88.1-10+deb12u5", 0, "7.88.1-10%2Bdeb12u5");
	/* ECMA-427: the colon is never encoded; '~' is unreserved */
	check_encode("1:2.3-4", 0, "1:2.3-4");
	check_encode("1.0~rc1", 0, "1.0~rc1");
	check_encode("a b@c?d#e&f=g%h", 0, "a%20b%40c%3Fd%23e%26f%3Dg%25h");
	check_encode("a/b", 0, "a%2Fb");
	check_encode("a/b", 1, "a/b");
	check_encode("\xc3\xa9\x1b", 0, "%C3%A9%1B");
	check_encode("", 0, "");
}

/* A package built by hand; the strings are copied. */
static void
set_pkg(struct lb_pkg *p, const char *type, const char *name, const char *version,
    const char *arch, const char *src, const char *srcver)
{
	memset(p, 0, sizeof(*p));
	p->layer = -1;
	p->type = type ? lb_xstrdup(type) : NULL;
	p->name = name ? lb_xstrdup(name) : NULL;
	p->version = version ? lb_xstrdup(version) : NULL;
	p->arch = arch ? lb_xstrdup(arch) : NULL;
	p->src_name = src ? lb_xstrdup(src) : NULL;
	p->src_version = srcver ? lb_xstrdup(srcver) : NULL;
}

static void
check_pkg(const struct lb_pkg *p, const struct lb_os *os, const char *want)
{
	char *got = lb_purl_for_pkg(p, os);

	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_for_pkg_deb(void **state)
{
	struct lb_os deb = { .family = (char *)"debian", .version = (char *)"12.5",
		.version_id = (char *)"12", .codename = (char *)"bookworm" };
	struct lb_os ubu = { .family = (char *)"ubuntu", .version = (char *)"22.04.4 LTS",
		.version_id = (char *)"22.04" };
	struct lb_os sid = { .family = (char *)"debian", .version = (char *)"trixie/sid" };
	struct lb_pkg p;

	(void)state;
	set_pkg(&p, "deb", "curl", "7.88.1-10+deb12u5", "amd64", NULL, NULL);
	check_pkg(&p, &deb, "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12");
	lb_pkg_release(&p);

	/* epoch stays in the deb version, unencoded (purl-spec deb example
	 * "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64") */
	set_pkg(&p, "deb", "attr", "1:2.3-4", "amd64", NULL, NULL);
	check_pkg(&p, &deb, "pkg:deb/debian/attr@1:2.3-4?arch=amd64&distro=debian-12");
	lb_pkg_release(&p);

	set_pkg(&p, "deb", "libfoo1", "1.0~rc1-1", "arm64", NULL, NULL);
	check_pkg(&p, &ubu, "pkg:deb/ubuntu/libfoo1@1.0~rc1-1?arch=arm64&distro=ubuntu-22.04");
	lb_pkg_release(&p);

	/* source package: upstream=, sorted after distro */
	set_pkg(&p, "deb", "libgcc-s1", "12.2.0-14", "amd64", "gcc-12", NULL);
	check_pkg(&p, &deb,
	    "pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12");
	lb_pkg_release(&p);
	set_pkg(&p, "deb", "libc6", "2.36-9+deb12u4", "amd64", "glibc", "2.36-9+deb12u4");
	check_pkg(&p, &deb, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"
	    "&upstream=glibc%402.36-9%2Bdeb12u4");
	lb_pkg_release(&p);
	/* binNMU: same source name, other version */
	set_pkg(&p, "deb", "attr", "1:2.4.47-2+b1", "amd64", NULL, "1:2.4.47-2");
	check_pkg(&p, &deb, "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64&distro=debian-12"
	    "&upstream=attr%401:2.4.47-2");
	lb_pkg_release(&p);

	/* no VERSION_ID: the full version; no OS at all: namespace debian */
	set_pkg(&p, "deb", "base-files", "13", "amd64", NULL, NULL);
	check_pkg(&p, &sid, "pkg:deb/debian/base-files@13?arch=amd64&distro=debian-trixie%2Fsid");
	check_pkg(&p, NULL, "pkg:deb/debian/base-files@13?arch=amd64");
	lb_pkg_release(&p);

	/* deb names are lowercased; no arch, no qualifier */
	set_pkg(&p, "DEB", "Foo", "1", NULL, NULL, NULL);
	check_pkg(&p, &deb, "pkg:deb/debian/foo@1?distro=debian-12");
	lb_pkg_release(&p);

	/* no version or no name: no purl */
	set_pkg(&p, "deb", "foo", NULL, "amd64", NULL, NULL);
	check_pkg(&p, &deb, NULL);
	lb_pkg_release(&p);
	set_pkg(&p, "deb", "", "1", "amd64", NULL, NULL);
	check_pkg(&p, &deb, NULL);
	lb_pkg_release(&p);
	set_pkg(&p, "not a type", "x", "1", NULL, NULL, NULL);
	check_pkg(&p, &deb, NULL);
	lb_pkg_release(&p);
}

static void
test_for_pkg_apk_rpm_lang(void **state)
{
	struct lb_os alp = { .family = (char *)"alpine", .name = (char *)"Alpine Linux v3.7",
		.version = (char *)"3.7.3", .version_id = (char *)"3.7.3" };
	struct lb_os rh = { .family = (char *)"rhel", .version_id = (char *)"8.9" };
	struct lb_pkg p;

	(void)state;
	set_pkg(&p, "apk", "musl", "1.1.18-r3", "x86_64", NULL, NULL);
	check_pkg(&p, &alp, "pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64&distro=3.7.3");
	lb_pkg_release(&p);
	set_pkg(&p, "apk", "libcrypto1.0", "1.0.2o-r0", "x86_64", "openssl", NULL);
	check_pkg(&p, &alp,
	    "pkg:apk/alpine/libcrypto1.0@1.0.2o-r0?arch=x86_64&distro=3.7.3&upstream=openssl");
	lb_pkg_release(&p);

	/* rpm: epoch moves to a qualifier, a zero epoch is dropped */
	set_pkg(&p, "rpm", "bash", "1:4.4.20-4.el8", "x86_64", NULL, NULL);
	check_pkg(&p, &rh, "pkg:rpm/redhat/bash@4.4.20-4.el8?arch=x86_64&distro=rhel-8.9&epoch=1");
	lb_pkg_release(&p);
	set_pkg(&p, "rpm", "Bash", "0:4.4-1", "noarch", NULL, NULL);
	check_pkg(&p, &rh, "pkg:rpm/redhat/Bash@4.4-1?arch=noarch&distro=rhel-8.9");
	lb_pkg_release(&p);
	/* the namespace is the vendor, distro keeps the os-release ID */
	set_pkg(&p, "rpm", "openssl", "1:3.0.7-18.el9_2", "x86_64", NULL, NULL);
	rh.version_id = (char *)"9.2";
	check_pkg(&p, &rh,
	    "pkg:rpm/redhat/openssl@3.0.7-18.el9_2?arch=x86_64&distro=rhel-9.2&epoch=1");
	lb_pkg_release(&p);
	/* a module stream's package: the label as modularitylabel */
	set_pkg(&p, "rpm", "perl-IO", "1:1.40-470.module+el8.9.0+1", "x86_64", NULL, NULL);
	p.modularity = lb_xstrdup("perl:5.30:8090020230904:466ea64f");
	check_pkg(&p, &rh, "pkg:rpm/redhat/perl-IO@1.40-470.module%2Bel8.9.0%2B1?arch=x86_64"
	    "&distro=rhel-9.2&epoch=1&modularitylabel=perl:5.30:8090020230904:466ea64f");
	lb_pkg_release(&p);
	{
		static const char *const fam[][3] = {
			{ "ol", "8.9", "pkg:rpm/oracle/zlib@1.2.11-40.el8?arch=x86_64&distro=ol-8.9" },
			{ "sles", "15.5", "pkg:rpm/suse/zlib@1.2.11-40.el8?arch=x86_64&distro=sles-15.5" },
			{ "opensuse-leap", "15.5",
			  "pkg:rpm/opensuse/zlib@1.2.11-40.el8?arch=x86_64&distro=opensuse-leap-15.5" },
			{ "amzn", "2", "pkg:rpm/amzn/zlib@1.2.11-40.el8?arch=x86_64&distro=amzn-2" },
			{ "mariner", "2.0", "pkg:rpm/mariner/zlib@1.2.11-40.el8?arch=x86_64&distro=mariner-2.0" },
			{ "almalinux", "9.3",
			  "pkg:rpm/almalinux/zlib@1.2.11-40.el8?arch=x86_64&distro=almalinux-9.3" },
		};
		for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
			struct lb_os o = { .family = (char *)fam[i][0], .version_id = (char *)fam[i][1] };
			set_pkg(&p, "rpm", "zlib", "1.2.11-40.el8", "x86_64", NULL, NULL);
			check_pkg(&p, &o, fam[i][2]);
			lb_pkg_release(&p);
		}
	}

	set_pkg(&p, "npm", "@angular/core", "16.0.0", NULL, NULL, NULL);
	check_pkg(&p, NULL, "pkg:npm/%40angular/core@16.0.0");
	lb_pkg_release(&p);
	set_pkg(&p, "golang", "github.com/sirupsen/logrus", "v1.9.3", NULL, NULL, NULL);
	check_pkg(&p, NULL, "pkg:golang/github.com/sirupsen/logrus@v1.9.3");
	lb_pkg_release(&p);
	set_pkg(&p, "maven", "org.apache.logging.log4j:log4j-core", "2.14.1", NULL, NULL, NULL);
	check_pkg(&p, NULL, "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
	lb_pkg_release(&p);
	set_pkg(&p, "pypi", "Django_Rest", "3.0", NULL, NULL, NULL);
	check_pkg(&p, NULL, "pkg:pypi/django-rest@3.0");
	lb_pkg_release(&p);
}

/* Parses s, checks it builds back to canonical, and that the canonical
 * form is a fixed point. */
static void
check_roundtrip(const char *s, const char *canonical)
{
	struct lb_purl u, v;
	char *b1, *b2;

	assert_int_equal(lb_purl_parse(s, strlen(s), &u), 0);
	b1 = lb_purl_build(&u);
	assert_non_null(b1);
	assert_string_equal(b1, canonical);
	assert_int_equal(lb_purl_parse(b1, strlen(b1), &v), 0);
	b2 = lb_purl_build(&v);
	assert_non_null(b2);
	assert_string_equal(b2, b1);
	assert_string_equal(u.type, v.type);
	assert_string_equal(u.name, v.name);
	free(b1);
	free(b2);
	lb_purl_release(&u);
	lb_purl_release(&v);
}

static void
test_parse(void **state)
{
	struct lb_purl u;
	const char *s;

	(void)state;
	s = "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12";
	assert_int_equal(lb_purl_parse(s, strlen(s), &u), 0);
	assert_string_equal(u.type, "deb");
	assert_string_equal(u.ns, "debian");
	assert_string_equal(u.name, "curl");
	assert_string_equal(u.version, "7.88.1-10+deb12u5");
	assert_int_equal(u.nquals, 2);
	assert_string_equal(lb_purl_qualifier(&u, "arch"), "amd64");
	assert_string_equal(lb_purl_qualifier(&u, "distro"), "debian-12");
	assert_null(lb_purl_qualifier(&u, "epoch"));
	assert_null(u.subpath);
	lb_purl_release(&u);

	/* leniency of how-to-parse: scheme case, slashes, key case, order,
	 * empty values, encoded colon */
	s = "PKG:///DEB/Debian/Attr@1%3a2.4.47-2+b1?Distro=debian-12&arch=amd64&x=#/a/./b/../";
	assert_int_equal(lb_purl_parse(s, strlen(s), &u), 0);
	assert_string_equal(u.type, "deb");
	assert_string_equal(u.ns, "debian");
	assert_string_equal(u.name, "attr");
	assert_string_equal(u.version, "1:2.4.47-2+b1");   /* '+' is not a space */
	assert_int_equal(u.nquals, 2);
	assert_string_equal(u.quals[0].key, "arch");
	assert_string_equal(u.quals[1].key, "distro");
	assert_string_equal(u.subpath, "a/b");
	lb_purl_release(&u);

	s = "pkg:npm/@angular/core";          /* unencoded scope, no version */
	assert_int_equal(lb_purl_parse(s, strlen(s), &u), 0);
	assert_string_equal(u.ns, "@angular");
	assert_string_equal(u.name, "core");
	assert_null(u.version);
	lb_purl_release(&u);

	s = "pkg:generic/name";
	assert_int_equal(lb_purl_parse(s, strlen(s), &u), 0);
	assert_null(u.ns);
	assert_null(u.version);
	assert_int_equal(u.nquals, 0);
	lb_purl_release(&u);
}

static void
test_parse_errors(void **state)
{
	static const char *const bad[] = {
		"",
		"pkg",
		"pkg:",
		"pkg:deb",                       /* no name */
		"pkg:deb/",
		"http:deb/debian/curl@1",        /* scheme */
		"pkg:1deb/debian/curl@1",        /* type starts with a digit */
		"pkg:de_b/debian/curl@1",        /* '_' in type */
		"pkg:deb/debian/curl@1%2",       /* short escape */
		"pkg:deb/debian/curl@1%zz",      /* not hex */
		"pkg:deb/debian/cu%00rl@1",      /* encoded NUL */
		"pkg:deb/deb%2Fian/curl@1",      /* '/' inside a namespace segment */
		"pkg:deb/debian/curl@1?arch",    /* qualifier without '=' */
		"pkg:deb/debian/curl@1?1arch=x", /* key starts with a digit */
		"pkg:deb/debian/curl@1?ar%20ch=x",
		"pkg:deb/debian/curl@1?arch=x&ARCH=y",   /* repeated key */
		"pkg:deb/debian/curl@1#a/b%2Fc", /* '/' inside a subpath segment */
		"pkg:deb/debian/%@1",
	};
	struct lb_purl u;
	char *big;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = lb_purl_parse(bad[i], strlen(bad[i]), &u);

		if (r != -LB_E_FORMAT)
			fail_msg("'%s' parsed with %d", bad[i], r);
		lb_purl_release(&u);
	}
	/* an embedded NUL byte */
	assert_int_equal(lb_purl_parse("pkg:a/b\0c", 9, &u), -LB_E_FORMAT);
	lb_purl_release(&u);

	big = lb_xmalloc(LB_PURL_MAX + 2);
	memset(big, 'a', LB_PURL_MAX + 1);
	memcpy(big, "pkg:a/", 6);
	big[LB_PURL_MAX + 1] = 0;
	assert_int_equal(lb_purl_parse(big, LB_PURL_MAX + 1, &u), -LB_E_LIMIT);
	lb_purl_release(&u);
	free(big);
}

static void
test_roundtrip(void **state)
{
	(void)state;
	check_roundtrip("pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12",
	    "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12");
	check_roundtrip("pkg:deb/debian/attr@1:2.4.47-2+b1?arch=amd64",
	    "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64");
	check_roundtrip("pkg:apk/alpine/musl@1.1.18-r3?distro=3.7.3&arch=x86_64",
	    "pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64&distro=3.7.3");
	check_roundtrip("pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25&epoch=1",
	    "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25&epoch=1");
	check_roundtrip("pkg:npm/%40angular/animation@12.3.1",
	    "pkg:npm/%40angular/animation@12.3.1");
	check_roundtrip("pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c#api",
	    "pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c#api");
	check_roundtrip("pkg:generic/bitwarderl?vcs_url=git%2Bhttps://git.fsfe.org/dxtr/bitwarderl%40cc55108da32",
	    "pkg:generic/bitwarderl?vcs_url=git%2Bhttps:%2F%2Fgit.fsfe.org%2Fdxtr%2Fbitwarderl%40cc55108da32");
	check_roundtrip("pkg:PyPi/Django_Allauth@0.1", "pkg:pypi/django-allauth@0.1");
	check_roundtrip("pkg:generic/%E2%80%AEevil%0A@1%201", "pkg:generic/%E2%80%AEevil%0A@1%201");
}

/* Every package lb_purl_for_pkg builds parses back to the same fields. */
static void
test_pkg_roundtrip(void **state)
{
	static const char *const versions[] = {
		"1:2.3-4", "7.88.1-10+deb12u5", "1.0~rc1+dfsg-2", "2.0.0-r0", "0:1-1",
		"weird @?#&=%/ version", "\xe2\x80\xae\x1b[31m",
	};
	struct lb_os deb = { .family = (char *)"debian", .version_id = (char *)"12" };
	struct lb_pkg p;
	struct lb_purl u;

	(void)state;
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		char *s;

		set_pkg(&p, "deb", "pkg", versions[i], "all", "src name", "9+9");
		s = lb_purl_for_pkg(&p, &deb);
		assert_non_null(s);
		for (const char *c = s; *c; c++)
			assert_true(*c > 0x20 && *c < 0x7f);   /* a purl is printable ASCII */
		assert_int_equal(lb_purl_parse(s, strlen(s), &u), 0);
		assert_string_equal(u.version, versions[i]);
		assert_string_equal(u.name, "pkg");
		assert_string_equal(u.ns, "debian");
		assert_string_equal(lb_purl_qualifier(&u, "arch"), "all");
		assert_string_equal(lb_purl_qualifier(&u, "upstream"), "src name@9+9");
		lb_purl_release(&u);
		free(s);
		lb_pkg_release(&p);
	}
}

static void
test_build_invalid(void **state)
{
	struct lb_purl_qualifier q[2] = { { (char *)"arch", (char *)"x" },
		{ (char *)"ARCH", (char *)"y" } };
	struct lb_purl u = { .type = (char *)"deb", .name = (char *)"x", .quals = q, .nquals = 2 };
	char *s;

	(void)state;
	assert_null(lb_purl_build(&u));            /* repeated key after lowercasing */
	q[1].key = (char *)"bad key";
	assert_null(lb_purl_build(&u));
	q[1].value = (char *)"";                   /* empty values are dropped first */
	s = lb_purl_build(&u);
	assert_non_null(s);
	assert_string_equal(s, "pkg:deb/x?arch=x");
	free(s);
	u.ns = (char *)"a//b";
	assert_null(lb_purl_build(&u));
	u.ns = (char *)"/";
	s = lb_purl_build(&u);
	assert_string_equal(s, "pkg:deb/x?arch=x");
	free(s);
	u.name = (char *)"//";
	assert_null(lb_purl_build(&u));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_for_pkg_deb),
		cmocka_unit_test(test_for_pkg_apk_rpm_lang),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_pkg_roundtrip),
		cmocka_unit_test(test_build_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
