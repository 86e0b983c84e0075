/* lcache.h - the layer cache: what one layer contributed to an fsview
 * (captured files, their types, modes and links, hard links, whiteouts,
 * opaque directories, the streaming analyzers' facts and the walk's
 * warnings), saved by diff ID so that a later scan of any image with that
 * layer, from a registry or from disk, loads it instead of reading the
 * blob.
 *
 * On disk: one file per diff ID, <cache>/layers/sha256-<hex>, written to a
 * temporary file in the same folder and renamed, and only after the
 * layer's blob was read to its end with both digests verified. Each file
 * starts with a header: a magic line, the format version, a key and a
 * SHA-256 of the rest. The key hashes lifebelt's version, the identity of
 * the running executable (so another build never reads this one's
 * results), and every analyzer's name and interests: a changed analyzer
 * set makes every entry a miss. An entry is at most LB_MAX_LCACHE_FILE
 * bytes; a layer whose state is bigger is not cached. The folder is kept
 * under LB_MAX_LCACHE_TOTAL bytes: after a store that passes it, the least
 * recently used entries (a hit sets the modification time) are removed
 * until it is under three quarters of that.
 *
 * A cache file is untrusted input like an image: a missing, foreign,
 * truncated, corrupt or hostile file is a miss (the layer is then walked
 * and the entry rewritten), with a warning on standard error that does
 * not go into the report (the image is not at fault).
 *
 * The cache may also keep entries in memory, for the other platforms of
 * one run (--platform all), with or without a folder.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "base/lb_buf.h"
#include "base/lb_ctx.h"
#include "image/fsview.h"

#define LB_LCACHE_FORMAT 1
#define LB_LCACHE_KEYLEN 32

struct lb_lcache;

/* A new cache. dir: the folder of the entries (created on the first
 * store, mode 0700), or NULL for none; in_memory: also keep every entry in
 * this process. Returns NULL when both are off. Free with lb_lcache_free. */
struct lb_lcache *lb_lcache_new(const char *dir, int in_memory);
void lb_lcache_free(struct lb_lcache *c);

/* Where a layer's walk begins among cx's warnings (for lb_lcache_store). */
struct lb_lcache_mark {
	size_t nwarn, nkept;
};
void lb_lcache_mark(struct lb_ctx *cx, struct lb_lcache_mark *m);

/* Loads the entry of diff_id into layer `layer` of v, which must be empty.
 * Returns 1 on a hit: the layer is filled and the warnings that its walk
 * raised are raised again, as "layer WHAT: ..."; or 0 on a miss, the layer
 * left empty. Thread-safe (layers load in parallel). */
int lb_lcache_load(struct lb_lcache *c, struct lb_ctx *cx, const char *diff_id,
    struct lb_fsview *v, int layer, const char *what);

/* Saves layer `layer` of v (walked completely, digests verified, not yet
 * sealed) as the entry of diff_id. The warnings raised since m that name
 * this layer ("layer WHAT: ") are saved with it; those naming another
 * layer (walked at the same time) are that layer's. When one names no
 * layer (it cannot be placed) or one went past LB_MAX_WARNINGS, the layer
 * is not saved, so that a later scan walks it and raises it again. A
 * failure to write is logged at debug level. */
void lb_lcache_store(struct lb_lcache *c, struct lb_ctx *cx, const char *diff_id,
    const struct lb_fsview *v, int layer, const char *what, const struct lb_lcache_mark *m);

/* Removes the least recently used entries of the folder dir (by
 * modification time) until they take at most max_bytes * 3 / 4, when they
 * take more than max_bytes; and temporary files older than an hour (left
 * by a crash). Returns the number of entries removed. */
size_t lb_lcache_trim(const char *dir, uint64_t max_bytes);

/* --- the format, for tests and the fuzz target ------------------------ */

/* The key of this executable and analyzer set. */
void lb_lcache_key(uint8_t key[LB_LCACHE_KEYLEN]);

/* Serialises layer `layer` of v and the warnings (nwarns messages) into
 * out (reset first). Returns 0, or -LB_E_LIMIT when it would pass
 * LB_MAX_LCACHE_FILE. */
int lb_lcache_encode(const uint8_t key[LB_LCACHE_KEYLEN], const char *diff_id,
    const struct lb_fsview *v, int layer, char *const *warns, size_t nwarns, struct lb_buf *out);

/* Makes an entry of a body made by hand (tests, the fuzz target): puts
 * the header (key, checksum, length) before body into out (reset first).
 * Returns 0, or -LB_E_LIMIT past LB_MAX_LCACHE_FILE. */
int lb_lcache_wrap(const uint8_t key[LB_LCACHE_KEYLEN], const uint8_t *body, size_t n,
    struct lb_buf *out);

/* Parses an entry (p, n: untrusted) made with key for diff_id into layer
 * `layer` of v, which must be empty. On success *warns gets the saved
 * warnings (owned: free each and the array) and *nwarns their number.
 * Returns 0, or -LB_E_FORMAT with why set to a static reason and the layer
 * left empty. The caller accounts for the bytes (lb_fsview_reserve):
 * *kept gets the number of captured bytes loaded. */
int lb_lcache_decode(const uint8_t key[LB_LCACHE_KEYLEN], const char *diff_id, const uint8_t *p,
    size_t n, struct lb_fsview *v, int layer, char ***warns, size_t *nwarns, uint64_t *kept,
    const char **why);
