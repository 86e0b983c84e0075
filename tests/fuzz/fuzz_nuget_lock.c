/* fuzz_nuget_lock.c - NuGet lockfiles (packages.lock.json) through the
 * dotnet analyzer (fuzz_scan.h). */
#include "fuzz_scan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_scan_file("dotnet", "src/App/packages.lock.json", data, size);
}
