/* image.h - scanning an image on disk (docker save archive, OCI layout
 * directory, OCI archive) or a root filesystem into inventories.
 */
#pragma once
#include <stddef.h>

#include "analyze/inventory.h"
#include "base/lb_ctx.h"

struct lb_registry;

struct lb_scan_opts {
	const char *input;     /* path, for a layout optionally with ":TAG" or "@sha256:..." */
	/* or an image on a registry (reg not owned): repo and a tag or digest;
	 * ref_name ("docker.io/library/alpine:3.19") names it in reports */
	struct lb_registry *registry;
	const char *repo, *reference, *ref_name;
	const char *platform;  /* NULL: the only one, else the host's; "all"; "os/arch[/variant]" */
	const char *image;     /* "NAME[:TAG]" to pick one image of an archive holding several */
	/* the layer cache folder (image/lcache.h), e.g. <cache>/layers; NULL:
	 * no cache on disk (--no-cache). Not used with a file hook. */
	const char *layer_cache;
};

/* Scans the image(s) selected by o. On success *out holds *nout new
 * inventories (one per selected platform; caller frees each and the
 * array). Integrity failures (digest mismatch, missing blob, corrupt or
 * truncated stream, malformed index/manifest/config) return < 0 with an
 * error logged naming the part; nothing is reported then. */
int lb_image_scan(struct lb_ctx *cx, const struct lb_scan_opts *o,
    struct lb_inventory ***out, size_t *nout);

/* Scans a root filesystem directory as a single layer. */
int lb_rootfs_scan(struct lb_ctx *cx, const char *dir, struct lb_inventory **out);

/* The host platform as "os/arch[/variant]" (static string). */
const char *lb_host_platform(void);
