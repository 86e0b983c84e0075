/* fuzz_layer.c - one layer blob, as lifebelt reads it: bytes -> gzip, zstd
 * or plain by magic -> tar (libarchive) -> walker -> fsview, walked as two
 * layers (so whiteouts hide something), then sealed and read back through
 * symlinked and hard-linked paths. The second walk goes through the
 * read-ahead thread (borrowed blocks) with a file hook, as the malware
 * scanner does: every regular file read whole or hashed from libarchive's
 * blocks (sparse members too), depending on its name. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/lb_ctx.h"
#include "image/fsview.h"
#include "image/layers.h"
#include "io/istream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* paths analyzers ask for, and some that go through links to them */
static const char *const lookups[] = {
	"etc/os-release", "usr/lib/os-release", "lib/apk/db/installed",
	"usr/lib/apk/db/installed", "var/lib/dpkg/status", "/etc/../etc/os-release",
	"etc/./os-release/..", "lib/../../../../lib/apk/db/installed", "a/b/c/d",
	"", "/", "..", NULL,
};

static size_t touched;

static int
touch(void *arg, const struct lb_file *f)
{
	(void)arg;
	/* read every byte so that the sanitizers see a bad pointer or length */
	for (size_t i = 0; i < f->size; i++)
		touched += f->data[i];
	touched += strlen(f->path) + (f->data[f->size] == 0);
	return 0;
}

static int
hist(void *arg, int layer, const struct lb_file *f)
{
	(void)arg;
	touched += (size_t)layer + (f ? f->size : 0);
	return 0;
}

/* a file hook: bytes for about half the files, every digest, one in four kept */
static unsigned
hook_want(void *arg, const char *path, unsigned mode, uint64_t size)
{
	size_t h = strlen(path) + (size_t)mode + (size_t)size;

	(void)arg;
	return LB_WANT_MD5 | LB_WANT_SHA1 | LB_WANT_SHA256 | (h & 1 ? LB_WANT_BYTES : 0) |
	    (h % 4 == 2 ? LB_WANT_KEEP : 0);
}

static int
hook_scan(void *arg, struct lb_ctx *cx, const struct lb_file *f, const uint8_t *data, size_t len,
    int fd, struct lb_inventory *facts)
{
	(void)arg;
	(void)cx;
	(void)fd;
	(void)facts;
	for (size_t i = 0; data && i < len; i++)
		touched += data[i];
	touched += f->digest ? f->digest[0] : 0;
	return 0;
}

static void
walk(struct lb_ctx *cx, struct lb_fsview *v, int layer, const uint8_t *data, size_t size)
{
	struct lb_walk_stats st;
	struct lb_istream *is;
	const char *kind;
	int err;

	is = lb_is_decompress(lb_is_mem(data, size), &kind, &err);
	if (!is)
		return;
	/* small budgets keep each run fast; the real ones are far larger */
	if (layer == 1)
		is = lb_is_async(is);
	is = lb_is_limit(is, 32u << 20);
	lb_layer_walk_tar(cx, is, v, layer, "fuzz", &st);
	lb_walk_stats_release(&st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_fsview *v = lb_fsview_new(2);
	struct lb_ctx cx;

	struct lb_file_hook hook = {
		.want = hook_want, .scan = hook_scan, .mem_cap = 1u << 16, .max_scan = 1u << 20,
	};

	lb_ctx_init(&cx, NULL);
	walk(&cx, v, 0, data, size);
	cx.file_hook = &hook;
	walk(&cx, v, 1, data, size);
	cx.file_hook = NULL;
	lb_fsview_seal(v);
	for (size_t i = 0; lookups[i]; i++) {
		const struct lb_file *f = lb_fsview_get(v, lookups[i]);
		if (f)
			touch(NULL, f);
		f = lb_fsview_lget(v, lookups[i]);
		if (f)
			touched += f->size + (f->link ? strlen(f->link) : 0);
		lb_fsview_history(v, lookups[i], hist, NULL);
	}
	lb_fsview_each(v, "", touch, NULL);
	lb_fsview_each(v, "etc/", touch, NULL);
	lb_fsview_free(v);
	lb_ctx_release(&cx);
	return 0;
}
