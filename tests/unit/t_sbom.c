/* t_sbom.c - the SBOM reader (src/sbom): packages from purls (names per
 * type, epochs, upstream, arch), the OS from an OS component, an SPDX OS
 * package or the distro qualifier, tools' properties, and errors naming a
 * JSON path or line. Expected values worked out by hand from the inputs. */
#include "lbtest.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/inventory.h"
#include "base/lb_err.h"
#include "sbom/sbom.h"

static struct lb_inventory *
parse_ok(const char *text)
{
	struct lb_inventory *inv = NULL;
	struct lb_ctx cx;
	char *err = NULL;

	lbt_ctx(&cx);
	if (lb_sbom_parse(&cx, "s.json", text, strlen(text), &inv, &err) != 0)
		fail_msg("parse failed: %s", err ? err : "?");
	lb_ctx_release(&cx);
	return inv;
}

static const struct lb_pkg *
pkg(const struct lb_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0)
			return &inv->pkgs[i];
	fail_msg("no package '%s'", name);
	return NULL;
}

static void
test_cyclonedx(void **state)
{
	struct lb_inventory *inv;
	const struct lb_pkg *p;

	(void)state;
	inv = parse_ok("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\","
	    " \"metadata\": {\"component\": {\"type\": \"container\", \"name\": \"debian:12\","
	    "   \"purl\": \"pkg:oci/debian@sha256%3Aab\"}},"
	    " \"components\": ["
	    "  {\"type\": \"operating-system\", \"name\": \"Debian\", \"version\": \"12.5\","
	    "   \"properties\": [{\"name\": \"lifebelt:os:versionId\", \"value\": \"12\"},"
	    "    {\"name\": \"lifebelt:os:codename\", \"value\": \"bookworm\"}]},"
	    "  {\"type\": \"library\", \"name\": \"libc6\","
	    "   \"purl\": \"pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc\","
	    "   \"properties\": [{\"name\": \"lifebelt:pkg:dbPath\", \"value\": \"var/lib/dpkg/status\"}]},"
	    "  {\"type\": \"library\", \"purl\": \"pkg:deb/debian/perl-base@5.36.0-7?epoch=1&upstream=perl%405.36.0-7%2Bdeb12u1\"},"
	    "  {\"type\": \"application\", \"name\": \"app\", \"components\": ["
	    "   {\"type\": \"library\", \"purl\": \"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\"},"
	    "   {\"type\": \"library\", \"purl\": \"pkg:npm/%40angular/core@16.0.0\","
	    "    \"properties\": [{\"name\": \"lifebelt:pkg:owner\", \"value\": \"deb:node-angular\"}]},"
	    "   {\"type\": \"library\", \"purl\": \"pkg:golang/github.com/x/y@v1.2.3\"},"
	    "   {\"type\": \"library\", \"purl\": \"pkg:gem/nokogiri@1.15.0?platform=java\"}]},"
	    "  {\"type\": \"library\", \"name\": \"no purl\"}"
	    " ]}");
	assert_string_equal(inv->source_kind, "sbom");
	assert_string_equal(inv->ref, "debian:12");
	assert_string_equal(inv->os.family, "debian");
	assert_string_equal(inv->os.version, "12.5");
	assert_string_equal(inv->os.version_id, "12");
	assert_string_equal(inv->os.codename, "bookworm");
	assert_int_equal(inv->npkgs, 6);       /* not the image, not the one without a purl */
	p = pkg(inv, "libc6");
	assert_string_equal(p->type, "deb");
	assert_string_equal(p->version, "2.36-9+deb12u4");
	assert_string_equal(p->arch, "amd64");
	assert_string_equal(p->src_name, "glibc");
	assert_null(p->src_version);
	assert_string_equal(p->db_path, "var/lib/dpkg/status");
	assert_string_equal(p->purl,
	    "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc");
	p = pkg(inv, "perl-base");
	assert_string_equal(p->version, "1:5.36.0-7");
	assert_string_equal(p->src_name, "perl");
	assert_string_equal(p->src_version, "5.36.0-7+deb12u1");
	assert_string_equal(pkg(inv, "org.apache.logging.log4j:log4j-core")->version, "2.14.1");
	assert_string_equal(pkg(inv, "@angular/core")->owner, "deb:node-angular");
	assert_string_equal(pkg(inv, "github.com/x/y")->type, "golang");
	assert_string_equal(pkg(inv, "nokogiri")->arch, "java");
	lb_inventory_free(inv);
}

static void
test_spdx(void **state)
{
	struct lb_inventory *inv;
	const struct lb_pkg *p;

	(void)state;
	/* Syft: no OS package; the release from the distro qualifier */
	inv = parse_ok("{\"spdxVersion\": \"SPDX-2.3\", \"name\": \"img\", \"packages\": ["
	    " {\"name\": \"musl\", \"sourceInfo\": \"acquired package info from APK DB: /lib/apk/db/installed\","
	    "  \"externalRefs\": [{\"referenceCategory\": \"SECURITY\", \"referenceType\": \"cpe23Type\","
	    "   \"referenceLocator\": \"cpe:2.3:a:musl:musl:1:*:*:*:*:*:*:*\"},"
	    "   {\"referenceCategory\": \"PACKAGE-MANAGER\", \"referenceType\": \"purl\","
	    "   \"referenceLocator\": \"pkg:apk/alpine/musl@1.2.4-r2?arch=aarch64&distro=alpine-3.18.4\"}]}]}");
	assert_string_equal(inv->os.family, "alpine");
	assert_string_equal(inv->os.version, "3.18.4");
	p = pkg(inv, "musl");
	assert_string_equal(p->db_path, "lib/apk/db/installed");
	assert_string_equal(p->arch, "aarch64");
	lb_inventory_free(inv);

	/* Trivy: apk's bare release; the family is the namespace */
	inv = parse_ok("{\"spdxVersion\": \"SPDX-2.3\", \"packages\": [{\"name\": \"x\", \"externalRefs\":"
	    " [{\"referenceType\": \"purl\", \"referenceLocator\": \"pkg:apk/alpine/x@1-r0?distro=3.7.3\"}]}]}");
	assert_string_equal(inv->os.family, "alpine");
	assert_string_equal(inv->os.version, "3.7.3");
	lb_inventory_free(inv);

	/* Trivy's SPDX 2.2: the OS by its SPDXID, rpm epoch qualifier, source from sourceInfo */
	inv = parse_ok("{\"spdxVersion\": \"SPDX-2.2\", \"packages\": ["
	    " {\"SPDXID\": \"SPDXRef-OperatingSystem-2e91\", \"name\": \"centos\", \"versionInfo\": \"7.6.1810\"},"
	    " {\"name\": \"openssl-libs\", \"sourceInfo\": \"built package from: openssl 1:1.0.2k-16.el7\","
	    "  \"externalRefs\": [{\"referenceType\": \"purl\", \"referenceLocator\":"
	    "  \"pkg:rpm/centos/openssl-libs@1.0.2k-16.el7?arch=x86_64&epoch=1&distro=centos-7.6.1810\"}]}]}");
	assert_string_equal(inv->os.family, "centos");
	assert_string_equal(inv->os.version, "7.6.1810");
	p = pkg(inv, "openssl-libs");
	assert_string_equal(p->version, "1:1.0.2k-16.el7");
	assert_string_equal(p->src_name, "openssl");
	assert_null(p->src_version);   /* the same as the version: none, as lifebelt keeps it */
	lb_inventory_free(inv);
}

static void
test_errors(void **state)
{
	static const struct { const char *text, *msg; int code; } bad[] = {
		{ "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": {}}",
		  "at $.components: must be an array", -LB_E_FORMAT },
		{ "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [1]}",
		  "at $.components[0]: a component must be an object", -LB_E_FORMAT },
		{ "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [{\"components\":"
		  " [{\"purl\": []}]}]}", "at $.components[0].components[0].purl: must be a string", -LB_E_FORMAT },
		{ "{\"bomFormat\": \"CycloneDX\", \"components\": []}", "at $.specVersion:", -LB_E_FORMAT },
		{ "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"2.0\"}", "CycloneDX 2.0 is not supported",
		  -LB_E_FORMAT },
		{ "{\"spdxVersion\": \"SPDX-3.0\"}", "at $.spdxVersion:", -LB_E_FORMAT },
		{ "{\"spdxVersion\": \"SPDX-2.3\", \"packages\": [{\"externalRefs\": 3}]}",
		  "at $.packages[0].externalRefs: must be an array", -LB_E_FORMAT },
		{ "{\"x\": 1}", "at $: neither CycloneDX", -LB_E_FORMAT },
		{ "\n\n{", "line 3:", -LB_E_FORMAT },
		{ "", "line ", -LB_E_FORMAT },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lb_inventory *inv = NULL;
		struct lb_ctx cx;
		char *err = NULL;

		lbt_ctx(&cx);
		assert_int_equal(lb_sbom_parse(&cx, "s.json", bad[i].text, strlen(bad[i].text), &inv, &err),
		    bad[i].code);
		assert_null(inv);
		assert_non_null(err);
		if (!strstr(err, bad[i].msg))
			fail_msg("%s: got '%s'", bad[i].msg, err);
		free(err);
		lb_ctx_release(&cx);
	}
}

/* An invalid purl is a warning naming the component; the rest is read. */
static void
test_bad_purl(void **state)
{
	struct lb_inventory *inv;

	(void)state;
	inv = parse_ok("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.4\", \"components\": ["
	    "{\"purl\": \"pkg:/x\"}, {\"purl\": \"pkg:npm/noversion\"}, {\"purl\": \"pkg:npm/ok@1\"}]}");
	assert_int_equal(inv->npkgs, 1);
	assert_true(inv->partial);
	assert_int_equal(inv->nwarnings, 2);
	assert_non_null(strstr(inv->warnings[0], "$.components[0].purl: invalid purl"));
	assert_non_null(strstr(inv->warnings[1], "$.components[1].purl: purl without a version"));
	lb_inventory_free(inv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cyclonedx),
		cmocka_unit_test(test_spdx),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bad_purl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
