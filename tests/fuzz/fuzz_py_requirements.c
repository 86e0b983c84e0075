/* fuzz_py_requirements.c - pip requirements files, fed arbitrary bytes through the
 * python analyzer's scan_file as the file 'app/requirements.txt'. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_ctx.h"
#include "image/fsview.h"
#include "io/istream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct lb_analyzer_ops *a = NULL;
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_file f = { 0 };
	struct lb_istream *is;
	struct lb_ctx cx;

	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, "python") == 0)
			a = lb_analyzers[i];
	if (!a)
		abort();
	lb_ctx_init(&cx, NULL);
	f.path = "app/requirements.txt";
	f.real_size = size;
	f.mode = 0100644;
	f.type = LB_FT_REG;
	is = lb_is_mem(data, size);
	if (a->scan_file(&cx, &f, is, inv) < 0)
		abort();       /* bad input is a warning, never an internal failure */
	lb_is_close(is);
	if (cx.nwarn > 1)
		abort();       /* at most one warning per file */
	lb_inventory_finish(inv);   /* purls of odd names */
	lb_inventory_free(inv);
	lb_ctx_release(&cx);
	return 0;
}
