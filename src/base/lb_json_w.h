/* lb_json_w.h - streaming JSON writer to a FILE*.
 *
 * The writer tracks nesting, so commas, colons and (when pretty) newlines
 * and indentation come out on their own: callers only say what comes next.
 * Strings are untrusted bytes and the output is always valid UTF-8:
 *   - invalid UTF-8 (bad lead/continuation bytes, overlongs, surrogates,
 *     code points past U+10FFFF, truncated sequences) becomes U+FFFD;
 *   - control characters U+0000-001F, DEL and C1 U+0080-009F are written as
 *     \uXXXX (or \n \t ... where JSON has a short form);
 *   - U+2028/2029 (line/paragraph separators, which break JavaScript),
 *     the bidi controls U+061C, U+200E/200F, U+202A-202E, U+2066-2069 and
 *     the BOM U+FEFF are written as \uXXXX so that nobody reading the file
 *     in a terminal or editor is shown reordered or hidden text.
 *
 * Misuse (a value where a key is due, unbalanced ends, more than
 * LB_JW_MAX_DEPTH levels) and write errors are sticky: later calls do
 * nothing, and lb_jw_finish returns the first error. The writer owns no
 * memory and does not close or flush f beyond lb_jw_finish's fflush. It
 * writes without taking f's lock: no other thread may use f meanwhile.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LB_JW_MAX_DEPTH 256

struct lb_jw {
	FILE *f;
	bool pretty;
	bool want_value;     /* a key was written; its value comes next */
	bool done;           /* the top-level value is complete */
	int err;             /* first error (negative) or 0 */
	unsigned depth;
	/* per level: 'o' object or 'a' array; and whether it has members yet */
	char kind[LB_JW_MAX_DEPTH];
	bool nonempty[LB_JW_MAX_DEPTH];
};

/* Prepares w to write one JSON value to f (not owned). pretty indents
 * nested values by two spaces per level and ends the document with '\n'. */
void lb_jw_init(struct lb_jw *w, FILE *f, bool pretty);

void lb_jw_obj_begin(struct lb_jw *w);
void lb_jw_obj_end(struct lb_jw *w);
void lb_jw_arr_begin(struct lb_jw *w);
void lb_jw_arr_end(struct lb_jw *w);

/* The next member's key (escaped like any string; NULL is a misuse). */
void lb_jw_key(struct lb_jw *w, const char *k);

/* A string value; NULL writes null. */
void lb_jw_str(struct lb_jw *w, const char *s);
/* A string value of n bytes (may hold NUL bytes, written as \u0000). */
void lb_jw_strn(struct lb_jw *w, const char *s, size_t n);
void lb_jw_int(struct lb_jw *w, int64_t v);
void lb_jw_uint(struct lb_jw *w, uint64_t v);
void lb_jw_bool(struct lb_jw *w, bool v);
/* A finite number with up to 3 decimals (CVSS scores); NaN/inf write null. */
void lb_jw_double(struct lb_jw *w, double v);
void lb_jw_null(struct lb_jw *w);

/* Key and value in one call. */
void lb_jw_kstr(struct lb_jw *w, const char *k, const char *s);
void lb_jw_kint(struct lb_jw *w, const char *k, int64_t v);
void lb_jw_kuint(struct lb_jw *w, const char *k, uint64_t v);
void lb_jw_kbool(struct lb_jw *w, const char *k, bool v);
void lb_jw_kdouble(struct lb_jw *w, const char *k, double v);
void lb_jw_knull(struct lb_jw *w, const char *k);

/* Ends the document: returns 0, -LB_E_INTERNAL on misuse or an unfinished
 * document, -LB_E_LIMIT past LB_JW_MAX_DEPTH, or -errno (-EIO when unknown)
 * when writing or flushing f failed. */
int lb_jw_finish(struct lb_jw *w);
