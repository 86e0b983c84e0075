/* rep_table.c - the report for people (--format table).
 *
 * Every string that came from an image goes through lb_safe() before it is
 * printed, so control characters, escape sequences, C1 controls, bidi
 * overrides and invalid UTF-8 never reach the terminal (osv-scanner PR
 * #2973: a package name carried "::" workflow commands into CI logs).
 * The only escape sequences written are our own severity colours, and only
 * when the output is a terminal and NO_COLOR is unset or empty
 * (no-color.org); a file or a pipe gets plain text.
 */
#include "report/writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "match/match.h"
#include "policy/policy.h"
#include "base/lb_banned.h"

enum { COL_NAME, COL_VERSION, COL_ARCH, COL_SOURCE, COL_LAYER, NCOLS };

static const char *const col_title[NCOLS] = { "NAME", "VERSION", "ARCH", "SOURCE", "LAYER" };

/* Columns are fitted to their longest cell up to this many characters; a
 * longer cell is printed whole and pushes the rest of its row right, so a
 * hostile 1 MB name costs 1 MB once, not once per row. */
#define MAX_COL_WIDTH 48

/* A sanitised copy of s (never longer than s); "" for NULL. A leading
 * "::" becomes "?:", so that no line can start a GitHub Actions workflow
 * command such as "::add-mask::" (osv-scanner #2973). */
static char *
safe_dup(const char *s)
{
	size_t n = s ? strlen(s) + 1 : 1;
	char *out = lb_xmalloc(n);

	lb_safe(out, n, s ? s : "");
	if (out[0] == ':' && out[1] == ':')
		out[0] = '?';
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
write_row_n(FILE *out, char *const *cell, const size_t *w, int ncols, const char *const *color)
{
	for (int c = 0; c < ncols; c++) {
		size_t cw = width(cell[c]);

		if (color && color[c])
			fprintf(out, "%s%s\033[0m", color[c], cell[c]);
		else
			fputs(cell[c], out);
		if (c + 1 < ncols)
			pad(out, (cw < w[c] ? w[c] - cw : 0) + 2);
	}
	fputc('\n', out);
}

static void
write_row(FILE *out, char *const cell[NCOLS], const size_t w[NCOLS])
{
	write_row_n(out, cell, w, NCOLS, NULL);
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

enum { VC_PKG, VC_ID, VC_SEV, VC_STATUS, VC_INST, VC_FIXED, VC_TITLE, NVCOLS };

static const char *const vcol_title[NVCOLS] = {
	"PACKAGE", "VULNERABILITY", "SEVERITY", "STATUS", "INSTALLED", "FIXED", "TITLE"
};

/* Titles are cut to this many characters; the JSON report has them whole. */
#define MAX_TITLE 60   /* when the width is unknown */

/* LB_SEV_*; a severity the database did not normalise counts as unknown. */
static int
sev_rank(const char *s)
{
	int r = lb_severity_parse(s);

	return r < 0 ? LB_SEV_UNKNOWN : r;
}

/* The severity cell: as counted in the summary, whatever the case or
 * spelling the database used. */
static const char *
sev_name(const char *sev)
{
	static const char *const names[] = {
		[LB_SEV_CRITICAL] = "CRITICAL", [LB_SEV_HIGH] = "HIGH", [LB_SEV_MEDIUM] = "MEDIUM",
		[LB_SEV_LOW] = "LOW", [LB_SEV_UNKNOWN] = "UNKNOWN",
	};

	return names[sev_rank(sev)];
}

/* SGR colour of a severity cell, or NULL for none (color: see table_write). */
static const char *
sev_color(const char *sev, int color)
{
	static const char *const sgr[] = {
		[LB_SEV_CRITICAL] = "\033[1;31m", [LB_SEV_HIGH] = "\033[31m",
		[LB_SEV_MEDIUM] = "\033[33m", [LB_SEV_LOW] = "\033[34m", [LB_SEV_UNKNOWN] = NULL,
	};

	return color ? sgr[sev_rank(sev)] : NULL;
}

/* Cuts a sanitised s to at most max (> 3) code points, the last three of
 * them "..." when something was cut. */
static void
cut(char *s, size_t max)
{
	char *dots = NULL;
	size_t n = 0;

	for (char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) == 0x80)
			continue;
		if (n == max - 3)
			dots = p;
		if (n++ == max) {
			memcpy(dots, "...", 4);   /* 3 code points and more follow dots */
			return;
		}
	}
}

static int
finding_cmp(const void *a, const void *b, void *arg)
{
	const struct lb_inventory *sort_inv = arg;
	const struct lb_finding *x = *(const struct lb_finding *const *)a;
	const struct lb_finding *y = *(const struct lb_finding *const *)b;
	int c = sev_rank(y->severity) - sev_rank(x->severity);

	if (c)
		return c;
	if ((c = strcmp(sort_inv->pkgs[x->pkg].name ? sort_inv->pkgs[x->pkg].name : "",
	    sort_inv->pkgs[y->pkg].name ? sort_inv->pkgs[y->pkg].name : "")))
		return c;
	if ((c = strcmp(x->id, y->id)))
		return c;
	return x < y ? -1 : x > y;     /* the same ID in two packages of one name */
}

/* The width to fit the table to: $COLUMNS when it is a number (set by
 * shells and by users who want a width), else the terminal's when out is
 * one, else 0: titles are then cut at MAX_TITLE as before. */
static size_t
term_width(FILE *out)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;

	if (env && *env) {
		char *end;
		long n = strtol(env, &end, 10);

		if (!*end && n > 0 && n < 100000)
			return (size_t)n;
	}
	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

/* A summary line by severity, then one row per finding, most severe first.
 * With a width (cols > 0), the TITLE column takes what the others leave,
 * but never less than 10 characters; the others are never cut. */
static void
write_vulns(FILE *out, const struct lb_inventory *inv, int color, size_t cols)
{
	size_t count[LB_SEV_CRITICAL + 1] = { 0 }, w[NVCOLS], n = 0;
	const struct lb_finding **order;
	char *(*rows)[NVCOLS];

	order = lb_xcalloc(inv->nfindings + 1, sizeof(*order));
	for (size_t i = 0; i < inv->nfindings; i++) {
		/* the matcher never makes these; a bug must not crash the report */
		if (LB_NEVER(inv->findings[i].pkg >= inv->npkgs || !inv->findings[i].id))
			continue;
		order[n++] = &inv->findings[i];
		count[sev_rank(inv->findings[i].severity)]++;
	}
	fprintf(out, "Vulnerabilities: %zu (CRITICAL: %zu, HIGH: %zu, MEDIUM: %zu, LOW: %zu, "
	    "UNKNOWN: %zu)\n", n, count[LB_SEV_CRITICAL], count[LB_SEV_HIGH], count[LB_SEV_MEDIUM],
	    count[LB_SEV_LOW], count[LB_SEV_UNKNOWN]);
	if (inv->nsuppressed) {
		size_t nvex = 0;

		for (size_t i = 0; i < inv->nsuppressed; i++)
			nvex += inv->suppressed[i].sup_kind && strcmp(inv->suppressed[i].sup_kind, "vex") == 0;
		fprintf(out, "Set aside: %zu (ignore: %zu, vex: %zu)\n", inv->nsuppressed,
		    inv->nsuppressed - nvex, nvex);
	}
	if (n == 0) {
		free(order);
		return;
	}
	fputc('\n', out);
	qsort_r(order, n, sizeof(*order), finding_cmp, (void *)inv);
	rows = lb_xcalloc(n, sizeof(*rows));
	for (int c = 0; c < NVCOLS; c++)
		w[c] = strlen(vcol_title[c]);
	for (size_t i = 0; i < n; i++) {
		const struct lb_finding *f = order[i];

		rows[i][VC_PKG] = safe_dup(inv->pkgs[f->pkg].name);
		rows[i][VC_ID] = safe_dup(f->id);
		rows[i][VC_SEV] = lb_xstrdup(sev_name(f->severity));
		rows[i][VC_STATUS] = safe_dup(lb_vstatus_name(f->status));
		rows[i][VC_INST] = safe_dup(f->installed);
		rows[i][VC_FIXED] = safe_dup(f->fixed);
		rows[i][VC_TITLE] = safe_dup(f->title);
		for (int c = 0; c < NVCOLS; c++) {
			size_t cw = width(rows[i][c]);

			if (!rows[i][c][0]) {
				free(rows[i][c]);
				rows[i][c] = lb_xstrdup("-");
				cw = 1;
			}
			if (cw > w[c])
				w[c] = cw > MAX_COL_WIDTH ? MAX_COL_WIDTH : cw;
		}
	}
	{
		size_t used = 0, max_title = MAX_TITLE;

		for (int c = 0; c < VC_TITLE; c++)
			used += w[c] + 2;
		if (cols)
			max_title = cols > used + 10 ? cols - used : 10;
		for (size_t i = 0; i < n; i++)
			cut(rows[i][VC_TITLE], max_title < 4 ? 4 : max_title);
		if (w[VC_TITLE] > max_title)
			w[VC_TITLE] = max_title;
	}
	write_row_n(out, (char *const *)vcol_title, w, NVCOLS, NULL);
	for (size_t i = 0; i < n; i++) {
		const char *colors[NVCOLS] = { 0 };

		colors[VC_SEV] = sev_color(order[i]->severity, color);
		write_row_n(out, rows[i], w, NVCOLS, colors);
		for (int c = 0; c < NVCOLS; c++)
			free(rows[i][c]);
	}
	free(rows);
	free(order);
}

/* --scanners malware: one row per finding, in the order the scanner sorted them */
#define NMCOLS 7
static void
write_malware(FILE *out, const struct lb_inventory *inv, int color)
{
	static const char *const title[NMCOLS] = {
		"SEVERITY", "KIND", "ENGINE", "SIGNATURE", "PATH", "LAYER", "HIDDEN BY",
	};
	char *(*cells)[NMCOLS];
	size_t w[NMCOLS];

	if (!inv->nmalware) {
		fputs("Malware: none found\n", out);
		return;
	}
	fprintf(out, "Malware and tampering: %zu finding%s\n", inv->nmalware, inv->nmalware == 1 ? "" : "s");
	cells = lb_xcalloc(inv->nmalware, sizeof(*cells));
	for (int c = 0; c < NMCOLS; c++)
		w[c] = strlen(title[c]);
	for (size_t i = 0; i < inv->nmalware; i++) {
		const struct lb_malware_finding *m = &inv->malware[i];
		cells[i][0] = safe_dup(sev_name(m->severity));
		cells[i][1] = safe_dup(m->kind);
		cells[i][2] = safe_dup(m->engine);
		cells[i][3] = safe_dup(m->signature);
		cells[i][4] = safe_dup(m->path);
		cells[i][5] = m->layer >= 0 ? lb_xasprintf("%d", m->layer) : lb_xstrdup("-");
		cells[i][6] = m->hidden_by >= 0 ? lb_xasprintf("%d", m->hidden_by) : lb_xstrdup("-");
		for (int c = 0; c < NMCOLS; c++) {
			size_t cw = width(cells[i][c]);
			if (cw > w[c])
				w[c] = cw > MAX_COL_WIDTH && c != 4 ? MAX_COL_WIDTH : cw;
		}
	}
	{
		char *hdr[NMCOLS];
		for (int c = 0; c < NMCOLS; c++)
			hdr[c] = (char *)title[c];
		write_row_n(out, hdr, w, NMCOLS, NULL);
	}
	for (size_t i = 0; i < inv->nmalware; i++) {
		const char *colors[NMCOLS] = { sev_color(inv->malware[i].severity, color) };
		write_row_n(out, cells[i], w, NMCOLS, colors[0] ? colors : NULL);
		for (int c = 0; c < NMCOLS; c++)
			free(cells[i][c]);
	}
	free(cells);
}

static void
write_result(FILE *out, const struct lb_inventory *inv, int with_packages, int color, size_t cols)
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
	if (inv->vulns_scanned) {
		write_vulns(out, inv, color, cols);
		if (with_packages) {
			fputc('\n', out);
			write_packages(out, inv);
		}
	} else {
		write_packages(out, inv);
	}
	if (inv->malware_scanned) {
		fputc('\n', out);
		write_malware(out, inv, color);
	}
	if (inv->nwarnings) {
		fputs("\nWarnings:\n", out);
		for (size_t i = 0; i < inv->nwarnings; i++) {
			s = safe_dup(inv->warnings[i]);
			fprintf(out, "  - %s\n", s);
			free(s);
		}
	}
}

/* The exceptions that did not apply: stale (matched nothing) and expired. */
static void
write_exceptions(FILE *out, const struct lb_policy *pol)
{
	size_t n, shown = 0;
	const struct lb_policy_rule *rules = lb_policy_rules(pol, &n);

	for (size_t i = 0; i < n; i++) {
		const char *state = lb_policy_rule_state(&rules[i]);
		char *id, *where;

		if (strcmp(state, "stale") != 0 && strcmp(state, "expired") != 0)
			continue;
		if (shown++ == 0)
			fputs("\nExceptions that did not apply:\n", out);
		id = safe_dup(rules[i].id);
		where = safe_dup(rules[i].where);
		fprintf(out, "  %-8s %s  %s\n", state, id, where);
		free(id);
		free(where);
	}
	/* and those that apply but will not for long */
	shown = 0;
	for (size_t i = 0; i < n; i++) {
		long left = lb_policy_days_left(pol, &rules[i]);
		char *id, *where;

		if (rules[i].expired || left > LB_POLICY_EXPIRING_DAYS)
			continue;
		if (shown++ == 0)
			fprintf(out, "\nExceptions expiring within %d days:\n", LB_POLICY_EXPIRING_DAYS);
		id = safe_dup(rules[i].id);
		where = safe_dup(rules[i].where);
		fprintf(out, "  %s  %s  expires %s (in %ld day%s)\n", id, where, rules[i].expires, left,
		    left == 1 ? "" : "s");
		free(id);
		free(where);
	}
}

static int
table_write(struct lb_ctx *cx, const struct lb_report *rep, FILE *out)
{
	const char *no_color = getenv("NO_COLOR");
	int color = isatty(fileno(out)) && !(no_color && no_color[0]);
	size_t n = 0;

	(void)cx;
	for (size_t i = 0; i < rep->nresults; i++) {
		if (!rep->results[i])
			continue;
		if (n++ > 0)
			fputc('\n', out);
		write_result(out, rep->results[i], rep->with_packages, color, term_width(out));
	}
	if (n == 0)
		fputs("(no images scanned)\n", out);
	write_exceptions(out, rep->policy);
	errno = 0;
	if (fflush(out) != 0 || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}

const struct lb_writer_ops lb_writer_table = {
	.name = "table",
	.write = table_write,
};
