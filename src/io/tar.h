/* tar.h - tar archives read with libarchive, fed from an lb_istream.
 * lb_tar_open takes ownership of the stream; lb_tar_free closes it.
 * Semantics follow what container runtimes (Go archive/tar) do: PAX
 * records override ustar fields, later duplicates are the caller's to
 * resolve (later wins), and hard links are reported as such.
 */
#pragma once
#include <stdint.h>
#include <sys/types.h>

#include "image/fsview.h"
#include "io/istream.h"

struct lb_tar;

struct lb_tar_entry {
	const char *path;     /* raw member name (valid until the next lb_tar_next) */
	const char *link;     /* symlink or hard link target, raw; NULL otherwise */
	enum lb_ftype type;   /* LB_FT_HARDLINK for hard links */
	uint64_t size;        /* data bytes of this member */
	unsigned mode;        /* permission and type bits */
	uint64_t data_offset; /* offset of the data in the (uncompressed) stream */
};

/* Starts reading a tar stream. Never fails for valid arguments: errors
 * show up in lb_tar_next. */
struct lb_tar *lb_tar_open(struct lb_istream *is);
/* 1 and *e filled for the next member, 0 at the end of the archive, or < 0
 * (see lb_tar_error for the message). */
int lb_tar_next(struct lb_tar *t, struct lb_tar_entry *e);
/* Reads the current member's data: > 0 bytes, 0 at its end, < 0 error. */
ssize_t lb_tar_read(struct lb_tar *t, void *buf, size_t len);
/* The current member's data without a copy: 1 and *p, *len (valid until
 * the next call) at offset *off of the file, 0 at its end (*off: the
 * file's size; the bytes between the blocks and up to *off of a sparse
 * member are zeros), < 0 error. Do not mix with lb_tar_read on a member. */
int lb_tar_read_block(struct lb_tar *t, const void **p, size_t *len, uint64_t *off);
/* A stream over the current member's data, at most max bytes of it. It
 * borrows t: close it before the next lb_tar_next; closing does not close t. */
struct lb_istream *lb_tar_entry_stream(struct lb_tar *t, uint64_t max);
/* After lb_tar_next returned 0: reads the rest of the underlying stream
 * (padding after the end marker) so that digest streams below it finish;
 * returns 0 or the stream's error (-LB_E_DIGEST for a mismatch). */
int lb_tar_finish(struct lb_tar *t);
/* A description of the last error (libarchive's, or the stream's). */
const char *lb_tar_error(struct lb_tar *t);
void lb_tar_free(struct lb_tar *t);
