/* t_an_rpm.c - the rpm analyzer: header blobs, the Berkeley DB, NDB and
 * SQLite back ends on the real databases of shared/testdata/pkgdb/rpm,
 * hostile databases made here, and the CBL-Mariner manifest. */
#include "lbtest.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "analyze/rpmdb.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "image/fsview.h"
#include "io/istream.h"

static const struct lb_analyzer_ops *
analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	fail_msg("no analyzer '%s'", name);
	return NULL;
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

static void
check_str(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got ? got : "(null)", want);
}

/* --- running the streaming analyzer -------------------------------------- */

/* The size the layer records, when not the bytes given (0: the same):
 * small SQLite files are copied to memory, big ones to the scratch folder. */
static uint64_t claimed_size;

/* Streams data through the analyzer as the layer walker does: returns
 * the packages; *nwarn gets the warnings. */
static struct lb_inventory *
scan_mem(const char *path, const void *data, size_t len, const char *scratch, size_t *nwarn)
{
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_istream *is = lb_is_mem(data, len);
	struct lb_file f = { 0 };
	struct lb_ctx cx;

	lbt_ctx(&cx);
	cx.scratch = scratch;
	f.path = path;
	f.real_size = claimed_size ? claimed_size : len;
	f.mode = 0644;
	assert_int_equal(analyzer("rpm")->scan_file(&cx, &f, is, inv), 0);
	lb_is_close(is);
	*nwarn = cx.nwarn;
	lb_ctx_release(&cx);
	return inv;
}

static struct lb_inventory *
scan_fixture(const char *path, const char *rel, const char *scratch, size_t *nwarn)
{
	size_t len;
	char *data = lbt_slurp(lbt_testdata(rel), &len);
	struct lb_inventory *inv = scan_mem(path, data, len, scratch, nwarn);

	free(data);
	return inv;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of a fixture file, sorted, against the strings got[n]. */
static void
check_list(const char *rel, char **got, size_t n)
{
	size_t len, nwant = 0;
	char *text = lbt_slurp(lbt_testdata(rel), &len), *save = NULL;
	char **want = NULL;
	size_t cap = 0;

	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		lb_xgrow(&want, &cap, nwant + 1, sizeof(*want));
		want[nwant++] = l;
	}
	qsort(want, nwant, sizeof(*want), cmp_str);
	qsort(got, n, sizeof(*got), cmp_str);
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i], want[i]);
	free(want);
	free(text);
}

static char *
mkscratch(void)
{
	char *d = lb_xstrdup("/tmp/t_an_rpm.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

/* The scratch folder is left empty: copies are unlinked. */
static void
rmscratch(char *d)
{
	DIR *dir = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dir);
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(dir);
	assert_int_equal(n, 0);
	assert_int_equal(rmdir(d), 0);
	free(d);
}

/* --- the real databases ----------------------------------------------------- */

static void
test_sqlite_mariner(void **state)
{
	size_t nwarn;
	struct lb_inventory *inv;
	const struct lb_pkg *p;
	char **names;
	char *scratch;

	(void)state;
	LBT_NEED_TESTDATA();
	/* without a scratch folder: copied to memory */
	inv = scan_fixture("var/lib/rpm/rpmdb.sqlite", "pkgdb/rpm/cbl-mariner-2.0/rpmdb.sqlite", NULL,
	    &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 129);
	names = lb_xcalloc(inv->npkgs, sizeof(*names));
	for (size_t i = 0; i < inv->npkgs; i++)
		names[i] = inv->pkgs[i].name;
	check_list("pkgdb/rpm/cbl-mariner-2.0/EXPECTED-names.txt", names, inv->npkgs);
	free(names);
	/* go-rpmdb's test of the same file */
	p = find_pkg(inv, "curl");
	check_str(p->type, "rpm");
	check_str(p->version, "7.76.0-6.cm2");
	check_str(p->arch, "x86_64");
	check_str(p->license, "MIT");
	check_str(p->maintainer, "Microsoft Corporation");
	check_str(p->src_name, NULL);
	check_str(p->src_version, NULL);
	check_str(p->db_path, "var/lib/rpm/rpmdb.sqlite");
	assert_true(p->nfiles > 0);
	{
		bool found = false;
		for (size_t i = 0; i < p->nfiles; i++)
			found |= strcmp(p->files[i], "usr/bin/curl") == 0;
		assert_true(found);
	}
	p = find_pkg(inv, "audit-libs");
	check_str(p->src_name, "audit");
	lb_inventory_free(inv);

	/* with one, and a file said to be bigger than memory takes: a file
	 * there, removed after */
	scratch = mkscratch();
	claimed_size = 40u << 20;
	inv = scan_fixture("usr/lib/sysimage/rpm/rpmdb.sqlite", "pkgdb/rpm/cbl-mariner-2.0/rpmdb.sqlite",
	    scratch, &nwarn);
	claimed_size = 0;
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 129);
	lb_inventory_free(inv);
	rmscratch(scratch);
}

static void
test_ndb_sle15(void **state)
{
	size_t nwarn;
	struct lb_inventory *inv;
	char **nevra;

	(void)state;
	LBT_NEED_TESTDATA();
	inv = scan_fixture("usr/lib/sysimage/rpm/Packages.db", "pkgdb/rpm/sle15-bci-ndb/Packages.db",
	    NULL, &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 35);
	nevra = lb_xcalloc(inv->npkgs, sizeof(*nevra));
	for (size_t i = 0; i < inv->npkgs; i++)
		nevra[i] = lb_xasprintf("%s-%s.%s", inv->pkgs[i].name, inv->pkgs[i].version,
		    inv->pkgs[i].arch);
	check_list("pkgdb/rpm/sle15-bci-ndb/EXPECTED-packages.txt", nevra, inv->npkgs);
	for (size_t i = 0; i < inv->npkgs; i++)
		free(nevra[i]);
	free(nevra);
	lb_inventory_free(inv);
}

static void
test_bdb_fixtures(void **state)
{
	size_t nwarn;
	struct lb_inventory *inv;
	const struct lb_pkg *p;

	(void)state;
	LBT_NEED_TESTDATA();
	inv = scan_fixture("var/lib/rpm/Packages", "pkgdb/rpm/libuuid-bdb/Packages", NULL, &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 1);
	p = &inv->pkgs[0];
	check_str(p->name, "libuuid");
	check_str(p->version, "2.32.1-42.el8_8");
	check_str(p->arch, "x86_64");
	check_str(p->src_name, "util-linux");
	check_str(p->src_version, NULL);
	check_str(p->license, "BSD");
	check_str(p->maintainer, "Red Hat, Inc.");
	assert_true(p->nfiles > 0);
	/* as `rpm -q --qf '[%{FILENAMES} %{FILEDIGESTS}\n]'` lists them */
	assert_non_null(p->digests);
	{
		bool found = false;
		for (size_t i = 0; i < p->nfiles; i++) {
			if (strcmp(p->files[i], "usr/lib64/libuuid.so.1.3.0") == 0) {
				check_str(p->digests[i], "sha256:"
				    "3c8f59a0e39cce53501045859f5c9a86b82fedd558a2f4110ab1823047b43745");
				found = true;
			} else if (strcmp(p->files[i], "usr/lib64/libuuid.so.1") == 0) {
				check_str(p->digests[i], NULL);     /* a symlink */
			}
		}
		assert_true(found);
	}
	lb_inventory_free(inv);

	inv = scan_fixture("var/lib/rpm/Packages", "pkgdb/rpm/syft-bdb/Packages", NULL, &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 1);
	p = &inv->pkgs[0];
	check_str(p->name, "dive");
	check_str(p->version, "0.9.2-1");
	check_str(p->arch, "x86_64");
	check_str(p->license, "MIT");
	check_str(p->src_name, NULL);
	lb_inventory_free(inv);

	/* osv-scalibr: epoch 1 */
	inv = scan_fixture("var/lib/rpm/Packages", "pkgdb/rpm/scalibr-epoch-bdb/Packages", NULL, &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 1);
	check_str(inv->pkgs[0].name, "hello");
	check_str(inv->pkgs[0].version, "1:0.0.1-rls");
	check_str(inv->pkgs[0].src_version, NULL);
	lb_inventory_free(inv);
}

/* --- header blobs ------------------------------------------------------------ */

struct hb {
	struct lb_buf idx, data;
	uint32_t n;
};

static void
put32(struct lb_buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	lb_buf_add(b, x, 4);
}

static void
hb_entry(struct hb *h, uint32_t tag, uint32_t type, uint32_t off, uint32_t count)
{
	put32(&h->idx, tag);
	put32(&h->idx, type);
	put32(&h->idx, off);
	put32(&h->idx, count);
	h->n++;
}

/* A string entry (type 6) whose bytes are appended to the store. */
static void
hb_str(struct hb *h, uint32_t tag, const char *s)
{
	hb_entry(h, tag, 6, (uint32_t)h->data.len, 1);
	lb_buf_add(&h->data, s, strlen(s) + 1);
}

static void
hb_strs(struct hb *h, uint32_t tag, const char *const *s, uint32_t n)
{
	hb_entry(h, tag, 8, (uint32_t)h->data.len, n);
	for (uint32_t i = 0; i < n; i++)
		lb_buf_add(&h->data, s[i], strlen(s[i]) + 1);
}

static void
hb_ints(struct hb *h, uint32_t tag, const uint32_t *v, uint32_t n)
{
	while (h->data.len % 4)
		lb_buf_add(&h->data, "", 1);
	hb_entry(h, tag, 4, (uint32_t)h->data.len, n);
	for (uint32_t i = 0; i < n; i++)
		put32(&h->data, v[i]);
}

static void
hb_init(struct hb *h)
{
	h->idx = LB_BUF_INIT(64u << 20);
	h->data = LB_BUF_INIT(64u << 20);
	h->n = 0;
}

/* The blob: il, dl, index, store (caller frees). */
static uint8_t *
hb_blob(struct hb *h, size_t *len)
{
	struct lb_buf b = LB_BUF_INIT(128u << 20);

	put32(&b, h->n);
	put32(&b, (uint32_t)h->data.len);
	lb_buf_add(&b, h->idx.p, h->idx.len);
	lb_buf_add(&b, h->data.p, h->data.len);
	lb_buf_release(&h->idx);
	lb_buf_release(&h->data);
	return (uint8_t *)lb_buf_detach(&b, len);
}

/* A small valid header for name, with pad bytes of an unread tag. */
static uint8_t *
mkheader(const char *name, size_t pad, size_t *len)
{
	struct hb h;
	static const char *const bases[] = { "ls", "README" };
	static const char *const dirs[] = { "/usr/bin/", "/usr/share/doc/x/" };
	static const uint32_t di[] = { 0, 1 };
	static const char *const dg[] = { "ab12", "" };

	hb_init(&h);
	hb_str(&h, 1000, name);
	hb_str(&h, 1001, "1.0");
	hb_str(&h, 1002, "2.el9");
	hb_str(&h, 1022, "x86_64");
	hb_str(&h, 1044, "src-pkg-1.0-2.el9.src.rpm");
	hb_str(&h, 5096, "perl:5.30:8030020201021123456:b1c3e9a1");
	hb_strs(&h, 1117, bases, 2);
	hb_strs(&h, 1118, dirs, 2);
	hb_ints(&h, 1116, di, 2);
	hb_strs(&h, 1035, dg, 2);
	if (pad) {
		uint8_t *z = lb_xcalloc(1, pad);
		hb_entry(&h, 1016 /* GROUP, not read */, 7, (uint32_t)h.data.len, (uint32_t)pad);
		lb_buf_add(&h.data, z, pad);
		free(z);
	}
	return hb_blob(&h, len);
}

static int
collect_file(void *arg, struct lb_slice path, struct lb_slice digest)
{
	struct lb_buf *b = arg;

	lb_buf_add(b, path.p, path.len);
	lb_buf_add(b, "=", 1);
	lb_buf_add(b, digest.p, digest.len);
	lb_buf_add(b, ";", 1);
	return 0;
}

static void
test_header_parse(void **state)
{
	struct lb_rpm_header h;
	struct lb_buf files = LB_BUF_INIT(4096);
	struct lb_inventory *inv = lb_inventory_new();
	size_t len;
	uint8_t *blob = mkheader("pkg", 0, &len);

	(void)state;
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), 0);
	assert_true(lb_slice_eq(h.name, "pkg"));
	assert_true(lb_slice_eq(h.modularity, "perl:5.30:8030020201021123456:b1c3e9a1"));
	assert_false(h.has_epoch);
	assert_int_equal(h.nfiles, 2);
	assert_int_equal(lb_rpm_header_files(&h, collect_file, &files), 0);
	assert_string_equal((char *)files.p, "usr/bin/ls=ab12;usr/share/doc/x/README=;");
	assert_string_equal(lb_rpm_digest_name(h.digest_algo), "md5");
	assert_int_equal(lb_rpm_header_to_pkg(&h, "var/lib/rpm/Packages", true, inv), 1);
	check_str(inv->pkgs[0].version, "1.0-2.el9");
	check_str(inv->pkgs[0].src_name, "src-pkg");
	check_str(inv->pkgs[0].src_version, NULL);
	assert_int_equal(inv->pkgs[0].nfiles, 2);
	/* the label and each file's digest, md5 when FILEDIGESTALGO is absent */
	check_str(inv->pkgs[0].modularity, "perl:5.30:8030020201021123456:b1c3e9a1");
	assert_non_null(inv->pkgs[0].digests);
	check_str(inv->pkgs[0].files[0], "usr/bin/ls");
	check_str(inv->pkgs[0].digests[0], "md5:ab12");
	check_str(inv->pkgs[0].digests[1], NULL);

	/* one byte more or less than 8 + 16 il + dl */
	assert_int_equal(lb_rpm_header_parse(blob, len - 1, &h), -LB_E_FORMAT);
	assert_int_equal(lb_rpm_header_parse(blob, 7, &h), -LB_E_FORMAT);
	/* a header that claims 2^31 entries */
	blob[0] = 0x80;
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), -LB_E_LIMIT);
	blob[0] = 0;
	/* dl past the blob */
	blob[4] = 0x7f;
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), -LB_E_LIMIT);
	free(blob);
	lb_buf_release(&files);
	lb_inventory_free(inv);
}

/* A header with FILEDIGESTALGO algo and the given digests of three files. */
static uint8_t *
mkdigests(uint32_t algo, const char *const *dg, size_t *len)
{
	struct hb h;
	static const char *const bases[] = { "a", "b", "c" };
	static const char *const dirs[] = { "/etc/" };
	static const uint32_t di[] = { 0, 0, 0 };

	hb_init(&h);
	hb_str(&h, 1000, "dg");
	hb_str(&h, 1001, "1");
	hb_str(&h, 1002, "1");
	hb_strs(&h, 1117, bases, 3);
	hb_strs(&h, 1118, dirs, 1);
	hb_ints(&h, 1116, di, 3);
	hb_strs(&h, 1035, dg, 3);
	hb_ints(&h, 5011, &algo, 1);
	return hb_blob(&h, len);
}

static void
test_header_digests(void **state)
{
	static const char *const dg[] = {
		"4D523DEE6BC8C17A3E283570526D8D6ED3D1EDDA07C53E94C55E491BBF780337", "", "xyz1" };
	struct lb_rpm_header h;
	struct lb_inventory *inv = lb_inventory_new();
	size_t len;
	uint8_t *blob = mkdigests(8, dg, &len);

	(void)state;
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), 0);
	assert_int_equal(lb_rpm_header_to_pkg(&h, NULL, true, inv), 1);
	check_str(inv->pkgs[0].modularity, NULL);
	assert_int_equal(inv->pkgs[0].nfiles, 3);
	/* lowercased; not hex: none */
	check_str(inv->pkgs[0].digests[0],
	    "sha256:4d523dee6bc8c17a3e283570526d8d6ed3d1edda07c53e94c55e491bbf780337");
	check_str(inv->pkgs[0].digests[1], NULL);
	check_str(inv->pkgs[0].digests[2], NULL);
	/* without the file list: neither files nor digests */
	assert_int_equal(lb_rpm_header_to_pkg(&h, NULL, false, inv), 1);
	assert_int_equal(inv->pkgs[1].nfiles, 0);
	assert_null(inv->pkgs[1].digests);
	free(blob);
	/* an algorithm rpm does not name: files without digests */
	blob = mkdigests(99, dg, &len);
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), 0);
	assert_int_equal(lb_rpm_header_to_pkg(&h, NULL, true, inv), 1);
	assert_int_equal(inv->pkgs[2].nfiles, 3);
	assert_null(inv->pkgs[2].digests);
	free(blob);
	lb_inventory_free(inv);
}

static void
test_header_hostile(void **state)
{
	struct lb_rpm_header h;
	struct hb b;
	size_t len;
	uint8_t *blob;
	static const uint32_t bad_di[] = { 0, 7 };
	static const char *const two[] = { "a", "b" };
	struct lb_inventory *inv = lb_inventory_new();

	(void)state;
	/* an offset past the end of the store */
	hb_init(&b);
	hb_str(&b, 1000, "n");
	hb_str(&b, 1001, "1");
	hb_entry(&b, 1002, 6, 4000, 1);
	blob = hb_blob(&b, &len);
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), -LB_E_FORMAT);
	free(blob);

	/* a string without its NUL: the last byte of the store is cut */
	hb_init(&b);
	hb_str(&b, 1001, "1");
	hb_str(&b, 1002, "1");
	hb_entry(&b, 1000, 6, (uint32_t)b.data.len, 1);
	lb_buf_add(&b.data, "abc", 3);
	blob = hb_blob(&b, &len);
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), -LB_E_FORMAT);
	free(blob);

	/* an INT32 count that runs past the end; an epoch of the wrong type */
	hb_init(&b);
	hb_str(&b, 1000, "n");
	hb_str(&b, 1001, "1");
	hb_str(&b, 1002, "1");
	hb_entry(&b, 1116, 4, 0, 0x40000000);
	blob = hb_blob(&b, &len);
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), -LB_E_FORMAT);
	free(blob);
	hb_init(&b);
	hb_str(&b, 1000, "n");
	hb_str(&b, 1001, "1");
	hb_str(&b, 1002, "1");
	hb_str(&b, 1003, "1");
	blob = hb_blob(&b, &len);
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), -LB_E_FORMAT);
	free(blob);

	/* a directory index out of range: the package stays, its files go */
	hb_init(&b);
	hb_str(&b, 1000, "n");
	hb_str(&b, 1001, "1");
	hb_str(&b, 1002, "1");
	hb_strs(&b, 1117, two, 2);
	hb_strs(&b, 1118, two, 1);
	hb_ints(&b, 1116, bad_di, 2);
	blob = hb_blob(&b, &len);
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), 0);
	assert_true(h.files_bad);
	assert_int_equal(h.nfiles, 0);
	free(blob);

	/* no release */
	hb_init(&b);
	hb_str(&b, 1000, "n");
	hb_str(&b, 1001, "1");
	blob = hb_blob(&b, &len);
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), -LB_E_FORMAT);
	free(blob);

	/* gpg-pubkey is not a package; an epoch goes in front */
	hb_init(&b);
	hb_str(&b, 1000, "gpg-pubkey");
	hb_str(&b, 1001, "fd431d51");
	hb_str(&b, 1002, "4ae0493b");
	blob = hb_blob(&b, &len);
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), 0);
	assert_int_equal(lb_rpm_header_to_pkg(&h, NULL, true, inv), 0);
	free(blob);
	hb_init(&b);
	hb_str(&b, 1000, "openssl");
	hb_str(&b, 1001, "3.0.7");
	hb_str(&b, 1002, "18.el9_2");
	hb_ints(&b, 1003, (const uint32_t[]){ 1 }, 1);
	hb_str(&b, 1044, "openssl-3.0.7-18.el9_2.src.rpm");
	blob = hb_blob(&b, &len);
	assert_int_equal(lb_rpm_header_parse(blob, len, &h), 0);
	assert_int_equal(lb_rpm_header_to_pkg(&h, NULL, true, inv), 1);
	check_str(inv->pkgs[0].version, "1:3.0.7-18.el9_2");
	check_str(inv->pkgs[0].src_name, NULL);
	check_str(inv->pkgs[0].src_version, NULL);
	free(blob);
	lb_inventory_free(inv);
}

static void
test_split_srpm(void **state)
{
	struct lb_slice n, vr;

	(void)state;
	assert_true(lb_rpm_split_srpm(lb_slice_str("util-linux-2.32.1-42.el8_8.src.rpm"), &n, &vr));
	assert_true(lb_slice_eq(n, "util-linux") && lb_slice_eq(vr, "2.32.1-42.el8_8"));
	assert_true(lb_rpm_split_srpm(lb_slice_str("kernel-5.14.0-1.nosrc.rpm"), &n, &vr));
	assert_true(lb_slice_eq(n, "kernel") && lb_slice_eq(vr, "5.14.0-1"));
	assert_false(lb_rpm_split_srpm(lb_slice_str("x-1.src.rpm"), &n, &vr));
	assert_false(lb_rpm_split_srpm(lb_slice_str("-1-2.src.rpm"), &n, &vr));
	assert_false(lb_rpm_split_srpm(lb_slice_str("a-1-.src.rpm"), &n, &vr));
	assert_false(lb_rpm_split_srpm(lb_slice_str("a-1-2.rpm"), &n, &vr));
	assert_false(lb_rpm_split_srpm(lb_slice_str("(none)"), &n, &vr));
}

/* --- Berkeley DB, made here ------------------------------------------------ */

struct bdbw {
	uint8_t *p;
	uint32_t ps;
	uint32_t npages;
	uint32_t hash_top;     /* lowest item offset on hash page 1 */
	uint16_t nitems;
};

static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* A file of npages pages: the meta page, hash page 1, the rest zeros. */
static void
bdbw_init(struct bdbw *w, uint32_t ps, uint32_t npages)
{
	w->ps = ps;
	w->npages = npages;
	w->p = lb_xcalloc(npages, ps);
	le32(w->p + 12, 0x061561);
	le32(w->p + 16, 9);
	le32(w->p + 20, ps);
	w->p[25] = 8;
	le32(w->p + 32, npages - 1);
	le32(w->p + ps + 8, 1);
	w->p[ps + 25] = 13;
	w->hash_top = ps;
	w->nitems = 0;
}

static void
bdbw_item(struct bdbw *w, const uint8_t *item, uint32_t len)
{
	uint8_t *pg = w->p + w->ps;

	w->hash_top -= len;
	memcpy(pg + w->hash_top, item, len);
	le16(pg + 26 + 2 * w->nitems, (uint16_t)w->hash_top);
	w->nitems++;
	le16(pg + 20, w->nitems);
	le16(pg + 22, (uint16_t)w->hash_top);
}

/* Stores blob as an overflow chain on pages[0..n) (in chain order) and
 * points key at it. */
static void
bdbw_chain(struct bdbw *w, uint32_t key, const uint8_t *blob, size_t len, const uint32_t *pages,
    uint32_t n)
{
	uint8_t k[5] = { 1 }, d[12] = { 3 };
	size_t off = 0, room = w->ps - 26;

	for (uint32_t i = 0; i < n; i++) {
		uint8_t *pg = w->p + (size_t)pages[i] * w->ps;
		size_t take = len - off < room ? len - off : room;

		le32(pg + 8, pages[i]);
		le32(pg + 12, i ? pages[i - 1] : 0);
		le32(pg + 16, i + 1 < n ? pages[i + 1] : 0);
		le16(pg + 22, (uint16_t)take);
		pg[25] = 7;
		memcpy(pg + 26, blob + off, take);
		off += take;
	}
	assert_int_equal(off, len);
	le32(k + 1, key);
	le32(d + 4, pages[0]);
	le32(d + 8, (uint32_t)len);
	bdbw_item(w, k, 5);
	bdbw_item(w, d, 12);
}

static uint32_t
pages_for(uint32_t ps, size_t len)
{
	return (uint32_t)((len + ps - 26 - 1) / (ps - 26));
}

static struct lb_inventory *
bdbw_scan(struct bdbw *w, size_t *nwarn)
{
	return scan_mem("var/lib/rpm/Packages", w->p, (size_t)w->npages * w->ps, NULL, nwarn);
}

#define PS 512u
#define PG(w, i) ((w).p + (size_t)(i) * PS)

static void
test_bdb_hostile(void **state)
{
	struct bdbw w;
	struct lb_inventory *inv;
	size_t len, nwarn;
	uint8_t *blob = mkheader("chained", 2000, &len);
	uint32_t n = pages_for(PS, len), pages[16];

	(void)state;
	assert_true(n > 3 && n < 10);
	/* in order: 2, 3, 4 ... */
	bdbw_init(&w, PS, 2 + n);
	for (uint32_t i = 0; i < n; i++)
		pages[i] = 2 + i;
	bdbw_chain(&w, 1, blob, len, pages, n);
	inv = bdbw_scan(&w, &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 1);
	check_str(inv->pkgs[0].name, "chained");
	lb_inventory_free(inv);
	free(w.p);

	/* backwards: the head comes last, every other page waits for it */
	bdbw_init(&w, PS, 2 + n);
	for (uint32_t i = 0; i < n; i++)
		pages[i] = 1 + n - i;
	bdbw_chain(&w, 1, blob, len, pages, n);
	inv = bdbw_scan(&w, &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, 1);
	lb_inventory_free(inv);

	/* a loop of overflow pages: the last page points back to the second */
	le32(PG(w, pages[n - 1]) + 16, pages[1]);
	inv = bdbw_scan(&w, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	/* a loop without a head: two pages pointing at each other */
	le32(PG(w, pages[0]) + 12, pages[1]);
	inv = bdbw_scan(&w, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	free(w.p);

	/* a corrupt page: it says it is another page */
	bdbw_init(&w, PS, 2 + n);
	for (uint32_t i = 0; i < n; i++)
		pages[i] = 2 + i;
	bdbw_chain(&w, 1, blob, len, pages, n);
	le32(PG(w, pages[1]) + 8, 77);
	inv = bdbw_scan(&w, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	free(w.p);

	/* an overflow reference past the end of the file, and a file cut short */
	bdbw_init(&w, PS, 2 + n);
	for (uint32_t i = 0; i < n; i++)
		pages[i] = 2 + i;
	bdbw_chain(&w, 1, blob, len, pages, n);
	le32(PG(w, 1) + w.hash_top + 4, 9999);
	inv = bdbw_scan(&w, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 1);   /* the chain is still whole */
	lb_inventory_free(inv);
	free(w.p);
	bdbw_init(&w, PS, 2 + n);
	bdbw_chain(&w, 1, blob, len, pages, n);
	w.npages--;
	inv = bdbw_scan(&w, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	/* a meta page that claims 2^32 - 1 pages */
	le32(w.p + 32, 0xffffffffu);
	inv = bdbw_scan(&w, &nwarn);
	assert_int_equal(nwarn, 1);
	lb_inventory_free(inv);
	free(w.p);

	/* a hash page whose item count runs past the page */
	bdbw_init(&w, PS, 2 + n);
	bdbw_chain(&w, 1, blob, len, pages, n);
	le16(PG(w, 1) + 20, 0xffff);
	inv = bdbw_scan(&w, &nwarn);
	assert_int_equal(nwarn, 1);
	lb_inventory_free(inv);
	free(w.p);
	free(blob);

	/* a header small enough to sit on the hash page, and key 0 */
	{
		uint8_t *small = mkheader("onpage", 0, &len), item[4096], k[5] = { 1 };

		bdbw_init(&w, 4096, 2);
		assert_true(len + 1 < 1024);
		le32(k + 1, 0);
		bdbw_item(&w, k, 5);
		bdbw_item(&w, (const uint8_t *)"\1\1\0\0\0", 5);
		le32(k + 1, 5);
		bdbw_item(&w, k, 5);
		item[0] = 1;
		memcpy(item + 1, small, len);
		bdbw_item(&w, item, (uint32_t)len + 1);
		inv = bdbw_scan(&w, &nwarn);
		assert_int_equal(nwarn, 0);
		assert_int_equal(inv->npkgs, 1);
		check_str(inv->pkgs[0].name, "onpage");
		lb_inventory_free(inv);
		free(w.p);
		free(small);
	}
}

/* More pages out of order than memory may hold: they go to the scratch
 * folder, or without one are dropped with a warning. */
static void
test_bdb_spill(void **state)
{
	enum { NCHAINS = 36 };
	size_t len, nwarn, total;
	uint8_t *blob = mkheader("big", 1u << 20, &len);
	uint32_t n = pages_for(4096, len), *pages = lb_xcalloc(n, sizeof(*pages));
	struct bdbw w;
	struct lb_inventory *inv;
	char *scratch;

	(void)state;
	total = 2 + (size_t)NCHAINS * n;
	bdbw_init(&w, 4096, (uint32_t)total);
	/* heads at the end, the rest of each chain before all of them */
	for (uint32_t c = 0; c < NCHAINS; c++) {
		pages[0] = (uint32_t)(total - NCHAINS + c);
		for (uint32_t i = 1; i < n; i++)
			pages[i] = 2 + c * (n - 1) + (i - 1);
		bdbw_chain(&w, c + 1, blob, len, pages, n);
	}
	scratch = mkscratch();
	inv = scan_mem("var/lib/rpm/Packages", w.p, total * 4096, scratch, &nwarn);
	assert_int_equal(nwarn, 0);
	assert_int_equal(inv->npkgs, NCHAINS);
	lb_inventory_free(inv);
	rmscratch(scratch);

	inv = scan_mem("var/lib/rpm/Packages", w.p, total * 4096, NULL, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_true(inv->npkgs < NCHAINS);
	lb_inventory_free(inv);
	free(w.p);
	free(pages);
	free(blob);
}

/* --- NDB and SQLite, damaged ---------------------------------------------- */

static void
test_ndb_hostile(void **state)
{
	size_t len, nwarn;
	char *data;
	struct lb_inventory *inv;
	uint32_t blkoff;

	(void)state;
	LBT_NEED_TESTDATA();
	data = lbt_slurp(lbt_testdata("pkgdb/rpm/sle15-bci-ndb/Packages.db"), &len);
	/* the first slot's blob: a flipped byte fails its checksum */
	blkoff = (uint32_t)(uint8_t)data[40] | (uint32_t)(uint8_t)data[41] << 8 |
	    (uint32_t)(uint8_t)data[42] << 16 | (uint32_t)(uint8_t)data[43] << 24;
	data[(size_t)blkoff * 16 + 100] ^= 0x55;
	inv = scan_mem("usr/lib/sysimage/rpm/Packages.db", data, len, NULL, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 34);
	lb_inventory_free(inv);
	data[(size_t)blkoff * 16 + 100] ^= 0x55;

	/* a slot past the end of the file */
	data[43] = 0x7f;
	inv = scan_mem("usr/lib/sysimage/rpm/Packages.db", data, len, NULL, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 34);
	lb_inventory_free(inv);
	data[43] = 0;

	/* a file cut in the middle of a blob */
	inv = scan_mem("usr/lib/sysimage/rpm/Packages.db", data, len / 2, NULL, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_true(inv->npkgs > 0 && inv->npkgs < 35);
	lb_inventory_free(inv);

	/* slot pages: 2^32 - 1 */
	memset(data + 12, 0xff, 4);
	inv = scan_mem("usr/lib/sysimage/rpm/Packages.db", data, len, NULL, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	free(data);
}

static void
test_sqlite_hostile(void **state)
{
	static const char junk[] = "this is not a database at all, not even close to one.........";
	char head[4096] = "SQLite format 3";
	size_t nwarn;
	struct lb_inventory *inv;
	char *scratch = mkscratch(), *path;
	sqlite3 *db;
	char *data;
	size_t len;

	(void)state;
	/* no magic at all */
	inv = scan_mem("var/lib/rpm/rpmdb.sqlite", junk, sizeof(junk), scratch, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	/* the magic, then garbage, in a file and in memory */
	memset(head + 16, 0xa5, sizeof(head) - 16);
	claimed_size = 40u << 20;
	inv = scan_mem("var/lib/rpm/rpmdb.sqlite", head, sizeof(head), scratch, &nwarn);
	claimed_size = 0;
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	inv = scan_mem("var/lib/rpm/rpmdb.sqlite", head, sizeof(head), NULL, &nwarn);
	assert_int_equal(nwarn, 1);
	lb_inventory_free(inv);

	/* a real SQLite file without rpm's table, and one with a bad row */
	path = lb_xasprintf("%s/x.sqlite", scratch);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(1);", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	data = lbt_slurp(path, &len);
	inv = scan_mem("var/lib/rpm/rpmdb.sqlite", data, len, NULL, &nwarn);
	assert_int_equal(nwarn, 1);
	lb_inventory_free(inv);
	free(data);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, blob BLOB);"
	    "INSERT INTO Packages VALUES(1, x'0000000100000004');"
	    "INSERT INTO Packages VALUES(2, 'text');", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	data = lbt_slurp(path, &len);
	unlink(path);
	inv = scan_mem("var/lib/rpm/rpmdb.sqlite", data, len, scratch, &nwarn);
	assert_int_equal(nwarn, 1);
	assert_int_equal(inv->npkgs, 0);
	lb_inventory_free(inv);
	free(data);
	free(path);
	rmscratch(scratch);
}

/* --- CBL-Mariner distroless manifest ------------------------------------- */

static void
test_container_manifest(void **state)
{
	struct lb_fsview *v = lb_fsview_new(1);
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_ctx cx;
	size_t len;
	char *data;
	const struct lb_pkg *p;

	(void)state;
	LBT_NEED_TESTDATA();
	lbt_ctx(&cx);
	data = lbt_slurp(lbt_testdata("pkgdb/rpm/syft-container-manifest-2"), &len);
	lb_fsview_add(v, 0, "var/lib/rpmmanifest/container-manifest-2", LB_FT_REG, 0644, data, len, len,
	    NULL, 0);
	lb_fsview_seal(v);
	assert_int_equal(lb_analyze_all(&cx, v, inv), 0);
	assert_int_equal(cx.nwarn, 0);
	assert_int_equal(inv->npkgs, 5);
	p = find_pkg(inv, "vim");
	check_str(p->version, "2:9.0-1.cm2");
	check_str(p->arch, "x86_64");
	check_str(p->maintainer, "Microsoft Corporation");
	check_str(p->src_version, NULL);
	p = find_pkg(inv, "openssl-libs");
	check_str(p->version, "1.1.1k-15.cm2");
	check_str(p->src_name, "openssl");
	assert_int_equal(p->layer, 0);
	free(data);
	lb_inventory_free(inv);
	lb_fsview_free(v);
	lb_ctx_release(&cx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_mariner),
		cmocka_unit_test(test_ndb_sle15),
		cmocka_unit_test(test_bdb_fixtures),
		cmocka_unit_test(test_header_parse),
		cmocka_unit_test(test_header_digests),
		cmocka_unit_test(test_header_hostile),
		cmocka_unit_test(test_split_srpm),
		cmocka_unit_test(test_bdb_hostile),
		cmocka_unit_test(test_bdb_spill),
		cmocka_unit_test(test_ndb_hostile),
		cmocka_unit_test(test_sqlite_hostile),
		cmocka_unit_test(test_container_manifest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
