/* fuzz_purl.c - the purl parser on untrusted text (purls read back from
 * SBOMs). Each input line is one purl. Whatever parses must build to a
 * canonical string that parses again to the same canonical string. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/purl.h"
#include "base/lb_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_one(const char *s, size_t n)
{
	struct lb_purl u, v;
	char *b1 = NULL, *b2 = NULL;
	int r;

	r = lb_purl_parse(s, n, &u);
	if (r != 0 && r != -LB_E_FORMAT && r != -LB_E_LIMIT)
		abort();
	if (r < 0)
		goto out;
	if (!u.type || !u.name || !u.name[0])
		abort();
	for (size_t i = 1; i < u.nquals; i++)
		if (strcmp(u.quals[i - 1].key, u.quals[i].key) >= 0)
			abort();                 /* sorted and unique */
	(void)lb_purl_qualifier(&u, "arch");
	b1 = lb_purl_build(&u);
	if (!b1)
		goto out;                    /* e.g. longer than the build cap */
	if (lb_purl_parse(b1, strlen(b1), &v) != 0) {
		fprintf(stderr, "canonical purl does not parse: %s\n", b1);
		abort();
	}
	b2 = lb_purl_build(&v);
	if (!b2 || strcmp(b1, b2) != 0) {
		fprintf(stderr, "not a fixed point: %s -> %s\n", b1, b2 ? b2 : "(null)");
		abort();
	}
	lb_purl_release(&v);
out:
	free(b1);
	free(b2);
	lb_purl_release(&u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	/* the whole input once, then each line */
	check_one(p, size);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		check_one(p, n);
		p += n + 1;
	}
	return 0;
}
