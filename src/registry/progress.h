/* progress.h - one line of download progress on a terminal: the bytes of
 * the blobs being downloaded against the sum of their sizes, redrawn at
 * most ten times a second and cleared when the last download ends.
 *
 * One struct lb_progress per registry (so per scan); there is no global
 * state. Every function is thread-safe (the layers download in parallel)
 * and accepts NULL, which does nothing.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct lb_progress;

/* A progress line on tty (not owned; must outlive the struct). Returns a
 * new struct (free with lb_progress_free), or NULL when tty is NULL. */
struct lb_progress *lb_progress_new(FILE *tty);
/* Clears the line if it is shown, then frees p. */
void lb_progress_free(struct lb_progress *p);

/* A download of size bytes (< 0: unknown) starts. */
void lb_progress_begin(struct lb_progress *p, int64_t size);
/* n more bytes arrived. */
void lb_progress_add(struct lb_progress *p, uint64_t n);
/* A download ended (either way); the line is cleared after the last. */
void lb_progress_end(struct lb_progress *p);

/* The text of the line (no "\r"): "downloading N blobs: 1.2 MiB of
 * 3.4 MiB (35%)" into out (cap bytes, always terminated). Returns out. */
char *lb_progress_format(char *out, size_t cap, uint64_t done, uint64_t total, unsigned active);
