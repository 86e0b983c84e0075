#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/lb_alloc.h"
#include "analyze/analyzer.h"
#include "base/lb_buf.h"
#include "io/istream.h"

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

const struct lb_analyzer_ops *
lbt_analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	fail_msg("no analyzer '%s'", name);
	return NULL;
}

void
lbt_run_mem(struct lbt_run *r, const struct lb_analyzer_ops *ops, const char *path,
    const void *data, size_t len, uint64_t real_size)
{
	struct lb_file f;
	struct lb_istream *is = lb_is_mem(data, len);

	memset(&f, 0, sizeof(f));
	f.path = path;
	f.real_size = real_size ? real_size : len;
	f.mode = 0100644;
	f.type = LB_FT_REG;
	r->inv = lb_inventory_new();
	lbt_ctx(&r->cx);
	assert_int_equal(ops->scan_file(&r->cx, &f, is, r->inv), 0);
	lb_is_close(is);
}

void
lbt_run_release(struct lbt_run *r)
{
	lb_inventory_free(r->inv);
	lb_ctx_release(&r->cx);
}
