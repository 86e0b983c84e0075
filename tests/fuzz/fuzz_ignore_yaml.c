/* fuzz_ignore_yaml.c - the YAML ignore-file parser (.lifebeltignore.yaml,
 * libyaml) on untrusted bytes: 0 or an error naming a line, no crash, and
 * kept rules have valid IDs, dates and purls. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/purl.h"
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
	int r;

	if (size > (1u << 20))
		return 0;
	r = lb_policy_parse_yaml(pol, "fuzz.yaml", (const char *)data, size, &err);
	if (r != 0 && r != -LB_E_FORMAT && r != -LB_E_LIMIT && r != -12 /* ENOMEM */)
		abort();
	if (r < 0 && (!err || !strstr(err, "line ")))
		abort();
	rules = lb_policy_rules(pol, &n);
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct lb_purl u;

		if (!lb_policy_valid_id(rules[i].id, strlen(rules[i].id)))
			abort();
		if (rules[i].expires && !lb_policy_valid_date(rules[i].expires))
			abort();
		if (rules[i].purl) {
			if (lb_purl_parse(rules[i].purl, strlen(rules[i].purl), &u) != 0)
				abort();
			lb_purl_release(&u);
		}
	}
	free(err);
	lb_policy_free(pol);
	return 0;
}
