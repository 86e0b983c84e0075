/* t_an_binary.c - packages compiled into executables: Go build info (both
 * layouts) and Rust cargo-auditable, from the real fixtures in
 * shared/testdata/pkgdb/{go,rust} and from hand-built files that put the
 * blobs across window boundaries or break them. */
#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "analyze/purl.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
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

struct run {
	struct lb_inventory *inv;
	struct lb_ctx cx;
	char *lines;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Scans len bytes as the executable at path; r->lines gets the packages as
 * sorted "type name version" lines. */
static void
run_mem(struct run *r, const char *path, const void *data, size_t len)
{
	struct lb_file f;
	struct lb_istream *is = lb_is_mem(data, len);
	struct lb_buf b = LB_BUF_INIT(1u << 26);
	char **l;

	memset(&f, 0, sizeof(f));
	f.path = path;
	f.real_size = len;
	f.mode = 0100755;
	f.type = LB_FT_REG;
	r->inv = lb_inventory_new();
	lbt_ctx(&r->cx);
	assert_int_equal(analyzer("binary")->scan_file(&r->cx, &f, is, r->inv), 0);
	lb_is_close(is);
	l = lb_xcalloc(r->inv->npkgs + 1, sizeof(*l));
	for (size_t i = 0; i < r->inv->npkgs; i++) {
		const struct lb_pkg *p = &r->inv->pkgs[i];
		assert_null(p->db_path);       /* the framework sets it to the file */
		assert_false(p->declared);
		l[i] = lb_xasprintf("%s %s %s", p->type, p->name, p->version);
	}
	qsort(l, r->inv->npkgs, sizeof(*l), cmp_str);
	for (size_t i = 0; i < r->inv->npkgs; i++) {
		lb_buf_addf(&b, "%s%s", i ? "\n" : "", l[i]);
		free(l[i]);
	}
	free(l);
	r->lines = lb_buf_detach(&b, NULL);
}

static void
run_fixture(struct run *r, const char *rel)
{
	size_t len;
	char *data = lbt_slurp(lbt_testdata(rel), &len);

	run_mem(r, "usr/local/bin/app", data, len);
	free(data);
}

static void
run_release(struct run *r)
{
	lb_inventory_free(r->inv);
	lb_ctx_release(&r->cx);
	free(r->lines);
}

static const struct lb_pkg *
find(const struct run *r, const char *name, const char *version)
{
	for (size_t i = 0; i < r->inv->npkgs; i++)
		if (strcmp(r->inv->pkgs[i].name, name) == 0 && strcmp(r->inv->pkgs[i].version, version) == 0)
			return &r->inv->pkgs[i];
	fail_msg("no package %s %s in:\n%s", name, version, r->lines);
	return NULL;
}

static void
assert_purl(const struct lb_pkg *p, const char *want)
{
	char *got = lb_purl_for_pkg(p, NULL);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* The one warning of a run, which must name the file and say why. */
static void
assert_one_warning(const struct run *r, const char *what)
{
	if (r->cx.nwarn != 1)
		fail_msg("%zu warnings, not 1 (%s)", r->cx.nwarn, r->cx.nkept ? r->cx.warnings[0] : "");
	assert_non_null(strstr(r->cx.warnings[0], "'usr/local/bin/app'"));
	if (!strstr(r->cx.warnings[0], what))
		fail_msg("warning '%s' does not say '%s'", r->cx.warnings[0], what);
}

/* --- real binaries --------------------------------------------------- */

/* Go 1.15 (pointer layout): pkgdb/README.md, Trivy's test expectations */
static void
t_go_trivy(void **state)
{
	struct run r;

	(void)state;
	LBT_NEED_TESTDATA();
	run_fixture(&r, "pkgdb/go/trivy-executable_gobinary");
	assert_string_equal(r.lines,
	    "golang github.com/aquasecurity/go-pep440-version v0.0.0-20210121094942-22b2f8951d46\n"
	    "golang github.com/aquasecurity/go-version v0.0.0-20210121072130-637058cfe492\n"
	    "golang github.com/aquasecurity/test (devel)\n"
	    "golang golang.org/x/xerrors v0.0.0-20200804184101-5ec99f83aff1\n"
	    "golang stdlib v1.15.2");
	assert_int_equal(r.cx.nwarn, 0);
	/* the Go vulnerability database names the toolchain "stdlib" */
	assert_purl(find(&r, "stdlib", "v1.15.2"), "pkg:golang/stdlib@v1.15.2");
	assert_purl(find(&r, "github.com/aquasecurity/go-version", "v0.0.0-20210121072130-637058cfe492"),
	    "pkg:golang/github.com/aquasecurity/go-version@v0.0.0-20210121072130-637058cfe492");
	run_release(&r);
}

/* Go 1.22 (inline layout), a dependency replaced by another module */
static void
t_go_replace(void **state)
{
	struct run r;

	(void)state;
	LBT_NEED_TESTDATA();
	run_fixture(&r, "pkgdb/go/scalibr-binary_with_module_replacement-linux-amd64");
	assert_string_equal(r.lines,
	    "golang binary_with_module_replacement (devel)\n"
	    "golang github.com/golang/xerrors v0.0.0-20220907171357-04be3eba64a2\n"
	    "golang stdlib v1.22.0");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
}

/* cargo-auditable: pkgdb/README.md, osv-scalibr's and Trivy's expectations */
static void
t_rust_fixtures(void **state)
{
	struct run r;

	(void)state;
	LBT_NEED_TESTDATA();
	run_fixture(&r, "pkgdb/rust/scalibr-cargoauditable-uses_serde_json");
	assert_string_equal(r.lines,
	    "cargo itoa 1.0.14\ncargo memchr 2.7.4\ncargo proc-macro2 1.0.92\ncargo quote 1.0.38\n"
	    "cargo ryu 1.0.18\ncargo serde 1.0.217\ncargo serde_derive 1.0.217\n"
	    "cargo serde_json 1.0.135\ncargo syn 2.0.95\ncargo unicode-ident 1.0.14\n"
	    "cargo uses_json 0.1.0");
	assert_int_equal(r.cx.nwarn, 0);
	assert_purl(find(&r, "serde_json", "1.0.135"), "pkg:cargo/serde_json@1.0.135");
	run_release(&r);

	run_fixture(&r, "pkgdb/rust/scalibr-cargoauditable-no_deps");
	assert_string_equal(r.lines, "cargo no_deps 0.1.0");
	run_release(&r);

	run_fixture(&r, "pkgdb/rust/trivy-executable_rust");
	assert_string_equal(r.lines, "cargo crate_with_features 0.1.0\ncargo library_crate 0.1.0");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);

	/* a Cargo.lock is not an executable */
	run_fixture(&r, "pkgdb/rust/syft-Cargo.lock");
	assert_string_equal(r.lines, "");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
}

/* --- hand-built files ------------------------------------------------ */

static const uint8_t info_start[16] = {
	0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6 };
static const uint8_t info_end[16] = {
	0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2 };
#define VBASE 0x400000u

/* A zeroed ELF64 file of len bytes whose one PT_LOAD maps it all at VBASE. */
static uint8_t *
elf_new(size_t len)
{
	uint8_t *p = lb_xcalloc(1, len);

	memcpy(p, "\x7f" "ELF\x02\x01\x01", 7);
	p[16] = 2;                            /* ET_EXEC */
	p[18] = 62;                           /* x86-64 */
	p[32] = 64;                           /* e_phoff */
	p[54] = 56;                           /* e_phentsize */
	p[56] = 1;                            /* e_phnum */
	p[64] = 1;                            /* PT_LOAD */
	for (int i = 0; i < 8; i++) {
		p[64 + 16 + i] = (uint8_t)((uint64_t)VBASE >> (8 * i));      /* p_vaddr */
		p[64 + 32 + i] = (uint8_t)((uint64_t)len >> (8 * i));        /* p_filesz */
	}
	return p;
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static size_t
put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* The modinfo string as cmd/go writes it: sentinels around the text. */
static size_t
put_modinfo(uint8_t *p, const char *text)
{
	size_t n = strlen(text);

	memcpy(p, info_start, 16);
	memcpy(p + 16, text, n);
	memcpy(p + 16 + n, info_end, 16);
	return n + 32;
}

/* A Go 1.18+ header at off: magic, pointer size 8, flags 2, then the
 * two varint-prefixed strings. Returns the offset after them. */
static size_t
put_inline(uint8_t *p, size_t off, const char *version, const char *text)
{
	uint8_t *mod = lb_xmalloc(strlen(text) + 32);
	size_t mlen = put_modinfo(mod, text), o = off + 32;

	memcpy(p + off, "\xff Go buildinf:", 14);
	p[off + 14] = 8;
	p[off + 15] = 2;
	o += put_varint(p + o, strlen(version));
	memcpy(p + o, version, strlen(version));
	o += strlen(version);
	o += put_varint(p + o, mlen);
	memcpy(p + o, mod, mlen);
	free(mod);
	return o + mlen;
}

static const char modtext[] =
    "path\texample.com/app/cmd/app\n"
    "mod\texample.com/app\tv1.2.3\th1:aaaa=\n"
    "dep\tgithub.com/a/one\tv1.0.0\th1:bbbb=\n"
    "dep\tgithub.com/b/two\tv2.0.0\th1:cccc=\n"
    "=>\tgithub.com/c/three\tv3.0.1\th1:dddd=\n"
    "dep\tgithub.com/d/four\tv4.0.0\n"
    "=>\t../four\t\n"
    "build\t-compiler=gc\n"
    "build\tGOOS=linux\n";
static const char modlines[] =
    "golang example.com/app v1.2.3\n"
    "golang github.com/a/one v1.0.0\n"
    "golang github.com/c/three v3.0.1\n"
    "golang github.com/d/four (devel)\n"
    "golang stdlib v1.21.5";

/* the inline blob anywhere around the scanner's 256 KiB windows */
static void
t_go_inline_windows(void **state)
{
	static const size_t offs[] = { 0x1000, (256u << 10) - 16, (256u << 10) - 32, (256u << 10) + 4096 - 16,
	    (256u << 10) + 4096, (512u << 10) - 48, (768u << 10) + 80 };
	(void)state;
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		size_t len = offs[i] + 4096;
		uint8_t *p = elf_new(len);
		size_t end = put_inline(p, offs[i], "go1.21.5", modtext);
		struct run r;

		assert_true(end <= len);
		run_mem(&r, "usr/local/bin/app", p, end);      /* the file ends right after it */
		assert_string_equal(r.lines, modlines);
		assert_int_equal(r.cx.nwarn, 0);
		run_release(&r);
		free(p);
	}
}

/* a modinfo of 300 KiB (more than a window) with 3000 dependencies */
static void
t_go_inline_big(void **state)
{
	struct lb_buf t = LB_BUF_INIT(1u << 20);
	size_t len = 1u << 20;
	uint8_t *p = elf_new(len);
	struct run r;

	(void)state;
	lb_buf_addstr(&t, "path\texample.com/big\nmod\texample.com/big\t(devel)\t\n");
	for (int i = 0; i < 3000; i++)
		lb_buf_addf(&t, "dep\tgithub.com/org%04d/a-rather-long-module-name-%04d/v2\tv2.%d.0\t"
		    "h1:0123456789abcdef0123456789abcdef0123456=\n", i, i, i);
	put_inline(p, 0x2000, "go1.22.3 X:boringcrypto", (const char *)t.p);
	run_mem(&r, "usr/local/bin/app", p, len);
	assert_int_equal(r.inv->npkgs, 3002);
	find(&r, "stdlib", "v1.22.3");
	find(&r, "example.com/big", "(devel)");
	find(&r, "github.com/org2999/a-rather-long-module-name-2999/v2", "v2.2999.0");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
	lb_buf_release(&t);
	free(p);
}

/* the toolchain's version as the Go vulnerability database compares it */
static void
t_go_versions(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "go1.21rc2", "v1.21.0-rc.2" },
		{ "go1.20", "v1.20.0" },
		{ "go1.9beta1", "v1.9.0-beta.1" },
		{ "go1.22.3 X:boringcrypto", "v1.22.3" },
		{ "go1", "v1.0.0" },
		{ "devel go1.23-1a2b3c4 Tue Jan 2 15:04:05 2024 +0000", NULL },
		{ "go1.x", NULL },
		{ "gcc-go", NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *p = elf_new(8192);
		struct run r;

		put_inline(p, 0x1000, cases[i].in, "path\tx\n");
		run_mem(&r, "usr/local/bin/app", p, 8192);
		if (cases[i].out) {
			char *want = lb_xasprintf("golang stdlib %s", cases[i].out);
			assert_string_equal(r.lines, want);
			free(want);
		} else {
			assert_string_equal(r.lines, "");
		}
		assert_int_equal(r.cx.nwarn, 0);
		run_release(&r);
		free(p);
	}
}

/* "go build" leaves the main module at (devel); -ldflags -X may say more */
static void
t_go_ldflags(void **state)
{
	static const struct { const char *flags, *want; } cases[] = {
		{ "build\t-ldflags=\"-s -w -X main.version=1.4.2 -X 'example.com/app/internal/build.Version=9.9.9'\"\n", "1.4.2" },
		{ "build\t-ldflags=\"-X example.com/app/cmd/app/version.Version=v2.0.0 -X main.version=1.4.2\"\n", "v2.0.0" },
		{ "build\t-ldflags=\"-X main.version=1.0.0 -X=version.ver=2.0.0\"\n", "(devel)" },   /* ambiguous */
		{ "build\t-ldflags=\"-X main.version=not-semver -X main.commit=1.2.3\"\n", "(devel)" },
		{ "build\t-ldflags=-X=main.Version=3.1.4\n", "3.1.4" },
		{ "build\t-ldflags=\"-X \\\"main.version=5.6.7\\\"\"\n", "5.6.7" },
		{ "build\t-ldflags=\"-X\n", "(devel)" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t *p = elf_new(8192);
		char *text = lb_xasprintf("path\texample.com/app/cmd/app\nmod\texample.com/app\t(devel)\t\n%s",
		    cases[i].flags);
		struct run r;

		put_inline(p, 0x1000, "go1.21.0", text);
		run_mem(&r, "usr/local/bin/app", p, 8192);
		find(&r, "example.com/app", cases[i].want);
		assert_int_equal(r.inv->npkgs, 2);
		run_release(&r);
		free(text);
		free(p);
	}
}

/* Go 1.13-1.17: the header points at string headers, which point at the
 * bytes; strings behind the header were remembered on the way, those
 * ahead are captured when the stream reaches them */
static void
t_go_pointers(void **state)
{
	size_t len = 0x30000;
	const char *text = "path\texample.com/old\nmod\texample.com/old\tv0.9.0\t\n"
	    "dep\tgolang.org/x/text\tv0.3.7\th1:x=\n";

	(void)state;
	for (int ahead = 0; ahead < 2; ahead++) {
		uint8_t *p = elf_new(len);
		size_t ver_at = ahead ? 0x22000 : 0x2000, mod_at = ahead ? 0x23000 : 0x3000, mlen;
		struct run r;

		/* decoys: an unaligned magic and other "go1." strings */
		memcpy(p + 0x1003, "\xff Go buildinf:\x08\x00", 16);
		memcpy(p + 0x1800, "go1.99.9", 8);
		memcpy(p + ver_at, "go1.16.15go1.17", 15);   /* strings are not terminated */
		mlen = put_modinfo(p + mod_at, text);
		memcpy(p + 0x10000, "\xff Go buildinf:", 14);
		p[0x10000 + 14] = 8;
		p[0x10000 + 15] = 0;
		put64(p + 0x10010, VBASE + 0x10100);          /* -> runtime.buildVersion */
		put64(p + 0x10018, VBASE + 0x10110);          /* -> runtime.modinfo */
		put64(p + 0x10100, VBASE + ver_at);
		put64(p + 0x10108, 9);
		put64(p + 0x10110, VBASE + mod_at);
		put64(p + 0x10118, mlen);
		run_mem(&r, "usr/local/bin/app", p, len);
		assert_string_equal(r.lines,
		    "golang example.com/old v0.9.0\ngolang golang.org/x/text v0.3.7\ngolang stdlib v1.16.15");
		assert_int_equal(r.cx.nwarn, 0);
		run_release(&r);

		/* a pointer outside every segment: nothing, without a word */
		put64(p + 0x10010, 0x10);
		run_mem(&r, "usr/local/bin/app", p, len);
		assert_string_equal(r.lines, "");
		assert_int_equal(r.cx.nwarn, 0);
		run_release(&r);
		free(p);
	}
}

/* zlib (RFC 1950) with stored deflate blocks: what cargo-auditable's JSON
 * looks like to a reader, without needing a compressor */
static size_t
zlib_stored(uint8_t *out, const char *data, size_t n)
{
	uint32_t a = 1, b = 0;
	size_t o = 0, i = 0;

	out[o++] = 0x78;
	out[o++] = 0x01;
	do {
		size_t k = n - i > 65535 ? 65535 : n - i;
		out[o++] = i + k == n ? 1 : 0;
		out[o++] = (uint8_t)k;
		out[o++] = (uint8_t)(k >> 8);
		out[o++] = (uint8_t)~k;
		out[o++] = (uint8_t)(~k >> 8);
		memcpy(out + o, data + i, k);
		o += k;
		i += k;
	} while (i < n);
	for (i = 0; i < n; i++) {
		a = (a + (uint8_t)data[i]) % 65521;
		b = (b + a) % 65521;
	}
	out[o++] = (uint8_t)(b >> 8);
	out[o++] = (uint8_t)b;
	out[o++] = (uint8_t)(a >> 8);
	out[o++] = (uint8_t)a;
	return o;
}

static void
run_audit(struct run *r, const char *json, size_t at, long cut)
{
	size_t jn = strlen(json), len = at + jn + 4096;
	uint8_t *p = elf_new(len);
	size_t n = zlib_stored(p + at, json, jn);

	/* decoys the probe must reject: zlib headers that are not the list */
	memcpy(p + 0x800, "\x78\x9c\xff\xff\xff", 5);
	memcpy(p + 0x900, "\x78\xda\x01\x02\x00\xfd\xff{}", 9);
	run_mem(r, "usr/local/bin/app", p, cut >= 0 ? at + n - (size_t)cut : len);
	free(p);
}

static void
t_rust_synthetic(void **state)
{
	struct run r;
	struct lb_buf big = LB_BUF_INIT(1u << 20);

	(void)state;
	/* across the first window's end; a build dependency is left out */
	run_audit(&r, "{\"packages\":[{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\",\"root\":true},"
	    "{\"name\":\"cc\",\"version\":\"1.0.83\",\"source\":\"crates.io\",\"kind\":\"build\"},"
	    "{\"name\":\"time\",\"version\":\"0.3.36\",\"source\":\"crates.io\",\"kind\":\"runtime\"}],\"format\":1}",
	    (256u << 10) - 40, -1);
	assert_string_equal(r.lines, "cargo app 0.1.0\ncargo time 0.3.36");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);

	/* 3000 crates: more than one stored block and one window */
	lb_buf_addstr(&big, "{\"packages\":[");
	for (int i = 0; i < 3000; i++)
		lb_buf_addf(&big, "%s{\"name\":\"crate-%04d\",\"version\":\"1.%d.0\",\"source\":\"crates.io\"}",
		    i ? "," : "", i, i);
	lb_buf_addstr(&big, "]}");
	run_audit(&r, (const char *)big.p, 0x3000, -1);
	assert_int_equal(r.inv->npkgs, 3000);
	find(&r, "crate-2999", "1.2999.0");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
	lb_buf_release(&big);
}

static void
t_rust_hostile(void **state)
{
	struct run r;

	(void)state;
	/* bad JSON after a good start */
	run_audit(&r, "{\"packages\":[{\"name\":\"a\",\"version\":", 0x2000, -1);
	assert_string_equal(r.lines, "");
	assert_one_warning(&r, "cargo-auditable");
	run_release(&r);

	/* the file ends inside the zlib stream */
	run_audit(&r, "{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\"}]}", 0x2000, 10);
	assert_string_equal(r.lines, "");
	assert_one_warning(&r, "ends inside");
	run_release(&r);

	/* entries without a version or with a blank in the name are skipped */
	run_audit(&r, "{\"packages\":[{\"name\":\"good\",\"version\":\"1.0.0\"},{\"name\":\"no version\"},"
	    "{\"name\":\"bad name\",\"version\":\"1\"},{\"name\":7,\"version\":\"1\"},\"x\"]}", 0x2000, -1);
	assert_string_equal(r.lines, "cargo good 1.0.0");
	assert_one_warning(&r, "without a valid name or version");
	run_release(&r);

	/* "packages" is not an array */
	run_audit(&r, "{\"packages\":{\"name\":\"a\"}}", 0x2000, -1);
	assert_string_equal(r.lines, "");
	assert_one_warning(&r, "no \"packages\" array");
	run_release(&r);

	/* a wrong checksum */
	{
		const char *json = "{\"packages\":[{\"name\":\"a\",\"version\":\"1.0.0\"}]}";
		uint8_t *p = elf_new(0x4000);
		size_t n = zlib_stored(p + 0x2000, json, strlen(json));

		p[0x2000 + n - 1] ^= 0xff;
		run_mem(&r, "usr/local/bin/app", p, 0x4000);
		assert_string_equal(r.lines, "");
		assert_one_warning(&r, "corrupt");
		run_release(&r);
		free(p);
	}
}

static void
t_go_hostile(void **state)
{
	struct run r;
	uint8_t *p;
	size_t end;

	(void)state;
	/* the file ends inside the strings */
	p = elf_new(0x3000);
	end = put_inline(p, 0x1000, "go1.21.0", modtext);
	run_mem(&r, "usr/local/bin/app", p, end - 20);
	assert_string_equal(r.lines, "");
	assert_one_warning(&r, "Go build info");
	run_release(&r);

	/* a version length past any sane size */
	memset(p, 0, 0x3000);
	free(p);
	p = elf_new(0x3000);
	put_inline(p, 0x1000, "go1.21.0", modtext);
	p[0x1000 + 32] = 0xff;
	p[0x1000 + 33] = 0xff;
	p[0x1000 + 34] = 0x7f;
	run_mem(&r, "usr/local/bin/app", p, 0x3000);
	assert_string_equal(r.lines, "");
	assert_one_warning(&r, "bad version or module strings");
	run_release(&r);
	free(p);

	/* a modinfo length of 2 GiB */
	p = elf_new(0x3000);
	put_inline(p, 0x1000, "go1.21.0", modtext);
	{
		size_t o = 0x1000 + 32 + 1 + 8;
		o += put_varint(p + o, 1ull << 31);
	}
	run_mem(&r, "usr/local/bin/app", p, 0x3000);
	assert_string_equal(r.lines, "");
	assert_one_warning(&r, "bad version or module strings");
	run_release(&r);
	free(p);

	/* unaligned, bad pointer size, unknown flags: not build info at all */
	p = elf_new(0x3000);
	put_inline(p, 0x1008, "go1.21.0", modtext);
	run_mem(&r, "usr/local/bin/app", p, 0x3000);
	assert_string_equal(r.lines, "");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
	memset(p + 0x1000, 0, 0x1000);
	put_inline(p, 0x1000, "go1.21.0", modtext);
	p[0x1000 + 14] = 5;
	run_mem(&r, "usr/local/bin/app", p, 0x3000);
	assert_string_equal(r.lines, "");
	run_release(&r);
	p[0x1000 + 14] = 8;
	p[0x1000 + 15] = 0x82;
	run_mem(&r, "usr/local/bin/app", p, 0x3000);
	assert_string_equal(r.lines, "");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
	free(p);

	/* odd modinfo lines: no sentinels, blanks and controls in paths */
	p = elf_new(0x3000);
	{
		const char *t = "mod\tex ample.com/x\tv1\t\ndep\t\tv1.0.0\ndep\tok.com/y\tv1.0.0\x01\n"
		    "dep\tok.com/z\n=>\n=>\tfoo\tv9\ndep\tok.com/w\tv0.1.0\tsum\textra\n\n\n";
		put_inline(p, 0x1000, "go1.21.0", t);
	}
	run_mem(&r, "usr/local/bin/app", p, 0x3000);
	assert_string_equal(r.lines, "golang ok.com/w v0.1.0\ngolang ok.com/y (devel)\ngolang stdlib v1.21.0");
	assert_int_equal(r.cx.nwarn, 0);
	run_release(&r);
	free(p);

	/* neither ELF, Mach-O nor PE: not read */
	{
		static const char script[] = "#!/bin/sh\necho \xff Go buildinf:\n";
		run_mem(&r, "usr/local/bin/app", script, sizeof(script));
		assert_string_equal(r.lines, "");
		assert_int_equal(r.cx.nwarn, 0);
		run_release(&r);
	}
}

/* the inline layout found in Mach-O and PE files too (no segment table needed) */
static void
t_go_macho_pe(void **state)
{
	static const uint8_t heads[][4] = { { 0xcf, 0xfa, 0xed, 0xfe }, { 0xfe, 0xed, 0xfa, 0xcf }, { 'M', 'Z', 0x90, 0 } };

	(void)state;
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		uint8_t *p = lb_xcalloc(1, 0x3000);
		struct run r;

		memcpy(p, heads[i], 4);
		put_inline(p, 0x1000, "go1.21.5", modtext);
		run_mem(&r, "usr/local/bin/app", p, 0x3000);
		assert_string_equal(r.lines, modlines);
		run_release(&r);
		free(p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_go_trivy),
		cmocka_unit_test(t_go_replace),
		cmocka_unit_test(t_rust_fixtures),
		cmocka_unit_test(t_go_inline_windows),
		cmocka_unit_test(t_go_inline_big),
		cmocka_unit_test(t_go_versions),
		cmocka_unit_test(t_go_ldflags),
		cmocka_unit_test(t_go_pointers),
		cmocka_unit_test(t_rust_synthetic),
		cmocka_unit_test(t_rust_hostile),
		cmocka_unit_test(t_go_hostile),
		cmocka_unit_test(t_go_macho_pe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
