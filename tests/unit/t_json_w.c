/* t_json_w.c - the streaming JSON writer: structure, escaping, UTF-8. */
#include "lbtest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_err.h"
#include "base/lb_json_w.h"

struct out {
	char *buf;
	size_t len;
	FILE *f;
};

static void
out_open(struct out *o, struct lb_jw *w, bool pretty)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
	lb_jw_init(w, o->f, pretty);
}

/* Finishes w, checks the result code, and returns the text (caller frees). */
static char *
out_close(struct out *o, struct lb_jw *w, int want)
{
	assert_int_equal(lb_jw_finish(w), want);
	fclose(o->f);
	return o->buf;
}

/* Writes the n bytes at s as one string value and returns the document. */
static char *
str_doc(const char *s, size_t n)
{
	struct lb_jw w;
	struct out o;

	out_open(&o, &w, false);
	lb_jw_strn(&w, s, n);
	return out_close(&o, &w, 0);
}

static void
check_str(const char *s, size_t n, const char *want)
{
	char *got = str_doc(s, n);

	if (strcmp(got, want) != 0)
		fail_msg("got %s, want %s", got, want);
	free(got);
}

/* The output must be valid UTF-8 JSON that jansson reads back. */
static void
assert_valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
		    (*p & 0xf8) == 0xf0 ? 4 : 0;

		assert_true(len > 0);
		for (size_t i = 1; i < len; i++)
			assert_int_equal(p[i] & 0xc0, 0x80);
		p += len;
	}
}

static void
test_structure(void **state)
{
	struct lb_jw w;
	struct out o;
	char *s;

	(void)state;
	out_open(&o, &w, false);
	lb_jw_obj_begin(&w);
	lb_jw_kstr(&w, "a", "x");
	lb_jw_kint(&w, "b", -5);
	lb_jw_kuint(&w, "c", UINT64_MAX);
	lb_jw_kbool(&w, "d", true);
	lb_jw_knull(&w, "e");
	lb_jw_kstr(&w, "f", NULL);
	lb_jw_key(&w, "g");
	lb_jw_arr_begin(&w);
	lb_jw_int(&w, 1);
	lb_jw_arr_begin(&w);
	lb_jw_arr_end(&w);
	lb_jw_obj_begin(&w);
	lb_jw_obj_end(&w);
	lb_jw_bool(&w, false);
	lb_jw_arr_end(&w);
	lb_jw_obj_end(&w);
	s = out_close(&o, &w, 0);
	assert_string_equal(s, "{\"a\":\"x\",\"b\":-5,\"c\":18446744073709551615,\"d\":true,"
	    "\"e\":null,\"f\":null,\"g\":[1,[],{},false]}");
	free(s);

	out_open(&o, &w, true);
	lb_jw_obj_begin(&w);
	lb_jw_kstr(&w, "a", "x");
	lb_jw_key(&w, "b");
	lb_jw_arr_begin(&w);
	lb_jw_int(&w, 1);
	lb_jw_obj_begin(&w);
	lb_jw_obj_end(&w);
	lb_jw_arr_end(&w);
	lb_jw_obj_end(&w);
	s = out_close(&o, &w, 0);
	assert_string_equal(s, "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    {}\n  ]\n}\n");
	free(s);
}

static void
test_escapes(void **state)
{
	(void)state;
	check_str("plain", 5, "\"plain\"");
	check_str("q\"b\\s/", 6, "\"q\\\"b\\\\s/\"");
	check_str("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
	/* ESC of a colour sequence, BEL, NUL, US, DEL */
	check_str("\x1b[31mred\x07", 9, "\"\\u001b[31mred\\u0007\"");
	check_str("a\0b", 3, "\"a\\u0000b\"");
	check_str("\x1f\x7f", 2, "\"\\u001f\\u007f\"");
	/* C1 controls: U+009B is CSI in some terminals */
	check_str("\xc2\x9b" "2J", 4, "\"\\u009b2J\"");
	/* valid non-ASCII passes through */
	check_str("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* U+2028/2029 end JavaScript lines */
	check_str("\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"");
}

static void
test_bidi(void **state)
{
	(void)state;
	/* "Trojan Source": RLO, LRI..PDI, LRM/RLM, ALM, BOM */
	check_str("a\xe2\x80\xae" "b", 5, "\"a\\u202eb\"");
	check_str("\xe2\x81\xa6\xe2\x81\xa9", 6, "\"\\u2066\\u2069\"");
	check_str("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c\xef\xbb\xbf", 11,
	    "\"\\u200e\\u200f\\u061c\\ufeff\"");
	check_str("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 12,
	    "\"\\u202a\\u202b\\u202c\\u202d\"");
}

static void
test_invalid_utf8(void **state)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} cases[] = {
		{ "a\xff" "b", 3, "\"a\xef\xbf\xbd" "b\"" },                /* never valid */
		{ "\x80", 1, "\"\xef\xbf\xbd\"" },                          /* lone continuation */
		{ "\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },          /* overlong '/' */
		{ "\xe0\x80\xaf", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },   /* surrogate */
		{ "\xf4\x90\x80\x80", 4,
		  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },   /* > U+10FFFF */
		{ "\xe2\x82", 2, "\"\xef\xbf\xbd\"" },                      /* truncated at end */
		{ "\xe2\x82x", 3, "\"\xef\xbf\xbdx\"" },                    /* truncated midway */
		{ "\xf0\x9f\x98", 3, "\"\xef\xbf\xbd\"" },
		{ "\xc3\"", 2, "\"\xef\xbf\xbd\\\"\"" },                    /* quote not swallowed */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = str_doc(cases[i].in, cases[i].n);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got %s", i, got);
		assert_valid_utf8(got);
		free(got);
	}
}

/* Every byte string, however broken, gives JSON that a strict parser reads. */
static void
test_all_bytes(void **state)
{
	char in[512];
	json_error_t err;
	json_t *v;
	char *s;

	(void)state;
	for (int i = 0; i < 256; i++) {
		in[2 * i] = (char)i;
		in[2 * i + 1] = (char)(255 - i);
	}
	s = str_doc(in, sizeof(in));
	assert_valid_utf8(s);
	for (const char *c = s; *c; c++)
		assert_true((unsigned char)*c >= 0x20 && *c != 0x7f);
	v = json_loads(s, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!v)
		fail_msg("jansson: %s", err.text);
	assert_true(json_is_string(v));
	json_decref(v);
	free(s);
}

static void
test_deep_nesting(void **state)
{
	struct lb_jw w;
	struct out o;
	json_error_t err;
	json_t *v;
	char *s;

	(void)state;
	/* as deep as allowed, with a value at the bottom */
	out_open(&o, &w, true);
	for (int i = 0; i < LB_JW_MAX_DEPTH; i++) {
		if (i % 2 == 0) {
			lb_jw_arr_begin(&w);
		} else {
			lb_jw_obj_begin(&w);
			lb_jw_key(&w, "k");
		}
	}
	lb_jw_str(&w, "bottom");
	for (int i = LB_JW_MAX_DEPTH - 1; i >= 0; i--) {
		if (i % 2 == 0)
			lb_jw_arr_end(&w);
		else
			lb_jw_obj_end(&w);
	}
	s = out_close(&o, &w, 0);
	v = json_loads(s, 0, &err);
	if (!v)
		fail_msg("jansson: %s", err.text);
	json_decref(v);
	free(s);

	/* one level more is a sticky limit error, and nothing else is written */
	out_open(&o, &w, false);
	for (int i = 0; i <= LB_JW_MAX_DEPTH; i++)
		lb_jw_arr_begin(&w);
	for (int i = 0; i <= LB_JW_MAX_DEPTH; i++)
		lb_jw_arr_end(&w);
	s = out_close(&o, &w, -LB_E_LIMIT);
	assert_int_equal(strlen(s), LB_JW_MAX_DEPTH);
	free(s);
}

static void
test_misuse(void **state)
{
	struct lb_jw w;
	struct out o;
	char *s;

	(void)state;
	out_open(&o, &w, false);                   /* value without a key */
	lb_jw_obj_begin(&w);
	lb_jw_int(&w, 1);
	lb_jw_obj_end(&w);
	free(out_close(&o, &w, -LB_E_INTERNAL));

	out_open(&o, &w, false);                   /* key in an array */
	lb_jw_arr_begin(&w);
	lb_jw_key(&w, "k");
	free(out_close(&o, &w, -LB_E_INTERNAL));

	out_open(&o, &w, false);                   /* mismatched end */
	lb_jw_arr_begin(&w);
	lb_jw_obj_end(&w);
	free(out_close(&o, &w, -LB_E_INTERNAL));

	out_open(&o, &w, false);                   /* key without a value */
	lb_jw_obj_begin(&w);
	lb_jw_key(&w, "k");
	lb_jw_obj_end(&w);
	free(out_close(&o, &w, -LB_E_INTERNAL));

	out_open(&o, &w, false);                   /* unfinished */
	lb_jw_obj_begin(&w);
	free(out_close(&o, &w, -LB_E_INTERNAL));

	out_open(&o, &w, false);                   /* nothing at all */
	free(out_close(&o, &w, -LB_E_INTERNAL));

	out_open(&o, &w, false);                   /* two top-level values */
	lb_jw_int(&w, 1);
	lb_jw_int(&w, 2);
	s = out_close(&o, &w, -LB_E_INTERNAL);
	assert_string_equal(s, "1");
	free(s);

	out_open(&o, &w, false);                   /* escaped keys */
	lb_jw_obj_begin(&w);
	lb_jw_kstr(&w, "k\"\x1b\xff", "v");
	lb_jw_obj_end(&w);
	s = out_close(&o, &w, 0);
	assert_string_equal(s, "{\"k\\\"\\u001b\xef\xbf\xbd\":\"v\"}");
	free(s);
}

static void
test_write_error(void **state)
{
	struct lb_jw w;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	lb_jw_init(&w, f, false);
	lb_jw_obj_begin(&w);
	lb_jw_kstr(&w, "a", "b");
	lb_jw_obj_end(&w);
	assert_true(lb_jw_finish(&w) < 0);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_all_bytes),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
