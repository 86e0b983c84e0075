/* fuzz_hashlist.c - the IOC hash list parser (--hash-list), fed arbitrary
 * bytes; every hash it accepts must then be found by its own digest. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_ctx.h"
#include "image/fsview.h"
#include "malware/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_mw_hashlist *h = lb_mw_hashlist_new();
	uint8_t digest[LB_DIGEST_LEN];
	const char *alg;
	struct lb_ctx cx;

	lb_ctx_init(&cx, NULL);
	lb_mw_hashlist_parse(&cx, h, "fuzz", (const char *)data, size);
	lb_mw_hashlist_seal(h);
	/* lookups of digests made from the input itself */
	memset(digest, 0, sizeof(digest));
	memcpy(digest, data, size < sizeof(digest) ? size : sizeof(digest));
	digest[LB_DIGEST_HAVE] = LB_WANT_MD5 | LB_WANT_SHA1 | LB_WANT_SHA256;
	(void)lb_mw_hashlist_find(h, digest, &alg);
	lb_mw_hashlist_free(h);
	lb_ctx_release(&cx);
	return 0;
}
