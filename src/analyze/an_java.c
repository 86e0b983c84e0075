/* an_java.c - Java packages: archives (.jar .war .ear .par .sar .jpi .hpi),
 * and the declared dependencies of pom.xml and gradle.lockfile.
 *
 * Archives are read as streams with libarchive's streamable zip reader
 * (local headers in order; the central directory at the end is not
 * needed), behind a filter that drops the members not read (struct
 * jsrc), so that libarchive handles only the few members that are read
 * and a member whose size only its data descriptor gives is not inflated
 * just to find its end. Nested archives are read
 * the same way, straight from their parent's member data, so nothing is
 * buffered whole; depth, entry count and inflated bytes are capped per
 * top-level file, and hitting a cap is one warning naming the file.
 *
 * Identity of an archive (evidence in this order):
 *   - every META-INF/maven/<g>/<a>/pom.properties (or a pom.properties elsewhere)
 *     with groupId, artifactId and version is a package: a shaded jar
 *     gives several;
 *   - when none of those is the archive itself (its artifactId is not the
 *     file's name), MANIFEST.MF names it: Jenkins plugins by Group-Id,
 *     Short-Name and Plugin-Version; others by the first well-formed
 *     Implementation-Title / Bundle-Name / Specification-Title /
 *     Extension-Name, versioned by Implementation-, Bundle- or
 *     Specification-Version; the group then comes from
 *     META-INF/native-image/<g>/<a>/ (GraalVM's layout) when one matches;
 *   - a file name "artifact-1.2.3.jar" gives the artifact and version when
 *     the manifest has none (and overrides the manifest's version).
 * A package whose group is unknown is named by its artifact alone. The
 * SHA-1 of every archive, nested ones too (the digest Maven Central
 * indexes), is computed as its bytes stream by and becomes the digest of
 * the package that is the archive itself (jar_emit).
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define JAVA_MAX_DEPTH     10               /* archives inside archives */
#define JAVA_MAX_ENTRIES   1000000u         /* members in one file, all levels */
#define JAVA_MAX_INFLATED  (1ull << 30)     /* member bytes read, all levels */
#define JAVA_MAX_PROPS     (64u << 10)      /* bytes of a pom.properties read */
#define JAVA_MAX_MANIFEST  (512u << 10)     /* bytes of a MANIFEST.MF read */
#define JAVA_MAX_POMS      1024             /* pom.properties kept per archive */
#define JAVA_MAX_NATIVE    64               /* native-image folders kept per archive */
#define JAVA_MAX_ID        256              /* bytes of a group, artifact or version */
#define JAVA_MAX_TEXT      (8u << 20)       /* a pom.xml or gradle.lockfile */
#define JAVA_MAX_PATH      8192             /* an evidence path with its "!/" parts */
#define JAVA_MAX_XML_DEPTH 64
#define JAVA_MAX_PROPERTIES 4096            /* <properties> kept from one pom.xml */

static const char *const archive_exts[] = { ".jar", ".war", ".ear", ".par", ".sar", ".jpi", ".hpi" };

static const struct lb_interest java_stream_interests[] = {
	{ LB_MATCH_SUFFIX, NULL, ".jar", UINT32_MAX },
	{ LB_MATCH_SUFFIX, NULL, ".war", UINT32_MAX },
	{ LB_MATCH_SUFFIX, NULL, ".ear", UINT32_MAX },
	{ LB_MATCH_SUFFIX, NULL, ".par", UINT32_MAX },
	{ LB_MATCH_SUFFIX, NULL, ".sar", UINT32_MAX },
	{ LB_MATCH_SUFFIX, NULL, ".jpi", UINT32_MAX },
	{ LB_MATCH_SUFFIX, NULL, ".hpi", UINT32_MAX },
	{ LB_MATCH_SUFFIX, NULL, ".JAR", UINT32_MAX },
	{ LB_MATCH_SUFFIX, NULL, "/pom.xml", JAVA_MAX_TEXT },
	{ LB_MATCH_EXACT, "pom.xml", NULL, JAVA_MAX_TEXT },
	{ LB_MATCH_SUFFIX, NULL, "gradle.lockfile", JAVA_MAX_TEXT },
	{ 0, NULL, NULL, 0 },
};

/* One top-level file being scanned. */
struct jscan {
	struct lb_ctx *cx;
	const struct lb_file *f;
	struct lb_inventory *out;
	uint64_t entries, inflated;
	bool warned;
	bool stop;           /* a cap was hit: read no more */
};

/* One warning per top-level file, naming the archive (nested ones by
 * their "outer!/inner" path); later problems go to the debug log. */
static void
jwarn(struct jscan *j, const char *path, const char *why)
{
	if (j->warned) {
		lb_debug(j->cx, "cannot read '%s': %s", path, why);
		return;
	}
	j->warned = true;
	lb_warn(j->cx, "cannot read '%s': %s", path, why);
}

static bool
has_archive_ext(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(archive_exts) / sizeof(archive_exts[0]); i++)
		if (n > 4 && strcasecmp(name + n - 4, archive_exts[i]) == 0)
			return true;
	return false;
}

/* --- strings --------------------------------------------------------- */

/* A Maven groupId or artifactId: [A-Za-z0-9_.-]+ (maven-model's ID_REGEX). */
static bool
valid_id(struct lb_slice s)
{
	if (s.len == 0 || s.len > JAVA_MAX_ID)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/* A version: printable, no blanks, no property reference or range left. */
static bool
valid_version(struct lb_slice s)
{
	if (s.len == 0 || s.len > JAVA_MAX_ID)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c <= ' ' || c == 0x7f || c == '$' || c == '{' || c == '}' || c == '[' ||
		    c == ']' || c == '(' || c == ')' || c == ',')
			return false;
	}
	return true;
}

static struct lb_slice
first_token(struct lb_slice s)
{
	size_t i = 0;

	s = lb_slice_trim(s);
	while (i < s.len && s.p[i] != ' ' && s.p[i] != '\t')
		i++;
	s.len = i;
	return s;
}

/* A new string from s; an empty slice may have no bytes at all. */
static char *
dup_slice(struct lb_slice s)
{
	return s.len ? lb_xstrndup(s.p, s.len) : lb_xstrdup("");
}

static void
add_maven(struct lb_inventory *out, struct lb_slice g, struct lb_slice a, struct lb_slice v,
    const char *db_path, bool declared)
{
	struct lb_pkg *p = lb_inventory_add_pkg(out);

	p->type = lb_xstrdup("maven");
	p->name = g.len ? lb_xasprintf("%.*s:%.*s", (int)g.len, g.p, (int)a.len, a.p) :
	    dup_slice(a);
	p->version = dup_slice(v);
	p->db_path = db_path ? lb_xstrdup(db_path) : NULL;
	p->declared = declared;
}

/* --- pom.properties -------------------------------------------------- */

struct pomprops {
	char *group, *artifact, *version;
};

/* java.util.Properties.load: "key=value", "key: value" or "key value",
 * '#'/'!' comments, a trailing backslash continues the line, backslash
 * escapes (\uXXXX kept only for ASCII). Fills the three keys. */
static void
parse_properties(struct lb_slice s, struct pomprops *pp)
{
	struct lb_buf key = LB_BUF_INIT(4096), val = LB_BUF_INIT(4096);

	while (s.len) {
		struct lb_buf *cur = &key;
		bool sep = false, lead = true;

		lb_buf_reset(&key);
		lb_buf_reset(&val);
		while (s.len && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\f'))
			s.p++, s.len--;
		if (s.len && (s.p[0] == '#' || s.p[0] == '!')) {
			lb_slice_split(&s, '\n');
			continue;
		}
		while (s.len) {
			char c = s.p[0];

			s.p++, s.len--;
			if (c == '\r' || c == '\n')
				break;
			if (c == '\\') {
				if (!s.len)
					break;
				c = s.p[0];
				s.p++, s.len--;
				if (c == '\r' || c == '\n') {
					/* continuation: skip the newline and leading blanks */
					if (c == '\r' && s.len && s.p[0] == '\n')
						s.p++, s.len--;
					while (s.len && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\f'))
						s.p++, s.len--;
					continue;
				}
				if (c == 't')
					c = '\t';
				else if (c == 'n')
					c = '\n';
				else if (c == 'r')
					c = '\r';
				else if (c == 'f')
					c = '\f';
				else if (c == 'u' && s.len >= 4) {
					unsigned v = 0;
					for (int k = 0; k < 4; k++) {
						char h = s.p[k];
						v = v * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' :
						    h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 0);
					}
					s.p += 4, s.len -= 4;
					c = v < 0x80 ? (char)v : '?';
				}
				lb_buf_add(cur, &c, 1);
				lead = false;
				continue;
			}
			if (cur == &key && (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f')) {
				cur = &val;
				sep = c == '=' || c == ':';
				lead = true;
				continue;
			}
			if (cur == &val && lead) {
				if (c == ' ' || c == '\t' || c == '\f')
					continue;
				if (!sep && (c == '=' || c == ':')) {
					sep = true;
					continue;
				}
			}
			lead = false;
			lb_buf_add(cur, &c, 1);
		}
		if (!key.len)
			continue;
		{
			char **dst = NULL;
			struct lb_slice k = lb_slice_make(key.p, key.len);

			if (lb_slice_eq(k, "groupId"))
				dst = &pp->group;
			else if (lb_slice_eq(k, "artifactId"))
				dst = &pp->artifact;
			else if (lb_slice_eq(k, "version"))
				dst = &pp->version;
			if (dst) {
				struct lb_slice v = lb_slice_trim(lb_slice_make(val.p, val.len));
				free(*dst);
				*dst = dup_slice(v);
			}
		}
	}
	lb_buf_release(&key);
	lb_buf_release(&val);
}

/* --- MANIFEST.MF ----------------------------------------------------- */

enum mf_key {
	MF_IMPL_TITLE, MF_IMPL_VERSION, MF_IMPL_VENDOR_ID, MF_BUNDLE_NAME, MF_BUNDLE_SYMBOLIC,
	MF_BUNDLE_VERSION, MF_SPEC_TITLE, MF_SPEC_VERSION, MF_EXT_NAME, MF_SHORT_NAME,
	MF_PLUGIN_VERSION, MF_GROUP_ID, MF_COUNT
};
static const char *const mf_names[MF_COUNT] = {
	"Implementation-Title", "Implementation-Version", "Implementation-Vendor-Id", "Bundle-Name",
	"Bundle-SymbolicName", "Bundle-Version", "Specification-Title", "Specification-Version",
	"Extension-Name", "Short-Name", "Plugin-Version", "Group-Id",
};

struct manifest {
	char *v[MF_COUNT];
};

static void
manifest_release(struct manifest *m)
{
	for (int i = 0; i < MF_COUNT; i++)
		free(m->v[i]);
	memset(m, 0, sizeof(*m));
}

/* JAR File Specification, "Manifest Specification": the main section runs
 * to the first blank line; "Name: value" headers, a line starting with one
 * space continues the one before; names are case-insensitive. */
static void
parse_manifest(struct lb_slice s, struct manifest *m)
{
	struct lb_buf val = LB_BUF_INIT(JAVA_MAX_MANIFEST);
	int cur = -1;

	for (;;) {
		struct lb_slice line;
		const char *nl = NULL;

		for (size_t i = 0; i < s.len; i++)
			if (s.p[i] == '\n' || s.p[i] == '\r') {
				nl = s.p + i;
				break;
			}
		line = lb_slice_make(s.p, nl ? (size_t)(nl - s.p) : s.len);
		if (nl) {
			size_t adv = (size_t)(nl - s.p) + 1;
			if (nl[0] == '\r' && adv < s.len && nl[1] == '\n')
				adv++;
			s.p += adv, s.len -= adv;
		} else {
			s.len = 0;
		}
		if (line.len && line.p[0] == ' ') {
			if (cur >= 0)
				lb_buf_add(&val, line.p + 1, line.len - 1);
			if (s.len || nl)
				continue;
		}
		if (cur >= 0) {
			struct lb_slice v = lb_slice_trim(lb_slice_make(val.p, val.len));
			if (!m->v[cur])
				m->v[cur] = dup_slice(v);
			cur = -1;
		}
		if (line.len == 0 || (line.len && line.p[0] == ' '))
			break;        /* end of the main section, or of the text */
		{
			const char *colon = memchr(line.p, ':', line.len);
			size_t klen;

			if (!colon)
				continue;
			klen = (size_t)(colon - line.p);
			for (int k = 0; k < MF_COUNT; k++)
				if (strlen(mf_names[k]) == klen && strncasecmp(line.p, mf_names[k], klen) == 0) {
					cur = k;
					lb_buf_reset(&val);
					lb_buf_add(&val, colon + 1, line.len - klen - 1);
					break;
				}
		}
		if (!s.len && !nl)
			break;
	}
	if (cur >= 0 && !m->v[cur]) {
		struct lb_slice v = lb_slice_trim(lb_slice_make(val.p, val.len));
		m->v[cur] = dup_slice(v);
	}
	lb_buf_release(&val);
}

/* --- one archive ----------------------------------------------------- */

struct native {
	char *group, *artifact;
};

struct jar {
	char *path;                 /* evidence: the file, or "outer!/inner" */
	bool nested;
	struct pomprops poms[JAVA_MAX_POMS];
	size_t npoms;
	struct manifest mf;
	bool has_mf;
	struct native natives[JAVA_MAX_NATIVE];
	size_t nnatives;
	unsigned char sha1[EVP_MAX_MD_SIZE];
	unsigned sha1len;
};

/* Where an archive's bytes come from: the top-level stream, or a member
 * of the enclosing archive. Every byte is hashed on the way.
 *
 * Between that source and libarchive sits a filter over the zip's local
 * headers (APPNOTE.TXT 4.3.7): a member whose bytes are not needed (all
 * but pom.properties, MANIFEST.MF and nested archives) does not reach
 * libarchive at all; the filter counts it toward the entry cap and notes a
 * META-INF/native-image/ name as scan_archive would (only an archive's
 * first member, when not needed, still reaches libarchive, as an empty
 * stored member of the same name, so that libarchive sees a zip). Most
 * members of a jar are classes, so this spares libarchive's per-member
 * work: header parsing, name conversions and time conversion. The
 * end of a member whose size is only in its data descriptor (bit 3, as the
 * `jar` tool writes them) is found by that descriptor, "PK\7\8" whose
 * compressed size equals the bytes since the data began and that a header
 * signature follows, instead of inflating the member as libarchive must.
 * Anything the filter does not understand (a central directory, another
 * signature, a header too long for the window) passes through unchanged
 * from there on, for libarchive to judge. */
enum jfilter { JF_HEADER, JF_KNOWN, JF_SCAN, JF_RAW };

#define JAVA_WIN (256u << 10)      /* filter window: a header of 30 + 2 x 64 KiB fits */

struct jsrc {
	struct jscan *j;
	struct jar *jr;             /* the archive being read (natives noted here) */
	struct lb_istream *is;
	struct archive *outer;
	EVP_MD_CTX *md;
	uint8_t *buf;               /* JAVA_WIN bytes: the window */
	size_t wpos, wlen;          /* bytes read and hashed, not yet passed on */
	bool eof;
	bool first;
	int err;                    /* from the istream, the outer archive or the filter */
	enum jfilter state;
	bool pass;                  /* this member's bytes go to libarchive */
	bool zip64;                 /* its descriptor has 8-byte sizes */
	uint64_t left;              /* JF_KNOWN: data bytes left */
	uint64_t dpos;              /* JF_SCAN: data bytes seen so far */
	uint64_t nhdr;              /* local headers seen */
	uint8_t *hdr;               /* JAVA_HDR bytes: a rewritten header */
};

#define JAVA_HDR (30 + 65535)

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Reads more of the source into the window, hashing it; 0 at the end. */
static ssize_t
src_fill(struct archive *a, struct jsrc *s)
{
	ssize_t n;

	if (s->eof)
		return 0;
	if (s->wpos) {
		memmove(s->buf, s->buf + s->wpos, s->wlen - s->wpos);
		s->wlen -= s->wpos;
		s->wpos = 0;
	}
	if (s->wlen == JAVA_WIN)
		return 0;
	if (s->is)
		n = lb_is_read(s->is, s->buf + s->wlen, JAVA_WIN - s->wlen);
	else
		n = archive_read_data(s->outer, s->buf + s->wlen, JAVA_WIN - s->wlen);
	if (n < 0) {
		s->err = s->is ? (int)n : -LB_E_FORMAT;
		archive_set_error(a, EIO, "%s", s->is ? lb_strerror((int)n) :
		    archive_error_string(s->outer) ? archive_error_string(s->outer) : "read error");
		return -1;
	}
	if (!s->is) {
		s->j->inflated += (uint64_t)n;
		if (s->j->inflated > JAVA_MAX_INFLATED) {
			s->err = -LB_E_LIMIT;
			archive_set_error(a, EFBIG, "more than %llu bytes inflated",
			    (unsigned long long)JAVA_MAX_INFLATED);
			return -1;
		}
	}
	if (n == 0)
		s->eof = true;
	EVP_DigestUpdate(s->md, s->buf + s->wlen, (size_t)n);
	if (s->first && s->wlen == 0 && n >= 4 && s->buf[0] == '#' && s->buf[1] == '!') {
		/* an executable jar (Spring Boot "launch script"): a shell
		 * script before the zip; the zip starts at its first header */
		const uint8_t *pk = memmem(s->buf, (size_t)n, "PK\003\004", 4);
		if (pk)
			s->wpos = (size_t)(pk - s->buf);
	}
	s->first = false;
	s->wlen += (size_t)n;
	return n;
}

/* Whether the member named name (n bytes, as stored) is read. */
static bool
member_needed(const uint8_t *name, size_t n)
{
	const uint8_t *base;
	char tmp[8];

	while (n && name[0] == '/')
		name++, n--;
	base = name;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/')
			base = name + i + 1;
	n -= (size_t)(base - name);
	if (n == 14 && memcmp(base, "pom.properties", 14) == 0)
		return true;
	if (n == 11 && base - name == 9 && strncasecmp((const char *)name, "META-INF/MANIFEST.MF", 20) == 0)
		return true;
	if (n <= 4 || n >= 256 || base[n - 4] != '.')
		return false;
	memcpy(tmp, base + n - 4, 4);
	tmp[4] = 0;
	for (size_t i = 0; i < sizeof(archive_exts) / sizeof(archive_exts[0]); i++)
		if (strcasecmp(tmp, archive_exts[i]) == 0)
			return true;
	return false;
}

static void note_native(struct jar *jr, const char *name);

/* A member dropped by the filter gets what scan_archive gives a member it
 * skips: a regular file (no trailing '/') under META-INF/native-image/ is
 * noted. */
static void
filter_note(struct jsrc *s, const uint8_t *name, size_t n)
{
	static const char pre[] = "META-INF/native-image/";
	char *tmp;

	while (n && name[0] == '/')
		name++, n--;
	if (n < sizeof(pre) || name[n - 1] == '/' || memcmp(name, pre, sizeof(pre) - 1) != 0)
		return;
	tmp = lb_xstrndup((const char *)name, n);
	note_native(s->jr, tmp);
	free(tmp);
}

/* JF_HEADER: reads the local header at the window's start; sets *out and *n to
 * the bytes for libarchive (the header, or its rewrite) and the state for
 * the data. Returns 1 when there is output, 0 to go on in another state
 * (a member dropped whole, or JF_RAW), -1 on a read error. */
static int
filter_header(struct archive *a, struct jsrc *s, const void **out, size_t *n)
{
	const uint8_t *h;
	uint16_t flags, nlen, xlen;
	uint64_t csize, usize;
	size_t hlen;
	bool known, first, z64 = false;

	while (s->wlen - s->wpos < 30 && !s->eof)
		if (src_fill(a, s) < 0)
			return -1;
	h = s->buf + s->wpos;
	if (s->wlen - s->wpos < 30 || memcmp(h, "PK\003\004", 4) != 0) {
		s->state = JF_RAW;      /* the central directory, or not for us */
		return 0;
	}
	flags = le16(h + 6);
	csize = le32(h + 18);
	usize = le32(h + 22);
	nlen = le16(h + 26);
	xlen = le16(h + 28);
	hlen = 30 + (size_t)nlen + xlen;
	while (s->wlen - s->wpos < hlen && !s->eof)
		if (src_fill(a, s) < 0)
			return -1;
	h = s->buf + s->wpos;
	if (s->wlen - s->wpos < hlen) {
		s->state = JF_RAW;
		return 0;
	}
	/* APPNOTE 4.5.3: the zip64 extra field holds both sizes in a local header */
	for (size_t x = 30 + (size_t)nlen; x + 4 <= hlen;) {
		uint16_t id = le16(h + x), len = le16(h + x + 2);

		if (x + 4 + len > hlen)
			break;
		if (id == 1 && len >= 16) {
			z64 = true;
			usize = le64(h + x + 4);
			csize = le64(h + x + 12);
		}
		x += 4 + (size_t)len;
	}
	known = !(flags & 8);
	if (known && (le32(h + 18) == 0xffffffffu) && !z64) {
		s->state = JF_RAW;
		return 0;
	}
	(void)usize;
	s->pass = member_needed(h + 30, nlen);
	s->zip64 = z64;
	s->state = known ? (csize ? JF_KNOWN : JF_HEADER) : JF_SCAN;
	s->left = csize;
	s->dpos = 0;
	first = s->nhdr++ == 0;
	if (!s->pass && !first && s->j->entries < JAVA_MAX_ENTRIES) {
		/* dropped whole; the member over the cap still goes to
		 * libarchive, for scan_archive to stop there as it would */
		s->j->entries++;
		filter_note(s, h + 30, nlen);
		s->wpos += hlen;
		return 0;
	}
	if (s->pass) {
		*out = h;
		*n = hlen;
	} else {
		/* an empty stored member of the same name: no data, no descriptor */
		memcpy(s->hdr, h, 30 + (size_t)nlen);
		s->hdr[6] = 0;                  /* flags: only bit 11 (UTF-8 name) stays */
		s->hdr[7] &= 0x08;
		memset(s->hdr + 8, 0, 2);       /* method: stored */
		memset(s->hdr + 14, 0, 12);     /* crc, sizes */
		memset(s->hdr + 28, 0, 2);      /* no extra field */
		*out = s->hdr;
		*n = 30 + (size_t)nlen;
	}
	s->wpos += hlen;
	return 1;
}

/* JF_SCAN: finds the data descriptor in the window. Returns the bytes
 * before it (*desc: the descriptor's length when it starts there, else 0). */
static size_t
filter_scan(struct jsrc *s, size_t *desc)
{
	const uint8_t *w = s->buf + s->wpos, *q = w, *end = s->buf + s->wlen;
	size_t dlen = s->zip64 ? 24 : 16;

	*desc = 0;
	/* memchr for the 'P' then a look at the next three bytes: in deflated
	 * data a 'P' is one byte in 256, and memchr goes several times as
	 * fast as memmem does on a four-byte needle */
	for (; (q = memchr(q, 'P', (size_t)(end - q))) != NULL && (size_t)(end - q) >= 4; q++) {
		uint64_t at = s->dpos + (uint64_t)(q - w);

		if (q[1] != 'K' || q[2] != 7 || q[3] != 8)
			continue;
		if ((size_t)(end - q) < dlen + 4 && !s->eof)
			return (size_t)(q - w);          /* decide when more is read */
		if ((size_t)(end - q) >= dlen &&
		    (s->zip64 ? le64(q + 8) : le32(q + 8)) == at &&
		    ((size_t)(end - q) == dlen ||
		    ((size_t)(end - q) >= dlen + 4 && q[dlen] == 'P' && q[dlen + 1] == 'K' &&
		    ((q[dlen + 2] == 3 && q[dlen + 3] == 4) || (q[dlen + 2] == 1 && q[dlen + 3] == 2) ||
		    (q[dlen + 2] == 5 && q[dlen + 3] == 6) || (q[dlen + 2] == 6 && q[dlen + 3] == 6))))) {
			*desc = dlen;
			return (size_t)(q - w);
		}
	}
	/* no candidate: all but a tail that may start one */
	return (size_t)(end - w) > 3 && !s->eof ? (size_t)(end - w) - 3 : (size_t)(end - w);
}

static la_ssize_t
src_read(struct archive *a, void *arg, const void **out)
{
	struct jsrc *s = arg;
	size_t n, desc;
	int r;

	for (;;) {
		if (s->state == JF_HEADER) {
			if ((r = filter_header(a, s, out, &n)) < 0)
				return -1;
			if (r)
				return (la_ssize_t)n;
			continue;
		}
		if (s->wpos == s->wlen || (s->state == JF_SCAN && s->wlen - s->wpos < 32 && !s->eof)) {
			if (src_fill(a, s) < 0)
				return -1;
			if (s->wpos == s->wlen) {
				if (s->state == JF_RAW || (s->state == JF_KNOWN && !s->left))
					return 0;
				s->err = -LB_E_FORMAT;
				archive_set_error(a, EIO, "a member ends before its %s",
				    s->state == JF_SCAN ? "data descriptor" : "size");
				return -1;
			}
		}
		*out = s->buf + s->wpos;
		if (s->state == JF_RAW) {
			n = s->wlen - s->wpos;
		} else if (s->state == JF_KNOWN) {
			n = s->wlen - s->wpos < s->left ? s->wlen - s->wpos : (size_t)s->left;
			s->left -= n;
			if (!s->left)
				s->state = JF_HEADER;
		} else {
			n = filter_scan(s, &desc);
			s->dpos += n;
			if (desc) {
				n += desc;
				s->state = JF_HEADER;
			}
		}
		s->wpos += n;
		if (n && (s->pass || s->state == JF_RAW))
			return (la_ssize_t)n;
		if (!n && s->state != JF_HEADER && s->eof && s->wpos == s->wlen)
			continue;                        /* the error above, next round */
	}
}

static void scan_archive(struct jscan *j, struct jsrc *src, const char *path, int depth);

/* Reads up to max bytes of the current member into b; false on error. */
static bool
read_member(struct jscan *j, struct archive *a, struct lb_buf *b, size_t max)
{
	uint8_t tmp[8192];
	la_ssize_t n;

	while ((n = archive_read_data(a, tmp, sizeof(tmp))) > 0) {
		j->inflated += (uint64_t)n;
		if (b->len < max)
			lb_buf_add(b, tmp, (size_t)n < max - b->len ? (size_t)n : max - b->len);
		if (b->len >= max)
			return true;     /* the rest is skipped by the next header */
	}
	return n == 0;
}

/* Skips a member whose size the local header does not give (streamed with
 * a data descriptor): it must be inflated to find its end, so the bytes
 * count toward the cap. */
static bool
skip_member(struct jscan *j, struct archive *a, struct archive_entry *e)
{
	uint8_t tmp[16384];
	la_ssize_t n;

	if (archive_entry_size_is_set(e))
		return archive_read_data_skip(a) == ARCHIVE_OK;
	while ((n = archive_read_data(a, tmp, sizeof(tmp))) > 0) {
		j->inflated += (uint64_t)n;
		if (j->inflated > JAVA_MAX_INFLATED)
			return false;
	}
	return n == 0;
}

/* "META-INF/native-image/<group>/<artifact>/..." */
static void
note_native(struct jar *jr, const char *name)
{
	struct lb_slice s = lb_slice_str(name), g, a;

	if (!lb_slice_eat(&s, "META-INF/native-image/") || jr->nnatives >= JAVA_MAX_NATIVE)
		return;
	g = lb_slice_split(&s, '/');
	a = lb_slice_split(&s, '/');
	if (!s.len || !valid_id(g) || !valid_id(a))
		return;
	for (size_t i = 0; i < jr->nnatives; i++)
		if (lb_slice_eq(g, jr->natives[i].group) && lb_slice_eq(a, jr->natives[i].artifact))
			return;
	jr->natives[jr->nnatives].group = dup_slice(g);
	jr->natives[jr->nnatives].artifact = dup_slice(a);
	jr->nnatives++;
}

/* "name-1.2.3.jar" -> artifact "name", version "1.2.3": the version starts
 * at the last '-' followed by a digit (log4j-1.2-api-2.17.1). Without one,
 * the whole stem is the artifact and the version is empty. */
static void
split_filename(const char *path, struct lb_slice *artifact, struct lb_slice *version)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t n = strlen(base);

	if (n > 4 && base[n - 4] == '.')
		n -= 4;
	*artifact = lb_slice_make(base, n);
	*version = LB_SLICE_NULL;
	for (size_t i = n; i-- > 1;)
		if (base[i - 1] == '-' && base[i] >= '0' && base[i] <= '9') {
			*artifact = lb_slice_make(base, i - 1);
			*version = lb_slice_make(base + i, n - i);
			break;
		}
}

/* Whether a and b name the same artifact: equal, or one extends the other
 * after a separator ("log4j" and "log4j-1.2-api", "geronimo-annotation"
 * and "geronimo-annotation_1.3_spec"). */
static bool
resembles(struct lb_slice a, struct lb_slice b)
{
	struct lb_slice s = a.len <= b.len ? a : b, l = a.len <= b.len ? b : a;

	if (!s.len || memcmp(s.p, l.p, s.len) != 0)
		return false;
	return l.len == s.len || l.p[s.len] == '-' || l.p[s.len] == '_' || l.p[s.len] == '.';
}

/* Whether a package from a pom.properties already names artifact a. */
static bool
emitted_artifact(const struct jar *jr, struct lb_slice a)
{
	for (size_t i = 0; i < jr->npoms; i++)
		if (jr->poms[i].artifact && resembles(a, lb_slice_str(jr->poms[i].artifact)))
			return true;
	return false;
}

static void
jar_emit_pkgs(struct jscan *j, struct jar *jr)
{
	const char *db = jr->nested ? jr->path : NULL;
	struct lb_slice fa, fv, art = LB_SLICE_NULL, ver = LB_SLICE_NULL, grp = LB_SLICE_NULL;
	size_t kept = 0;

	/* every complete pom.properties, each once */
	for (size_t i = 0; i < jr->npoms; i++) {
		struct pomprops *pp = &jr->poms[i];
		bool dup = false;

		if (!pp->group || !pp->artifact || !pp->version ||
		    !valid_id(lb_slice_str(pp->group)) || !valid_id(lb_slice_str(pp->artifact)) ||
		    !valid_version(lb_slice_str(pp->version))) {
			free(pp->group);
			free(pp->artifact);
			free(pp->version);
			continue;
		}
		for (size_t k = 0; k < kept && !dup; k++)
			dup = strcmp(jr->poms[k].group, pp->group) == 0 &&
			    strcmp(jr->poms[k].artifact, pp->artifact) == 0 &&
			    strcmp(jr->poms[k].version, pp->version) == 0;
		if (dup) {
			free(pp->group);
			free(pp->artifact);
			free(pp->version);
			continue;
		}
		add_maven(j->out, lb_slice_str(pp->group), lb_slice_str(pp->artifact),
		    lb_slice_str(pp->version), db, false);
		jr->poms[kept++] = *pp;
	}
	jr->npoms = kept;

	split_filename(jr->path, &fa, &fv);
	if (emitted_artifact(jr, fa))
		return;     /* the archive's own pom.properties said it all */

	if (jr->has_mf && jr->mf.v[MF_SHORT_NAME] && jr->mf.v[MF_PLUGIN_VERSION]) {
		/* a Jenkins plugin */
		art = lb_slice_str(jr->mf.v[MF_SHORT_NAME]);
		ver = first_token(lb_slice_str(jr->mf.v[MF_PLUGIN_VERSION]));
		if (jr->mf.v[MF_GROUP_ID])
			grp = lb_slice_str(jr->mf.v[MF_GROUP_ID]);
	} else if (jr->has_mf) {
		static const enum mf_key titles[] = { MF_IMPL_TITLE, MF_BUNDLE_NAME, MF_SPEC_TITLE, MF_EXT_NAME };
		static const enum mf_key versions[] = { MF_IMPL_VERSION, MF_BUNDLE_VERSION, MF_SPEC_VERSION };

		for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]) && !art.len; i++)
			if (jr->mf.v[titles[i]] && valid_id(lb_slice_str(jr->mf.v[titles[i]])))
				art = lb_slice_str(jr->mf.v[titles[i]]);
		for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]) && !ver.len; i++) {
			struct lb_slice v = jr->mf.v[versions[i]] ? first_token(lb_slice_str(jr->mf.v[versions[i]])) :
			    LB_SLICE_NULL;
			if (v.len && v.p[0] >= '0' && v.p[0] <= '9' && valid_version(v))
				ver = v;
		}
	}
	if (fv.len && valid_id(fa) && valid_version(fv)) {
		/* the file's name is the most direct word on the artifact */
		art = fa;
		ver = fv;
	}
	if (!art.len || !ver.len || !valid_id(art) || !valid_version(ver) || emitted_artifact(jr, art))
		return;
	/* a renamed jar ("app-1.2.jar" holding its only artifact at 1.2) */
	for (size_t i = 0; ver.p == fv.p && i < jr->npoms; i++)
		if (lb_slice_eq(ver, jr->poms[i].version))
			return;
	if (!grp.len)
		for (size_t i = 0; i < jr->nnatives; i++)
			if (lb_slice_eq(art, jr->natives[i].artifact))
				grp = lb_slice_str(jr->natives[i].group);
	if (grp.len && !valid_id(grp))
		grp = LB_SLICE_NULL;
	add_maven(j->out, grp, art, ver, db, false);
}

/* Adds the archive's packages, and its SHA-1 to the one that is the
 * archive itself: the package whose artifact the file is named after, or
 * the only one. The others (shaded into it) are not that archive. */
static void
jar_emit(struct jscan *j, struct jar *jr)
{
	size_t first = j->out->npkgs, own = SIZE_MAX;
	struct lb_slice fa, fv;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	jar_emit_pkgs(j, jr);
	if (!jr->sha1len || first == j->out->npkgs)
		return;
	split_filename(jr->path, &fa, &fv);
	for (size_t i = first; i < j->out->npkgs && own == SIZE_MAX; i++) {
		const char *n = j->out->pkgs[i].name, *colon = strchr(n, ':');

		if (resembles(lb_slice_str(colon ? colon + 1 : n), fa))
			own = i;
	}
	if (own == SIZE_MAX && j->out->npkgs - first == 1)
		own = first;
	if (own == SIZE_MAX)
		return;
	for (unsigned i = 0; i < jr->sha1len; i++)
		snprintf(hex + 2 * i, 3, "%02x", jr->sha1[i]);
	hex[2 * jr->sha1len] = 0;
	j->out->pkgs[own].digest = lb_xasprintf("sha1:%s", hex);
}

static void
jar_release(struct jar *jr)
{
	for (size_t i = 0; i < jr->npoms; i++) {
		free(jr->poms[i].group);
		free(jr->poms[i].artifact);
		free(jr->poms[i].version);
	}
	for (size_t i = 0; i < jr->nnatives; i++) {
		free(jr->natives[i].group);
		free(jr->natives[i].artifact);
	}
	manifest_release(&jr->mf);
	free(jr->path);
}

static void
log_sha1(struct jscan *j, const struct jar *jr)
{
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	for (unsigned i = 0; i < jr->sha1len; i++)
		snprintf(hex + 2 * i, 3, "%02x", jr->sha1[i]);
	hex[2 * jr->sha1len] = 0;
	lb_debug(j->cx, "'%s': sha1 %s", jr->path, hex);
}

/* Reads one archive from src (to its end, for the digest) and adds its
 * packages; path is its evidence path. */
static void
scan_archive(struct jscan *j, struct jsrc *src, const char *path, int depth)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct jar *jr = lb_xcalloc(1, sizeof(*jr));
	struct lb_buf b = LB_BUF_INIT(JAVA_MAX_MANIFEST);
	int r;

	jr->path = lb_xstrdup(path);
	jr->nested = depth > 0;
	src->jr = jr;
	archive_read_support_format_zip_streamable(a);
	/* CRC-32 checks stay on: the end of a stored member whose size comes
	 * in a data descriptor is found by the descriptor's CRC, and a nested
	 * jar holds descriptors of its own */
	if (archive_read_open(a, src, NULL, src_read, NULL) != ARCHIVE_OK) {
		jwarn(j, path, archive_error_string(a) ? archive_error_string(a) : "not a zip archive");
		goto out;
	}
	while (!j->stop && (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		const char *name, *base;

		if (r < ARCHIVE_WARN) {
			jwarn(j, path, archive_error_string(a) ? archive_error_string(a) : "corrupt zip");
			break;
		}
		if (++j->entries > JAVA_MAX_ENTRIES) {
			jwarn(j, path, "too many archive members (a zip bomb?); not read further");
			j->stop = true;
			break;
		}
		name = archive_entry_pathname(e);
		if (!name || archive_entry_filetype(e) != AE_IFREG) {
			if (!skip_member(j, a, e))
				goto bad;
			continue;
		}
		while (*name == '/')
			name++;
		base = strrchr(name, '/');
		base = base ? base + 1 : name;
		lb_buf_reset(&b);
		if (strcmp(base, "pom.properties") == 0) {
			if (!read_member(j, a, &b, JAVA_MAX_PROPS))
				goto bad;
			if (jr->npoms < JAVA_MAX_POMS)
				parse_properties(lb_slice_make(b.p, b.len), &jr->poms[jr->npoms++]);
		} else if (strcasecmp(name, "META-INF/MANIFEST.MF") == 0) {
			if (!read_member(j, a, &b, JAVA_MAX_MANIFEST))
				goto bad;
			if (!jr->has_mf) {
				parse_manifest(lb_slice_make(b.p, b.len), &jr->mf);
				jr->has_mf = true;
			}
		} else if (has_archive_ext(base) && strlen(path) + strlen(name) + 3 < JAVA_MAX_PATH) {
			char *sub = lb_xasprintf("%s!/%s", path, name);

			if (depth + 1 > JAVA_MAX_DEPTH) {
				jwarn(j, sub, "archives nested too deeply; not read");
				free(sub);
				if (!skip_member(j, a, e))
					goto bad;
				continue;
			}
			{
				struct jsrc in = { .j = j, .outer = a, .first = false };
				in.md = EVP_MD_CTX_new();
				in.buf = lb_xmalloc(JAVA_WIN + JAVA_HDR);
				in.hdr = in.buf + JAVA_WIN;
				EVP_DigestInit_ex(in.md, EVP_sha1(), NULL);
				scan_archive(j, &in, sub, depth + 1);
				EVP_MD_CTX_free(in.md);
				free(in.buf);
				free(sub);
				if (in.err == -LB_E_LIMIT || j->inflated > JAVA_MAX_INFLATED) {
					jwarn(j, path, "it inflates past the size limit (a zip bomb?); not read further");
					j->stop = true;
					break;
				}
				if (in.err)
					goto bad;
			}
		} else {
			if (strncmp(name, "META-INF/native-image/", 22) == 0)
				note_native(jr, name);
			if (!skip_member(j, a, e))
				goto bad;
		}
		if (j->inflated > JAVA_MAX_INFLATED) {
			jwarn(j, path, "it inflates past the size limit (a zip bomb?); not read further");
			j->stop = true;
			break;
		}
		continue;
bad:
		if (j->inflated > JAVA_MAX_INFLATED) {
			jwarn(j, path, "it inflates past the size limit (a zip bomb?); not read further");
			j->stop = true;
		} else {
			jwarn(j, path, archive_error_string(a) ? archive_error_string(a) : "corrupt member");
		}
		break;
	}
out:
	/* the rest of the bytes (central directory) for the digest */
	if (!j->stop && !src->err) {
		src->wpos = src->wlen;
		while (src_fill(a, src) > 0)
			src->wpos = src->wlen;
	}
	if (!j->stop && !src->err) {
		EVP_DigestFinal_ex(src->md, jr->sha1, &jr->sha1len);
		log_sha1(j, jr);
	}
	jar_emit(j, jr);
	archive_read_free(a);
	jar_release(jr);
	free(jr);
	lb_buf_release(&b);
}

/* --- pom.xml --------------------------------------------------------- */

/* A minimal XML reader for pom.xml: elements, text, comments, processing
 * instructions, CDATA and DOCTYPE; attributes are skipped and namespace
 * prefixes dropped. on_text is called with the element path (names joined
 * by '/') and the decoded text of each element without children. */
struct xml_cb {
	void (*on_text)(void *arg, const char *path, struct lb_slice text);
	void (*on_end)(void *arg, const char *path);
	void *arg;
};

static void
xml_decode(struct lb_slice in, struct lb_buf *out)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};

	lb_buf_reset(out);
	for (size_t i = 0; i < in.len; i++) {
		char c = in.p[i];
		if (c == '&') {
			struct lb_slice rest = lb_slice_make(in.p + i, in.len - i);
			size_t k;
			for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
				if (lb_slice_starts(rest, ents[k].ent)) {
					c = ents[k].c;
					i += strlen(ents[k].ent) - 1;
					break;
				}
		}
		lb_buf_add(out, &c, 1);
	}
}

/* Returns 0, or -LB_E_FORMAT with the byte offset of the problem in *at. */
static int
xml_walk(struct lb_slice s, const struct xml_cb *cb, size_t *at)
{
	char path[JAVA_MAX_XML_DEPTH * 64 + 1];
	size_t plen[JAVA_MAX_XML_DEPTH + 1], depth = 0, over = 0, i = 0, text_from = 0;
	bool child = false;
	struct lb_buf txt = LB_BUF_INIT(1u << 20);

	path[0] = 0;
	plen[0] = 0;
	while (i < s.len) {
		const char *lt = memchr(s.p + i, '<', s.len - i);
		size_t t;

		if (!lt)
			break;
		t = (size_t)(lt - s.p);
		if (s.len - t >= 4 && memcmp(lt, "<!--", 4) == 0) {
			const char *e = memmem(lt + 4, s.len - t - 4, "-->", 3);
			if (!e)
				goto bad;
			i = (size_t)(e - s.p) + 3;
			continue;
		}
		if (s.len - t >= 9 && memcmp(lt, "<![CDATA[", 9) == 0) {
			const char *e = memmem(lt + 9, s.len - t - 9, "]]>", 3);
			if (!e)
				goto bad;
			i = (size_t)(e - s.p) + 3;
			continue;
		}
		if (s.len - t >= 2 && (lt[1] == '?' || lt[1] == '!')) {
			const char *e = memchr(lt, '>', s.len - t);
			if (!e)
				goto bad;
			i = (size_t)(e - s.p) + 1;
			continue;
		}
		{
			bool close = s.len - t >= 2 && lt[1] == '/', empty;
			size_t n0 = t + (close ? 2 : 1), n1 = n0, gt;
			const char *colon;
			char q = 0;

			while (n1 < s.len && s.p[n1] != '>' && s.p[n1] != '/' && s.p[n1] != ' ' &&
			    s.p[n1] != '\t' && s.p[n1] != '\r' && s.p[n1] != '\n')
				n1++;
			/* the end of the tag, quotes respected */
			for (gt = n1; gt < s.len; gt++) {
				if (q) {
					if (s.p[gt] == q)
						q = 0;
				} else if (s.p[gt] == '"' || s.p[gt] == '\'') {
					q = s.p[gt];
				} else if (s.p[gt] == '>') {
					break;
				}
			}
			if (gt >= s.len || n1 == n0)
				goto bad;
			empty = !close && s.p[gt - 1] == '/';
			colon = memchr(s.p + n0, ':', n1 - n0);
			if (colon)
				n0 = (size_t)(colon - s.p) + 1;
			if (close) {
				if (over) {
					over--;
				} else {
					size_t last = depth ? plen[depth - 1] + (depth > 1) : 0;

					/* the end tag must close the element that is open */
					if (depth == 0 || plen[depth] - last != n1 - n0 ||
					    memcmp(path + last, s.p + n0, n1 - n0) != 0)
						goto bad;
					if (!child && cb->on_text) {
						xml_decode(lb_slice_trim(lb_slice_make(s.p + text_from, t - text_from)), &txt);
						cb->on_text(cb->arg, path, lb_slice_make(txt.p, txt.len));
					}
					if (cb->on_end)
						cb->on_end(cb->arg, path);
					depth--;
					path[plen[depth]] = 0;
				}
				child = true;
			} else if (over || depth >= JAVA_MAX_XML_DEPTH || plen[depth] + (n1 - n0) + 2 > sizeof(path)) {
				if (!empty)
					over++;
				child = true;
			} else {
				size_t o = plen[depth];
				if (o)
					path[o++] = '/';
				memcpy(path + o, s.p + n0, n1 - n0);
				o += n1 - n0;
				path[o] = 0;
				if (empty) {
					if (cb->on_end)
						cb->on_end(cb->arg, path);
					path[plen[depth]] = 0;
					child = true;
				} else {
					plen[++depth] = o;
					child = false;
					text_from = gt + 1;
				}
			}
			i = gt + 1;
		}
	}
	lb_buf_release(&txt);
	if (depth || over) {
		*at = s.len;
		return -LB_E_FORMAT;
	}
	return 0;
bad:
	lb_buf_release(&txt);
	*at = i;
	return -LB_E_FORMAT;
}

struct pomdep {
	char *g, *a, *v, *scope;
};

struct pom {
	char *g, *a, *v, *pg, *pv;
	char **pkeys, **pvals;
	size_t nprops, capprops;
	struct pomdep *deps;
	size_t ndeps, capdeps;
	struct pomdep cur;
	bool in_dep;
};

static void
setstr(char **dst, struct lb_slice v)
{
	free(*dst);
	*dst = dup_slice(v);
}

static void
pom_text(void *arg, const char *path, struct lb_slice text)
{
	struct pom *pm = arg;
	struct lb_slice p = lb_slice_str(path);

	if (!lb_slice_eat(&p, "project/"))
		return;
	if (lb_slice_eq(p, "groupId"))
		setstr(&pm->g, text);
	else if (lb_slice_eq(p, "artifactId"))
		setstr(&pm->a, text);
	else if (lb_slice_eq(p, "version"))
		setstr(&pm->v, text);
	else if (lb_slice_eq(p, "parent/groupId"))
		setstr(&pm->pg, text);
	else if (lb_slice_eq(p, "parent/version"))
		setstr(&pm->pv, text);
	else if (lb_slice_eat(&p, "properties/") && !memchr(p.p, '/', p.len) &&
	    pm->nprops < JAVA_MAX_PROPERTIES) {
		lb_xgrow(&pm->pkeys, &pm->capprops, pm->nprops + 1, sizeof(char *));
		pm->pvals = lb_xrealloc(pm->pvals, pm->capprops * sizeof(char *));
		pm->pkeys[pm->nprops] = dup_slice(p);
		pm->pvals[pm->nprops] = dup_slice(text);
		pm->nprops++;
	} else if (lb_slice_eat(&p, "dependencies/dependency/")) {
		if (lb_slice_eq(p, "groupId"))
			setstr(&pm->cur.g, text);
		else if (lb_slice_eq(p, "artifactId"))
			setstr(&pm->cur.a, text);
		else if (lb_slice_eq(p, "version"))
			setstr(&pm->cur.v, text);
		else if (lb_slice_eq(p, "scope"))
			setstr(&pm->cur.scope, text);
	}
}

static void
pom_end(void *arg, const char *path)
{
	struct pom *pm = arg;

	if (strcmp(path, "project/dependencies/dependency") != 0)
		return;
	if (pm->ndeps < 100000) {
		lb_xgrow(&pm->deps, &pm->capdeps, pm->ndeps + 1, sizeof(*pm->deps));
		pm->deps[pm->ndeps++] = pm->cur;
	} else {
		free(pm->cur.g);
		free(pm->cur.a);
		free(pm->cur.v);
		free(pm->cur.scope);
	}
	memset(&pm->cur, 0, sizeof(pm->cur));
}

static const char *
pom_prop(const struct pom *pm, struct lb_slice key)
{
	if (lb_slice_eq(key, "project.version") || lb_slice_eq(key, "pom.version") || lb_slice_eq(key, "version"))
		return pm->v ? pm->v : pm->pv;
	if (lb_slice_eq(key, "project.groupId") || lb_slice_eq(key, "pom.groupId") || lb_slice_eq(key, "groupId"))
		return pm->g ? pm->g : pm->pg;
	if (lb_slice_eq(key, "project.artifactId") || lb_slice_eq(key, "pom.artifactId"))
		return pm->a;
	if (lb_slice_eq(key, "project.parent.version") || lb_slice_eq(key, "parent.version"))
		return pm->pv;
	if (lb_slice_eq(key, "project.parent.groupId") || lb_slice_eq(key, "parent.groupId"))
		return pm->pg;
	for (size_t i = pm->nprops; i-- > 0;)
		if (lb_slice_eq(key, pm->pkeys[i]))
			return pm->pvals[i];
	return NULL;
}

/* Expands ${name} references from the pom's own properties, a few rounds
 * deep; returns a new string, or NULL when one is left unresolved. */
static char *
pom_expand(const struct pom *pm, const char *s)
{
	char *cur;

	if (!s)
		return NULL;
	cur = lb_xstrdup(s);
	for (int round = 0; round < 8; round++) {
		char *open = strstr(cur, "${"), *close, *next;
		const char *val;

		if (!open)
			return cur;
		if (!(close = strchr(open, '}')))
			break;
		val = pom_prop(pm, lb_slice_make(open + 2, (size_t)(close - open - 2)));
		if (!val || strlen(cur) + strlen(val) > 4 * JAVA_MAX_ID)
			break;
		next = lb_xasprintf("%.*s%s%s", (int)(open - cur), cur, val, close + 1);
		free(cur);
		cur = next;
	}
	free(cur);
	return NULL;
}

static void
add_declared(struct lb_inventory *out, const char *g, const char *a, const char *v)
{
	if (g && a && v && valid_id(lb_slice_str(g)) && valid_id(lb_slice_str(a)) &&
	    valid_version(lb_slice_str(v)))
		add_maven(out, lb_slice_str(g), lb_slice_str(a), lb_slice_str(v), NULL, true);
}

/* The project and its direct dependencies with a literal (or locally
 * resolvable) version; test-scoped ones and those whose version comes
 * from a parent or a BOM are left out. */
static void
parse_pom(struct lb_ctx *cx, const struct lb_file *f, struct lb_slice s, struct lb_inventory *out)
{
	struct pom pm;
	struct xml_cb cb = { pom_text, pom_end, &pm };
	size_t at = 0;
	char *g, *a, *v;

	memset(&pm, 0, sizeof(pm));
	if (xml_walk(s, &cb, &at) < 0)
		lb_warn(cx, "cannot parse '%s' at byte %zu: malformed XML", f->path, at);
	g = pom_expand(&pm, pm.g ? pm.g : pm.pg);
	a = pom_expand(&pm, pm.a);
	v = pom_expand(&pm, pm.v ? pm.v : pm.pv);
	add_declared(out, g, a, v);
	free(g);
	free(a);
	free(v);
	for (size_t i = 0; i < pm.ndeps; i++) {
		struct pomdep *d = &pm.deps[i];

		if (!d->scope || strcmp(d->scope, "test") != 0) {
			g = pom_expand(&pm, d->g);
			a = pom_expand(&pm, d->a);
			v = pom_expand(&pm, d->v);
			add_declared(out, g, a, v);
			free(g);
			free(a);
			free(v);
		}
		free(d->g);
		free(d->a);
		free(d->v);
		free(d->scope);
	}
	free(pm.cur.g);
	free(pm.cur.a);
	free(pm.cur.v);
	free(pm.cur.scope);
	for (size_t i = 0; i < pm.nprops; i++) {
		free(pm.pkeys[i]);
		free(pm.pvals[i]);
	}
	free(pm.pkeys);
	free(pm.pvals);
	free(pm.deps);
	free(pm.g);
	free(pm.a);
	free(pm.v);
	free(pm.pg);
	free(pm.pv);
}

/* --- gradle.lockfile ------------------------------------------------- */

/* Gradle dependency locking: "group:artifact:version=conf1,conf2" lines,
 * '#' comments, and "empty=..." for configurations without any. */
static void
parse_gradle_lock(struct lb_ctx *cx, const struct lb_file *f, struct lb_slice s, struct lb_inventory *out)
{
	size_t lineno = 0, badline = 0;

	while (s.len) {
		struct lb_slice line = lb_slice_trim(lb_slice_split(&s, '\n')), gav, g, a, v;

		lineno++;
		if (!line.len || line.p[0] == '#' || lb_slice_starts(line, "empty="))
			continue;
		gav = lb_slice_split(&line, '=');
		g = lb_slice_split(&gav, ':');
		a = lb_slice_split(&gav, ':');
		v = lb_slice_split(&gav, ':');
		if (gav.len || !valid_id(g) || !valid_id(a) || !valid_version(v)) {
			if (!badline)
				badline = lineno;
			continue;
		}
		add_maven(out, g, a, v, NULL, true);
	}
	if (badline)
		lb_warn(cx, "cannot parse '%s' line %zu: not group:artifact:version=configurations",
		    f->path, badline);
}

/* --- entry point ----------------------------------------------------- */

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int
java_scan_file(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_inventory *out)
{
	struct jscan j = { .cx = cx, .f = f, .out = out };

	if (ends_with(f->path, "pom.xml") || ends_with(f->path, "gradle.lockfile")) {
		struct lb_buf b = LB_BUF_INIT(JAVA_MAX_TEXT);
		uint8_t tmp[16384];
		ssize_t n;

		while ((n = lb_is_read(is, tmp, sizeof(tmp))) > 0)
			if (lb_buf_add(&b, tmp, (size_t)n) < 0)
				break;
		if (n < 0) {
			lb_buf_release(&b);
			return 0;       /* the walker reports a broken layer */
		}
		if (f->real_size > b.len)
			lb_warn(cx, "cannot read all of '%s': only the first %zu bytes are read",
			    f->path, b.len);
		if (ends_with(f->path, "pom.xml"))
			parse_pom(cx, f, lb_slice_make(b.p, b.len), out);
		else
			parse_gradle_lock(cx, f, lb_slice_make(b.p, b.len), out);
		lb_buf_release(&b);
		return 0;
	}
	if (f->real_size == 0)
		return 0;           /* an empty placeholder says nothing */
	{
		struct jsrc src = { .j = &j, .is = is, .first = true };

		src.md = EVP_MD_CTX_new();
		src.buf = lb_xmalloc(JAVA_WIN + JAVA_HDR);
		src.hdr = src.buf + JAVA_WIN;
		EVP_DigestInit_ex(src.md, EVP_sha1(), NULL);
		scan_archive(&j, &src, f->path, 0);
		EVP_MD_CTX_free(src.md);
		free(src.buf);
	}
	return 0;
}

const struct lb_analyzer_ops lb_an_java = {
	.name = "java",
	.stream_interests = java_stream_interests,
	.scan_file = java_scan_file,
};
