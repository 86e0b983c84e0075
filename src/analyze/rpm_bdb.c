/* rpm_bdb.c - rpm's Berkeley DB hash database (var/lib/rpm/Packages),
 * read in one pass from a stream that cannot seek.
 *
 * Layout (Berkeley DB 5.3 dbinc/db_page.h): fixed-size pages; page 0 is
 * the hash meta page (magic 0x061561 at 12, page size at 20, encryption at
 * 24, last page number at 32), in the byte order of the machine that
 * wrote it. Every other page starts with a 26-byte header {lsn, pgno,
 * prev_pgno, next_pgno, entries, hf_offset, level, type} (32 bytes when
 * the file has page checksums). Hash pages (P_HASH, and P_HASH_UNSORTED
 * of old releases) hold key/data pairs through an index of 16-bit item
 * offsets after the header; an item is a type byte then its bytes, and
 * its length is the distance to the previous item (LEN_HITEM). rpm's keys
 * are 4-byte header numbers (0 is a counter, not a package) and its data
 * the header blobs: on the page (H_KEYDATA) when small, else an H_OFFPAGE
 * reference {type, pad[3], pgno, tlen} to a chain of P_OVERFLOW pages,
 * each holding hf_offset bytes after its header and linked by
 * prev_pgno/next_pgno.
 *
 * Pages come in file order. A chain is started by its head page (prev 0)
 * and grows while its next page is the one that comes; a page that comes
 * before the chain reaches it waits in a page store (memory up to
 * LB_RPM_BDB_MEM_MAX, then a file in the scratch folder) and is taken
 * when its predecessor arrives. Each page is taken at most once, so a
 * loop of overflow pages ends as a broken chain. Hash items only
 * cross-check the chains: a reference to a chain that never completes is
 * a problem. Freed pages are P_INVALID (db_meta.c __db_free) and pages a
 * hash table reserved but never used are zeros: both are skipped.
 */
#include "analyze/rpmdb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_fd.h"
#include "io/istream.h"
#include "base/lb_banned.h"

#define HASHMAGIC     0x061561u
#define SIZEOF_PAGE   26
#define PG_CHKSUM_LEN 6            /* PG_CHKSUM {unused[2], chksum[4]} */
#define DBMETA_CHKSUM 0x01
#define META_READ     512

enum { P_INVALID = 0, P_HASH_UNSORTED = 2, P_OVERFLOW = 7, P_HASHMETA = 8, P_HASH = 13 };
enum { H_KEYDATA = 1, H_DUPLICATE = 2, H_OFFPAGE = 3, H_OFFDUP = 4 };

/* An overflow page waiting for its predecessor. */
struct stored {
	uint32_t prev, next, len;
	uint8_t *mem;          /* NULL: at off in the spill file, or taken */
	uint64_t off;
	bool taken;
};

/* A chain being joined: its bytes so far and the page it waits for. */
struct chain {
	uint32_t head, last, next;
	struct lb_buf data;
};

struct bdb {
	bool swap;
	uint32_t pagesize, overhead, npages, cur;
	const char *scratch;
	lb_rpm_blob_fn fn;
	void *arg;
	struct lb_rpm_diag *d;
	int stop;                  /* fn's negative return */

	/* the page store */
	uint32_t *slot;            /* by page number: index into st + 1, or 0 */
	size_t capslot;
	struct stored *st;
	size_t nst, capst;
	size_t mem;                /* bytes of stored pages and open chains in memory */
	int spill;                 /* the spill file, or -1 */
	uint64_t spilled;

	/* chains waiting for a later page, as a min-heap on next */
	struct chain **heap;
	size_t nheap, capheap;

	/* cross-check: heads that H_OFFPAGE items name, heads that completed */
	uint32_t *refs, *done;
	size_t nrefs, caprefs, ndone, capdone;
	size_t nblobs;
};

static uint32_t
get32(const struct bdb *b, const uint8_t *p)
{
	if (b->swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t
get16(const struct bdb *b, const uint8_t *p)
{
	return b->swap ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static void
emit(struct bdb *b, const uint8_t *blob, size_t len)
{
	int r;

	b->nblobs++;
	if (!b->stop && (r = b->fn(b->arg, blob, len)) < 0)
		b->stop = r;
}

/* --- the page store ----------------------------------------------------- */

static int
spill_open(struct bdb *b)
{
	int fd;

	if (b->spill >= 0)
		return 0;
	if (!b->scratch)
		return -LB_E_LIMIT;
	if ((fd = lb_scratch_fd(b->scratch, "rpmdb-bdb")) < 0)
		return fd;
	b->spill = fd;        /* gone when closed */
	return 0;
}

static void
store_put(struct bdb *b, uint32_t pgno, uint32_t prev, uint32_t next, const uint8_t *p, uint32_t len)
{
	struct stored *s;

	lb_xgrow(&b->st, &b->capst, b->nst + 1, sizeof(*b->st));
	s = &b->st[b->nst];
	memset(s, 0, sizeof(*s));
	s->prev = prev;
	s->next = next;
	s->len = len;
	if (b->mem + len <= LB_RPM_BDB_MEM_MAX) {
		s->mem = lb_xmalloc(len ? len : 1);
		memcpy(s->mem, p, len);
		b->mem += len;
	} else if (spill_open(b) == 0 && pwrite(b->spill, p, len, (off_t)b->spilled) == (ssize_t)len) {
		s->off = b->spilled;
		b->spilled += len;
	} else {
		lb_rpm_diag_add(b->d, "overflow page %u dropped: too many pages out of order", pgno);
		return;
	}
	b->slot[pgno] = (uint32_t)++b->nst;
}

/* Appends stored page pgno to c when it is c's successor; false when it
 * is absent, taken, or names another predecessor. */
static bool
store_take(struct bdb *b, uint32_t pgno, struct chain *c)
{
	struct stored *s;
	uint32_t i;
	bool ok = true;

	if (pgno >= b->capslot || !(i = b->slot[pgno]))
		return false;
	s = &b->st[i - 1];
	if (s->taken || s->prev != c->last)
		return false;
	s->taken = true;
	if (s->mem) {
		ok = lb_buf_add(&c->data, s->mem, s->len) == 0;
		b->mem -= s->len;
		free(s->mem);
		s->mem = NULL;
	} else if (c->data.len + s->len <= c->data.max) {
		uint8_t *tmp = lb_xmalloc(s->len ? s->len : 1);
		ok = pread(b->spill, tmp, s->len, (off_t)s->off) == (ssize_t)s->len &&
		    lb_buf_add(&c->data, tmp, s->len) == 0;
		free(tmp);
	} else {
		ok = false;
	}
	if (!ok)
		return false;
	b->mem += s->len;
	c->last = pgno;
	c->next = s->next;
	return true;
}

/* --- chains --------------------------------------------------------------- */

static void
chain_free(struct bdb *b, struct chain *c)
{
	if (!c)
		return;
	b->mem -= c->data.len;
	lb_buf_release(&c->data);
	free(c);
}

static void
heap_push(struct bdb *b, struct chain *c)
{
	size_t i;

	lb_xgrow(&b->heap, &b->capheap, b->nheap + 1, sizeof(*b->heap));
	i = b->nheap++;
	while (i > 0 && b->heap[(i - 1) / 2]->next > c->next) {
		b->heap[i] = b->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	b->heap[i] = c;
}

static struct chain *
heap_pop(struct bdb *b)
{
	struct chain *top = b->heap[0], *last = b->heap[--b->nheap];
	size_t i = 0;

	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= b->nheap)
			break;
		if (k + 1 < b->nheap && b->heap[k + 1]->next < b->heap[k]->next)
			k++;
		if (b->heap[k]->next >= last->next)
			break;
		b->heap[i] = b->heap[k];
		i = k;
	}
	if (b->nheap)
		b->heap[i] = last;
	return top;
}

/* Moves c on through stored pages until it completes, breaks or waits for
 * a page still to come. Takes c. */
static void
chain_advance(struct bdb *b, struct chain *c)
{
	while (c->next != 0) {
		if (c->next > b->cur) {
			heap_push(b, c);
			return;
		}
		if (!store_take(b, c->next, c)) {
			lb_rpm_diag_add(b->d, "overflow chain at page %u is broken at page %u",
			    c->head, c->next);
			chain_free(b, c);
			return;
		}
	}
	lb_xgrow(&b->done, &b->capdone, b->ndone + 1, sizeof(*b->done));
	b->done[b->ndone++] = c->head;
	emit(b, c->data.p, c->data.len);
	chain_free(b, c);
}

static void
chain_add(struct bdb *b, struct chain *c, const uint8_t *p, uint32_t len)
{
	if (lb_buf_add(&c->data, p, len) < 0) {
		lb_rpm_diag_add(b->d, "overflow chain at page %u is longer than %u bytes", c->head,
		    LB_RPM_HEADER_MAX);
		chain_free(b, c);
		return;
	}
	b->mem += len;
	if (b->mem > 2 * (size_t)LB_RPM_BDB_MEM_MAX) {
		lb_rpm_diag_add(b->d, "overflow chain at page %u dropped: too many chains at once",
		    c->head);
		chain_free(b, c);
		return;
	}
	chain_advance(b, c);
}

/* Chains that waited for a page that went by without continuing them
 * (skipped as corrupt, or not an overflow page) are broken. */
static void
expire(struct bdb *b)
{
	while (b->nheap && b->heap[0]->next < b->cur) {
		struct chain *c = heap_pop(b);
		lb_rpm_diag_add(b->d, "overflow chain at page %u is broken at page %u", c->head, c->next);
		chain_free(b, c);
	}
}

static void
overflow_page(struct bdb *b, const uint8_t *pg)
{
	uint32_t prev = get32(b, pg + 12), next = get32(b, pg + 16);
	uint32_t len = get16(b, pg + 22);

	if (len > b->pagesize - b->overhead || next >= b->npages || prev >= b->npages ||
	    next == b->cur || prev == b->cur) {
		lb_rpm_diag_add(b->d, "corrupt overflow page %u", b->cur);
		return;
	}
	/* chains waiting for this page */
	while (b->nheap && b->heap[0]->next == b->cur) {
		struct chain *c = heap_pop(b);
		if (c->last == prev) {
			c->last = b->cur;
			c->next = next;
			chain_add(b, c, pg + b->overhead, len);
			/* a second chain waiting for it is broken: the loop goes on */
			prev = UINT32_MAX;
			continue;
		}
		lb_rpm_diag_add(b->d, "overflow chain at page %u is broken at page %u", c->head, b->cur);
		chain_free(b, c);
	}
	if (prev == UINT32_MAX)
		return;
	if (prev == 0) {
		struct chain *c = lb_xcalloc(1, sizeof(*c));
		c->head = c->last = b->cur;
		c->next = next;
		c->data = LB_BUF_INIT(LB_RPM_HEADER_MAX);
		chain_add(b, c, pg + b->overhead, len);
		return;
	}
	store_put(b, b->cur, prev, next, pg + b->overhead, len);
}

/* --- hash pages ----------------------------------------------------------- */

static void
hash_page(struct bdb *b, const uint8_t *pg)
{
	uint32_t n = get16(b, pg + 20), lo = b->overhead + 2 * n;
	uint32_t end = b->pagesize;

	if (lo > b->pagesize) {
		lb_rpm_diag_add(b->d, "corrupt hash page %u: %u items", b->cur, n);
		return;
	}
	if (n % 2)
		lb_rpm_diag_add(b->d, "hash page %u has an item without its pair", b->cur);
	for (uint32_t i = 0; i + 1 < n; i += 2) {
		uint32_t ks = get16(b, pg + b->overhead + 2 * i);
		uint32_t ds = get16(b, pg + b->overhead + 2 * (i + 1));
		uint32_t klen, dlen, key;
		const uint8_t *kp = pg + ks, *dp = pg + ds;

		/* items sit from the end of the page down (LEN_HITEM) */
		if (ks < lo || ks >= end || ds < lo || ds >= ks) {
			lb_rpm_diag_add(b->d, "corrupt hash page %u: item %u out of place", b->cur, i);
			return;
		}
		klen = end - ks;
		dlen = ks - ds;
		end = ds;
		if (kp[0] != H_KEYDATA || klen != 5)
			continue;   /* not one of rpm's header numbers */
		key = get32(b, kp + 1);
		if (key == 0)
			continue;   /* the header-number counter */
		switch (dp[0]) {
		case H_KEYDATA:
			emit(b, dp + 1, dlen - 1);
			break;
		case H_OFFPAGE:
			if (dlen < 12) {
				lb_rpm_diag_add(b->d, "corrupt hash page %u: short item %u", b->cur, i + 1);
				break;
			}
			lb_xgrow(&b->refs, &b->caprefs, b->nrefs + 1, sizeof(*b->refs));
			b->refs[b->nrefs++] = get32(b, dp + 4);
			break;
		default:
			lb_rpm_diag_add(b->d, "hash page %u: duplicate items are not rpm's", b->cur);
			break;
		}
	}
}

static int
u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, c = *(const uint32_t *)y;

	return a < c ? -1 : a > c;
}

/* References to chains that never completed. */
static void
cross_check(struct bdb *b)
{
	size_t j = 0, missing = 0;
	uint32_t first = 0;

	if (b->nrefs > 1)
		qsort(b->refs, b->nrefs, sizeof(*b->refs), u32_cmp);
	if (b->ndone > 1)
		qsort(b->done, b->ndone, sizeof(*b->done), u32_cmp);
	for (size_t i = 0; i < b->nrefs; i++) {
		while (j < b->ndone && b->done[j] < b->refs[i])
			j++;
		if (j < b->ndone && b->done[j] == b->refs[i])
			continue;
		if (!missing++)
			first = b->refs[i];
	}
	if (missing)
		lb_rpm_diag_add(b->d, "%zu packages in overflow pages cannot be read (the first at page %u)",
		    missing, first);
}

static int
read_page(struct lb_istream *is, uint8_t *buf, size_t n)
{
	ssize_t k = lb_is_read(is, buf, n);

	if (k < 0)
		return (int)k;
	return (size_t)k == n ? 1 : 0;
}

int
lb_rpm_bdb_read(struct lb_istream *is, const char *scratch, lb_rpm_blob_fn fn, void *arg,
    struct lb_rpm_diag *d)
{
	struct bdb b = { .scratch = scratch, .fn = fn, .arg = arg, .d = d, .spill = -1 };
	uint8_t *pg = NULL;
	uint32_t last, version;
	int r;

	pg = lb_xmalloc(65536);
	if ((r = read_page(is, pg, META_READ)) <= 0) {
		lb_rpm_diag_add(d, "not a Berkeley DB file: shorter than its meta page");
		r = r < 0 ? r : -LB_E_FORMAT;
		goto out;
	}
	r = -LB_E_FORMAT;
	if (get32(&b, pg + 12) != HASHMAGIC) {
		b.swap = true;
		if (get32(&b, pg + 12) != HASHMAGIC) {
			lb_rpm_diag_add(d, "not a Berkeley DB hash file");
			goto out;
		}
	}
	version = get32(&b, pg + 16);
	b.pagesize = get32(&b, pg + 20);
	last = get32(&b, pg + 32);
	if (pg[25] != P_HASHMETA || version < 7 || version > 10) {
		lb_rpm_diag_add(d, "unsupported Berkeley DB hash meta page (type %u, version %u)", pg[25],
		    version);
		goto out;
	}
	if (b.pagesize < 512 || b.pagesize > 65536 || (b.pagesize & (b.pagesize - 1))) {
		lb_rpm_diag_add(d, "bad Berkeley DB page size %u", b.pagesize);
		goto out;
	}
	if (pg[24] != 0) {
		lb_rpm_diag_add(d, "encrypted Berkeley DB files are not supported");
		goto out;
	}
	b.overhead = SIZEOF_PAGE + ((pg[26] & DBMETA_CHKSUM) ? PG_CHKSUM_LEN : 0);
	if ((uint64_t)last + 1 > LB_RPM_STREAM_MAX / b.pagesize) {
		lb_rpm_diag_add(d, "Berkeley DB file claims %u pages", last);
		last = LB_RPM_STREAM_MAX / b.pagesize - 1;
	}
	b.npages = last + 1;
	if ((r = read_page(is, pg + META_READ, b.pagesize - META_READ)) < 0)
		goto out;

	for (b.cur = 1; b.cur < b.npages && !b.stop; b.cur++) {
		uint8_t type;

		if ((r = read_page(is, pg, b.pagesize)) < 0)
			goto out;
		if (r == 0) {
			lb_rpm_diag_add(d, "file ends at page %u of %u", b.cur, b.npages);
			break;
		}
		expire(&b);
		if (b.cur >= b.capslot) {
			size_t old = b.capslot;
			lb_xgrow(&b.slot, &b.capslot, b.cur + 1, sizeof(*b.slot));
			memset(b.slot + old, 0, (b.capslot - old) * sizeof(*b.slot));
		}
		type = pg[25];
		if (type == P_INVALID)
			continue;
		if (get32(&b, pg + 8) != b.cur) {
			lb_rpm_diag_add(d, "corrupt page %u: it says it is page %u", b.cur, get32(&b, pg + 8));
			continue;
		}
		if (type == P_HASH || type == P_HASH_UNSORTED)
			hash_page(&b, pg);
		else if (type == P_OVERFLOW)
			overflow_page(&b, pg);
	}
	/* chains still waiting: their pages are past the end */
	while (b.nheap) {
		struct chain *c = heap_pop(&b);
		lb_rpm_diag_add(d, "overflow chain at page %u is cut at page %u", c->head, c->next);
		chain_free(&b, c);
	}
	if (!b.stop)
		cross_check(&b);
	r = b.stop;
out:
	while (b.nheap)
		chain_free(&b, heap_pop(&b));
	for (size_t i = 0; i < b.nst; i++)
		free(b.st[i].mem);
	free(b.st);
	free(b.slot);
	free(b.heap);
	free(b.refs);
	free(b.done);
	if (b.spill >= 0)
		close(b.spill);
	free(pg);
	return r;
}
