/* fuzz_apk_installed.c - the apk installed-database parser and layer
 * attribution, fed arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_ctx.h"
#include "image/fsview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct lb_analyzer_ops *
analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_fsview *v = lb_fsview_new(2);
	struct lb_inventory *inv = lb_inventory_new();
	uint8_t *copy = lb_xmalloc(size + 1);
	struct lb_file f = { 0 };
	struct lb_ctx cx;

	lb_ctx_init(&cx, NULL);
	if (size)
		memcpy(copy, data, size);
	copy[size] = 0;
	f.path = "lib/apk/db/installed";
	f.data = copy;
	f.size = size;
	f.real_size = (uint64_t)size + 1;
	f.truncated = 1;
	analyzer("apk")->parse_db(&cx, &f, inv);
	free(copy);

	/* two layers: the first half, then the whole */
	lb_fsview_add(v, 0, "lib/apk/db/installed", LB_FT_REG, 0644, data, size / 2, size / 2, NULL, 0);
	lb_fsview_add(v, 1, "lib/apk/db/installed", LB_FT_REG, 0644, data, size, size, NULL, 0);
	lb_fsview_seal(v);
	lb_analyze_all(&cx, v, inv);
	lb_inventory_finish(inv);   /* purls of odd names */

	lb_inventory_free(inv);
	lb_fsview_free(v);
	lb_ctx_release(&cx);
	return 0;
}
