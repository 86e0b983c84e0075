/* t_registry.c - image references (Docker Hub normalisation as
 * distribution/reference documents it), WWW-Authenticate challenges
 * (RFC 7235/6750, token.md examples), config.json lookups and credential
 * helper answers (docker-credential-helpers' protocol). */
#include "lbtest.h"

#include <stdlib.h>
#include <string.h>

#include "base/lb_err.h"
#include "registry/auth.h"
#include "registry/ref.h"

static void
ok_ref(const char *in, const char *host, const char *repo, const char *tag, const char *digest)
{
	struct lb_ref r;
	const char *why = NULL;

	if (lb_ref_parse(in, strlen(in), &r, &why) != 0)
		fail_msg("'%s' does not parse: %s", in, why);
	assert_string_equal(r.host, host);
	assert_string_equal(r.repo, repo);
	if (tag)
		assert_string_equal(r.tag, tag);
	else
		assert_null(r.tag);
	if (digest)
		assert_string_equal(r.digest, digest);
	else
		assert_null(r.digest);
	lb_ref_release(&r);
}

static void
bad_ref(const char *in, int want)
{
	struct lb_ref r;
	const char *why = NULL;
	int got = lb_ref_parse(in, strlen(in), &r, &why);

	if (got != want)
		fail_msg("'%s': %d, want %d", in, got, want);
	assert_non_null(why);
}

#define D "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_ref(void **state)
{
	(void)state;
	ok_ref("alpine", "docker.io", "library/alpine", "latest", NULL);
	ok_ref("alpine:3.19", "docker.io", "library/alpine", "3.19", NULL);
	ok_ref("library/alpine:3.19", "docker.io", "library/alpine", "3.19", NULL);
	ok_ref("docker.io/alpine", "docker.io", "library/alpine", "latest", NULL);
	ok_ref("index.docker.io/library/alpine", "docker.io", "library/alpine", "latest", NULL);
	ok_ref("bitnami/redis:7", "docker.io", "bitnami/redis", "7", NULL);
	ok_ref("ghcr.io/org/app@" D, "ghcr.io", "org/app", NULL, D);
	ok_ref("ghcr.io/org/app:1.0@" D, "ghcr.io", "org/app", "1.0", D);
	ok_ref("localhost:5000/team/app:1.2", "localhost:5000", "team/app", "1.2", NULL);
	ok_ref("localhost/app", "localhost", "app", "latest", NULL);
	ok_ref("127.0.0.1:5000/a/b/c", "127.0.0.1:5000", "a/b/c", "latest", NULL);
	ok_ref("[::1]:5000/app:x", "[::1]:5000", "app", "x", NULL);
	ok_ref("Registry.Example.COM/app", "Registry.Example.COM", "app", "latest", NULL);
	ok_ref("LOCALHOST/app", "LOCALHOST", "app", "latest", NULL);   /* upper case: a host */
	ok_ref("a/b__c-d---e.f_g:TAG_1.x-y", "docker.io", "a/b__c-d---e.f_g", "TAG_1.x-y", NULL);
	/* a first part without '.' or ':' is a namespace on Docker Hub */
	ok_ref("team/app:1", "docker.io", "team/app", "1", NULL);

	bad_ref("", -LB_E_FORMAT);
	bad_ref("Alpine", -LB_E_FORMAT);          /* upper case repository */
	bad_ref("alpine:", -LB_E_FORMAT);
	bad_ref("alpine:.x", -LB_E_FORMAT);       /* a tag starts with [A-Za-z0-9_] */
	bad_ref("a//b", -LB_E_FORMAT);
	bad_ref("a/b/", -LB_E_FORMAT);
	bad_ref("a-/b", -LB_E_FORMAT);
	bad_ref("a___b", -LB_E_FORMAT);
	bad_ref("a@sha256:123", -LB_E_FORMAT);
	bad_ref("a@sha512:0123", -LB_E_UNSUPPORTED);
	bad_ref("host:99999/app", -LB_E_FORMAT);
	bad_ref("host:/app", -LB_E_FORMAT);
	bad_ref("ex ample.com/app", -LB_E_FORMAT);
	{
		char tag[200];
		memset(tag, 'x', sizeof(tag) - 1);
		tag[sizeof(tag) - 1] = 0;
		char *in = NULL;
		assert_true(asprintf(&in, "app:%s", tag) > 0);
		bad_ref(in, -LB_E_FORMAT);            /* tags are at most 128 */
		free(in);
		char name[300];
		memset(name, 'a', sizeof(name) - 1);
		name[sizeof(name) - 1] = 0;
		bad_ref(name, -LB_E_LIMIT);           /* host/repo over 255 */
	}
}

static void
test_ref_string(void **state)
{
	struct lb_ref r;
	char *s;

	(void)state;
	assert_int_equal(lb_ref_parse("alpine:3.19", 11, &r, NULL), 0);
	s = lb_ref_string(&r);
	assert_string_equal(s, "docker.io/library/alpine:3.19");
	free(s);
	assert_string_equal(lb_ref_api_host(r.host), "registry-1.docker.io");
	lb_ref_release(&r);
	assert_int_equal(lb_ref_parse_repo("reg.local:5000/team", 19, &r, NULL), 0);
	assert_string_equal(r.host, "reg.local:5000");
	assert_string_equal(r.repo, "team");
	lb_ref_release(&r);
	assert_int_equal(lb_ref_parse_repo("reg.local:5000/", 15, &r, NULL), 0);
	assert_null(r.repo);
	lb_ref_release(&r);
}

static void
test_challenge(void **state)
{
	struct lb_challenge c;
	const char *h;

	(void)state;
	/* token.md's example */
	h = "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
	    "scope=\"repository:samalba/my-app:pull,push\"";
	assert_int_equal(lb_auth_parse_challenge(h, strlen(h), &c), 0);
	assert_int_equal(c.bearer, 1);
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:samalba/my-app:pull,push");
	lb_challenge_release(&c);

	h = "basic realm=\"Registry Realm\"";
	assert_int_equal(lb_auth_parse_challenge(h, strlen(h), &c), 0);
	assert_int_equal(c.bearer, 0);
	assert_string_equal(c.realm, "Registry Realm");
	lb_challenge_release(&c);

	/* another scheme first, spaces around '=', escapes, unquoted tokens */
	h = "Negotiate abc==, Bearer  realm = \"https://x/t\\\"q\" , service=svc";
	assert_int_equal(lb_auth_parse_challenge(h, strlen(h), &c), 0);
	assert_int_equal(c.bearer, 1);
	assert_string_equal(c.realm, "https://x/t\"q");
	assert_string_equal(c.service, "svc");
	assert_null(c.scope);
	lb_challenge_release(&c);

	h = "Negotiate";
	assert_int_equal(lb_auth_parse_challenge(h, strlen(h), &c), -LB_E_UNSUPPORTED);
	h = "Bearer service=\"x\"";            /* no realm to ask */
	assert_int_equal(lb_auth_parse_challenge(h, strlen(h), &c), -LB_E_FORMAT);
	h = "Bearer realm=\"unterminated";
	assert_int_equal(lb_auth_parse_challenge(h, strlen(h), &c), -LB_E_FORMAT);
	h = "";
	assert_int_equal(lb_auth_parse_challenge(h, 0, &c), -LB_E_FORMAT);
}

static void
test_dockercfg(void **state)
{
	struct lb_cred c;
	char *helper;
	const char *j;

	(void)state;
	/* "YWxpY2U6czNjcjp0" is base64 of "alice:s3cr:t" (a ':' in the password) */
	j = "{\"auths\":{\"reg:5000\":{\"auth\":\"YWxpY2U6czNjcjp0\"},"
	    "\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnB3\"},"
	    "\"tok.example\":{\"identitytoken\":\"IDT\"}}}";
	assert_int_equal(lb_dockercfg_lookup(j, strlen(j), "reg:5000", &helper, &c), 1);
	assert_null(helper);
	assert_string_equal(c.user, "alice");
	assert_string_equal(c.secret, "s3cr:t");
	lb_cred_release(&c);
	assert_int_equal(lb_dockercfg_lookup(j, strlen(j), "docker.io", &helper, &c), 1);
	assert_string_equal(c.user, "hub");
	assert_string_equal(c.secret, "pw");
	lb_cred_release(&c);
	assert_int_equal(lb_dockercfg_lookup(j, strlen(j), "tok.example", &helper, &c), 1);
	assert_int_equal(c.identity, 1);
	assert_string_equal(c.secret, "IDT");
	lb_cred_release(&c);
	/* credentials are per host: a prefix of another host is not it */
	assert_int_equal(lb_dockercfg_lookup(j, strlen(j), "reg", &helper, &c), 0);
	assert_int_equal(lb_dockercfg_lookup(j, strlen(j), "reg:500", &helper, &c), 0);

	/* credHelpers wins over credsStore, which wins over auths */
	j = "{\"credsStore\":\"desktop\",\"credHelpers\":{\"ecr.example\":\"ecr-login\"},"
	    "\"auths\":{\"ecr.example\":{\"auth\":\"YTpi\"}}}";
	assert_int_equal(lb_dockercfg_lookup(j, strlen(j), "ecr.example", &helper, &c), 1);
	assert_string_equal(helper, "ecr-login");
	free(helper);
	assert_int_equal(lb_dockercfg_lookup(j, strlen(j), "other.example", &helper, &c), 1);
	assert_string_equal(helper, "desktop");
	free(helper);

	j = "{\"auths\":{\"r\":{\"auth\":\"!!!!\"}}}";
	assert_int_equal(lb_dockercfg_lookup(j, strlen(j), "r", &helper, &c), -LB_E_FORMAT);
	j = "{\"auths\":{\"r\":{\"auth\":\"bm9jb2xvbg==\"}}}";     /* "nocolon" */
	assert_int_equal(lb_dockercfg_lookup(j, strlen(j), "r", &helper, &c), -LB_E_FORMAT);
	j = "[1]";
	assert_int_equal(lb_dockercfg_lookup(j, strlen(j), "r", &helper, &c), -LB_E_FORMAT);
}

static void
test_credhelper(void **state)
{
	struct lb_cred c;
	const char *j;

	(void)state;
	j = "{\"ServerURL\":\"reg\",\"Username\":\"u\",\"Secret\":\"s\"}";
	assert_int_equal(lb_credhelper_parse(j, strlen(j), &c), 1);
	assert_string_equal(c.user, "u");
	assert_string_equal(c.secret, "s");
	assert_int_equal(c.identity, 0);
	lb_cred_release(&c);
	j = "{\"Username\":\"<token>\",\"Secret\":\"refresh\"}";
	assert_int_equal(lb_credhelper_parse(j, strlen(j), &c), 1);
	assert_int_equal(c.identity, 1);
	lb_cred_release(&c);
	j = "{\"Username\":\"u\"}";
	assert_int_equal(lb_credhelper_parse(j, strlen(j), &c), -LB_E_FORMAT);
	j = "{\"Username\":\"u\\u0000x\",\"Secret\":\"s\"}";
	assert_int_equal(lb_credhelper_parse(j, strlen(j), &c), -LB_E_FORMAT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ref),
		cmocka_unit_test(test_ref_string),
		cmocka_unit_test(test_challenge),
		cmocka_unit_test(test_dockercfg),
		cmocka_unit_test(test_credhelper),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
