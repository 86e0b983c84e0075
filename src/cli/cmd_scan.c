/* cmd_scan.c - lifebelt image --input PATH | lifebelt rootfs DIR */
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
#include "image/image.h"
#include "match/match.h"
#include "report/writer.h"
#include "vulndb/vulndb.h"

static void
now_rfc3339(char *out, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "HIGH,CRITICAL" -> mask of 1 << LB_SEV_*; -1 for an unknown name. */
static long
parse_severities(const char *list)
{
	char *copy = lb_xstrdup(list), *save = NULL, *tok;
	long mask = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int s = lb_severity_parse(tok);
		if (s < 0) {
			mask = -1;
			break;
		}
		mask |= 1L << s;
	}
	free(copy);
	return mask;
}

int
lb_cmd_scan(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli)
{
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "platform", required_argument, NULL, 'P' },
		{ "image", required_argument, NULL, 'I' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "list-files", no_argument, NULL, 'L' },
		{ "list-packages", no_argument, NULL, 'K' },
		{ "cache-dir", required_argument, NULL, 'C' },
		{ "db", required_argument, NULL, 'D' },
		{ "scanners", required_argument, NULL, 'S' },
		{ "severity", required_argument, NULL, 's' },
		{ "ignore-unfixed", no_argument, NULL, 'U' },
		{ "exit-code", required_argument, NULL, 'E' },
		{ "offline", no_argument, NULL, 'O' },
		{ "threads", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0];
	struct lb_scan_opts so = { 0 };
	struct lb_inventory **invs = NULL;
	struct lb_report rep = { 0 };
	const struct lb_writer_ops *w;
	struct lb_vulndb *db = NULL;
	const char *format = "table", *outpath = NULL;
	char created[32], *tmpout = NULL, *dbpath = NULL;
	size_t ninv = 0, nfound = 0;
	FILE *out = stdout;
	long sevmask = 0;
	int c, r = 0, ex = -1, with_files = 0, with_pkgs = 0, vuln = 1, ignore_unfixed = 0;
	int exit_code = 0, no_db = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:f:o:j:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': so.input = optarg; break;
		case 'P': so.platform = optarg; break;
		case 'I': so.image = optarg; break;
		case 'f': format = optarg; break;
		case 'o': outpath = optarg; break;
		case 'L': with_files = 1; break;
		case 'K': with_pkgs = 1; break;
		case 'C': case 'D': case 'q': case 'v': case 'O': break;   /* read in main */
		case 'S':
			if (strcmp(optarg, "vuln") == 0) {
				vuln = 1;
			} else if (strcmp(optarg, "none") == 0) {
				vuln = 0;
			} else {
				fprintf(stderr, "lifebelt: unknown scanner in '%s' (known: vuln, none)\n", optarg);
				return EX_USAGE;
			}
			break;
		case 's':
			if ((sevmask = parse_severities(optarg)) < 0) {
				fprintf(stderr, "lifebelt: --severity takes a list of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL\n");
				return EX_USAGE;
			}
			break;
		case 'U': ignore_unfixed = 1; break;
		case 'E': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 63) {
				fprintf(stderr, "lifebelt: --exit-code takes a number from 1 to 63\n");
				return EX_USAGE;
			}
			exit_code = (int)n;
			break;
		}
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 64) {
				fprintf(stderr, "lifebelt: --threads takes a number from 1 to 64\n");
				return EX_USAGE;
			}
			cx->nthreads = (int)n;
			break;
		}
		case 'h': lb_cli_usage(stdout); return 0;
		default:
			fprintf(stderr, "lifebelt: see 'lifebelt --help'\n");
			return EX_USAGE;
		}
	}
	if (strcmp(cmd, "rootfs") == 0) {
		if (optind != argc - 1) {
			fprintf(stderr, "lifebelt: rootfs takes one directory\n");
			return EX_USAGE;
		}
		so.input = argv[optind];
	} else {
		if (optind < argc && !so.input && optind == argc - 1) {
			fprintf(stderr, "lifebelt: scanning a registry image ('%s') is not supported yet; "
			    "use --input PATH for an image on disk\n", argv[optind]);
			return EX_USAGE;
		}
		if (!so.input || optind != argc) {
			fprintf(stderr, "lifebelt: image needs --input PATH\n");
			return EX_USAGE;
		}
	}
	if (!(w = lb_writer_find(format))) {
		fprintf(stderr, "lifebelt: unknown format '%s' (choose from %s)\n", format, lb_writer_names());
		return EX_USAGE;
	}

	/* open the database first: a broken one should fail before a long scan */
	if (vuln) {
		dbpath = lb_cli_default_db(cli);
		r = access(dbpath, F_OK) != 0 && errno == ENOENT ? -LB_E_NOTFOUND :
		    lb_vulndb_open(cx, dbpath, &db);
		if (r == -LB_E_NOTFOUND) {
			lb_warn(cx, "no vulnerability database at '%s', so packages are listed without "
			    "vulnerabilities; %s", dbpath, LB_CLI_HOW_TO_GET_DB);
			no_db = 1;
			r = 0;
		} else if (r < 0) {
			goto out;
		}
	}

	if (strcmp(cmd, "rootfs") == 0) {
		invs = lb_xcalloc(1, sizeof(*invs));
		r = lb_rootfs_scan(cx, so.input, &invs[0]);
		ninv = r < 0 ? 0 : 1;
	} else {
		r = lb_image_scan(cx, &so, &invs, &ninv);
	}
	if (r < 0)
		goto out;
	for (size_t i = 0; i < ninv && db; i++) {
		size_t w0 = cx->nkept;
		if ((r = lb_match_inventory(cx, db, invs[i])) < 0)
			goto out;
		lb_findings_filter(invs[i], (unsigned)sevmask, ignore_unfixed);
		nfound += invs[i]->nfindings;
		/* warnings raised while matching belong to this result too */
		for (size_t k = w0; k < cx->nkept; k++) {
			invs[i]->warnings = lb_xrealloc(invs[i]->warnings,
			    (invs[i]->nwarnings + 1) * sizeof(char *));
			invs[i]->warnings[invs[i]->nwarnings++] = lb_xstrdup(cx->warnings[k]);
			invs[i]->partial = true;
		}
	}
	if (no_db) {
		for (size_t i = 0; i < ninv; i++) {
			invs[i]->warnings = lb_xrealloc(invs[i]->warnings,
			    (invs[i]->nwarnings + 1) * sizeof(char *));
			invs[i]->warnings[invs[i]->nwarnings++] =
			    lb_xstrdup("no vulnerability database: vulnerabilities were not looked for");
		}
	}

	if (outpath) {
		/* write next to the target and rename, so a failed run leaves no half report */
		tmpout = lb_xasprintf("%s.lifebelt-tmp", outpath);
		if (!(out = fopen(tmpout, "w"))) {
			lb_err(cx, "cannot write '%s': %s", outpath, strerror(errno));
			out = stdout;
			ex = EX_CANTCREAT;
			goto out;
		}
	}
	/* reports of many packages are written token by token: buffer them */
	setvbuf(out, NULL, _IOFBF, 1 << 20);
	now_rfc3339(created, sizeof(created));
	rep.tool_version = LB_VERSION;
	rep.created = created;
	rep.results = invs;
	rep.nresults = ninv;
	rep.with_files = with_files;
	rep.with_packages = with_pkgs;
	r = w->write(cx, &rep, out);
	if (fflush(out) != 0 || ferror(out)) {
		lb_err(cx, "cannot write the report: %s", strerror(errno));
		r = -EIO;
	}
	if (outpath) {
		if (fclose(out) != 0 && r >= 0)
			r = -errno;
		out = stdout;
		if (r >= 0 && rename(tmpout, outpath) != 0) {
			r = -errno;
			lb_err(cx, "cannot write '%s': %s", outpath, strerror(errno));
		}
		if (r < 0)
			unlink(tmpout);
	}
	if (r >= 0 && exit_code) {
		if (no_db) {
			lb_err(cx, "--exit-code: no vulnerability database, so the gate cannot pass");
			ex = EX_UNAVAILABLE;
		} else if (nfound) {
			ex = exit_code;
		}
	}
out:
	for (size_t i = 0; i < ninv; i++)
		lb_inventory_free(invs[i]);
	free(invs);
	free(tmpout);
	free(dbpath);
	lb_vulndb_close(db);
	return ex >= 0 ? ex : lb_exit_status(r);
}
