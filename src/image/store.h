/* store.h - read access to the files of an image: an OCI layout
 * directory, a tar archive (docker save, OCI archive) indexed once so
 * that each member can be read in place, in parallel, without extracting,
 * or a repository on a registry, whose blobs stream from the network.
 * All three look the same to image.c: "index.json" and "blobs/sha256/HEX".
 */
#pragma once
#include <stdint.h>

#include "base/lb_buf.h"
#include "base/lb_ctx.h"
#include "io/istream.h"

struct lb_store;
struct lb_registry;

/* Opens path: a directory becomes a directory store; a file is read as a
 * tar archive (a gzip or zstd compressed one is first inflated into the
 * scratch folder). Returns 0, or < 0 with an error logged. */
int lb_store_open(struct lb_ctx *cx, const char *path, struct lb_store **out);
void lb_store_free(struct lb_store *s);
/* A repository on a registry as a store (reg is not owned and must
 * outlive it). reference (a tag or "sha256:...") is resolved once with a
 * manifest GET; "index.json" is then an index holding that one descriptor,
 * annotated with io.containerd.image.name = name. Manifests are fetched
 * by digest and kept in memory; other blobs stream (lb_registry_open_blob).
 * Returns 0, or < 0 with an error logged. */
int lb_store_open_registry(struct lb_ctx *cx, struct lb_registry *reg, const char *repo,
    const char *reference, const char *name, struct lb_store **out);
/* 1 for a registry store. */
int lb_store_is_registry(const struct lb_store *s);
/* Opens the blob with digest ("sha256:HEX"): an index or manifest when
 * manifest is set (a registry serves those from another endpoint), else
 * a config or layer. On disk both are "blobs/sha256/HEX". want is the
 * descriptor's size (-1: unknown): a registry stops a download that goes
 * past it. */
int lb_store_open_blob(struct lb_store *s, const char *digest, int manifest, int64_t want,
    struct lb_istream **is, uint64_t *size);
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
