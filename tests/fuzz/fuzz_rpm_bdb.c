/* fuzz_rpm_bdb.c - the Berkeley DB hash reader (var/lib/rpm/Packages), streamed,
 * and every header it finds, fed arbitrary bytes; then the same bytes
 * through the analyzer, which picks the back end from the first bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "analyze/rpmdb.h"
#include "base/lb_ctx.h"
#include "io/istream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
on_blob(void *arg, const uint8_t *blob, size_t len)
{
	struct lb_rpm_header h;

	if (lb_rpm_header_parse(blob, len, &h) == 0)
		lb_rpm_header_to_pkg(&h, NULL, true, arg);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_istream *is = lb_is_mem(data, size);
	struct lb_rpm_diag d = { 0 };
	struct lb_file f = { 0 };
	struct lb_ctx cx;

	lb_rpm_bdb_read(is, NULL, on_blob, inv, &d);
	lb_is_close(is);

	lb_ctx_init(&cx, NULL);
	f.path = "var/lib/rpm/Packages";
	f.real_size = size;
	is = lb_is_mem(data, size);
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, "rpm") == 0)
			lb_analyzers[i]->scan_file(&cx, &f, is, inv);
	lb_is_close(is);
	lb_ctx_release(&cx);
	lb_inventory_free(inv);
	return 0;
}
