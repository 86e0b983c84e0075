#include "registry/client.h"

#include <curl/curl.h>
#include <errno.h>
#include <stddef.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "registry/progress.h"
#include "registry/ref.h"

#define ACCEPT_MANIFESTS \
	"Accept: application/vnd.oci.image.index.v1+json, " \
	"application/vnd.oci.image.manifest.v1+json, " \
	"application/vnd.docker.distribution.manifest.list.v2+json, " \
	"application/vnd.docker.distribution.manifest.v2+json"
#define MAX_REDIRECTS 5
#define MAX_ERRBODY 4096
#define MAX_TOKEN_DOC (1u << 20)
#define MAX_LIST_DOC (8u << 20)
#define MAX_LIST_PAGES 10000
#define MAX_LIST_NAMES 1000000
#define STALL_MIN_BYTES 1024
#define RING_SIZE (1u << 20)

struct token {
	char *scope;
	char *value;
	time_t expires;
};

struct lb_registry {
	struct lb_ctx *cx;
	char *host;            /* canonical name, for credentials and messages */
	char *api;             /* host[:port] the requests go to */
	const char *scheme;    /* "https", or "http" for an --insecure registry without TLS */
	char *ca_cert;
	int insecure, timeout, retries, max_delay;
	struct lb_cred cred;
	int cred_state;        /* 0 not looked up, 1 looked up */
	int cred_err;          /* the lookup failed (logged) */
	struct lb_challenge ch;
	int have_ch;
	struct token *tokens;
	size_t ntokens, captokens;
	pthread_mutex_t lock;  /* tokens, credentials, challenge */
	CURLSH *share;
	pthread_mutex_t share_lock[CURL_LOCK_DATA_LAST];
	/* docker.io: the pull-through mirrors that answered, tried in order
	 * (owned); down: Docker Hub itself did not answer */
	struct lb_registry **mirrors;
	size_t nmirrors;
	int down;
	/* a mirror logs into a silent context of its own (owned): its
	 * failures are not the user's errors, as Docker Hub is asked next */
	struct lb_ctx *own_cx;
	struct lb_progress *prog;  /* owned unless own_cx (a mirror shares its parent's) */
};

/* One HTTP exchange: what is sent and what came back. */
struct req {
	const char *method;    /* "GET", "HEAD" or "POST" */
	const char *accept;    /* a whole "Accept: ..." header, or NULL */
	const char *scope;     /* token scope, or NULL */
	const char *what;      /* for messages: "manifest library/alpine:3.19" */
	int noauth;            /* hand a 401 back instead of answering it */
	/* 2xx body sink: returns n, or 0 to stop (then *err says why) */
	size_t (*sink)(void *ud, const char *p, size_t n, int *err);
	void *ud;
	int64_t max_body;      /* -1: none */
	struct lb_progress *prog;  /* download progress of a blob, or NULL */
	curl_off_t prog_seen;  /* bytes of this transfer already counted */
	/* results */
	long status;
	char *content_type, *digest, *link, *retry_after, *www_auth, *location;
	int64_t content_length;
	struct lb_buf errbody;
	uint64_t delivered;
	int sink_err;
	int stalled;
	/* stall detection */
	long win_start;
	uint64_t win_mark, received;
	long stall_ms;
};

static long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
req_reset_results(struct req *q)
{
	free(q->content_type);
	free(q->digest);
	free(q->link);
	free(q->retry_after);
	free(q->www_auth);
	free(q->location);
	q->content_type = q->digest = q->link = q->retry_after = q->www_auth = q->location = NULL;
	q->content_length = -1;
	q->status = 0;
	q->stalled = 0;
	q->sink_err = 0;
	lb_buf_reset(&q->errbody);
}

static void
req_release(struct req *q)
{
	req_reset_results(q);
	lb_buf_release(&q->errbody);
}

static void
share_lockf(CURL *h, curl_lock_data d, curl_lock_access a, void *ud)
{
	struct lb_registry *r = ud;
	(void)h, (void)a;
	pthread_mutex_lock(&r->share_lock[d]);
}

static void
share_unlockf(CURL *h, curl_lock_data d, void *ud)
{
	struct lb_registry *r = ud;
	(void)h;
	pthread_mutex_unlock(&r->share_lock[d]);
}

/* --- callbacks ------------------------------------------------------- */

static char *
trimdup(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return lb_xstrndup(p, n);
}

static size_t
header_cb(char *p, size_t size, size_t nitems, void *ud)
{
	struct req *q = ud;
	size_t n = size * nitems;
	const char *colon = memchr(p, ':', n);
	static const struct { const char *name; size_t off; } wanted[] = {
		{ "content-type", offsetof(struct req, content_type) },
		{ "docker-content-digest", offsetof(struct req, digest) },
		{ "link", offsetof(struct req, link) },
		{ "retry-after", offsetof(struct req, retry_after) },
		{ "www-authenticate", offsetof(struct req, www_auth) },
		{ "location", offsetof(struct req, location) },
	};

	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* a new response (after 100 Continue): forget the old headers */
		const char *sp = memchr(p, ' ', n);
		req_reset_results(q);
		q->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		return n;
	}
	if (!colon)
		return n;
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		size_t kl = strlen(wanted[i].name);
		char **slot = (char **)((char *)q + wanted[i].off);
		if ((size_t)(colon - p) == kl && strncasecmp(p, wanted[i].name, kl) == 0 && !*slot) {
			*slot = trimdup(colon + 1, n - kl - 1);
			return n;
		}
	}
	if ((size_t)(colon - p) == 14 && strncasecmp(p, "content-length", 14) == 0) {
		char *v = trimdup(colon + 1, n - 15), *end;
		long long l = strtoll(v, &end, 10);
		q->content_length = (*v && !*end && l >= 0) ? l : -1;
		free(v);
	}
	return n;
}

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *ud)
{
	struct req *q = ud;
	size_t n = size * nmemb;

	q->received += n;
	if (q->status == 0)
		return n;
	if (q->status < 200 || q->status > 299) {
		/* keep the start of an error body for the message */
		size_t room = q->errbody.len < MAX_ERRBODY ? MAX_ERRBODY - q->errbody.len : 0;
		if (room)
			lb_buf_add(&q->errbody, p, n < room ? n : room);
		return n;
	}
	if (q->max_body >= 0 && q->delivered + n > (uint64_t)q->max_body) {
		q->sink_err = -LB_E_LIMIT;
		return 0;
	}
	if (q->sink) {
		long t0 = ms_now();
		size_t k = q->sink(q->ud, p, n, &q->sink_err);
		/* time the reader took is not the server's stall */
		q->win_start += ms_now() - t0;
		if (k != n)
			return 0;
	}
	q->delivered += n;
	return n;
}

/* A stalled transfer: less than STALL_MIN_BYTES in a window of stall_ms,
 * which also covers a server that never answers after connecting. */
static int
progress_cb(void *ud, curl_off_t dlt, curl_off_t dln, curl_off_t ult, curl_off_t uln)
{
	struct req *q = ud;
	long now = ms_now();

	(void)dlt, (void)ult, (void)uln;
	if (q->prog && dln > q->prog_seen && q->status >= 200 && q->status <= 299) {
		lb_progress_add(q->prog, (uint64_t)(dln - q->prog_seen));
		q->prog_seen = dln;
	}
	if (now - q->win_start < q->stall_ms)
		return 0;
	if (q->received - q->win_mark < STALL_MIN_BYTES) {
		q->stalled = 1;
		return 1;
	}
	q->win_start = now;
	q->win_mark = q->received;
	return 0;
}

static int
status_of(CURL *h, long *st)
{
	return curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, st) == CURLE_OK;
}

/* --- requests -------------------------------------------------------- */

static char *
base64(const char *s)
{
	size_t n = strlen(s);
	char *out = lb_xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	return out;
}

/* scheme, host and port of url (new strings); 0 or -1 */
static int
url_origin(const char *url, char **scheme, char **hostport)
{
	CURLU *u = curl_url();
	char *s = NULL, *h = NULL, *p = NULL;
	int r = -1;

	*scheme = *hostport = NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT);
		*scheme = lb_xstrdup(s);
		*hostport = lb_xasprintf("%s:%s", h, p ? p : "");
		r = 0;
	}
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return r;
}

/* Whether url is on the registry itself (same scheme, host and port). */
static int
same_origin(struct lb_registry *r, const char *url)
{
	char *base = lb_xasprintf("%s://%s/", r->scheme, r->api), *s1, *h1, *s2, *h2;
	int same = 0;

	if (url_origin(base, &s1, &h1) == 0) {
		if (url_origin(url, &s2, &h2) == 0) {
			same = strcasecmp(s1, s2) == 0 && strcasecmp(h1, h2) == 0;
			free(s2);
			free(h2);
		}
		free(s1);
		free(h1);
	}
	free(base);
	return same;
}

static void
setup_tls(struct lb_registry *r, CURL *h, int relax)
{
	if (r->ca_cert)
		curl_easy_setopt(h, CURLOPT_CAINFO, r->ca_cert);
	if (relax) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

/* One transfer, no redirects followed. Returns a CURLcode. */
static CURLcode
perform(struct lb_registry *r, struct req *q, const char *url, const char *auth, const char *postdata,
    int relax_tls)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	if (!h)
		return CURLE_OUT_OF_MEMORY;
	req_reset_results(q);
	q->received = q->win_mark = 0;
	q->prog_seen = 0;
	q->win_start = ms_now();
	q->stall_ms = (long)r->timeout * 1000;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_SHARE, r->share);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "lifebelt/" LB_VERSION);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)r->timeout);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, q);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, q);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, q);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	/* fewer, larger hand-overs to the blob ring */
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024);
	setup_tls(r, h, relax_tls);
	if (q->accept)
		hdrs = curl_slist_append(hdrs, q->accept);
	if (auth)
		hdrs = curl_slist_append(hdrs, auth);
	if (hdrs)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	if (strcmp(q->method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (postdata)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, postdata);
	rc = curl_easy_perform(h);
	status_of(h, &q->status);
	if (rc != CURLE_OK && !q->stalled && !q->sink_err)
		lb_debug(r->cx, "%s %s: %s", q->method, url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	if (rc != CURLE_OK && !q->sink_err && !q->stalled) {
		/* keep the message for the caller */
		lb_buf_reset(&q->errbody);
		lb_buf_addstr(&q->errbody, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return rc;
}

static int
retryable_curl(CURLcode rc)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	    rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
	    rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE;
}

/* Retry-After: delay-seconds or an HTTP-date (RFC 9110 10.2.3). */
static long
retry_after_secs(const char *v)
{
	char *end;
	long s;

	if (!v)
		return -1;
	s = strtol(v, &end, 10);
	if (end != v && *end == 0 && s >= 0)
		return s;
	{
		time_t t = curl_getdate(v, NULL);
		if (t > 0)
			return t > time(NULL) ? (long)(t - time(NULL)) : 0;
	}
	return -1;
}

static void
sleep_secs(long s)
{
	struct timespec ts = { .tv_sec = s, .tv_nsec = 0 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The registry's error message: {"errors":[{"code","message"}]}. */
static void
error_text(struct req *q, char *out, size_t cap)
{
	json_t *doc = q->errbody.len ? json_loadb((char *)q->errbody.p, q->errbody.len, 0, NULL) : NULL;
	json_t *e = json_array_get(json_object_get(doc, "errors"), 0);
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	char safe[256];

	if (code || msg)
		snprintf(out, cap, "%s%s%s", code ? code : "", code && msg ? ": " : "",
		    msg ? lb_safe(safe, sizeof(safe), msg) : "");
	else
		out[0] = 0;
	json_decref(doc);
}

static int fetch_token(struct lb_registry *r, const struct lb_challenge *ch, const char *scope);
static int load_cred(struct lb_registry *r);

/* The Authorization header for a request on the registry (new string),
 * or NULL for none. */
static char *
auth_header(struct lb_registry *r, const char *scope)
{
	char *out = NULL;
	time_t now = time(NULL);

	pthread_mutex_lock(&r->lock);
	if (r->have_ch && r->ch.bearer) {
		const char *want = scope ? scope : "";
		for (size_t i = 0; i < r->ntokens; i++)
			if (strcmp(r->tokens[i].scope, want) == 0 && r->tokens[i].expires > now) {
				out = lb_xasprintf("Authorization: Bearer %s", r->tokens[i].value);
				break;
			}
	} else if (r->have_ch && r->cred.user && !r->cred.identity) {
		char *up = lb_xasprintf("%s:%s", r->cred.user, r->cred.secret), *b = base64(up);
		out = lb_xasprintf("Authorization: Basic %s", b);
		explicit_bzero(up, strlen(up));
		free(up);
		free(b);
	}
	pthread_mutex_unlock(&r->lock);
	return out;
}

/* Answers a 401 from the registry: takes the challenge, gets a token or
 * sets up Basic. 0 to try again, < 0 (logged) to give up. */
static int
answer_challenge(struct lb_registry *r, struct req *q)
{
	struct lb_challenge ch;
	int rc;

	if (!q->www_auth || lb_auth_parse_challenge(q->www_auth, strlen(q->www_auth), &ch) < 0) {
		lb_err(r->cx, "%s: unauthorized, and the registry's WWW-Authenticate challenge is missing or "
		    "malformed", q->what);
		return -EACCES;
	}
	if ((rc = load_cred(r)) < 0) {
		lb_challenge_release(&ch);
		/* a broken config.json is bad input; a failed helper, no access */
		return rc == -LB_E_FORMAT ? rc : -EACCES;
	}
	{
		/* the registry keeps a copy of its own: other layers' threads
		 * may replace it while this one asks for a token */
		struct lb_challenge keep;
		lb_auth_parse_challenge(q->www_auth, strlen(q->www_auth), &keep);
		pthread_mutex_lock(&r->lock);
		lb_challenge_release(&r->ch);
		r->ch = keep;
		r->have_ch = 1;
		pthread_mutex_unlock(&r->lock);
	}
	if (!ch.bearer) {
		lb_challenge_release(&ch);
		if (!r->cred.user || r->cred.identity) {
			lb_err(r->cx, "%s: the registry '%s' asks for a user name and password; give them with "
			    "--username and --password-stdin, or 'docker login'", q->what, r->host);
			return -EACCES;
		}
		return 0;
	}
	/* the scope of the challenge when it names one, else ours */
	rc = fetch_token(r, &ch, q->scope);
	lb_challenge_release(&ch);
	return rc;
}

/* Runs q against path (below the registry) or an absolute url, with
 * authentication, redirects and retries. Returns the final HTTP status
 * (which may be an error status for the caller to judge) or < 0 logged. */
static int
run(struct lb_registry *r, struct req *q, const char *path)
{
	char *url = lb_xasprintf("%s://%s%s", r->scheme, r->api, path), *auth = NULL;
	int redirects = 0, auths = 0, attempt = 0, on_registry = 1, ret;
	char msg[300];
	CURLcode rc;

	for (;;) {
		free(auth);
		/* Authorization goes to the registry only, never to a redirect target */
		auth = on_registry ? auth_header(r, q->scope) : NULL;
		rc = perform(r, q, url, auth, NULL, on_registry && r->insecure);
		if (rc != CURLE_OK) {
			if (q->sink_err) {
				ret = q->sink_err;
				if (ret == -LB_E_LIMIT)
					lb_err(r->cx, "%s: more bytes than expected", q->what);
				goto out;
			}
			if (q->stalled) {
				lb_err(r->cx, "%s: transfer stalled: less than %d bytes in %d s from '%s'", q->what,
				    STALL_MIN_BYTES, r->timeout, r->host);
				ret = -ETIMEDOUT;
				goto out;
			}
			if (q->delivered == 0 && retryable_curl(rc) && attempt < r->retries) {
				long d = 1L << attempt;
				attempt++;
				lb_info(r->cx, "%s: %s; retrying in %ld s", q->what, curl_easy_strerror(rc), d);
				sleep_secs(d > r->max_delay ? r->max_delay : d);
				continue;
			}
			lb_err(r->cx, "%s: %s%s", q->what, q->errbody.len ? (char *)q->errbody.p :
			    curl_easy_strerror(rc), (rc == CURLE_SSL_CONNECT_ERROR ||
			    rc == CURLE_PEER_FAILED_VERIFICATION) && !r->insecure ?
			    "; for a registry with plain HTTP or a self-signed certificate, use --ca-cert FILE "
			    "or --insecure" : "");
			ret = q->delivered ? -LB_E_TRUNCATED : rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT :
			    rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ? -EPROTO :
			    -ECONNREFUSED;
			goto out;
		}
		if (q->status >= 300 && q->status < 400 && q->status != 304 && q->location) {
			CURLU *u = curl_url();
			char *next = NULL;
			if (++redirects > MAX_REDIRECTS) {
				curl_url_cleanup(u);
				lb_err(r->cx, "%s: more than %d redirects", q->what, MAX_REDIRECTS);
				ret = -ELOOP;
				goto out;
			}
			curl_url_set(u, CURLUPART_URL, url, 0);
			if (curl_url_set(u, CURLUPART_URL, q->location, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
			    curl_url_get(u, CURLUPART_URL, &next, 0) != CURLUE_OK ||
			    (strncmp(next, "https://", 8) != 0 && strncmp(next, "http://", 7) != 0)) {
				curl_free(next);
				curl_url_cleanup(u);
				lb_err(r->cx, "%s: the registry redirected to an invalid location", q->what);
				ret = -EPROTO;
				goto out;
			}
			/* no downgrade from TLS, except where the user allowed plain HTTP */
			if (strncmp(next, "http://", 7) == 0 && strcmp(r->scheme, "https") == 0 && !r->insecure) {
				curl_free(next);
				curl_url_cleanup(u);
				lb_err(r->cx, "%s: the registry redirected from HTTPS to plain HTTP", q->what);
				ret = -EPROTO;
				goto out;
			}
			free(url);
			url = lb_xstrdup(next);
			curl_free(next);
			curl_url_cleanup(u);
			on_registry = on_registry && same_origin(r, url);
			continue;
		}
		if (q->status == 401 && on_registry && !q->noauth) {
			if (++auths > 2) {
				error_text(q, msg, sizeof(msg));
				lb_err(r->cx, "%s: unauthorized by '%s' even after authenticating%s%s", q->what,
				    r->host, msg[0] ? ": " : "", msg);
				ret = -EACCES;
				goto out;
			}
			if ((ret = answer_challenge(r, q)) < 0)
				goto out;
			continue;
		}
		if (q->status == 429 || q->status >= 500) {
			long ra = retry_after_secs(q->retry_after), d = ra >= 0 ? ra : 1L << attempt;
			if (attempt < r->retries) {
				if (d > r->max_delay)
					d = r->max_delay;
				attempt++;
				lb_info(r->cx, "%s: HTTP %ld; retrying in %ld s", q->what, q->status, d);
				sleep_secs(d);
				continue;
			}
			error_text(q, msg, sizeof(msg));
			lb_err(r->cx, "%s: '%s' answered HTTP %ld %d times%s%s; giving up", q->what, r->host,
			    q->status, attempt + 1, msg[0] ? ": " : "", msg);
			ret = -EAGAIN;
			goto out;
		}
		ret = (int)q->status;
		goto out;
	}
out:
	free(auth);
	free(url);
	return ret;
}

/* Judges a final non-2xx status; logs and returns a code. */
static int
status_error(struct lb_registry *r, struct req *q, int st)
{
	char msg[300];

	error_text(q, msg, sizeof(msg));
	if (st == 404) {
		lb_err(r->cx, "%s: not found on '%s'%s%s", q->what, r->host, msg[0] ? ": " : "", msg);
		return -LB_E_NOTFOUND;
	}
	if (st == 401 || st == 403) {
		lb_err(r->cx, "%s: access denied by '%s' (HTTP %d)%s%s", q->what, r->host, st,
		    msg[0] ? ": " : "", msg);
		return -EACCES;
	}
	lb_err(r->cx, "%s: '%s' answered HTTP %d%s%s", q->what, r->host, st, msg[0] ? ": " : "", msg);
	return -EPROTO;
}

/* --- tokens ---------------------------------------------------------- */

static size_t
buf_sink(void *ud, const char *p, size_t n, int *err)
{
	if ((*err = lb_buf_add(ud, p, n)) < 0)
		return 0;
	return n;
}

/* Credentials from config.json once; 0 or the lookup's error (logged). */
static int
load_cred(struct lb_registry *r)
{
	struct lb_cred c;
	int ret;

	pthread_mutex_lock(&r->lock);
	if (r->cred_state == 0) {
		r->cred_state = 1;
		if (!r->cred.user && (ret = lb_auth_lookup(r->cx, r->host, &c)) != 0) {
			if (ret > 0)
				r->cred = c;
			else
				r->cred_err = ret;
		}
	}
	ret = r->cred_err;
	pthread_mutex_unlock(&r->lock);
	return ret;
}

/* token.md: GET realm?service=&scope= (Basic credentials when we have
 * them); oauth.md: POST grant_type=refresh_token for identity tokens. */
static int
fetch_token(struct lb_registry *r, const struct lb_challenge *ch, const char *scope)
{
	struct req q = { .method = "GET", .what = "token request", .max_body = MAX_TOKEN_DOC };
	struct lb_buf body = LB_BUF_INIT(MAX_TOKEN_DOC);
	CURL *esc = curl_easy_init();
	char *url = NULL, *s1 = NULL, *s2 = NULL, *auth = NULL, *post = NULL, *rs = NULL, *rh = NULL;
	const char *sc = ch->scope && *ch->scope ? ch->scope : scope;
	json_t *doc = NULL;
	const char *tok;
	int ret, relax = 0;
	CURLcode rc;

	q.errbody = LB_BUF_INIT(MAX_ERRBODY + 1);
	q.sink = buf_sink;
	q.ud = &body;
	if (url_origin(ch->realm, &rs, &rh) < 0 || (strcmp(rs, "https") != 0 && strcmp(rs, "http") != 0)) {
		lb_err(r->cx, "'%s' names an invalid token realm", r->host);
		ret = -EPROTO;
		goto out;
	}
	/* credentials travel in clear only where the user allowed it */
	if (strcmp(rs, "http") == 0 && !r->insecure) {
		lb_err(r->cx, "'%s' names a plain-HTTP token realm; use --insecure to allow it", r->host);
		ret = -EPROTO;
		goto out;
	}
	if (r->insecure) {
		/* --insecure also covers a realm on the registry's own host name */
		char *colon = strrchr(rh, ':'), *mine = lb_xstrdup(r->api), *mc = strrchr(mine, ':');
		if (colon)
			*colon = 0;
		if (mc && !strchr(mc, ']'))
			*mc = 0;
		relax = strcasecmp(rh, mine) == 0;
		free(mine);
	}
	s1 = ch->service ? curl_easy_escape(esc, ch->service, 0) : NULL;
	s2 = sc ? curl_easy_escape(esc, sc, 0) : NULL;
	if (r->cred.identity) {
		q.method = "POST";
		char *rt = curl_easy_escape(esc, r->cred.secret, 0);
		post = lb_xasprintf("grant_type=refresh_token&client_id=lifebelt&refresh_token=%s%s%s%s%s",
		    rt, s1 ? "&service=" : "", s1 ? s1 : "", s2 ? "&scope=" : "", s2 ? s2 : "");
		curl_free(rt);
		url = lb_xstrdup(ch->realm);
	} else {
		url = lb_xasprintf("%s%s%s%s%s%s", ch->realm, strchr(ch->realm, '?') ? "&" : "?",
		    s1 ? "service=" : "", s1 ? s1 : "", s2 ? (s1 ? "&scope=" : "scope=") : "", s2 ? s2 : "");
		if (r->cred.user) {
			char *up = lb_xasprintf("%s:%s", r->cred.user, r->cred.secret), *b = base64(up);
			auth = lb_xasprintf("Authorization: Basic %s", b);
			explicit_bzero(up, strlen(up));
			free(up);
			free(b);
		}
	}
	rc = perform(r, &q, url, auth, post, relax);
	if (rc != CURLE_OK) {
		lb_err(r->cx, "cannot get a token from '%s': %s", ch->realm,
		    q.stalled ? "stalled" : q.errbody.len ? (char *)q.errbody.p : curl_easy_strerror(rc));
		ret = q.stalled ? -ETIMEDOUT : -ECONNREFUSED;
		goto out;
	}
	if (q.status != 200) {
		lb_err(r->cx, "the token server of '%s' refused%s (HTTP %ld)", r->host,
		    r->cred.user ? " the credentials" : " an anonymous token", q.status);
		ret = -EACCES;
		goto out;
	}
	doc = json_loadb(body.p ? (char *)body.p : "", body.len, 0, NULL);
	/* token.md: "token" and "access_token" are equivalent */
	tok = json_string_value(json_object_get(doc, "token"));
	if (!tok)
		tok = json_string_value(json_object_get(doc, "access_token"));
	if (!tok || !*tok || strlen(tok) > 65536 || strpbrk(tok, "\r\n")) {
		lb_err(r->cx, "the token server of '%s' gave no usable token", r->host);
		ret = -EPROTO;
		goto out;
	}
	{
		json_t *ei = json_object_get(doc, "expires_in");
		long long exp = json_is_integer(ei) && json_integer_value(ei) > 0 ? json_integer_value(ei) : 60;
		/* renewed a little before it expires, but never used expired */
		time_t until = time(NULL) + (time_t)(exp > 86400 ? 86400 : exp > 10 ? exp - 5 : exp);
		const char *key = scope ? scope : "";
		pthread_mutex_lock(&r->lock);
		size_t i;
		for (i = 0; i < r->ntokens; i++)
			if (strcmp(r->tokens[i].scope, key) == 0)
				break;
		if (i == r->ntokens) {
			lb_xgrow(&r->tokens, &r->captokens, r->ntokens + 1, sizeof(*r->tokens));
			r->tokens[i].scope = lb_xstrdup(key);
			r->tokens[i].value = NULL;
			r->ntokens++;
		}
		free(r->tokens[i].value);
		r->tokens[i].value = lb_xstrdup(tok);
		r->tokens[i].expires = until;
		pthread_mutex_unlock(&r->lock);
	}
	ret = 0;
out:
	json_decref(doc);
	curl_free(s1);
	curl_free(s2);
	curl_easy_cleanup(esc);
	if (auth)
		explicit_bzero(auth, strlen(auth));
	free(auth);
	if (post)
		explicit_bzero(post, strlen(post));
	free(post);
	free(url);
	free(rs);
	free(rh);
	req_release(&q);
	lb_buf_release(&body);
	return ret;
}

/* --- public ---------------------------------------------------------- */

static int
ping(struct lb_registry *r)
{
	struct req q = { .method = "GET", .what = NULL, .max_body = 65536, .noauth = 1 };
	char *what = lb_xasprintf("registry '%s'", r->host);
	int st;

	q.what = what;
	q.errbody = LB_BUF_INIT(MAX_ERRBODY + 1);
	/* /v2/ with no scope: 200 (open) or 401 with the challenge to keep */
	st = run(r, &q, "/v2/");
	if (st == 401 && q.www_auth) {
		struct lb_challenge ch;
		if (lb_auth_parse_challenge(q.www_auth, strlen(q.www_auth), &ch) == 0) {
			lb_challenge_release(&r->ch);
			r->ch = ch;
			r->have_ch = 1;
		}
		st = 200;
	}
	if (st >= 0 && (st < 200 || st > 299)) {
		lb_err(r->cx, "'%s' is not an OCI registry: /v2/ answered HTTP %d", r->host, st);
		st = -EPROTO;
	}
	req_release(&q);
	free(what);
	return st < 0 ? st : 0;
}

/* ping with messages silenced (quiet) and with retries; the context is
 * not shared with other threads yet */
static int
ping_with(struct lb_registry *r, int quiet, int retries)
{
	int saved = r->cx->verbosity, keep = r->retries, ret;

	r->retries = retries;
	if (quiet)
		r->cx->verbosity = LB_LOG_ERROR - 1;
	ret = ping(r);
	r->cx->verbosity = saved;
	r->retries = keep;
	return ret;
}

/* A registry named host at api (host[:port]), not yet asked anything. */
static struct lb_registry *
reg_alloc(struct lb_ctx *cx, const char *host, const char *api, const struct lb_registry_opts *o)
{
	struct lb_registry *r = lb_xcalloc(1, sizeof(*r));

	r->cx = cx;
	r->host = lb_xstrdup(host);
	r->api = lb_xstrdup(api);
	r->scheme = "https";
	r->ca_cert = o->ca_cert ? lb_xstrdup(o->ca_cert) : NULL;
	r->timeout = o->timeout > 0 ? o->timeout : 30;
	r->retries = o->retries >= 0 ? o->retries : 4;
	r->max_delay = o->max_delay > 0 ? o->max_delay : 60;
	pthread_mutex_init(&r->lock, NULL);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&r->share_lock[i], NULL);
	r->share = curl_share_init();
	curl_share_setopt(r->share, CURLSHOPT_LOCKFUNC, share_lockf);
	curl_share_setopt(r->share, CURLSHOPT_UNLOCKFUNC, share_unlockf);
	curl_share_setopt(r->share, CURLSHOPT_USERDATA, r);
	curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	return r;
}

/* A mirror of Docker Hub at url ("http[s]://HOST[:PORT][/]"): *out is the
 * registry, NULL when it does not answer (logged at -v). 0, or
 * -LB_E_USAGE for a url that is not one (logged). */
static int
mirror_new(struct lb_registry *hub, const char *url, const struct lb_registry_opts *o,
    struct lb_registry **out)
{
	struct lb_registry_opts mo = *o;
	struct lb_registry *m = NULL;
	struct lb_ctx *mcx;
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *user = NULL, *query = NULL, *hp;
	char safe[200];
	int ret = 0;

	*out = NULL;
	if (strlen(url) > 1000 || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK ||
	    (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && strcmp(path, "/") != 0 && *path)) {
		lb_err(hub->cx, "registry mirror '%s' is not a URL like https://HOST[:PORT]",
		    lb_safe(safe, sizeof(safe), url));
		ret = -LB_E_USAGE;
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	hp = port ? lb_xasprintf("%s:%s", host, port) : lb_xstrdup(host);
	/* its own credentials only (config.json by its host), and --insecure
	 * is for the registry named on the command line: not for a mirror */
	mo.cred = NULL;
	mo.insecure = 0;
	mo.retries = 0;
	mcx = lb_xcalloc(1, sizeof(*mcx));
	lb_ctx_init(mcx, hub->cx->verbosity >= LB_LOG_DEBUG ? hub->cx->log : NULL);
	mcx->verbosity = hub->cx->verbosity;
	m = reg_alloc(mcx, hp, hp, &mo);
	m->own_cx = mcx;
	if (strcmp(scheme, "http") == 0)
		m->scheme = "http";
	free(hp);
	if (ping_with(m, 0, 0) < 0) {
		lb_info(hub->cx, "registry mirror '%s' does not answer; skipping it", m->host);
		lb_registry_free(m);
		goto out;
	}
	m->prog = hub->prog;
	*out = m;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(user);
	curl_free(query);
	curl_url_cleanup(u);
	return ret;
}

int
lb_registry_new(struct lb_ctx *cx, const char *host, const struct lb_registry_opts *o,
    struct lb_registry **out)
{
	const char *api = lb_ref_api_host(host), *knob = getenv("LIFEBELT_DOCKERHUB_HOST");
	struct lb_registry *r;
	int ret = 0, hub = strcmp(host, "docker.io") == 0;
	size_t capm = 0;

	*out = NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (hub && knob && *knob)
		api = knob;   /* tests: a local registry plays Docker Hub */
	r = reg_alloc(cx, host, api, o);
	r->insecure = o->insecure;
	r->prog = lb_progress_new(o->progress);
	if (o->cred && o->cred->user) {
		r->cred.user = lb_xstrdup(o->cred->user);
		r->cred.secret = lb_xstrdup(o->cred->secret ? o->cred->secret : "");
		r->cred.identity = o->cred->identity;
		r->cred_state = 1;
	}
	for (size_t i = 0; hub && i < o->nmirrors; i++) {
		struct lb_registry *m;
		if ((ret = mirror_new(r, o->mirrors[i], o, &m)) < 0)
			goto out;
		if (m) {
			lb_xgrow(&r->mirrors, &capm, r->nmirrors + 1, sizeof(*r->mirrors));
			r->mirrors[r->nmirrors++] = m;
		}
	}
	if (r->insecure) {
		/* docker insecure-registries: TLS without verification, else plain HTTP */
		ret = ping_with(r, 1, 0);
		if (ret < 0 && ret != -EACCES) {
			r->scheme = "http";
			lb_info(cx, "'%s' does not speak TLS; using plain HTTP (--insecure)", host);
			ret = ping_with(r, r->nmirrors > 0, r->nmirrors ? 0 : r->retries);
		}
	} else {
		/* with a mirror, Docker Hub may be out of reach (offline) */
		ret = ping_with(r, r->nmirrors > 0, r->nmirrors ? 0 : r->retries);
	}
	if (ret < 0 && r->nmirrors && ret != -LB_E_USAGE) {
		lb_info(cx, "'%s' does not answer; only the registry mirrors will be asked", r->api);
		r->down = 1;
		ret = 0;
	}
out:
	if (ret < 0) {
		lb_registry_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

void
lb_registry_free(struct lb_registry *r)
{
	if (!r)
		return;
	if (r->share)
		curl_share_cleanup(r->share);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&r->share_lock[i]);
	pthread_mutex_destroy(&r->lock);
	for (size_t i = 0; i < r->ntokens; i++) {
		free(r->tokens[i].scope);
		free(r->tokens[i].value);
	}
	free(r->tokens);
	for (size_t i = 0; i < r->nmirrors; i++)
		lb_registry_free(r->mirrors[i]);
	free(r->mirrors);
	if (r->own_cx) {
		lb_ctx_release(r->own_cx);
		free(r->own_cx);
	} else {
		lb_progress_free(r->prog);
	}
	lb_cred_release(&r->cred);
	lb_challenge_release(&r->ch);
	free(r->host);
	free(r->api);
	free(r->ca_cert);
	free(r);
}

void
lb_manifest_release(struct lb_manifest *m)
{
	free(m->media_type);
	free(m->digest);
	lb_buf_release(&m->body);
	memset(m, 0, sizeof(*m));
}

static void
sha256_hex(const void *p, size_t n, char out[72])
{
	unsigned char md[32];
	unsigned int len = 0;

	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
}

static int
manifest_one(struct lb_registry *r, const char *repo, const char *ref, int head, struct lb_manifest *m)
{
	struct req q = { .method = head ? "HEAD" : "GET", .accept = ACCEPT_MANIFESTS,
	    .max_body = LB_REG_MAX_MANIFEST };
	char *path = lb_xasprintf("/v2/%s/manifests/%s", repo, ref);
	char *scope = lb_xasprintf("repository:%s:pull", repo);
	char *what = lb_xasprintf("manifest %s/%s%s%s", r->host, repo, strncmp(ref, "sha256:", 7) ? ":" : "@",
	    ref);
	char dg[72];
	int st, ret;

	memset(m, 0, sizeof(*m));
	m->body = LB_BUF_INIT(LB_REG_MAX_MANIFEST);
	q.scope = scope;
	q.what = what;
	q.errbody = LB_BUF_INIT(MAX_ERRBODY + 1);
	q.sink = buf_sink;
	q.ud = &m->body;
	st = run(r, &q, path);
	if (st < 0) {
		if (st == -LB_E_LIMIT)
			lb_err(r->cx, "%s: over the %u byte limit of a manifest", what, LB_REG_MAX_MANIFEST);
		ret = st;
		goto out;
	}
	if (st != 200) {
		ret = status_error(r, &q, st);
		goto out;
	}
	if (q.content_length > (int64_t)LB_REG_MAX_MANIFEST) {
		lb_err(r->cx, "%s: %lld bytes is over the %u byte limit of a manifest", what,
		    (long long)q.content_length, LB_REG_MAX_MANIFEST);
		ret = -LB_E_LIMIT;
		goto out;
	}
	if (q.content_type) {
		char *semi = strchr(q.content_type, ';');
		if (semi)
			*semi = 0;
		m->media_type = trimdup(q.content_type, strlen(q.content_type));
	}
	if (head) {
		if (!q.digest || !lb_digest_valid(q.digest)) {
			ret = -LB_E_UNSUPPORTED;   /* the caller falls back to GET */
			goto out;
		}
		m->digest = lb_xstrdup(q.digest);
		m->size = q.content_length;
		ret = 0;
		goto out;
	}
	sha256_hex(m->body.p ? m->body.p : (const uint8_t *)"", m->body.len, dg);
	m->size = (int64_t)m->body.len;
	/* distribution-spec: verify the manifest digest when pulling by digest */
	if ((strncmp(ref, "sha256:", 7) == 0 && strcmp(ref, dg) != 0) ||
	    (q.digest && strncmp(q.digest, "sha256:", 7) == 0 && strcmp(q.digest, dg) != 0)) {
		lb_err(r->cx, "%s: content does not match its digest (got %s)", what, dg);
		ret = -LB_E_DIGEST;
		goto out;
	}
	m->digest = lb_xstrdup(dg);
	ret = 0;
out:
	if (ret < 0)
		lb_manifest_release(m);
	req_release(&q);
	free(path);
	free(scope);
	free(what);
	return ret;
}

/* --- blob streams ---------------------------------------------------- */

struct is_blob {
	struct lb_istream is;
	struct lb_registry *r;
	char *path, *scope, *what;
	int64_t size;
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	uint8_t *ring;
	size_t head, len;      /* filled bytes: ring[head .. head+len) mod RING_SIZE */
	int done, stop, err;
	int notfound;          /* 404: reported to the opener, not logged */
	int started;           /* the opener has seen the status */
};

static size_t
ring_sink(void *ud, const char *p, size_t n, int *err)
{
	struct is_blob *b = ud;
	size_t off = 0;

	pthread_mutex_lock(&b->lock);
	if (!b->started) {
		b->started = 1;
		pthread_cond_broadcast(&b->cv);
	}
	while (off < n) {
		while (b->len == RING_SIZE && !b->stop)
			pthread_cond_wait(&b->cv, &b->lock);
		if (b->stop) {
			pthread_mutex_unlock(&b->lock);
			*err = -ECANCELED;
			return 0;
		}
		size_t tail = (b->head + b->len) % RING_SIZE, k = RING_SIZE - b->len;
		if (k > RING_SIZE - tail)
			k = RING_SIZE - tail;
		if (k > n - off)
			k = n - off;
		memcpy(b->ring + tail, p + off, k);
		b->len += k;
		off += k;
		pthread_cond_broadcast(&b->cv);
	}
	pthread_mutex_unlock(&b->lock);
	return n;
}

static void *
blob_thread(void *arg)
{
	struct is_blob *b = arg;
	struct req q = { .method = "GET", .max_body = b->size, .scope = b->scope, .what = b->what };
	int st, err = 0;

	q.errbody = LB_BUF_INIT(MAX_ERRBODY + 1);
	q.sink = ring_sink;
	q.ud = b;
	q.prog = b->r->prog;
	lb_progress_begin(q.prog, b->size);
	st = run(b->r, &q, b->path);
	lb_progress_end(q.prog);
	if (st == -ECANCELED) {
		err = st;
	} else if (st < 0) {
		err = st;
	} else if (st == 404) {
		err = -LB_E_NOTFOUND;
		pthread_mutex_lock(&b->lock);
		b->notfound = 1;
		pthread_mutex_unlock(&b->lock);
	} else if (st != 200) {
		err = status_error(b->r, &q, st);
	} else if (b->size >= 0 && q.delivered != (uint64_t)b->size) {
		lb_err(b->r->cx, "%s: the registry sent %llu of %lld bytes", b->what,
		    (unsigned long long)q.delivered, (long long)b->size);
		err = -LB_E_TRUNCATED;
	}
	req_release(&q);
	pthread_mutex_lock(&b->lock);
	b->err = err;
	b->done = 1;
	b->started = 1;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

static ssize_t
blob_read(struct lb_istream *is, void *buf, size_t len)
{
	struct is_blob *b = (struct is_blob *)is;
	size_t k;

	pthread_mutex_lock(&b->lock);
	while (b->len == 0 && !b->done)
		pthread_cond_wait(&b->cv, &b->lock);
	if (b->len == 0) {
		int e = b->err;
		pthread_mutex_unlock(&b->lock);
		return e;
	}
	k = b->len < len ? b->len : len;
	if (k > RING_SIZE - b->head)
		k = RING_SIZE - b->head;
	memcpy(buf, b->ring + b->head, k);
	b->head = (b->head + k) % RING_SIZE;
	b->len -= k;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->lock);
	return (ssize_t)k;
}

static void
blob_close(struct lb_istream *is)
{
	struct is_blob *b = (struct is_blob *)is;

	pthread_mutex_lock(&b->lock);
	b->stop = 1;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->lock);
	pthread_join(b->th, NULL);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cv);
	free(b->ring);
	free(b->path);
	free(b->scope);
	free(b->what);
	free(b);
}

static const struct lb_istream_ops blob_ops = {
	.name = "registry blob", .read = blob_read, .close = blob_close,
};

/* early: a failure before the first byte is returned here (for a
 * mirror, to ask the next), not by the first read */
static int
open_blob_one(struct lb_registry *r, const char *repo, const char *digest, int64_t size, int early,
    struct lb_istream **is)
{
	struct is_blob *b = lb_xcalloc(1, sizeof(*b));
	int nf, err = 0;

	*is = NULL;
	b->is.ops = &blob_ops;
	b->r = r;
	b->size = size;
	b->path = lb_xasprintf("/v2/%s/blobs/%s", repo, digest);
	b->scope = lb_xasprintf("repository:%s:pull", repo);
	b->what = lb_xasprintf("blob %s", digest);
	b->ring = lb_xmalloc(RING_SIZE);
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cv, NULL);
	if (pthread_create(&b->th, NULL, blob_thread, b) != 0) {
		pthread_mutex_destroy(&b->lock);
		pthread_cond_destroy(&b->cv);
		free(b->ring);
		free(b->path);
		free(b->scope);
		free(b->what);
		free(b);
		return -EAGAIN;
	}
	/* wait for the first byte or the end, so that a 404 is the opener's */
	pthread_mutex_lock(&b->lock);
	while (!b->started)
		pthread_cond_wait(&b->cv, &b->lock);
	nf = b->notfound;
	if (early && b->done && b->len == 0)
		err = b->err;
	pthread_mutex_unlock(&b->lock);
	if (nf || err < 0) {
		blob_close(&b->is);
		return nf ? -LB_E_NOTFOUND : err;
	}
	*is = &b->is;
	return 0;
}

/* --- mirrors --------------------------------------------------------- */

/* Says that mirror mh failed to serve what with rc, and returns whether
 * the next mirror (then Docker Hub) may be asked: 1 when the mirror lacks
 * the content, refuses us or does not answer; 0, after an error, when the
 * content fails its digest or a cap (a broken or hostile mirror). */
static int
mirror_failed(struct lb_registry *r, const char *what, const char *mh, int rc)
{
	if (rc == -LB_E_DIGEST || rc == -LB_E_LIMIT) {
		lb_err(r->cx, "%s from registry mirror '%s': %s", what, mh, lb_strerror(rc));
		return 0;
	}
	lb_info(r->cx, "%s: registry mirror '%s' cannot serve it (%s); trying the next", what, mh,
	    lb_strerror(rc));
	return 1;
}

static int
hub_down(struct lb_registry *r, const char *what)
{
	lb_err(r->cx, "%s: no registry mirror has it, and '%s' could not be reached", what, r->api);
	return -ECONNREFUSED;
}

int
lb_registry_manifest(struct lb_registry *r, const char *repo, const char *ref, int head,
    struct lb_manifest *m)
{
	char *what = lb_xasprintf("manifest %s/%s%s%s", r->host, repo, strncmp(ref, "sha256:", 7) ? ":" : "@",
	    ref);
	int rc = 0;

	for (size_t i = 0; i < r->nmirrors; i++) {
		const char *mh = r->mirrors[i]->host;
		rc = manifest_one(r->mirrors[i], repo, ref, head, m);
		if (rc == 0)
			lb_info(r->cx, "%s: served by registry mirror '%s'", what, mh);
		if (rc == 0 || (head && rc == -LB_E_UNSUPPORTED))
			goto out;   /* without a digest in a HEAD answer, the caller GETs */
		if (!mirror_failed(r, what, mh, rc))
			goto out;
	}
	if (r->down) {
		rc = hub_down(r, what);
		goto out;
	}
	rc = manifest_one(r, repo, ref, head, m);
	if (rc == 0 && r->nmirrors)
		lb_info(r->cx, "%s: served by '%s'", what, r->api);
out:
	free(what);
	return rc;
}

/* A blob stream from a mirror, whose own messages are silent: a failure
 * after the first byte is logged here, as no one else will. */
struct is_mirror {
	struct lb_istream is;
	struct lb_istream *in;
	struct lb_ctx *cx;
	char *what;
};

static ssize_t
mirror_read(struct lb_istream *is, void *buf, size_t len)
{
	struct is_mirror *m = (struct is_mirror *)is;
	ssize_t n = lb_is_read(m->in, buf, len);

	if (n < 0 && n != -ECANCELED)
		lb_err(m->cx, "%s: %s", m->what, lb_strerror((int)n));
	return n;
}

static void
mirror_close(struct lb_istream *is)
{
	struct is_mirror *m = (struct is_mirror *)is;

	lb_is_close(m->in);
	free(m->what);
	free(m);
}

static const struct lb_istream_ops mirror_ops = {
	.name = "registry mirror blob", .read = mirror_read, .close = mirror_close,
};

int
lb_registry_open_blob(struct lb_registry *r, const char *repo, const char *digest, int64_t size,
    struct lb_istream **is)
{
	char *what = lb_xasprintf("blob %s", digest);
	int rc;

	*is = NULL;
	for (size_t i = 0; i < r->nmirrors; i++) {
		const char *mh = r->mirrors[i]->host;
		struct lb_istream *in;
		rc = open_blob_one(r->mirrors[i], repo, digest, size, 1, &in);
		if (rc == 0) {
			struct is_mirror *m = lb_xcalloc(1, sizeof(*m));
			lb_info(r->cx, "blob %s: served by registry mirror '%s'", digest, mh);
			m->is.ops = &mirror_ops;
			m->in = in;
			m->cx = r->cx;
			m->what = lb_xasprintf("%s from registry mirror '%s'", what, mh);
			*is = &m->is;
			goto out;
		}
		if (!mirror_failed(r, what, mh, rc))
			goto out;
	}
	if (r->down) {
		rc = hub_down(r, what);
		goto out;
	}
	rc = open_blob_one(r, repo, digest, size, 0, is);
	if (rc == 0 && r->nmirrors)
		lb_info(r->cx, "blob %s: served by '%s'", digest, r->api);
out:
	free(what);
	return rc;
}

/* --- listing --------------------------------------------------------- */

/* RFC 8288 Link: <url>; rel="next" -> the path to ask next (new string) */
static char *
next_link(struct lb_registry *r, const char *link)
{
	const char *lt, *gt;
	char *u;

	if (!link || !(lt = strchr(link, '<')) || !(gt = strchr(lt, '>')) || !strstr(gt, "next"))
		return NULL;
	u = lb_xstrndup(lt + 1, (size_t)(gt - lt - 1));
	if (u[0] == '/' && strncmp(u, "/v2/", 4) == 0)
		return u;
	/* an absolute link must stay on the registry */
	if (same_origin(r, u)) {
		const char *p = strstr(u + 8, "/v2/");
		char *path = p ? lb_xstrdup(p) : NULL;
		free(u);
		return path;
	}
	free(u);
	return NULL;
}

int
lb_registry_list(struct lb_registry *r, const char *repo, char ***names, size_t *n)
{
	char *path = repo ? lb_xasprintf("/v2/%s/tags/list?n=1000", repo) : lb_xstrdup("/v2/_catalog?n=1000");
	char *scope = repo ? lb_xasprintf("repository:%s:pull", repo) : lb_xstrdup("registry:catalog:*");
	char *what = repo ? lb_xasprintf("tags of %s/%s", r->host, repo) :
	    lb_xasprintf("catalog of '%s'", r->host);
	const char *key = repo ? "tags" : "repositories";
	size_t cap = 0;
	int ret = 0, pages = 0;

	*names = NULL;
	*n = 0;
	while (path) {
		struct req q = { .method = "GET", .scope = scope, .what = what, .max_body = MAX_LIST_DOC };
		struct lb_buf body = LB_BUF_INIT(MAX_LIST_DOC);
		json_t *doc, *arr;
		int st;

		q.errbody = LB_BUF_INIT(MAX_ERRBODY + 1);
		q.sink = buf_sink;
		q.ud = &body;
		if (++pages > MAX_LIST_PAGES) {
			lb_err(r->cx, "%s: more than %d pages", what, MAX_LIST_PAGES);
			ret = -LB_E_LIMIT;
		} else if ((st = run(r, &q, path)) < 0) {
			ret = st;
		} else if (st == 404) {
			ret = -LB_E_NOTFOUND;   /* the caller says what was not there */
		} else if (st != 200) {
			ret = status_error(r, &q, st);
		}
		free(path);
		path = NULL;
		if (ret < 0) {
			req_release(&q);
			lb_buf_release(&body);
			break;
		}
		doc = json_loadb(body.p ? (char *)body.p : "", body.len, JSON_REJECT_DUPLICATES, NULL);
		arr = json_object_get(doc, key);
		if (!json_is_object(doc) || (!json_is_array(arr) && !json_is_null(arr) && arr)) {
			lb_err(r->cx, "%s: malformed answer", what);
			ret = -LB_E_FORMAT;
		}
		for (size_t i = 0; ret == 0 && i < json_array_size(arr); i++) {
			const char *s = json_string_value(json_array_get(arr, i));
			if (!s || (repo ? !lb_ref_tag_valid(s, strlen(s)) : !lb_ref_repo_valid(s, strlen(s)))) {
				char safe[200];
				lb_warn(r->cx, "%s: ignoring invalid name '%s'", what, lb_safe(safe, sizeof(safe),
				    s ? s : "(not a string)"));
				continue;
			}
			if (*n >= MAX_LIST_NAMES) {
				lb_err(r->cx, "%s: more than %d names", what, MAX_LIST_NAMES);
				ret = -LB_E_LIMIT;
				break;
			}
			lb_xgrow(names, &cap, *n + 1, sizeof(**names));
			(*names)[(*n)++] = lb_xstrdup(s);
		}
		json_decref(doc);
		if (ret == 0)
			path = next_link(r, q.link);
		req_release(&q);
		lb_buf_release(&body);
	}
	if (ret < 0) {
		for (size_t i = 0; i < *n; i++)
			free((*names)[i]);
		free(*names);
		*names = NULL;
		*n = 0;
	}
	free(scope);
	free(what);
	return ret;
}
