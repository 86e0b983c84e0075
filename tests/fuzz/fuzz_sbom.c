/* fuzz_sbom.c - the SBOM reader (CycloneDX, SPDX JSON) on untrusted JSON:
 * 0 with an inventory whose packages all have a type, name and version, or
 * an error naming a line or JSON path; no crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_ctx.h"
#include "base/lb_err.h"
#include "sbom/sbom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_inventory *inv = NULL;
	struct lb_ctx cx;
	char *err = NULL;
	int r;

	lb_ctx_init(&cx, NULL);
	r = lb_sbom_parse(&cx, "fuzz.json", (const char *)data, size, &inv, &err);
	if (r != 0 && r != -LB_E_FORMAT && r != -LB_E_LIMIT)
		abort();
	if (r < 0 && (inv || !err || !(strstr(err, "line ") || strstr(err, " at $"))))
		abort();
	if (r == 0) {
		if (!inv)
			abort();
		for (size_t i = 0; i < inv->npkgs; i++)
			if (!inv->pkgs[i].type || !inv->pkgs[i].name || !inv->pkgs[i].version)
				abort();
	}
	lb_inventory_free(inv);
	free(err);
	lb_ctx_release(&cx);
	return 0;
}
