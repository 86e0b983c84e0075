/* pkgblob.h - the advisories of one package, as stored in pkg.adv
 * (schema.h), and their decoding into struct lb_vpkg (internal to
 * src/vulndb: build.c writes blobs, db.c reads them).
 *
 * The format, every integer an unsigned LEB128 varint unless "u8":
 *
 *   blob   := nrows row{nrows}
 *   row    := dvuln       vuln id minus the previous row's (the first row: the
 *                         id itself); rows are in vuln order, then feed order
 *             u8 flags    bits 0-2: status (enum lb_vstatus); 3: fixed;
 *                         4: record; 5: vendor severity; 6: ranges; 7: versions
 *             src         label id of the data source
 *             [u8 sev, sevsrc]        vendor severity 1..4 (LOW..CRITICAL), its label
 *             [str record]            the native advisory ID
 *             [str fixed]             the fixed version as the feed states it
 *             [nranges range{nranges}]
 *             [nvalid ninvalid str{nvalid + ninvalid}]
 *                         explicitly affected versions: those the ecosystem's
 *                         comparator accepts, in its order, then the others
 *   range  := u8 type (0 ECOSYSTEM, 1 SEMVER) nev (u8 kind, str){nev}
 *                         kind 1 introduced, 2 fixed, 3 last_affected; events
 *                         in the ecosystem's order, "0" (introduced) first;
 *                         every version but that "0" is valid for it
 *   str    := len byte{len}
 *
 * The builder checks versions with the comparator of the row's ecosystem
 * and sorts with it (events whose version it refuses are dropped there,
 * with a warning naming the record). An ecosystem without a comparator
 * keeps the feed's order and strings unchecked; its ranges never match.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "base/lb_buf.h"
#include "vulndb/vulndb.h"

enum {
	LB_PB_STATUS = 0x07,
	LB_PB_FIXED = 0x08,
	LB_PB_RECORD = 0x10,
	LB_PB_VSEV = 0x20,
	LB_PB_RANGES = 0x40,
	LB_PB_VERSIONS = 0x80,
};

/* --- writing ----------------------------------------------------------- */

void lb_pb_put_uint(struct lb_buf *b, uint64_t v);
void lb_pb_put_u8(struct lb_buf *b, uint8_t v);
void lb_pb_put_str(struct lb_buf *b, const char *s, size_t n);

/* --- reading ----------------------------------------------------------- */

struct lb_pb_part {
	const uint8_t *p;          /* a blob (copied into the decoded package) */
	size_t len;
	bool fallback;             /* rows stand in for the asked release (struct lb_vrow) */
};

/* Decodes parts[0..n) into a new *out (lb_vpkg_free). Rows of a fallback
 * part whose vuln a part before it names are left out. labels[id - 1]
 * names label id (nlabels of them); vuln ids must be 1..maxvuln. Returns 0,
 * or -LB_E_FORMAT when a blob is malformed (*out NULL). */
int lb_pb_decode(const struct lb_pb_part *parts, size_t n, const char *const *labels, size_t nlabels,
    uint32_t maxvuln, struct lb_vpkg **out);
