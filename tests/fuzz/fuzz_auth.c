/* fuzz_auth.c - WWW-Authenticate challenges from untrusted registries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_err.h"
#include "registry/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_challenge c;
	int r = lb_auth_parse_challenge((const char *)data, size, &c);

	if (r != 0 && r != -LB_E_FORMAT && r != -LB_E_UNSUPPORTED)
		abort();
	if (r == 0) {
		if (c.bearer && (!c.realm || !*c.realm))
			abort();   /* a Bearer challenge always has a realm to ask */
		lb_challenge_release(&c);
	}
	return 0;
}
