/* fuzz_gzip.c - the gzip stream (ISA-L igzip, any number of members),
 * read through a limit in reads of odd sizes, with a peek first. */
#include <stddef.h>
#include <stdint.h>

#include "io/istream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[70000];
	struct lb_istream *is = lb_is_limit(lb_is_gzip(lb_is_mem(data, size)), 16u << 20);
	const uint8_t *p;
	size_t step = size ? 1 + (size_t)data[0] * 271 : 1;
	ssize_t n;

	(void)lb_is_peek(is, &p, 16);
	while ((n = lb_is_read(is, buf, step)) > 0)
		step = step * 7 % sizeof(buf) + 1;
	lb_is_close(is);
	return 0;
}
