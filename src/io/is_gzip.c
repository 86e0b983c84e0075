/* gzip inflate with ISA-L's igzip, several times faster than zlib. */
#include "io/istream.h"

#include <isa-l/igzip_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"

#define GZ_INBUF (256u << 10)

struct is_gzip {
	struct lb_istream is;
	struct lb_istream *src;
	struct inflate_state st;
	uint8_t *in;
	int src_eof;
	int member_done;     /* the current member ended; look for another */
	int done;
};

static int
fill(struct is_gzip *g)
{
	ssize_t n;

	if (g->st.avail_in > 0 || g->src_eof)
		return 0;
	n = lb_is_read(g->src, g->in, GZ_INBUF);
	if (n < 0)
		return (int)n;
	if (n == 0)
		g->src_eof = 1;
	g->st.next_in = g->in;
	g->st.avail_in = (uint32_t)n;
	return 0;
}

/* After a member: RFC 1952 allows more members; zero padding after the
 * last one is tolerated, anything else is an error. */
static int
next_member(struct is_gzip *g)
{
	int r;

	for (;;) {
		if ((r = fill(g)) < 0)
			return r;
		if (g->st.avail_in == 0) {
			g->done = 1;
			return 0;
		}
		if (g->st.next_in[0] == 0x1f) {
			isal_inflate_reset(&g->st);
			g->st.crc_flag = ISAL_GZIP;
			g->member_done = 0;
			return 0;
		}
		for (uint32_t i = 0; i < g->st.avail_in; i++)
			if (g->st.next_in[i] != 0)
				return -LB_E_FORMAT;
		g->st.avail_in = 0;
	}
}

static ssize_t
gz_read(struct lb_istream *is, void *buf, size_t len)
{
	struct is_gzip *g = (struct is_gzip *)is;
	int r;

	if (len > (1u << 30))
		len = 1u << 30;
	while (!g->done) {
		if (g->member_done) {
			if ((r = next_member(g)) < 0)
				return r;
			continue;
		}
		if ((r = fill(g)) < 0)
			return r;
		g->st.next_out = buf;
		g->st.avail_out = (uint32_t)len;
		r = isal_inflate(&g->st);
		/* a CRC or length mismatch is a corrupt stream, not a blob whose
		 * digest is wrong: say "malformed" as for any corrupt deflate data */
		if (r < 0)
			return -LB_E_FORMAT;
		if (g->st.block_state == ISAL_BLOCK_FINISH)
			g->member_done = 1;
		else if (g->src_eof && g->st.avail_in == 0 && g->st.avail_out == len)
			return -LB_E_TRUNCATED;
		if (g->st.avail_out < len)
			return (ssize_t)(len - g->st.avail_out);
	}
	return 0;
}

static void
gz_close(struct lb_istream *is)
{
	struct is_gzip *g = (struct is_gzip *)is;

	lb_is_close(g->src);
	free(g->in);
	free(g);
}

static const struct lb_istream_ops gz_ops = {
	.name = "gzip", .read = gz_read, .close = gz_close,
};

struct lb_istream *
lb_is_gzip(struct lb_istream *src)
{
	struct is_gzip *g = lb_xcalloc(1, sizeof(*g));

	g->is.ops = &gz_ops;
	g->src = src;
	g->in = lb_xmalloc(GZ_INBUF);
	isal_inflate_init(&g->st);
	g->st.crc_flag = ISAL_GZIP;
	return &g->is;
}
