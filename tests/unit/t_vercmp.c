/* t_vercmp.c - the version comparators against the tables in
 * tests/data/version/<ecosystem>.txt (answers from the ecosystems' own
 * tools), the large shared version lists, and the order laws. */
#include "lbtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "version/vercmp.h"

struct vt_case {
	struct lb_slice a, b;
	char op;                     /* < = > ! */
	int line;
};

struct vt_table {
	struct vt_case *c;
	size_t n, cap;
	char *text;                  /* the file; unquoted versions point into it */
	char **owned;                /* decoded quoted versions */
	size_t nowned;
};

/* The table files are named by ecosystem, the shared lists by OSV's names. */
static const struct {
	const char *eco, *shared;
} ecosystems[] = {
	{ "deb", "debian" }, { "rpm", NULL }, { "apk", "alpine" }, { "pypi", "pypi" },
	{ "npm", NULL }, { "cargo", NULL }, { "golang", NULL }, { "gem", "rubygems" },
	{ "maven", "maven" }, { "nuget", NULL }, { "composer", "packagist" },
};

#define NECO (sizeof(ecosystems) / sizeof(ecosystems[0]))

static void
table_free(struct vt_table *t)
{
	for (size_t i = 0; i < t->nowned; i++)
		free(t->owned[i]);
	free(t->owned);
	free(t->c);
	free(t->text);
	memset(t, 0, sizeof(*t));
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One token at *p: a bare run of non-blanks, or "..." with C escapes. */
static bool
next_token(struct vt_table *t, char **p, struct lb_slice *tok)
{
	char *s = *p;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return false;
	if (*s == '"') {
		char *out = lb_xmalloc(strlen(s) + 1);
		size_t n = 0;

		for (s++; *s && *s != '"'; s++) {
			if (*s != '\\') {
				out[n++] = *s;
				continue;
			}
			s++;
			switch (*s) {
			case 't': out[n++] = '\t'; break;
			case 'n': out[n++] = '\n'; break;
			case 'x':
				assert_true(hexval(s[1]) >= 0 && hexval(s[2]) >= 0);
				out[n++] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
				s += 2;
				break;
			default: out[n++] = *s; break;
			}
		}
		assert_true(*s == '"');
		t->owned = lb_xrealloc(t->owned, (t->nowned + 1) * sizeof(*t->owned));
		t->owned[t->nowned++] = out;
		*tok = lb_slice_make(out, n);
		*p = s + 1;
		return true;
	}
	tok->p = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	tok->len = (size_t)(s - tok->p);
	*p = s;
	return true;
}

/* Reads "A OP B  # comment" lines; with strict, any other line fails. */
static void
table_load(struct vt_table *t, const char *path, bool strict)
{
	char *line, *next;
	int lineno = 0;

	memset(t, 0, sizeof(*t));
	t->text = lbt_slurp(path, NULL);
	for (line = t->text; line && *line; line = next) {
		struct lb_slice tok[3], extra;
		char *p = line;
		int n = 0;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "//", 2))
			continue;
		while (n < 3 && next_token(t, &p, &tok[n]))
			n++;
		if (n == 0)
			continue;
		if (n != 3 || tok[1].len != 1 || !strchr("<=>!", tok[1].p[0]) ||
		    next_token(t, &p, &extra)) {
			if (strict)
				fail_msg("%s:%d: not \"A OP B\": %s", path, lineno, line);
			continue;
		}
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 256;
			t->c = lb_xrealloc(t->c, t->cap * sizeof(*t->c));
		}
		t->c[t->n++] = (struct vt_case){ tok[0], tok[2], tok[1].p[0], lineno };
	}
}

static char
order(const struct lb_vercmp_ops *ops, struct lb_slice a, struct lb_slice b)
{
	return lb_vercmp_char(ops, a, b);
}

static char
reverse(char op)
{
	return op == '<' ? '>' : op == '>' ? '<' : op;
}

static bool
slice_same(struct lb_slice a, struct lb_slice b)
{
	return a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len));
}

static int
report(int *fails, const char *eco, int line, struct lb_slice a, char want, struct lb_slice b,
    char got, const char *what)
{
	if (++*fails <= 40)
		print_message("%s.txt:%d: '%.*s' %c '%.*s' expected, got %c%s\n", eco, line,
		    (int)a.len, a.p, want, (int)b.len, b.p, got, what);
	return 0;
}

/* Every line, both ways round; each valid version equals itself. */
static void
test_tables(void **state)
{
	int fails = 0, cases = 0;

	(void)state;
	for (size_t e = 0; e < NECO; e++) {
		const struct lb_vercmp_ops *ops = lb_vercmp_find(ecosystems[e].eco);
		char rel[64];
		struct vt_table t;

		assert_non_null(ops);
		snprintf(rel, sizeof(rel), "tests/data/version/%s.txt", ecosystems[e].eco);
		table_load(&t, lbt_src(rel), true);
		assert_true(t.n > 20);
		for (size_t i = 0; i < t.n; i++) {
			const struct vt_case *c = &t.c[i];
			char got = order(ops, c->a, c->b);

			cases++;
			if (got != c->op)
				report(&fails, ecosystems[e].eco, c->line, c->a, c->op, c->b, got, "");
			got = order(ops, c->b, c->a);
			if (got != reverse(c->op))
				report(&fails, ecosystems[e].eco, c->line, c->b, reverse(c->op), c->a, got,
				    " (swapped)");
			if (c->op != '!' && (order(ops, c->a, c->a) != '=' || order(ops, c->b, c->b) != '='))
				report(&fails, ecosystems[e].eco, c->line, c->a, '=', c->a, '?', " (itself)");
		}
		table_free(&t);
	}
	print_message("%d table cases\n", cases);
	assert_int_equal(fails, 0);
}

/* The large shared lists (sorted release histories of real packages),
 * less the pairs that the tables answer otherwise. */
static void
test_shared_lists(void **state)
{
	int fails = 0, cases = 0;

	(void)state;
	LBT_NEED_TESTDATA();
	for (size_t e = 0; e < NECO; e++) {
		const struct lb_vercmp_ops *ops = lb_vercmp_find(ecosystems[e].eco);
		struct vt_table t, own;
		char rel[128];

		if (!ecosystems[e].shared)
			continue;
		snprintf(rel, sizeof(rel), "versions/scalibr-semantic/%s-versions-generated.txt",
		    ecosystems[e].shared);
		table_load(&t, lbt_testdata(rel), false);
		snprintf(rel, sizeof(rel), "tests/data/version/%s.txt", ecosystems[e].eco);
		table_load(&own, lbt_src(rel), true);
		for (size_t i = 0; i < t.n; i++) {
			const struct vt_case *c = &t.c[i];
			bool overridden = false;
			char got;

			for (size_t k = 0; k < own.n && !overridden; k++)
				overridden = (slice_same(own.c[k].a, c->a) && slice_same(own.c[k].b, c->b)) ||
				    (slice_same(own.c[k].a, c->b) && slice_same(own.c[k].b, c->a));
			if (overridden)
				continue;
			cases++;
			got = order(ops, c->a, c->b);
			if (got != c->op)
				report(&fails, ecosystems[e].shared, c->line, c->a, c->op, c->b, got,
				    " (shared list)");
		}
		table_free(&own);
		table_free(&t);
	}
	print_message("%d shared cases\n", cases);
	assert_true(cases > 50000);
	assert_int_equal(fails, 0);
}

static const struct lb_vercmp_ops *sort_ops;

static int
sort_cmp(const void *x, const void *y)
{
	return sort_ops->compare(*(const struct lb_slice *)x, *(const struct lb_slice *)y);
}

/* The order is a total preorder: once sorted, every pair agrees with its
 * place (transitivity), and compare(a, b) = -compare(b, a). */
static void
test_total_order(void **state)
{
	int fails = 0;

	(void)state;
	for (size_t e = 0; e < NECO; e++) {
		const struct lb_vercmp_ops *ops = lb_vercmp_find(ecosystems[e].eco);
		struct lb_slice *v;
		struct vt_table t;
		size_t n = 0;
		char rel[64];

		snprintf(rel, sizeof(rel), "tests/data/version/%s.txt", ecosystems[e].eco);
		table_load(&t, lbt_src(rel), true);
		v = lb_xmalloc(2 * t.n * sizeof(*v));
		for (size_t i = 0; i < t.n; i++) {
			if (ops->validate(t.c[i].a) == 0)
				v[n++] = t.c[i].a;
			if (ops->validate(t.c[i].b) == 0)
				v[n++] = t.c[i].b;
		}
		sort_ops = ops;
		qsort(v, n, sizeof(*v), sort_cmp);
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++) {
				int r = ops->compare(v[i], v[j]), s = ops->compare(v[j], v[i]);

				if (r > 0 || (r < 0) != (s > 0) || (r == 0) != (s == 0)) {
					if (++fails <= 20)
						print_message("%s: '%.*s' sorted before '%.*s' but compares %d/%d\n",
						    ecosystems[e].eco, (int)v[i].len, v[i].p, (int)v[j].len, v[j].p,
						    r, s);
				}
			}
		free(v);
		table_free(&t);
	}
	assert_int_equal(fails, 0);
}

static void
test_find(void **state)
{
	static const struct {
		const char *name, *eco;
	} names[] = {
		{ "deb", "deb" }, { "Debian:12", "deb" }, { "Ubuntu:22.04:LTS", "deb" },
		{ "rpm", "rpm" }, { "Red Hat", "rpm" }, { "AlmaLinux:9", "rpm" },
		{ "apk", "apk" }, { "Alpine:v3.18", "apk" }, { "Wolfi", "apk" },
		{ "pypi", "pypi" }, { "PyPI", "pypi" }, { "python", "pypi" },
		{ "npm", "npm" }, { "cargo", "cargo" }, { "crates.io", "cargo" },
		{ "golang", "golang" }, { "Go", "golang" }, { "gem", "gem" },
		{ "RubyGems", "gem" }, { "maven", "maven" }, { "Maven", "maven" },
		{ "nuget", "nuget" }, { "NuGet", "nuget" }, { "composer", "composer" },
		{ "Packagist", "composer" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct lb_vercmp_ops *ops = lb_vercmp_find(names[i].name);

		assert_non_null(ops);
		assert_string_equal(ops->ecosystem, names[i].eco);
	}
	assert_null(lb_vercmp_find(NULL));
	assert_null(lb_vercmp_find(""));
	assert_null(lb_vercmp_find("hackage"));
	assert_null(lb_vercmp_find("debi"));
	assert_null(lb_vercmp_find("debian2"));
	assert_int_equal(lb_vercmp_count(), NECO);
	for (size_t i = 0; i < NECO; i++) {
		assert_non_null(lb_vercmp_at(i));
		assert_ptr_equal(lb_vercmp_at(i), lb_vercmp_find(lb_vercmp_at(i)->ecosystem));
	}
	assert_null(lb_vercmp_at(NECO));
}

static void
test_api(void **state)
{
	int cmp = 7;

	(void)state;
	assert_int_equal(lb_vercmp("deb", "1.0", "1.1", &cmp), 0);
	assert_int_equal(cmp, -1);
	assert_int_equal(lb_vercmp("deb", "1:0.1", "1.1", &cmp), 0);
	assert_int_equal(cmp, 1);
	assert_int_equal(lb_vercmp("Debian:12", "1.0-1", "1.0-01", &cmp), 0);
	assert_int_equal(cmp, 0);
	assert_int_equal(lb_vercmp("pypi", "1.0", "banana", &cmp), -LB_E_FORMAT);
	assert_int_equal(cmp, 0);
	assert_int_equal(lb_vercmp("pypi", NULL, "1.0", &cmp), -LB_E_FORMAT);
	assert_int_equal(lb_vercmp("hackage", "1.0", "1.0", &cmp), -LB_E_UNSUPPORTED);
	assert_int_equal(lb_vercmp(NULL, "1.0", "1.0", &cmp), -LB_E_UNSUPPORTED);

	assert_int_equal(lb_vercmp_digits(lb_slice_str("007"), lb_slice_str("7")), 0);
	assert_int_equal(lb_vercmp_digits(lb_slice_str(""), lb_slice_str("000")), 0);
	assert_int_equal(lb_vercmp_digits(lb_slice_str("10"), lb_slice_str("9")), 1);
	assert_int_equal(lb_vercmp_digits(lb_slice_str("99999999999999999999999"),
	    lb_slice_str("100000000000000000000000")), -1);
	assert_int_equal(lb_vercmp_digits(lb_slice_str("12"), lb_slice_str("13")), -1);
}

/* Slices, not strings: no comparator reads past the end or needs a NUL,
 * and a NUL inside never makes two different versions equal. */
static void
test_slices(void **state)
{
	(void)state;
	for (size_t e = 0; e < NECO; e++) {
		const struct lb_vercmp_ops *ops = lb_vercmp_at(e);
		char *buf = lb_xmalloc(16);
		char *a = lb_xmalloc(3), *b = lb_xmalloc(5);

		/* exact-size heap copies: ASan catches a read past the end */
		memcpy(a, "1.0", 3);
		memcpy(b, "1.0.1", 5);
		if (ops->validate(lb_slice_make(a, 3)) == 0) {
			assert_int_equal(ops->validate(lb_slice_make(b, 5)), 0);
			assert_true(ops->compare(lb_slice_make(a, 3), lb_slice_make(b, 5)) < 0);
			/* "1.0" with the ".1" cut off by the slice */
			assert_int_equal(ops->compare(lb_slice_make(b, 3), lb_slice_make(a, 3)), 0);
		}
		memcpy(buf, "1.0\0001.0", 7);
		assert_int_equal(ops->validate(lb_slice_make(buf, 7)), -LB_E_FORMAT);
		/* only RubyGems takes "" (as "0") */
		assert_int_equal(ops->validate(lb_slice_make(buf, 0)),
		    strcmp(ops->ecosystem, "gem") ? -LB_E_FORMAT : 0);
		free(a);
		free(b);
		free(buf);
	}
}

/* Long versions stay linear and bounded: no deep recursion, and maven's
 * heap fallback for versions longer than its stack buffers. */
static void
test_long(void **state)
{
	size_t n = 200000, i;
	char *a = lb_xmalloc(n), *b = lb_xmalloc(n);

	(void)state;
	for (i = 0; i < n; i += 2) {
		a[i] = b[i] = (char)('1' + (i / 2) % 9);
		a[i + 1] = b[i + 1] = '.';
	}
	a[n - 1] = b[n - 1] = '7';
	b[n - 1] = '8';
	for (size_t e = 0; e < NECO; e++) {
		const struct lb_vercmp_ops *ops = lb_vercmp_at(e);
		struct lb_slice sa = lb_slice_make(a, n), sb = lb_slice_make(b, n);

		if (ops->validate(sa) < 0 || ops->validate(sb) < 0)
			continue;
		assert_true(ops->compare(sa, sb) < 0);
		assert_true(ops->compare(sb, sa) > 0);
		assert_int_equal(ops->compare(sa, sa), 0);
	}
	/* maven just past its stack buffers, with every kind of item */
	{
		const char *v = "1.0-alpha-1.2.3-SNAPSHOT-rc1-a1-b2-m3-sp.4.5.6.7.8.9.10-final-ga-x";
		const char *w = "1.0-alpha-1.2.3-SNAPSHOT-rc1-a1-b2-m3-sp.4.5.6.7.8.9.10-final-ga-y";

		assert_true(strlen(v) > 62);
		assert_true(lb_vc_maven_ops.compare(lb_slice_str(v), lb_slice_str(w)) < 0);
		assert_int_equal(lb_vc_maven_ops.compare(lb_slice_str(v), lb_slice_str(v)), 0);
	}
	free(a);
	free(b);
}

/* The `lifebelt version compare ECO -` protocol. */
static void
test_stream(void **state)
{
	static const char in[] = "1.0\t1.1\n1:1.0\t2.0\r\n1.0-1\t1.0-01\n\t1.0\nabc def\t1\n1.0";
	char *got = NULL;
	size_t len = 0;
	FILE *fin, *fout;

	(void)state;
	fin = fmemopen((void *)in, sizeof(in) - 1, "r");
	fout = open_memstream(&got, &len);
	assert_non_null(fin);
	assert_non_null(fout);
	assert_int_equal(lb_vercmp_stream(&lb_vc_deb_ops, fin, fout), 0);
	fclose(fout);
	fclose(fin);
	assert_string_equal(got, "<\n>\n=\n!\n!\n!\n");
	free(got);
	/* a lone version is '!' even where "" is valid (RubyGems) */
	fin = fmemopen((void *)"1.0\n1.0\t\n", 9, "r");
	fout = open_memstream(&got, &len);
	assert_int_equal(lb_vercmp_stream(&lb_vc_gem_ops, fin, fout), 0);
	fclose(fout);
	fclose(fin);
	assert_string_equal(got, "!\n>\n");
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_shared_lists),
		cmocka_unit_test(test_total_order),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_api),
		cmocka_unit_test(test_slices),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
