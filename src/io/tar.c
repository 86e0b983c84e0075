#include "io/tar.h"

#include <archive.h>
#include <errno.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"

#define TAR_BUF (256u << 10)

struct lb_tar {
	struct archive *a;
	struct lb_istream *is;
	uint8_t *buf;
	int stream_err;        /* error from the istream, kept to report it exactly */
	int eof;
	int empty;             /* the stream had no bytes at all */
	int opened;
	char msg[256];
};

static la_ssize_t
cb_read(struct archive *a, void *arg, const void **out)
{
	struct lb_tar *t = arg;
	ssize_t n;

	/* the stream's own buffer when it has one (the read-ahead slots) */
	n = lb_is_borrow(t->is, out, t->buf, TAR_BUF);
	if (n < 0) {
		t->stream_err = (int)n;
		archive_set_error(a, EIO, "%s", lb_strerror((int)n));
		return -1;
	}
	return n;
}

struct lb_tar *
lb_tar_open(struct lb_istream *is)
{
	struct lb_tar *t = lb_xcalloc(1, sizeof(*t));
	const uint8_t *p;

	t->is = is;
	t->buf = lb_xmalloc(TAR_BUF);
	t->a = archive_read_new();
	if (!t->a)
		abort();
	archive_read_support_format_tar(t->a);
	/* a zero-byte layer is an empty layer (moby #47065), not an error */
	if (lb_is_peek(is, &p, 1) == 0)
		t->empty = 1;
	return t;
}

static int
fail(struct lb_tar *t)
{
	if (t->stream_err) {
		snprintf(t->msg, sizeof(t->msg), "%s", lb_strerror(t->stream_err));
		return t->stream_err;
	}
	snprintf(t->msg, sizeof(t->msg), "%s",
	    archive_error_string(t->a) ? archive_error_string(t->a) : "unreadable tar");
	return -LB_E_FORMAT;
}

int
lb_tar_next(struct lb_tar *t, struct lb_tar_entry *e)
{
	struct archive_entry *ae;
	int r;

	if (t->eof || t->empty)
		return 0;
	if (!t->opened) {
		t->opened = 1;
		if (archive_read_open(t->a, t, NULL, cb_read, NULL) != ARCHIVE_OK)
			return fail(t);
	}
	r = archive_read_next_header(t->a, &ae);
	if (r == ARCHIVE_EOF) {
		t->eof = 1;
		return 0;
	}
	/* ARCHIVE_RETRY is a damaged header (bad checksum): Go archive/tar
	 * fails there (ErrHeader), and the entry is not valid, so stop too */
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return fail(t);
	memset(e, 0, sizeof(*e));
	e->path = archive_entry_pathname(ae);
	if (!e->path) {
		snprintf(t->msg, sizeof(t->msg), "member without a name");
		return -LB_E_FORMAT;
	}
	e->size = archive_entry_size(ae) > 0 ? (uint64_t)archive_entry_size(ae) : 0;
	e->mode = archive_entry_mode(ae);
	e->data_offset = (uint64_t)archive_filter_bytes(t->a, 0);
	if (archive_entry_hardlink(ae)) {
		e->type = LB_FT_HARDLINK;
		e->link = archive_entry_hardlink(ae);
		return 1;
	}
	switch (archive_entry_filetype(ae)) {
	case AE_IFREG: e->type = LB_FT_REG; break;
	case AE_IFDIR: e->type = LB_FT_DIR; break;
	case AE_IFLNK:
		e->type = LB_FT_SYMLINK;
		e->link = archive_entry_symlink(ae);
		if (!e->link)
			e->link = "";
		break;
	default: e->type = LB_FT_OTHER; break;
	}
	return 1;
}

ssize_t
lb_tar_read(struct lb_tar *t, void *buf, size_t len)
{
	la_ssize_t n = archive_read_data(t->a, buf, len);

	if (n < 0)
		return fail(t);
	return n;
}

int
lb_tar_read_block(struct lb_tar *t, const void **p, size_t *len, uint64_t *off)
{
	la_int64_t o = 0;
	int r = archive_read_data_block(t->a, p, len, &o);

	if (r == ARCHIVE_EOF) {
		*len = 0;
		*off = o > 0 ? (uint64_t)o : 0;
		return 0;
	}
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		return fail(t);
	if (o < 0) {
		snprintf(t->msg, sizeof(t->msg), "member data at a negative offset");
		return -LB_E_FORMAT;
	}
	*off = (uint64_t)o;
	return 1;
}

int
lb_tar_finish(struct lb_tar *t)
{
	int r = lb_is_drain(t->is);

	if (r < 0) {
		snprintf(t->msg, sizeof(t->msg), "%s", lb_strerror(r));
		return r;
	}
	return 0;
}

const char *
lb_tar_error(struct lb_tar *t)
{
	return t->msg[0] ? t->msg : "no error";
}

void
lb_tar_free(struct lb_tar *t)
{
	if (!t)
		return;
	archive_read_free(t->a);
	lb_is_close(t->is);
	free(t->buf);
	free(t);
}

struct is_entry {
	struct lb_istream is;
	struct lb_tar *t;
	uint64_t left;
};

static ssize_t
entry_read(struct lb_istream *is, void *buf, size_t len)
{
	struct is_entry *e = (struct is_entry *)is;
	ssize_t n;

	if (e->left == 0)
		return 0;
	if (len > e->left)
		len = (size_t)e->left;
	n = lb_tar_read(e->t, buf, len);
	if (n > 0)
		e->left -= (uint64_t)n;
	return n;
}

static void
entry_close(struct lb_istream *is)
{
	free(is);
}

static const struct lb_istream_ops entry_ops = {
	.name = "tar member", .read = entry_read, .close = entry_close,
};

struct lb_istream *
lb_tar_entry_stream(struct lb_tar *t, uint64_t max)
{
	struct is_entry *e = lb_xcalloc(1, sizeof(*e));

	e->is.ops = &entry_ops;
	e->t = t;
	e->left = max;
	return &e->is;
}
