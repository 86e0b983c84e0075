/* t_policy.c - exceptions (src/policy): the plain and YAML ignore files,
 * OpenVEX and CycloneDX VEX, matching them to findings (ID or alias, purl
 * and path scopes, expiry), the stale/expired states, and --pkg-types.
 * Expected values are worked out by hand from the inputs below. */
#include "lbtest.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "policy/policy.h"

#define TODAY "2025-06-15"

static int
plain(struct lb_policy *pol, const char *text, char **err)
{
	return lb_policy_parse_plain(pol, ".lifebeltignore", text, strlen(text), err);
}

static int
yaml(struct lb_policy *pol, const char *text, char **err)
{
	return lb_policy_parse_yaml(pol, "i.yaml", text, strlen(text), err);
}

static int
vex(struct lb_policy *pol, const char *text, char **err)
{
	return lb_policy_parse_vex(pol, "v.json", text, strlen(text), err);
}

static void
test_plain(void **state)
{
	struct lb_policy *pol = lb_policy_new(TODAY);
	const struct lb_policy_rule *r;
	char *err = NULL;
	size_t n;

	(void)state;
	assert_int_equal(plain(pol, "\xef\xbb\xbf# comment\n\nCVE-2019-14697 exp:2025-06-16\r\n"
	    "  CVE-2020-1\texp:2025-06-15   # expires today\nGHSA-aaaa-bbbb-cccc#x\nCVE-3", &err), 0);
	assert_null(err);
	r = lb_policy_rules(pol, &n);
	assert_int_equal(n, 4);
	assert_string_equal(r[0].id, "CVE-2019-14697");
	assert_string_equal(r[0].expires, "2025-06-16");
	assert_false(r[0].expired);                     /* applies through the day before */
	assert_string_equal(r[0].where, ".lifebeltignore:3");
	assert_string_equal(r[1].id, "CVE-2020-1");
	assert_true(r[1].expired);                      /* from its date on: expired */
	assert_string_equal(lb_policy_rule_state(&r[1]), "expired");
	assert_string_equal(r[2].id, "GHSA-aaaa-bbbb-cccc");
	assert_string_equal(r[3].where, ".lifebeltignore:6");
	assert_int_equal(lb_policy_days_left(pol, &r[0]), 1);
	assert_int_equal(lb_policy_days_left(pol, &r[1]), 0);
	assert_true(lb_policy_days_left(pol, &r[3]) == LONG_MAX);
	assert_string_equal(lb_policy_rule_state(&r[3]), "stale");
	assert_string_equal(r[3].status, "ignored");
	assert_string_equal(r[3].kind, "ignore");
	lb_policy_free(pol);

	static const struct { const char *text, *msg; } bad[] = {
		{ "CVE-1 exp:2025-02-29\n", "line 1: invalid date" },
		{ "\nCVE-1 exp:2024-13-01\n", "line 2: invalid date" },
		{ "CVE-1 exp:20250101\n", "line 1: unexpected field" },
		{ "CVE-1 CVE-2\n", "line 1: unexpected field" },
		{ "ok\nCVE-1 exp:2025-01-01 exp:2026-01-01\n", "line 2: unexpected field" },
		{ "CVE-\x01\n", "line 1: invalid vulnerability ID" },
		{ "CVE-\xc3\xa9\n", "line 1: invalid vulnerability ID" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pol = lb_policy_new(TODAY);
		assert_int_equal(plain(pol, bad[i].text, &err), -LB_E_FORMAT);
		assert_non_null(err);
		if (!strstr(err, bad[i].msg))
			fail_msg("'%s': got '%s'", bad[i].msg, err);
		assert_non_null(strstr(err, "'.lifebeltignore'"));
		free(err);
		err = NULL;
		lb_policy_free(pol);
	}
	assert_true(lb_policy_valid_date("2024-02-29"));
	assert_false(lb_policy_valid_date("2100-02-29"));
	assert_true(lb_policy_valid_date("2000-02-29"));
	assert_false(lb_policy_valid_date("2025-04-31"));
}

static void
test_yaml(void **state)
{
	struct lb_policy *pol = lb_policy_new(TODAY);
	const struct lb_policy_rule *r;
	char *err = NULL;
	size_t n;

	(void)state;
	assert_int_equal(yaml(pol,
	    "# exceptions\n"
	    "vulnerabilities:\n"
	    "  - id: CVE-2019-14697\n"
	    "    purl: pkg:apk/alpine/musl\n"
	    "    reason: not used\n"
	    "  - id: CVE-2\n"
	    "    paths: [a/, b]\n"
	    "    purls:\n"
	    "      - pkg:npm/x\n"
	    "      - pkg:npm/y@1\n"
	    "    expired_at: 2025-01-01T00:00:00Z\n"
	    "    statement: trivy's words\n", &err), 0);
	r = lb_policy_rules(pol, &n);
	assert_int_equal(n, 5);      /* one, then 2 purls x 2 paths */
	assert_string_equal(r[0].purl, "pkg:apk/alpine/musl");
	assert_null(r[0].path);
	assert_string_equal(r[0].reason, "not used");
	assert_string_equal(r[0].where, "i.yaml:3");
	assert_string_equal(r[1].purl, "pkg:npm/x");
	assert_string_equal(r[1].path, "a/");
	assert_string_equal(r[2].path, "b");
	assert_string_equal(r[4].purl, "pkg:npm/y@1");
	assert_string_equal(r[4].expires, "2025-01-01");
	assert_true(r[4].expired);
	assert_string_equal(r[4].reason, "trivy's words");
	assert_string_equal(r[4].where, "i.yaml:6");
	lb_policy_free(pol);

	/* a bare list, an empty file, an empty list */
	pol = lb_policy_new(TODAY);
	assert_int_equal(yaml(pol, "- id: A\n- {id: B, expires: 2030-01-01}\n", &err), 0);
	assert_int_equal(yaml(pol, "", &err), 0);
	assert_int_equal(yaml(pol, "vulnerabilities:\n", &err), 0);
	assert_int_equal(yaml(pol, "# nothing\n", &err), 0);
	r = lb_policy_rules(pol, &n);
	assert_int_equal(n, 2);
	assert_string_equal(r[1].expires, "2030-01-01");
	lb_policy_free(pol);

	static const struct { const char *text, *msg; } bad[] = {
		{ "- id: A\n  expire: 2030-01-01\n", "line 2: unknown or repeated key 'expire'" },
		{ "- id: A\n  purl: x\n  purl: y\n", "line 3: unknown or repeated key 'purl'" },
		{ "- reason: x\n", "line 1: the entry has no 'id'" },
		{ "- id: [A]\n", "line 1: 'id' must be a string" },
		{ "- id: 'A B'\n", "line 1: invalid 'id'" },
		{ "- id: A\n  expires: tomorrow\n", "line 1: invalid 'expires'" },
		{ "- id: A\n  purl: 'pkg:/x'\n", "line 1: invalid 'purl'" },
		{ "- id: A\n  paths: {a: b}\n", "line 2: 'paths' must be a string or a list" },
		{ "- A\n", "line 1: an entry must be a mapping" },
		{ "ignores:\n  - id: A\n", "line 1: unknown top-level key" },
		{ "vulnerabilities: 5\n", "line 1: expected a list" },
		{ "- id: [unclosed\n", "line 2:" },
		{ "a: b: c\n", "line 1:" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pol = lb_policy_new(TODAY);
		assert_int_not_equal(yaml(pol, bad[i].text, &err), 0);
		assert_non_null(err);
		if (!strstr(err, bad[i].msg))
			fail_msg("%s: got '%s'", bad[i].msg, err);
		free(err);
		err = NULL;
		lb_policy_free(pol);
	}
}

static void
test_vex_parse(void **state)
{
	struct lb_policy *pol = lb_policy_new(TODAY);
	const struct lb_policy_rule *r;
	char *err = NULL;
	size_t n;

	(void)state;
	assert_int_equal(vex(pol,
	    "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": ["
	    " {\"vulnerability\": {\"name\": \"CVE-1\"}, \"status\": \"not_affected\","
	    "  \"justification\": \"component_not_present\","
	    "  \"products\": [{\"@id\": \"pkg:oci/img\", \"subcomponents\": [{\"@id\": \"pkg:npm/a@1\"},"
	    "   {\"identifiers\": {\"purl\": \"pkg:npm/b\"}}]}, {\"@id\": \"pkg:npm/c\"}]},"
	    " {\"vulnerability\": \"CVE-2\", \"status\": \"fixed\", \"products\": [\"pkg:oci/img\"]},"
	    " {\"vulnerability\": {\"name\": \"CVE-3\"}, \"status\": \"under_investigation\"}"
	    "]}", &err), 0);
	r = lb_policy_rules(pol, &n);
	assert_int_equal(n, 5);
	assert_string_equal(r[0].purl, "pkg:npm/a@1");
	assert_string_equal(r[0].justification, "component_not_present");
	assert_string_equal(r[0].where, "v.json:$.statements[0].products[0].subcomponents[0]");
	assert_string_equal(r[1].purl, "pkg:npm/b");
	assert_string_equal(r[2].purl, "pkg:npm/c");
	assert_null(r[3].purl);                 /* an image without subcomponents: any package */
	assert_string_equal(r[3].status, "fixed");
	assert_true(r[3].suppresses);
	assert_false(r[4].suppresses);
	assert_string_equal(lb_policy_rule_state(&r[4]), "informational");
	lb_policy_free(pol);

	pol = lb_policy_new(TODAY);
	assert_int_equal(vex(pol,
	    "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\","
	    " \"components\": [{\"bom-ref\": \"r1\", \"purl\": \"pkg:deb/debian/curl@7\","
	    "   \"components\": [{\"bom-ref\": \"r2\", \"purl\": \"pkg:deb/debian/libcurl4@7\"}]}],"
	    " \"vulnerabilities\": ["
	    "  {\"id\": \"CVE-1\", \"analysis\": {\"state\": \"resolved\"}, \"affects\": [{\"ref\": \"r2\"}]},"
	    "  {\"id\": \"CVE-2\", \"analysis\": {\"state\": \"false_positive\"},"
	    "   \"affects\": [{\"ref\": \"urn:cdx:x/1#r1\"}, {\"ref\": \"missing\"}]},"
	    "  {\"id\": \"CVE-3\"},"
	    "  {\"id\": \"CVE-4\", \"analysis\": {\"state\": \"exploitable\"}}"
	    "]}", &err), 0);
	r = lb_policy_rules(pol, &n);
	assert_int_equal(n, 4);
	assert_string_equal(r[0].purl, "pkg:deb/debian/libcurl4@7");
	assert_string_equal(r[0].status, "fixed");
	assert_string_equal(r[1].purl, "pkg:deb/debian/curl@7");
	assert_string_equal(r[1].status, "not_affected");
	assert_string_equal(r[1].reason, "false positive");
	assert_string_equal(r[2].purl, "");     /* matches nothing: will be stale */
	assert_string_equal(r[2].where, "v.json:$.vulnerabilities[1].affects[1].ref");
	assert_false(r[3].suppresses);
	lb_policy_free(pol);

	static const struct { const char *text, *msg; } bad[] = {
		{ "{\"a\": 1}", "at $: neither an OpenVEX" },
		{ "[1]", "at $: not a JSON object" },
		{ "{\"@context\": \"https://openvex.dev/ns\", \"statements\": 1}", "at $.statements:" },
		{ "{\"@context\": \"https://openvex.dev/ns\", \"statements\": [{\"status\": \"fixed\"}]}",
		  "at $.statements[0].vulnerability.name:" },
		{ "{\"@context\": \"https://openvex.dev/ns\", \"statements\": [{\"vulnerability\": \"X\","
		  " \"status\": \"fixed\", \"products\": [{}]}]}", "at $.statements[0].products[0]:" },
		{ "{\"@context\": \"https://openvex.dev/ns\", \"statements\": [{\"vulnerability\": \"X\","
		  " \"status\": \"fixed\", \"justification\": 5}]}", "at $.statements[0].justification:" },
		{ "{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"X\", \"analysis\":"
		  " {\"state\": \"maybe\"}}]}", "at $.vulnerabilities[0].analysis.state: unknown state" },
		{ "{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": \"X\", \"analysis\":"
		  " {\"state\": \"resolved\"}, \"affects\": [{}]}]}", "at $.vulnerabilities[0].affects[0].ref:" },
		{ "{\"bomFormat\": \"CycloneDX\"}", "a CycloneDX VEX needs vulnerabilities" },
		{ "{\n\"a\": }", "line 2:" },
		{ "{\"@context\": \"https://openvex.dev/ns\", \"a\": 1, \"a\": 2}", "line 1:" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pol = lb_policy_new(TODAY);
		assert_int_equal(vex(pol, bad[i].text, &err), -LB_E_FORMAT);
		assert_non_null(err);
		if (!strstr(err, bad[i].msg))
			fail_msg("%s: got '%s'", bad[i].msg, err);
		free(err);
		err = NULL;
		lb_policy_free(pol);
	}
}

static struct lb_pkg *
pkg(struct lb_inventory *inv, const char *type, const char *name, const char *version,
    const char *db_path)
{
	struct lb_pkg *p = lb_inventory_add_pkg(inv);

	p->type = lb_xstrdup(type);
	p->name = lb_xstrdup(name);
	p->version = lb_xstrdup(version);
	p->arch = lb_xstrdup("x86_64");
	p->db_path = lb_xstrdup(db_path);
	return p;
}

static size_t
find_pkg(const struct lb_inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0)
			return i;
	fail_msg("no package '%s'", name);
	return 0;
}

static void
finding(struct lb_inventory *inv, const char *name, const char *id, const char *aliases)
{
	struct lb_finding *f = lb_inventory_add_finding(inv);

	f->pkg = find_pkg(inv, name);
	f->id = lb_xstrdup(id);
	f->aliases = aliases ? lb_xstrdup(aliases) : NULL;
	f->severity = lb_xstrdup("HIGH");
}

/* musl and busybox (apk, lib/apk/db/installed), express (npm, in app/),
 * with findings; each rule below is worked out by hand. */
static struct lb_inventory *
inventory(void)
{
	struct lb_inventory *inv = lb_inventory_new();

	inv->os.family = lb_xstrdup("alpine");
	inv->os.version = lb_xstrdup("3.7.3");
	inv->os.version_id = lb_xstrdup("3.7.3");
	pkg(inv, "apk", "musl", "1.1.18-r3", "lib/apk/db/installed");
	pkg(inv, "apk", "busybox", "1.27.2-r11", "lib/apk/db/installed");
	pkg(inv, "npm", "express", "4.0.0", "app/node_modules/express/package.json");
	lb_inventory_finish(inv);
	inv->vulns_scanned = true;
	finding(inv, "musl", "CVE-2019-14697", "[\"GHSA-musl\"]");
	finding(inv, "busybox", "CVE-2019-14697", NULL);
	finding(inv, "busybox", "CVE-2018-1", NULL);
	finding(inv, "express", "GHSA-ex", "[\"CVE-2024-9\"]");
	finding(inv, "express", "CVE-2024-10", NULL);
	return inv;
}

static const struct lb_finding *
sup(const struct lb_inventory *inv, const char *name, const char *id)
{
	for (size_t i = 0; i < inv->nsuppressed; i++)
		if (strcmp(inv->pkgs[inv->suppressed[i].pkg].name, name) == 0 &&
		    strcmp(inv->suppressed[i].id, id) == 0)
			return &inv->suppressed[i];
	return NULL;
}

static void
test_apply(void **state)
{
	struct lb_policy *pol = lb_policy_new(TODAY);
	struct lb_inventory *inv = inventory();
	const struct lb_policy_rule *r;
	const struct lb_finding *f;
	char *err = NULL;
	size_t n;

	(void)state;
	assert_int_equal(yaml(pol,
	    "- id: CVE-2019-14697\n"
	    "  purl: pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64\n"     /* line 1: musl only */
	    "- id: CVE-2024-9\n"                                        /* line 3: alias of GHSA-ex */
	    "  path: app/\n"
	    "- id: CVE-2018-1\n"                                        /* line 5: wrong path */
	    "  path: usr/lib/apk/db/installed\n"
	    "- id: CVE-2024-10\n"                                       /* line 7: other version */
	    "  purl: pkg:npm/express@5.0.0\n"
	    "- id: CVE-2018-1\n"                                        /* line 9: expired */
	    "  expires: 2020-01-01\n", &err), 0);
	assert_int_equal(vex(pol,
	    "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": ["
	    " {\"vulnerability\": {\"name\": \"CVE-2019-14697\"}, \"status\": \"not_affected\","
	    "  \"impact_statement\": \"not reachable\", \"products\": [{\"@id\": \"pkg:apk/alpine/busybox\"}]},"
	    " {\"vulnerability\": {\"name\": \"CVE-2019-14697\"}, \"status\": \"not_affected\","
	    "  \"justification\": \"component_not_present\", \"products\": [{\"@id\": \"pkg:apk/alpine/musl\"}]}"
	    "]}", &err), 0);
	lb_policy_apply(pol, inv);
	assert_int_equal(inv->nfindings, 2);
	assert_int_equal(inv->nsuppressed, 3);
	/* musl: both the ignore entry and the VEX match; VEX wins (it says why) */
	f = sup(inv, "musl", "CVE-2019-14697");
	assert_non_null(f);
	assert_string_equal(f->sup_kind, "vex");
	assert_string_equal(f->sup_justification, "component_not_present");
	f = sup(inv, "busybox", "CVE-2019-14697");
	assert_non_null(f);
	assert_string_equal(f->sup_status, "not_affected");
	assert_string_equal(f->sup_reason, "not reachable");
	f = sup(inv, "express", "GHSA-ex");
	assert_non_null(f);
	assert_string_equal(f->sup_kind, "ignore");
	assert_string_equal(f->sup_status, "ignored");
	assert_string_equal(f->sup_source, "i.yaml:3");
	assert_null(sup(inv, "busybox", "CVE-2018-1"));
	assert_null(sup(inv, "express", "CVE-2024-10"));

	r = lb_policy_rules(pol, &n);
	assert_int_equal(n, 7);
	assert_string_equal(lb_policy_rule_state(&r[0]), "stale");   /* VEX took musl */
	assert_string_equal(lb_policy_rule_state(&r[1]), "applied");
	assert_string_equal(lb_policy_rule_state(&r[2]), "stale");
	assert_string_equal(lb_policy_rule_state(&r[3]), "stale");
	assert_string_equal(lb_policy_rule_state(&r[4]), "expired");
	assert_string_equal(lb_policy_rule_state(&r[5]), "applied");
	assert_string_equal(lb_policy_rule_state(&r[6]), "applied");
	assert_int_equal(r[5].hits, 1);
	lb_policy_free(pol);
	lb_inventory_free(inv);
}

static void
test_pkg_types(void **state)
{
	struct lb_inventory *inv = inventory();

	(void)state;
	assert_int_equal(lb_policy_parse_pkg_types("os"), LB_PKGTYPE_OS);
	assert_int_equal(lb_policy_parse_pkg_types("library,os"), LB_PKGTYPE_OS | LB_PKGTYPE_LIBRARY);
	assert_int_equal(lb_policy_parse_pkg_types("os,"), LB_PKGTYPE_OS);
	assert_int_equal(lb_policy_parse_pkg_types("lib"), -1);
	assert_int_equal(lb_policy_parse_pkg_types(""), -1);
	lb_policy_filter_pkg_types(inv, LB_PKGTYPE_LIBRARY);
	assert_int_equal(inv->npkgs, 1);
	assert_string_equal(inv->pkgs[0].name, "express");
	assert_int_equal(inv->nfindings, 2);
	for (size_t i = 0; i < inv->nfindings; i++)
		assert_int_equal(inv->findings[i].pkg, 0);
	lb_inventory_free(inv);

	inv = inventory();
	lb_policy_filter_pkg_types(inv, LB_PKGTYPE_OS);
	assert_int_equal(inv->npkgs, 2);
	assert_int_equal(inv->nfindings, 3);
	for (size_t i = 0; i < inv->nfindings; i++)
		assert_string_equal(inv->pkgs[inv->findings[i].pkg].type, "apk");
	lb_inventory_free(inv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_yaml),
		cmocka_unit_test(test_vex_parse),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_pkg_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
