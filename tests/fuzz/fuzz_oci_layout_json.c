/* fuzz_oci_layout_json.c - the JSON documents of an OCI image layout, each
 * reachable despite the digests: a small layout directory is made once
 * (an empty layer, a config, a manifest), and the first byte of the input
 * says which document the rest replaces:
 *   0  index.json
 *   1  a manifest blob that index.json names (with its true digest)
 *   2  a config blob that a manifest names
 *   3  an image index blob that index.json names
 * Blobs written for one input are removed after it. */
#include <fcntl.h>
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyze/inventory.h"
#include "base/lb_ctx.h"
#include "image/image.h"
#include "io/istream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* sha256 of 1024 zero bytes: an empty tar, the famous empty layer */
#define EMPTY_LAYER "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
/* tests/fuzz/corpus/oci_layout_json seeds name these exact bytes */
static const char config_json[] =
    "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
    EMPTY_LAYER "\"]},\"history\":[{\"created_by\":\"fuzz\"}]}";

static char dir[4096];
static char config_digest[80];

static void
put(const char *rel, const void *p, size_t n)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n))
		abort();
	close(fd);
}

/* Writes p as a blob; digest gets "sha256:<hex>". */
static void
put_blob(const void *p, size_t n, char digest[80])
{
	struct lb_istream *is = lb_is_digest(lb_is_mem(p, n), NULL, -1);
	char rel[100];

	if (lb_is_drain(is) < 0)
		abort();
	snprintf(digest, 80, "%s", lb_is_digest_result(is));
	lb_is_close(is);
	snprintf(rel, sizeof(rel), "blobs/sha256/%s", digest + 7);
	put(rel, p, n);
}

static void
drop_blob(const char *digest)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, digest + 7);
	unlink(path);
}

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	remove(p);
	return 0;
}

static void
cleanup(void)
{
	if (dir[0])
		nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static void
setup(void)
{
	static const uint8_t zeros[1024];
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char d[80], path[4200];

	snprintf(dir, sizeof(dir), "%s/lb-fuzz-layout.XXXXXX", tmp);
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/blobs", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/blobs/sha256", dir);
	mkdir(path, 0755);
	put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
	put_blob(zeros, sizeof(zeros), d);
	put_blob(config_json, strlen(config_json), config_digest);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_inventory **invs = NULL;
	struct lb_scan_opts o = { 0 };
	struct lb_ctx cx;
	char d[80] = "", m[80] = "", doc[1024];
	size_t n = 0;
	int role, len;

	if (!dir[0])
		setup();
	if (size < 1)
		return 0;
	role = data[0] & 3;
	data++, size--;
	switch (role) {
	case 0:
		put("index.json", data, size);
		break;
	case 1:
	case 3:
		put_blob(data, size, d);
		len = snprintf(doc, sizeof(doc), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
		    "\"application/vnd.oci.image.%s.v1+json\",\"digest\":\"%s\",\"size\":%zu}]}",
		    role == 1 ? "manifest" : "index", d, size);
		put("index.json", doc, (size_t)len);
		break;
	case 2:
		put_blob(data, size, d);
		len = snprintf(doc, sizeof(doc), "{\"schemaVersion\":2,\"mediaType\":"
		    "\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
		    "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
		    "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
		    "\"digest\":\"" EMPTY_LAYER "\",\"size\":1024}]}", d, size);
		put_blob(doc, (size_t)len, m);
		len = snprintf(doc, sizeof(doc), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
		    "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%d,"
		    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}", m, len);
		put("index.json", doc, (size_t)len);
		break;
	}
	lb_ctx_init(&cx, NULL);
	cx.nthreads = 1;
	o.input = dir;
	o.platform = "all";
	if (lb_image_scan(&cx, &o, &invs, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			lb_inventory_free(invs[i]);
		free(invs);
	}
	lb_ctx_release(&cx);
	/* the fixed blobs stay; the ones of this input go */
	if (d[0] && strcmp(d, config_digest) != 0 && strcmp(d, EMPTY_LAYER) != 0)
		drop_blob(d);
	if (m[0])
		drop_blob(m);
	return 0;
}
