/* fuzz_vex.c - the VEX reader (OpenVEX, CycloneDX VEX) on untrusted JSON,
 * then applying what it read to a small inventory: 0 or an error naming a
 * line or JSON path, no crash, findings only ever move to suppressed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lb_inventory *
inventory(void)
{
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_pkg *p = lb_inventory_add_pkg(inv);
	struct lb_finding *f;

	inv->os.family = lb_xstrdup("alpine");
	inv->os.version = lb_xstrdup("3.7.3");
	p->type = lb_xstrdup("apk");
	p->name = lb_xstrdup("musl");
	p->version = lb_xstrdup("1.1.18-r3");
	p->db_path = lb_xstrdup("lib/apk/db/installed");
	lb_inventory_finish(inv);
	inv->vulns_scanned = true;
	f = lb_inventory_add_finding(inv);
	f->id = lb_xstrdup("CVE-2019-14697");
	f->aliases = lb_xstrdup("[\"GHSA-x\"]");
	f = lb_inventory_add_finding(inv);
	f->id = lb_xstrdup("CVE-2020-1");
	return inv;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_policy *pol = lb_policy_new("2025-01-01");
	struct lb_inventory *inv;
	char *err = NULL;
	int r = lb_policy_parse_vex(pol, "fuzz.json", (const char *)data, size, &err);

	if (r != 0 && r != -LB_E_FORMAT && r != -LB_E_LIMIT)
		abort();
	if (r < 0 && (!err || !(strstr(err, "line ") || strstr(err, " at $"))))
		abort();
	if (r == 0) {
		inv = inventory();
		lb_policy_apply(pol, inv);
		if (inv->nfindings + inv->nsuppressed != 2)
			abort();
		for (size_t i = 0; i < inv->nsuppressed; i++)
			if (!inv->suppressed[i].sup_kind || !inv->suppressed[i].sup_status)
				abort();
		lb_inventory_free(inv);
	}
	free(err);
	lb_policy_free(pol);
	return 0;
}
