#include "base/lb_json_w.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_banned.h"

void
lb_jw_init(struct lb_jw *w, FILE *f, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->pretty = pretty;
}

static void
fail(struct lb_jw *w, int err)
{
	if (!w->err)
		w->err = err;
}

static void
put(struct lb_jw *w, const char *p, size_t n)
{
	if (n == 0 || w->err)
		return;
	errno = 0;
	/* a report is written by one thread, in many small pieces: the
	 * stream's lock per piece cost more than the copy */
	if (fwrite_unlocked(p, 1, n, w->f) != n)
		fail(w, errno ? -errno : -EIO);
}

static void
putlit(struct lb_jw *w, const char *s)
{
	put(w, s, strlen(s));
}

static void
newline_indent(struct lb_jw *w, unsigned depth)
{
	static const char spaces[] = "                                ";

	if (!w->pretty)
		return;
	put(w, "\n", 1);
	depth *= 2;
	while (depth > 0) {
		unsigned n = depth < sizeof(spaces) - 1 ? depth : (unsigned)sizeof(spaces) - 1;
		put(w, spaces, n);
		depth -= n;
	}
}

/* Emits what must precede a value (comma, indentation) and checks that a
 * value is allowed here. Returns false when nothing should be written. */
static bool
before_value(struct lb_jw *w)
{
	if (w->err)
		return false;
	if (w->depth == 0) {
		if (w->done) {
			fail(w, -LB_E_INTERNAL);
			return false;
		}
		return true;
	}
	if (w->kind[w->depth - 1] == 'o') {
		if (!w->want_value) {
			fail(w, -LB_E_INTERNAL);   /* object member without a key */
			return false;
		}
		w->want_value = false;
		return true;
	}
	if (w->nonempty[w->depth - 1])
		put(w, ",", 1);
	w->nonempty[w->depth - 1] = true;
	newline_indent(w, w->depth);
	return true;
}

static void
after_value(struct lb_jw *w)
{
	if (w->depth == 0)
		w->done = true;
}

static void
put_u(struct lb_jw *w, unsigned cp)
{
	char esc[8];

	snprintf(esc, sizeof(esc), "\\u%04x", cp & 0xffff);
	put(w, esc, 6);
}

/* Code points that are valid but written escaped: C1 controls, separators
 * that end JavaScript lines, and invisible direction or order changers. */
static bool
must_escape(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0x061c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* Decodes the UTF-8 sequence at s (n > 0 bytes left, s[0] >= 0x80). Returns
 * its length and sets *cp, or returns 0 and sets *bad to the length of the
 * maximal ill-formed prefix (Unicode 15 section 3.9, "U+FFFD substitution
 * of maximal subparts"), which becomes a single U+FFFD. */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned *cp, size_t *bad)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2, *cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3, *cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;          /* overlong */
		else if (c == 0xed)
			hi = 0x9f;          /* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, *cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;          /* overlong */
		else if (c == 0xf4)
			hi = 0x8f;          /* past U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i < len; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		*cp = (*cp << 6) | (s[i] & 0x3f);
		lo = 0x80, hi = 0xbf;
	}
	return len;
}

static void
put_string(struct lb_jw *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	put(w, "\"", 1);
	while (i < n) {
		unsigned char c = s[i];
		unsigned cp;
		size_t len, bad;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		put(w, str + run, i - run);
		if (c < 0x80) {
			switch (c) {
			case '"': putlit(w, "\\\""); break;
			case '\\': putlit(w, "\\\\"); break;
			case '\b': putlit(w, "\\b"); break;
			case '\f': putlit(w, "\\f"); break;
			case '\n': putlit(w, "\\n"); break;
			case '\r': putlit(w, "\\r"); break;
			case '\t': putlit(w, "\\t"); break;
			default: put_u(w, c); break;   /* other C0 controls and DEL */
			}
			i++;
		} else if ((len = utf8_decode(s + i, n - i, &cp, &bad)) == 0) {
			putlit(w, "\xef\xbf\xbd");
			i += bad;
		} else {
			if (must_escape(cp))
				put_u(w, cp);
			else
				put(w, str + i, len);
			i += len;
		}
		run = i;
	}
	put(w, str + run, i - run);
	put(w, "\"", 1);
}

static void
begin(struct lb_jw *w, char kind)
{
	if (!before_value(w))
		return;
	if (w->depth >= LB_JW_MAX_DEPTH) {
		fail(w, -LB_E_LIMIT);
		return;
	}
	put(w, kind == 'o' ? "{" : "[", 1);
	w->kind[w->depth] = kind;
	w->nonempty[w->depth] = false;
	w->depth++;
}

static void
end(struct lb_jw *w, char kind)
{
	if (w->err)
		return;
	if (w->depth == 0 || w->kind[w->depth - 1] != kind || w->want_value) {
		fail(w, -LB_E_INTERNAL);
		return;
	}
	w->depth--;
	if (w->nonempty[w->depth])
		newline_indent(w, w->depth);
	put(w, kind == 'o' ? "}" : "]", 1);
	after_value(w);
}

void
lb_jw_obj_begin(struct lb_jw *w)
{
	begin(w, 'o');
}

void
lb_jw_obj_end(struct lb_jw *w)
{
	end(w, 'o');
}

void
lb_jw_arr_begin(struct lb_jw *w)
{
	begin(w, 'a');
}

void
lb_jw_arr_end(struct lb_jw *w)
{
	end(w, 'a');
}

void
lb_jw_key(struct lb_jw *w, const char *k)
{
	if (w->err)
		return;
	if (!k || w->depth == 0 || w->kind[w->depth - 1] != 'o' || w->want_value) {
		fail(w, -LB_E_INTERNAL);
		return;
	}
	if (w->nonempty[w->depth - 1])
		put(w, ",", 1);
	w->nonempty[w->depth - 1] = true;
	newline_indent(w, w->depth);
	put_string(w, k, strlen(k));
	if (w->pretty)
		put(w, ": ", 2);
	else
		put(w, ":", 1);
	w->want_value = true;
}

void
lb_jw_strn(struct lb_jw *w, const char *s, size_t n)
{
	if (!before_value(w))
		return;
	put_string(w, s, n);
	after_value(w);
}

void
lb_jw_str(struct lb_jw *w, const char *s)
{
	if (!s)
		lb_jw_null(w);
	else
		lb_jw_strn(w, s, strlen(s));
}

static void
put_raw_value(struct lb_jw *w, const char *text)
{
	if (!before_value(w))
		return;
	putlit(w, text);
	after_value(w);
}

void
lb_jw_int(struct lb_jw *w, int64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRId64, v);
	put_raw_value(w, num);
}

void
lb_jw_uint(struct lb_jw *w, uint64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	put_raw_value(w, num);
}

void
lb_jw_double(struct lb_jw *w, double v)
{
	char num[64];

	if (!isfinite(v)) {
		put_raw_value(w, "null");
		return;
	}
	snprintf(num, sizeof(num), "%.3f", v);
	/* trim trailing zeros: 7.500 -> 7.5, 9.000 -> 9.0 */
	{
		size_t n = strlen(num);
		while (n > 0 && num[n - 1] == '0' && n >= 2 && num[n - 2] != '.')
			num[--n] = 0;
	}
	put_raw_value(w, num);
}

void
lb_jw_kdouble(struct lb_jw *w, const char *k, double v)
{
	lb_jw_key(w, k);
	lb_jw_double(w, v);
}

void
lb_jw_bool(struct lb_jw *w, bool v)
{
	put_raw_value(w, v ? "true" : "false");
}

void
lb_jw_null(struct lb_jw *w)
{
	put_raw_value(w, "null");
}

void
lb_jw_kstr(struct lb_jw *w, const char *k, const char *s)
{
	lb_jw_key(w, k);
	lb_jw_str(w, s);
}

void
lb_jw_kint(struct lb_jw *w, const char *k, int64_t v)
{
	lb_jw_key(w, k);
	lb_jw_int(w, v);
}

void
lb_jw_kuint(struct lb_jw *w, const char *k, uint64_t v)
{
	lb_jw_key(w, k);
	lb_jw_uint(w, v);
}

void
lb_jw_kbool(struct lb_jw *w, const char *k, bool v)
{
	lb_jw_key(w, k);
	lb_jw_bool(w, v);
}

void
lb_jw_knull(struct lb_jw *w, const char *k)
{
	lb_jw_key(w, k);
	lb_jw_null(w);
}

int
lb_jw_finish(struct lb_jw *w)
{
	if (!w->err && (w->depth != 0 || !w->done))
		fail(w, -LB_E_INTERNAL);
	if (!w->err && w->pretty)
		put(w, "\n", 1);
	errno = 0;
	if (fflush(w->f) != 0 || ferror(w->f))
		fail(w, errno ? -errno : -EIO);
	return w->err;
}
