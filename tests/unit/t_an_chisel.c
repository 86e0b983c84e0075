/* t_an_chisel.c - chisel-cut Ubuntu: packages from the zstd jsonwall
 * manifest, the OS name, and broken manifests. */
#include "lbtest.h"

#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "image/fsview.h"

#define WALL "var/lib/chisel/manifest.wall"

static const char manifest[] =
	"{\"jsonwall\":\"1.0\",\"schema\":\"1.0\",\"count\":6}\n"
	"{\"kind\":\"package\",\"name\":\"base-files\",\"version\":\"13ubuntu10\",\"sha256\":\"ab\",\"arch\":\"amd64\"}\n"
	"{\"kind\":\"package\",\"name\":\"libssl3t64\",\"version\":\"3.0.13-0ubuntu3.1\",\"sha256\":\"cd\",\"arch\":\"amd64\"}\n"
	"{\"kind\":\"path\",\"path\":\"/etc/os-release\",\"mode\":\"0644\",\"slices\":[\"base-files_release-info\"]}\n"
	"{\"kind\":\"path\",\"path\":\"/usr/lib/x86_64-linux-gnu/libssl.so.3\",\"mode\":\"0644\","
	"\"slices\":[\"libssl3t64_libs\",\"nosuchpkg_x\",\"nounderscore\"]}\n"
	"{\"kind\":\"slice\",\"name\":\"base-files_release-info\"}\n"
	"{\"kind\":\"slice\",\"name\":\"libssl3t64_libs\"}\n";

static void *
compress(const char *text, size_t *len)
{
	size_t cap = ZSTD_compressBound(strlen(text));
	void *out = malloc(cap);

	*len = ZSTD_compress(out, cap, text, strlen(text), 3);
	assert_false(ZSTD_isError(*len));
	return out;
}

static struct lb_inventory *
run(const void *wall, size_t len, const char *os_release, size_t *nwarn)
{
	struct lb_fsview *v = lb_fsview_new(1);
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_ctx cx;

	lbt_ctx(&cx);
	lb_fsview_add(v, 0, WALL, LB_FT_REG, 0644, wall, len, len, NULL, 0);
	if (os_release)
		lb_fsview_add(v, 0, "etc/os-release", LB_FT_REG, 0644, os_release, strlen(os_release),
		    strlen(os_release), NULL, 0);
	lb_fsview_seal(v);
	assert_int_equal(lb_analyze_all(&cx, v, inv), 0);
	*nwarn = cx.nwarn;
	lb_fsview_free(v);
	lb_ctx_release(&cx);
	return inv;
}

static void
test_manifest(void **state)
{
	size_t len, nwarn;
	void *z = compress(manifest, &len);
	struct lb_inventory *inv = run(z, len, NULL, &nwarn);
	const struct lb_pkg *p;

	(void)state;
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 2);
	p = &inv->pkgs[1];
	assert_string_equal(p->type, "deb");
	assert_string_equal(p->name, "libssl3t64");
	assert_string_equal(p->version, "3.0.13-0ubuntu3.1");
	assert_string_equal(p->arch, "amd64");
	assert_string_equal(p->db_path, WALL);
	assert_int_equal(p->layer, 0);
	assert_int_equal(p->nfiles, 1);
	assert_string_equal(p->files[0], "usr/lib/x86_64-linux-gnu/libssl.so.3");
	assert_int_equal(inv->pkgs[0].nfiles, 1);
	/* no os-release: Ubuntu, said to be chiselled */
	assert_string_equal(inv->os.family, "ubuntu");
	assert_string_equal(inv->os.name, "Ubuntu (chiselled)");
	lb_inventory_free(inv);

	inv = run(z, len, "ID=ubuntu\nVERSION_ID=\"24.04\"\nPRETTY_NAME=\"Ubuntu 24.04 LTS\"\n", &nwarn);
	assert_string_equal(inv->os.name, "Ubuntu 24.04 LTS (chiselled)");
	assert_string_equal(inv->os.version_id, "24.04");
	lb_inventory_free(inv);
	free(z);
}

static void
test_broken(void **state)
{
	size_t len, nwarn;
	struct lb_inventory *inv;
	void *z;

	(void)state;
	/* not zstd at all */
	inv = run(manifest, strlen(manifest), NULL, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	/* no jsonwall header */
	z = compress("{\"kind\":\"package\",\"name\":\"a\",\"version\":\"1\"}\n", &len);
	inv = run(z, len, NULL, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	free(z);
	/* bad lines are skipped and counted, the rest is read */
	z = compress("{\"jsonwall\":\"1.0\"}\nnot json\n[1,2]\n{\"kind\":\"package\",\"name\":\"a\"}\n"
	    "{\"kind\":\"package\",\"name\":\"b\",\"version\":\"2\"}\n", &len);
	inv = run(z, len, NULL, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 1);
	assert_string_equal(inv->pkgs[0].name, "b");
	lb_inventory_free(inv);
	free(z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
