/* fuzz_deps_json.c - .NET *.deps.json files through the dotnet analyzer
 * (fuzz_scan.h). */
#include "fuzz_scan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_scan_file("dotnet", "app/App.deps.json", data, size);
}
