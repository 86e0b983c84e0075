/* fuzz_go_buildinfo.c - the executable scanner's Go build info reader,
 * fed arbitrary bytes: as a whole file, and as the strings that follow a
 * Go 1.18+ header (and an old-style pointer header) in a small ELF. */
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
	lb_inventory_finish(inv);      /* purls of odd names */
	lb_is_close(is);
	lb_inventory_free(inv);
	lb_ctx_release(&cx);
}

/* An ELF64 file whose one PT_LOAD maps all of it at 0x400000, with a
 * build info header at 0x100: inline (flags 2) or pointers (flags 0)
 * whose string headers sit at 0x140. */
static uint8_t *
elf(const uint8_t *data, size_t size, int inline_fmt, size_t *len)
{
	size_t n = 0x200 + size;
	uint8_t *p = lb_xcalloc(1, n);

	memcpy(p, "\x7f" "ELF\x02\x01\x01", 7);
	p[32] = 64;
	p[54] = 56;
	p[56] = 1;
	p[64] = 1;
	p[64 + 18] = 0x40;               /* p_vaddr 0x400000 */
	for (int i = 0; i < 8; i++)
		p[64 + 32 + i] = (uint8_t)((uint64_t)n >> (8 * i));
	memcpy(p + 0x100, "\xff Go buildinf:", 14);
	p[0x10e] = 8;
	p[0x10f] = inline_fmt ? 2 : 0;
	if (inline_fmt) {
		memcpy(p + 0x120, data, size);
	} else {
		/* headers at 0x140/0x150 -> data at 0x200 split in two */
		p[0x110] = 0x40, p[0x111] = 0x01, p[0x112] = 0x40;
		p[0x118] = 0x50, p[0x119] = 0x01, p[0x11a] = 0x40;
		p[0x140] = 0x00, p[0x141] = 0x02, p[0x142] = 0x40;
		p[0x148] = (uint8_t)(size < 16 ? size : 16);
		p[0x150] = 0x00, p[0x151] = 0x02, p[0x152] = 0x40;
		p[0x158] = (uint8_t)size, p[0x159] = (uint8_t)(size >> 8), p[0x15a] = (uint8_t)(size >> 16);
		memcpy(p + 0x200, data, size);
	}
	*len = n;
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;
	uint8_t *p;

	if (size > (4u << 20))
		return 0;
	scan(data, size);
	p = elf(data, size, 1, &n);
	scan(p, n);
	free(p);
	p = elf(data, size, 0, &n);
	scan(p, n);
	free(p);
	return 0;
}
