/* ref.h - image references as users write them ("alpine:3.19",
 * "ghcr.io/org/app@sha256:...", "localhost:5000/team/app:1.2"), with
 * Docker Hub's normalisation: a name without a registry host is on
 * docker.io, and a one-part name there is under "library/".
 */
#pragma once
#include <stddef.h>

#define LB_REF_MAX_NAME 255   /* host + "/" + repository, as distribution caps it */

struct lb_ref {
	char *host;      /* canonical registry name: "docker.io", "localhost:5000" */
	char *repo;      /* "library/alpine", "team/app" */
	char *tag;       /* "3.19"; NULL when only a digest was given */
	char *digest;    /* "sha256:<64 hex>" or NULL */
};

/* Parses s (len bytes, need not be NUL-terminated) into r (owned strings;
 * release with lb_ref_release). A reference with neither tag nor digest
 * gets the tag "latest". Returns 0, -LB_E_FORMAT (a message for the user
 * is put into why when why is not NULL: static string), -LB_E_LIMIT (over
 * LB_REF_MAX_NAME) or -LB_E_UNSUPPORTED (a digest algorithm other than
 * sha256). */
int lb_ref_parse(const char *s, size_t len, struct lb_ref *r, const char **why);
/* "HOST[/REPO]" for listing: *repo is NULL when only a host was given.
 * Docker Hub normalisation is not applied (a bare word is a host). */
int lb_ref_parse_repo(const char *s, size_t len, struct lb_ref *r, const char **why);
void lb_ref_release(struct lb_ref *r);
/* "host/repo:tag", "host/repo@digest" or "host/repo:tag@digest" (new string). */
char *lb_ref_string(const struct lb_ref *r);
/* The host to talk to: registry-1.docker.io for docker.io, else host
 * (static or r->host; not owned). */
const char *lb_ref_api_host(const char *host);
/* Whether a repository name follows the OCI distribution-spec grammar. */
int lb_ref_repo_valid(const char *p, size_t n);
/* Whether a tag follows [A-Za-z0-9_][A-Za-z0-9._-]{0,127}. */
int lb_ref_tag_valid(const char *p, size_t n);
