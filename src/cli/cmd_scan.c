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
#include "malware/malware.h"
#include "match/match.h"
#include "policy/policy.h"
#include "registry/client.h"
#include "registry/ref.h"
#include "report/writer.h"
#include "vulndb/vulndb.h"

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
		{ "clamav-db", required_argument, NULL, 1001 },
		{ "yara-rules", required_argument, NULL, 1002 },
		{ "hash-list", required_argument, NULL, 1003 },
		{ "malware-engines", required_argument, NULL, 1004 },
		{ "no-cache", no_argument, NULL, 1101 },
		LB_CLI_REG_LONGOPTS,
		LB_CLI_FILTER_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = argv[0];
	struct lb_scan_opts so = { 0 };
	struct lb_inventory **invs = NULL;
	struct lb_report rep = { 0 };
	const struct lb_writer_ops *w;
	struct lb_vulndb *db = NULL;
	const char *format = "table", *outpath = NULL;
	char created[32], *dbpath = NULL;
	size_t ninv = 0, nfound = 0;
	struct lb_cli_out out = { 0 };
	long sevmask = 0;
	int c, r = 0, ex = -1, with_files = 0, with_pkgs = 0, vuln = 1, ignore_unfixed = 0;
	int exit_code = 0, no_db = 0;
	/* --scanners malware (src/malware) */
	struct lb_malware_opts mo = { 0 };
	struct lb_malware *mal = NULL;
	const char *yrules[64], *hlists[64];
	char *cache = NULL;
	size_t nmal = 0;
	int malware = 0;
	/* the layer cache (image/lcache.h): <cache>/layers unless --no-cache */
	char *lcache = NULL;
	int no_cache = 0;
	/* lifebelt image REF: a registry image (cmd_registry.c) */
	struct lb_cli_reg ro = { 0 };
	struct lb_registry *reg = NULL;
	struct lb_ref rref = { 0 };
	char *rname = NULL;
	const char *remote = NULL;
	/* --pkg-types, --ignorefile, --vex (cli_policy.c) */
	struct lb_cli_filters fo = { 0 };
	struct lb_policy *pol = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:f:o:j:qvh", longopts, NULL)) != -1) {
		int x = lb_cli_reg_option(&ro, c, optarg);
		if (x == 0)
			x = lb_cli_filter_option(&fo, c, optarg);
		if (x < 0)
			return EX_USAGE;
		if (x > 0)
			continue;
		switch (c) {
		case 'i': so.input = optarg; break;
		case 'P': so.platform = optarg; break;
		case 'I': so.image = optarg; break;
		case 'f': format = optarg; break;
		case 'o': outpath = strcmp(optarg, "-") == 0 ? NULL : optarg; break;   /* -o -: standard output */
		case 'L': with_files = 1; break;
		case 'K': with_pkgs = 1; break;
		case 'C': case 'D': case 'q': case 'v': case 'O': break;   /* read in main */
		case 1101: no_cache = 1; break;
		case 'S': {
			/* a comma list: vuln, malware, none */
			char *copy = lb_xstrdup(optarg), *save = NULL, *tok;
			int bad = 0;
			vuln = malware = 0;
			for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (strcmp(tok, "vuln") == 0)
					vuln = 1;
				else if (strcmp(tok, "malware") == 0)
					malware = 1;
				else if (strcmp(tok, "none") != 0)
					bad = 1;
			}
			free(copy);
			if (bad) {
				fprintf(stderr, "lifebelt: unknown scanner in '%s' (known: vuln, malware, none)\n", optarg);
				return EX_USAGE;
			}
			break;
		}
		case 1001: mo.clamav_db = optarg; break;
		case 1002: case 1003: {
			const char **list = c == 1002 ? yrules : hlists;
			size_t *n = c == 1002 ? &mo.nyara_rules : &mo.nhash_lists;
			if (*n >= 64) {
				fprintf(stderr, "lifebelt: at most 64 --yara-rules and 64 --hash-list\n");
				return EX_USAGE;
			}
			list[(*n)++] = optarg;
			break;
		}
		case 1004: {
			int m = lb_malware_engines_parse(optarg);
			if (m <= 0) {
				fprintf(stderr, "lifebelt: --malware-engines takes a list of clamav, yara, hashlist, integrity\n");
				return EX_USAGE;
			}
			mo.engines = (unsigned)m;
			break;
		}
		case 's':
			if ((sevmask = lb_cli_severities(optarg)) < 0) {
				fprintf(stderr, "lifebelt: --severity takes a list of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL\n");
				return EX_USAGE;
			}
			break;
		case 'U': ignore_unfixed = 1; break;
		case 'E':
			if (lb_cli_number("--exit-code", optarg, 1, 63, &exit_code) < 0)
				return EX_USAGE;
			break;
		case 'j':
			if (lb_cli_number("--threads", optarg, 1, 64, &cx->nthreads) < 0)
				return EX_USAGE;
			break;
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
			remote = argv[optind];
		} else if (!so.input || optind != argc) {
			fprintf(stderr, "lifebelt: image needs --input PATH or an image reference\n");
			return EX_USAGE;
		}
	}
	if (!(w = lb_writer_find(format))) {
		fprintf(stderr, "lifebelt: unknown format '%s' (choose from %s)\n", format, lb_writer_names());
		return EX_USAGE;
	}
	if (remote) {
		const char *why = NULL;
		if (lb_ref_parse(remote, strlen(remote), &rref, &why) < 0) {
			fprintf(stderr, "lifebelt: '%s' is not an image reference: %s; "
			    "use --input PATH for an image on disk\n", remote, why);
			return EX_USAGE;
		}
		rname = lb_ref_string(&rref);
		so.repo = rref.repo;
		so.reference = rref.digest ? rref.digest : rref.tag;
		so.ref_name = rname;
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

	/* exceptions are read before the scan too: a bad file fails early */
	if (vuln && (ex = lb_cli_policy_load(cx, &fo, &pol)) != 0)
		goto out;
	ex = -1;

	if (malware) {
		/* the engines load before the walk: a bad rule file fails early */
		mo.yara_rules = yrules;
		mo.hash_lists = hlists;
		mo.cache_dir = cache = lb_cli_cache_dir(cli);
		if ((r = lb_malware_new(cx, &mo, &mal)) < 0) {
			ex = r == -LB_E_FORMAT || r == -LB_E_LIMIT ? EX_DATAERR :
			    r == -ENOENT ? EX_NOINPUT : EX_SOFTWARE;
			goto out;
		}
		cx->file_hook = lb_malware_hook(mal);
	}
	if (!no_cache) {
		char *cd = lb_cli_cache_dir(cli);
		so.layer_cache = lcache = lb_xasprintf("%s/layers", cd);
		free(cd);
	}
	if (strcmp(cmd, "rootfs") == 0) {
		invs = lb_xcalloc(1, sizeof(*invs));
		r = lb_rootfs_scan(cx, so.input, &invs[0]);
		ninv = r < 0 ? 0 : 1;
	} else if (remote) {
		if ((r = lb_cli_registry_open(cx, &ro, rref.host, &reg)) >= 0) {
			so.registry = reg;
			r = lb_image_scan(cx, &so, &invs, &ninv);
		}
	} else {
		r = lb_image_scan(cx, &so, &invs, &ninv);
	}
	if (r < 0)
		goto out;
	for (size_t i = 0; i < ninv && mal; i++) {
		/* --severity applies to malware findings too */
		struct lb_inventory *inv = invs[i];
		size_t k = 0;
		for (size_t j = 0; j < inv->nmalware; j++) {
			int sv = lb_severity_parse(inv->malware[j].severity);
			if (sevmask && (sv < 0 || !(sevmask & (1L << sv))))
				lb_malware_finding_release(&inv->malware[j]);
			else
				inv->malware[k++] = inv->malware[j];
		}
		inv->nmalware = k;
		nmal += k;
	}
	for (size_t i = 0; i < ninv && db; i++) {
		size_t w0 = cx->nkept;
		if ((r = lb_match_inventory(cx, db, invs[i])) < 0)
			goto out;
		fo.severities = (unsigned)sevmask;
		fo.ignore_unfixed = ignore_unfixed;
		lb_cli_filter(&fo, pol, invs[i]);
		nfound += invs[i]->nfindings;
		/* warnings raised while matching belong to this result too */
		for (size_t k = w0; k < cx->nkept; k++) {
			invs[i]->warnings = lb_xrealloc(invs[i]->warnings,
			    (invs[i]->nwarnings + 1) * sizeof(char *));
			invs[i]->warnings[invs[i]->nwarnings++] = lb_xstrdup(cx->warnings[k]);
			invs[i]->partial = true;
		}
	}
	if (db)
		lb_policy_warn_stale(cx, pol);
	else if (fo.pkg_types)
		for (size_t i = 0; i < ninv; i++)
			lb_policy_filter_pkg_types(invs[i], fo.pkg_types);
	if (no_db) {
		for (size_t i = 0; i < ninv; i++) {
			invs[i]->warnings = lb_xrealloc(invs[i]->warnings,
			    (invs[i]->nwarnings + 1) * sizeof(char *));
			invs[i]->warnings[invs[i]->nwarnings++] =
			    lb_xstrdup("no vulnerability database: vulnerabilities were not looked for");
		}
	}

	if ((ex = lb_cli_out_open(cx, &out, outpath)) != 0)
		goto out;
	ex = -1;
	lb_cli_now_rfc3339(created, sizeof(created));
	rep.tool_version = LB_VERSION;
	rep.created = created;
	rep.results = invs;
	rep.nresults = ninv;
	rep.with_files = with_files;
	rep.with_packages = with_pkgs;
	rep.policy = db ? pol : NULL;
	r = lb_cli_out_close(cx, &out, w->write(cx, &rep, out.f));
	if (r >= 0 && exit_code) {
		if (nmal) {
			ex = exit_code;   /* malware fails the gate with or without a database */
		} else if (no_db) {
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
	free(dbpath);
	free(cache);
	free(lcache);
	cx->file_hook = NULL;
	lb_malware_free(mal);
	lb_vulndb_close(db);
	lb_registry_free(reg);
	lb_ref_release(&rref);
	free(rname);
	lb_policy_free(pol);
	return ex >= 0 ? ex : lb_exit_status(r);
}
