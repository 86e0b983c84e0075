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
