/* fuzz_composer_lock.c - Composer lockfiles (composer.lock) through the
 * php analyzer (fuzz_scan.h). */
#include "fuzz_scan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_scan_file("php", "app/composer.lock", data, size);
}
