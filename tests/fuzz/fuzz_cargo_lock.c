/* fuzz_cargo_lock.c - Rust lockfiles (Cargo.lock) through the cargo
 * analyzer (fuzz_scan.h). */
#include "fuzz_scan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_scan_file("cargo", "srv/app/Cargo.lock", data, size);
}
