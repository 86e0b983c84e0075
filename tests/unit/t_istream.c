/* istreams: gzip (ISA-L) and zstd against the command-line tools, digests, limits. */
#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "io/istream.h"

/* Compresses data with a shell pipeline (gzip or zstd CLI) into a buffer. */
static char *
compress(const char *cmd, const char *data, size_t len, size_t *outlen)
{
	char path[] = "/tmp/lbt-isXXXXXX", line[512];
	int fd = mkstemp(path);
	FILE *f;
	struct lb_buf b = LB_BUF_INIT(1u << 30);
	char buf[65536];
	size_t n;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	snprintf(line, sizeof(line), "%s < %s", cmd, path);
	f = popen(line, "r");
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		assert_int_equal(lb_buf_add(&b, buf, n), 0);
	pclose(f);
	unlink(path);
	return lb_buf_detach(&b, outlen);
}

static ssize_t
read_all(struct lb_istream *is, struct lb_buf *out)
{
	char buf[4096];
	ssize_t n;

	while ((n = lb_is_read(is, buf, sizeof(buf))) > 0)
		assert_int_equal(lb_buf_add(out, buf, (size_t)n), 0);
	return n;
}

static char *
sample(size_t *len)
{
	size_t n = 3u << 20;
	char *p = malloc(n);
	for (size_t i = 0; i < n; i++)
		p[i] = (char)("lifebelt scans images "[i % 22] + (i / 4096) % 3);
	*len = n;
	return p;
}

static void
roundtrip(const char *cmd)
{
	size_t len, clen;
	char *data = sample(&len), *z = compress(cmd, data, len, &clen);
	struct lb_buf out = LB_BUF_INIT(1u << 30);
	const char *kind;
	int err;
	struct lb_istream *is = lb_is_decompress(lb_is_mem(z, clen), &kind, &err);

	assert_non_null(is);
	assert_int_equal(read_all(is, &out), 0);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.p, data, len);
	lb_is_close(is);

	/* truncated: an error, never a silent short read */
	lb_buf_reset(&out);
	is = lb_is_decompress(lb_is_mem(z, clen / 2), &kind, &err);
	assert_true(read_all(is, &out) < 0);
	lb_is_close(is);
	lb_buf_release(&out);
	free(data);
	free(z);
}

static void
gzip_roundtrip(void **state)
{
	(void)state;
	roundtrip("gzip -c");
}

static void
zstd_roundtrip(void **state)
{
	(void)state;
	roundtrip("zstd -q -c");
}

static void
gzip_multi_member_and_bad_crc(void **state)
{
	size_t l1, l2;
	char *a = compress("gzip -c", "hello ", 6, &l1), *b = compress("gzip -c", "world", 5, &l2);
	char *both = malloc(l1 + l2);
	struct lb_buf out = LB_BUF_INIT(1024);
	const char *kind;
	int err;
	struct lb_istream *is;

	(void)state;
	memcpy(both, a, l1);
	memcpy(both + l1, b, l2);
	is = lb_is_decompress(lb_is_mem(both, l1 + l2), &kind, &err);
	assert_int_equal(read_all(is, &out), 0);
	assert_string_equal((char *)out.p, "hello world");
	lb_is_close(is);
	/* flip a CRC byte of the second member */
	both[l1 + l2 - 6] ^= 0x55;
	lb_buf_reset(&out);
	is = lb_is_decompress(lb_is_mem(both, l1 + l2), &kind, &err);
	assert_int_equal(read_all(is, &out), -LB_E_FORMAT);   /* a corrupt stream */
	lb_is_close(is);
	lb_buf_release(&out);
	free(a);
	free(b);
	free(both);
}

static void
digest_checks_content_and_size(void **state)
{
	/* sha256("abc") */
	const char *good = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	struct lb_buf out = LB_BUF_INIT(1024);
	struct lb_istream *is;

	(void)state;
	is = lb_is_digest(lb_is_mem("abc", 3), good, 3);
	assert_int_equal(read_all(is, &out), 0);
	assert_string_equal(lb_is_digest_result(is), good);
	lb_is_close(is);
	is = lb_is_digest(lb_is_mem("abd", 3), good, -1);
	assert_int_equal(read_all(is, &out), -LB_E_DIGEST);
	lb_is_close(is);
	is = lb_is_digest(lb_is_mem("abc", 3), good, 4);
	assert_int_equal(read_all(is, &out), -LB_E_DIGEST);
	lb_is_close(is);
	is = lb_is_digest(lb_is_mem("abc", 3), "sha256:../../etc/passwd", -1);
	assert_true(read_all(is, &out) < 0);
	lb_is_close(is);
	assert_false(lb_digest_valid("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
	assert_false(lb_digest_valid("md5:900150983cd24fb0d6963f7d28e17f72"));
	lb_buf_release(&out);
}

static void
limit_and_async(void **state)
{
	size_t len;
	char *data = sample(&len);
	struct lb_buf out = LB_BUF_INIT(1u << 30);
	struct lb_istream *is;

	(void)state;
	is = lb_is_limit(lb_is_mem(data, len), len - 1);
	assert_int_equal(read_all(is, &out), -LB_E_LIMIT);
	lb_is_close(is);
	lb_buf_reset(&out);
	is = lb_is_async(lb_is_mem(data, len));
	assert_int_equal(read_all(is, &out), 0);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.p, data, len);
	lb_is_close(is);
	/* closing early stops the thread cleanly */
	is = lb_is_async(lb_is_mem(data, len));
	lb_is_close(is);
	lb_buf_release(&out);
	free(data);
}

/* lb_is_borrow over async -> digest -> limit gives the same bytes as
 * lb_is_read, pointing into the read-ahead slots (not the caller's
 * buffer), mixes with lb_is_read and lb_is_peek, and still checks the
 * digest at the end. */
static void
borrow_through_the_chain(void **state)
{
	size_t len = 3u << 20, got = 0, inbuf = 0, n;
	char *data = malloc(len), *back = malloc(len), buf[1000], dg[7 + 65];
	struct lb_istream *is, *ref;
	const void *p;
	const uint8_t *pk;
	ssize_t k;

	(void)state;
	for (size_t i = 0; i < len; i++)
		data[i] = (char)(i * 7 + (i >> 12));
	ref = lb_is_digest(lb_is_mem(data, len), NULL, -1);
	assert_int_equal(lb_is_drain(ref), 0);
	snprintf(dg, sizeof(dg), "%s", lb_is_digest_result(ref));
	lb_is_close(ref);

	is = lb_is_limit(lb_is_digest(lb_is_async(lb_is_mem(data, len)), dg, (int64_t)len), len);
	assert_int_equal(lb_is_peek(is, &pk, 4), 4);
	assert_memory_equal(pk, data, 4);
	for (int turn = 0; (k = turn % 5 == 4 ? lb_is_read(is, buf, sizeof(buf)) :
	    lb_is_borrow(is, &p, buf, sizeof(buf))) > 0; turn++) {
		if (turn % 5 == 4)
			p = buf;
		else if (p == buf)
			inbuf++;
		assert_true(got + (size_t)k <= len);
		memcpy(back + got, p, (size_t)k);
		got += (size_t)k;
	}
	assert_int_equal(k, 0);
	assert_int_equal(got, len);
	assert_memory_equal(back, data, len);
	assert_true(inbuf <= 1);      /* only the peeked bytes came by copy */
	lb_is_close(is);

	/* a wrong digest still fails at the end */
	dg[7] = dg[7] == 'a' ? 'b' : 'a';
	is = lb_is_digest(lb_is_async(lb_is_mem(data, len)), dg, -1);
	n = 0;
	while ((k = lb_is_borrow(is, &p, buf, sizeof(buf))) > 0)
		n += (size_t)k;
	assert_int_equal(k, -LB_E_DIGEST);
	assert_int_equal(n, len);
	lb_is_close(is);
	free(data);
	free(back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gzip_roundtrip),
		cmocka_unit_test(zstd_roundtrip),
		cmocka_unit_test(gzip_multi_member_and_bad_crc),
		cmocka_unit_test(digest_checks_content_and_size),
		cmocka_unit_test(limit_and_async),
		cmocka_unit_test(borrow_through_the_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
