/* cmd_update.c - lifebelt db update: download the default feeds over HTTPS
 * with libcurl into the scratch folder, build a new database beside the
 * old one and rename it into place. Any failure leaves the old database
 * untouched and usable. */
#include "cli/cli.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "vulndb/vulndb.h"

#define FEED_MAX_BYTES (4ll << 30)   /* one feed download */

/* The public feeds: OSV per ecosystem, Alpine secdb branches, the Debian tracker. */
static const char *const default_feeds[] = {
	"osv:https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip",
	"osv:https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip",
	"osv:https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip",
	"osv:https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip",
	"osv:https://osv-vulnerabilities.storage.googleapis.com/RubyGems/all.zip",
	"osv:https://osv-vulnerabilities.storage.googleapis.com/Maven/all.zip",
	"osv:https://osv-vulnerabilities.storage.googleapis.com/NuGet/all.zip",
	"osv:https://osv-vulnerabilities.storage.googleapis.com/Packagist/all.zip",
	"alpine-secdb:https://secdb.alpinelinux.org/v3.18/main.json",
	"alpine-secdb:https://secdb.alpinelinux.org/v3.18/community.json",
	"alpine-secdb:https://secdb.alpinelinux.org/v3.19/main.json",
	"alpine-secdb:https://secdb.alpinelinux.org/v3.19/community.json",
	"alpine-secdb:https://secdb.alpinelinux.org/v3.20/main.json",
	"alpine-secdb:https://secdb.alpinelinux.org/v3.20/community.json",
	"alpine-secdb:https://secdb.alpinelinux.org/v3.21/main.json",
	"alpine-secdb:https://secdb.alpinelinux.org/v3.21/community.json",
	"debian-tracker:https://security-tracker.debian.org/tracker/data/json",
	NULL
};

static int
is_loopback_url(const char *url)
{
	const char *h = strstr(url, "://");

	if (!h)
		return 0;
	h += 3;
	return strncmp(h, "127.", 4) == 0 || strncmp(h, "localhost", 9) == 0 || strncmp(h, "[::1]", 5) == 0;
}

/* Downloads url into path; returns 0 or < 0 with an error logged. */
static int
fetch(struct lb_ctx *cx, CURL *cu, const char *url, const char *path)
{
	FILE *f = fopen(path, "wb");
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	long status = 0;
	int r = 0;

	if (!f) {
		lb_err(cx, "cannot write '%s': %s", path, strerror(errno));
		return -errno;
	}
	curl_easy_reset(cu);
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(cu, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(cu, CURLOPT_MAXREDIRS, 5L);
	/* https only, except plain http to this machine (tests, local mirrors) */
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, is_loopback_url(url) ? "http,https" : "https");
	curl_easy_setopt(cu, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a stalled transfer: under 1 KB/s for 60 s */
	curl_easy_setopt(cu, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(cu, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(cu, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)FEED_MAX_BYTES);
	curl_easy_setopt(cu, CURLOPT_USERAGENT, "lifebelt/" LB_VERSION);
	curl_easy_setopt(cu, CURLOPT_ACCEPT_ENCODING, "");
	rc = curl_easy_perform(cu);
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
	if (fclose(f) != 0 && rc == CURLE_OK) {
		lb_err(cx, "cannot write '%s': %s", path, strerror(errno));
		return -EIO;
	}
	if (rc != CURLE_OK) {
		lb_err(cx, "cannot download '%s': %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		r = (rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
		    rc == CURLE_COULDNT_RESOLVE_HOST) ? -EAGAIN : -EIO;
	}
	return r;
}

int
lb_cmd_db_update(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "db", required_argument, NULL, 'd' },
		{ "cache-dir", required_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char **urls = lb_xcalloc((size_t)argc + 1, sizeof(*urls));
	struct lb_feed_source *src = NULL;
	size_t nurls = 0, nsrc = 0;
	char *dbpath = NULL, **paths = NULL;
	CURL *cu = NULL;
	int c, r = 0, ex = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:qvh", opts, NULL)) != -1) {
		switch (c) {
		case 's': urls[nurls++] = optarg; break;
		case 'd': case 'C': case 'q': case 'v': break;
		case 'h':
			printf("usage: lifebelt db update [--db FILE] [--source KIND:URL ...]\n"
			    "Without --source, downloads the default public feeds:\n");
			for (int i = 0; default_feeds[i]; i++)
				printf("  %s\n", default_feeds[i]);
			free(urls);
			return 0;
		default: free(urls); return EX_USAGE;
		}
	}
	if (nurls == 0)
		for (int i = 0; default_feeds[i]; i++)
			urls[nurls++] = default_feeds[i];
	if (!cx->scratch) {
		lb_err(cx, "db update needs a scratch folder");
		free(urls);
		return EX_CANTCREAT;
	}
	dbpath = lb_cli_default_db(cli);
	src = lb_xcalloc(nurls, sizeof(*src));
	paths = lb_xcalloc(nurls, sizeof(*paths));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(cu = curl_easy_init())) {
		lb_err(cx, "cannot start libcurl");
		ex = EX_SOFTWARE;
		goto out;
	}
	for (size_t i = 0; i < nurls; i++) {
		const char *colon = strchr(urls[i], ':');
		char *kind;
		if (!colon || !strstr(colon + 1, "://")) {
			lb_err(cx, "--source takes KIND:URL, not '%s'", urls[i]);
			ex = EX_USAGE;
			goto out;
		}
		kind = lb_xstrndup(urls[i], (size_t)(colon - urls[i]));
		paths[i] = lb_xasprintf("%s/feed-%zu%s", cx->scratch, i,
		    strstr(colon, ".zip") ? ".zip" : strstr(colon, ".yaml") ? ".yaml" : ".json");
		if (!is_loopback_url(colon + 1) && strncmp(colon + 1, "https://", 8) != 0)
			lb_warn(cx, "'%s' is not https: its content cannot be trusted in transit", colon + 1);
		lb_info(cx, "downloading %s", colon + 1);
		if ((r = fetch(cx, cu, colon + 1, paths[i])) < 0) {
			free(kind);
			lb_err(cx, "db update failed; the database at '%s' was not changed", dbpath);
			ex = r == -EAGAIN ? EX_TEMPFAIL : EX_UNAVAILABLE;
			goto out;
		}
		src[nsrc].kind = kind;
		src[nsrc].path = paths[i];
		src[nsrc].label = colon + 1;
		src[nsrc].required = 1;
		nsrc++;
	}
	{
		char *dir = lb_xstrdup(dbpath), *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			/* mkdir -p */
			for (char *p = dir + 1; *p; p++)
				if (*p == '/') {
					*p = 0;
					mkdir(dir, 0755);
					*p = '/';
				}
			mkdir(dir, 0755);
		}
		free(dir);
	}
	if ((r = lb_vulndb_build(cx, src, nsrc, dbpath)) < 0) {
		lb_err(cx, "db update failed; the database at '%s' was not changed", dbpath);
		ex = lb_exit_status(r);
		goto out;
	}
	if (!cli->quiet)
		fprintf(stderr, "lifebelt: updated '%s' from %zu feeds\n", dbpath, nsrc);
out:
	for (size_t i = 0; i < nsrc; i++)
		free((char *)src[i].kind);
	for (size_t i = 0; i < nurls; i++)
		if (paths && paths[i]) {
			unlink(paths[i]);
			free(paths[i]);
		}
	free(paths);
	free(src);
	free(urls);
	free(dbpath);
	if (cu)
		curl_easy_cleanup(cu);
	curl_global_cleanup();
	return ex;
}
