/* rpm_header.c - rpm header blobs: decoding with bounds on every index
 * entry, the file list, and the package record made from them.
 *
 * Layout (rpm doc/manual/format.md, lib/header.c): be32 il, be32 dl, il
 * entries of 16 bytes {tag, type, offset, count}, then the dl-byte data
 * store. Entries are checked one by one against the store: fixed-size
 * types need offset + count * size <= dl, string types need count
 * NUL-terminated strings from offset, inside the store. Only the tags
 * read here are checked; the others are skipped unread.
 */
#include "analyze/rpmdb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_banned.h"

/* rpm lib/rpmtag.h */
enum {
	TAG_NAME = 1000, TAG_VERSION = 1001, TAG_RELEASE = 1002, TAG_EPOCH = 1003,
	TAG_VENDOR = 1011, TAG_LICENSE = 1014, TAG_ARCH = 1022, TAG_OLDFILENAMES = 1027,
	TAG_FILEDIGESTS = 1035, TAG_SOURCERPM = 1044, TAG_DIRINDEXES = 1116,
	TAG_BASENAMES = 1117, TAG_DIRNAMES = 1118, TAG_FILEDIGESTALGO = 5011,
	TAG_MODULARITYLABEL = 5096,
};

enum {
	T_NULL = 0, T_CHAR, T_INT8, T_INT16, T_INT32, T_INT64, T_STRING, T_BIN, T_STRING_ARRAY,
	T_I18NSTRING, T_MAX = T_I18NSTRING,
};

/* bytes per element of the fixed-size types; 0 for the string types */
static const uint8_t type_size[T_MAX + 1] = { 0, 1, 1, 2, 4, 8, 0, 1, 0, 0 };

void
lb_rpm_diag_add(struct lb_rpm_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	if (d->n++ == 0) {
		va_start(ap, fmt);
		vsnprintf(d->first, sizeof(d->first), fmt, ap);
		va_end(ap);
	}
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Validates one entry against the store; fills *e. */
static int
check_entry(const uint8_t *data, size_t dl, uint32_t type, uint32_t off, uint32_t count,
    struct lb_rpm_entry *e)
{
	uint64_t end;

	if (type == T_NULL || type > T_MAX || count == 0 || off >= dl)
		return -LB_E_FORMAT;
	if (type_size[type]) {
		end = (uint64_t)off + (uint64_t)count * type_size[type];
		if (end > dl)
			return -LB_E_FORMAT;
	} else {
		/* each string takes at least its NUL */
		if ((type == T_STRING && count != 1) || count > dl - off)
			return -LB_E_FORMAT;
		end = off;
		for (uint32_t k = 0; k < count; k++) {
			const uint8_t *z = memchr(data + end, 0, dl - (size_t)end);
			if (!z)
				return -LB_E_FORMAT;
			end = (uint64_t)(z - data) + 1;
		}
	}
	e->type = type;
	e->count = count;
	e->off = off;
	e->end = (uint32_t)end;
	return 0;
}

/* The first string of a string entry. */
static struct lb_slice
first_string(const uint8_t *data, const struct lb_rpm_entry *e)
{
	const char *s = (const char *)data + e->off;

	return lb_slice_make(s, strlen(s));    /* NUL checked by check_entry */
}

static bool
is_string_type(uint32_t t)
{
	return t == T_STRING || t == T_I18NSTRING || t == T_STRING_ARRAY;
}

int
lb_rpm_header_parse(const uint8_t *blob, size_t len, struct lb_rpm_header *h)
{
	struct lb_rpm_entry e;
	const uint8_t *data;
	uint32_t il, dl;
	uint64_t need;

	memset(h, 0, sizeof(*h));
	h->digest_algo = 1;
	if (len < 8)
		return -LB_E_FORMAT;
	if (len > LB_RPM_HEADER_MAX)
		return -LB_E_LIMIT;
	il = be32(blob);
	dl = be32(blob + 4);
	if (il == 0)
		return -LB_E_FORMAT;
	if (il > LB_RPM_HEADER_TAGS_MAX || dl > LB_RPM_HEADER_MAX)
		return -LB_E_LIMIT;
	/* rpm hdrblobInit: "blob size: BAD, 8 + 16 * il + dl" unless exact */
	need = 8 + (uint64_t)il * 16 + dl;
	if (need != len)
		return -LB_E_FORMAT;
	data = blob + 8 + (size_t)il * 16;
	h->data = data;
	h->dlen = dl;

	for (uint32_t i = 0; i < il; i++) {
		const uint8_t *ent = blob + 8 + (size_t)i * 16;
		uint32_t tag = be32(ent), type = be32(ent + 4), off = be32(ent + 8), count = be32(ent + 12);
		struct lb_slice *str = NULL;
		struct lb_rpm_entry *arr = NULL;

		switch (tag) {
		case TAG_NAME: str = &h->name; break;
		case TAG_VERSION: str = &h->version; break;
		case TAG_RELEASE: str = &h->release; break;
		case TAG_ARCH: str = &h->arch; break;
		case TAG_SOURCERPM: str = &h->sourcerpm; break;
		case TAG_VENDOR: str = &h->vendor; break;
		case TAG_LICENSE: str = &h->license; break;
		case TAG_MODULARITYLABEL: str = &h->modularity; break;
		case TAG_BASENAMES: arr = &h->basenames; break;
		case TAG_DIRNAMES: arr = &h->dirnames; break;
		case TAG_DIRINDEXES: arr = &h->dirindexes; break;
		case TAG_FILEDIGESTS: arr = &h->digests; break;
		case TAG_OLDFILENAMES: arr = &h->oldfilenames; break;
		case TAG_EPOCH:
		case TAG_FILEDIGESTALGO:
			break;
		default:
			continue;
		}
		if (check_entry(data, dl, type, off, count, &e) < 0)
			return -LB_E_FORMAT;
		if (str) {
			if (!is_string_type(type))
				return -LB_E_FORMAT;
			*str = first_string(data, &e);
		} else if (arr) {
			uint32_t want = tag == TAG_DIRINDEXES ? T_INT32 : T_STRING_ARRAY;
			if (type != want)
				return -LB_E_FORMAT;
			*arr = e;
		} else {
			if (type != T_INT32)
				return -LB_E_FORMAT;
			if (tag == TAG_EPOCH) {
				h->epoch = be32(data + off);
				h->has_epoch = true;
			} else {
				h->digest_algo = be32(data + off);
			}
		}
	}
	if (!h->name.len || !h->version.len || !h->release.len)
		return -LB_E_FORMAT;

	/* the file list: basenames[i] in dirnames[dirindexes[i]] (rpm >= 4),
	 * or the full paths of old packages */
	if (h->basenames.count) {
		uint32_t n = h->basenames.count;

		if (h->dirindexes.count != n || !h->dirnames.count || n > LB_RPM_FILES_MAX ||
		    h->dirnames.count > LB_RPM_FILES_MAX) {
			h->files_bad = true;
		} else {
			for (uint32_t i = 0; i < n; i++) {
				if (be32(data + h->dirindexes.off + (size_t)i * 4) >= h->dirnames.count) {
					h->files_bad = true;
					break;
				}
			}
		}
		if (!h->files_bad)
			h->nfiles = n;
	} else if (h->oldfilenames.count) {
		if (h->oldfilenames.count > LB_RPM_FILES_MAX)
			h->files_bad = true;
		else
			h->nfiles = h->oldfilenames.count;
	}
	if (h->digests.count && h->digests.count != h->nfiles)
		memset(&h->digests, 0, sizeof(h->digests));
	return 0;
}

/* Moves *off past the string at it; returns the string. */
static struct lb_slice
next_string(const struct lb_rpm_header *h, size_t *off)
{
	const char *s = (const char *)h->data + *off;
	size_t n = strlen(s);     /* inside the store: checked at parse */

	*off += n + 1;
	return lb_slice_make(s, n);
}

int
lb_rpm_header_files(const struct lb_rpm_header *h,
    int (*fn)(void *arg, struct lb_slice path, struct lb_slice digest), void *arg)
{
	size_t *dirs = NULL, boff, doff = h->digests.off, cap = 0;
	char *buf = NULL;
	int r = 0;

	if (!h->nfiles)
		return 0;
	if (h->basenames.count) {
		size_t o = h->dirnames.off;

		dirs = lb_xmalloc(h->dirnames.count * sizeof(*dirs));
		for (uint32_t k = 0; k < h->dirnames.count; k++) {
			dirs[k] = o;
			(void)next_string(h, &o);
		}
		boff = h->basenames.off;
	} else {
		boff = h->oldfilenames.off;
	}
	for (uint32_t i = 0; i < h->nfiles && r == 0; i++) {
		struct lb_slice base = next_string(h, &boff), dir = LB_SLICE_NULL, dg = LB_SLICE_NULL;
		size_t len;

		if (h->digests.count)
			dg = next_string(h, &doff);
		if (dirs) {
			size_t d = dirs[be32(h->data + h->dirindexes.off + (size_t)i * 4)];
			dir = next_string(h, &d);
		}
		while (dir.len && dir.p[0] == '/')
			dir.p++, dir.len--;
		if (!dir.len)
			while (base.len && base.p[0] == '/')
				base.p++, base.len--;
		len = dir.len + base.len;
		if (!len)
			continue;
		lb_xgrow(&buf, &cap, len + 1, 1);
		if (dir.len)
			memcpy(buf, dir.p, dir.len);
		memcpy(buf + dir.len, base.p, base.len);
		buf[len] = 0;
		r = fn(arg, lb_slice_make(buf, len), dg);
	}
	free(dirs);
	free(buf);
	return r;
}

const char *
lb_rpm_digest_name(uint32_t algo)
{
	/* rpm include/rpm/rpmcrypto.h PGPHASHALGO_* (RFC 4880 9.4) */
	switch (algo) {
	case 1: return "md5";
	case 2: return "sha1";
	case 3: return "ripemd160";
	case 8: return "sha256";
	case 9: return "sha384";
	case 10: return "sha512";
	case 11: return "sha224";
	}
	return NULL;
}

static const char *
slice_rchr(struct lb_slice s, char c)
{
	for (size_t i = s.len; i > 0; i--)
		if (s.p[i - 1] == c)
			return s.p + i - 1;
	return NULL;
}

bool
lb_rpm_split_srpm(struct lb_slice srpm, struct lb_slice *name, struct lb_slice *vr)
{
	struct lb_slice s = srpm;
	const char *rel, *ver;

	if (lb_slice_ends(s, ".src.rpm"))
		s.len -= strlen(".src.rpm");
	else if (lb_slice_ends(s, ".nosrc.rpm"))
		s.len -= strlen(".nosrc.rpm");
	else
		return false;
	if (!(rel = slice_rchr(s, '-')))
		return false;
	if (!(ver = slice_rchr(lb_slice_make(s.p, (size_t)(rel - s.p)), '-')))
		return false;
	if (ver == s.p || ver + 1 == rel || rel + 1 == s.p + s.len)
		return false;
	*name = lb_slice_make(s.p, (size_t)(ver - s.p));
	*vr = lb_slice_make(ver + 1, (size_t)(s.p + s.len - ver - 1));
	return true;
}

static char *
dup_slice(struct lb_slice s)
{
	return s.len ? lb_xstrndup(s.p, s.len) : NULL;
}

struct add_files {
	struct lb_pkg *p;
	const char *algo;      /* "sha256", ...; NULL: the digests are not kept */
	char buf[16 + 2 * 64 + 1];
};

/* A file's digest as "ALGO:hex", lowercased; NULL for an empty one (no
 * content: a directory, a link, a ghost) or one that is not hex of a
 * digest's length. */
static const char *
file_digest(struct add_files *a, struct lb_slice d)
{
	size_t n;

	if (!a->algo || !d.len || d.len > 128 || d.len % 2)
		return NULL;
	n = strlen(a->algo);
	memcpy(a->buf, a->algo, n);
	a->buf[n++] = ':';
	for (size_t i = 0; i < d.len; i++) {
		char c = d.p[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return NULL;
		a->buf[n++] = c;
	}
	a->buf[n] = 0;
	return a->buf;
}

static int
add_file(void *arg, struct lb_slice path, struct lb_slice digest)
{
	struct add_files *a = arg;

	lb_pkg_add_file_digest(a->p, path.p, path.len, a->algo ? file_digest(a, digest) : NULL);
	return 0;
}

int
lb_rpm_header_to_pkg(const struct lb_rpm_header *h, const char *db_path, bool want_files,
    struct lb_inventory *out)
{
	struct lb_slice sname, svr;
	struct lb_pkg *p;

	/* rpm --import keeps each key as a package named gpg-pubkey */
	if (lb_slice_eq(h->name, "gpg-pubkey"))
		return 0;
	p = lb_inventory_add_pkg(out);
	p->type = lb_xstrdup("rpm");
	p->name = dup_slice(h->name);
	if (h->has_epoch)
		p->version = lb_xasprintf("%u:%.*s-%.*s", h->epoch, (int)h->version.len, h->version.p,
		    (int)h->release.len, h->release.p);
	else
		p->version = lb_xasprintf("%.*s-%.*s", (int)h->version.len, h->version.p,
		    (int)h->release.len, h->release.p);
	p->arch = dup_slice(h->arch);
	if (h->sourcerpm.len && lb_rpm_split_srpm(h->sourcerpm, &sname, &svr)) {
		char *sv;

		if (!lb_slice_eq(sname, p->name))
			p->src_name = dup_slice(sname);
		/* the source package is built from the same spec: same epoch */
		if (h->has_epoch)
			sv = lb_xasprintf("%u:%.*s", h->epoch, (int)svr.len, svr.p);
		else
			sv = dup_slice(svr);
		if (strcmp(sv, p->version) != 0)
			p->src_version = sv;
		else
			free(sv);
	}
	p->license = dup_slice(h->license);
	/* Trivy reports rpm's Vendor as the maintainer too */
	p->maintainer = dup_slice(h->vendor);
	p->modularity = dup_slice(h->modularity);
	p->db_path = db_path ? lb_xstrdup(db_path) : NULL;
	if (want_files) {
		/* rpm lib/rpmfi.c: FILEDIGESTALGO absent means MD5 */
		struct add_files a = { .p = p, .algo = lb_rpm_digest_name(h->digest_algo) };

		lb_rpm_header_files(h, add_file, &a);
	}
	return 1;
}

const char *
lb_rpm_sniff(const uint8_t *p, size_t n)
{
	if (n >= 16 && memcmp(p, "SQLite format 3", 16) == 0)
		return "sqlite";
	if (n >= 4 && memcmp(p, "RpmP", 4) == 0)
		return "ndb";
	/* Berkeley DB hash meta page: magic 0x061561 at offset 12, in the
	 * byte order of the machine that wrote it */
	if (n >= 16 && ((p[12] == 0x61 && p[13] == 0x15 && p[14] == 0x06 && p[15] == 0) ||
	    (p[12] == 0 && p[13] == 0x06 && p[14] == 0x15 && p[15] == 0x61)))
		return "bdb";
	return NULL;
}
