/* lb_ctx.h - the per-scan context: diagnostics sink, collected warnings,
 * scratch folder and thread count. One per scan (one per server request);
 * it is never global. Logging functions are thread-safe.
 */
#pragma once
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct lb_file_hook;
struct lb_interest_index;

enum lb_level { LB_LOG_ERROR = 0, LB_LOG_WARN = 1, LB_LOG_INFO = 2, LB_LOG_DEBUG = 3 };

struct lb_ctx {
	pthread_mutex_t lock;
	FILE *log;             /* diagnostics; not owned; NULL silences them */
	int verbosity;         /* highest level printed (enum lb_level) */
	bool color;            /* reserved for the table writer */
	int nthreads;          /* workers for layers; >= 1 */
	const char *scratch;   /* private scratch folder; not owned; may be NULL */
	/* per-file scanner for every layer (image/fsview.h; --scanners
	 * malware); not owned; NULL when off */
	const struct lb_file_hook *file_hook;
	/* the analyzers' interests indexed for the layer walker
	 * (analyze/interest.h); not owned; NULL: the walker reads the table */
	const struct lb_interest_index *interests;
	/* Warnings collected for the report (owned). nwarn counts all, even
	 * those past LB_MAX_WARNINGS that were not kept. */
	char **warnings;
	size_t nwarn, nkept, capwarn;
};

void lb_ctx_init(struct lb_ctx *cx, FILE *log);
void lb_ctx_release(struct lb_ctx *cx);

void lb_err(struct lb_ctx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning is printed and kept for the report, which it marks partial. */
void lb_warn(struct lb_ctx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lb_info(struct lb_ctx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lb_debug(struct lb_ctx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies s into out (cap bytes) with control characters, DEL and invalid
 * UTF-8 replaced by '?', so that image-supplied names are safe in a
 * terminal or log line. Returns out. */
const char *lb_safe(char *out, size_t cap, const char *s);
