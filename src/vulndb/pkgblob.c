/* pkgblob.c - writing and reading the per-package advisory blobs
 * (pkgblob.h). The reader trusts nothing: every length and count is
 * checked against the bytes left, so a corrupt database gives an error,
 * never a read out of bounds. */
#include "vulndb/pkgblob.h"

#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "vulndb/feed.h"
#include "base/lb_banned.h"

/* --- writing ----------------------------------------------------------- */

void
lb_pb_put_uint(struct lb_buf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;

	do {
		t[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			t[n] |= 0x80;
		n++;
	} while (v);
	lb_buf_add(b, t, n);
}

void
lb_pb_put_u8(struct lb_buf *b, uint8_t v)
{
	lb_buf_add(b, &v, 1);
}

void
lb_pb_put_str(struct lb_buf *b, const char *s, size_t n)
{
	lb_pb_put_uint(b, n);
	lb_buf_add(b, s, n);
}

/* --- reading ----------------------------------------------------------- */

struct rd {
	const uint8_t *p, *end;
};

static int
get_uint(struct rd *r, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t c;
		if (r->p >= r->end)
			return -LB_E_FORMAT;
		c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			if (v > max)
				return -LB_E_FORMAT;
			*out = v;
			return 0;
		}
	}
	return -LB_E_FORMAT;
}

static int
get_u8(struct rd *r, uint8_t *out)
{
	if (r->p >= r->end)
		return -LB_E_FORMAT;
	*out = *r->p++;
	return 0;
}

static int
get_str(struct rd *r, struct lb_slice *out)
{
	uint64_t n;

	if (get_uint(r, (uint64_t)(r->end - r->p), &n) < 0)
		return -LB_E_FORMAT;
	*out = lb_slice_make(r->p, (size_t)n);
	r->p += n;
	return 0;
}

/* a count of items of at least one byte each */
static int
get_count(struct rd *r, size_t *out)
{
	uint64_t n;

	if (get_uint(r, (uint64_t)(r->end - r->p), &n) < 0)
		return -LB_E_FORMAT;
	*out = (size_t)n;
	return 0;
}

static const char *
label(const char *const *labels, size_t nlabels, uint64_t id)
{
	return id >= 1 && id <= nlabels ? labels[id - 1] : NULL;
}

struct sizes {
	size_t rows, ranges, events, versions;
};

/* storage of a decoded package, in one allocation */
struct mem {
	uint8_t *blob;
	struct lb_vrange *ranges;
	struct lb_vevent *events;
	struct lb_slice *versions;
};

struct fill {
	const char *const *labels;
	size_t nlabels;
	uint32_t maxvuln;
	struct lb_vpkg *pkg;       /* NULL: count only, into n */
	struct mem *m;
	struct sizes n;
	size_t nskip;              /* rows [0, nskip) of pkg: vulns that fallback rows skip */
};

static bool
skipped(const struct fill *f, uint32_t vuln)
{
	size_t lo = 0, hi = f->nskip;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->pkg->rows[mid].vuln < vuln)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nskip && f->pkg->rows[lo].vuln == vuln;
}

static int
decode(struct fill *f, const uint8_t *p, size_t len, bool fallback)
{
	struct rd r = { p, p + len };
	uint64_t vuln = 0;
	size_t nrows;

	if (get_count(&r, &nrows) < 0)
		return -LB_E_FORMAT;
	for (size_t i = 0; i < nrows; i++) {
		struct lb_vrow row = { .fallback = fallback };
		uint64_t dv, src, vsrc;
		uint8_t flags, sev;
		size_t r0 = f->n.ranges, v0 = f->n.versions;

		if (get_uint(&r, f->maxvuln, &dv) < 0 || get_u8(&r, &flags) < 0 ||
		    get_uint(&r, UINT32_MAX, &src) < 0)
			return -LB_E_FORMAT;
		vuln += dv;
		if (vuln < 1 || vuln > f->maxvuln)
			return -LB_E_FORMAT;
		row.vuln = (uint32_t)vuln;
		row.status = (enum lb_vstatus)(flags & LB_PB_STATUS);
		row.source = label(f->labels, f->nlabels, src);
		if (flags & LB_PB_VSEV) {
			if (get_u8(&r, &sev) < 0 || get_uint(&r, UINT32_MAX, &vsrc) < 0)
				return -LB_E_FORMAT;
			if (sev > LB_FEED_SEV_NONE && sev <= LB_FEED_SEV_CRITICAL) {
				row.vsev = lb_feed_sev_name((enum lb_feed_sev)sev);
				row.vsev_src = label(f->labels, f->nlabels, vsrc);
			}
		}
		if ((flags & LB_PB_RECORD) && get_str(&r, &row.record) < 0)
			return -LB_E_FORMAT;
		if ((flags & LB_PB_FIXED) && get_str(&r, &row.fixed) < 0)
			return -LB_E_FORMAT;
		if (flags & LB_PB_RANGES) {
			if (get_count(&r, &row.nranges) < 0)
				return -LB_E_FORMAT;
			for (size_t k = 0; k < row.nranges; k++) {
				uint8_t type, kind;
				size_t nev;
				if (get_u8(&r, &type) < 0 || type > 1 || get_count(&r, &nev) < 0)
					return -LB_E_FORMAT;
				if (f->pkg)
					f->m->ranges[f->n.ranges] = (struct lb_vrange){ f->m->events + f->n.events, nev, type };
				f->n.ranges++;
				for (size_t e = 0; e < nev; e++) {
					struct lb_slice v;
					if (get_u8(&r, &kind) < 0 || kind < LB_EV_INTRODUCED || kind > LB_EV_LAST_AFFECTED ||
					    get_str(&r, &v) < 0)
						return -LB_E_FORMAT;
					if (f->pkg)
						f->m->events[f->n.events] = (struct lb_vevent){ kind, v };
					f->n.events++;
				}
			}
		}
		if (flags & LB_PB_VERSIONS) {
			size_t ninvalid;
			if (get_count(&r, &row.nvalid) < 0 || get_count(&r, &ninvalid) < 0 ||
			    row.nvalid + ninvalid > (size_t)(r.end - r.p))
				return -LB_E_FORMAT;
			row.nversions = row.nvalid + ninvalid;
			for (size_t k = 0; k < row.nversions; k++) {
				struct lb_slice v;
				if (get_str(&r, &v) < 0)
					return -LB_E_FORMAT;
				if (f->pkg)
					f->m->versions[f->n.versions] = v;
				f->n.versions++;
			}
		}
		if (!f->pkg) {
			f->n.rows++;
			continue;
		}
		if (fallback && skipped(f, row.vuln)) {
			f->n.ranges = r0;      /* reuse the room */
			f->n.versions = v0;
			continue;
		}
		row.ranges = row.nranges ? f->m->ranges + r0 : NULL;
		row.versions = row.nversions ? f->m->versions + v0 : NULL;
		f->pkg->rows[f->pkg->nrows++] = row;
	}
	return r.p == r.end ? 0 : -LB_E_FORMAT;
}

int
lb_pb_decode(const struct lb_pb_part *parts, size_t n, const char *const *labels, size_t nlabels,
    uint32_t maxvuln, struct lb_vpkg **out)
{
	struct fill f = { .labels = labels, .nlabels = nlabels, .maxvuln = maxvuln };
	struct lb_vpkg *pkg = NULL;
	struct mem *m;
	size_t total = 0, off;
	int r;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		total += parts[i].len;
		if ((r = decode(&f, parts[i].p, parts[i].len, parts[i].fallback)) < 0)
			return r;
	}
	pkg = lb_xcalloc(1, sizeof(*pkg));
	m = lb_xcalloc(1, sizeof(*m));
	pkg->mem_ = m;
	pkg->rows = lb_xmalloc((f.n.rows ? f.n.rows : 1) * sizeof(*pkg->rows));
	m->ranges = lb_xmalloc((f.n.ranges ? f.n.ranges : 1) * sizeof(*m->ranges));
	m->events = lb_xmalloc((f.n.events ? f.n.events : 1) * sizeof(*m->events));
	m->versions = lb_xmalloc((f.n.versions ? f.n.versions : 1) * sizeof(*m->versions));
	m->blob = lb_xmalloc(total ? total : 1);
	f.pkg = pkg;
	f.m = m;
	memset(&f.n, 0, sizeof(f.n));
	off = 0;
	for (size_t i = 0; i < n; i++) {
		if (parts[i].len)
			memcpy(m->blob + off, parts[i].p, parts[i].len);
		/* the rows before a fallback part are the ones it skips (in vuln order) */
		f.nskip = pkg->nrows;
		if ((r = decode(&f, m->blob + off, parts[i].len, parts[i].fallback)) < 0) {
			lb_vpkg_free(pkg);      /* cannot happen: the same bytes decoded above */
			return r;
		}
		off += parts[i].len;
	}
	*out = pkg;
	return 0;
}

void
lb_vpkg_free(struct lb_vpkg *pkg)
{
	struct mem *m;

	if (!pkg)
		return;
	m = pkg->mem_;
	if (m) {
		free(m->blob);
		free(m->ranges);
		free(m->events);
		free(m->versions);
		free(m);
	}
	free(pkg->rows);
	free(pkg);
}
