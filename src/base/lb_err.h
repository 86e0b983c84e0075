/* lb_err.h - error codes shared by every module.
 *
 * Functions return 0 (or a count) on success and a negative code on failure:
 * -errno for system errors (1..1023) or -LB_E_* for lifebelt's own.
 */
#pragma once

enum {
	LB_E_FIRST = 1024,
	LB_E_FORMAT = LB_E_FIRST, /* malformed input (bad JSON, bad tar, bad stanza) */
	LB_E_LIMIT,               /* a size, count or depth cap was exceeded */
	LB_E_DIGEST,              /* content does not match its digest or diff ID */
	LB_E_UNSUPPORTED,         /* valid but not supported (media type, algorithm) */
	LB_E_NOTFOUND,            /* a named blob, file, image or platform is absent */
	LB_E_INTERNAL,            /* a bug: a "can't happen" check fired */
	LB_E_USAGE,               /* the command line is wrong */
	LB_E_TRUNCATED,           /* a stream ended early */
	LB_E_LAST
};

/* Returns a static description of r (negative or positive code). */
const char *lb_strerror(int r);

/* Maps a negative code to a sysexits exit status (0 for r >= 0). */
int lb_exit_status(int r);

/* "Can't happen" checks that stay in release builds (SQLite's NEVER). */
#define LB_NEVER(x) __builtin_expect(!!(x), 0)
