/* SHA-256 of the bytes passing through, checked at the end (OpenSSL uses
 * the SHA extensions where the CPU has them). */
#include "io/istream.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"

struct is_digest {
	struct lb_istream is;
	struct lb_istream *src;
	EVP_MD_CTX *md;
	char expect[7 + 64 + 1];
	int64_t expect_size;
	uint64_t seen;
	char result[7 + 64 + 1];
	int finished;
};

static int
finish(struct is_digest *d)
{
	unsigned char out[32];
	unsigned int outlen = 0;

	d->finished = 1;
	if (EVP_DigestFinal_ex(d->md, out, &outlen) != 1 || outlen != 32)
		return -LB_E_INTERNAL;
	memcpy(d->result, "sha256:", 7);
	for (int i = 0; i < 32; i++)
		snprintf(d->result + 7 + 2 * i, 3, "%02x", out[i]);
	if (d->expect_size >= 0 && d->seen != (uint64_t)d->expect_size)
		return -LB_E_DIGEST;
	if (d->expect[0] && strcmp(d->expect, d->result) != 0)
		return -LB_E_DIGEST;
	return 0;
}

/* Hashes the n bytes at p that src gave (or its end or error). */
static ssize_t
dg_take(struct is_digest *d, const void *p, ssize_t n)
{
	int r;

	if (n < 0)
		return n;
	if (n == 0) {
		if ((r = finish(d)) < 0)
			return r;
		return 0;
	}
	d->seen += (uint64_t)n;
	if (d->expect_size >= 0 && d->seen > (uint64_t)d->expect_size)
		return -LB_E_DIGEST;    /* longer than the descriptor says */
	if (EVP_DigestUpdate(d->md, p, (size_t)n) != 1)
		return -LB_E_INTERNAL;
	return n;
}

static ssize_t
dg_read(struct lb_istream *is, void *buf, size_t len)
{
	struct is_digest *d = (struct is_digest *)is;

	if (d->finished)
		return 0;
	return dg_take(d, buf, lb_is_read(d->src, buf, len));
}

static ssize_t
dg_borrow(struct lb_istream *is, const void **p, void *buf, size_t len)
{
	struct is_digest *d = (struct is_digest *)is;
	ssize_t n;

	if (d->finished)
		return 0;
	n = lb_is_borrow(d->src, p, buf, len);
	return dg_take(d, *p, n);
}

static void
dg_close(struct lb_istream *is)
{
	struct is_digest *d = (struct is_digest *)is;

	lb_is_close(d->src);
	EVP_MD_CTX_free(d->md);
	free(d);
}

static const struct lb_istream_ops dg_ops = {
	.name = "digest", .read = dg_read, .close = dg_close, .borrow = dg_borrow,
};

struct lb_istream *
lb_is_digest(struct lb_istream *src, const char *expect, int64_t expect_size)
{
	struct is_digest *d = lb_xcalloc(1, sizeof(*d));

	d->is.ops = &dg_ops;
	d->src = src;
	d->expect_size = expect_size;
	d->md = EVP_MD_CTX_new();
	if (!d->md || EVP_DigestInit_ex(d->md, EVP_sha256(), NULL) != 1)
		abort();
	if (expect) {
		if (!lb_digest_valid(expect))
			d->is.err = strncmp(expect, "sha256:", 7) == 0 ? -LB_E_FORMAT : -LB_E_UNSUPPORTED;
		else
			memcpy(d->expect, expect, sizeof(d->expect) - 1);
	}
	return &d->is;
}

const char *
lb_is_digest_result(struct lb_istream *is)
{
	struct is_digest *d = (struct is_digest *)is;

	if (is->ops != &dg_ops || !d->finished)
		return NULL;
	return d->result;
}
