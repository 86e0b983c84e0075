/* fuzz_cargo_lock.c - Rust lockfiles (Cargo.lock), fed arbitrary bytes
 * to the cargo analyzer's scan_file, whole and as if cut at the stream's
 * cap, then purls built for what it found. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_ctx.h"
#include "io/istream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct lb_analyzer_ops *
analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	abort();
}

static void
run(const char *path, const uint8_t *data, size_t size, uint64_t real_size)
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
	if (analyzer("cargo")->scan_file(&cx, &f, is, inv) < 0)
		abort();
	lb_is_close(is);
	lb_inventory_finish(inv);
	lb_inventory_free(inv);
	lb_ctx_release(&cx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run("srv/app/Cargo.lock", data, size, size);
	run("srv/app/Cargo.lock", data, size, (uint64_t)size + 100);
	return 0;
}
