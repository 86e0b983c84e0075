/* fuzz_scan.h - the harness of the fuzz targets that feed one analyzer's
 * scan_file: arbitrary bytes as the file at path, whole and as if cut at
 * the stream's cap, then purls built for what it found. Included by one
 * fuzz_*.c each, so its functions are static. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_ctx.h"
#include "io/istream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The analyzer called name; aborts when there is none (a broken target). */
static const struct lb_analyzer_ops *
fuzz_analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	abort();
}

static void
fuzz_scan_once(const char *name, const char *path, const uint8_t *data, size_t size,
    uint64_t real_size)
{
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_istream *is = lb_is_mem(data, size);
	struct lb_file f = { 0 };
	struct lb_ctx cx;

	lb_ctx_init(&cx, NULL);
	f.path = path;
	f.real_size = real_size;
	f.mode = 0100644;
	f.type = LB_FT_REG;
	/* < 0 is an internal failure only: bad content must be a warning */
	if (fuzz_analyzer(name)->scan_file(&cx, &f, is, inv) < 0)
		abort();
	lb_is_close(is);
	lb_inventory_finish(inv);
	lb_inventory_free(inv);
	lb_ctx_release(&cx);
}

/* data as the whole file at path, then as the first size bytes of a longer one. */
static inline int
fuzz_scan_file(const char *name, const char *path, const uint8_t *data, size_t size)
{
	fuzz_scan_once(name, path, data, size, size);
	fuzz_scan_once(name, path, data, size, (uint64_t)size + 100);
	return 0;
}
