/* t_an_dpkg.c - the dpkg analyzer: status, status.d and the info lists. */
#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "image/fsview.h"

#define STATUS "var/lib/dpkg/status"

static const struct lb_analyzer_ops *
analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	fail_msg("no analyzer '%s'", name);
	return NULL;
}

/* A test image: one layer built by hand, then the dpkg analyzer. */
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
img_adds(struct img *im, const char *path, const char *data)
{
	img_add(im, path, data, strlen(data));
}

/* Adds the fixture file rel (under $LB_TESTDATA) at path. */
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
	assert_int_equal(analyzer("dpkg")->analyze(&im->cx, im->v, im->inv), 0);
}

static void
img_release(struct img *im)
{
	lb_fsview_free(im->v);
	lb_inventory_free(im->inv);
	lb_ctx_release(&im->cx);
}

static const struct lb_pkg *
find_pkg(const struct lb_inventory *inv, const char *name, const char *arch)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0 &&
		    (!arch || (inv->pkgs[i].arch && strcmp(inv->pkgs[i].arch, arch) == 0)))
			return &inv->pkgs[i];
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
    const char *src_name, const char *src_version)
{
	if (!p)
		fail_msg("package '%s' is missing", name);
	assert_string_equal(p->type, "deb");
	assert_str_or_null(p->name, name);
	assert_str_or_null(p->version, version);
	assert_str_or_null(p->arch, arch);
	assert_str_or_null(p->src_name, src_name);
	assert_str_or_null(p->src_version, src_version);
	assert_int_equal(p->layer, -1);
}

/* The one warning of a run must contain want. */
static void
check_warning(const struct lb_ctx *cx, const char *want)
{
	assert_int_equal(cx->nwarn, 1);
	if (!strstr(cx->warnings[0], want))
		fail_msg("warning '%s' lacks '%s'", cx->warnings[0], want);
}

static void
t_trivy_valid(void **state)
{
	struct img im;
	const struct lb_pkg *p;
	size_t all = 0, amd64 = 0;
	(void)state;

	LBT_NEED_TESTDATA();
	img_init(&im);
	img_fixture(&im, STATUS, "pkgdb/dpkg/trivy-valid/var/lib/dpkg/status");
	img_run(&im);
	/* 91 stanzas, one "deinstall ok config-files" */
	assert_int_equal(im.inv->npkgs, 90);
	assert_int_equal(im.cx.nwarn, 0);
	assert_null(find_pkg(im.inv, "git", NULL));
	for (size_t i = 0; i < im.inv->npkgs; i++) {
		assert_string_equal(im.inv->pkgs[i].db_path, STATUS);
		assert_int_equal(im.inv->pkgs[i].nfiles, 0);
		all += strcmp(im.inv->pkgs[i].arch, "all") == 0;
		amd64 += strcmp(im.inv->pkgs[i].arch, "amd64") == 0;
	}
	assert_int_equal(all, 10);
	assert_int_equal(amd64, 80);

	/* database order is kept */
	p = &im.inv->pkgs[0];
	check_pkg(p, "fdisk", "2.31.1-0.4ubuntu3.1", "amd64", "util-linux", NULL);
	assert_string_equal(p->maintainer, "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>");
	assert_null(p->license);
	check_pkg(&im.inv->pkgs[1], "libpam-runtime", "1.1.8-3.6ubuntu2", "all", "pam", NULL);
	/* "Source: name (version)" forms: binNMU and epoch */
	check_pkg(find_pkg(im.inv, "liblzma5", NULL), "liblzma5", "5.1.1alpha+20120614-2+b3", "amd64",
	    "xz-utils", "5.1.1alpha+20120614-2");
	check_pkg(find_pkg(im.inv, "bsdutils", NULL), "bsdutils", "1:2.31.1-0.4ubuntu3.1", "amd64",
	    "util-linux", "2.31.1-0.4ubuntu3.1");
	check_pkg(find_pkg(im.inv, "libustr-1.0-1", NULL), "libustr-1.0-1", "1.0.4-3+b2", "amd64",
	    "ustr", "1.0.4-3");
	img_release(&im);
}

/* parse_db reads one status file as analyze() does. */
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
	data = lbt_slurp(lbt_testdata("pkgdb/dpkg/trivy-third-party/var/lib/dpkg/status"), &len);
	lbt_ctx(&cx);
	f.path = STATUS;
	f.data = (const uint8_t *)data;
	f.size = len;
	f.real_size = len;
	assert_int_equal(analyzer("dpkg")->parse_db(&cx, &f, inv), 0);
	assert_int_equal(inv->npkgs, 2);
	check_pkg(&inv->pkgs[0], "docker-ce", "5:20.10.7~3-0~debian-buster", "amd64", NULL, NULL);
	assert_string_equal(inv->pkgs[0].maintainer, "Docker <support@docker.com>");
	check_pkg(&inv->pkgs[1], "apt", "1.6.3ubuntu0.1", "amd64", NULL, NULL);
	assert_int_equal(cx.nwarn, 0);

	/* a status.d path means "no Status: is installed" */
	lb_inventory_free(inv);
	inv = lb_inventory_new();
	f.path = "var/lib/dpkg/status.d/x";
	f.data = (const uint8_t *)"Package: x\nVersion: 1\n";
	f.size = strlen((const char *)f.data);
	assert_int_equal(analyzer("dpkg")->parse_db(&cx, &f, inv), 0);
	assert_int_equal(inv->npkgs, 1);
	f.path = STATUS;
	assert_int_equal(analyzer("dpkg")->parse_db(&cx, &f, inv), 0);
	assert_int_equal(inv->npkgs, 1);
	assert_int_equal(cx.nwarn, 0);
	lb_inventory_free(inv);
	lb_ctx_release(&cx);
	free(data);
}

struct scalibr_case {
	const char *file;
	size_t npkgs;
	const char *warning;     /* NULL: none */
	const char *first, *first_version;
};

static void
t_scalibr(void **state)
{
	static const struct scalibr_case cases[] = {
		{ "valid", 7, NULL, "accountsservice", "22.08.8-6" },
		{ "single", 1, NULL, "acl", "2.3.1-3" },
		/* want-flag any, status "installed": install, deinstall
		 * reinstreq and purge; not config-files, unpacked,
		 * half-installed or a missing Status */
		{ "statusfield", 3, NULL, "wantinstall_installed", "1.0" },
		{ "nopackage", 2, "cannot parse 'var/lib/dpkg/status' line 5: missing Package", "foo", "1.0" },
		{ "noversion", 2, "cannot parse 'var/lib/dpkg/status' line 5: missing Version", "foo", "1.0" },
		{ "invalid", 0, "cannot parse 'var/lib/dpkg/status' line 1: expected 'Field: value' (2 bad stanzas skipped)", NULL, NULL },
		{ "empty", 0, NULL, NULL, NULL },
		{ "trailingnewlines", 1, NULL, "acl", "2.3.1-3" },
		{ "transitional", 1, NULL, "iceweasel", "78.13.0esr-1~deb10u1" },
		{ "transitional_dummy", 1, NULL, "git-core", "1:2.14.2-1" },
		{ "transitional_empty", 1, NULL, "runit-systemd", "2.1.2-54+usrmerge" },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct scalibr_case *c = &cases[i];
		char rel[256];
		struct img im;

		snprintf(rel, sizeof(rel), "pkgdb/dpkg/scalibr-dpkg/%s", c->file);
		img_init(&im);
		img_fixture(&im, STATUS, rel);
		img_run(&im);
		print_message("%s: %zu packages, %zu warnings\n", c->file, im.inv->npkgs, im.cx.nwarn);
		assert_int_equal(im.inv->npkgs, c->npkgs);
		if (c->warning)
			check_warning(&im.cx, c->warning);
		else
			assert_int_equal(im.cx.nwarn, 0);
		if (c->first) {
			assert_string_equal(im.inv->pkgs[0].name, c->first);
			assert_string_equal(im.inv->pkgs[0].version, c->first_version);
		}
		img_release(&im);
	}
	{
		struct img im;

		img_init(&im);
		img_fixture(&im, STATUS, "pkgdb/dpkg/scalibr-dpkg/statusfield");
		img_run(&im);
		assert_non_null(find_pkg(im.inv, "wantdeinstall_installed", NULL));
		assert_non_null(find_pkg(im.inv, "wantpurge_installed", NULL));
		assert_null(find_pkg(im.inv, "wantinstall_unpacked", NULL));
		assert_null(find_pkg(im.inv, "wantinstall_halfinstalled", NULL));
		assert_null(find_pkg(im.inv, "wantdeinstall_configfiles", NULL));
		assert_null(find_pkg(im.inv, "wantnostatus", NULL));
		img_release(&im);

		img_init(&im);
		img_fixture(&im, STATUS, "pkgdb/dpkg/scalibr-dpkg/transitional");
		img_run(&im);
		check_pkg(&im.inv->pkgs[0], "iceweasel", "78.13.0esr-1~deb10u1", "all", "firefox-esr", NULL);
		img_release(&im);
	}
}

static void
t_status_d(void **state)
{
	struct img im;
	const struct lb_pkg *p;
	(void)state;

	LBT_NEED_TESTDATA();
	/* scalibr: foo has no Status (installed), bar is config-files;
	 * foo.md5sums is not a status file */
	img_init(&im);
	img_fixture(&im, "var/lib/dpkg/status.d/foo", "pkgdb/dpkg/scalibr-dpkg/status.d/foo");
	img_fixture(&im, "var/lib/dpkg/status.d/foo.md5sums", "pkgdb/dpkg/scalibr-dpkg/status.d/foo.md5sums");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	check_pkg(&im.inv->pkgs[0], "foo", "1.2.3", "amd64", NULL, NULL);
	assert_string_equal(im.inv->pkgs[0].maintainer, "someone");
	assert_string_equal(im.inv->pkgs[0].db_path, "var/lib/dpkg/status.d/foo");
	assert_int_equal(im.cx.nwarn, 0);
	img_release(&im);

	/* distroless layout */
	img_init(&im);
	img_fixture(&im, "var/lib/dpkg/status.d/libsqlite3-0",
	    "pkgdb/dpkg/syft-distroless-rootfs/var/lib/dpkg/status.d/libsqlite3-0");
	img_fixture(&im, "var/lib/dpkg/status.d/libsqlite3-0.md5sums",
	    "pkgdb/dpkg/syft-distroless-rootfs/var/lib/dpkg/status.d/libsqlite3-0.md5sums");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	check_pkg(&im.inv->pkgs[0], "libsqlite3-0", "3.34.1-3", "arm64", "sqlite3", NULL);
	assert_string_equal(im.inv->pkgs[0].maintainer, "Laszlo Boszormenyi (GCS) <gcs@debian.org>");
	assert_int_equal(im.cx.nwarn, 0);
	img_release(&im);

	/* syft status.d files side by side, each its own db_path; files in
	 * byte order of path */
	img_init(&im);
	img_fixture(&im, "var/lib/dpkg/status.d/coreutils", "pkgdb/dpkg/syft-status.d/coreutils-relationships");
	img_fixture(&im, "var/lib/dpkg/status.d/deinstall", "pkgdb/dpkg/syft-status.d/deinstall");
	img_fixture(&im, "var/lib/dpkg/status.d/multiple", "pkgdb/dpkg/syft-status.d/multiple");
	img_fixture(&im, "var/lib/dpkg/status.d/single", "pkgdb/dpkg/syft-status.d/installed-size-4KB");
	img_fixture(&im, "var/lib/dpkg/status.d/sub/nested", "pkgdb/dpkg/syft-status.d/single");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 9 + 1 + 2 + 1);
	check_pkg(&im.inv->pkgs[0], "coreutils", "9.1-1", "arm64", NULL, NULL);
	check_pkg(find_pkg(im.inv, "libc6", NULL), "libc6", "2.36-9+deb12u1", "arm64", "glibc", NULL);
	p = find_pkg(im.inv, "linux-image-6.14.0-1012-aws", NULL);
	check_pkg(p, "linux-image-6.14.0-1012-aws", "6.14.0-1012.12~24.04.1", "amd64",
	    "linux-signed-aws-6.14", NULL);
	assert_string_equal(p->db_path, "var/lib/dpkg/status.d/deinstall");
	assert_null(find_pkg(im.inv, "linux-image-6.8.0-1029-aws", NULL));
	check_pkg(find_pkg(im.inv, "tzdata", NULL), "tzdata", "2020a-0+deb10u1", "all", "tzdata-dev", NULL);
	check_pkg(find_pkg(im.inv, "util-linux", NULL), "util-linux", "2.33.1-0.1", "amd64", NULL, NULL);
	check_pkg(find_pkg(im.inv, "apt", NULL), "apt", "1.8.2", "amd64", "apt-dev", NULL);
	/* multiple: "Package:" with no value and "no-version" */
	check_warning(&im.cx, "cannot parse 'var/lib/dpkg/status.d/multiple' line 1: missing Package "
	    "(2 bad stanzas skipped)");
	img_release(&im);

	/* corrupt: one warning, nothing found */
	img_init(&im);
	img_fixture(&im, "var/lib/dpkg/status.d/corrupt", "pkgdb/dpkg/syft-status.d/corrupt");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 0);
	check_warning(&im.cx, "cannot parse 'var/lib/dpkg/status.d/corrupt' line 5: expected 'Field: value'");
	img_release(&im);
}

static void
t_rootfs_fixtures(void **state)
{
	struct img im;
	(void)state;

	LBT_NEED_TESTDATA();
	/* an empty "Package:" stanza without Status comes first: skipped quietly */
	img_init(&im);
	img_fixture(&im, STATUS, "pkgdb/dpkg/syft-dpkg-rootfs/var/lib/dpkg/status");
	img_fixture(&im, "var/lib/dpkg/info/libpam-runtime.md5sums",
	    "pkgdb/dpkg/syft-dpkg-rootfs/var/lib/dpkg/info/libpam-runtime.md5sums");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	check_pkg(&im.inv->pkgs[0], "libpam-runtime", "1.1.8-3.6", "all", "pam", NULL);
	assert_int_equal(im.inv->pkgs[0].nfiles, 0);
	assert_int_equal(im.cx.nwarn, 0);
	img_release(&im);

	img_init(&im);
	img_fixture(&im, STATUS, "pkgdb/dpkg/trivy-md5sums/var/lib/dpkg/status");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 1);
	check_pkg(&im.inv->pkgs[0], "tar", "1.29b-2", "amd64", NULL, NULL);
	img_release(&im);
}

static const char multiarch_status[] =
	"Package: libc6\n"
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Multi-Arch: same\n"
	"Source: glibc\n"
	"Version: 2.36-9+deb12u4\n"
	"\n"
	"Package: libc6\n"
	"Status: install ok installed\n"
	"Architecture: i386\n"
	"Multi-Arch: same\n"
	"Source: glibc\n"
	"Version: 2.36-9+deb12u4\n"
	"\n"
	"Package: fdisk\n"
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 2.38.1-5+b1\n"
	"Source: util-linux (2.38.1-5)\n"
	"\n"
	"Package: tar\n"
	"Status: install ok installed\n"
	"Architecture: amd64\n"
	"Version: 1.34+dfsg-1\n";

static void
t_info_lists(void **state)
{
	struct img im;
	const struct lb_pkg *p;
	(void)state;

	img_init(&im);
	img_adds(&im, STATUS, multiarch_status);
	img_adds(&im, "var/lib/dpkg/info/libc6:amd64.list",
	    "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libc.so.6\n");
	img_adds(&im, "var/lib/dpkg/info/libc6:i386.list", "/.\n/lib/i386-linux-gnu/libc.so.6\n");
	img_adds(&im, "var/lib/dpkg/info/fdisk.list", "/.\r\n/sbin/fdisk\r\n/sbin/sfdisk\r\n\r\n/usr/share/doc/fdisk");
	img_adds(&im, "var/lib/dpkg/info/fdisk.md5sums", "d41d8cd98f00b204e9800998ecf8427e  sbin/fdisk\n");
	img_adds(&im, "var/lib/dpkg/info/nosuchpkg.list", "/.\n/x\n");
	img_adds(&im, "var/lib/dpkg/info/sub/tar.list", "/.\n/nested\n");
	img_adds(&im, "var/lib/dpkg/info/.list", "/.\n/x\n");
	img_run(&im);
	assert_int_equal(im.inv->npkgs, 4);
	assert_int_equal(im.cx.nwarn, 0);

	p = find_pkg(im.inv, "libc6", "amd64");
	check_pkg(p, "libc6", "2.36-9+deb12u4", "amd64", "glibc", NULL);
	assert_int_equal(p->nfiles, 3);
	assert_string_equal(p->files[0], "lib");
	assert_string_equal(p->files[2], "lib/x86_64-linux-gnu/libc.so.6");
	p = find_pkg(im.inv, "libc6", "i386");
	assert_int_equal(p->nfiles, 1);
	assert_string_equal(p->files[0], "lib/i386-linux-gnu/libc.so.6");
	p = find_pkg(im.inv, "fdisk", NULL);
	check_pkg(p, "fdisk", "2.38.1-5+b1", "amd64", "util-linux", "2.38.1-5");
	assert_int_equal(p->nfiles, 3);
	assert_string_equal(p->files[0], "sbin/fdisk");
	assert_string_equal(p->files[1], "sbin/sfdisk");
	assert_string_equal(p->files[2], "usr/share/doc/fdisk");
	p = find_pkg(im.inv, "tar", NULL);
	assert_int_equal(p->nfiles, 0);
	img_release(&im);

	/* a list cut at its cap: the cut line is dropped, with a warning */
	img_init(&im);
	img_adds(&im, STATUS, multiarch_status);
	lb_fsview_add(im.v, 0, "var/lib/dpkg/info/tar.list", LB_FT_REG, 0644, "/.\n/bin/tar\n/usr/sh", 19,
	    1u << 30, NULL, 1);
	img_run(&im);
	p = find_pkg(im.inv, "tar", NULL);
	assert_int_equal(p->nfiles, 1);
	assert_string_equal(p->files[0], "bin/tar");
	check_warning(&im.cx, "cannot read all of 'var/lib/dpkg/info/tar.list': truncated to 19 of 1073741824 bytes");
	img_release(&im);
}

/* Runs the analyzer on one status file given as bytes. */
static void
run_status(struct img *im, const char *data, size_t len)
{
	img_init(im);
	img_add(im, STATUS, data, len);
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

	/* giant lines: a 32 MiB Description line, a 1 MiB continuation and
	 * a 64 KiB package name */
	lb_buf_addstr(&b, "Package: a\nStatus: install ok installed\nVersion: 1\nDescription: ");
	for (int i = 0; i < 32 * 1024; i++)
		lb_buf_add(&b, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1024);
	lb_buf_addstr(&b, "\n ");
	for (int i = 0; i < 1024 * 1024; i++)
		lb_buf_add(&b, "x", 1);
	lb_buf_addstr(&b, "\n\nPackage: ");
	for (int i = 0; i < 64 * 1024; i++)
		lb_buf_add(&b, "n", 1);
	lb_buf_addstr(&b, "\nStatus: install ok installed\nVersion: 2\n\nPackage: c\n"
	    "Status: install ok installed\nVersion: 3\n");
	giant = lb_buf_detach(&b, &len);
	run_status(&im, giant, len);
	assert_int_equal(im.inv->npkgs, 3);
	assert_string_equal(im.inv->pkgs[0].name, "a");
	assert_int_equal(strlen(im.inv->pkgs[1].name), 64 * 1024);
	assert_string_equal(im.inv->pkgs[1].version, "2");
	assert_string_equal(im.inv->pkgs[2].name, "c");
	assert_int_equal(im.cx.nwarn, 0);
	img_release(&im);
	free(giant);

	/* CRLF, case-insensitive names, continuation lines, whitespace-only
	 * separator, hold and triggers-pending count as installed */
	{
		static const char s[] =
			"Package: crlf\r\nStatus: hold ok installed\r\nVersion: 1.0-1\r\n"
			"Architecture: amd64\r\nDescription: x\r\n more\r\n .\r\n\r\n"
			"package: lower\nSTATUS: install ok triggers-pending\nversion: 2\n"
			"Depends: a,\n b,\n\tc\n \t \n"
			"Package: unpacked\nStatus: install ok unpacked\nVersion: 3\n";
		run_status(&im, s, sizeof(s) - 1);
		assert_int_equal(im.inv->npkgs, 2);
		check_pkg(&im.inv->pkgs[0], "crlf", "1.0-1", "amd64", NULL, NULL);
		check_pkg(&im.inv->pkgs[1], "lower", "2", NULL, NULL, NULL);
		assert_int_equal(im.cx.nwarn, 0);
		img_release(&im);
	}

	/* missing Version: the warning names the file and the stanza's line;
	 * the stanzas around it are kept */
	{
		static const char s[] =
			"Package: one\nStatus: install ok installed\nVersion: 1\n\n"
			"Package: nover\nStatus: install ok installed\nArchitecture: all\n\n"
			"Package: three\nStatus: install ok installed\nVersion: 3\n";
		run_status(&im, s, sizeof(s) - 1);
		assert_int_equal(im.inv->npkgs, 2);
		assert_string_equal(im.inv->pkgs[1].name, "three");
		check_warning(&im.cx, "cannot parse 'var/lib/dpkg/status' line 5: missing Version");
		img_release(&im);
	}

	/* structural errors, each in its own stanza: one warning for the file */
	{
		static const char s[] =
			" leading continuation\nPackage: a\nStatus: install ok installed\nVersion: 1\n\n"
			"Package: b\nStatus: install ok installed\nno colon here\nVersion: 1\n\n"
			"Package: c\nStatus: install ok installed\nVersion: 1\nVersion: 2\n\n"
			"Package: d\nStatus: installed\nVersion: 1\n\n"
			"Package: e\nStatus: install ok bogus\nVersion: 1\n\n"
			": no name\nPackage: f\nStatus: install ok installed\nVersion: 1\n\n"
			"Package: ok\nStatus: install ok installed\nVersion: 1\n";
		run_status(&im, s, sizeof(s) - 1);
		assert_int_equal(im.inv->npkgs, 1);
		assert_string_equal(im.inv->pkgs[0].name, "ok");
		check_warning(&im.cx, "cannot parse 'var/lib/dpkg/status' line 1: continuation line "
		    "without a field (6 bad stanzas skipped)");
		img_release(&im);
	}
	{
		static const char s[] = "Package: c\nStatus: install ok installed\nVersion: 1\nversion: 2\n";
		run_status(&im, s, sizeof(s) - 1);
		check_warning(&im.cx, "line 4: duplicate Version field");
		img_release(&im);
	}

	/* NUL bytes: fatal to the stanza in a kept field, harmless elsewhere */
	{
		static const char s[] =
			"Package: nul\nStatus: install ok installed\nVersion: 1\0evil\n\n"
			"Package: fine\nStatus: install ok installed\nVersion: 2\nDescription: a\0b\n";
		run_status(&im, s, sizeof(s) - 1);
		assert_int_equal(im.inv->npkgs, 1);
		assert_string_equal(im.inv->pkgs[0].name, "fine");
		check_warning(&im.cx, "line 1: NUL byte in Version");
		img_release(&im);
	}

	/* invalid UTF-8 and terminal escapes are kept as they are; the
	 * warning text is sanitised by the logger */
	{
		static const char s[] =
			"Package: \x1b[2J\x1b]0;pwned\x07name\nStatus: install ok installed\n"
			"Version: 1.0\xff\xfe\nMaintainer: \xc3\x28 <x@y>\n\n"
			"Package: \x1b[31mred\nStatus: install ok installed\n";
		run_status(&im, s, sizeof(s) - 1);
		assert_int_equal(im.inv->npkgs, 1);
		assert_string_equal(im.inv->pkgs[0].name, "\x1b[2J\x1b]0;pwned\x07name");
		assert_string_equal(im.inv->pkgs[0].version, "1.0\xff\xfe");
		assert_string_equal(im.inv->pkgs[0].maintainer, "\xc3\x28 <x@y>");
		assert_int_equal(im.cx.nwarn, 1);
		assert_null(strchr(im.cx.warnings[0], '\x1b'));
		img_release(&im);
	}

	/* a file cut at its cap: the cut stanza is dropped with a warning */
	{
		static const char s[] =
			"Package: whole\nStatus: install ok installed\nVersion: 1.0-1\n\n"
			"Package: cut\nStatus: install ok installed\nVersion: 2.0-1";
		img_init(&im);
		lb_fsview_add(im.v, 0, STATUS, LB_FT_REG, 0644, s, sizeof(s) - 1 - 4, 1000, NULL, 1);
		img_run(&im);
		assert_int_equal(im.inv->npkgs, 1);
		assert_string_equal(im.inv->pkgs[0].name, "whole");
		check_warning(&im.cx, "cannot read all of 'var/lib/dpkg/status': truncated to");
		img_release(&im);
	}

	/* Source forms */
	{
		static const char s[] =
			"Package: libc-bin\nStatus: install ok installed\nVersion: 2.36-9+b1\nSource: glibc (2.36-9)\n\n"
			"Package: foo\nStatus: install ok installed\nVersion: 1\nSource: foo\n\n"
			"Package: bar\nStatus: install ok installed\nVersion: 1.0\nSource: baz (1.0)\n\n"
			"Package: same\nStatus: install ok installed\nVersion: 2\nSource: same (1)\n\n"
			"Package: odd\nStatus: install ok installed\nVersion: 2\nSource:  spaced   (  3 \n";
		run_status(&im, s, sizeof(s) - 1);
		assert_int_equal(im.inv->npkgs, 5);
		check_pkg(&im.inv->pkgs[0], "libc-bin", "2.36-9+b1", NULL, "glibc", "2.36-9");
		check_pkg(&im.inv->pkgs[1], "foo", "1", NULL, NULL, NULL);
		check_pkg(&im.inv->pkgs[2], "bar", "1.0", NULL, "baz", NULL);
		check_pkg(&im.inv->pkgs[3], "same", "2", NULL, NULL, "1");
		check_pkg(&im.inv->pkgs[4], "odd", "2", NULL, "spaced", "3");
		assert_int_equal(im.cx.nwarn, 0);
		img_release(&im);
	}

	/* nothing but blank lines; an empty file */
	run_status(&im, "\n\n \n\t\n", 5);
	assert_int_equal(im.inv->npkgs, 0);
	assert_int_equal(im.cx.nwarn, 0);
	img_release(&im);
	run_status(&im, "", 0);
	assert_int_equal(im.inv->npkgs, 0);
	assert_int_equal(im.cx.nwarn, 0);
	img_release(&im);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_trivy_valid),
		cmocka_unit_test(t_parse_db),
		cmocka_unit_test(t_scalibr),
		cmocka_unit_test(t_status_d),
		cmocka_unit_test(t_rootfs_fixtures),
		cmocka_unit_test(t_info_lists),
		cmocka_unit_test(t_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
