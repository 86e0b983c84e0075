/* rpmdb-time.c - times the rpm analyzer's streaming pass on one database
 * file, as the layer walker runs it (bench/rpmdb.sh builds it against
 * build/release/liblbcore.a).
 *
 *   rpmdb-time FILE DBPATH [RUNS]
 *
 * DBPATH is the path the file has in the image ("var/lib/rpm/Packages").
 * The file is read into memory first (not timed), then streamed through
 * the analyzer RUNS times (default 15) with a scratch folder under $TMPDIR.
 * Prints the fastest and the median elapsed and CPU times in milliseconds,
 * the packages found and the files listed:
 *
 *   ms_min ms_median cpu_ms_median packages files
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "base/lb_buf.h"
#include "base/lb_ctx.h"
#include "io/istream.h"

static double
now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	const struct lb_analyzer_ops *rpm = NULL;
	struct lb_buf b = LB_BUF_INIT(1u << 30);
	int runs = argc > 3 ? atoi(argv[3]) : 15;
	double *el, *cpu;
	size_t npkgs = 0, nfiles = 0;
	char scratch[] = "/tmp/rpmdb-time.XXXXXX";

	if (argc < 3 || runs < 1) {
		fprintf(stderr, "usage: rpmdb-time FILE DBPATH [RUNS]\n");
		return 2;
	}
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, "rpm") == 0)
			rpm = lb_analyzers[i];
	if (!rpm || lb_buf_read_at(&b, -100, argv[1]) < 0 || !mkdtemp(scratch)) {
		fprintf(stderr, "rpmdb-time: cannot read '%s'\n", argv[1]);
		return 1;
	}
	el = calloc((size_t)runs, sizeof(*el));
	cpu = calloc((size_t)runs, sizeof(*cpu));
	for (int r = 0; r < runs; r++) {
		struct lb_inventory *inv = lb_inventory_new();
		struct lb_istream *is = lb_is_mem(b.p, b.len);
		struct lb_file f = { .path = argv[2], .real_size = b.len, .mode = 0644 };
		struct lb_ctx cx;
		double t0, c0;

		lb_ctx_init(&cx, stderr);
		cx.scratch = scratch;
		t0 = now(CLOCK_MONOTONIC);
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		rpm->scan_file(&cx, &f, is, inv);
		el[r] = now(CLOCK_MONOTONIC) - t0;
		cpu[r] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
		npkgs = inv->npkgs;
		nfiles = 0;
		for (size_t i = 0; i < inv->npkgs; i++)
			nfiles += inv->pkgs[i].nfiles;
		lb_is_close(is);
		lb_inventory_free(inv);
		lb_ctx_release(&cx);
	}
	rmdir(scratch);
	qsort(el, (size_t)runs, sizeof(*el), dcmp);
	qsort(cpu, (size_t)runs, sizeof(*cpu), dcmp);
	printf("%.1f %.1f %.1f %zu %zu\n", el[0], el[runs / 2], cpu[runs / 2], npkgs, nfiles);
	free(el);
	free(cpu);
	lb_buf_release(&b);
	return 0;
}
