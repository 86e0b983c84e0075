/* lb_hex.h - hexadecimal digits, for the parsers that read digests and
 * escapes (hash lists, md5sums, rpm digests, purl and Ruby escapes).
 * Header only: no state, nothing owned. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* The value of hex digit c (either case), or -1 when c is not one. */
static inline int
lb_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the n hex digits at s (n even) into the n / 2 bytes at out.
 * Returns 0, or -1 at the first character that is not a hex digit (out is
 * then partly written). */
static inline int
lb_unhex(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i + 1 < n; i += 2) {
		int hi = lb_hexval((unsigned char)s[i]), lo = lb_hexval((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
