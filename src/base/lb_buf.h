/* lb_buf.h - growable byte buffer with a hard maximum (curl dynbuf, sshbuf).
 * The buffer owns p; lb_buf_release frees it. p is always NUL-terminated
 * after a successful append (the NUL is not counted in len).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct lb_buf {
	uint8_t *p;
	size_t len, cap, max;
};

#define LB_BUF_INIT(m) ((struct lb_buf){ NULL, 0, 0, (m) })

/* Appends n bytes; -LB_E_LIMIT when len would pass max (nothing appended). */
int lb_buf_add(struct lb_buf *b, const void *p, size_t n);
int lb_buf_addstr(struct lb_buf *b, const char *s);
int lb_buf_addf(struct lb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lb_buf_reset(struct lb_buf *b);
void lb_buf_release(struct lb_buf *b);
/* Hands p to the caller (NUL-terminated, never NULL) and resets b. */
char *lb_buf_detach(struct lb_buf *b, size_t *len);
/* Reads the whole file at path (relative to dirfd) into b, refusing more than b->max. */
int lb_buf_read_at(struct lb_buf *b, int dirfd, const char *path);
/* Reads fd to its end into b (fd stays open): 0, -LB_E_LIMIT past b->max, or -errno. */
int lb_buf_read_fd(struct lb_buf *b, int fd);
