/* fuzz_ignore.c - the plain ignore-file parser (.lifebeltignore) on
 * untrusted bytes: it returns 0 or an error with a message naming a line,
 * never crashes, and every rule it keeps has a valid ID and date. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_err.h"
#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_policy *pol = lb_policy_new("2025-01-01");
	const struct lb_policy_rule *rules;
	char *err = NULL;
	size_t n;
	int r = lb_policy_parse_plain(pol, "fuzz", (const char *)data, size, &err);

	if (r != 0 && r != -LB_E_FORMAT && r != -LB_E_LIMIT)
		abort();
	if (r < 0 && (!err || !strstr(err, "line ")))
		abort();
	rules = lb_policy_rules(pol, &n);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!lb_policy_valid_id(rules[i].id, strlen(rules[i].id)))
			abort();
		if (rules[i].expires && !lb_policy_valid_date(rules[i].expires))
			abort();
		(void)lb_policy_rule_state(&rules[i]);
	}
	free(err);
	lb_policy_free(pol);
	return 0;
}
