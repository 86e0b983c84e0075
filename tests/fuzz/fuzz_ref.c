/* fuzz_ref.c - image references as users and registries write them. What
 * parses must print back to a reference that parses to the same parts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_err.h"
#include "registry/ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_ref r, again;
	const char *why = NULL;
	char *s;
	int rc = lb_ref_parse((const char *)data, size, &r, &why);

	if (rc != 0 && rc != -LB_E_FORMAT && rc != -LB_E_LIMIT && rc != -LB_E_UNSUPPORTED)
		abort();
	if (rc == 0) {
		if (!r.host || !r.repo || (!r.tag && !r.digest))
			abort();
		s = lb_ref_string(&r);
		if (lb_ref_parse(s, strlen(s), &again, &why) != 0 || strcmp(again.host, r.host) != 0 ||
		    strcmp(again.repo, r.repo) != 0) {
			fprintf(stderr, "'%s' does not parse back: %s\n", s, why ? why : "different parts");
			abort();
		}
		lb_ref_release(&again);
		free(s);
		lb_ref_release(&r);
	}
	if (lb_ref_parse_repo((const char *)data, size, &r, &why) == 0)
		lb_ref_release(&r);
	return 0;
}
