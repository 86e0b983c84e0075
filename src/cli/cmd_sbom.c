/* cmd_sbom.c - lifebelt sbom FILE: match the packages of a CycloneDX or
 * SPDX JSON SBOM (lifebelt's own, Trivy's, Syft's) and report, with the
 * report options of lifebelt image. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "match/match.h"
#include "policy/policy.h"
#include "report/writer.h"
#include "sbom/sbom.h"
#include "vulndb/vulndb.h"
#include "base/lb_banned.h"

static void
sbom_usage(FILE *f)
{
	fprintf(f,
	    "usage: lifebelt sbom FILE [options]\n"
	    "\n"
	    "Matches the packages of a CycloneDX (1.4-1.6) or SPDX 2.3 JSON SBOM against\n"
	    "the vulnerability database and reports them.\n"
	    "\n"
	    "  -f, --format FMT         %s (default table)\n"
	    "  -o, --output FILE        write the report to FILE instead of stdout\n"
	    "      --db FILE            vulnerability database (default <cache>/db/lifebelt.db)\n"
	    "      --severity LIST      report only these: UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL\n"
	    "      --ignore-unfixed     hide vulnerabilities that have no fixed version\n"
	    "      --pkg-types LIST     os, library (default both)\n"
	    "      --ignorefile FILE    exceptions (default ./.lifebeltignore[.yaml])\n"
	    "      --vex FILE           OpenVEX or CycloneDX VEX statements (repeatable)\n"
	    "      --exit-code N        exit N (1-63) when vulnerabilities remain after filters\n"
	    "      --list-packages      table: list packages too\n"
	    "  -q, --quiet              print errors only\n",
	    lb_writer_names());
}

int
lb_cmd_sbom(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'D' },
		{ "cache-dir", required_argument, NULL, 'C' },
		{ "severity", required_argument, NULL, 's' },
		{ "ignore-unfixed", no_argument, NULL, 'U' },
		{ "exit-code", required_argument, NULL, 'E' },
		{ "list-packages", no_argument, NULL, 'K' },
		{ "offline", no_argument, NULL, 'O' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		LB_CLI_FILTER_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct lb_cli_filters fo = { 0 };
	struct lb_policy *pol = NULL;
	struct lb_inventory *inv = NULL;
	struct lb_vulndb *db = NULL;
	struct lb_report rep = { 0 };
	const struct lb_writer_ops *w;
	const char *format = "table", *outpath = NULL;
	char created[32], *dbpath = NULL;
	struct lb_cli_out out = { 0 };
	int c, r = 0, ex = -1, exit_code = 0, with_pkgs = 0, no_db = 0;
	long sev;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:qvh", longopts, NULL)) != -1) {
		int x = lb_cli_filter_option(&fo, c, optarg);

		if (x < 0)
			return EX_USAGE;
		if (x > 0)
			continue;
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': outpath = strcmp(optarg, "-") == 0 ? NULL : optarg; break;   /* -o -: standard output */
		case 'K': with_pkgs = 1; break;
		case 'C': case 'D': case 'q': case 'v': case 'O': break;   /* read in main */
		case 's':
			if ((sev = lb_cli_severities(optarg)) < 0) {
				fprintf(stderr, "lifebelt: --severity takes a list of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL\n");
				return EX_USAGE;
			}
			fo.severities = (unsigned)sev;
			break;
		case 'U': fo.ignore_unfixed = 1; break;
		case 'E':
			if (lb_cli_number("--exit-code", optarg, 1, 63, &exit_code) < 0)
				return EX_USAGE;
			break;
		case 'h': sbom_usage(stdout); return 0;
		default:
			fprintf(stderr, "lifebelt: see 'lifebelt sbom --help'\n");
			return EX_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "lifebelt: sbom takes one SBOM file\n");
		return EX_USAGE;
	}
	if (!(w = lb_writer_find(format))) {
		fprintf(stderr, "lifebelt: unknown format '%s' (choose from %s)\n", format, lb_writer_names());
		return EX_USAGE;
	}

	dbpath = lb_cli_default_db(cli);
	r = access(dbpath, F_OK) != 0 && errno == ENOENT ? -LB_E_NOTFOUND : lb_vulndb_open(cx, dbpath, &db);
	if (r == -LB_E_NOTFOUND) {
		lb_warn(cx, "no vulnerability database at '%s', so packages are listed without "
		    "vulnerabilities; %s", dbpath, LB_CLI_HOW_TO_GET_DB);
		no_db = 1;
		r = 0;
	} else if (r < 0) {
		goto out;
	}
	if ((ex = lb_cli_policy_load(cx, &fo, &pol)) != 0)
		goto out;
	ex = -1;

	if ((r = lb_sbom_read(cx, argv[optind], &inv)) < 0) {
		ex = r == -ENOENT ? EX_NOINPUT : r == -LB_E_FORMAT || r == -LB_E_LIMIT ? EX_DATAERR :
		    EX_IOERR;
		goto out;
	}
	if (db) {
		size_t w0 = cx->nkept;

		if ((r = lb_match_inventory(cx, db, inv)) < 0)
			goto out;
		lb_cli_filter(&fo, pol, inv);
		for (size_t k = w0; k < cx->nkept; k++) {
			inv->warnings = lb_xrealloc(inv->warnings, (inv->nwarnings + 1) * sizeof(char *));
			inv->warnings[inv->nwarnings++] = lb_xstrdup(cx->warnings[k]);
			inv->partial = true;
		}
		lb_policy_warn_stale(cx, pol);
	} else {
		if (fo.pkg_types)
			lb_policy_filter_pkg_types(inv, fo.pkg_types);
		inv->warnings = lb_xrealloc(inv->warnings, (inv->nwarnings + 1) * sizeof(char *));
		inv->warnings[inv->nwarnings++] =
		    lb_xstrdup("no vulnerability database: vulnerabilities were not looked for");
	}

	if ((ex = lb_cli_out_open(cx, &out, outpath)) != 0)
		goto out;
	ex = -1;
	lb_cli_now_rfc3339(created, sizeof(created));
	rep.tool_version = LB_VERSION;
	rep.created = created;
	rep.results = &inv;
	rep.nresults = 1;
	rep.with_packages = with_pkgs;
	rep.policy = db ? pol : NULL;
	r = lb_cli_out_close(cx, &out, w->write(cx, &rep, out.f));
	if (r >= 0 && exit_code) {
		if (no_db) {
			lb_err(cx, "--exit-code: no vulnerability database, so the gate cannot pass");
			ex = EX_UNAVAILABLE;
		} else if (inv->nfindings) {
			ex = exit_code;
		}
	}
out:
	lb_inventory_free(inv);
	lb_policy_free(pol);
	lb_vulndb_close(db);
	free(dbpath);
	return ex >= 0 ? ex : lb_exit_status(r);
}
