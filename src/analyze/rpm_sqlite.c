/* rpm_sqlite.c - rpm's SQLite database (rpmdb.sqlite: RHEL 9, Fedora >= 33,
 * CBL-Mariner 2): table Packages (hnum INTEGER PRIMARY KEY, blob BLOB)
 * (rpm lib/backend/sqlite.c).
 *
 * SQLite needs random access, so the stream is copied first: to memory
 * when it is small (LB_RPM_SQLITE_MEM_PREF; LB_RPM_SQLITE_MEM_MAX when
 * there is no scratch folder), else to a file in the scratch folder,
 * removed after. Writing a file costs more than the reading (19 MB: 60 of
 * 100 ms on this machine's disk). The copy is opened read-only (the file
 * immutable), so no -wal or -journal file is looked for and nothing is
 * written. The file is attacker-controlled, so the
 * connection follows sqlite.org/security.html: defensive mode, no
 * triggers or views from the schema, cell size checks, bounded string
 * and blob lengths, and a progress handler that stops runaway work.
 */
#include "analyze/rpmdb.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_fd.h"
#include "io/istream.h"
#include "base/lb_banned.h"

#define SQL_CHUNK     (256u << 10)
#define SQL_MAX_STEPS 200000u       /* progress callbacks (of 1000 VM steps) */

static int
progress(void *arg)
{
	unsigned *n = arg;

	return ++*n > SQL_MAX_STEPS;
}

/* sqlite.org/uri.html: a filename in a URI is percent-encoded. */
static char *
file_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct lb_buf b = LB_BUF_INIT(16u << 10);
	char *out;

	lb_buf_addstr(&b, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/._-~", *p)) {
			lb_buf_add(&b, p, 1);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			lb_buf_add(&b, esc, 3);
		}
	}
	lb_buf_addstr(&b, "?immutable=1");
	out = lb_buf_detach(&b, NULL);
	lb_buf_release(&b);
	return out;
}

/* Copies the rest of is to a new file in scratch; returns its path (the
 * caller unlinks it) or NULL with *r set. */
static char *
copy_to_file(struct lb_istream *is, const uint8_t *head, size_t nhead, const char *scratch,
    struct lb_rpm_diag *d, int *r)
{
	char *path = lb_xasprintf("%s/rpmdb-sqlite.XXXXXX", scratch);
	uint8_t *buf = NULL;
	uint64_t total = nhead;
	int fd = mkstemp(path);
	ssize_t k;

	*r = 0;
	if (fd < 0) {
		*r = -errno;
		free(path);
		return NULL;
	}
	buf = lb_xmalloc(SQL_CHUNK);
	if ((*r = lb_write_all(fd, head, nhead)) < 0)
		goto fail;
	while ((k = lb_is_read(is, buf, SQL_CHUNK)) > 0) {
		total += (uint64_t)k;
		if (total > LB_RPM_STREAM_MAX) {
			lb_rpm_diag_add(d, "SQLite file larger than %u bytes", LB_RPM_STREAM_MAX);
			*r = -LB_E_LIMIT;
			goto fail;
		}
		if ((*r = lb_write_all(fd, buf, (size_t)k)) < 0)
			goto fail;
	}
	if (k < 0) {
		*r = (int)k;
		goto fail;
	}
	close(fd);
	free(buf);
	return path;
fail:
	close(fd);
	unlink(path);
	free(path);
	free(buf);
	return NULL;
}

static int
copy_to_mem(struct lb_istream *is, const uint8_t *head, size_t nhead, struct lb_buf *out,
    struct lb_rpm_diag *d)
{
	uint8_t buf[64u << 10];
	ssize_t k;

	if (lb_buf_add(out, head, nhead) < 0)
		return -LB_E_LIMIT;
	while ((k = lb_is_read(is, buf, sizeof(buf))) > 0) {
		if (lb_buf_add(out, buf, (size_t)k) < 0) {
			lb_rpm_diag_add(d, "SQLite file larger than %u bytes and no scratch folder",
			    LB_RPM_SQLITE_MEM_MAX);
			return -LB_E_LIMIT;
		}
	}
	return k < 0 ? (int)k : 0;
}

static void
harden(sqlite3 *db, unsigned *steps)
{
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, (int)LB_RPM_HEADER_MAX);
	sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 4096);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_progress_handler(db, 1000, progress, steps);
	sqlite3_exec(db, "PRAGMA cell_size_check=ON", NULL, NULL, NULL);
	sqlite3_exec(db, "PRAGMA mmap_size=0", NULL, NULL, NULL);
}

static int
query(sqlite3 *db, lb_rpm_blob_fn fn, void *arg, struct lb_rpm_diag *d)
{
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	rc = sqlite3_prepare_v2(db, "SELECT hnum, blob FROM Packages", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		lb_rpm_diag_add(d, "not an rpm SQLite database: %s", sqlite3_errmsg(db));
		return -LB_E_FORMAT;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(st, 1);
		int n = sqlite3_column_bytes(st, 1);

		if (sqlite3_column_type(st, 1) != SQLITE_BLOB || !p || n <= 0) {
			lb_rpm_diag_add(d, "row %lld holds no header blob", sqlite3_column_int64(st, 0));
			continue;
		}
		if ((r = fn(arg, p, (size_t)n)) < 0)
			break;
	}
	if (r >= 0 && rc != SQLITE_DONE) {
		lb_rpm_diag_add(d, "cannot read all rows: %s", rc == SQLITE_INTERRUPT ?
		    "too much work" : sqlite3_errmsg(db));
		r = 0;
	}
	sqlite3_finalize(st);
	return r;
}

int
lb_rpm_sqlite_read(struct lb_istream *is, uint64_t size, const char *scratch, lb_rpm_blob_fn fn,
    void *arg, struct lb_rpm_diag *d)
{
	struct lb_buf mem = LB_BUF_INIT(LB_RPM_SQLITE_MEM_MAX);
	uint8_t head[100];
	sqlite3 *db = NULL;
	char *path = NULL, *uri = NULL;
	unsigned steps = 0;
	ssize_t k;
	int r;

	/* the 100-byte database header starts "SQLite format 3\0" */
	if ((k = lb_is_read(is, head, sizeof(head))) < 0)
		return (int)k;
	if (k < (ssize_t)sizeof(head) || memcmp(head, "SQLite format 3", 16) != 0) {
		lb_rpm_diag_add(d, "not a SQLite file");
		return -LB_E_FORMAT;
	}
	if (size <= LB_RPM_SQLITE_MEM_PREF)
		scratch = NULL;
	if (scratch && size > LB_RPM_STREAM_MAX) {
		lb_rpm_diag_add(d, "SQLite file larger than %u bytes", LB_RPM_STREAM_MAX);
		return 0;
	}
	if (scratch) {
		if (!(path = copy_to_file(is, head, sizeof(head), scratch, d, &r)))
			return r == -LB_E_LIMIT ? 0 : r;
		uri = file_uri(path);
		if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
		    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE, NULL) != SQLITE_OK) {
			lb_rpm_diag_add(d, "cannot open SQLite copy: %s", db ? sqlite3_errmsg(db) : "no memory");
			r = 0;
			goto out;
		}
	} else {
		if ((r = copy_to_mem(is, head, sizeof(head), &mem, d)) < 0) {
			r = r == -LB_E_LIMIT ? 0 : r;
			goto out;
		}
		/* fileformat.html 1.3.3: bytes 18 and 19 are 2 in WAL mode, as rpm
		 * leaves them; an in-memory copy has no -shm, so read it as a
		 * rollback-journal database (same pages otherwise) */
		if (mem.p[18] == 2 && mem.p[19] == 2)
			mem.p[18] = mem.p[19] = 1;
		if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK || sqlite3_deserialize(db, "main", mem.p, (sqlite3_int64)mem.len,
		    (sqlite3_int64)mem.len, SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
			lb_rpm_diag_add(d, "cannot open SQLite copy: %s", db ? sqlite3_errmsg(db) : "no memory");
			r = 0;
			goto out;
		}
	}
	harden(db, &steps);
	r = query(db, fn, arg, d);
	if (r == -LB_E_FORMAT)
		r = 0;      /* a SQLite file, but not rpm's: a problem, not another format */
out:
	sqlite3_close(db);
	if (path)
		unlink(path);
	free(path);
	free(uri);
	lb_buf_release(&mem);
	return r;
}
