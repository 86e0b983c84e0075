/* auth.h - registry credentials and challenges: the WWW-Authenticate
 * header (RFC 7235/6750: Bearer realm/service/scope, Basic), Docker's
 * config.json (auths, credHelpers, credsStore) and the
 * docker-credential-NAME helper protocol.
 *
 * Credentials belong to one registry host: lookups are by host, and the
 * client sends them only to that host (and, for a token, to the realm that
 * host named), never to a redirect target.
 */
#pragma once
#include <stddef.h>

#include "base/lb_ctx.h"

struct lb_challenge {
	int bearer;          /* 1 Bearer, 0 Basic */
	char *realm;         /* owned; NULL when absent */
	char *service;
	char *scope;
};

/* Parses the first Basic or Bearer challenge of a WWW-Authenticate value
 * (len bytes). Returns 0, -LB_E_FORMAT (malformed) or -LB_E_UNSUPPORTED
 * (only other schemes). Strings in c are owned: lb_challenge_release. */
int lb_auth_parse_challenge(const char *hdr, size_t len, struct lb_challenge *c);
void lb_challenge_release(struct lb_challenge *c);

struct lb_cred {
	char *user;          /* owned; NULL: anonymous */
	char *secret;        /* password, or identity (refresh) token when identity */
	int identity;        /* secret is an identity token (helper user "<token>") */
};

/* Looks up host in a config.json document (len bytes): *helper gets the
 * credential helper suffix to run (credHelpers[host], else credsStore),
 * else *out gets the auths entry (base64 "auth" or identitytoken). Keys
 * match as "host", "https://host", "http://host" with an optional path
 * ("/v1/", "/v2/"); docker.io also matches https://index.docker.io/v1/.
 * Returns 1 when something was found, 0 when not, -LB_E_FORMAT on a
 * malformed document. *helper and out's strings are owned by the caller. */
int lb_dockercfg_lookup(const char *json, size_t len, const char *host, char **helper,
    struct lb_cred *out);

/* Runs docker-credential-<helper> get from $PATH with the server URL on
 * stdin and parses {"Username","Secret"}. Returns 1 found, 0 when the
 * helper has none, < 0 on failure (logged). */
int lb_credhelper_get(struct lb_ctx *cx, const char *helper, const char *server, struct lb_cred *out);
/* Parses a helper's JSON answer (len bytes). 1 on success, -LB_E_FORMAT. */
int lb_credhelper_parse(const char *json, size_t len, struct lb_cred *out);

/* Credentials for host from $DOCKER_CONFIG/config.json, else
 * ~/.docker/config.json, through helpers when configured. 1 found,
 * 0 none, < 0 error (logged). */
int lb_auth_lookup(struct lb_ctx *cx, const char *host, struct lb_cred *out);

void lb_cred_release(struct lb_cred *c);
