/* istream.h - pull streams of bytes (apk istream). A layer is read as
 * file range -> digest -> gzip/zstd -> digest -> limit -> tar, so the tar
 * walker never knows where its bytes came from.
 *
 * Errors are sticky: once a read fails, every later read returns the same
 * negative code. Wrapping streams own (and close) the stream they read from.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct lb_istream;

struct lb_istream_ops {
	const char *name;
	/* Reads up to len bytes: > 0 bytes read, 0 at the end, < 0 an error code. */
	ssize_t (*read)(struct lb_istream *is, void *buf, size_t len);
	void (*close)(struct lb_istream *is);
	/* Optional: like read, but may leave the bytes where they are: *p at
	 * them (in the stream's own memory, or in buf, which wrapping streams
	 * pass down), valid until the next call on the stream; a short count
	 * is not the end. */
	ssize_t (*borrow)(struct lb_istream *is, const void **p, void *buf, size_t len);
};

struct lb_istream {
	const struct lb_istream_ops *ops;
	int err;               /* sticky error, 0 while good */
	uint64_t pos;          /* bytes handed out so far */
	uint8_t pb[16];        /* bytes peeked and pushed back */
	size_t pblen, pboff;
};

/* Reads up to len bytes (fewer only at the end); returns count or < 0. */
ssize_t lb_is_read(struct lb_istream *is, void *buf, size_t len);
/* Like lb_is_read, without a copy where the streams allow it: *p gets
 * the bytes (in buf, len bytes of the caller's, or in a stream's own
 * buffer), valid until the next call on is. Returns the count (fewer
 * than len is not the end), 0 at the end, or < 0. */
ssize_t lb_is_borrow(struct lb_istream *is, const void **p, void *buf, size_t len);
/* Looks at the next n (<= 16) bytes without consuming them; returns how
 * many are available (fewer at the end) or < 0. */
ssize_t lb_is_peek(struct lb_istream *is, const uint8_t **p, size_t n);
/* Reads and discards everything to the end; returns 0 or < 0. */
int lb_is_drain(struct lb_istream *is);
/* Reads is into a new NUL-terminated buffer of at most min(size, cap)
 * bytes (size: what the file says it holds). *out (caller frees) and
 * *len are set on success; returns 0, or is's error with *out NULL. */
int lb_is_slurp(struct lb_istream *is, uint64_t size, size_t cap, char **out, size_t *len);
/* Closes is and everything it wraps; NULL is fine. */
void lb_is_close(struct lb_istream *is);

/* Reads [off, off+len) of fd with pread. fd is not owned and must stay
 * open; several streams may share it. */
struct lb_istream *lb_is_fd_range(int fd, uint64_t off, uint64_t len);
/* Reads the first len bytes of fd, which the stream owns and closes. */
struct lb_istream *lb_is_fd_owned(int fd, uint64_t len);
/* Reads a memory block (not owned, must outlive the stream). */
struct lb_istream *lb_is_mem(const void *p, size_t len);

/* gzip (any number of members, RFC 1952) inflated with ISA-L igzip. */
struct lb_istream *lb_is_gzip(struct lb_istream *src);
/* zstd (any number of frames, skippable frames ignored). */
struct lb_istream *lb_is_zstd(struct lb_istream *src);
/* Picks gzip, zstd or none from the magic bytes; *kind gets "gzip",
 * "zstd" or "none". On error closes src and returns NULL with *err set. */
struct lb_istream *lb_is_decompress(struct lb_istream *src, const char **kind, int *err);

/* Passes bytes through while hashing them with SHA-256. At the end, when
 * expect ("sha256:<64 hex>") is given, a different digest or (with
 * expect_size >= 0) a different byte count makes the stream fail with
 * -LB_E_DIGEST. Only sha256 is supported: other algorithms fail early. */
struct lb_istream *lb_is_digest(struct lb_istream *src, const char *expect, int64_t expect_size);
/* After the end of a digest stream: its "sha256:..." (static in the stream). */
const char *lb_is_digest_result(struct lb_istream *is);

/* Runs src in a read-ahead thread (a few 512 KiB buffers), so that the
 * work behind src and the work of the reader overlap. */
struct lb_istream *lb_is_async(struct lb_istream *src);

/* Fails with -LB_E_LIMIT once more than max bytes pass. */
struct lb_istream *lb_is_limit(struct lb_istream *src, uint64_t max);

/* Checks the OCI digest grammar for sha256 ("sha256:" + 64 lowercase hex). */
int lb_digest_valid(const char *d);
