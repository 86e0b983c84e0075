/* vulndb-time.c - times lb_vulndb_open and lb_match_inventory directly
 * (bench/vulndb.sh builds and runs it against build/release/liblbcore.a).
 *
 *   vulndb-time DB PKGLIST [RUNS [DUMP]]
 *
 * PKGLIST is text: a first line "os FAMILY VERSION_ID CODENAME|-", then one
 * package a line: "TYPE NAME VERSION SRCNAME|- SRCVERSION|-". Prints the
 * fastest and the median of RUNS (default 15) timings of each step, in
 * milliseconds, and the number of findings:
 *
 *   open_ms_min open_ms_median match_ms_min match_ms_median packages findings
 *   match_cpu_ms_median
 *
 * (CPU time as well as elapsed time: on a loaded machine the elapsed time
 * also counts the time other processes held the cores.)
 *
 * With DUMP, the findings of the last run are written to that file, one a
 * line ("package id installed fixed status severity source url"), so that
 * two builds can be checked to find the same.
 *
 * Each open is followed by a close; each match runs on a freshly built
 * inventory (building it is not timed). The first open of a run is timed
 * like the others: run it twice to see a cold page cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_ctx.h"
#include "match/match.h"
#include "vulndb/vulndb.h"

struct line {
	char *type, *name, *version, *src, *srcver;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static char *
dash_null(const char *s)
{
	return strcmp(s, "-") == 0 ? NULL : lb_xstrdup(s);
}

static struct lb_inventory *
make_inventory(const char *os[3], const struct line *l, size_t n)
{
	struct lb_inventory *inv = lb_inventory_new();

	inv->os.family = lb_xstrdup(os[0]);
	inv->os.version = lb_xstrdup(os[1]);
	inv->os.version_id = lb_xstrdup(os[1]);
	inv->os.codename = dash_null(os[2]);
	for (size_t i = 0; i < n; i++) {
		struct lb_pkg *p = lb_inventory_add_pkg(inv);
		p->type = lb_xstrdup(l[i].type);
		p->name = lb_xstrdup(l[i].name);
		p->version = lb_xstrdup(l[i].version);
		p->src_name = dash_null(l[i].src);
		p->src_version = dash_null(l[i].srcver);
		p->layer = 0;
	}
	return inv;
}

static int
dump_findings(const char *path, const struct lb_inventory *inv)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	for (size_t i = 0; i < inv->nfindings; i++) {
		const struct lb_finding *x = &inv->findings[i];
		fprintf(f, "%s %s %s %s %d %s %s %s\n", inv->pkgs[x->pkg].name, x->id, x->installed,
		    x->fixed ? x->fixed : "-", x->status, x->severity ? x->severity : "-",
		    x->source ? x->source : "-", x->url ? x->url : "-");
	}
	return fclose(f) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	char os_family[64], os_ver[64], os_code[64], buf[4096];
	const char *os[3] = { os_family, os_ver, os_code };
	struct line *lines = NULL;
	size_t n = 0, cap = 0, nfind = 0;
	int runs = argc > 3 ? atoi(argv[3]) : 15;
	double *topen, *tmatch, *tcpu;
	struct lb_ctx cx;
	FILE *f;
	const char *dump = argc > 4 ? argv[4] : NULL;

	if (argc < 3 || runs < 1) {
		fprintf(stderr, "usage: vulndb-time DB PKGLIST [RUNS]\n");
		return 64;
	}
	if (!(f = fopen(argv[2], "r")) || !fgets(buf, sizeof(buf), f) ||
	    sscanf(buf, "os %63s %63s %63s", os_family, os_ver, os_code) != 3) {
		fprintf(stderr, "vulndb-time: cannot read the os line of '%s'\n", argv[2]);
		return 66;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char t[64], nm[512], v[512], s[512], sv[512];
		if (sscanf(buf, "%63s %511s %511s %511s %511s", t, nm, v, s, sv) != 5)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			lines = realloc(lines, cap * sizeof(*lines));
			if (!lines)
				return 70;
		}
		lines[n++] = (struct line){ lb_xstrdup(t), lb_xstrdup(nm), lb_xstrdup(v), lb_xstrdup(s), lb_xstrdup(sv) };
	}
	fclose(f);

	lb_ctx_init(&cx, stderr);
	cx.verbosity = LB_LOG_ERROR;       /* version warnings would cost printing time */
	topen = calloc((size_t)runs, sizeof(*topen));
	tmatch = calloc((size_t)runs, sizeof(*tmatch));
	tcpu = calloc((size_t)runs, sizeof(*tcpu));
	for (int i = 0; i < runs; i++) {
		struct lb_vulndb *db = NULL;
		struct lb_inventory *inv = make_inventory(os, lines, n);
		double t0 = now_ms(), t1, t2, c1, c2;
		if (lb_vulndb_open(&cx, argv[1], &db) < 0) {
			fprintf(stderr, "vulndb-time: cannot open '%s'\n", argv[1]);
			return 66;
		}
		t1 = now_ms();
		c1 = cpu_ms();
		if (lb_match_inventory(&cx, db, inv) < 0) {
			fprintf(stderr, "vulndb-time: matching failed\n");
			return 70;
		}
		t2 = now_ms();
		c2 = cpu_ms();
		lb_vulndb_close(db);
		tcpu[i] = c2 - c1;
		topen[i] = t1 - t0;
		tmatch[i] = t2 - t1;
		nfind = inv->nfindings;
		if (dump && i == runs - 1 && dump_findings(dump, inv) < 0) {
			fprintf(stderr, "vulndb-time: cannot write '%s'\n", dump);
			return 73;
		}
		lb_inventory_free(inv);
	}
	qsort(topen, (size_t)runs, sizeof(*topen), cmp_double);
	qsort(tmatch, (size_t)runs, sizeof(*tmatch), cmp_double);
	qsort(tcpu, (size_t)runs, sizeof(*tcpu), cmp_double);
	printf("%.2f %.2f %.2f %.2f %zu %zu %.2f\n", topen[0], topen[runs / 2], tmatch[0], tmatch[runs / 2], n, nfind,
	    tcpu[runs / 2]);
	for (size_t i = 0; i < n; i++) {
		free(lines[i].type);
		free(lines[i].name);
		free(lines[i].version);
		free(lines[i].src);
		free(lines[i].srcver);
	}
	free(lines);
	free(topen);
	free(tmatch);
	free(tcpu);
	lb_ctx_release(&cx);
	return 0;
}
