/* lcache: a layer of an fsview out to the layer cache format and back,
 * byte for byte; damaged, foreign and hostile entries are misses that leave
 * the layer empty; the on-disk cache and its warnings. */
#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "image/fsview.h"
#include "image/lcache.h"

#define DIFF "sha256:1111111111111111111111111111111111111111111111111111111111111111"

static void
reg(struct lb_fsview *v, int layer, const char *path, const char *body)
{
	lb_fsview_add(v, layer, path, LB_FT_REG, 0100644, body, strlen(body), strlen(body), NULL, 0);
}

/* Layer `layer` of v gets one of everything the walker records. */
static void
fill(struct lb_fsview *v, int layer)
{
	struct lb_inventory *facts = lb_inventory_new();
	struct lb_pkg *p = lb_inventory_add_pkg(facts);

	reg(v, layer, "etc/os-release", "ID=alpine\nVERSION_ID=3.20.3\n");
	lb_fsview_add(v, layer, "var/lib/big", LB_FT_REG, 0100600, "head", 4, 1000, NULL, 1);
	lb_fsview_add(v, layer, "etc/empty", LB_FT_REG, 0100644, "", 0, 0, NULL, 0);
	lb_fsview_add(v, layer, "bin/sh", LB_FT_SYMLINK, 0120777, NULL, 0, 0, "/bin/busybox", 0);
	lb_fsview_add(v, layer, "etc/os-link", LB_FT_HARDLINK, 0100644, NULL, 0, 0, "etc/os-release", 0);
	lb_fsview_add_other(v, layer, "etc/apk", LB_FT_DIR);
	p->type = lb_xstrdup("golang");
	p->name = lb_xstrdup("example.com/app");
	p->version = lb_xstrdup("v1.2.3");
	p->declared = true;
	p->layer = layer;
	lb_pkg_add_file_digest(p, "usr/bin/app", 11, "sha256:abcd");
	lb_pkg_add_file_digest(p, "usr/share/app", 13, NULL);
	lb_fsview_add_facts(v, layer, "usr/bin/app", 0100755, 123456, facts);
	lb_fsview_add_facts(v, layer, "usr/bin/nothing", 0100755, 99, NULL);
	lb_fsview_add_whiteout(v, layer, "etc/motd");
	lb_fsview_add_opaque(v, layer, "var/cache");
}

static int
count_ent(void *arg, const struct lb_file *f, const struct lb_inventory *facts)
{
	(void)f;
	(void)facts;
	++*(int *)arg;
	return 0;
}

static int
layer_entries(const struct lb_fsview *v, int layer)
{
	int n = 0;

	lb_fsview_layer_entries(v, layer, count_ent, &n);
	return n;
}

struct pkgs {
	const struct lb_pkg *p;
	int layer;
};

static int
find_pkg(void *arg, const struct lb_file *f, const struct lb_inventory *facts)
{
	struct pkgs *ps = arg;

	(void)f;
	ps->p = &facts->pkgs[0];
	ps->layer = f->layer;
	return 0;
}

static void
round_trip_is_byte_identical(void **state)
{
	uint8_t key[LB_LCACHE_KEYLEN];
	struct lb_fsview *v = lb_fsview_new(2), *w = lb_fsview_new(3);
	struct lb_buf a = LB_BUF_INIT(0), b = LB_BUF_INIT(0);
	char w0[] = "ignoring invalid whiteout 'x/.wh.'", w1[] = "member '../a' leaves the image root";
	char *warns[] = { w0, w1 };
	char **got = NULL;
	size_t ngot = 0;
	uint64_t kept = 0;
	const char *why = "unset";
	const struct lb_file *f;
	struct pkgs ps = { 0 };

	(void)state;
	lb_lcache_key(key);
	reg(v, 0, "etc/motd", "hidden");
	fill(v, 1);
	assert_int_equal(lb_lcache_encode(key, DIFF, v, 1, warns, 2, &a), 0);
	/* into another layer index of another view: layer 2 of 3 */
	reg(w, 0, "etc/motd", "hidden");
	reg(w, 1, "var/cache/x", "hidden too");
	assert_int_equal(lb_lcache_decode(key, DIFF, a.p, a.len, w, 2, &got, &ngot, &kept, &why), 0);
	assert_null(why);
	assert_int_equal(ngot, 2);
	assert_string_equal(got[0], warns[0]);
	assert_string_equal(got[1], warns[1]);
	assert_int_equal(kept, strlen("ID=alpine\nVERSION_ID=3.20.3\n") + 4);
	/* the same layer again gives the same bytes */
	assert_int_equal(lb_lcache_encode(key, DIFF, w, 2, got, ngot, &b), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.p, b.p, a.len);
	lb_fsview_seal(w);
	assert_non_null(f = lb_fsview_get(w, "etc/os-release"));
	assert_int_equal(f->layer, 2);
	assert_string_equal((const char *)f->data, "ID=alpine\nVERSION_ID=3.20.3\n");
	assert_non_null(f = lb_fsview_get(w, "sbin/../bin/sh/../../etc/os-link"));
	assert_int_equal(f->size, strlen("ID=alpine\nVERSION_ID=3.20.3\n"));
	assert_non_null(f = lb_fsview_get(w, "var/lib/big"));
	assert_true(f->truncated);
	assert_int_equal(f->real_size, 1000);
	assert_int_equal(f->mode, 0100600);
	assert_non_null(lb_fsview_get(w, "etc/empty"));
	assert_null(lb_fsview_get(w, "etc/motd"));          /* the whiteout came back */
	assert_null(lb_fsview_get(w, "var/cache/x"));       /* and the opaque directory */
	assert_int_equal(lb_fsview_lget(w, "etc/apk")->type, LB_FT_DIR);
	assert_string_equal(lb_fsview_lget(w, "bin/sh")->link, "/bin/busybox");
	assert_int_equal(lb_fsview_lget(w, "usr/bin/nothing")->real_size, 99);
	lb_fsview_each_facts(w, find_pkg, &ps);
	assert_non_null(ps.p);
	assert_string_equal(ps.p->name, "example.com/app");
	assert_string_equal(ps.p->version, "v1.2.3");
	assert_true(ps.p->declared);
	assert_int_equal(ps.p->layer, 2);                    /* the layer it now is */
	assert_int_equal(ps.p->nfiles, 2);
	assert_string_equal(ps.p->digests[0], "sha256:abcd");
	assert_null(ps.p->digests[1]);
	assert_null(ps.p->license);
	for (size_t i = 0; i < ngot; i++)
		free(got[i]);
	free(got);
	lb_buf_release(&a);
	lb_buf_release(&b);
	lb_fsview_free(v);
	lb_fsview_free(w);
}

/* Decodes p into layer 0 of a new view: 0 or < 0; on failure the layer
 * must be empty. */
static int
try_decode(const uint8_t *key, const char *diff, const uint8_t *p, size_t n, const char **why)
{
	struct lb_fsview *w = lb_fsview_new(1);
	char **got;
	size_t ngot;
	uint64_t kept;
	int r = lb_lcache_decode(key, diff, p, n, w, 0, &got, &ngot, &kept, why);

	if (r < 0) {
		assert_int_equal(layer_entries(w, 0), 0);
		assert_int_equal(kept, 0);
		assert_non_null(*why);
	} else {
		for (size_t i = 0; i < ngot; i++)
			free(got[i]);
		free(got);
	}
	lb_fsview_free(w);
	return r;
}

static void
damage_is_a_miss(void **state)
{
	uint8_t key[LB_LCACHE_KEYLEN], other[LB_LCACHE_KEYLEN];
	struct lb_fsview *v = lb_fsview_new(1);
	struct lb_buf a = LB_BUF_INIT(0);
	const char *why;

	(void)state;
	lb_lcache_key(key);
	fill(v, 0);
	assert_int_equal(lb_lcache_encode(key, DIFF, v, 0, NULL, 0, &a), 0);
	assert_int_equal(try_decode(key, DIFF, a.p, a.len, &why), 0);
	/* every truncation */
	for (size_t n = 0; n < a.len; n++)
		assert_int_equal(try_decode(key, DIFF, a.p, n, &why), -LB_E_FORMAT);
	/* every flipped byte */
	for (size_t i = 0; i < a.len; i++) {
		a.p[i] ^= 0x41;
		assert_int_equal(try_decode(key, DIFF, a.p, a.len, &why), -LB_E_FORMAT);
		a.p[i] ^= 0x41;
	}
	/* another build or analyzer set, another diff ID */
	memcpy(other, key, sizeof(other));
	other[5] ^= 1;
	assert_int_equal(try_decode(other, DIFF, a.p, a.len, &why), -LB_E_FORMAT);
	assert_string_equal(why, "made by another lifebelt build or analyzer set");
	assert_int_equal(try_decode(key, "sha256:2222222222222222222222222222222222222222222222222222222222222222",
	    a.p, a.len, &why), -LB_E_FORMAT);
	assert_string_equal(why, "made for another diff ID");
	lb_buf_release(&a);
	lb_fsview_free(v);
}

/* A body made by hand, with a valid header: the parser itself must say no. */
static void
put32(struct lb_buf *b, uint32_t x)
{
	uint8_t c[4] = { (uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16), (uint8_t)(x >> 24) };

	assert_int_equal(lb_buf_add(b, c, 4), 0);
}

static void
putstr(struct lb_buf *b, const char *s)
{
	put32(b, (uint32_t)strlen(s));
	assert_int_equal(lb_buf_add(b, s, strlen(s)), 0);
}

static const char *
hostile(const char *path, unsigned type, unsigned flags, uint32_t datalen, uint32_t nmarks)
{
	uint8_t key[LB_LCACHE_KEYLEN], zero8[8] = { 0 };
	struct lb_buf body = LB_BUF_INIT(1 << 20), f = LB_BUF_INIT(0);
	const char *why = NULL;
	uint8_t t = (uint8_t)type, fl = (uint8_t)flags;

	lb_lcache_key(key);
	putstr(&body, DIFF);
	putstr(&body, "0.1.0");
	put32(&body, 1);
	putstr(&body, path);
	lb_buf_add(&body, &t, 1);
	put32(&body, 0100644);
	lb_buf_add(&body, zero8, 8);     /* real size 0 */
	lb_buf_add(&body, &fl, 1);
	if (flags & 1)
		put32(&body, datalen);       /* and no bytes follow */
	put32(&body, nmarks);
	put32(&body, 0);
	assert_int_equal(lb_lcache_wrap(key, body.p, body.len, &f), 0);
	if (try_decode(key, DIFF, f.p, f.len, &why) == 0)
		why = NULL;
	lb_buf_release(&body);
	lb_buf_release(&f);
	return why;
}

static void
hostile_bodies_are_refused(void **state)
{
	(void)state;
	/* a well-formed one passes */
	assert_null(hostile("etc/a", LB_FT_DIR, 0, 0, 0));
	assert_string_equal(hostile("../etc/passwd", LB_FT_DIR, 0, 0, 0), "a path is not normalised");
	assert_string_equal(hostile("/etc/a", LB_FT_DIR, 0, 0, 0), "a path is not normalised");
	assert_string_equal(hostile("", LB_FT_DIR, 0, 0, 0), "a path is not normalised");
	assert_string_equal(hostile("etc/a", 9, 0, 0, 0), "unknown entry type or flags");
	assert_string_equal(hostile("etc/a", LB_FT_DIR, 0x80, 0, 0), "unknown entry type or flags");
	assert_string_equal(hostile("etc/a", LB_FT_DIR, 1, 3, 0),
	    "contents or facts on an entry that is not a regular file");
	assert_string_equal(hostile("etc/a", LB_FT_SYMLINK, 0, 0, 0),
	    "a link without a target, or a target without a link");
	/* a length past the end, a huge length, a huge count */
	assert_string_equal(hostile("etc/a", LB_FT_REG, 1, 100, 0), "truncated");
	assert_string_equal(hostile("etc/a", LB_FT_REG, 1, 3, 0), "more contents than the file's size");
	assert_string_equal(hostile("etc/a", LB_FT_REG, 1, 0xfffffff0u, 0), "a string is over its size limit");
	assert_string_equal(hostile("etc/a", LB_FT_DIR, 0, 0, 0xffffffffu), "too many whiteouts");
	assert_string_equal(hostile("etc/a", LB_FT_DIR, 0, 0, 1000), "truncated");
}

static void
disk_cache_round_trip_and_warnings(void **state)
{
	char tmpl[] = "/tmp/lb-t_lcache.XXXXXX", *dir, *file;
	struct lb_ctx cx;
	struct lb_lcache *c;
	struct lb_lcache_mark m;
	struct lb_fsview *v = lb_fsview_new(1), *w;
	FILE *log;
	char *logbuf = NULL;
	size_t loglen = 0;
	struct stat sb;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	dir = lb_xasprintf("%s/sub/layers", tmpl);
	file = lb_xasprintf("%s/sha256-%s", dir, &DIFF[7]);
	lbt_ctx(&cx);
	assert_non_null(log = open_memstream(&logbuf, &loglen));
	cx.log = log;
	assert_null(lb_lcache_new(NULL, 0));
	assert_non_null(c = lb_lcache_new(dir, 0));
	assert_int_equal(lb_lcache_load(c, &cx, DIFF, v, 0, "L"), 0);   /* absent: a quiet miss */
	fill(v, 0);
	/* a warning in the window that names no layer: not stored */
	lb_lcache_mark(&cx, &m);
	lb_warn(&cx, "cannot read 'x.jar'");
	lb_lcache_store(c, &cx, DIFF, v, 0, "L", &m);
	assert_int_not_equal(stat(file, &sb), 0);
	/* its own warnings: stored, and raised again on a hit; another
	 * layer's (walked at the same time) stay that layer's */
	lb_lcache_mark(&cx, &m);
	lb_warn(&cx, "layer sha256:99: member 'x' leaves the image root");
	lb_warn(&cx, "layer L: ignoring invalid whiteout 'a/.wh.'");
	lb_lcache_store(c, &cx, DIFF, v, 0, "L", &m);
	assert_int_equal(stat(file, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	w = lb_fsview_new(2);
	{
		size_t before = cx.nwarn;
		assert_int_equal(lb_lcache_load(c, &cx, DIFF, w, 1, "M"), 1);
		assert_int_equal(cx.nwarn, before + 1);
	}
	assert_int_equal(layer_entries(w, 1), layer_entries(v, 0));
	assert_string_equal(cx.warnings[cx.nkept - 1], "layer M: ignoring invalid whiteout 'a/.wh.'");
	lb_fsview_free(w);
	/* a damaged file: a miss with a warning on the log that the report
	 * does not get */
	{
		FILE *f = fopen(file, "r+b");
		size_t before = cx.nwarn;
		assert_non_null(f);
		fseek(f, 200, SEEK_SET);
		fputc('X', f);
		fclose(f);
		w = lb_fsview_new(1);
		assert_int_equal(lb_lcache_load(c, &cx, DIFF, w, 0, "M"), 0);
		assert_int_equal(layer_entries(w, 0), 0);
		assert_int_equal(cx.nwarn, before);
		fflush(log);
		assert_non_null(strstr(logbuf, "ignoring layer cache file"));
		assert_non_null(strstr(logbuf, "its checksum does not match"));
		lb_fsview_free(w);
	}
	/* not a regular file: a symlink is not followed */
	unlink(file);
	assert_int_equal(symlink("/etc/passwd", file), 0);
	w = lb_fsview_new(1);
	assert_int_equal(lb_lcache_load(c, &cx, DIFF, w, 0, "M"), 0);
	lb_fsview_free(w);
	unlink(file);
	lb_lcache_free(c);
	/* in memory only */
	assert_non_null(c = lb_lcache_new(NULL, 1));
	lb_lcache_mark(&cx, &m);
	lb_lcache_store(c, &cx, DIFF, v, 0, "L", &m);
	w = lb_fsview_new(1);
	assert_int_equal(lb_lcache_load(c, &cx, DIFF, w, 0, "L"), 1);
	assert_int_equal(layer_entries(w, 0), layer_entries(v, 0));
	lb_fsview_free(w);
	lb_lcache_free(c);
	cx.log = NULL;
	fclose(log);
	free(logbuf);
	lb_ctx_release(&cx);
	lb_fsview_free(v);
	{
		char *sub = lb_xasprintf("%s/sub", tmpl);
		rmdir(dir);
		rmdir(sub);
		rmdir(tmpl);
		free(sub);
	}
	free(dir);
	free(file);
}

static void
put_file(const char *dir, const char *name, size_t size, time_t mtime)
{
	char *p = lb_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };

	assert_non_null(f);
	for (size_t i = 0; i < size; i++)
		fputc('x', f);
	fclose(f);
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	free(p);
}

static int
exists(const char *dir, const char *name)
{
	char *p = lb_xasprintf("%s/%s", dir, name);
	struct stat sb;
	int r = stat(p, &sb) == 0;

	free(p);
	return r;
}

static void
trim_removes_least_recently_used(void **state)
{
	char tmpl[] = "/tmp/lb-t_lcache.XXXXXX";
	const char *names[] = { "sha256-a", "sha256-b", "sha256-c", "sha256-d", "keep-me", ".tmp-old",
		".tmp-new" };
	time_t now = time(NULL);

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	put_file(tmpl, "sha256-a", 1000, now - 400);   /* oldest */
	put_file(tmpl, "sha256-b", 1000, now - 300);
	put_file(tmpl, "sha256-c", 1000, now - 200);
	put_file(tmpl, "sha256-d", 1000, now - 100);   /* newest */
	put_file(tmpl, "keep-me", 5000, now - 999);    /* not an entry: never touched */
	put_file(tmpl, ".tmp-old", 10, now - 7200);    /* a crashed writer's */
	put_file(tmpl, ".tmp-new", 10, now);           /* a writer at work */
	/* under the bound: only the stale temporary file goes */
	assert_int_equal(lb_lcache_trim(tmpl, 4000), 0);
	assert_false(exists(tmpl, ".tmp-old"));
	assert_true(exists(tmpl, ".tmp-new"));
	assert_true(exists(tmpl, "sha256-a"));
	/* over it: the oldest go until three quarters of 3000 are left */
	assert_int_equal(lb_lcache_trim(tmpl, 3000), 2);
	assert_false(exists(tmpl, "sha256-a"));
	assert_false(exists(tmpl, "sha256-b"));
	assert_true(exists(tmpl, "sha256-c"));
	assert_true(exists(tmpl, "sha256-d"));
	assert_true(exists(tmpl, "keep-me"));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *p = lb_xasprintf("%s/%s", tmpl, names[i]);
		unlink(p);
		free(p);
	}
	rmdir(tmpl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_is_byte_identical),
		cmocka_unit_test(damage_is_a_miss),
		cmocka_unit_test(hostile_bodies_are_refused),
		cmocka_unit_test(disk_cache_round_trip_and_warnings),
		cmocka_unit_test(trim_removes_least_recently_used),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
