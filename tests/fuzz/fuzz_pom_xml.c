/* fuzz_pom_xml.c - the declared-dependency readers of the Java analyzer:
 * arbitrary bytes as a pom.xml and as a gradle.lockfile. */
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
scan(const char *path, const uint8_t *p, size_t n)
{
	struct lb_file f = { 0 };
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_istream *is = lb_is_mem(p, n);
	struct lb_ctx cx;

	lb_ctx_init(&cx, NULL);
	f.path = path;
	f.real_size = n;
	f.mode = 0100644;
	analyzer("java")->scan_file(&cx, &f, is, inv);
	lb_inventory_finish(inv);
	lb_is_close(is);
	lb_inventory_free(inv);
	lb_ctx_release(&cx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	scan("src/app/pom.xml", data, size);
	scan("src/app/gradle.lockfile", data, size);
	return 0;
}
