/* rep_table.c - the report for people (--format table).
 *
 * Every string that came from an image goes through lb_safe() before it is
 * printed, so control characters, escape sequences, C1 controls, bidi
 * overrides and invalid UTF-8 never reach the terminal (osv-scanner PR
 * #2973: a package name carried "::" workflow commands into CI logs).
 * No colour yet; when some is added it must honour NO_COLOR and cx->color.
 */
#include "report/writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_banned.h"

enum { COL_NAME, COL_VERSION, COL_ARCH, COL_SOURCE, COL_LAYER, NCOLS };

static const char *const col_title[NCOLS] = { "NAME", "VERSION", "ARCH", "SOURCE", "LAYER" };

/* Columns are fitted to their longest cell up to this many characters; a
 * longer cell is printed whole and pushes the rest of its row right, so a
 * hostile 1 MB name costs 1 MB once, not once per row. */
#define MAX_COL_WIDTH 48

/* A sanitised copy of s (never longer than s); "" for NULL. */
static char *
safe_dup(const char *s)
{
	size_t n = s ? strlen(s) + 1 : 1;
	char *out = lb_xmalloc(n);

	lb_safe(out, n, s ? s : "");
	return out;
}

/* Terminal columns of a sanitised string: one per code point. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void
pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

/* Prints "label value" with value sanitised; "-" when value is empty. */
static void
field(FILE *out, const char *label, const char *value)
{
	char *v = safe_dup(value);

	fprintf(out, "%-10s %s\n", label, v[0] ? v : "-");
	free(v);
}

static void
write_row(FILE *out, char *const cell[NCOLS], const size_t w[NCOLS])
{
	for (int c = 0; c < NCOLS; c++) {
		size_t cw = width(cell[c]);

		fputs(cell[c], out);
		if (c + 1 < NCOLS)
			pad(out, (cw < w[c] ? w[c] - cw : 0) + 2);
	}
	fputc('\n', out);
}

static char *
source_cell(const struct lb_pkg *p)
{
	char *raw, *safe;

	if (!p->src_name && !p->src_version)
		return lb_xstrdup("");
	if (p->src_version)
		raw = lb_xasprintf("%s %s", p->src_name ? p->src_name : p->name ? p->name : "",
		    p->src_version);
	else
		raw = lb_xstrdup(p->src_name);
	safe = safe_dup(raw);
	free(raw);
	return safe;
}

static void
write_packages(FILE *out, const struct lb_inventory *inv)
{
	char *(*rows)[NCOLS] = NULL;
	size_t w[NCOLS];

	if (inv->npkgs == 0) {
		fputs("(no packages found)\n", out);
		return;
	}
	rows = lb_xcalloc(inv->npkgs, sizeof(*rows));
	for (int c = 0; c < NCOLS; c++)
		w[c] = strlen(col_title[c]);
	for (size_t i = 0; i < inv->npkgs; i++) {
		const struct lb_pkg *p = &inv->pkgs[i];

		rows[i][COL_NAME] = safe_dup(p->name);
		rows[i][COL_VERSION] = safe_dup(p->version);
		rows[i][COL_ARCH] = safe_dup(p->arch);
		rows[i][COL_SOURCE] = source_cell(p);
		if (p->layer >= 0)
			rows[i][COL_LAYER] = lb_xasprintf("#%d", p->layer);
		else
			rows[i][COL_LAYER] = lb_xstrdup("-");
		for (int c = 0; c < NCOLS; c++) {
			size_t cw = width(rows[i][c]);

			if (cw > w[c])
				w[c] = cw > MAX_COL_WIDTH ? MAX_COL_WIDTH : cw;
		}
	}
	write_row(out, (char *const *)col_title, w);
	for (size_t i = 0; i < inv->npkgs; i++) {
		for (int c = 0; c < NCOLS; c++)
			if (!rows[i][c][0]) {
				free(rows[i][c]);
				rows[i][c] = lb_xstrdup("-");
			}
		write_row(out, rows[i], w);
	}
	for (size_t i = 0; i < inv->npkgs; i++)
		for (int c = 0; c < NCOLS; c++)
			free(rows[i][c]);
	free(rows);
}

static void
write_result(FILE *out, const struct lb_inventory *inv)
{
	const struct lb_os *os = &inv->os;
	char *s, *kind;

	field(out, "Image:", inv->ref ? inv->ref : inv->image_id);
	kind = safe_dup(inv->source_kind);
	s = safe_dup(inv->source);
	if (kind[0])
		fprintf(out, "%-10s %s (%s)\n", "Input:", s[0] ? s : "-", kind);
	else
		fprintf(out, "%-10s %s\n", "Input:", s[0] ? s : "-");
	free(s);
	free(kind);
	field(out, "Platform:", inv->platform);
	if (os->family && os->family[0]) {
		const char *ver = os->version ? os->version : os->version_id;

		s = ver ? lb_xasprintf("%s (%s)", os->name ? os->name : os->family, ver)
		    : lb_xstrdup(os->name ? os->name : os->family);
		field(out, "OS:", s);
		free(s);
	} else {
		field(out, "OS:", "unknown");
	}
	fprintf(out, "%-10s %zu\n", "Packages:", inv->npkgs);
	if (inv->partial)
		fprintf(out, "%-10s PARTIAL: %zu warning%s, the results may be incomplete\n",
		    "Status:", inv->nwarnings, inv->nwarnings == 1 ? "" : "s");
	fputc('\n', out);
	write_packages(out, inv);
	if (inv->nwarnings) {
		fputs("\nWarnings:\n", out);
		for (size_t i = 0; i < inv->nwarnings; i++) {
			s = safe_dup(inv->warnings[i]);
			fprintf(out, "  - %s\n", s);
			free(s);
		}
	}
}

static int
table_write(struct lb_ctx *cx, const struct lb_report *rep, FILE *out)
{
	size_t n = 0;

	(void)cx;
	for (size_t i = 0; i < rep->nresults; i++) {
		if (!rep->results[i])
			continue;
		if (n++ > 0)
			fputc('\n', out);
		write_result(out, rep->results[i]);
	}
	if (n == 0)
		fputs("(no images scanned)\n", out);
	errno = 0;
	if (fflush(out) != 0 || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}

const struct lb_writer_ops lb_writer_table = {
	.name = "table",
	.write = table_write,
};
