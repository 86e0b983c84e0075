/* lbtest.h - helpers shared by the cmocka unit tests. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/lb_ctx.h"

/* Path under $LB_TESTDATA (../shared/testdata), in a static buffer, or NULL
 * when the folder is absent. With CI=true a missing folder fails the test. */
const char *lbt_testdata(const char *rel);
/* Path under $LB_SRCDIR (the repo), in a static buffer. */
const char *lbt_src(const char *rel);
/* Calls skip() with a message when $LB_TESTDATA is absent (fails in CI). */
#define LBT_NEED_TESTDATA() do { if (!lbt_testdata("")) { \
	print_message("skipped: ../shared/testdata is absent\n"); skip(); } } while (0)
/* Reads a whole file into a new NUL-terminated buffer; fails the test on error. */
char *lbt_slurp(const char *path, size_t *len);
/* A context that logs to stderr only with LB_TEST_VERBOSE set. */
void lbt_ctx(struct lb_ctx *cx);

struct lb_analyzer_ops;
struct lb_inventory;

/* The analyzer called name in lb_analyzers[]; fails the test when absent. */
const struct lb_analyzer_ops *lbt_analyzer(const char *name);

/* One run of a streaming analyzer's scan_file over bytes in memory. */
struct lbt_run {
	struct lb_inventory *inv;   /* packages found (owned) */
	struct lb_ctx cx;           /* its warnings */
};
/* Streams len bytes of data as the file path (real_size bytes in the
 * layer; 0 means len), mode 0100644, through ops->scan_file, which must
 * return 0. */
void lbt_run_mem(struct lbt_run *r, const struct lb_analyzer_ops *ops, const char *path,
    const void *data, size_t len, uint64_t real_size);
void lbt_run_release(struct lbt_run *r);
