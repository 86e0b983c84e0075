/* fuzz_vulndb_blob.c - the per-package advisory blobs of the
 * vulnerability database (src/vulndb/pkgblob.h), which come from a file on
 * disk: decoded with every length and count checked, then every decoded
 * string touched and every version handed to the ecosystem's comparator,
 * as the matcher does (the comparators must be safe on any bytes).
 *
 * Input: one byte choosing the comparator and whether the blob is split
 * into an exact part and a fallback part (at its middle), then the blob.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_err.h"
#include "version/vercmp.h"
#include "vulndb/pkgblob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;       /* keeps the reads alive */

static size_t
touch(struct lb_slice s)
{
	size_t n = 0;

	for (size_t i = 0; i < s.len; i++)
		n += (unsigned char)s.p[i];
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const labels[] = { "alpine-secdb", "osv:PyPI", "vendor:debian" };
	const struct lb_vercmp_ops *ops;
	struct lb_pb_part parts[2];
	struct lb_vpkg *pkg = NULL;
	uint8_t *copy;
	size_t n = 1, sum = 0;
	int r;

	if (size < 1)
		return 0;
	ops = lb_vercmp_at(data[0] % lb_vercmp_count());
	/* an exact-size copy, so that a read past the end is caught */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (!copy)
		abort();
	memcpy(copy, data + 1, size - 1);
	parts[0] = (struct lb_pb_part){ copy, size - 1, false };
	if (data[0] & 0x80) {
		parts[0].len = (size - 1) / 2;
		parts[1] = (struct lb_pb_part){ copy + parts[0].len, size - 1 - parts[0].len, true };
		n = 2;
	}
	r = lb_pb_decode(parts, n, labels, 3, 1000, &pkg);
	if (r < 0 && (r != -LB_E_FORMAT || pkg))
		abort();
	for (size_t k = 0; pkg && k < pkg->nrows; k++) {
		const struct lb_vrow *w = &pkg->rows[k];
		struct lb_slice prev = LB_SLICE_NULL;

		if (w->vuln < 1 || w->vuln > 1000 || w->nvalid > w->nversions)
			abort();
		sum += touch(w->fixed) + touch(w->record) + (w->source ? strlen(w->source) : 0) +
		    (w->vsev ? strlen(w->vsev) : 0) + (w->vsev_src ? strlen(w->vsev_src) : 0);
		for (size_t i = 0; i < w->nranges; i++)
			for (size_t e = 0; e < w->ranges[i].nev; e++) {
				struct lb_slice v = w->ranges[i].ev[e].v;
				if (w->ranges[i].ev[e].kind < LB_EV_INTRODUCED || w->ranges[i].ev[e].kind > LB_EV_LAST_AFFECTED)
					abort();
				sum += touch(v);
				if (prev.p)
					sum += (size_t)(ops->compare(prev, v) + 1);
				prev = v;
			}
		for (size_t i = 0; i < w->nversions; i++) {
			sum += touch(w->versions[i]);
			if (prev.p)
				sum += (size_t)(ops->compare(w->versions[i], prev) + 1);
			prev = w->versions[i];
		}
		if (w->fixed.p && prev.p)
			sum += (size_t)(ops->compare(w->fixed, prev) + 1);
	}
	lb_vpkg_free(pkg);
	free(copy);
	sink = sum;
	return 0;
}
