/* t_an_apk.c - the apk analyzer: lib/apk/db/installed. */
#include "lbtest.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "image/fsview.h"

#define DB "lib/apk/db/installed"

static const struct lb_analyzer_ops *
analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	fail_msg("no analyzer '%s'", name);
	return NULL;
}

struct img {
	struct lb_fsview *v;
	struct lb_inventory *inv;
	struct lb_ctx cx;
};

static void
img_init(struct img *im)
{
	im->v = lb_fsview_new(1);
	im->inv = lb_inventory_new();
	lbt_ctx(&im->cx);
}

static void
img_add(struct img *im, const char *path, const void *data, size_t len)
{
	lb_fsview_add(im->v, 0, path, LB_FT_REG, 0644, data, len, len, NULL, 0);
}

static void
img_fixture(struct img *im, const char *path, const char *rel)
{
	size_t len;
	char *data = lbt_slurp(lbt_testdata(rel), &len);

	img_add(im, path, data, len);
	free(data);
}

static void
img_run(struct img *im)
{
	lb_fsview_seal(im->v);
	assert_int_equal(analyzer("apk")->analyze(&im->cx, im->v, im->inv), 0);
}

static void
img_release(struct img *im)
{
	lb_fsview_free(im->v);
	lb_inventory_free(im->inv);
	lb_ctx_release(&im->cx);
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
check_pkg(const struct lb_pkg *p, const char *name, const char *version, const char *arch,
    const char *origin, const char *license)
{
	assert_string_equal(p->type, "apk");
	assert_str_or_null(p->name, name);
	assert_str_or_null(p->version, version);
	assert_str_or_null(p->arch, arch);
	assert_str_or_null(p->src_name, origin);
	assert_str_or_null(p->license, license);
	assert_null(p->src_version);
	assert_int_equal(p->layer, -1);
}

static void
check_warning(const struct lb_ctx *cx, const char *want)
{
	assert_int_equal(cx->nwarn, 1);
	if (!strstr(cx->warnings[0], want))
		fail_msg("warning '%s' lacks '%s'", cx->warnings[0], want);
}

static size_t
total_files(const struct lb_inventory *inv)
{
	size_t n = 0;

	for (size_t i = 0; i < inv->npkgs; i++)
		n += inv->pkgs[i].nfiles;
	return n;
}

static void
t_trivy(void **state)
{
	struct img im;
	const struct lb_pkg *p;
	(void)state;

	LBT_NEED_TESTDATA();
	img_init(&im);
	img_fixture(&im, DB, "pkgdb/apk/trivy-alpine-installed");
	img_run(&im);
	/* 16 stanzas, one without V: */
	assert_int_equal(im.inv->npkgs, 15);
	check_warning(&im.cx, "cannot parse 'lib/apk/db/installed' line 23: missing V: (version)");
	p = &im.inv->pkgs[0];
	check_pkg(p, "musl", "1.1.14-r10", "x86_64", NULL, "MIT");
	assert_string_equal(p->maintainer, "Timo Teräs <timo.teras@iki.fi>");
	assert_string_equal(p->db_path, DB);
	assert_int_equal(p->nfiles, 2);
	assert_string_equal(p->files[0], "lib/libc.musl-x86_64.so.1");
	assert_string_equal(p->files[1], "lib/ld-musl-x86_64.so.1");
	p = &im.inv->pkgs[1];
	check_pkg(p, "busybox", "1.24.2-r9", "x86_64", NULL, "GPL2");
	assert_int_equal(p->nfiles, 5);
	assert_string_equal(p->files[0], "bin/busybox");
	assert_string_equal(p->files[1], "bin/sh");
	assert_string_equal(p->files[2], "etc/securetty");
	assert_string_equal(p->files[4], "etc/logrotate.d/acpid");
	assert_string_equal(im.inv->pkgs[2].name, "alpine-baselayout");
	assert_int_equal(find_pkg(im.inv, "alpine-baselayout")->nfiles, 25);
	assert_int_equal(find_pkg(im.inv, "libcrypto1.0")->nfiles, 15);
	assert_string_equal(find_pkg(im.inv, "libcrypto1.0")->src_name, "openssl");
	assert_int_equal(total_files(im.inv), 76);
	img_release(&im);
}

static void
t_fixtures(void **state)
{
	struct img im;
	const struct lb_pkg *p;
	(void)state;

	LBT_NEED_TESTDATA();
	img_init(&im);
	img_fixture(&im, DB, "pkgdb/apk/scalibr-installed");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 15);
	assert_int_equal(im.cx.nwarn, 0);
	check_pkg(&im.inv->pkgs[0], "alpine-baselayout", "3.4.3-r1", "x86_64", NULL, "GPL-2.0-only");
	assert_string_equal(im.inv->pkgs[0].maintainer, "Natanael Copa <ncopa@alpinelinux.org>");
	assert_int_equal(total_files(im.inv), 109);
	img_release(&im);

	img_init(&im);
	img_fixture(&im, DB, "pkgdb/apk/scalibr-single");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	p = &im.inv->pkgs[0];
	check_pkg(p, "alpine-baselayout-data", "3.4.3-r1", "x86_64", "alpine-baselayout", "GPL-2.0-only");
	assert_int_equal(p->nfiles, 15);
	assert_string_equal(p->files[0], "etc/fstab");
	img_release(&im);

	img_init(&im);
	img_fixture(&im, DB, "pkgdb/apk/scalibr-no-origin");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	check_pkg(&im.inv->pkgs[0], "pkgname", "1.2.3", "x86_64", NULL, "GPL-2.0-only");
	assert_null(im.inv->pkgs[0].maintainer);
	assert_int_equal(im.inv->pkgs[0].nfiles, 0);
	img_release(&im);

	img_init(&im);
	img_fixture(&im, DB, "pkgdb/apk/scalibr-different-arch");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	check_pkg(&im.inv->pkgs[0], "alpine-baselayout-data", "3.4.3-r1", "noarch", "alpine-baselayout",
	    "GPL-2.0-only");
	img_release(&im);

	img_init(&im);
	img_fixture(&im, DB, "pkgdb/apk/syft-multiple-2-installed");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 14);
	assert_int_equal(im.cx.nwarn, 0);
	assert_int_equal(total_files(im.inv), 105);
	img_release(&im);

	img_init(&im);
	img_fixture(&im, DB, "pkgdb/apk/syft-extra-file-attributes");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	p = &im.inv->pkgs[0];
	check_pkg(p, "openjdk8-jre", "8.212.04-r0", "x86_64", "openjdk8", "custom");
	assert_int_equal(p->nfiles, 1);
	assert_string_equal(p->files[0], "usr/lib/jvm/java-1.8-openjdk/bin/policytool");
	img_release(&im);

	/* a garbage first line spoils only its own stanza */
	img_init(&im);
	img_fixture(&im, DB, "pkgdb/apk/syft-corrupt-installed");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	check_pkg(&im.inv->pkgs[0], "alpine-baselayout-data", "3.2.0-r22", "x86_64", "alpine-baselayout", NULL);
	check_warning(&im.cx, "cannot parse 'lib/apk/db/installed' line 1: expected 'K:value'");
	img_release(&im);
}

static void
t_parse_db(void **state)
{
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_file f = { 0 };
	struct lb_ctx cx;
	size_t len;
	char *data;
	(void)state;

	LBT_NEED_TESTDATA();
	data = lbt_slurp(lbt_testdata("pkgdb/apk/scalibr-installed"), &len);
	lbt_ctx(&cx);
	f.path = DB;
	f.data = (const uint8_t *)data;
	f.size = len;
	f.real_size = len;
	assert_int_equal(analyzer("apk")->parse_db(&cx, &f, inv), 0);
	assert_int_equal(inv->npkgs, 15);
	check_pkg(&inv->pkgs[0], "alpine-baselayout", "3.4.3-r1", "x86_64", NULL, "GPL-2.0-only");
	/* parse_db needs no file lists */
	assert_int_equal(total_files(inv), 0);
	assert_int_equal(cx.nwarn, 0);
	lb_inventory_free(inv);
	lb_ctx_release(&cx);
	free(data);
}

static void
t_locations(void **state)
{
	static const char db[] = "P:musl\nV:1.2.5-r0\nA:x86_64\nF:lib\nR:ld-musl-x86_64.so.1\n";
	struct img im;
	(void)state;

	/* apk-tools 3 location */
	img_init(&im);
	img_add(&im, "usr/lib/apk/db/installed", db, sizeof(db) - 1);
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	assert_string_equal(im.inv->pkgs[0].db_path, "usr/lib/apk/db/installed");
	img_release(&im);

	/* lib/apk/db -> ../../usr/lib/apk/db: one database, read once, under
	 * its real path */
	img_init(&im);
	img_add(&im, "usr/lib/apk/db/installed", db, sizeof(db) - 1);
	lb_fsview_add(im.v, 0, "lib/apk/db", LB_FT_SYMLINK, 0777, NULL, 0, 0, "../../usr/lib/apk/db", 0);
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	assert_string_equal(im.inv->pkgs[0].db_path, "usr/lib/apk/db/installed");
	img_release(&im);

	/* both present: lib/apk/db wins */
	img_init(&im);
	img_add(&im, DB, db, sizeof(db) - 1);
	img_add(&im, "usr/lib/apk/db/installed", "P:other\nV:1\n", 12);
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	assert_string_equal(im.inv->pkgs[0].name, "musl");
	img_release(&im);
}

static void
run_db(struct img *im, const char *data, size_t len)
{
	img_init(im);
	img_add(im, DB, data, len);
	img_run(im);
}

static void
t_hostile(void **state)
{
	struct img im;
	struct lb_buf b = LB_BUF_INIT(64u << 20);
	char *giant;
	size_t len;
	(void)state;

	/* a 16 MiB T: line, a 64 KiB name, 100000 files */
	lb_buf_addstr(&b, "P:a\nV:1\nT:");
	for (int i = 0; i < 16 * 1024 * 1024 / 16; i++)
		lb_buf_add(&b, "0123456789abcdef", 16);
	lb_buf_addstr(&b, "\nF:usr/bin\n");
	for (int i = 0; i < 100000; i++)
		lb_buf_addf(&b, "R:f%d\n", i);
	lb_buf_addstr(&b, "\nP:");
	for (int i = 0; i < 64 * 1024; i++)
		lb_buf_add(&b, "n", 1);
	lb_buf_addstr(&b, "\nV:2\n");
	giant = lb_buf_detach(&b, &len);
	run_db(&im, giant, len);
	assert_int_equal(im.inv->npkgs, 2);
	assert_int_equal(im.inv->pkgs[0].nfiles, 100000);
	assert_string_equal(im.inv->pkgs[0].files[99999], "usr/bin/f99999");
	assert_int_equal(strlen(im.inv->pkgs[1].name), 64 * 1024);
	assert_int_equal(im.cx.nwarn, 0);
	img_release(&im);
	free(giant);

	/* R: before F: is at the root; F: with slashes; CRLF; unknown keys */
	{
		static const char s[] =
			"P:files\r\nV:1\r\nR:rootfile\r\nF:/etc/\r\nR:passwd\r\nM:0:0:755\r\nq:unknown\r\n"
			"F:\r\nR:top\r\na:0:0:644\r\nZ:Q1abc=\r\n";
		run_db(&im, s, sizeof(s) - 1);
		assert_int_equal(im.inv->npkgs, 1);
		assert_string_equal(im.inv->pkgs[0].version, "1");
		assert_int_equal(im.inv->pkgs[0].nfiles, 3);
		assert_string_equal(im.inv->pkgs[0].files[0], "rootfile");
		assert_string_equal(im.inv->pkgs[0].files[1], "etc/passwd");
		assert_string_equal(im.inv->pkgs[0].files[2], "top");
		assert_int_equal(im.cx.nwarn, 0);
		img_release(&im);
	}

	/* bad stanzas: missing P, missing V, duplicate V, a line that is
	 * not "K:value", a NUL in the version; one warning for the file */
	{
		static const char s[] =
			"V:1\nA:x86_64\n\n"
			"P:nover\nA:x86_64\n\n"
			"P:dup\nV:1\nV:2\n\n"
			"P:junk\nthis is not a field\nV:1\n\n"
			"P:nul\nV:1\0x\n\n"
			"P:ok\nV:1\n";
		run_db(&im, s, sizeof(s) - 1);
		assert_int_equal(im.inv->npkgs, 1);
		assert_string_equal(im.inv->pkgs[0].name, "ok");
		check_warning(&im.cx, "cannot parse 'lib/apk/db/installed' line 1: missing P: (name) "
		    "(5 bad stanzas skipped)");
		img_release(&im);
	}

	/* escapes and invalid UTF-8 are kept */
	{
		static const char s[] = "P:\x1b]0;pwned\x07\xff\nV:1.0\x1b[2J\nm:\xc3\x28\no:\x1b[31m\n";
		run_db(&im, s, sizeof(s) - 1);
		assert_int_equal(im.inv->npkgs, 1);
		assert_string_equal(im.inv->pkgs[0].name, "\x1b]0;pwned\x07\xff");
		assert_string_equal(im.inv->pkgs[0].version, "1.0\x1b[2J");
		assert_string_equal(im.inv->pkgs[0].maintainer, "\xc3\x28");
		assert_string_equal(im.inv->pkgs[0].src_name, "\x1b[31m");
		img_release(&im);
	}

	/* cut at the cap: the cut stanza is dropped */
	{
		static const char s[] = "P:whole\nV:1.0-r0\n\nP:cut\nV:2.0-r1";
		img_init(&im);
		lb_fsview_add(im.v, 0, DB, LB_FT_REG, 0644, s, sizeof(s) - 1 - 3, 1u << 30, NULL, 1);
		img_run(&im);
		assert_int_equal(im.inv->npkgs, 1);
		assert_string_equal(im.inv->pkgs[0].name, "whole");
		check_warning(&im.cx, "cannot read all of 'lib/apk/db/installed': truncated to 29 of "
		    "1073741824 bytes");
		img_release(&im);
	}

	run_db(&im, "\n\n\n", 3);
	assert_int_equal(im.inv->npkgs, 0);
	assert_int_equal(im.cx.nwarn, 0);
	img_release(&im);
	run_db(&im, "", 0);
	assert_int_equal(im.inv->npkgs, 0);
	img_release(&im);
}

/* Builds a one-layer view from a rootfs tarball the way the layer walker
 * does: the files some analyzer wants, and every symlink. */
static struct lb_fsview *
view_from_tarball(const char *path)
{
	struct lb_fsview *v = lb_fsview_new(1);
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *buf = NULL;
	size_t cap = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_filename(a, path, 1 << 16), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		uint32_t want = 0;

		while (name[0] == '.' && name[1] == '/')
			name += 2;
		while (name[0] == '/')
			name++;
		if (archive_entry_filetype(e) == AE_IFLNK) {
			lb_fsview_add(v, 0, name, LB_FT_SYMLINK, 0777, NULL, 0, 0,
			    archive_entry_symlink(e), 0);
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		for (size_t i = 0; lb_analyzers[i] && !want; i++)
			for (const struct lb_interest *in = lb_analyzers[i]->interests;
			    in && (in->path || in->suffix) && !want; in++)
				want = lb_interest_match(in, name, strlen(name));
		if (want) {
			size_t size = (size_t)archive_entry_size(e), got;
			lb_xgrow(&buf, &cap, size + 1, 1);
			got = (size_t)archive_read_data(a, buf, size);
			assert_int_equal(got, size);
			lb_fsview_add(v, 0, name, LB_FT_REG, 0644, buf, size, size, NULL, 0);
		}
	}
	archive_read_free(a);
	free(buf);
	lb_fsview_seal(v);
	return v;
}

/* The official minirootfs tarballs: exactly the expected packages, in
 * database order, and the OS from alpine-release. */
static void
t_rootfs(void **state)
{
	static const char *const vers[] = { "3.7.3", "3.10.9", "3.11.13", "3.12.12", "3.16.9", "3.19.4",
		"3.20.3" };
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(vers) / sizeof(vers[0]); i++) {
		char rel[256], *expected, *line, *save = NULL;
		struct lb_inventory *inv = lb_inventory_new();
		struct lb_fsview *v;
		struct lb_ctx cx;
		size_t n = 0;

		snprintf(rel, sizeof(rel), "rootfs/alpine/alpine-minirootfs-%s-x86_64.tar.gz", vers[i]);
		v = view_from_tarball(lbt_testdata(rel));
		lbt_ctx(&cx);
		assert_int_equal(lb_analyze_all(&cx, v, inv), 0);
		assert_int_equal(cx.nwarn, 0);
		assert_string_equal(inv->os.family, "alpine");
		assert_string_equal(inv->os.version, vers[i]);
		assert_string_equal(inv->os.evidence, "etc/os-release");

		snprintf(rel, sizeof(rel), "rootfs/alpine/expected/alpine-minirootfs-%s-x86_64.packages.txt",
		    vers[i]);
		expected = lbt_slurp(lbt_testdata(rel), NULL);
		for (line = strtok_r(expected, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char want[512];
			assert_true(n < inv->npkgs);
			snprintf(want, sizeof(want), "%s %s", inv->pkgs[n].name, inv->pkgs[n].version);
			assert_string_equal(want, line);
			assert_string_equal(inv->pkgs[n].type, "apk");
			assert_string_equal(inv->pkgs[n].arch, "x86_64");
			/* a one-layer image: everything came from layer 0 */
			assert_int_equal(inv->pkgs[n].layer, 0);
			n++;
		}
		assert_int_equal(n, inv->npkgs);
		assert_true(find_pkg(inv, "busybox")->nfiles > 0);
		print_message("alpine %s: %zu packages, %zu files\n", vers[i], inv->npkgs, total_files(inv));
		free(expected);
		lb_ctx_release(&cx);
		lb_fsview_free(v);
		lb_inventory_free(inv);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_trivy),
		cmocka_unit_test(t_fixtures),
		cmocka_unit_test(t_parse_db),
		cmocka_unit_test(t_locations),
		cmocka_unit_test(t_hostile),
		cmocka_unit_test(t_rootfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
