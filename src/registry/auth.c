#include "registry/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"

#define MAX_DOCKERCFG (4u << 20)
#define MAX_HELPER_OUT (1u << 20)
#define HELPER_TIMEOUT_MS 30000

extern char **environ;

void
lb_challenge_release(struct lb_challenge *c)
{
	free(c->realm);
	free(c->service);
	free(c->scope);
	memset(c, 0, sizeof(*c));
}

static int
is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
ieq(const char *p, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(p, word, n) == 0;
}

/* RFC 7235: challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ];
 * auth-param = token BWS "=" BWS ( token / quoted-string ). Several
 * challenges may share one header, separated by commas. */
int
lb_auth_parse_challenge(const char *hdr, size_t len, struct lb_challenge *c)
{
	const char *p = hdr, *end = hdr + len;
	int scheme = -1, found = 0;

	memset(c, 0, sizeof(*c));
	while (p < end) {
		const char *k, *v;
		size_t kn;
		struct lb_buf val = LB_BUF_INIT(8192);

		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if (p >= end)
			break;
		k = p;
		while (p < end && is_tchar(*p))
			p++;
		kn = (size_t)(p - k);
		if (kn == 0)
			goto bad;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end || *p != '=') {
			/* a new scheme: stop after the one we took */
			if (found)
				break;
			scheme = ieq(k, kn, "bearer") ? 1 : ieq(k, kn, "basic") ? 0 : -1;
			if (scheme >= 0) {
				found = 1;
				c->bearer = scheme;
			}
			continue;
		}
		p++;   /* '=' */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '"') {
			p++;
			while (p < end && *p != '"') {
				if (*p == '\\' && p + 1 < end)
					p++;
				if ((unsigned char)*p < 0x20 && *p != '\t') {
					lb_buf_release(&val);
					goto bad;
				}
				if (lb_buf_add(&val, p, 1) < 0) {
					lb_buf_release(&val);
					goto bad;
				}
				p++;
			}
			if (p >= end) {
				lb_buf_release(&val);
				goto bad;
			}
			p++;
		} else {
			v = p;
			/* token68 ends with '=' padding, as in "Basic abc==" */
			while (p < end && (is_tchar(*p) || *p == '/' || *p == '='))
				p++;
			if (lb_buf_add(&val, v, (size_t)(p - v)) < 0) {
				lb_buf_release(&val);
				goto bad;
			}
		}
		if (found && scheme >= 0) {
			char **slot = ieq(k, kn, "realm") ? &c->realm : ieq(k, kn, "service") ? &c->service :
			    ieq(k, kn, "scope") ? &c->scope : NULL;
			if (slot && !*slot) {
				size_t n;
				*slot = lb_buf_detach(&val, &n);
			}
		}
		lb_buf_release(&val);
	}
	if (!found) {
		lb_challenge_release(c);
		return scheme < 0 && p > hdr ? -LB_E_UNSUPPORTED : -LB_E_FORMAT;
	}
	if (c->bearer && (!c->realm || !c->realm[0])) {
		lb_challenge_release(c);
		return -LB_E_FORMAT;   /* RFC 6750 token.md: Bearer needs a realm to ask */
	}
	return 0;
bad:
	lb_challenge_release(c);
	return -LB_E_FORMAT;
}

void
lb_cred_release(struct lb_cred *c)
{
	free(c->user);
	if (c->secret) {
		explicit_bzero(c->secret, strlen(c->secret));
		free(c->secret);
	}
	memset(c, 0, sizeof(*c));
}

/* base64 "user:password" (docker login writes it so) */
static int
decode_auth(const char *b64, struct lb_cred *out)
{
	size_t n = strlen(b64), outcap;
	unsigned char *buf;
	int len;
	char *colon;

	if (n == 0 || n > 65536 || n % 4 != 0)
		return -LB_E_FORMAT;
	outcap = n / 4 * 3 + 1;
	buf = lb_xmalloc(outcap);
	len = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)n);
	if (len < 0) {
		free(buf);
		return -LB_E_FORMAT;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes */
	for (size_t i = n; i > 0 && b64[i - 1] == '='; i--)
		len--;
	buf[len] = 0;
	if (memchr(buf, 0, (size_t)len) || !(colon = strchr((char *)buf, ':'))) {
		explicit_bzero(buf, outcap);
		free(buf);
		return -LB_E_FORMAT;
	}
	out->user = lb_xstrndup((char *)buf, (size_t)(colon - (char *)buf));
	out->secret = lb_xstrdup(colon + 1);
	explicit_bzero(buf, outcap);
	free(buf);
	return 0;
}

/* Whether a config key names host: "host", "https://host/v1/", ... */
static int
key_matches(const char *key, const char *host)
{
	size_t hl = strlen(host);

	if (strncmp(key, "https://", 8) == 0)
		key += 8;
	else if (strncmp(key, "http://", 7) == 0)
		key += 7;
	if (strncmp(key, host, hl) != 0)
		return 0;
	return key[hl] == 0 || key[hl] == '/';
}

static json_t *
find_key(json_t *obj, const char *host)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	if ((v = json_object_get(obj, host)))
		return v;
	json_object_foreach(obj, k, v)
		if (key_matches(k, host))
			return v;
	if (strcmp(host, "docker.io") == 0) {
		/* docker/cli: Hub credentials live under the legacy index URL */
		json_object_foreach(obj, k, v)
			if (key_matches(k, "index.docker.io") || key_matches(k, "registry-1.docker.io"))
				return v;
	}
	return NULL;
}

int
lb_dockercfg_lookup(const char *json, size_t len, const char *host, char **helper, struct lb_cred *out)
{
	json_t *doc, *v;
	int r = 0;

	*helper = NULL;
	memset(out, 0, sizeof(*out));
	doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return -LB_E_FORMAT;
	}
	/* docker/cli: credHelpers[host], then credsStore, then auths[host] */
	v = find_key(json_object_get(doc, "credHelpers"), host);
	if (json_is_string(v) && json_string_length(v) > 0) {
		*helper = lb_xstrdup(json_string_value(v));
		r = 1;
		goto out;
	}
	v = json_object_get(doc, "credsStore");
	if (json_is_string(v) && json_string_length(v) > 0) {
		*helper = lb_xstrdup(json_string_value(v));
		r = 1;
		goto out;
	}
	v = find_key(json_object_get(doc, "auths"), host);
	if (json_is_object(v)) {
		json_t *a = json_object_get(v, "auth"), *it = json_object_get(v, "identitytoken");
		json_t *u = json_object_get(v, "username"), *pw = json_object_get(v, "password");
		if (json_is_string(it) && json_string_length(it) > 0) {
			out->user = lb_xstrdup("<token>");
			out->secret = lb_xstrdup(json_string_value(it));
			out->identity = 1;
			r = 1;
		} else if (json_is_string(a) && json_string_length(a) > 0) {
			if ((r = decode_auth(json_string_value(a), out)) == 0)
				r = 1;
		} else if (json_is_string(u) && json_is_string(pw)) {
			out->user = lb_xstrdup(json_string_value(u));
			out->secret = lb_xstrdup(json_string_value(pw));
			r = 1;
		}
	}
out:
	json_decref(doc);
	return r;
}

int
lb_credhelper_parse(const char *json, size_t len, struct lb_cred *out)
{
	json_t *doc = json_loadb(json, len, 0, NULL);
	const char *u, *s;

	memset(out, 0, sizeof(*out));
	u = json_string_value(json_object_get(doc, "Username"));
	s = json_string_value(json_object_get(doc, "Secret"));
	if (!json_is_object(doc) || !u || !s || strlen(u) != json_string_length(json_object_get(doc, "Username")) ||
	    strlen(s) != json_string_length(json_object_get(doc, "Secret"))) {
		json_decref(doc);
		return -LB_E_FORMAT;
	}
	out->user = lb_xstrdup(u);
	out->secret = lb_xstrdup(s);
	/* docker-credential-helpers: Username "<token>" means an identity token */
	out->identity = strcmp(u, "<token>") == 0;
	json_decref(doc);
	return 1;
}

static int
helper_name_ok(const char *h)
{
	if (!*h || strlen(h) > 64)
		return 0;
	for (; *h; h++)
		if (!((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') || (*h >= '0' && *h <= '9') ||
		    *h == '-' || *h == '_' || *h == '.'))
			return 0;
	return 1;
}

static long
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
lb_credhelper_get(struct lb_ctx *cx, const char *helper, const char *server, struct lb_cred *out)
{
	posix_spawn_file_actions_t fa;
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 }, st = 0, r;
	char *prog = NULL, *argv[3];
	struct lb_buf b = LB_BUF_INIT(MAX_HELPER_OUT);
	pid_t pid = -1;
	long deadline;
	size_t wlen = strlen(server);

	memset(out, 0, sizeof(*out));
	if (!helper_name_ok(helper)) {
		lb_err(cx, "invalid credential helper name in config.json");
		return -LB_E_FORMAT;
	}
	prog = lb_xasprintf("docker-credential-%s", helper);
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(outp, O_CLOEXEC) != 0) {
		r = -errno;
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	argv[0] = prog;
	argv[1] = (char *)"get";
	argv[2] = NULL;
	r = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	if (r != 0) {
		lb_err(cx, "cannot run credential helper '%s': %s", prog, strerror(r));
		pid = -1;
		r = -r;
		goto out;
	}
	/* the protocol: the server URL on stdin, JSON on stdout */
	{
		void (*old)(int) = signal(SIGPIPE, SIG_IGN);
		ssize_t w = write(in[1], server, wlen);
		signal(SIGPIPE, old);
		(void)w;
	}
	close(in[1]);
	in[1] = -1;
	deadline = ms_now() + HELPER_TIMEOUT_MS;
	for (;;) {
		struct pollfd pf = { .fd = outp[0], .events = POLLIN };
		char buf[4096];
		long left = deadline - ms_now();
		ssize_t n;

		if (left <= 0) {
			lb_err(cx, "credential helper '%s' did not answer in %d s", prog, HELPER_TIMEOUT_MS / 1000);
			kill(pid, SIGKILL);
			r = -ETIMEDOUT;
			goto out;
		}
		if (poll(&pf, 1, (int)left) < 0 && errno != EINTR) {
			r = -errno;
			goto out;
		}
		n = read(outp[0], buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		if (lb_buf_add(&b, buf, (size_t)n) < 0) {
			lb_err(cx, "credential helper '%s': answer over %u bytes", prog, MAX_HELPER_OUT);
			kill(pid, SIGKILL);
			r = -LB_E_LIMIT;
			goto out;
		}
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		/* docker-credential-helpers: "credentials not found" exits 1 */
		if (b.len && strstr((char *)b.p, "credentials not found")) {
			r = 0;
			goto out;
		}
		lb_err(cx, "credential helper '%s' failed", prog);
		r = -EACCES;
		goto out;
	}
	if ((r = lb_credhelper_parse(b.p ? (char *)b.p : "", b.len, out)) < 0)
		lb_err(cx, "credential helper '%s' gave a malformed answer", prog);
out:
	if (pid > 0) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (outp[i] >= 0)
			close(outp[i]);
	}
	if (b.p)
		explicit_bzero(b.p, b.len);
	lb_buf_release(&b);
	free(prog);
	return r;
}

int
lb_auth_lookup(struct lb_ctx *cx, const char *host, struct lb_cred *out)
{
	const char *dc = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	struct lb_buf b = LB_BUF_INIT(MAX_DOCKERCFG);
	char *path, *helper = NULL, *server;
	int r;

	memset(out, 0, sizeof(*out));
	if (dc && *dc)
		path = lb_xasprintf("%s/config.json", dc);
	else if (home && *home)
		path = lb_xasprintf("%s/.docker/config.json", home);
	else
		return 0;
	r = lb_buf_read_at(&b, AT_FDCWD, path);
	if (r == -ENOENT || r == -ENOTDIR) {
		r = 0;
		goto out;
	}
	if (r < 0) {
		lb_err(cx, "cannot read '%s': %s", path, lb_strerror(r));
		goto out;
	}
	r = lb_dockercfg_lookup(b.p ? (char *)b.p : "", b.len, host, &helper, out);
	if (r < 0) {
		lb_err(cx, "malformed '%s': not a JSON object", path);
		goto out;
	}
	if (helper) {
		server = strcmp(host, "docker.io") == 0 ? lb_xstrdup("https://index.docker.io/v1/") :
		    lb_xstrdup(host);
		r = lb_credhelper_get(cx, helper, server, out);
		free(server);
	}
out:
	if (b.p)
		explicit_bzero(b.p, b.len);
	lb_buf_release(&b);
	free(helper);
	free(path);
	return r;
}
