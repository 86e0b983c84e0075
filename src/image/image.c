#include "image/image.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "analyze/analyzer.h"
#include "analyze/interest.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"
#include "image/fsview.h"
#include "image/layers.h"
#include "image/lcache.h"
#include "image/store.h"
#include "io/istream.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

struct layer_ref {
	char *path;          /* member of the store */
	char *digest;        /* compressed blob digest, NULL when unknown (legacy docker save) */
	char *media_type;
	int64_t size;        /* -1 when unknown */
	char *diff_id;
	int foreign;
};

/* One platform image: manifest + config + layers. */
struct img {
	char *ref;
	char *manifest_digest;
	char *config_digest;
	char *platform;
	json_t *config;
	struct layer_ref *layers;
	size_t nlayers;
};

/* A top-level image of the archive/layout: a name and the descriptors or
 * docker manifest.json entries that belong to it. */
struct top {
	char *name;          /* ref name ("name:tag" or tag) or NULL */
	json_t *desc;        /* OCI descriptor, or docker manifest.json entry */
	int docker;          /* desc is a manifest.json entry */
};

struct scan {
	struct lb_ctx *cx;
	struct lb_hmap seen;     /* digests of indexes and manifests already read */
	char **seen_keys;
	size_t nseen, capseen;
	struct lb_store *st;
	const char *input;
	const char *kind;
	struct img *imgs;
	size_t nimgs, capimgs;
	/* registry: the platform wanted; other platforms of an index are not
	 * fetched, only listed (each manifest GET counts against rate limits) */
	const char *remote_platform;
	char **passed;
	size_t npassed, cappassed;
	struct lb_lcache *lc;    /* layer cache (image/lcache.h), or NULL */
};

const char *
lb_host_platform(void)
{
	struct utsname u;

	if (uname(&u) != 0)
		return "linux/amd64";
	if (strcmp(u.machine, "x86_64") == 0) return "linux/amd64";
	if (strcmp(u.machine, "aarch64") == 0) return "linux/arm64/v8";
	if (strncmp(u.machine, "armv7", 5) == 0) return "linux/arm/v7";
	if (strncmp(u.machine, "armv6", 5) == 0) return "linux/arm/v6";
	if (strcmp(u.machine, "i686") == 0 || strcmp(u.machine, "i386") == 0) return "linux/386";
	if (strcmp(u.machine, "ppc64le") == 0) return "linux/ppc64le";
	if (strcmp(u.machine, "s390x") == 0) return "linux/s390x";
	if (strcmp(u.machine, "riscv64") == 0) return "linux/riscv64";
	return "linux/amd64";
}

static void
img_release(struct img *m)
{
	free(m->ref);
	free(m->manifest_digest);
	free(m->config_digest);
	free(m->platform);
	json_decref(m->config);
	for (size_t i = 0; i < m->nlayers; i++) {
		free(m->layers[i].path);
		free(m->layers[i].digest);
		free(m->layers[i].media_type);
		free(m->layers[i].diff_id);
	}
	free(m->layers);
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Strict JSON: UTF-8 only, no duplicate keys, a size cap (jansson caps depth). */
static int
parse_json(struct scan *s, struct lb_buf *b, const char *what, json_t **out)
{
	json_error_t e;

	*out = json_loadb((const char *)b->p, b->len, JSON_REJECT_DUPLICATES, &e);
	if (!*out) {
		lb_err(s->cx, "malformed %s: line %d: %s", what, e.line, e.text);
		return -LB_E_FORMAT;
	}
	return 0;
}

/* image-spec descriptor.md: size is REQUIRED, a non-negative int64. */
static int64_t
desc_size(json_t *desc)
{
	json_t *sz = json_object_get(desc, "size");

	if (!json_is_integer(sz) || json_integer_value(sz) < 0)
		return -1;
	return json_integer_value(sz);
}

static char *
blob_path(const char *digest)
{
	return lb_xasprintf("blobs/sha256/%s", digest + 7);
}

/* Reads a blob named by a descriptor, checking digest and size. */
static int
read_blob(struct scan *s, const char *digest, int64_t size, const char *what, json_t **out)
{
	struct lb_buf b = LB_BUF_INIT(LB_MAX_JSON_DOC);
	struct lb_istream *is = NULL;
	uint64_t fsize;
	char buf[65536], *path = NULL;
	ssize_t n;
	int r;

	*out = NULL;
	if (!lb_digest_valid(digest)) {
		lb_err(s->cx, "%s: invalid or unsupported digest '%.100s'", what, digest ? digest : "(none)");
		return digest && strncmp(digest, "sha256:", 7) != 0 ? -LB_E_UNSUPPORTED : -LB_E_FORMAT;
	}
	if (size < 0) {
		lb_err(s->cx, "%s %s: the descriptor has no valid size", what, digest);
		return -LB_E_FORMAT;
	}
	if (size > (int64_t)LB_MAX_JSON_DOC) {
		lb_err(s->cx, "%s %s: %lld bytes is over the %u byte limit", what, digest,
		    (long long)size, LB_MAX_JSON_DOC);
		return -LB_E_LIMIT;
	}
	path = blob_path(digest);
	if ((r = lb_store_open_blob(s->st, digest, strcmp(what, "config") != 0, size, &is, &fsize)) < 0) {
		lb_err(s->cx, "%s %s: blob is missing from '%s'", what, digest, s->input);
		/* a missing blob is a broken image (65), not a missing input (66) */
		if (r == -LB_E_NOTFOUND)
			r = -LB_E_FORMAT;
		goto out;
	}
	is = lb_is_digest(is, digest, size);
	while ((n = lb_is_read(is, buf, sizeof(buf))) > 0)
		if ((r = lb_buf_add(&b, buf, (size_t)n)) < 0) {
			lb_err(s->cx, "%s %s: over the %u byte limit", what, digest, LB_MAX_JSON_DOC);
			goto out;
		}
	if (n < 0) {
		r = (int)n;
		lb_err(s->cx, "%s %s: %s", what, digest,
		    r == -LB_E_DIGEST ? "content does not match its digest or size" : lb_strerror(r));
		goto out;
	}
	{
		char *w = lb_xasprintf("%s %s", what, digest);
		r = parse_json(s, &b, w, out);
		free(w);
	}
out:
	lb_is_close(is);
	lb_buf_release(&b);
	free(path);
	return r;
}

static char *
platform_of(json_t *plat_or_config)
{
	const char *os = jstr(plat_or_config, "os"), *arch = jstr(plat_or_config, "architecture");
	const char *var = jstr(plat_or_config, "variant");

	if (!os || !arch)
		return NULL;
	return var && *var ? lb_xasprintf("%s/%s/%s", os, arch, var) : lb_xasprintf("%s/%s", os, arch);
}

static struct img *
new_img(struct scan *s)
{
	struct img *m;

	lb_xgrow(&s->imgs, &s->capimgs, s->nimgs + 1, sizeof(*s->imgs));
	m = &s->imgs[s->nimgs++];
	memset(m, 0, sizeof(*m));
	return m;
}

/* Reads the config blob, checks diff IDs against the layer count. */
static int
load_config(struct scan *s, struct img *m, const char *path, const char *digest, int64_t size)
{
	struct lb_buf b = LB_BUF_INIT(LB_MAX_JSON_DOC);
	json_t *ids;
	int r;

	if (digest) {
		if ((r = read_blob(s, digest, size, "config", &m->config)) < 0)
			goto out;
	} else {
		/* legacy docker save: the config is named "<hex>.json"; check it when we can */
		struct lb_istream *is;
		uint64_t fsize;
		char buf[65536], hex[72];
		ssize_t n;
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		int have = 0;

		if (strncmp(path, "blobs/sha256/", 13) == 0) {
			snprintf(hex, sizeof(hex), "sha256:%.64s", path + 13);
			have = lb_digest_valid(hex) && strlen(path) == 13 + 64;
		} else if (strlen(base) == 64 + 5 && strcmp(base + 64, ".json") == 0) {
			snprintf(hex, sizeof(hex), "sha256:%.64s", base);
			have = lb_digest_valid(hex);
		} else if (strncmp(base, "sha256:", 7) == 0) {
			snprintf(hex, sizeof(hex), "%.71s", base);
			have = lb_digest_valid(hex);
		}
		if ((r = lb_store_open_file(s->st, path, &is, &fsize)) < 0) {
			lb_err(s->cx, "config '%s' is missing from '%s'", path, s->input);
			if (r == -LB_E_NOTFOUND)
				r = -LB_E_FORMAT;
			goto out;
		}
		is = lb_is_digest(is, have ? hex : NULL, -1);
		while ((n = lb_is_read(is, buf, sizeof(buf))) > 0)
			if ((r = lb_buf_add(&b, buf, (size_t)n)) < 0)
				break;
		if (n < 0)
			r = (int)n;
		if (r >= 0 && have)
			m->config_digest = lb_xstrdup(hex);
		else if (r >= 0)
			m->config_digest = lb_xstrdup(lb_is_digest_result(is));
		lb_is_close(is);
		if (r < 0) {
			lb_err(s->cx, "config '%s': %s", path,
			    r == -LB_E_DIGEST ? "content does not match its digest" : lb_strerror(r));
			goto out;
		}
		if ((r = parse_json(s, &b, "config", &m->config)) < 0)
			goto out;
	}
	if (!json_is_object(m->config)) {
		lb_err(s->cx, "malformed config of '%s': not a JSON object", s->input);
		r = -LB_E_FORMAT;
		goto out;
	}
	ids = json_object_get(json_object_get(m->config, "rootfs"), "diff_ids");
	if (!json_is_array(ids) || json_array_size(ids) != m->nlayers) {
		lb_err(s->cx, "malformed config %s: %zu diff IDs for %zu layers",
		    m->config_digest ? m->config_digest : path,
		    json_is_array(ids) ? json_array_size(ids) : 0, m->nlayers);
		r = -LB_E_FORMAT;
		goto out;
	}
	for (size_t i = 0; i < m->nlayers; i++) {
		const char *d = json_string_value(json_array_get(ids, i));
		if (!lb_digest_valid(d)) {
			lb_err(s->cx, "malformed config: diff ID %zu is not a sha256 digest", i);
			r = -LB_E_FORMAT;
			goto out;
		}
		m->layers[i].diff_id = lb_xstrdup(d);
	}
	if (!m->platform)
		m->platform = platform_of(m->config);
	r = 0;
out:
	lb_buf_release(&b);
	return r;
}

static int
is_foreign(const char *mt)
{
	return mt && (strstr(mt, "foreign") || strstr(mt, "nondistributable"));
}

/* An OCI/Docker schema2 manifest. */
static int
load_manifest(struct scan *s, json_t *desc, const char *name, const char *platform)
{
	const char *digest = jstr(desc, "digest");
	json_t *man = NULL, *layers, *cfg;
	struct img *m;
	int r;

	if ((r = read_blob(s, digest, desc_size(desc), "manifest", &man)) < 0)
		return r;
	layers = json_object_get(man, "layers");
	cfg = json_object_get(man, "config");
	/* a manifest that is also an index, or says it is one, is not read as
	 * a manifest (the media type decides how a blob is read) */
	if (!json_is_object(cfg) || !json_is_array(layers) || json_object_get(man, "manifests") ||
	    (jstr(man, "mediaType") && (strcmp(jstr(man, "mediaType"), MT_OCI_INDEX) == 0 ||
	    strcmp(jstr(man, "mediaType"), MT_DOCKER_LIST) == 0))) {
		lb_err(s->cx, "malformed manifest %s: %s", digest,
		    json_object_get(man, "manifests") || jstr(man, "mediaType") ?
		    "its mediaType or content is not that of an image manifest" : "no config or layers");
		r = -LB_E_FORMAT;
		goto out;
	}
	if (!lb_digest_valid(jstr(cfg, "digest")) || desc_size(cfg) < 0) {
		lb_err(s->cx, "malformed manifest %s: config: invalid or unsupported digest, or no valid size", digest);
		r = -LB_E_FORMAT;
		goto out;
	}
	if (json_array_size(layers) > LB_MAX_LAYERS) {
		lb_err(s->cx, "manifest %s: %zu layers is over the limit of %d", digest,
		    json_array_size(layers), LB_MAX_LAYERS);
		r = -LB_E_LIMIT;
		goto out;
	}
	m = new_img(s);
	m->ref = name ? lb_xstrdup(name) : NULL;
	m->manifest_digest = lb_xstrdup(digest);
	m->platform = platform ? lb_xstrdup(platform) : NULL;
	m->nlayers = json_array_size(layers);
	m->layers = lb_xcalloc(m->nlayers ? m->nlayers : 1, sizeof(*m->layers));
	for (size_t i = 0; i < m->nlayers; i++) {
		json_t *l = json_array_get(layers, i);
		const char *d = jstr(l, "digest");
		json_t *sz = json_object_get(l, "size");
		if (!lb_digest_valid(d) || !json_is_integer(sz) || json_integer_value(sz) < 0) {
			lb_err(s->cx, "malformed manifest %s: layer %zu has no valid sha256 digest and size",
			    digest, i);
			r = -LB_E_FORMAT;
			goto out;
		}
		m->layers[i].digest = lb_xstrdup(d);
		m->layers[i].path = blob_path(d);
		m->layers[i].size = json_integer_value(sz);
		m->layers[i].media_type = jstr(l, "mediaType") ? lb_xstrdup(jstr(l, "mediaType")) : NULL;
		m->layers[i].foreign = is_foreign(m->layers[i].media_type);
	}
	m->config_digest = lb_xstrdup(jstr(cfg, "digest"));
	r = load_config(s, m, NULL, m->config_digest, desc_size(cfg));
out:
	json_decref(man);
	return r;
}

static int
is_attestation(json_t *desc)
{
	json_t *p = json_object_get(desc, "platform");
	const char *t = jstr(json_object_get(desc, "annotations"), "vnd.docker.reference.type");

	if (t && strcmp(t, "attestation-manifest") == 0)
		return 1;
	return p && jstr(p, "os") && strcmp(jstr(p, "os"), "unknown") == 0;
}

/* Whether digest was met before; remembers it otherwise. An index that
 * lists one child many times, at several levels, must not cost
 * children^levels reads (nor give the same image twice). */
static int
seen_before(struct scan *s, const char *digest)
{
	char *k;

	if (!digest)
		return 0;
	if (lb_hmap_get(&s->seen, digest, strlen(digest)))
		return 1;
	k = lb_xstrdup(digest);
	lb_xgrow(&s->seen_keys, &s->capseen, s->nseen + 1, sizeof(char *));
	s->seen_keys[s->nseen++] = k;
	lb_hmap_put(&s->seen, k, strlen(k), k);
	return 0;
}

static int platform_matches(const char *want, const char *have);

/* Registry: whether the index entry d is an image manifest of another
 * platform than the one wanted, while list has more than one image (a
 * single image is scanned whatever its platform, as on disk). Returns its
 * platform (new string) when it is to be passed over, else NULL. */
static char *
remote_passed_over(struct scan *s, json_t *list, json_t *d)
{
	const char *mt = jstr(d, "mediaType");
	size_t images = 0;
	char *p;

	if (!mt || (strcmp(mt, MT_OCI_MANIFEST) != 0 && strcmp(mt, MT_DOCKER_MANIFEST) != 0) ||
	    is_attestation(d) || !json_is_object(json_object_get(d, "platform")))
		return NULL;
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *e = json_array_get(list, i);
		const char *emt = jstr(e, "mediaType");
		images += emt && !is_attestation(e) && (strcmp(emt, MT_OCI_MANIFEST) == 0 ||
		    strcmp(emt, MT_DOCKER_MANIFEST) == 0);
	}
	if (images < 2 || !(p = platform_of(json_object_get(d, "platform"))))
		return NULL;
	if (platform_matches(s->remote_platform, p)) {
		free(p);
		return NULL;
	}
	return p;
}

/* Walks a descriptor: an index recurses, a manifest is loaded. */
static int
load_desc(struct scan *s, json_t *desc, const char *name, int depth)
{
	const char *mt = jstr(desc, "mediaType"), *digest = jstr(desc, "digest");
	json_t *idx = NULL, *list;
	char *plat = NULL;
	int r = 0;

	if (depth > LB_MAX_INDEX_DEPTH) {
		lb_err(s->cx, "image indexes nested deeper than %d", LB_MAX_INDEX_DEPTH);
		return -LB_E_LIMIT;
	}
	if (!mt || is_attestation(desc))
		return 0;   /* image-index.md: unknown media types MUST NOT be an error */
	if (seen_before(s, digest))
		return 0;
	if (strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_DOCKER_MANIFEST) == 0) {
		plat = json_is_object(json_object_get(desc, "platform")) ?
		    platform_of(json_object_get(desc, "platform")) : NULL;
		r = load_manifest(s, desc, name, plat);
		free(plat);
		return r;
	}
	if (strcmp(mt, MT_OCI_INDEX) != 0 && strcmp(mt, MT_DOCKER_LIST) != 0)
		return 0;
	if ((r = read_blob(s, digest, desc_size(desc), "index", &idx)) < 0)
		return r;
	list = json_object_get(idx, "manifests");
	if (json_object_get(idx, "layers") || json_object_get(idx, "config") ||
	    (jstr(idx, "mediaType") && strcmp(jstr(idx, "mediaType"), mt) != 0)) {
		lb_err(s->cx, "malformed index %s: its mediaType or content is not that of an index", digest);
		r = -LB_E_FORMAT;
		goto out;
	}
	if (!json_is_array(list) || json_array_size(list) > LB_MAX_MANIFESTS) {
		lb_err(s->cx, "malformed index %s: 'manifests' is not an array of at most %d",
		    digest, LB_MAX_MANIFESTS);
		r = -LB_E_FORMAT;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(list) && r >= 0; i++) {
		json_t *d = json_array_get(list, i);
		if (s->remote_platform && (plat = remote_passed_over(s, list, d))) {
			lb_xgrow(&s->passed, &s->cappassed, s->npassed + 1, sizeof(char *));
			s->passed[s->npassed++] = plat;
			plat = NULL;
			continue;
		}
		r = load_desc(s, d, name, depth + 1);
	}
out:
	json_decref(idx);
	return r;
}

/* A manifest.json entry of a legacy docker save. */
static int
load_docker_entry(struct scan *s, json_t *ent, const char *name)
{
	json_t *layers = json_object_get(ent, "Layers");
	const char *cfg = jstr(ent, "Config");
	struct img *m;

	if (!cfg || !json_is_array(layers)) {
		lb_err(s->cx, "malformed manifest.json in '%s': an entry lacks Config or Layers", s->input);
		return -LB_E_FORMAT;
	}
	if (json_array_size(layers) > LB_MAX_LAYERS) {
		lb_err(s->cx, "manifest.json: %zu layers is over the limit of %d",
		    json_array_size(layers), LB_MAX_LAYERS);
		return -LB_E_LIMIT;
	}
	m = new_img(s);
	m->ref = name ? lb_xstrdup(name) : NULL;
	m->nlayers = json_array_size(layers);
	m->layers = lb_xcalloc(m->nlayers ? m->nlayers : 1, sizeof(*m->layers));
	for (size_t i = 0; i < m->nlayers; i++) {
		const char *p = json_string_value(json_array_get(layers, i));
		if (!p) {
			lb_err(s->cx, "malformed manifest.json: layer %zu is not a path", i);
			return -LB_E_FORMAT;
		}
		m->layers[i].path = lb_xstrdup(p);
		m->layers[i].size = -1;
		/* Docker >= 25 points into blobs/sha256/: the path names the digest */
		if (strncmp(p, "blobs/sha256/", 13) == 0) {
			char *d = lb_xasprintf("sha256:%s", p + 13);
			if (lb_digest_valid(d))
				m->layers[i].digest = d;
			else
				free(d);
		}
	}
	return load_config(s, m, cfg, NULL, -1);
}

static int
tag_matches(const char *want, const char *name)
{
	size_t wl, nl;

	if (!name)
		return 0;
	if (strcmp(want, name) == 0)
		return 1;
	/* "alpine:3.7" matches "docker.io/library/alpine:3.7"; "3.7" matches a bare tag */
	wl = strlen(want), nl = strlen(name);
	if (nl > wl && name[nl - wl - 1] == '/' && strcmp(name + nl - wl, want) == 0)
		return 1;
	if (!strchr(want, ':') && !strchr(want, '@')) {
		const char *c = strrchr(name, ':');
		if (c && strcmp(c + 1, want) == 0)
			return 1;
		if (strncmp(name, want, wl) == 0 && (name[wl] == ':' || name[wl] == 0))
			return 1;
	}
	return 0;
}

static int
platform_matches(const char *want, const char *have)
{
	char w[128], h[128];
	char *wv, *hv;

	if (!have)
		return 0;
	snprintf(w, sizeof(w), "%s", want);
	snprintf(h, sizeof(h), "%s", have);
	/* split off variants: "linux/arm64/v8" -> "linux/arm64" + "v8" */
	wv = strchr(strchr(w, '/') ? strchr(w, '/') + 1 : w, '/');
	hv = strchr(strchr(h, '/') ? strchr(h, '/') + 1 : h, '/');
	if (wv)
		*wv++ = 0;
	if (hv)
		*hv++ = 0;
	if (strcmp(w, h) != 0)
		return 0;
	if (!wv || !*wv)
		return 1;
	if (!hv && strcmp(w, "linux/arm64") == 0 && strcmp(wv, "v8") == 0)
		return 1;   /* arm64 without a variant is v8 */
	return hv && strcmp(wv, hv) == 0;
}

/* Docker 25 can write "manifests": null (moby #47210); manifest.json then
 * still lists the image, so such an index.json is passed over. */
static int
index_is_empty(struct scan *s)
{
	struct lb_buf b = LB_BUF_INIT(LB_MAX_JSON_DOC);
	json_t *doc;
	int empty = 0;

	if (lb_store_read(s->st, "index.json", &b) == 0 &&
	    (doc = json_loadb((const char *)b.p, b.len, JSON_REJECT_DUPLICATES, NULL))) {
		json_t *m = json_object_get(doc, "manifests");
		empty = !json_is_array(m) || json_array_size(m) == 0;
		json_decref(doc);
	}
	lb_buf_release(&b);
	return empty;
}

static int
collect_tops(struct scan *s, struct top **tops, size_t *ntops, json_t **doc)
{
	struct lb_buf b = LB_BUF_INIT(LB_MAX_JSON_DOC);
	json_t *list;
	size_t cap = 0;
	int r;

	*tops = NULL;
	*ntops = 0;
	if (lb_store_has(s->st, "index.json") && !(lb_store_has(s->st, "manifest.json") &&
	    index_is_empty(s))) {
		if ((r = lb_store_read(s->st, "index.json", &b)) < 0) {
			lb_err(s->cx, "cannot read index.json of '%s': %s", s->input, lb_strerror(r));
			goto out;
		}
		if ((r = parse_json(s, &b, "index.json", doc)) < 0)
			goto out;
		list = json_object_get(*doc, "manifests");
		if (!json_is_array(list) || json_array_size(list) > LB_MAX_MANIFESTS) {
			lb_err(s->cx, "malformed index.json in '%s': 'manifests' is not an array of at most %d",
			    s->input, LB_MAX_MANIFESTS);
			r = -LB_E_FORMAT;
			goto out;
		}
		for (size_t i = 0; i < json_array_size(list); i++) {
			json_t *d = json_array_get(list, i);
			json_t *ann = json_object_get(d, "annotations");
			const char *nm = jstr(ann, "io.containerd.image.name");
			if (!nm)
				nm = jstr(ann, "org.opencontainers.image.ref.name");
			lb_xgrow(tops, &cap, *ntops + 1, sizeof(**tops));
			(*tops)[*ntops].name = nm ? lb_xstrdup(nm) : NULL;
			(*tops)[*ntops].desc = d;
			(*tops)[*ntops].docker = 0;
			(*ntops)++;
		}
	} else if (lb_store_has(s->st, "manifest.json")) {
		if ((r = lb_store_read(s->st, "manifest.json", &b)) < 0) {
			lb_err(s->cx, "cannot read manifest.json of '%s': %s", s->input, lb_strerror(r));
			goto out;
		}
		if ((r = parse_json(s, &b, "manifest.json", doc)) < 0)
			goto out;
		if (!json_is_array(*doc) || json_array_size(*doc) == 0 ||
		    json_array_size(*doc) > LB_MAX_MANIFESTS) {
			lb_err(s->cx, "malformed manifest.json in '%s': expected a non-empty array of images",
			    s->input);
			r = -LB_E_FORMAT;
			goto out;
		}
		for (size_t i = 0; i < json_array_size(*doc); i++) {
			json_t *e = json_array_get(*doc, i);
			json_t *tags = json_object_get(e, "RepoTags");
			const char *nm = json_string_value(json_array_get(tags, 0));
			lb_xgrow(tops, &cap, *ntops + 1, sizeof(**tops));
			(*tops)[*ntops].name = nm ? lb_xstrdup(nm) : NULL;
			(*tops)[*ntops].desc = e;
			(*tops)[*ntops].docker = 1;
			(*ntops)++;
		}
	} else {
		lb_err(s->cx, "'%s' is not a container image: no index.json (OCI) or manifest.json (docker save)%s",
		    s->input, lb_store_has(s->st, "repositories") ?
		    "; it looks like a docker save of the v1 format, which is not supported" : "");
		r = -LB_E_FORMAT;
		goto out;
	}
	r = 0;
out:
	lb_buf_release(&b);
	return r;
}

/* For docker manifest.json, RepoTags of the other tags too. */
static int
top_matches(struct top *t, const char *want)
{
	json_t *tags;

	if (tag_matches(want, t->name))
		return 1;
	if (!t->docker)
		return 0;
	tags = json_object_get(t->desc, "RepoTags");
	for (size_t i = 0; i < json_array_size(tags); i++)
		if (tag_matches(want, json_string_value(json_array_get(tags, i))))
			return 1;
	return 0;
}

/* --- layers ---------------------------------------------------------- */

struct walkjob {
	struct scan *s;
	struct img *m;
	struct lb_fsview *v;
	struct lb_inventory *inv;
	atomic_size_t next;
	atomic_int failed;
	int err;
	pthread_mutex_t lock;
};

/* Opens a layer blob as its uncompressed tar: compressed digest checked,
 * inflated in a read-ahead thread, diff ID checked, size capped. Errors
 * are logged naming the layer, except a missing blob (-LB_E_NOTFOUND),
 * which the caller judges (foreign layers may be absent). */
static int
open_layer(struct walkjob *j, const struct layer_ref *l, const char *what, struct lb_istream **out,
    const char **kind)
{
	struct lb_istream *is = NULL;
	uint64_t size;
	int r, err;

	*out = NULL;
	/* a registry caps the download at the descriptor's size */
	r = l->digest && lb_store_is_registry(j->s->st) ?
	    lb_store_open_blob(j->s->st, l->digest, 0, l->size, &is, &size) :
	    lb_store_open_file(j->s->st, l->path, &is, &size);
	if (r < 0)
		return r;
	if (l->digest)
		is = lb_is_digest(is, l->digest, l->size);
	if (!(is = lb_is_decompress(is, kind, &err))) {
		lb_err(j->s->cx, "layer %s: %s", what,
		    err == -LB_E_DIGEST ? "content does not match its digest" : lb_strerror(err));
		return err;
	}
	/* inflate in a thread of its own; hash the tar and walk it in this one */
	if (strcmp(*kind, "none") != 0)
		is = lb_is_async(is);
	/* an uncompressed blob's digest is its diff ID: checked once */
	if (strcmp(*kind, "none") != 0 || !l->digest || strcmp(l->digest, l->diff_id) != 0)
		is = lb_is_digest(is, l->diff_id, -1);
	*out = lb_is_limit(is, LB_MAX_LAYER_BYTES);
	return 0;
}

static int
walk_one(struct walkjob *j, size_t i)
{
	struct layer_ref *l = &j->m->layers[i];
	struct lb_istream *is = NULL;
	struct lb_walk_stats st;
	struct lb_lcache_mark mark;
	const char *kind = "none";
	char *what;
	int r;

	memset(&st, 0, sizeof(st));
	what = lb_xstrdup(l->digest ? l->digest : l->diff_id);
	/* a layer analysed before (by diff ID, any image, any store): its blob
	 * is not even opened */
	if (lb_lcache_load(j->s->lc, j->s->cx, l->diff_id, j->v, (int)i, what)) {
		r = 0;
		goto out;
	}
	lb_lcache_mark(j->s->cx, &mark);
	if ((r = open_layer(j, l, what, &is, &kind)) < 0) {
		if (r == -LB_E_NOTFOUND && l->foreign) {
			lb_warn(j->s->cx, "layer %s: foreign layer is not in the archive; not scanned", what);
			j->inv->layers[i].skipped = true;
			r = 0;
		} else if (r == -LB_E_NOTFOUND) {
			lb_err(j->s->cx, "layer %s: blob '%s' is missing from '%s'", what, l->path, j->s->input);
			r = -LB_E_FORMAT;
		}
		goto out;
	}
	r = lb_layer_walk_tar(j->s->cx, is, j->v, (int)i, what, &st);
	is = NULL;
	if (r >= 0 && st.nwanted) {
		/* hard links to files nobody asked for: read the layer again */
		lb_debug(j->s->cx, "layer %s: second pass for %zu hard-link targets", what, st.nwanted);
		if ((r = open_layer(j, l, what, &is, &kind)) >= 0) {
			r = lb_layer_capture_tar(j->s->cx, is, j->v, (int)i, what, st.wanted, st.nwanted);
			is = NULL;
		}
	}
	lb_walk_stats_release(&st);
	lb_debug(j->s->cx, "layer %s: %s, %llu entries, %llu files kept", what, kind,
	    (unsigned long long)st.entries, (unsigned long long)st.captured);
	/* only now: the blob was read to its end and both digests matched */
	if (r >= 0)
		lb_lcache_store(j->s->lc, j->s->cx, l->diff_id, j->v, (int)i, what, &mark);
out:
	lb_is_close(is);
	free(what);
	return r;
}

static void *
walk_worker(void *arg)
{
	struct walkjob *j = arg;
	size_t i;
	int r;

	while (!atomic_load(&j->failed) && (i = atomic_fetch_add(&j->next, 1)) < j->m->nlayers) {
		if ((r = walk_one(j, i)) < 0) {
			pthread_mutex_lock(&j->lock);
			if (!j->err)
				j->err = r;
			pthread_mutex_unlock(&j->lock);
			atomic_store(&j->failed, 1);
		}
	}
	return NULL;
}

/* Layers are walked in parallel, one thread per core at most. */
static int
walk_layers(struct scan *s, struct img *m, struct lb_fsview *v, struct lb_inventory *inv)
{
	struct walkjob j = { .s = s, .m = m, .v = v, .inv = inv };
	pthread_t th[64];
	size_t nth = (size_t)(s->cx->nthreads > 0 ? s->cx->nthreads : 1), started = 0;

	if (nth > 64)
		nth = 64;
	if (nth > m->nlayers)
		nth = m->nlayers;
	atomic_init(&j.next, 0);
	atomic_init(&j.failed, 0);
	pthread_mutex_init(&j.lock, NULL);
	for (size_t i = 1; i < nth; i++)
		if (pthread_create(&th[i], NULL, walk_worker, &j) == 0)
			started = i;
		else
			break;
	walk_worker(&j);
	for (size_t i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&j.lock);
	return j.err;
}

/* Walks the layers of m (dir NULL) or the tree dir (into layer 0 of v,
 * stats in *st) with the analyzers' interests indexed for the walk. */
static int
walk_indexed(struct lb_ctx *cx, const char *dir, struct scan *s, struct img *m, struct lb_fsview *v,
    struct lb_inventory *inv, struct lb_walk_stats *st)
{
	struct lb_interest_index *x = NULL;
	int r;

	if (!cx->interests)
		cx->interests = x = lb_interest_index_new(lb_analyzers);
	r = dir ? lb_layer_walk_dir(cx, dir, v, 0, st) : walk_layers(s, m, v, inv);
	if (x) {
		cx->interests = NULL;
		lb_interest_index_free(x);
	}
	return r;
}

static void
fill_layers(struct img *m, struct lb_inventory *inv)
{
	json_t *hist = json_object_get(m->config, "history");
	size_t h = 0;

	inv->nlayers = m->nlayers;
	inv->layers = lb_xcalloc(m->nlayers ? m->nlayers : 1, sizeof(*inv->layers));
	for (size_t i = 0; i < m->nlayers; i++) {
		struct lb_layer_info *li = &inv->layers[i];
		li->digest = m->layers[i].digest ? lb_xstrdup(m->layers[i].digest) : NULL;
		li->diff_id = lb_xstrdup(m->layers[i].diff_id);
		li->media_type = m->layers[i].media_type ? lb_xstrdup(m->layers[i].media_type) : NULL;
		li->size = m->layers[i].size > 0 ? (uint64_t)m->layers[i].size : 0;
		/* config.md: history entries with empty_layer do not have a layer */
		while (h < json_array_size(hist) &&
		    json_is_true(json_object_get(json_array_get(hist, h), "empty_layer")))
			h++;
		if (h < json_array_size(hist)) {
			const char *cb = jstr(json_array_get(hist, h), "created_by");
			li->created_by = cb ? lb_xstrdup(cb) : NULL;
			h++;
		}
	}
}

static void
take_warnings(struct lb_ctx *cx, size_t from, struct lb_inventory *inv)
{
	pthread_mutex_lock(&cx->lock);
	for (size_t i = from; i < cx->nkept; i++) {
		inv->warnings = lb_xrealloc(inv->warnings, (inv->nwarnings + 1) * sizeof(char *));
		inv->warnings[inv->nwarnings++] = lb_xstrdup(cx->warnings[i]);
	}
	if (cx->nkept > from)
		inv->partial = true;
	pthread_mutex_unlock(&cx->lock);
}

static int
scan_img(struct scan *s, struct img *m, struct lb_inventory **out)
{
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_fsview *v = lb_fsview_new(m->nlayers);
	size_t w0 = s->cx->nkept;
	int r;

	*out = NULL;
	inv->source_kind = lb_xstrdup(s->kind);
	inv->source = lb_xstrdup(s->input);
	inv->ref = m->ref ? lb_xstrdup(m->ref) : NULL;
	inv->image_id = m->config_digest ? lb_xstrdup(m->config_digest) : NULL;
	inv->manifest_digest = m->manifest_digest ? lb_xstrdup(m->manifest_digest) : NULL;
	inv->platform = m->platform ? lb_xstrdup(m->platform) : NULL;
	fill_layers(m, inv);
	if (s->cx->file_hook && s->cx->file_hook->begin)
		s->cx->file_hook->begin(s->cx->file_hook->arg);
	r = walk_indexed(s->cx, NULL, s, m, v, inv, NULL);
	if (r < 0)
		goto out;
	lb_fsview_seal(v);
	if ((r = lb_analyze_all(s->cx, v, inv)) < 0)
		goto out;
	lb_inventory_finish(inv);
	take_warnings(s->cx, w0, inv);
	*out = inv;
	inv = NULL;
out:
	lb_fsview_free(v);
	lb_inventory_free(inv);
	return r;
}

/* Splits "dir:TAG" / "dir@sha256:..." when the whole string is not a path. */
static char *
split_ref(const char *input, char **ref)
{
	struct stat st;
	const char *at, *colon, *slash;

	*ref = NULL;
	if (stat(input, &st) == 0)
		return lb_xstrdup(input);
	slash = strrchr(input, '/');
	at = strrchr(input, '@');
	if (at && (!slash || at > slash)) {
		*ref = lb_xstrdup(at + 1);
		return lb_xstrndup(input, (size_t)(at - input));
	}
	colon = strrchr(input, ':');
	if (colon && (!slash || colon > slash)) {
		*ref = lb_xstrdup(colon + 1);
		return lb_xstrndup(input, (size_t)(colon - input));
	}
	return lb_xstrdup(input);
}

int
lb_image_scan(struct lb_ctx *cx, const struct lb_scan_opts *o, struct lb_inventory ***out, size_t *nout)
{
	struct scan s = { .cx = cx };
	struct top *tops = NULL;
	size_t ntops = 0, nsel = 0;
	json_t *doc = NULL;
	char *path = NULL, *ref = NULL;
	const char *want = o->image, *plat = o->platform;
	const char **names = NULL;
	struct lb_inventory **res = NULL;
	struct img **sel = NULL;
	int r;

	*out = NULL;
	*nout = 0;
	if (o->registry) {
		/* a registry is a third blob source behind the same store calls */
		path = lb_xstrdup(o->ref_name);
		s.input = o->ref_name;
		s.remote_platform = plat && strcmp(plat, "all") != 0 ? plat : plat ? NULL : lb_host_platform();
		r = lb_store_open_registry(cx, o->registry, o->repo, o->reference, o->ref_name, &s.st);
	} else {
		path = split_ref(o->input, &ref);
		s.input = o->input;
		r = lb_store_open(cx, path, &s.st);
	}
	if (r < 0)
		goto out;
	if ((r = collect_tops(&s, &tops, &ntops, &doc)) < 0)
		goto out;
	if (lb_store_is_registry(s.st))
		s.kind = "registry";
	else if (lb_store_is_dir(s.st))
		s.kind = "oci-layout";
	else if (lb_store_has(s.st, "manifest.json"))
		s.kind = "docker-archive";
	else
		s.kind = "oci-archive";
	if (ref && strncmp(ref, "sha256:", 7) == 0) {
		/* layout@DIGEST: the descriptor with that digest, at any depth of index.json */
		size_t k = 0;
		for (size_t i = 0; i < ntops; i++)
			if (!tops[i].docker && jstr(tops[i].desc, "digest") &&
			    strcmp(jstr(tops[i].desc, "digest"), ref) == 0)
				tops[k++] = tops[i];
			else
				free(tops[i].name);
		ntops = k;
		if (!ntops) {
			lb_err(cx, "'%s' has no manifest or index %s at its top level", path, ref);
			r = -LB_E_NOTFOUND;
			goto out;
		}
	} else if (ref && !want) {
		want = ref;
	}
	/* pick the top-level image(s) */
	{
		size_t k = 0, groups = 0;
		for (size_t i = 0; i < ntops; i++) {
			if (want && !top_matches(&tops[i], want)) {
				free(tops[i].name);
				continue;
			}
			tops[k++] = tops[i];
		}
		ntops = k;
		if (want && k == 0) {
			lb_err(cx, "'%s' has no image named '%s'", path, want);
			r = -LB_E_NOTFOUND;
			goto listing;
		}
		/* several names: ambiguous unless all name the same image */
		for (size_t i = 0; i < ntops; i++) {
			int seen = 0;
			for (size_t j = 0; j < i && !seen; j++)
				if ((tops[i].name == NULL) == (tops[j].name == NULL) &&
				    (!tops[i].name || strcmp(tops[i].name, tops[j].name) == 0))
					seen = 1;
			groups += !seen;
		}
		if (groups > 1) {
			lb_err(cx, "'%s' holds %zu images; choose one with --image NAME[:TAG]", path, groups);
			r = -LB_E_USAGE;
			goto listing;
		}
	}
	for (size_t i = 0; i < ntops && r >= 0; i++)
		r = tops[i].docker ? load_docker_entry(&s, tops[i].desc, tops[i].name) :
		    load_desc(&s, tops[i].desc, tops[i].name, 0);
	if (r < 0)
		goto out;
	if (s.nimgs == 0 && s.npassed == 0) {
		lb_err(cx, "'%s' holds no image manifest that lifebelt can read", path);
		r = -LB_E_FORMAT;
		goto out;
	}
	/* pick the platform(s) */
	sel = lb_xcalloc(s.nimgs, sizeof(*sel));
	if (plat && strcmp(plat, "all") == 0) {
		for (size_t i = 0; i < s.nimgs; i++)
			sel[nsel++] = &s.imgs[i];
	} else if (!plat && s.nimgs == 1) {
		sel[nsel++] = &s.imgs[0];
	} else {
		const char *p = plat ? plat : lb_host_platform();
		for (size_t i = 0; i < s.nimgs && !nsel; i++)
			if (platform_matches(p, s.imgs[i].platform))
				sel[nsel++] = &s.imgs[i];   /* image-index.md: the first match */
		if (!nsel) {
			lb_err(cx, "'%s' has no image for platform %s; it has:", path, p);
			for (size_t i = 0; i < s.nimgs; i++)
				lb_err(cx, "  %s", s.imgs[i].platform ? s.imgs[i].platform : "(unknown)");
			for (size_t i = 0; i < s.npassed; i++)
				lb_err(cx, "  %s", s.passed[i]);
			lb_err(cx, "choose with --platform OS/ARCH[/VARIANT] or --platform all");
			r = -LB_E_NOTFOUND;
			goto out;
		}
	}
	/* the layer cache: on disk unless --no-cache, and in memory for the
	 * other platforms of this run; off with a file hook (--scanners
	 * malware), which must see every file of every layer */
	if (!cx->file_hook) {
		s.lc = lb_lcache_new(o->layer_cache, nsel > 1);
	}
	res = lb_xcalloc(nsel, sizeof(*res));
	for (size_t i = 0; i < nsel; i++) {
		if ((r = scan_img(&s, sel[i], &res[i])) < 0) {
			for (size_t j = 0; j < i; j++)
				lb_inventory_free(res[j]);
			free(res);
			res = NULL;
			goto out;
		}
	}
	*out = res;
	*nout = nsel;
	r = 0;
	goto out;
listing:
	/* list the choices */
	names = NULL;
	{
		json_t *d = doc;
		lb_err(cx, "images in '%s':", path);
		if (json_is_array(d)) {
			for (size_t i = 0; i < json_array_size(d); i++) {
				json_t *tags = json_object_get(json_array_get(d, i), "RepoTags");
				for (size_t t = 0; t < json_array_size(tags); t++)
					lb_err(cx, "  %s", json_string_value(json_array_get(tags, t)) ?
					    json_string_value(json_array_get(tags, t)) : "?");
				if (json_array_size(tags) == 0)
					lb_err(cx, "  (untagged image %zu)", i);
			}
		} else {
			json_t *list = json_object_get(d, "manifests");
			for (size_t i = 0; i < json_array_size(list); i++) {
				json_t *ann = json_object_get(json_array_get(list, i), "annotations");
				const char *nm = jstr(ann, "io.containerd.image.name");
				if (!nm)
					nm = jstr(ann, "org.opencontainers.image.ref.name");
				lb_err(cx, "  %s", nm ? nm : "(untagged)");
			}
		}
	}
out:
	for (size_t i = 0; i < ntops; i++)
		free(tops[i].name);
	free(tops);
	free(sel);
	free(names);
	for (size_t i = 0; i < s.nimgs; i++)
		img_release(&s.imgs[i]);
	free(s.imgs);
	json_decref(doc);
	lb_store_free(s.st);
	lb_lcache_free(s.lc);
	for (size_t i = 0; i < s.nseen; i++)
		free(s.seen_keys[i]);
	free(s.seen_keys);
	lb_hmap_release(&s.seen);
	for (size_t i = 0; i < s.npassed; i++)
		free(s.passed[i]);
	free(s.passed);
	free(path);
	free(ref);
	return r;
}

int
lb_rootfs_scan(struct lb_ctx *cx, const char *dir, struct lb_inventory **out)
{
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_fsview *v = lb_fsview_new(1);
	struct lb_walk_stats st;
	size_t w0 = cx->nkept;
	int r;

	*out = NULL;
	inv->source_kind = lb_xstrdup("rootfs");
	inv->source = lb_xstrdup(dir);
	inv->nlayers = 1;
	inv->layers = lb_xcalloc(1, sizeof(*inv->layers));
	if (cx->file_hook && cx->file_hook->begin)
		cx->file_hook->begin(cx->file_hook->arg);
	if ((r = walk_indexed(cx, dir, NULL, NULL, v, NULL, &st)) < 0)
		goto out;
	lb_fsview_seal(v);
	if ((r = lb_analyze_all(cx, v, inv)) < 0)
		goto out;
	lb_inventory_finish(inv);
	take_warnings(cx, w0, inv);
	*out = inv;
	inv = NULL;
out:
	lb_fsview_free(v);
	lb_inventory_free(inv);
	return r;
}
