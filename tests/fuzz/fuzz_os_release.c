/* fuzz_os_release.c - OS detection (os-release, lsb-release and the
 * one-line release files), fed arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_ctx.h"
#include "image/fsview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
run(const char *const *paths, const uint8_t *data, size_t size)
{
	struct lb_fsview *v = lb_fsview_new(1);
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_ctx cx;

	lb_ctx_init(&cx, NULL);
	for (; *paths; paths++)
		lb_fsview_add(v, 0, *paths, LB_FT_REG, 0644, data, size, size, NULL, 0);
	lb_fsview_seal(v);
	lb_analyze_all(&cx, v, inv);
	lb_inventory_free(inv);
	lb_fsview_free(v);
	lb_ctx_release(&cx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const with_os_release[] = { "etc/os-release", "etc/alpine-release",
		"etc/debian_version", NULL };
	static const char *const older[] = { "etc/lsb-release", "etc/debian_version", NULL };
	static const char *const rpm[] = { "etc/redhat-release", "etc/alpine-release", NULL };

	run(with_os_release, data, size);
	run(older, data, size);
	run(rpm, data, size);
	return 0;
}
