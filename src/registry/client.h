/* client.h - an OCI distribution (registry v2) client over libcurl.
 *
 * One struct lb_registry talks to one registry host. It authenticates as
 * the registry asks (Bearer tokens from the realm it names, with or
 * without credentials; Basic), follows redirects itself so that the
 * Authorization header never reaches another host, retries 429 and 5xx
 * answers (Retry-After, else exponential backoff, both capped) as long as
 * no body byte was handed out, and detects stalled transfers (less than
 * 1 KiB in a timeout window, not counting time the reader spent).
 *
 * Thread safety: the functions below may be called from several threads
 * on one registry (the layer walkers open blobs in parallel); the token
 * cache and the connection cache are shared under a lock.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/lb_buf.h"
#include "base/lb_ctx.h"
#include "io/istream.h"
#include "registry/auth.h"

/* containerd and distribution cap manifests at 4 MiB */
#define LB_REG_MAX_MANIFEST (4u << 20)

struct lb_registry_opts {
	const char *ca_cert;        /* PEM file of CAs to trust instead of the system's; NULL */
	int insecure;               /* this registry: plain HTTP, or TLS without verification */
	const struct lb_cred *cred; /* explicit credentials for this registry (copied); NULL:
	                             * config.json and credential helpers */
	int timeout;                /* seconds: connect timeout and stall window; 0: 30 */
	int retries;                /* retries on 429/5xx/connection errors; < 0: 4 */
	int max_delay;              /* cap of one wait between retries, seconds; 0: 60 */
	/* docker.io only: pull-through cache mirrors ("https://HOST[:PORT]" or
	 * "http://..."), tried in order for every manifest and blob before
	 * Docker Hub itself. A mirror gets no credentials of docker.io: only
	 * config.json's entry for its own host. Strings are copied. */
	const char *const *mirrors;
	size_t nmirrors;
	/* download progress of blobs on this terminal stream (not owned; must
	 * outlive the registry); NULL: none */
	FILE *progress;
};

struct lb_registry;

/* Connects to host (canonical, e.g. "docker.io", "localhost:5000") and
 * checks /v2/. For docker.io the host asked is registry-1.docker.io, or
 * $LIFEBELT_DOCKERHUB_HOST (HOST:PORT; a knob for the tests). With
 * mirrors, a mirror that does not answer is skipped (logged at -v), and
 * Docker Hub being unreachable is an error only when a request falls back
 * to it. Returns 0, or < 0 with an error logged. */
int lb_registry_new(struct lb_ctx *cx, const char *host, const struct lb_registry_opts *o,
    struct lb_registry **out);
void lb_registry_free(struct lb_registry *r);

struct lb_manifest {
	char *media_type;     /* Content-Type without parameters (owned) */
	char *digest;         /* sha256 of the body, checked against the reference (owned) */
	int64_t size;         /* body size */
	struct lb_buf body;   /* empty after a HEAD */
};

/* GET (or HEAD when head) /v2/<repo>/manifests/<ref> with every manifest
 * media type in Accept. By digest, the body must hash to it; by tag, it
 * must match Docker-Content-Digest when that is sha256. The body is
 * capped at LB_REG_MAX_MANIFEST. Errors are logged: -LB_E_NOTFOUND
 * (no such repository or manifest), -LB_E_DIGEST, -LB_E_LIMIT, -EACCES
 * (unauthorized), -EAGAIN (retries exhausted), -ETIMEDOUT (stalled), ... */
int lb_registry_manifest(struct lb_registry *r, const char *repo, const char *ref, int head,
    struct lb_manifest *m);
void lb_manifest_release(struct lb_manifest *m);

/* Opens /v2/<repo>/blobs/<digest> as a stream fed by a download thread
 * through a bounded buffer (nothing is written to disk). More than size
 * bytes (when size >= 0) fails with -LB_E_LIMIT; a transfer that ends
 * early fails with -LB_E_TRUNCATED. The digest itself is not checked here
 * (wrap the stream in lb_is_digest). Returns 0, -LB_E_NOTFOUND (404, not
 * logged: foreign layers may be absent), or < 0 logged. */
int lb_registry_open_blob(struct lb_registry *r, const char *repo, const char *digest, int64_t size,
    struct lb_istream **is);

/* Every repository (repo NULL: /v2/_catalog) or every tag of repo
 * (/v2/<repo>/tags/list), following Link pagination. *names (array and
 * strings owned by the caller) gets *n names. A 404 (no such repository,
 * or no catalog: it is not in the OCI spec) is -LB_E_NOTFOUND, not
 * logged; other errors are logged. */
int lb_registry_list(struct lb_registry *r, const char *repo, char ***names, size_t *n);
