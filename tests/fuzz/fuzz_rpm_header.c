/* fuzz_rpm_header.c - rpm header blobs: decoding with bounds, the file
 * list, and the package record with its purl, fed arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "analyze/inventory.h"
#include "analyze/rpmdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
on_file(void *arg, struct lb_slice path, struct lb_slice digest)
{
	size_t *n = arg;

	*n += path.len + digest.len;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_rpm_header h;
	size_t n = 0;

	if (lb_rpm_header_parse(data, size, &h) == 0) {
		lb_rpm_header_files(&h, on_file, &n);
		(void)lb_rpm_digest_name(h.digest_algo);
		lb_rpm_header_to_pkg(&h, "var/lib/rpm/rpmdb.sqlite", true, inv);
		lb_inventory_finish(inv);
	}
	lb_inventory_free(inv);
	return 0;
}
