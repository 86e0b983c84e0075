/* fsview.h - the merged, read-only view of the files that analyzers asked
 * for, after applying every layer in order with the OCI whiteout rules.
 * Only captured files are in it (see analyzer.h interests), plus every
 * symlink, so that paths resolve inside the image root.
 *
 * The view owns all memory it hands out; pointers stay valid until
 * lb_fsview_free. The view is immutable, so several threads may read it.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct lb_fsview;

enum lb_ftype { LB_FT_REG = 0, LB_FT_DIR, LB_FT_SYMLINK, LB_FT_HARDLINK, LB_FT_OTHER };

struct lb_file {
	const char *path;      /* normalised: no leading '/', no '.' or '..' parts */
	const uint8_t *data;   /* contents, NUL-terminated (NUL not counted); NULL if not captured */
	size_t size;           /* bytes in data */
	uint64_t real_size;    /* size recorded in the layer */
	int layer;             /* layer index that wrote this version */
	unsigned mode;         /* permission bits and type bits as stored */
	enum lb_ftype type;
	const char *link;      /* symlink target as stored (type LB_FT_SYMLINK) */
	int truncated;         /* 1 when the file was larger than its interest's cap */
	/* MD5, SHA-1 and SHA-256 of the whole file (LB_DIGEST_* offsets), set
	 * only when a file hook (--scanners malware) read it; else NULL. The
	 * byte at LB_DIGEST_HAVE says which were computed (LB_WANT_*). */
	const uint8_t *digest;
};

#define LB_DIGEST_MD5    0
#define LB_DIGEST_SHA1   16
#define LB_DIGEST_SHA256 36
#define LB_DIGEST_HAVE   68
#define LB_DIGEST_LEN    69

/* Returns the final version of path, following symlinks (in the path's
 * parents and at its end) inside the image root, at most 40 hops; absolute
 * targets resolve against the image root. NULL if absent, hidden by a
 * whiteout, not captured, or a loop. */
const struct lb_file *lb_fsview_get(const struct lb_fsview *v, const char *path);

/* Like lb_fsview_get but does not follow a symlink at the end of path. */
const struct lb_file *lb_fsview_lget(const struct lb_fsview *v, const char *path);

/* Calls fn on every captured regular file (data != NULL) in the final view whose path
 * starts with prefix ("" for all), in byte order of path. Stops and
 * returns fn's value when it is non-zero; returns 0 otherwise. Paths are
 * as stored: a prefix under a symlinked directory is not followed. */
int lb_fsview_each(const struct lb_fsview *v, const char *prefix,
    int (*fn)(void *arg, const struct lb_file *f), void *arg);

/* Calls fn once per layer in which the visible version of path changed,
 * in layer order: f is the new version, or NULL when the layer removed it
 * (whiteout, opaque parent, or replacement by a non-regular file). Used to
 * find the layer that added each package. Returns as lb_fsview_each. */
int lb_fsview_history(const struct lb_fsview *v, const char *path,
    int (*fn)(void *arg, int layer, const struct lb_file *f), void *arg);

struct lb_inventory;
struct lb_ctx;
struct lb_istream;

/* A scanner that sees every regular file of every layer (the malware
 * scanner, --scanners malware), set in lb_ctx.file_hook. The layer walker
 * reads each regular file whole, computing its digests once, and calls
 * scan() from its worker threads (several at once) with the bytes either
 * in memory (data, len) or, past mem_cap, in a descriptor (fd, read with
 * pread; the walker spills the file into the scratch folder and removes
 * it). Findings added to facts become facts of that path in that layer
 * (see lb_fsview_each_layer_facts). Before reading, want() says which
 * digests to compute (LB_WANT_MD5/SHA1/SHA256), whether scan() needs the
 * bytes at all (LB_WANT_BYTES; without it the file is only hashed, in
 * chunks) and whether the view must keep the bytes (LB_WANT_KEEP, up to
 * LB_MAX_PKGDB) for finish(). begin() (may be NULL) runs before the walk
 * of each image or tree, finish() once on its sealed view after the
 * analyzers. Without a hook the walker reads nothing more than the
 * analyzers ask. */
enum {
	LB_WANT_MD5 = 1, LB_WANT_SHA1 = 2, LB_WANT_SHA256 = 4,
	LB_WANT_BYTES = 8, LB_WANT_KEEP = 16,
};
struct lb_file_hook {
	void (*begin)(void *arg);
	unsigned (*want)(void *arg, const char *path, unsigned mode, uint64_t size);
	int (*scan)(void *arg, struct lb_ctx *cx, const struct lb_file *f, const uint8_t *data,
	    size_t len, int fd, struct lb_inventory *facts);
	int (*finish)(void *arg, struct lb_ctx *cx, const struct lb_fsview *v,
	    struct lb_inventory *inv);
	void *arg;
	size_t mem_cap;        /* files up to this size are scanned in memory */
	uint64_t max_scan;     /* larger files are only hashed: scan() gets data NULL, fd -1 */
};

/* Calls fn for every file of the final view that streaming analyzers
 * found packages in (see analyzer.h scan_file), in byte order of path.
 * Returns as lb_fsview_each. */
int lb_fsview_each_facts(const struct lb_fsview *v,
    int (*fn)(void *arg, const struct lb_file *f, const struct lb_inventory *facts), void *arg);

/* Calls fn for every version of every path, in every layer, that has
 * facts (not only the final view): hidden_by is the first later layer that
 * deleted it (whiteout, opaque directory) or replaced it (any entry at the
 * path), or -1 when the version is the one in the final view. Call after
 * lb_fsview_seal. Returns as lb_fsview_each. */
int lb_fsview_each_layer_facts(const struct lb_fsview *v,
    int (*fn)(void *arg, const struct lb_file *f, const struct lb_inventory *facts, int hidden_by),
    void *arg);

/* Like lb_fsview_each over "" but also gives regular files whose bytes
 * were not captured (f->data NULL): every file the walker recorded. */
int lb_fsview_each_entry(const struct lb_fsview *v, int (*fn)(void *arg, const struct lb_file *f),
    void *arg);

/* Number of layers the view was built from. */
size_t lb_fsview_nlayers(const struct lb_fsview *v);

void lb_fsview_free(struct lb_fsview *v);

/* Building a view (layers.c does this from layer streams; tests do it by
 * hand). Calls for one layer may come in any order; within a layer a later
 * add of the same path replaces the earlier one (later tar entries win).
 * Whiteouts and opaque markers of layer i hide only layers < i. */
struct lb_fsview *lb_fsview_new(size_t nlayers);
/* Copies data (size bytes; may be NULL for non-regular files) and link. */
void lb_fsview_add(struct lb_fsview *v, int layer, const char *path, enum lb_ftype type,
    unsigned mode, const void *data, size_t size, uint64_t real_size, const char *link,
    int truncated);
/* Like lb_fsview_add for a regular file, but takes ownership of data,
 * which must be malloc'd with room for size + 1 bytes (a NUL is put at
 * data[size]), so that a big file is never held twice. */
void lb_fsview_add_take(struct lb_fsview *v, int layer, const char *path, unsigned mode,
    uint8_t *data, size_t size, uint64_t real_size, int truncated);
/* Accounts for n more bytes to keep, for all layers together (thread-safe):
 * 0, or -LB_E_LIMIT past LB_MAX_CAPTURE, when the caller must not keep them. */
int lb_fsview_reserve(struct lb_fsview *v, uint64_t n);
/* Attaches facts (packages found by streaming analyzers; ownership
 * moves to the view; NULL for none) to path in layer. The path counts as a
 * regular file of that layer, without captured bytes unless lb_fsview_add
 * gave some: so a file that yields nothing still replaces a lower layer's
 * version of the path, and its packages. */
void lb_fsview_add_facts(struct lb_fsview *v, int layer, const char *path, unsigned mode,
    uint64_t real_size, struct lb_inventory *facts);
/* Records the digests (LB_DIGEST_LEN bytes, copied) of the regular file
 * at path in layer, making an entry without bytes when there is none. */
void lb_fsview_set_digest(struct lb_fsview *v, int layer, const char *path, unsigned mode,
    uint64_t real_size, const uint8_t *digest);
/* ".wh.NAME": hides path (and everything under it) in lower layers. */
void lb_fsview_add_whiteout(struct lb_fsview *v, int layer, const char *path);
/* ".wh..wh..opq" in dir: hides everything lower layers had under dir. */
void lb_fsview_add_opaque(struct lb_fsview *v, int layer, const char *dir);
/* Marks that layer i has a non-regular, non-symlink entry (a directory,
 * device, or uncaptured file) at path, which replaces lower versions. */
void lb_fsview_add_other(struct lb_fsview *v, int layer, const char *path, enum lb_ftype type);
/* Computes the final view; call once after all adds, before any get. */
void lb_fsview_seal(struct lb_fsview *v);

/* --- one layer out and back in (the layer cache, image/lcache.c) ------
 * These read or change a single layer before lb_fsview_seal, while other
 * threads may fill other layers. */
/* Calls fn for every entry recorded in layer, as the walker stored it
 * (hard links still links, no digests bound), with its facts or NULL, in
 * byte order of path. Returns as lb_fsview_each. */
int lb_fsview_layer_entries(const struct lb_fsview *v, int layer,
    int (*fn)(void *arg, const struct lb_file *f, const struct lb_inventory *facts), void *arg);
/* Calls fn for every whiteout (opaque 0) and opaque directory (opaque 1)
 * of layer, whiteouts first, each in byte order. Returns as lb_fsview_each. */
int lb_fsview_layer_markers(const struct lb_fsview *v, int layer,
    int (*fn)(void *arg, const char *path, int opaque), void *arg);
/* Forgets everything recorded in layer (its bytes stay counted by
 * lb_fsview_reserve). */
void lb_fsview_layer_reset(struct lb_fsview *v, int layer);
