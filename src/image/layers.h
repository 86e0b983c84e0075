/* layers.h - the layer walker: one streaming pass over a layer's tar (or a
 * directory tree), keeping only what analyzers asked for, into one layer of
 * an fsview. Nothing is ever extracted to disk.
 *
 * Paths are normalised once, here: leading "/" and "./" are stripped, "."
 * parts dropped. A member whose ".." parts would leave the root is read
 * where containerd extracts it (".." stops at the root), with a warning. Whiteouts (".wh.NAME", ".wh..wh..opq")
 * are recorded for the fsview to apply to lower layers only.
 *
 * Calls for different layers of one fsview may run in parallel threads.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "base/lb_ctx.h"
#include "image/fsview.h"
#include "io/istream.h"

struct lb_walk_stats {
	uint64_t entries;        /* tar members seen */
	uint64_t captured;       /* files whose bytes were kept */
	uint64_t captured_bytes;
	uint64_t whiteouts;
	/* Hard-link targets that analyzers need but whose bytes went by
	 * uncaptured (the target comes first in the tar: OSTree images link
	 * every file to an object). The caller reads the layer again with
	 * lb_layer_capture_tar to keep them. Owned; lb_walk_stats_release. */
	char **wanted;
	size_t nwanted, capwanted;
};

void lb_walk_stats_release(struct lb_walk_stats *st);

/* A second pass over a layer (is consumed): keeps the bytes of the members
 * named in paths (normalised, up to LB_MAX_PKGDB each) in layer `layer` of
 * v, so the hard links to them resolve. Returns 0 or < 0 as lb_layer_walk_tar. */
int lb_layer_capture_tar(struct lb_ctx *cx, struct lb_istream *is, struct lb_fsview *v, int layer,
    const char *what, char *const *paths, size_t npaths);

/* Normalises a member name into out (cap bytes). Returns its length (0 for
 * the root itself), or -LB_E_FORMAT when it escapes the root, or
 * -LB_E_LIMIT when it is too long. */
int lb_path_normalize(const char *in, char *out, size_t cap);

/* Normalises in like lb_path_normalize but with chroot semantics: ".." at
 * the root stays at the root, as when a runtime resolves a path inside
 * the image root. A relative in is taken from the directory of base (a
 * normalised member path) when base is given: the target of a symlink
 * member. Returns the length (0 for the root), or -LB_E_LIMIT. */
int lb_path_resolve(const char *base, const char *in, char *out, size_t cap);

/* Walks the uncompressed tar stream is (consumed and closed) into layer
 * `layer` of v. what names the layer in messages (e.g. its diff ID).
 * Problems with single members are warnings; returns < 0 when the stream
 * itself is bad (corrupt, truncated, digest mismatch, over a limit), with
 * an error already logged naming what. */
int lb_layer_walk_tar(struct lb_ctx *cx, struct lb_istream *is, struct lb_fsview *v, int layer,
    const char *what, struct lb_walk_stats *st);

/* Walks a directory tree rooted at root as one layer, without following
 * symlinks and without leaving root's file system for /proc, /sys or /dev. */
int lb_layer_walk_dir(struct lb_ctx *cx, const char *root, struct lb_fsview *v, int layer,
    struct lb_walk_stats *st);
