/* store.h - read access to the files of an image on disk: an OCI layout
 * directory, or a tar archive (docker save, OCI archive) indexed once so
 * that each member can be read in place, in parallel, without extracting.
 */
#pragma once
#include <stdint.h>

#include "base/lb_buf.h"
#include "base/lb_ctx.h"
#include "io/istream.h"

struct lb_store;

/* Opens path: a directory becomes a directory store; a file is read as a
 * tar archive (a gzip or zstd compressed one is first inflated into the
 * scratch folder). Returns 0, or < 0 with an error logged. */
int lb_store_open(struct lb_ctx *cx, const char *path, struct lb_store **out);
void lb_store_free(struct lb_store *s);
/* 1 for a directory store, 0 for an archive. */
int lb_store_is_dir(const struct lb_store *s);
/* Whether the store has a regular file (after links) at rel. */
int lb_store_has(const struct lb_store *s, const char *rel);
/* Opens a member for reading; *size gets its length. -LB_E_NOTFOUND when absent. */
int lb_store_open_file(struct lb_store *s, const char *rel, struct lb_istream **is, uint64_t *size);
/* Reads a whole member of at most b->max bytes into b (appending). */
int lb_store_read(struct lb_store *s, const char *rel, struct lb_buf *b);
/* Number of members (archives) for messages; 0 for directories. */
size_t lb_store_count(const struct lb_store *s);
