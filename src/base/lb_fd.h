/* lb_fd.h - small helpers over file descriptors: writing a whole buffer,
 * and unnamed files in the scratch folder. No ownership beyond what each
 * function says.
 */
#pragma once
#include <stddef.h>

/* Writes all n bytes of p to fd, retrying short writes and EINTR.
 * Returns 0 or -errno (-EIO, with errno set, when write made no progress). */
int lb_write_all(int fd, const void *p, size_t n);

/* A new file in the folder dir that has no name (O_TMPFILE, else created
 * and unlinked at once), so nothing is left behind even on a crash; the
 * caller owns and closes the descriptor. prefix names the file in the
 * short moment it has a name. Returns the descriptor or -errno. */
int lb_scratch_fd(const char *dir, const char *prefix);
