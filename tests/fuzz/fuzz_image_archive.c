/* fuzz_image_archive.c - the bytes are an outer archive (docker save or
 * OCI archive): indexed by the store, then index.json / manifest.json,
 * manifests, configs and layers are read as lb_image_scan does for
 * `lifebelt image --input FILE`. The file is a memfd, named through
 * /proc/self/fd, so nothing touches the disk; there is no scratch folder,
 * so a compressed archive stops early. Digests make most blobs
 * unreachable to mutation: the seeds hold legacy docker saves, whose
 * manifest.json and (non-hex named) config are not content-addressed. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyze/inventory.h"
#include "base/lb_ctx.h"
#include "image/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const platforms[] = { NULL, "all", "linux/arm64" };
	struct lb_inventory **invs = NULL;
	struct lb_scan_opts o = { 0 };
	struct lb_ctx cx;
	char path[64];
	size_t n = 0, off = 0;
	int fd;

	fd = memfd_create("fuzz-archive", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	lb_ctx_init(&cx, NULL);
	cx.nthreads = 2;
	o.input = path;
	o.platform = platforms[size % 3];
	if (lb_image_scan(&cx, &o, &invs, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			lb_inventory_free(invs[i]);
		free(invs);
	}
	lb_ctx_release(&cx);
	close(fd);
	return 0;
}
