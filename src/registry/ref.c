#include "registry/ref.h"

#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "io/istream.h"

static int
lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* distribution-spec: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* per path component */
static int
component_valid(const char *p, size_t n)
{
	size_t i = 0;

	if (n == 0 || !lower_alnum(p[0]) || !lower_alnum(p[n - 1]))
		return 0;
	while (i < n) {
		if (lower_alnum(p[i])) {
			i++;
			continue;
		}
		if (p[i] == '.') {
			i++;
		} else if (p[i] == '_') {
			i += i + 1 < n && p[i + 1] == '_' ? 2 : 1;
		} else if (p[i] == '-') {
			while (i < n && p[i] == '-')
				i++;
		} else {
			return 0;
		}
		if (i >= n || !lower_alnum(p[i]))
			return 0;   /* a separator is followed by [a-z0-9] */
	}
	return 1;
}

int
lb_ref_repo_valid(const char *p, size_t n)
{
	size_t start = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == '/') {
			if (!component_valid(p + start, i - start))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

int
lb_ref_tag_valid(const char *p, size_t n)
{
	if (n == 0 || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || (i > 0 && (c == '.' || c == '-'));
		if (!ok)
			return 0;
	}
	return 1;
}

/* A host: DNS labels or an IPv4 address, "localhost", optionally ":port";
 * "[v6]" with an optional port. */
static int
host_valid(const char *p, size_t n)
{
	size_t i = 0, end = n;
	const char *colon;

	if (n == 0 || n > 253)
		return 0;
	if (p[0] == '[') {
		const char *rb = memchr(p, ']', n);
		if (!rb || rb == p + 1)
			return 0;
		for (const char *q = p + 1; q < rb; q++)
			if (!((*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'f') ||
			    (*q >= 'A' && *q <= 'F') || *q == ':' || *q == '.'))
				return 0;
		i = (size_t)(rb - p) + 1;
		if (i == n)
			return 1;
		if (p[i] != ':')
			return 0;
		colon = p + i;
	} else {
		colon = memchr(p, ':', n);
		end = colon ? (size_t)(colon - p) : n;
		if (end == 0)
			return 0;
		for (size_t k = 0; k < end; k++) {
			char c = p[k];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '-' || c == '.'))
				return 0;
			if ((c == '-' || c == '.') && (k == 0 || k == end - 1))
				return 0;
		}
	}
	if (colon) {
		size_t plen = n - (size_t)(colon - p) - 1;
		long port = 0;
		if (plen == 0 || plen > 5)
			return 0;
		for (size_t k = 0; k < plen; k++) {
			if (colon[1 + k] < '0' || colon[1 + k] > '9')
				return 0;
			port = port * 10 + (colon[1 + k] - '0');
		}
		if (port < 1 || port > 65535)
			return 0;
	}
	return 1;
}

/* distribution/reference: the first component is a host when it has a
 * '.' or ':' or is "localhost" (or is upper case, which no repo can be). */
static int
looks_like_host(const char *p, size_t n)
{
	if (n == 9 && memcmp(p, "localhost", 9) == 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '.' || p[i] == ':' || p[i] == '[' || (p[i] >= 'A' && p[i] <= 'Z'))
			return 1;
	return 0;
}

void
lb_ref_release(struct lb_ref *r)
{
	free(r->host);
	free(r->repo);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

#define WHY(msg) do { if (why) *why = (msg); } while (0)

int
lb_ref_parse(const char *s, size_t len, struct lb_ref *r, const char **why)
{
	const char *at, *name_end, *slash, *colon, *rest;
	size_t nlen, hlen = 0;
	char *digest = NULL;
	int ret;

	memset(r, 0, sizeof(*r));
	WHY("malformed reference");
	if (len == 0 || memchr(s, 0, len)) {
		WHY("empty reference");
		return -LB_E_FORMAT;
	}
	if (len > 512) {
		WHY("reference is too long");
		return -LB_E_LIMIT;
	}
	/* NAME[:TAG][@DIGEST] */
	at = memchr(s, '@', len);
	name_end = at ? at : s + len;
	if (at) {
		digest = lb_xstrndup(at + 1, (size_t)(s + len - at - 1));
		if (!lb_digest_valid(digest)) {
			int other = strchr(digest, ':') && strncmp(digest, "sha256:", 7) != 0;
			WHY(other ? "only sha256 digests are supported" :
			    "digest is not sha256: followed by 64 lowercase hex digits");
			free(digest);
			return other ? -LB_E_UNSUPPORTED : -LB_E_FORMAT;
		}
	}
	/* the tag is after the last ':' that follows the last '/' */
	slash = NULL;
	for (const char *q = s; q < name_end; q++)
		if (*q == '/')
			slash = q;
	colon = NULL;
	for (const char *q = slash ? slash : s; q < name_end; q++)
		if (*q == ':')
			colon = q;
	nlen = (size_t)((colon ? colon : name_end) - s);
	if (colon) {
		if (!lb_ref_tag_valid(colon + 1, (size_t)(name_end - colon - 1))) {
			WHY("invalid tag: [A-Za-z0-9_][A-Za-z0-9._-]{0,127} expected");
			ret = -LB_E_FORMAT;
			goto fail;
		}
		r->tag = lb_xstrndup(colon + 1, (size_t)(name_end - colon - 1));
	}
	/* the host part */
	slash = memchr(s, '/', nlen);
	if (slash && looks_like_host(s, (size_t)(slash - s))) {
		hlen = (size_t)(slash - s);
		if (!host_valid(s, hlen)) {
			WHY("invalid registry host");
			ret = -LB_E_FORMAT;
			goto fail;
		}
		/* kept as written, as distribution/reference does: an upper-case
		 * first part is what makes it a host */
		r->host = lb_xstrndup(s, hlen);
		rest = slash + 1;
	} else {
		r->host = lb_xstrdup("docker.io");
		rest = s;
	}
	if (strcmp(r->host, "index.docker.io") == 0 || strcmp(r->host, "registry-1.docker.io") == 0) {
		free(r->host);
		r->host = lb_xstrdup("docker.io");
	}
	nlen = (size_t)(s + nlen - rest);
	if (!lb_ref_repo_valid(rest, nlen)) {
		WHY("invalid repository name: lowercase letters, digits and separators (. _ __ -) in '/'-separated parts");
		ret = -LB_E_FORMAT;
		goto fail;
	}
	if (strcmp(r->host, "docker.io") == 0 && !memchr(rest, '/', nlen))
		r->repo = lb_xasprintf("library/%.*s", (int)nlen, rest);
	else
		r->repo = lb_xstrndup(rest, nlen);
	if (strlen(r->host) + 1 + strlen(r->repo) > LB_REF_MAX_NAME) {
		WHY("registry host and repository name are longer than 255 characters");
		ret = -LB_E_LIMIT;
		goto fail;
	}
	r->digest = digest;
	if (!r->tag && !r->digest)
		r->tag = lb_xstrdup("latest");
	if (why)
		*why = NULL;
	return 0;
fail:
	free(digest);
	lb_ref_release(r);
	return ret;
}

int
lb_ref_parse_repo(const char *s, size_t len, struct lb_ref *r, const char **why)
{
	const char *slash;
	size_t hlen;

	memset(r, 0, sizeof(*r));
	if (len == 0 || memchr(s, 0, len) || len > 512) {
		WHY("malformed registry or repository");
		return -LB_E_FORMAT;
	}
	while (len > 0 && s[len - 1] == '/')
		len--;
	slash = memchr(s, '/', len);
	hlen = slash ? (size_t)(slash - s) : len;
	if (!host_valid(s, hlen)) {
		WHY("invalid registry host");
		return -LB_E_FORMAT;
	}
	if (slash && !lb_ref_repo_valid(slash + 1, len - hlen - 1)) {
		WHY("invalid repository name");
		return -LB_E_FORMAT;
	}
	r->host = lb_xstrndup(s, hlen);
	if (strcmp(r->host, "index.docker.io") == 0 || strcmp(r->host, "registry-1.docker.io") == 0) {
		free(r->host);
		r->host = lb_xstrdup("docker.io");
	}
	if (slash)
		r->repo = lb_xstrndup(slash + 1, len - hlen - 1);
	if (why)
		*why = NULL;
	return 0;
}

char *
lb_ref_string(const struct lb_ref *r)
{
	return lb_xasprintf("%s/%s%s%s%s%s", r->host, r->repo ? r->repo : "",
	    r->tag ? ":" : "", r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "");
}

const char *
lb_ref_api_host(const char *host)
{
	/* distribution mirror.md: Docker Hub's API is registry-1.docker.io */
	return strcmp(host, "docker.io") == 0 ? "registry-1.docker.io" : host;
}
