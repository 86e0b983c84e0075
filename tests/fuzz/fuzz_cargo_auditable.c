/* fuzz_cargo_auditable.c - the executable scanner's cargo-auditable
 * reader: arbitrary bytes as the JSON inside a zlib stream in an ELF
 * file, and as a raw zlib stream there. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_ctx.h"
#include "io/istream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct lb_analyzer_ops *
analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	abort();
}

static void
scan(const uint8_t *p, size_t n)
{
	struct lb_file f = { 0 };
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_istream *is = lb_is_mem(p, n);
	struct lb_ctx cx;

	lb_ctx_init(&cx, NULL);
	f.path = "usr/bin/app";
	f.real_size = n;
	f.mode = 0100755;
	analyzer("binary")->scan_file(&cx, &f, is, inv);
	lb_inventory_finish(inv);
	lb_is_close(is);
	lb_inventory_free(inv);
	lb_ctx_release(&cx);
}

/* zlib with stored blocks around data (RFC 1950/1951) */
static size_t
zlib_stored(uint8_t *out, const uint8_t *data, size_t n)
{
	uint32_t a = 1, b = 0;
	size_t o = 0, i = 0;

	out[o++] = 0x78;
	out[o++] = 0x01;
	do {
		size_t k = n - i > 65535 ? 65535 : n - i;
		out[o++] = i + k == n ? 1 : 0;
		out[o++] = (uint8_t)k;
		out[o++] = (uint8_t)(k >> 8);
		out[o++] = (uint8_t)~k;
		out[o++] = (uint8_t)(~k >> 8);
		memcpy(out + o, data + i, k);
		o += k;
		i += k;
	} while (i < n);
	for (i = 0; i < n; i++) {
		a = (a + data[i]) % 65521;
		b = (b + a) % 65521;
	}
	out[o++] = (uint8_t)(b >> 8);
	out[o++] = (uint8_t)b;
	out[o++] = (uint8_t)(a >> 8);
	out[o++] = (uint8_t)a;
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0x1000 + size + size / 65535 * 5 + 64;
	uint8_t *p;

	if (size > (2u << 20))
		return 0;
	p = lb_xcalloc(1, n);
	memcpy(p, "\x7f" "ELF\x02\x01\x01", 7);
	/* a JSON document: wrapped so that the probe accepts it */
	zlib_stored(p + 0x1000, data, size);
	scan(p, n);
	/* raw bytes where a zlib stream would be */
	memset(p + 0x1000, 0, n - 0x1000);
	p[0x1000] = 0x78;
	p[0x1001] = 0x9c;
	memcpy(p + 0x1002, data, size);
	scan(p, n);
	free(p);
	return 0;
}
