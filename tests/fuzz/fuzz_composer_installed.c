/* fuzz_composer_installed.c - vendor/composer/installed.json (Composer 1
 * and 2) through the php analyzer (fuzz_scan.h). */
#include "fuzz_scan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_scan_file("php", "app/vendor/composer/installed.json", data, size);
}
