/* fuzz_dockercfg.c - ~/.docker/config.json and credential helper answers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_err.h"
#include "registry/auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *hosts[] = { "docker.io", "reg:5000", "127.0.0.1:5000", "r" };
	struct lb_cred c;
	char *helper;
	int r;

	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		r = lb_dockercfg_lookup((const char *)data, size, hosts[i], &helper, &c);
		if (r < 0 && r != -LB_E_FORMAT)
			abort();
		if (r == 1 && !helper && (!c.user || !c.secret))
			abort();
		free(helper);
		lb_cred_release(&c);
	}
	r = lb_credhelper_parse((const char *)data, size, &c);
	if (r != 1 && r != -LB_E_FORMAT)
		abort();
	lb_cred_release(&c);
	return 0;
}
