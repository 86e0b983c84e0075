/* fuzz_gemspec.c - installed gem specifications
 * (specifications/NAME.gemspec) through the ruby analyzer (fuzz_scan.h). */
#include "fuzz_scan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_scan_file("ruby", "usr/local/bundle/specifications/x-1.0.gemspec", data, size);
}
