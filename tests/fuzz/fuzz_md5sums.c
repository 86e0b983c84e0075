/* fuzz_md5sums.c - the package checksum parsers of the integrity check:
 * dpkg's info/PKG.md5sums and apk's installed database (Z:Q1 SHA-1), fed
 * arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "malware/integrity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_md5(void *arg, const uint8_t md5[16], const char *path, size_t plen)
{
	size_t *n = arg;

	/* the path is inside the input, never empty, never starts with '/' */
	if (plen == 0 || path[0] == '/' || md5 == NULL)
		__builtin_trap();
	*n += plen;
}

static void
on_apk(void *arg, const char *pkg, const uint8_t sha1[20], const char *path)
{
	size_t *n = arg;

	*n += strlen(pkg) + strlen(path) + sha1[0];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;

	lb_mw_md5sums_parse((const char *)data, size, on_md5, &n);
	lb_mw_apk_parse((const char *)data, size, on_apk, &n);
	return 0;
}
