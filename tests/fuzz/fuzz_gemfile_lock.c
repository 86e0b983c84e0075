/* fuzz_gemfile_lock.c - Bundler lockfiles (Gemfile.lock) through the ruby
 * analyzer (fuzz_scan.h). */
#include "fuzz_scan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_scan_file("ruby", "srv/app/Gemfile.lock", data, size);
}
