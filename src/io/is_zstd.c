/* zstd decompression with libzstd's streaming API. */
#include "io/istream.h"

#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"

struct is_zstd {
	struct lb_istream is;
	struct lb_istream *src;
	ZSTD_DStream *ds;
	uint8_t *in;
	size_t incap;
	ZSTD_inBuffer ib;
	int src_eof;
	size_t last;        /* last ZSTD_decompressStream hint: 0 = frame complete */
};

static ssize_t
zs_read(struct lb_istream *is, void *buf, size_t len)
{
	struct is_zstd *z = (struct is_zstd *)is;
	ZSTD_outBuffer ob = { buf, len, 0 };
	ssize_t n;

	while (ob.pos == 0) {
		if (z->ib.pos == z->ib.size) {
			if (z->src_eof) {
				/* ended in the middle of a frame? */
				return z->last != 0 ? -LB_E_TRUNCATED : 0;
			}
			n = lb_is_read(z->src, z->in, z->incap);
			if (n < 0)
				return n;
			if (n == 0) {
				z->src_eof = 1;
				continue;
			}
			z->ib.src = z->in;
			z->ib.size = (size_t)n;
			z->ib.pos = 0;
		}
		z->last = ZSTD_decompressStream(z->ds, &ob, &z->ib);
		if (ZSTD_isError(z->last)) {
			ZSTD_ErrorCode c = ZSTD_getErrorCode(z->last);
			return c == ZSTD_error_frameParameter_windowTooLarge ? -LB_E_LIMIT : -LB_E_FORMAT;
		}
	}
	return (ssize_t)ob.pos;
}

static void
zs_close(struct lb_istream *is)
{
	struct is_zstd *z = (struct is_zstd *)is;

	lb_is_close(z->src);
	ZSTD_freeDStream(z->ds);
	free(z->in);
	free(z);
}

static const struct lb_istream_ops zs_ops = {
	.name = "zstd", .read = zs_read, .close = zs_close,
};

struct lb_istream *
lb_is_zstd(struct lb_istream *src)
{
	struct is_zstd *z = lb_xcalloc(1, sizeof(*z));

	z->is.ops = &zs_ops;
	z->src = src;
	z->ds = ZSTD_createDStream();
	if (!z->ds)
		abort();
	/* a hostile frame may ask for a huge window: cap it at 128 MiB (2^27) */
	ZSTD_DCtx_setParameter(z->ds, ZSTD_d_windowLogMax, 27);
	z->incap = ZSTD_DStreamInSize();
	z->in = lb_xmalloc(z->incap);
	return &z->is;
}
