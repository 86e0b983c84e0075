/* fuzz_jar.c - the Java archive reader (libarchive's streamable zip,
 * pom.properties, MANIFEST.MF, nesting), fed arbitrary bytes as a .jar,
 * and the same bytes as pom.properties and MANIFEST.MF in a zip. */
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
scan(const char *path, const uint8_t *p, size_t n)
{
	struct lb_file f = { 0 };
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_istream *is = lb_is_mem(p, n);
	struct lb_ctx cx;

	lb_ctx_init(&cx, NULL);
	f.path = path;
	f.real_size = n;
	f.mode = 0100644;
	analyzer("java")->scan_file(&cx, &f, is, inv);
	lb_inventory_finish(inv);
	lb_is_close(is);
	lb_inventory_free(inv);
	lb_ctx_release(&cx);
}

static uint32_t
crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static void
le(uint8_t *p, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A zip of one stored member (local header only: the streaming reader
 * needs no central directory). Returns its length. */
static size_t
stored(uint8_t *out, const char *name, const uint8_t *data, size_t size)
{
	size_t nl = strlen(name);

	memcpy(out, "PK\003\004\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00", 14);
	le(out + 14, crc32(data, size), 4);
	le(out + 18, (uint32_t)size, 4);
	le(out + 22, (uint32_t)size, 4);
	le(out + 26, (uint32_t)nl, 2);
	le(out + 28, 0, 2);
	memcpy(out + 30, name, nl);
	memcpy(out + 30 + nl, data, size);
	memcpy(out + 30 + nl + size, "PK\005\006\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 22);
	return 30 + nl + size + 22;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *z;
	size_t n;

	if (size > (4u << 20))
		return 0;
	scan("app/lib/x-1.0.jar", data, size);
	z = lb_xmalloc(size + 256);
	n = stored(z, "META-INF/maven/g/a/pom.properties", data, size);
	scan("app/x.jar", z, n);
	n = stored(z, "META-INF/MANIFEST.MF", data, size);
	scan("app/x.jar", z, n);
	free(z);
	return 0;
}
