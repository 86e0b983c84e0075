/* rpmdb.h - rpm's installed-package database, read natively (no librpm).
 *
 * Every back end stores one header blob per package, the blob being rpm's
 * on-disk header without its 8-byte magic (lib/header.c headerImport):
 *   be32 il, be32 dl, il index entries {be32 tag, type, offset, count},
 *   then dl bytes of data.
 * The back ends:
 *   - Berkeley DB hash, var/lib/rpm/Packages (RHEL/CentOS <= 8, Amazon
 *     Linux 2, SLE 12): read page by page from a stream that cannot seek;
 *     overflow chains are joined as their pages go by, pages that come
 *     before their predecessor wait in memory (spilled to the scratch
 *     folder past a cap);
 *   - NDB, Packages.db (SUSE >= 15): the slot pages first, then the blobs
 *     in file order;
 *   - SQLite, rpmdb.sqlite (RHEL 9, Fedora >= 33, CBL-Mariner 2): needs
 *     random access, so the stream is copied to memory (up to
 *     LB_RPM_SQLITE_MEM_PREF, or LB_RPM_SQLITE_MEM_MAX without a scratch
 *     folder) or else to the scratch folder, and opened read-only.
 *
 * Problems inside a database (a corrupt page, a blob that fails its
 * checksum, a header whose counts do not fit) are recorded in a struct
 * lb_rpm_diag and reading goes on with the next item; the caller turns
 * them into one warning naming the file. Every count, offset and size
 * read from the file is checked before use, and the work is bounded by
 * the stream's size.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lb_slice.h"

struct lb_inventory;
struct lb_istream;

#define LB_RPM_HEADER_MAX      (32u << 20)   /* bytes of one header blob */
#define LB_RPM_HEADER_TAGS_MAX 0xffffu       /* index entries (rpm HEADER_TAGS_MAX) */
#define LB_RPM_FILES_MAX       1000000u      /* files of one package kept */
#define LB_RPM_STREAM_MAX      (1u << 30)    /* bytes of a database read */
#define LB_RPM_SQLITE_MEM_MAX  (48u << 20)   /* SQLite copied to memory without scratch */
#define LB_RPM_SQLITE_MEM_PREF (32u << 20)   /* ... and with one, up to this size */
#define LB_RPM_BDB_MEM_MAX     (32u << 20)   /* BDB pages waiting in memory */

/* Problems met while reading one database: how many, and the first. */
struct lb_rpm_diag {
	size_t n;
	char first[200];
};

void lb_rpm_diag_add(struct lb_rpm_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* An index entry, validated: its data lies in [off, end) of the store. */
struct lb_rpm_entry {
	uint32_t type, count, off, end;
};

/* A decoded header. Slices point into the blob given to
 * lb_rpm_header_parse, which must outlive the struct; nothing is
 * allocated. Absent strings are empty slices. */
struct lb_rpm_header {
	const uint8_t *data;           /* the data store */
	size_t dlen;
	struct lb_slice name, version, release, arch, sourcerpm, vendor, license, modularity;
	uint32_t epoch;
	bool has_epoch;
	uint32_t digest_algo;          /* FILEDIGESTALGO; 1 (MD5) when absent */
	uint32_t nfiles;               /* 0 when the file list is absent or unusable */
	struct lb_rpm_entry basenames, dirnames, dirindexes, digests, oldfilenames;
	bool files_bad;                /* a file list was there but inconsistent */
};

/* Decodes blob (len bytes, rpm's header without the magic) into *h.
 * Returns 0, -LB_E_FORMAT (bad layout, an offset or count out of bounds, a
 * string without its NUL, no name/version/release) or -LB_E_LIMIT (more
 * than LB_RPM_HEADER_TAGS_MAX entries or LB_RPM_HEADER_MAX bytes). */
int lb_rpm_header_parse(const uint8_t *blob, size_t len, struct lb_rpm_header *h);

/* Calls fn for each file of h in header order with its path (no leading
 * '/', as "usr/bin/ls"; not NUL-terminated) and its digest (lowercase hex
 * as rpm stores it; empty for directories, links and ghosts). Stops at
 * and returns fn's first non-zero value; returns 0 otherwise. */
int lb_rpm_header_files(const struct lb_rpm_header *h,
    int (*fn)(void *arg, struct lb_slice path, struct lb_slice digest), void *arg);

/* The name of a digest algorithm (rpm PGPHASHALGO_*): "md5", "sha256", ...;
 * NULL when unknown. */
const char *lb_rpm_digest_name(uint32_t algo);

/* Splits a source RPM file name "openssl-3.0.7-18.el9_2.src.rpm" into
 * name ("openssl") and version-release ("3.0.7-18.el9_2"). Returns false
 * when it does not have that shape. */
bool lb_rpm_split_srpm(struct lb_slice srpm, struct lb_slice *name, struct lb_slice *vr);

/* Adds the package that h describes to out: type "rpm", version
 * "[epoch:]version-release", src_name/src_version from the source RPM
 * (when they differ), license, vendor as maintainer, the modularity
 * label, db_path, and the file list when want_files, with each file's
 * digest ("sha256:hex", "md5:hex", ... by FILEDIGESTALGO; lb_pkg.digests)
 * when the header has digests of a known algorithm. gpg-pubkey
 * pseudo-packages are skipped.
 * Returns 1 when a package was added, 0 when skipped. */
int lb_rpm_header_to_pkg(const struct lb_rpm_header *h, const char *db_path, bool want_files,
    struct lb_inventory *out);

/* Receives each header blob a back end finds (valid until it returns).
 * A negative return stops the reading, which then returns that value. */
typedef int (*lb_rpm_blob_fn)(void *arg, const uint8_t *blob, size_t len);

/* Which back end the first bytes of a file belong to (at least 16 bytes
 * are needed): "bdb", "ndb", "sqlite" or NULL. */
const char *lb_rpm_sniff(const uint8_t *p, size_t n);

/* Each reader consumes is to its end (or as far as it needs) but does not
 * close it. They return 0 when the database was read, even with problems
 * (in d), -LB_E_FORMAT when is does not hold that kind of database at all
 * (the reason in d), or another negative code for an internal failure or
 * one of fn. scratch is the scratch folder or NULL. */
int lb_rpm_bdb_read(struct lb_istream *is, const char *scratch, lb_rpm_blob_fn fn, void *arg,
    struct lb_rpm_diag *d);
int lb_rpm_ndb_read(struct lb_istream *is, lb_rpm_blob_fn fn, void *arg, struct lb_rpm_diag *d);
/* size: the file's size as the layer records it (for the caps). */
int lb_rpm_sqlite_read(struct lb_istream *is, uint64_t size, const char *scratch, lb_rpm_blob_fn fn,
    void *arg, struct lb_rpm_diag *d);
