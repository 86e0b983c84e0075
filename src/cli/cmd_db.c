/* cmd_db.c - lifebelt db build | info | update */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "vulndb/vulndb.h"

static const char *const source_kinds[] = {
	"osv", "alpine-secdb", "wolfi-secdb", "debian-tracker", "nvd", "cve5", NULL
};

static void
db_usage(FILE *f)
{
	fprintf(f,
	    "usage: lifebelt db build --source KIND:PATH [--source ...] [-o FILE]\n"
	    "       lifebelt db info [--db FILE]\n"
	    "       lifebelt db update [--db FILE]\n"
	    "\n"
	    "KIND is one of osv, alpine-secdb, wolfi-secdb, debian-tracker, nvd, cve5;\n"
	    "PATH is a file, a folder (read recursively) or, for osv, a zip.\n"
	    "The database defaults to %s.\n",
	    "$XDG_CACHE_HOME/lifebelt/db/lifebelt.db");
}

/* mkdir -p of the folder that will hold path */
static int
make_parent(const char *path)
{
	char *dir = lb_xstrdup(path), *p;
	int r = 0;

	if ((p = strrchr(dir, '/')) == NULL || p == dir) {
		free(dir);
		return 0;
	}
	*p = 0;
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			r = -errno;
		*p = '/';
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		r = -errno;
	free(dir);
	return r;
}

static int
db_build(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lb_feed_source *src = NULL;
	size_t nsrc = 0;
	const char *out = NULL;
	char *outdef = NULL;
	int c, r, ex;

	src = lb_xcalloc((size_t)argc + 1, sizeof(*src));
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 's': {
			char *colon = strchr(optarg, ':');
			int ok = 0;
			if (colon) {
				*colon = 0;
				for (int i = 0; source_kinds[i]; i++)
					ok |= strcmp(optarg, source_kinds[i]) == 0;
			}
			if (!ok || !colon[1]) {
				fprintf(stderr, "lifebelt: --source takes KIND:PATH with KIND one of "
				    "osv, alpine-secdb, wolfi-secdb, debian-tracker, nvd, cve5\n");
				free(src);
				return EX_USAGE;
			}
			src[nsrc].kind = optarg;
			src[nsrc].path = colon + 1;
			nsrc++;
			break;
		}
		case 'o': case 'd': out = optarg; break;
		case 'h': db_usage(stdout); free(src); return 0;
		default: db_usage(stderr); free(src); return EX_USAGE;
		}
	}
	if (nsrc == 0 || optind != argc) {
		fprintf(stderr, "lifebelt: db build needs at least one --source KIND:PATH\n");
		free(src);
		return EX_USAGE;
	}
	if (!out)
		out = outdef = lb_cli_default_db(cli);
	if ((r = make_parent(out)) < 0) {
		lb_err(cx, "cannot create the folder of '%s': %s", out, lb_strerror(r));
		ex = EX_CANTCREAT;
		goto done;
	}
	{
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = lb_vulndb_build(cx, src, nsrc, out);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (r >= 0)
			lb_info(cx, "built '%s' in %.2f s", out,
			    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	ex = lb_exit_status(r);
	if (r >= 0 && !cli->quiet)
		fprintf(stderr, "lifebelt: wrote '%s'%s\n", out,
		    cx->nwarn ? " (with warnings: some records were skipped)" : "");
done:
	free(outdef);
	free(src);
	return ex;
}

static int
db_info(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lb_vulndb *db = NULL;
	struct lb_vulndb_info info;
	const char *path = cli->db;
	char *def = NULL;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'h': db_usage(stdout); return 0;
		default: db_usage(stderr); return EX_USAGE;
		}
	}
	if (!path)
		path = def = lb_cli_default_db(cli);
	if ((r = lb_vulndb_open(cx, path, &db)) < 0) {
		if (r == -LB_E_NOTFOUND)
			lb_err(cx, "no vulnerability database at '%s'; %s", path, LB_CLI_HOW_TO_GET_DB);
		free(def);
		return lb_exit_status(r);
	}
	memset(&info, 0, sizeof(info));
	if ((r = lb_vulndb_info(db, &info)) >= 0) {
		struct stat st;
		printf("database:        %s\n", path);
		if (stat(path, &st) == 0)
			printf("size:            %.1f MB\n", (double)st.st_size / 1048576.0);
		printf("schema version:  %lld\n", (long long)info.schema_version);
		printf("built:           %s", info.built_at);
		{
			struct tm tm;
			memset(&tm, 0, sizeof(tm));
			if (strptime(info.built_at, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
				double age = difftime(time(NULL), timegm(&tm));
				printf(" (%.1f days ago)", age / 86400.0);
			}
		}
		printf("\nvulnerabilities: %lld\nadvisory records: %lld\nsources:\n",
		    (long long)info.vulns, (long long)info.records);
		for (size_t i = 0; i < info.nsources; i++)
			printf("  %-16s %8lld  %s\n", info.sources[i].kind,
			    (long long)info.sources[i].records, info.sources[i].path);
	}
	lb_vulndb_close(db);
	free(def);
	return lb_exit_status(r);
}

int
lb_cmd_db(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli)
{
	if (argc < 2) {
		db_usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "build") == 0)
		return db_build(cx, argc - 1, argv + 1, cli);
	if (strcmp(argv[1], "info") == 0)
		return db_info(cx, argc - 1, argv + 1, cli);
	if (strcmp(argv[1], "update") == 0)
		return lb_cmd_db_update(cx, argc - 1, argv + 1, cli);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		db_usage(stdout);
		return 0;
	}
	fprintf(stderr, "lifebelt: unknown db command '%s'\n", argv[1]);
	db_usage(stderr);
	return EX_USAGE;
}
