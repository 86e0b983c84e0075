#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"

const char *
lbt_testdata(const char *rel)
{
	static char path[4096];
	const char *base = getenv("LB_TESTDATA");
	struct stat st;

	if (!base || stat(base, &st) != 0) {
		if (getenv("CI") && strcmp(getenv("CI"), "true") == 0) {
			fprintf(stderr, "error: LB_TESTDATA (../shared/testdata) is required in CI\n");
			exit(1);
		}
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	return path;
}

const char *
lbt_src(const char *rel)
{
	static char path[4096];
	const char *base = getenv("LB_SRCDIR");

	snprintf(path, sizeof(path), "%s/%s", base ? base : ".", rel);
	return path;
}

char *
lbt_slurp(const char *path, size_t *len)
{
	struct lb_buf b = LB_BUF_INIT(1u << 30);
	int r = lb_buf_read_at(&b, -100 /* AT_FDCWD */, path);

	if (r < 0) {
		fail_msg("cannot read '%s'", path);
	}
	return lb_buf_detach(&b, len);
}

void
lbt_ctx(struct lb_ctx *cx)
{
	lb_ctx_init(cx, getenv("LB_TEST_VERBOSE") ? stderr : NULL);
	if (getenv("LB_TEST_VERBOSE"))
		cx->verbosity = LB_LOG_DEBUG;
}
