/* rpm_ndb.c - rpm's NDB package database (Packages.db, SUSE >= 15), read
 * in one pass.
 *
 * Layout (rpm lib/backend/ndb/rpmpkg.c), all little-endian: 4096-byte
 * slot pages first, their number in the 32-byte file header {"RpmP",
 * version 0, generation, slot pages, next package index}; the header takes
 * the place of the first two 16-byte slots {"Slot", package index, block
 * offset, block count}, where a block is 16 bytes and offset 0 marks a
 * free slot. A blob is {"BlbS", package index, timestamp, length}, the
 * header blob, zero padding to its blocks, then {adler32 of everything
 * before it, length, "BlbE"}.
 * Slots are sorted by offset and the blobs read in file order; a slot
 * overlapping the one before it cannot be reached again and is a problem.
 */
#include "analyze/rpmdb.h"

#include <isa-l/igzip_lib.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "io/istream.h"
#include "base/lb_banned.h"

#define NDB_PAGE      4096u
#define NDB_BLK       16u
#define NDB_HEAD      16u
#define NDB_TAIL      12u
#define NDB_MAX_PAGES 4096u        /* slot pages: a million packages */

struct slot {
	uint32_t pkgidx, blkoff, blkcnt;
};

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int
slot_cmp(const void *x, const void *y)
{
	const struct slot *a = x, *b = y;

	return a->blkoff < b->blkoff ? -1 : a->blkoff > b->blkoff;
}

/* Reads exactly n bytes: 1, 0 at a short read, or < 0. */
static int
read_full(struct lb_istream *is, uint8_t *buf, size_t n)
{
	ssize_t k = lb_is_read(is, buf, n);

	if (k < 0)
		return (int)k;
	return (size_t)k == n ? 1 : 0;
}

/* Reads n bytes into b (emptied first), growing it as they come, so that
 * a slot claiming more than the file holds costs what the file holds. */
static int
read_grow(struct lb_istream *is, struct lb_buf *b, size_t n)
{
	uint8_t chunk[16u << 10];

	lb_buf_reset(b);
	while (b->len < n) {
		size_t want = n - b->len < sizeof(chunk) ? n - b->len : sizeof(chunk);
		int r = read_full(is, chunk, want);
		if (r <= 0)
			return r;
		if (lb_buf_add(b, chunk, want) < 0)
			return -LB_E_LIMIT;
	}
	return 1;
}

static int
skip(struct lb_istream *is, uint64_t n, uint8_t *buf, size_t cap)
{
	while (n) {
		size_t want = n < cap ? (size_t)n : cap;
		int r = read_full(is, buf, want);
		if (r <= 0)
			return r;
		n -= want;
	}
	return 1;
}

/* Checks one blob (blkcnt blocks at p) and passes its header on. */
static int
blob(const struct slot *s, const uint8_t *p, lb_rpm_blob_fn fn, void *arg, struct lb_rpm_diag *d)
{
	size_t total = (size_t)s->blkcnt * NDB_BLK;
	const uint8_t *tail = p + total - NDB_TAIL;
	uint32_t len = le32(p + 12);

	if (memcmp(p, "BlbS", 4) != 0 || le32(p + 4) != s->pkgidx) {
		lb_rpm_diag_add(d, "blob of package %u at block %u: bad head", s->pkgidx, s->blkoff);
		return 0;
	}
	if ((uint64_t)NDB_HEAD + len + NDB_TAIL > total ||
	    (NDB_HEAD + (uint64_t)len + NDB_TAIL + NDB_BLK - 1) / NDB_BLK != s->blkcnt) {
		lb_rpm_diag_add(d, "blob of package %u: length %u does not fit its %u blocks", s->pkgidx,
		    len, s->blkcnt);
		return 0;
	}
	if (memcmp(tail + 8, "BlbE", 4) != 0 || le32(tail + 4) != len) {
		lb_rpm_diag_add(d, "blob of package %u: bad tail", s->pkgidx);
		return 0;
	}
	if (isal_adler32(1, p, total - NDB_TAIL) != le32(tail)) {
		lb_rpm_diag_add(d, "blob of package %u: checksum mismatch", s->pkgidx);
		return 0;
	}
	return fn(arg, p + NDB_HEAD, len);
}

int
lb_rpm_ndb_read(struct lb_istream *is, lb_rpm_blob_fn fn, void *arg, struct lb_rpm_diag *d)
{
	struct slot *slots = NULL;
	size_t nslots = 0, capslots = 0;
	uint8_t *page = lb_xmalloc(NDB_PAGE);
	struct lb_buf buf = LB_BUF_INIT(LB_RPM_HEADER_MAX + NDB_HEAD + NDB_TAIL + NDB_BLK);
	uint32_t npages, minblk;
	uint64_t pos;
	int r;

	if ((r = read_full(is, page, NDB_PAGE)) <= 0 || memcmp(page, "RpmP", 4) != 0) {
		lb_rpm_diag_add(d, "not an NDB file: no 'RpmP' page");
		r = r < 0 ? r : -LB_E_FORMAT;
		goto out;
	}
	r = -LB_E_FORMAT;
	if (le32(page + 4) != 0) {
		lb_rpm_diag_add(d, "unsupported NDB version %u", le32(page + 4));
		goto out;
	}
	npages = le32(page + 12);
	if (npages == 0 || npages > NDB_MAX_PAGES) {
		lb_rpm_diag_add(d, "NDB file claims %u slot pages", npages);
		goto out;
	}
	minblk = npages * (NDB_PAGE / NDB_BLK);
	for (uint32_t pn = 0; pn < npages; pn++) {
		if (pn && (r = read_full(is, page, NDB_PAGE)) <= 0) {
			lb_rpm_diag_add(d, "file ends in slot page %u of %u", pn, npages);
			r = r < 0 ? r : 0;
			goto out;
		}
		/* the file header takes the first two slots */
		for (uint32_t o = pn ? 0 : 32; o < NDB_PAGE; o += 16) {
			const uint8_t *sp = page + o;
			struct slot s = { le32(sp + 4), le32(sp + 8), le32(sp + 12) };

			if (memcmp(sp, "Slot", 4) != 0) {
				lb_rpm_diag_add(d, "corrupt slot page %u", pn);
				break;
			}
			if (!s.blkoff)
				continue;   /* free */
			if (!s.pkgidx || s.blkoff < minblk || s.blkcnt < 2 ||
			    (uint64_t)s.blkcnt * NDB_BLK > LB_RPM_HEADER_MAX + NDB_HEAD + NDB_TAIL + NDB_BLK ||
			    ((uint64_t)s.blkoff + s.blkcnt) * NDB_BLK > LB_RPM_STREAM_MAX) {
				lb_rpm_diag_add(d, "bad slot for package %u (block %u, %u blocks)", s.pkgidx,
				    s.blkoff, s.blkcnt);
				continue;
			}
			lb_xgrow(&slots, &capslots, nslots + 1, sizeof(*slots));
			slots[nslots++] = s;
		}
	}
	if (nslots > 1)
		qsort(slots, nslots, sizeof(*slots), slot_cmp);

	pos = (uint64_t)npages * NDB_PAGE;
	r = 0;
	for (size_t i = 0; i < nslots && r >= 0; i++) {
		const struct slot *s = &slots[i];
		uint64_t at = (uint64_t)s->blkoff * NDB_BLK;
		size_t total = (size_t)s->blkcnt * NDB_BLK;

		if (at < pos) {
			lb_rpm_diag_add(d, "blob of package %u overlaps the one before it", s->pkgidx);
			continue;
		}
		if ((r = skip(is, at - pos, page, NDB_PAGE)) > 0)
			r = read_grow(is, &buf, total);
		if (r <= 0) {
			if (r == 0)
				lb_rpm_diag_add(d, "file ends before the blob of package %u (%zu of %zu read)",
				    s->pkgidx, i, nslots);
			break;
		}
		pos = at + total;
		r = blob(s, buf.p, fn, arg, d);
	}
	if (r > 0)
		r = 0;
out:
	lb_buf_release(&buf);
	free(slots);
	free(page);
	return r;
}
