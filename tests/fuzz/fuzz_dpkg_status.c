/* fuzz_dpkg_status.c - the dpkg status parser, its info lists and layer
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

/* parse_db on one file, as lb_fsview would hand it: NUL-terminated. */
static void
parse_one(struct lb_ctx *cx, const char *path, const uint8_t *data, size_t size, int truncated)
{
	struct lb_inventory *inv = lb_inventory_new();
	uint8_t *copy = lb_xmalloc(size + 1);
	struct lb_file f = { 0 };

	if (size)
		memcpy(copy, data, size);
	copy[size] = 0;
	f.path = path;
	f.data = copy;
	f.size = size;
	f.real_size = truncated ? (uint64_t)size + 1 : size;
	f.truncated = truncated;
	analyzer("dpkg")->parse_db(cx, &f, inv);
	free(copy);
	lb_inventory_free(inv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_fsview *v = lb_fsview_new(2);
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_ctx cx;

	lb_ctx_init(&cx, NULL);
	parse_one(&cx, "var/lib/dpkg/status", data, size, 0);
	parse_one(&cx, "var/lib/dpkg/status.d/x", data, size, 0);
	parse_one(&cx, "var/lib/dpkg/status", data, size, 1);

	/* two layers: the first half, then the whole; the input doubles as
	 * the file list of packages "a" and "a:amd64" and as a status.d file */
	lb_fsview_add(v, 0, "var/lib/dpkg/status", LB_FT_REG, 0644, data, size / 2, size / 2, NULL, 0);
	lb_fsview_add(v, 1, "var/lib/dpkg/status", LB_FT_REG, 0644, data, size, size, NULL, 0);
	lb_fsview_add(v, 1, "var/lib/dpkg/info/a.list", LB_FT_REG, 0644, data, size, size, NULL, 0);
	lb_fsview_add(v, 1, "var/lib/dpkg/info/a:amd64.list", LB_FT_REG, 0644, data, size, size + 1,
	    NULL, 1);
	lb_fsview_add(v, 1, "var/lib/dpkg/status.d/b", LB_FT_REG, 0644, data, size, size, NULL, 0);
	lb_fsview_seal(v);
	lb_analyze_all(&cx, v, inv);
	lb_inventory_finish(inv);   /* purls of odd names */

	lb_inventory_free(inv);
	lb_fsview_free(v);
	lb_ctx_release(&cx);
	return 0;
}
