/* an_binary.c - packages compiled into executables, read once as a stream.
 *
 *   - Go build info (the ".go.buildinfo" blob, cmd/go's debug/buildinfo):
 *     the main module, its dependencies with replacements applied, and the
 *     toolchain as "stdlib". Go 1.18+ writes the strings inline after the
 *     32-byte header; older linkers write two pointers to Go string headers
 *     that must be followed through the segment table.
 *   - Rust cargo-auditable: the ".dep-v0" section holds zlib-compressed
 *     JSON {"packages":[{"name","version","source","kind",...}]}.
 *
 * ELF, Mach-O and PE files are recognised by their first bytes; anything
 * else is left unread. Section headers usually come at the end, after the
 * data they describe, so nothing relies on them: the stream is scanned once
 * for each blob's own signature, with a bounded look-ahead, and only the
 * segment tables (which sit at the start) are used to follow pointers.
 * Bytes wanted further on are captured as the stream passes them; strings
 * that pointers reach backwards (old Go: the version and modinfo live in
 * .rodata, before the header) are taken from candidates remembered on the
 * way: "go1." strings and sentinel-delimited modinfo blocks.
 */
#include <isa-l/igzip_lib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define BIN_CHUNK      (256u << 10)  /* bytes read at a time */
#define BIN_LOOK       4096u         /* bytes a signature may need past its start */
#define BIN_MAX_INFO   (1u << 20)    /* Go version + modinfo strings */
#define BIN_MAX_AUDIT  (1u << 20)    /* inflated .dep-v0 JSON */
#define BIN_MAX_SEGS   64            /* loadable segments or sections remembered */
#define BIN_MAX_VERS   64            /* "go1." candidates remembered */
#define BIN_MAX_BLOCKS 4             /* modinfo blocks remembered */
#define BIN_MAX_CAPS   12
#define BIN_MAX_PROBES 200000u       /* zlib headers tried in one file */
#define BIN_MAX_NAME   512           /* bytes of a module path or crate name */
#define BIN_MAX_VER    256           /* bytes of a version */

static const struct lb_interest bin_stream_interests[] = {
	{ LB_MATCH_EXEC, NULL, NULL, 0 },
	{ 0, NULL, NULL, 0 },
};

/* cmd/go/internal/modload: the magic of the build info header, and the
 * 16-byte sentinels around the modinfo string */
static const uint8_t go_magic[14] = { 0xff, ' ', 'G', 'o', ' ', 'b', 'u', 'i', 'l', 'd', 'i', 'n', 'f', ':' };
static const uint8_t info_start[16] = {
	0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6 };
static const uint8_t info_end[16] = {
	0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2 };

enum bin_fmt { FMT_NONE, FMT_ELF, FMT_MACHO, FMT_MACHO_FAT, FMT_PE };

struct seg {
	uint64_t vaddr, off, size;
};

enum cap_kind {
	CAP_HDR_VER,    /* old Go: the string header of runtime.buildVersion */
	CAP_HDR_MOD,    /* old Go: the string header of runtime.modinfo */
	CAP_VER,        /* old Go: the version string's bytes */
	CAP_MOD,        /* old Go: the modinfo string's bytes */
	CAP_INLINE,     /* Go 1.18+: two varint-prefixed strings after the header */
	CAP_BLOCK,      /* a modinfo block, from its start sentinel to its end one */
	CAP_ZLIB,       /* the .dep-v0 zlib stream */
};

/* Bytes wanted from a file offset on, taken as the stream passes them. */
struct cap {
	enum cap_kind kind;
	bool live;           /* still taking bytes */
	bool done;           /* complete (blocks stay for lookups) */
	uint64_t off;        /* file offset of the first byte wanted */
	uint64_t got;        /* input bytes taken so far */
	size_t want;         /* fixed-size kinds: bytes wanted */
	struct lb_buf b;
	struct inflate_state *z;
};

struct vercand {
	uint64_t off;
	uint8_t s[48];
	size_t n;
};

struct bin {
	struct lb_ctx *cx;
	const struct lb_file *f;
	struct lb_inventory *out;
	enum bin_fmt fmt;
	struct seg segs[BIN_MAX_SEGS];
	size_t nsegs;
	/* Go */
	bool go_hdr;         /* a valid header was found (first one wins) */
	bool go_inline;
	unsigned psize;
	bool be;
	char *go_version;    /* raw: "go1.22.3 X:boringcrypto" */
	char *modinfo;       /* without sentinels; may be empty */
	size_t modlen;
	struct vercand vers[BIN_MAX_VERS];
	size_t nvers;
	/* cargo-auditable */
	bool audit_done;
	unsigned probes;
	struct inflate_state *probe;
	struct cap caps[BIN_MAX_CAPS];
	bool warned;
};

/* One warning per file; later problems only go to the debug log. */
static void
bin_warn(struct bin *b, const char *what, const char *why)
{
	if (b->warned) {
		lb_debug(b->cx, "cannot read the %s in '%s': %s", what, b->f->path, why);
		return;
	}
	b->warned = true;
	lb_warn(b->cx, "cannot read the %s in '%s': %s", what, b->f->path, why);
}

static uint64_t
rd(const uint8_t *p, unsigned n, bool be)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
	return v;
}

/* --- layout: where virtual addresses live in the file ---------------- */

static void
add_seg(struct bin *b, uint64_t vaddr, uint64_t off, uint64_t size)
{
	if (b->nsegs < BIN_MAX_SEGS && size > 0 && vaddr + size > vaddr && off + size > off)
		b->segs[b->nsegs++] = (struct seg){ vaddr, off, size };
}

/* The file offset of [va, va+n), or UINT64_MAX when no segment holds it. */
static uint64_t
va_to_off(const struct bin *b, uint64_t va, uint64_t n)
{
	for (size_t i = 0; i < b->nsegs; i++) {
		const struct seg *s = &b->segs[i];
		if (va >= s->vaddr && va - s->vaddr <= s->size && n <= s->size - (va - s->vaddr))
			return s->off + (va - s->vaddr);
	}
	return UINT64_MAX;
}

/* ELF gABI: PT_LOAD program headers, normally right after the file header */
static void
layout_elf(struct bin *b, const uint8_t *p, size_t len)
{
	bool is64 = p[4] == 2, be = p[5] == 2;
	uint64_t phoff;
	unsigned phentsize, phnum;

	if ((p[4] != 1 && p[4] != 2) || (p[5] != 1 && p[5] != 2) || len < (is64 ? 64u : 52u))
		return;
	phoff = is64 ? rd(p + 32, 8, be) : rd(p + 28, 4, be);
	phentsize = (unsigned)rd(p + (is64 ? 54 : 42), 2, be);
	phnum = (unsigned)rd(p + (is64 ? 56 : 44), 2, be);
	if (phentsize < (is64 ? 56u : 32u))
		return;
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t at = phoff + (uint64_t)i * phentsize;
		const uint8_t *ph;

		if (at > len || len - at < phentsize)
			break;
		ph = p + at;
		if (rd(ph, 4, be) != 1)           /* PT_LOAD */
			continue;
		if (is64)
			add_seg(b, rd(ph + 16, 8, be), rd(ph + 8, 8, be), rd(ph + 32, 8, be));
		else
			add_seg(b, rd(ph + 8, 4, be), rd(ph + 4, 4, be), rd(ph + 16, 4, be));
	}
}

/* mach-o/loader.h: LC_SEGMENT (0x1) and LC_SEGMENT_64 (0x19) */
static void
layout_macho(struct bin *b, const uint8_t *p, size_t len, bool is64, bool be)
{
	uint64_t at = is64 ? 32 : 28;
	unsigned ncmds = (unsigned)rd(p + 16, 4, be);

	for (unsigned i = 0; i < ncmds && i < 4096; i++) {
		uint32_t cmd, size;

		if (at + 8 > len)
			break;
		cmd = (uint32_t)rd(p + at, 4, be);
		size = (uint32_t)rd(p + at + 4, 4, be);
		if (size < 8 || at + size > len)
			break;
		if (cmd == 0x19 && size >= 72)
			add_seg(b, rd(p + at + 24, 8, be), rd(p + at + 40, 8, be), rd(p + at + 48, 8, be));
		else if (cmd == 0x1 && size >= 56)
			add_seg(b, rd(p + at + 24, 4, be), rd(p + at + 32, 4, be), rd(p + at + 36, 4, be));
		at += size;
	}
}

/* PE format: the section table after the optional header; addresses are
 * ImageBase + VirtualAddress */
static void
layout_pe(struct bin *b, const uint8_t *p, size_t len)
{
	uint64_t pe, opt, sec, base;
	unsigned nsec, optsize, magic;

	if (len < 0x40)
		return;
	pe = rd(p + 0x3c, 4, false);
	if (pe + 24 > len || memcmp(p + pe, "PE\0\0", 4) != 0)
		return;
	nsec = (unsigned)rd(p + pe + 6, 2, false);
	optsize = (unsigned)rd(p + pe + 20, 2, false);
	opt = pe + 24;
	if (opt + 32 > len)
		return;
	magic = (unsigned)rd(p + opt, 2, false);
	if (magic == 0x20b)
		base = rd(p + opt + 24, 8, false);
	else if (magic == 0x10b)
		base = rd(p + opt + 28, 4, false);
	else
		return;
	sec = opt + optsize;
	for (unsigned i = 0; i < nsec; i++, sec += 40) {
		if (sec + 40 > len)
			break;
		add_seg(b, base + rd(p + sec + 12, 4, false), rd(p + sec + 20, 4, false),
		    rd(p + sec + 16, 4, false));
	}
}

/* Recognises the file from its first bytes and reads its segment table. */
static enum bin_fmt
layout(struct bin *b, const uint8_t *p, size_t len)
{
	uint32_t m;

	if (len < 64)
		return FMT_NONE;
	if (memcmp(p, "\x7f" "ELF", 4) == 0) {
		layout_elf(b, p, len);
		return FMT_ELF;
	}
	m = (uint32_t)rd(p, 4, false);
	if (m == 0xfeedface || m == 0xfeedfacf) {
		layout_macho(b, p, len, m == 0xfeedfacf, false);
		return FMT_MACHO;
	}
	if (m == 0xcefaedfe || m == 0xcffaedfe) {
		layout_macho(b, p, len, m == 0xcffaedfe, true);
		return FMT_MACHO;
	}
	/* a fat Mach-O; Java class files share the magic but have a major
	 * version >= 45 where the fat header counts its architectures */
	if (m == 0xbebafeca && rd(p + 4, 4, true) < 20)
		return FMT_MACHO_FAT;
	if (p[0] == 'M' && p[1] == 'Z') {
		layout_pe(b, p, len);
		return FMT_PE;
	}
	return FMT_NONE;
}

/* --- captures -------------------------------------------------------- */

static struct cap *
cap_new(struct bin *b, enum cap_kind kind, uint64_t off, size_t want, size_t max)
{
	for (size_t i = 0; i < BIN_MAX_CAPS; i++) {
		struct cap *c = &b->caps[i];
		if (c->live || c->done)
			continue;
		memset(c, 0, sizeof(*c));
		c->kind = kind;
		c->live = true;
		c->off = off;
		c->want = want;
		c->b = LB_BUF_INIT(max);
		return c;
	}
	return NULL;
}

static void
cap_drop(struct cap *c)
{
	lb_buf_release(&c->b);
	free(c->z);
	c->z = NULL;
	c->live = false;
	c->done = false;
}

static size_t
count_kind(const struct bin *b, enum cap_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < BIN_MAX_CAPS; i++)
		if ((b->caps[i].live || b->caps[i].done) && b->caps[i].kind == kind)
			n++;
	return n;
}

/* Go's encoding/binary Uvarint; returns bytes used, 0 when incomplete or
 * too long. */
static size_t
uvarint(const uint8_t *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	for (size_t i = 0; i < n && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

/* debug/buildinfo: a modinfo string is wrapped in the two sentinels, the
 * text before the end one ending in a newline; anything else is no info. */
static void
set_modinfo(struct bin *b, const uint8_t *p, size_t n)
{
	free(b->modinfo);
	b->modinfo = NULL;
	b->modlen = 0;
	if (n >= 33 && p[n - 17] == '\n') {
		b->modinfo = lb_xstrndup((const char *)p + 16, n - 32);
		b->modlen = n - 32;
	}
}

static void
set_version(struct bin *b, const uint8_t *p, size_t n)
{
	free(b->go_version);
	b->go_version = lb_xstrndup((const char *)p, n);
}

/* CAP_INLINE: 1 when both strings are complete, 0 when more bytes are
 * needed, < 0 when they cannot be build info. */
static int
parse_inline(struct bin *b, const uint8_t *p, size_t n)
{
	uint64_t l1, l2;
	size_t k1, k2;

	if (!(k1 = uvarint(p, n, &l1)))
		return n >= 10 ? -1 : 0;
	if (l1 == 0 || l1 > BIN_MAX_VER)
		return -1;
	if (n - k1 < l1)
		return 0;
	if (!(k2 = uvarint(p + k1 + l1, n - k1 - l1, &l2)))
		return n - k1 - l1 >= 10 ? -1 : 0;
	if (l2 > BIN_MAX_INFO)
		return -1;
	if (n - k1 - l1 - k2 < l2)
		return 0;
	set_version(b, p + k1, (size_t)l1);
	set_modinfo(b, p + k1 + l1 + k2, (size_t)l2);
	return 1;
}

static const struct cap *
find_block(const struct bin *b, uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < BIN_MAX_CAPS; i++) {
		const struct cap *c = &b->caps[i];
		if (c->done && c->kind == CAP_BLOCK && c->off == off && c->b.len >= len)
			return c;
	}
	return NULL;
}

/* An old-style string header {data, len} was read: fetch the bytes. */
static void
follow_string(struct bin *b, bool ver, const uint8_t *h, uint64_t pos)
{
	uint64_t data = rd(h, b->psize, b->be), len = rd(h + b->psize, b->psize, b->be);
	uint64_t off;

	if (len == 0 || len > (ver ? BIN_MAX_VER : BIN_MAX_INFO))
		return;
	if ((off = va_to_off(b, data, len)) == UINT64_MAX)
		return;
	if (off >= pos) {
		cap_new(b, ver ? CAP_VER : CAP_MOD, off, (size_t)len, (size_t)len);
		return;
	}
	/* behind the stream: only what was remembered on the way */
	if (ver) {
		for (size_t i = 0; i < b->nvers; i++)
			if (b->vers[i].off == off && b->vers[i].n >= len) {
				set_version(b, b->vers[i].s, (size_t)len);
				return;
			}
	} else {
		const struct cap *blk = find_block(b, off, len);
		if (blk)
			set_modinfo(b, blk->b.p, (size_t)len);
	}
}

static void parse_audit(struct bin *b, const uint8_t *p, size_t n);

/* A capture got all it wanted. pos: the file offset of the window's
 * first byte (offsets from there on can still be captured). */
static void
cap_complete(struct bin *b, struct cap *c, uint64_t pos)
{
	c->live = false;
	switch (c->kind) {
	case CAP_HDR_VER:
	case CAP_HDR_MOD: {
		/* free the slot first: following may need a new capture */
		uint8_t h[16];
		bool ver = c->kind == CAP_HDR_VER;

		memcpy(h, c->b.p, 2 * b->psize);
		cap_drop(c);
		follow_string(b, ver, h, pos);
		break;
	}
	case CAP_VER:
		set_version(b, c->b.p, c->b.len);
		cap_drop(c);
		break;
	case CAP_MOD:
		set_modinfo(b, c->b.p, c->b.len);
		cap_drop(c);
		break;
	case CAP_INLINE:
		cap_drop(c);
		break;
	case CAP_BLOCK:
		c->done = true;      /* kept for follow_string */
		break;
	case CAP_ZLIB:
		parse_audit(b, c->b.p, c->b.len);
		b->audit_done = true;
		cap_drop(c);
		break;
	}
}

/* Feeds the window bytes [base, base+len) to c from where it stands. */
static void
cap_feed(struct bin *b, struct cap *c, const uint8_t *win, uint64_t base, size_t len)
{
	uint64_t from = c->off + c->got, end = base + len;
	const uint8_t *p;
	size_t n;

	if (!c->live || from < base || from >= end)
		return;
	p = win + (from - base);
	n = (size_t)(end - from);
	switch (c->kind) {
	case CAP_HDR_VER:
	case CAP_HDR_MOD:
	case CAP_VER:
	case CAP_MOD:
		if (n > c->want - c->b.len)
			n = c->want - c->b.len;
		lb_buf_add(&c->b, p, n);      /* within max: want == max */
		c->got += n;
		if (c->b.len == c->want)
			cap_complete(b, c, base);
		break;
	case CAP_INLINE: {
		int r;

		if (n > c->b.max - c->b.len)
			n = c->b.max - c->b.len;
		lb_buf_add(&c->b, p, n);
		c->got += n;
		if ((r = parse_inline(b, c->b.p, c->b.len)) > 0) {
			cap_complete(b, c, base);
		} else if (r < 0 || c->b.len == c->b.max) {
			bin_warn(b, "Go build info", "bad version or module strings");
			cap_drop(c);
		}
		break;
	}
	case CAP_BLOCK: {
		size_t old = c->b.len, from_i = old > 15 ? old - 15 : 0;
		const uint8_t *e;

		if (n > c->b.max - c->b.len)
			n = c->b.max - c->b.len;
		lb_buf_add(&c->b, p, n);
		c->got += n;
		e = memmem(c->b.p + from_i, c->b.len - from_i, info_end, sizeof(info_end));
		if (e) {
			c->b.len = (size_t)(e - c->b.p) + sizeof(info_end);
			cap_complete(b, c, base);
		} else if (c->b.len == c->b.max) {
			cap_drop(c);
		}
		break;
	}
	case CAP_ZLIB: {
		uint8_t out[16384];
		struct inflate_state *z = c->z;
		int r = ISAL_DECOMP_OK;

		z->next_in = (uint8_t *)p;
		z->avail_in = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
		while (z->block_state != ISAL_BLOCK_FINISH) {
			z->next_out = out;
			z->avail_out = sizeof(out);
			r = isal_inflate(z);
			if (r < 0)
				break;
			if (z->next_out > out && lb_buf_add(&c->b, out, (size_t)(z->next_out - out)) < 0) {
				r = -LB_E_LIMIT;
				break;
			}
			if (z->next_out == out)
				break;     /* needs more input */
		}
		c->got += (size_t)(z->next_in - p);
		if (r < 0) {
			bin_warn(b, "cargo-auditable dependency list", r == -LB_E_LIMIT ?
			    "it inflates past the size limit" : "corrupt zlib data");
			b->audit_done = true;
			cap_drop(c);
		} else if (z->block_state == ISAL_BLOCK_FINISH) {
			cap_complete(b, c, base);
		}
		break;
	}
	}
}

/* --- signatures ------------------------------------------------------ */

/* A build info header at file offset o (p holds at least 32 bytes); pos
 * is the offset of the window's first byte. */
static void
go_header(struct bin *b, const uint8_t *p, uint64_t o, uint64_t pos)
{
	unsigned psize = p[14], flags = p[15];
	uint64_t va_ver, va_mod, off_ver, off_mod;

	/* the section is 16-byte aligned; file offsets keep that alignment */
	if (o % 16 || (psize != 4 && psize != 8) || (flags & ~3u))
		return;
	if (flags & 2) {
		b->go_hdr = true;
		b->go_inline = true;
		cap_new(b, CAP_INLINE, o + 32, 0, BIN_MAX_INFO + 32);
		return;
	}
	if (b->fmt == FMT_MACHO_FAT)
		return;
	b->psize = psize;
	b->be = flags & 1;
	va_ver = rd(p + 16, psize, b->be);
	va_mod = rd(p + 16 + psize, psize, b->be);
	off_ver = va_to_off(b, va_ver, 2 * psize);
	off_mod = va_to_off(b, va_mod, 2 * psize);
	if (off_ver == UINT64_MAX || off_ver < pos)
		return;    /* unreachable from a stream: skipped without a word */
	b->go_hdr = true;
	cap_new(b, CAP_HDR_VER, off_ver, 2 * psize, 2 * psize);
	if (off_mod != UINT64_MAX && off_mod >= pos)
		cap_new(b, CAP_HDR_MOD, off_mod, 2 * psize, 2 * psize);
}

/* Whether a zlib stream at p inflates to what cargo-auditable writes. */
static bool
audit_probe(struct bin *b, const uint8_t *p, size_t n)
{
	uint8_t out[32];
	struct lb_slice s;
	int r;

	if (!b->probe)
		b->probe = lb_xmalloc(sizeof(*b->probe));
	isal_inflate_init(b->probe);
	b->probe->crc_flag = ISAL_ZLIB;
	b->probe->next_in = (uint8_t *)p;
	b->probe->avail_in = (uint32_t)(n < BIN_LOOK ? n : BIN_LOOK);
	b->probe->next_out = out;
	b->probe->avail_out = sizeof(out);
	r = isal_inflate(b->probe);
	if (r < 0)
		return false;
	s = lb_slice_make(out, (size_t)(b->probe->next_out - out));
	if (!lb_slice_eat(&s, "{"))
		return false;
	s = lb_slice_trim(s);
	return lb_slice_starts(s, "\"packages\"") || lb_slice_starts(s, "\"format\"");
}

/* Looks for signatures starting in [0, limit) of the window. */
static void
scan_window(struct bin *b, const uint8_t *win, uint64_t base, size_t len, size_t limit)
{
	const uint8_t *p, *end = win + len;

	if (!b->go_hdr) {
		for (p = win; (p = memmem(p, (size_t)(end - p), go_magic, sizeof(go_magic))) &&
		    p < win + limit; p++) {
			if ((size_t)(end - p) < 32)
				break;
			go_header(b, p, base + (uint64_t)(p - win), base);
			if (b->go_hdr)
				break;
		}
	}
	if (!b->go_inline) {
		/* old Go: strings the header will point back to */
		for (p = win; (p = memmem(p, (size_t)(end - p), info_start, sizeof(info_start))) &&
		    p < win + limit; p++)
			if (count_kind(b, CAP_BLOCK) < BIN_MAX_BLOCKS)
				cap_new(b, CAP_BLOCK, base + (uint64_t)(p - win), 0, BIN_MAX_INFO + 32);
		for (p = win; b->nvers < BIN_MAX_VERS && (p = memmem(p, (size_t)(end - p), "go1.", 4)) &&
		    p < win + limit; p++) {
			struct vercand *v = &b->vers[b->nvers++];
			v->off = base + (uint64_t)(p - win);
			v->n = (size_t)(end - p) < sizeof(v->s) ? (size_t)(end - p) : sizeof(v->s);
			memcpy(v->s, p, v->n);
		}
	}
	if (!b->audit_done && !count_kind(b, CAP_ZLIB)) {
		for (p = win; (p = memchr(p, 0x78, (size_t)(end - p))) && p < win + limit; p++) {
			struct cap *c;

			if (p + 1 >= end || (p[1] != 0x01 && p[1] != 0x5e && p[1] != 0x9c && p[1] != 0xda))
				continue;
			if (++b->probes > BIN_MAX_PROBES) {
				b->audit_done = true;
				break;
			}
			if (!audit_probe(b, p, (size_t)(end - p)))
				continue;
			if (!(c = cap_new(b, CAP_ZLIB, base + (uint64_t)(p - win), 0, BIN_MAX_AUDIT)))
				break;
			c->z = lb_xmalloc(sizeof(*c->z));
			isal_inflate_init(c->z);
			c->z->crc_flag = ISAL_ZLIB;
			break;
		}
	}
}

/* --- emitting packages ----------------------------------------------- */

static bool
clean_token(struct lb_slice s, size_t max)
{
	if (s.len == 0 || s.len > max)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c <= ' ' || c == 0x7f)
			return false;
	}
	return true;
}

static void
add_pkg(struct bin *b, const char *type, struct lb_slice name, struct lb_slice version)
{
	struct lb_pkg *p = lb_inventory_add_pkg(b->out);

	p->type = lb_xstrdup(type);
	p->name = lb_xstrndup(name.p, name.len);        /* both checked non-empty */
	p->version = lb_xstrndup(version.p, version.len);
}

/* "go1.22.3 X:boringcrypto" -> "v1.22.3", "go1.21rc2" -> "v1.21.0-rc.2",
 * "go1.20" -> "v1.20.0" (the semver the Go vulnerability database and
 * govulncheck compare); NULL for a development toolchain. */
static char *
stdlib_version(const char *v)
{
	const char *p = v;
	unsigned long num[3] = { 0, 0, 0 };
	const char *pre = NULL;
	unsigned long pren = 0;
	int n = 0;

	if (strncmp(p, "go", 2) != 0)
		return NULL;
	p += 2;
	while (n < 3) {
		char *e;
		if (*p < '0' || *p > '9')
			return NULL;
		num[n++] = strtoul(p, &e, 10);
		if (e - p > 9)
			return NULL;
		p = e;
		if (*p != '.')
			break;
		p++;
	}
	if (strncmp(p, "rc", 2) == 0 || strncmp(p, "beta", 4) == 0) {
		char *e;
		pre = p[0] == 'r' ? "rc" : "beta";
		p += strlen(pre);
		if (*p < '0' || *p > '9')
			return NULL;
		pren = strtoul(p, &e, 10);
		if (e - p > 9)
			return NULL;
		p = e;
	}
	if (*p && *p != ' ')
		return NULL;
	if (pre)
		return lb_xasprintf("v%lu.%lu.%lu-%s.%lu", num[0], num[1], num[2], pre, pren);
	return lb_xasprintf("v%lu.%lu.%lu", num[0], num[1], num[2]);
}

/* golang.org/x/mod/semver validity, with the 'v' optional: 1, 1.2, 1.2.3,
 * then -prerelease and +build of [0-9A-Za-z.-]. */
static bool
semverish(struct lb_slice s)
{
	size_t i = 0, parts = 0;

	if (s.len && s.p[0] == 'v')
		i++;
	for (;;) {
		size_t d = i;
		while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9')
			i++;
		if (i == d)
			return false;
		parts++;
		if (i < s.len && s.p[i] == '.' && parts < 3) {
			i++;
			continue;
		}
		break;
	}
	if (i < s.len && (s.p[i] == '-' || s.p[i] == '+')) {
		if (parts < 3)
			return false;
		for (i++; i < s.len; i++) {
			char c = s.p[i];
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    c == '.' || c == '-' || c == '+'))
				return false;
		}
	}
	return i == s.len;
}

/* Splits s into words as a shell would (quotes and backslashes, no
 * expansion), each NUL-terminated in buf (2 * s.len + 2 bytes). Returns
 * the number of words put in words[]. */
static size_t
shell_words(struct lb_slice s, char *buf, char **words, size_t maxw)
{
	size_t i = 0, o = 0, nw = 0;

	while (i < s.len && nw < maxw) {
		char q = 0;

		while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t' || s.p[i] == '\n'))
			i++;
		if (i == s.len)
			break;
		words[nw++] = buf + o;
		while (i < s.len && (q || (s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != '\n'))) {
			char c = s.p[i++];
			if (q && c == q) {
				q = 0;
				continue;
			}
			if (!q && (c == '"' || c == '\'')) {
				q = c;
				continue;
			}
			if (c == '\\' && q != '\'' && i < s.len)
				c = s.p[i++];
			buf[o++] = c;
		}
		buf[o++] = 0;
	}
	return nw;
}

/* Which group an "-X key=value" belongs to, as Trivy ranks them
 * (aquasecurity/trivy#6702): 0 for keys under "<main>/cmd/", 1 for a
 * package named main, common, version or cmd, 2 for any other. */
static int
x_group(struct lb_slice key, struct lb_slice main_path)
{
	static const char *const pkgs[] = { "main", "common", "version", "cmd" };
	const char *slash = memrchr(key.p, '/', key.len), *name = slash ? slash + 1 : key.p, *dot;
	size_t nlen = (size_t)(key.p + key.len - name);

	if (main_path.len && key.len > main_path.len + 5 &&
	    memcmp(key.p, main_path.p, main_path.len) == 0 &&
	    memcmp(key.p + main_path.len, "/cmd/", 5) == 0)
		return 0;
	if ((dot = memchr(name, '.', nlen)))
		nlen = (size_t)(dot - name);
	for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++)
		if (strlen(pkgs[i]) == nlen && strncasecmp(name, pkgs[i], nlen) == 0)
			return 1;
	return 2;
}

/* The main module's version from "-X pkg.version=1.2.3" in -ldflags, for
 * binaries built with "go build" (whose module version is "(devel)"): the
 * key ends in ".version" or ".ver", the value is semver, the best group
 * (x_group) wins and two candidates there mean none. flags is the value
 * of the "build -ldflags=" setting, quoted (strconv.Quote) when it has
 * spaces. Returns a new string or NULL. */
static char *
ldflags_version(struct lb_slice flags, struct lb_slice main_path)
{
	char *uq, *buf, *words[512], *res = NULL;
	const char *found[3] = { NULL, NULL, NULL };
	int count[3] = { 0, 0, 0 };
	size_t nw, o = 0;

	if (flags.len >= 2 && flags.p[0] == '"' && flags.p[flags.len - 1] == '"')
		flags = lb_slice_make(flags.p + 1, flags.len - 2);
	uq = lb_xmalloc(flags.len + 1);
	for (size_t i = 0; i < flags.len; i++) {
		if (flags.p[i] == '\\' && i + 1 < flags.len)
			i++;
		uq[o++] = flags.p[i];
	}
	buf = lb_xmalloc(2 * o + 2);
	nw = shell_words(lb_slice_make(uq, o), buf, words, sizeof(words) / sizeof(words[0]));
	for (size_t i = 0; i < nw; i++) {
		const char *kv = NULL, *eq;
		struct lb_slice k, v;
		int g;

		if (strcmp(words[i], "-X") == 0 || strcmp(words[i], "--X") == 0)
			kv = i + 1 < nw ? words[++i] : NULL;
		else if (strncmp(words[i], "-X=", 3) == 0)
			kv = words[i] + 3;
		else if (strncmp(words[i], "--X=", 4) == 0)
			kv = words[i] + 4;
		if (!kv || !(eq = strchr(kv, '=')))
			continue;
		k = lb_slice_make(kv, (size_t)(eq - kv));
		v = lb_slice_str(eq + 1);
		if (!((k.len > 8 && strncasecmp(k.p + k.len - 8, ".version", 8) == 0) ||
		    (k.len > 4 && strncasecmp(k.p + k.len - 4, ".ver", 4) == 0)) ||
		    !semverish(v) || v.len > BIN_MAX_VER)
			continue;
		g = x_group(k, main_path);
		count[g]++;
		found[g] = v.p;
	}
	for (int g = 0; g < 3; g++) {
		if (!count[g])
			continue;
		if (count[g] == 1)
			res = lb_xstrdup(found[g]);
		break;
	}
	free(buf);
	free(uq);
	return res;
}

struct gomod {
	struct lb_slice path, version;
	struct lb_slice rpath, rversion;
	bool replaced;
};

/* Splits a modinfo line's fields: "dep\tpath\tversion\tsum". */
static size_t
fields(struct lb_slice line, struct lb_slice *f, size_t max)
{
	size_t n = 0;

	while (n < max) {
		f[n++] = lb_slice_split(&line, '\t');
		if (!line.len)
			break;
	}
	return n;
}

static void
go_emit(struct bin *b)
{
	struct lb_slice rest = lb_slice_make(b->modinfo, b->modlen), ldflags = LB_SLICE_NULL;
	struct gomod main_mod, *deps = NULL, *last = NULL;
	size_t ndeps = 0, capdeps = 0;
	bool has_main = false;
	char *v;

	memset(&main_mod, 0, sizeof(main_mod));
	if (b->go_version && (v = stdlib_version(b->go_version))) {
		struct lb_pkg *p = lb_inventory_add_pkg(b->out);
		p->type = lb_xstrdup("golang");
		p->name = lb_xstrdup("stdlib");
		p->version = v;
	}
	while (rest.len) {
		struct lb_slice line = lb_slice_split(&rest, '\n'), f[4];
		size_t nf = fields(line, f, 4);

		if (nf >= 3 && (lb_slice_eq(f[0], "mod") || lb_slice_eq(f[0], "dep"))) {
			struct gomod *m;
			if (lb_slice_eq(f[0], "mod")) {
				m = &main_mod;
				has_main = true;
			} else {
				lb_xgrow(&deps, &capdeps, ndeps + 1, sizeof(*deps));
				m = &deps[ndeps++];
			}
			memset(m, 0, sizeof(*m));
			m->path = f[1];
			m->version = f[2];
			last = m;
		} else if (nf >= 2 && lb_slice_eq(f[0], "=>") && last) {
			/* "=>\tpath\tversion\tsum"; a local directory has no version */
			last->replaced = true;
			last->rpath = f[1];
			last->rversion = nf >= 3 ? f[2] : LB_SLICE_NULL;
			last = NULL;
		} else if (!lb_slice_eq(f[0], "build") && !lb_slice_eq(f[0], "path")) {
			/* a broken line: a later "=>" must not replace the wrong module */
			last = NULL;
		}
		if (nf >= 2 && lb_slice_eq(f[0], "build") && lb_slice_starts(f[1], "-ldflags=")) {
			/* the value runs to the end of the line */
			ldflags = lb_slice_make(f[1].p, (size_t)(line.p + line.len - f[1].p));
			lb_slice_eat(&ldflags, "-ldflags=");
		}
	}
	if (has_main && clean_token(main_mod.path, BIN_MAX_NAME)) {
		struct lb_slice ver = main_mod.version;
		char *lv = NULL;

		if (!clean_token(ver, BIN_MAX_VER) || lb_slice_eq(ver, "(devel)") ||
		    lb_slice_starts(ver, "v0.0.0-")) {
			lv = ldflags.len ? ldflags_version(ldflags, main_mod.path) : NULL;
			if (lv)
				ver = lb_slice_str(lv);
			else if (!clean_token(ver, BIN_MAX_VER))
				ver = lb_slice_str("(devel)");
		}
		add_pkg(b, "golang", main_mod.path, ver);
		free(lv);
	}
	for (size_t i = 0; i < ndeps; i++) {
		struct gomod *m = &deps[i];
		struct lb_slice name = m->path, ver = m->version;

		if (m->replaced) {
			if (clean_token(m->rversion, BIN_MAX_VER)) {
				name = m->rpath;
				ver = m->rversion;
			} else {
				/* replaced by a local directory: built from that source */
				ver = lb_slice_str("(devel)");
			}
		}
		if (!clean_token(name, BIN_MAX_NAME))
			continue;
		if (!clean_token(ver, BIN_MAX_VER))
			ver = lb_slice_str("(devel)");
		add_pkg(b, "golang", name, ver);
	}
	free(deps);
}

/* cargo-auditable's JSON (auditable-serde VersionInfo): build-only
 * dependencies are not in the binary, so they are left out. */
static void
parse_audit(struct bin *b, const uint8_t *p, size_t n)
{
	json_error_t je;
	json_t *doc = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &je), *pkgs;
	size_t i, bad = 0;
	json_t *it;

	if (!doc || !json_is_object(doc) || !json_is_array(pkgs = json_object_get(doc, "packages"))) {
		bin_warn(b, "cargo-auditable dependency list", doc ? "no \"packages\" array" : je.text);
		json_decref(doc);
		return;
	}
	json_array_foreach(pkgs, i, it) {
		json_t *name = json_object_get(it, "name"), *ver = json_object_get(it, "version");
		json_t *kind = json_object_get(it, "kind");
		struct lb_slice sn, sv;

		if (!json_is_string(name) || !json_is_string(ver)) {
			bad++;
			continue;
		}
		if (json_is_string(kind) && strcmp(json_string_value(kind), "build") == 0)
			continue;
		sn = lb_slice_make(json_string_value(name), json_string_length(name));
		sv = lb_slice_make(json_string_value(ver), json_string_length(ver));
		if (!clean_token(sn, BIN_MAX_NAME) || !clean_token(sv, BIN_MAX_VER)) {
			bad++;
			continue;
		}
		add_pkg(b, "cargo", sn, sv);
	}
	if (bad)
		bin_warn(b, "cargo-auditable dependency list", "entries without a valid name or version");
	json_decref(doc);
}

/* --- the streaming pass ---------------------------------------------- */

static int
bin_scan_file(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_inventory *out)
{
	struct bin *b = lb_xcalloc(1, sizeof(*b));
	uint8_t *win = lb_xmalloc(BIN_CHUNK + BIN_LOOK);
	size_t len = 0, cap = BIN_CHUNK + BIN_LOOK;
	uint64_t base = 0;
	bool eof = false;

	b->cx = cx;
	b->f = f;
	b->out = out;
	for (bool first = true; !eof; first = false) {
		ssize_t n = lb_is_read(is, win + len, cap - len);
		size_t limit;

		if (n < 0)
			goto out;     /* the walker reports a broken layer */
		eof = (size_t)n < cap - len;
		len += (size_t)n;
		if (first && (b->fmt = layout(b, win, len)) == FMT_NONE)
			goto out;
		limit = eof ? len : len - BIN_LOOK;
		scan_window(b, win, base, len, limit);
		/* a completed capture may ask for bytes already in the window */
		for (int round = 0; round < 4; round++)
			for (size_t i = 0; i < BIN_MAX_CAPS; i++)
				cap_feed(b, &b->caps[i], win, base, len);
		memmove(win, win + limit, len - limit);
		base += limit;
		len -= limit;
	}
	if (b->go_version)
		go_emit(b);
	else if (count_kind(b, CAP_INLINE))
		bin_warn(b, "Go build info", "the file ends inside it");
	if (count_kind(b, CAP_ZLIB))
		bin_warn(b, "cargo-auditable dependency list", "the file ends inside it");
out:
	for (size_t i = 0; i < BIN_MAX_CAPS; i++)
		cap_drop(&b->caps[i]);
	free(b->probe);
	free(b->go_version);
	free(b->modinfo);
	free(b);
	free(win);
	return 0;
}

const struct lb_analyzer_ops lb_an_binary = {
	.name = "binary",
	.stream_interests = bin_stream_interests,
	.scan_file = bin_scan_file,
};
