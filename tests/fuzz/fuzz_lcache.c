/* fuzz_lcache.c - a layer cache entry (image/lcache.h), as lifebelt reads
 * one from <cache>/layers: the input is an entry's body, given a valid
 * header (this build's key, its checksum and length) so that the parser
 * itself is reached; the input is also read as a whole file once, for the
 * header checks. An entry that loads is sealed and read back through every
 * accessor; encoded again, it must load, and encode to the same bytes
 * once more (the encoding of a loaded layer is canonical). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_buf.h"
#include "image/fsview.h"
#include "image/lcache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touched;

static int
touch(void *arg, const struct lb_file *f)
{
	(void)arg;
	for (size_t i = 0; f->data && i < f->size; i++)
		touched += f->data[i];
	touched += strlen(f->path) + (f->link ? strlen(f->link) : 0);
	return 0;
}

static int
touch_facts(void *arg, const struct lb_file *f, const struct lb_inventory *facts)
{
	(void)facts;
	return touch(arg, f);
}

static void load(const uint8_t key[LB_LCACHE_KEYLEN], const char *diff, const uint8_t *p,
    size_t n, int depth);

static void
load(const uint8_t key[LB_LCACHE_KEYLEN], const char *diff, const uint8_t *p, size_t n, int depth)
{
	struct lb_fsview *v = lb_fsview_new(2);
	struct lb_buf again = LB_BUF_INIT(0);
	char **warns;
	size_t nwarns;
	uint64_t kept;
	const char *why;

	if (lb_lcache_decode(key, diff, p, n, v, 1, &warns, &nwarns, &kept, &why) == 0) {
		if (lb_lcache_encode(key, diff, v, 1, warns, nwarns, &again) != 0)
			abort();
		if (depth == 0)
			load(key, diff, again.p, again.len, 1);
		else if (again.len != n || memcmp(again.p, p, n) != 0)
			abort();    /* a canonical entry encodes back to itself */
		lb_fsview_seal(v);
		lb_fsview_each(v, "", touch, NULL);
		lb_fsview_each_entry(v, touch, NULL);
		lb_fsview_each_facts(v, touch_facts, NULL);
		for (size_t i = 0; i < nwarns; i++)
			free(warns[i]);
		free(warns);
	}
	lb_buf_release(&again);
	lb_fsview_free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t key[LB_LCACHE_KEYLEN];
	struct lb_buf entry = LB_BUF_INIT(0);
	char diff[101] = "sha256:0";
	uint32_t n;

	lb_lcache_key(key);
	/* the diff ID the body names, so that the check passes */
	if (size >= 4) {
		n = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
		    (uint32_t)data[3] << 24;
		if (n <= 100 && n <= size - 4 && !memchr(data + 4, 0, n)) {
			memcpy(diff, data + 4, n);
			diff[n] = 0;
		}
	}
	load(key, diff, data, size, 0);
	if (lb_lcache_wrap(key, data, size, &entry) == 0)
		load(key, diff, entry.p, entry.len, 0);
	lb_buf_release(&entry);
	return 0;
}
