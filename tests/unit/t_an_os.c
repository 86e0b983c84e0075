/* t_an_os.c - OS detection from os-release and the older release files. */
#include "lbtest.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "image/fsview.h"

/* A file of the view: data, or a symlink when link is set. */
struct vf {
	const char *path;
	const char *data;
	size_t len;           /* 0: strlen(data) */
	const char *link;
};

static const struct lb_analyzer_ops *
analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	fail_msg("no analyzer '%s'", name);
	return NULL;
}

static void
add_vf(struct lb_fsview *v, const struct vf *f)
{
	size_t n = f->len ? f->len : (f->data ? strlen(f->data) : 0);

	if (f->link)
		lb_fsview_add(v, 0, f->path, LB_FT_SYMLINK, 0777, NULL, 0, 0, f->link, 0);
	else
		lb_fsview_add(v, 0, f->path, LB_FT_REG, 0644, f->data, n, n, NULL, 0);
}

/* Runs the OS analyzer on a one-layer view holding files; the caller
 * frees the inventory. nwarn receives the warnings raised. */
static struct lb_inventory *
run_os(const struct vf *files, size_t n)
{
	struct lb_fsview *v = lb_fsview_new(1);
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_ctx cx;

	lbt_ctx(&cx);
	for (size_t i = 0; i < n; i++)
		add_vf(v, &files[i]);
	lb_fsview_seal(v);
	assert_int_equal(analyzer("os")->analyze(&cx, v, inv), 0);
	assert_int_equal(cx.nwarn, 0);
	assert_int_equal(inv->npkgs, 0);
	lb_ctx_release(&cx);
	lb_fsview_free(v);
	return inv;
}

/* Adds every regular file under host dir (a fixture root) at the same
 * relative path. */
static void
add_tree(struct lb_fsview *v, const char *host, const char *rel)
{
	char hp[4096], rp[4096];
	struct dirent *e;
	DIR *d = opendir(host);

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(hp, sizeof(hp), "%s/%s", host, e->d_name);
		snprintf(rp, sizeof(rp), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		assert_int_equal(lstat(hp, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			add_tree(v, hp, rp);
		} else if (S_ISREG(st.st_mode)) {
			size_t len;
			char *data = lbt_slurp(hp, &len);
			lb_fsview_add(v, 0, rp, LB_FT_REG, 0644, data, len, len, NULL, 0);
			free(data);
		}
	}
	closedir(d);
}

/* OS facts of a fixture root under pkgdb/os-release/. */
static struct lb_inventory *
run_fixture_root(const char *rel)
{
	struct lb_fsview *v = lb_fsview_new(1);
	struct lb_inventory *inv = lb_inventory_new();
	char root[4096];
	struct lb_ctx cx;

	snprintf(root, sizeof(root), "%s", lbt_testdata(rel));
	lbt_ctx(&cx);
	add_tree(v, root, "");
	lb_fsview_seal(v);
	assert_int_equal(analyzer("os")->analyze(&cx, v, inv), 0);
	assert_int_equal(cx.nwarn, 0);
	lb_ctx_release(&cx);
	lb_fsview_free(v);
	return inv;
}

/* OS facts of a single os-release fixture file placed at etc/os-release. */
static struct lb_inventory *
run_fixture_file(const char *rel)
{
	size_t len;
	char *data = lbt_slurp(lbt_testdata(rel), &len);
	struct vf f = { "etc/os-release", data, len, NULL };
	struct lb_inventory *inv;

	if (!len)
		fail_msg("empty fixture '%s'", rel);
	inv = run_os(&f, 1);
	free(data);
	return inv;
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

struct want {
	const char *family, *name, *version, *version_id, *codename, *evidence;
};

static void
check_os(const struct lb_os *os, const struct want *w)
{
	assert_str_or_null(os->family, w->family);
	assert_str_or_null(os->name, w->name);
	assert_str_or_null(os->version, w->version);
	assert_str_or_null(os->version_id, w->version_id);
	assert_str_or_null(os->codename, w->codename);
	assert_str_or_null(os->evidence, w->evidence);
}

/* claircore-alpine/<ver>: the name must be the "pretty_name" that the
 * fixture's want file gives and the version must start with its
 * "version" (3.10 -> 3.10.9). */
static void
t_alpine_fixtures(void **state)
{
	static const char *const vers[] = { "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10",
		"3.11", "3.12", "3.13", "3.14", "3.15", "3.16", "3.17", "3.18", "edge" };
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(vers) / sizeof(vers[0]); i++) {
		char rel[256], pretty[256], version[64];
		const char *p, *q;
		char *want;
		struct lb_inventory *inv;

		snprintf(rel, sizeof(rel), "pkgdb/os-release/claircore-alpine/%s/want", vers[i]);
		want = lbt_slurp(lbt_testdata(rel), NULL);
		p = strstr(want, "\"pretty_name\":\"");
		assert_non_null(p);
		p += strlen("\"pretty_name\":\"");
		q = strchr(p, '"');
		snprintf(pretty, sizeof(pretty), "%.*s", (int)(q - p), p);
		p = strstr(want, "\"version\":\"") + strlen("\"version\":\"");
		q = strchr(p, '"');
		snprintf(version, sizeof(version), "%.*s", (int)(q - p), p);
		free(want);

		snprintf(rel, sizeof(rel), "pkgdb/os-release/claircore-alpine/%s", vers[i]);
		inv = run_fixture_root(rel);
		assert_str_or_null(inv->os.family, "alpine");
		assert_str_or_null(inv->os.name, pretty);
		assert_str_or_null(inv->os.evidence, "etc/os-release");
		assert_null(inv->os.codename);
		assert_non_null(inv->os.version);
		assert_str_or_null(inv->os.version, inv->os.version_id);
		if (strcmp(version, "edge") != 0)
			assert_true(strncmp(inv->os.version, version, strlen(version)) == 0 &&
			    inv->os.version[strlen(version)] == '.');
		lb_inventory_free(inv);
	}
	{
		struct lb_inventory *inv = run_fixture_root("pkgdb/os-release/claircore-alpine/3.7");
		check_os(&inv->os, &(struct want){ "alpine", "Alpine Linux v3.7", "3.7.3", "3.7.3",
		    NULL, "etc/os-release" });
		lb_inventory_free(inv);
		inv = run_fixture_root("pkgdb/os-release/claircore-alpine/edge");
		check_os(&inv->os, &(struct want){ "alpine", "Alpine Linux edge", "3.19_alpha20230901",
		    "3.19_alpha20230901", NULL, "etc/os-release" });
		lb_inventory_free(inv);
	}
}

static void
t_debian_fixtures(void **state)
{
	static const struct {
		const char *dir;
		struct want w;
	} cases[] = {
		/* 7 and 8 have no VERSION_CODENAME: it comes from VERSION */
		{ "claircore-debian/7", { "debian", "Debian GNU/Linux 7 (wheezy)", "7", "7", "wheezy", "etc/os-release" } },
		{ "claircore-debian/8", { "debian", "Debian GNU/Linux 8 (jessie)", "8", "8", "jessie", "etc/os-release" } },
		{ "claircore-debian/9", { "debian", "Debian GNU/Linux 9 (stretch)", "9", "9", "stretch", "etc/os-release" } },
		{ "claircore-debian/10", { "debian", "Debian GNU/Linux 10 (buster)", "10", "10", "buster", "etc/os-release" } },
		{ "claircore-debian/11", { "debian", "Debian GNU/Linux 11 (bullseye)", "11", "11", "bullseye", "etc/os-release" } },
		{ "claircore-debian/12", { "debian", "Debian GNU/Linux 12 (bookworm)", "12", "12", "bookworm", "etc/os-release" } },
		/* distroless: VERSION="Debian GNU/Linux 10 (buster)", quoted ID */
		{ "claircore-debian-distroless/9", { "debian", "Distroless", "9", "9", "stretch", "etc/os-release" } },
		{ "claircore-debian-distroless/10", { "debian", "Distroless", "10", "10", "buster", "etc/os-release" } },
		{ "claircore-debian-distroless/11", { "debian", "Distroless", "11", "11", "bullseye", "etc/os-release" } },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char rel[256];
		struct lb_inventory *inv;

		snprintf(rel, sizeof(rel), "pkgdb/os-release/%s", cases[i].dir);
		inv = run_fixture_root(rel);
		check_os(&inv->os, &cases[i].w);
		lb_inventory_free(inv);
	}
}

static void
t_rhel_fixtures(void **state)
{
	static const struct {
		const char *dir;
		struct want w;
	} cases[] = {
		/* os-release wins over redhat-release (which says 7.4 there) */
		{ "claircore-rhel/7", { "rhel", "Red Hat Enterprise Linux Server 7.7 (Maipo)", "7.7", "7.7", NULL, "etc/os-release" } },
		{ "claircore-rhel/8", { "rhel", "Red Hat Enterprise Linux 8.1 (Ootpa)", "8.1", "8.1", NULL, "etc/os-release" } },
		{ "claircore-rhel/9", { "rhel", "Red Hat Enterprise Linux 9.0 (Plow)", "9.0", "9.0", NULL, "etc/os-release" } },
		{ "claircore-rhel/atomichost-7", { "rhel", "Red Hat Enterprise Linux Atomic Host 7.9", "7.9", "7.9", NULL, "etc/os-release" } },
		{ "claircore-rhel/hummingbird", { "hummingbird", "Hummingbird OS 20251124", "20251124", "20251124", NULL, "etc/os-release" } },
		/* no os-release: oracle-release wins over the RHEL redhat-release */
		{ "claircore-rhel/oracle-6", { "ol", "Oracle Linux Server release 6.10", "6.10", "6.10", NULL, "etc/oracle-release" } },
		{ "claircore-rhel/oracle-7", { "ol", "Oracle Linux Server release 7.9", "7.9", "7.9", NULL, "etc/oracle-release" } },
		{ "claircore-rhel/oracle-8", { "ol", "Oracle Linux Server release 8.9", "8.9", "8.9", NULL, "etc/oracle-release" } },
		{ "claircore-rhel/oracle-9", { "ol", "Oracle Linux Server release 9.3", "9.3", "9.3", NULL, "etc/oracle-release" } },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char rel[256];
		struct lb_inventory *inv;

		snprintf(rel, sizeof(rel), "pkgdb/os-release/%s", cases[i].dir);
		inv = run_fixture_root(rel);
		check_os(&inv->os, &cases[i].w);
		lb_inventory_free(inv);
	}
}

static void
t_trivy_fixtures(void **state)
{
	static const struct {
		const char *file;
		struct want w;
	} cases[] = {
		{ "alma", { "almalinux", "AlmaLinux 9.4 (Seafoam Ocelot)", "9.4", "9.4", NULL, "etc/os-release" } },
		{ "alpine", { "alpine", "Alpine Linux v3.15", "3.15.4", "3.15.4", NULL, "etc/os-release" } },
		/* VERSION "3.0.20240624" extends VERSION_ID "3.0" */
		{ "azurelinux-3.0", { "azurelinux", "Microsoft Azure Linux 3.0", "3.0.20240624", "3.0", NULL, "etc/os-release" } },
		{ "mariner-2.0", { "mariner", "CBL-Mariner/Linux", "2.0.20240123", "2.0", NULL, "etc/os-release" } },
		/* "(aws-ecs-2)" is a variant, not a codename */
		{ "bottlerocket", { "bottlerocket", "Bottlerocket OS 1.34.0 (aws-ecs-2)", "1.34.0", "1.34.0", NULL, "etc/os-release" } },
		{ "centos", { "centos", "CentOS Linux 7 (Core)", "7", "7", NULL, "etc/os-release" } },
		{ "centos-stream", { "centos", "CentOS Stream 8", "8", "8", NULL, "etc/os-release" } },
		/* VERSION_CODENAME="" is no codename; "(Container Image)" neither */
		{ "fedora", { "fedora", "Fedora Linux 42 (Container Image)", "42", "42", NULL, "etc/os-release" } },
		{ "no-id", { NULL, "Alpine Linux v3.15", "3.15.4", "3.15.4", NULL, "etc/os-release" } },
		{ "no-version", { "alpine", "Alpine Linux v3.15", NULL, NULL, NULL, "etc/os-release" } },
		{ "opensuseleap-15.2.1", { "opensuse-leap", "openSUSE Leap 15.2.1 Beta", "15.2.1", "15.2.1", NULL, "etc/os-release" } },
		/* its VERSION line is commented out */
		{ "opensusetumbleweed", { "opensuse-tumbleweed", "openSUSE Tumbleweed", "20220412", "20220412", NULL, "etc/os-release" } },
		{ "oracle", { "ol", "Oracle Linux Server 8.10", "8.10", "8.10", NULL, "etc/os-release" } },
		{ "photon", { "photon", "VMware Photon OS/Linux", "4.0", "4.0", NULL, "etc/os-release" } },
		/* "15-SP3" does not extend "15.3" */
		{ "sles", { "sles", "SUSE Linux Enterprise Server 15 SP3", "15.3", "15.3", NULL, "etc/os-release" } },
		{ "unknown", { "unknown", NULL, "4.3.2", "4.3.2", NULL, "etc/os-release" } },
		{ "activestate", { "activestate", NULL, "1.0", "1.0", NULL, "etc/os-release" } },
		{ "echo", { "echo", NULL, "1", "1", NULL, "etc/os-release" } },
	};
	(void)state;

	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char rel[256];
		struct lb_inventory *inv;

		snprintf(rel, sizeof(rel), "pkgdb/os-release/trivy-os-release/%s", cases[i].file);
		inv = run_fixture_file(rel);
		check_os(&inv->os, &cases[i].w);
		lb_inventory_free(inv);
	}
}

static const char debian12[] =
	"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	"NAME=\"Debian GNU/Linux\"\n"
	"VERSION_ID=\"12\"\n"
	"VERSION=\"12 (bookworm)\"\n"
	"VERSION_CODENAME=bookworm\n"
	"ID=debian\n";

static void
t_debian_version(void **state)
{
	struct lb_inventory *inv;
	(void)state;

	/* the point release comes from debian_version */
	inv = run_os((struct vf[]){ { "etc/os-release", debian12, 0, NULL },
	    { "etc/debian_version", "12.5\n", 0, NULL } }, 2);
	check_os(&inv->os, &(struct want){ "debian", "Debian GNU/Linux 12 (bookworm)", "12.5", "12",
	    "bookworm", "etc/os-release" });
	lb_inventory_free(inv);

	/* testing: no VERSION_ID, debian_version "trixie/sid" */
	inv = run_os((struct vf[]){ { "etc/os-release",
	    "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\n"
	    "VERSION_CODENAME=trixie\nID=debian\n", 0, NULL },
	    { "etc/debian_version", "trixie/sid\n", 0, NULL } }, 2);
	check_os(&inv->os, &(struct want){ "debian", "Debian GNU/Linux trixie/sid", NULL, NULL,
	    "trixie", "etc/os-release" });
	lb_inventory_free(inv);

	/* the same without VERSION_CODENAME: the codename comes from debian_version */
	inv = run_os((struct vf[]){ { "etc/os-release", "ID=debian\nNAME=\"Debian GNU/Linux\"\n", 0, NULL },
	    { "etc/debian_version", "trixie/sid", 0, NULL } }, 2);
	check_os(&inv->os, &(struct want){ "debian", "Debian GNU/Linux", NULL, NULL, "trixie",
	    "etc/os-release" });
	lb_inventory_free(inv);

	/* no codename anywhere: the major version maps to it */
	inv = run_os((struct vf[]){ { "etc/os-release", "ID=debian\nVERSION_ID=\"13\"\n", 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "debian", NULL, "13", "13", "trixie", "etc/os-release" });
	lb_inventory_free(inv);
	inv = run_os((struct vf[]){ { "etc/os-release", "ID=debian\nVERSION_ID=\"14\"\n", 0, NULL } }, 1);
	assert_string_equal(inv->os.codename, "forky");
	lb_inventory_free(inv);
	inv = run_os((struct vf[]){ { "etc/os-release", "ID=debian\nVERSION_ID=\"99\"\n", 0, NULL } }, 1);
	assert_null(inv->os.codename);
	lb_inventory_free(inv);

	/* debian_version alone */
	inv = run_os((struct vf[]){ { "etc/debian_version", "10.13\n", 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "debian", NULL, "10.13", "10", "buster",
	    "etc/debian_version" });
	lb_inventory_free(inv);

	/* Ubuntu ships a debian_version too; it must not turn it into Debian */
	inv = run_os((struct vf[]){ { "etc/os-release",
	    "NAME=\"Ubuntu\"\nVERSION=\"22.04.3 LTS (Jammy Jellyfish)\"\nID=ubuntu\nID_LIKE=debian\n"
	    "PRETTY_NAME=\"Ubuntu 22.04.3 LTS\"\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\n"
	    "UBUNTU_CODENAME=jammy\n", 0, NULL },
	    { "etc/debian_version", "bookworm/sid\n", 0, NULL } }, 2);
	check_os(&inv->os, &(struct want){ "ubuntu", "Ubuntu 22.04.3 LTS", "22.04.3", "22.04", "jammy",
	    "etc/os-release" });
	lb_inventory_free(inv);
}

static void
t_symlink_and_fallback(void **state)
{
	struct lb_inventory *inv;
	(void)state;

	/* etc/os-release -> ../usr/lib/os-release, as on most distributions */
	inv = run_os((struct vf[]){ { "etc/os-release", NULL, 0, "../usr/lib/os-release" },
	    { "usr/lib/os-release", debian12, 0, NULL } }, 2);
	check_os(&inv->os, &(struct want){ "debian", "Debian GNU/Linux 12 (bookworm)", "12", "12",
	    "bookworm", "usr/lib/os-release" });
	lb_inventory_free(inv);

	/* an absolute target resolves inside the image */
	inv = run_os((struct vf[]){ { "etc/os-release", NULL, 0, "/usr/lib/os-release" },
	    { "usr/lib/os-release", "ID=alpine\nVERSION_ID=3.20.3\n", 0, NULL } }, 2);
	check_os(&inv->os, &(struct want){ "alpine", NULL, "3.20.3", "3.20.3", NULL,
	    "usr/lib/os-release" });
	lb_inventory_free(inv);

	/* only usr/lib/os-release */
	inv = run_os((struct vf[]){ { "usr/lib/os-release", "ID=fedora\nVERSION_ID=40\n", 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "fedora", NULL, "40", "40", NULL, "usr/lib/os-release" });
	lb_inventory_free(inv);

	/* etc/os-release wins over usr/lib/os-release */
	inv = run_os((struct vf[]){ { "etc/os-release", "ID=a\n", 0, NULL },
	    { "usr/lib/os-release", "ID=b\n", 0, NULL } }, 2);
	assert_string_equal(inv->os.family, "a");
	lb_inventory_free(inv);

	/* a dangling symlink falls back */
	inv = run_os((struct vf[]){ { "etc/os-release", NULL, 0, "../nowhere" },
	    { "usr/lib/os-release", "ID=b\n", 0, NULL } }, 2);
	assert_string_equal(inv->os.family, "b");
	lb_inventory_free(inv);

	/* nothing at all */
	inv = run_os(NULL, 0);
	check_os(&inv->os, &(struct want){ NULL, NULL, NULL, NULL, NULL, NULL });
	lb_inventory_free(inv);
}

static void
t_old_release_files(void **state)
{
	struct lb_inventory *inv;
	(void)state;

	inv = run_os((struct vf[]){ { "etc/lsb-release",
	    "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=12.04\nDISTRIB_CODENAME=precise\n"
	    "DISTRIB_DESCRIPTION=\"Ubuntu 12.04.5 LTS\"\n", 0, NULL },
	    { "etc/debian_version", "wheezy/sid\n", 0, NULL } }, 2);
	check_os(&inv->os, &(struct want){ "ubuntu", "Ubuntu 12.04.5 LTS", "12.04", "12.04", "precise",
	    "etc/lsb-release" });
	lb_inventory_free(inv);

	/* alpine-release gives the full version even when os-release does not */
	inv = run_os((struct vf[]){ { "etc/os-release", "ID=alpine\nVERSION_ID=3.7.0\n", 0, NULL },
	    { "etc/alpine-release", "3.7.3\n", 0, NULL } }, 2);
	check_os(&inv->os, &(struct want){ "alpine", NULL, "3.7.3", "3.7.0", NULL, "etc/os-release" });
	lb_inventory_free(inv);
	inv = run_os((struct vf[]){ { "etc/alpine-release", "3.19.1\n", 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "alpine", NULL, "3.19.1", "3.19.1", NULL, "etc/alpine-release" });
	lb_inventory_free(inv);

	inv = run_os((struct vf[]){ { "etc/redhat-release", "CentOS release 6.10 (Final)\n", 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "centos", "CentOS release 6.10 (Final)", "6.10", "6.10", NULL,
	    "etc/redhat-release" });
	lb_inventory_free(inv);
	inv = run_os((struct vf[]){ { "etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n", 0, NULL },
	    { "etc/redhat-release", NULL, 0, "centos-release" },
	    { "etc/system-release", NULL, 0, "centos-release" } }, 3);
	check_os(&inv->os, &(struct want){ "centos", "CentOS Linux release 7.9.2009 (Core)", "7.9.2009",
	    "7.9.2009", NULL, "etc/centos-release" });
	lb_inventory_free(inv);
	inv = run_os((struct vf[]){ { "etc/system-release", "Amazon Linux AMI release 2018.03\n", 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "amzn", "Amazon Linux AMI release 2018.03", "2018.03", "2018.03",
	    NULL, "etc/system-release" });
	lb_inventory_free(inv);
	inv = run_os((struct vf[]){ { "etc/fedora-release", "Fedora release 20 (Heisenbug)\n", 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "fedora", "Fedora release 20 (Heisenbug)", "20", "20", NULL,
	    "etc/fedora-release" });
	lb_inventory_free(inv);
	/* unknown text: not a guess */
	inv = run_os((struct vf[]){ { "etc/redhat-release", "Mystery OS release 1.0\n", 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ NULL, NULL, NULL, NULL, NULL, NULL });
	lb_inventory_free(inv);
}

/* os-release(5) quoting, comments and hostile bytes. */
static void
t_os_release_syntax(void **state)
{
	static const char quoting[] =
		"# a comment\n"
		"   # an indented comment\n"
		"\n"
		"ID=Debian\n"
		"ID=\"Alpine\"\n"                            /* the later one wins; lowercased */
		"PRETTY_NAME=\"Foo \\\"Bar\\\" \\\\ \\$HOME \\`x\\` \\q\"\n"
		"NAME='single $quoted \"x\" \\n'\n"
		"VERSION_ID = 3.18.0   \n"                   /* blanks around '=' and after */
		"VERSION_CODENAME=\n"                        /* empty is absent */
		"not an assignment\n"
		"=novalue\n"
		"BUG_REPORT_URL=\"https://example.com/\"\n";
	static const char crlf[] = "ID=alpine\r\nVERSION_ID=\"3.18.4\"\r\nPRETTY_NAME=\"Alpine Linux v3.18\"\r\n";
	static const char nul[] = "ID=alpine\nVERSION_ID=3.1\0x\nNAME=ok\n";
	static const char evil[] = "ID=\x1b[31mevil\nPRETTY_NAME=\"\x1b]0;pwned\x07 \xff\xfe\"\nVERSION_ID=\"1";
	struct lb_inventory *inv;
	char *giant;
	(void)state;

	inv = run_os((struct vf[]){ { "etc/os-release", quoting, 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "alpine", "Foo \"Bar\" \\ $HOME `x` \\q", "3.18.0", "3.18.0",
	    NULL, "etc/os-release" });
	lb_inventory_free(inv);

	/* single quotes take everything literally */
	inv = run_os((struct vf[]){ { "etc/os-release", "NAME='a \"b\" \\n $c'\n", 0, NULL } }, 1);
	assert_string_equal(inv->os.name, "a \"b\" \\n $c");
	lb_inventory_free(inv);

	inv = run_os((struct vf[]){ { "etc/os-release", crlf, 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "alpine", "Alpine Linux v3.18", "3.18.4", "3.18.4", NULL,
	    "etc/os-release" });
	lb_inventory_free(inv);

	/* a value with a NUL byte is dropped, the rest is read */
	inv = run_os((struct vf[]){ { "etc/os-release", nul, sizeof(nul) - 1, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "alpine", "ok", NULL, NULL, NULL, "etc/os-release" });
	lb_inventory_free(inv);

	/* escapes and invalid UTF-8 are kept (writers sanitise); an
	 * unterminated quote runs to the end; no final newline */
	inv = run_os((struct vf[]){ { "etc/os-release", evil, 0, NULL } }, 1);
	check_os(&inv->os, &(struct want){ "\x1b[31mevil", "\x1b]0;pwned\x07 \xff\xfe", "1", "1", NULL,
	    "etc/os-release" });
	lb_inventory_free(inv);

	/* a giant line (1 MiB name) is read whole */
	giant = lb_xmalloc((1u << 20) + 64);
	memcpy(giant, "ID=x\nNAME=\"", 11);
	memset(giant + 11, 'A', 1u << 20);
	memcpy(giant + 11 + (1u << 20), "\"\nVERSION_ID=2\n", 16);
	inv = run_os((struct vf[]){ { "etc/os-release", giant, 0, NULL } }, 1);
	assert_string_equal(inv->os.family, "x");
	assert_int_equal(strlen(inv->os.name), 1u << 20);
	assert_string_equal(inv->os.version_id, "2");
	lb_inventory_free(inv);
	free(giant);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_alpine_fixtures),
		cmocka_unit_test(t_debian_fixtures),
		cmocka_unit_test(t_rhel_fixtures),
		cmocka_unit_test(t_trivy_fixtures),
		cmocka_unit_test(t_debian_version),
		cmocka_unit_test(t_symlink_and_fallback),
		cmocka_unit_test(t_old_release_files),
		cmocka_unit_test(t_os_release_syntax),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
