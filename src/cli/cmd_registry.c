/* cmd_registry.c - lifebelt registry list HOST[/REPO] | registry scan
 * HOST/NAMESPACE, and the registry options that `image REF` shares. */
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
#include "registry/client.h"
#include "registry/ref.h"
#include "report/writer.h"
#include "vulndb/vulndb.h"

#define MAX_PASSWORD 4096

/* Reads the password from standard input (one line, the newline dropped). */
static int
read_password(char **out)
{
	char buf[MAX_PASSWORD + 2];
	size_t n = fread(buf, 1, sizeof(buf) - 1, stdin);

	*out = NULL;
	if (n > MAX_PASSWORD) {
		fprintf(stderr, "lifebelt: --password-stdin: the password is over %d bytes\n", MAX_PASSWORD);
		return -LB_E_USAGE;
	}
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	if (n == 0 || strlen(buf) != n) {
		fprintf(stderr, "lifebelt: --password-stdin: no password on standard input\n");
		return -LB_E_USAGE;
	}
	*out = lb_xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

int
lb_cli_reg_option(struct lb_cli_reg *o, int c, const char *arg)
{
	char *end;
	long n;

	switch (c) {
	case LB_OPT_INSECURE: o->insecure = 1; return 1;
	case LB_OPT_CA_CERT: o->ca_cert = arg; return 1;
	case LB_OPT_USERNAME: o->username = arg; return 1;
	case LB_OPT_PASSWORD_STDIN: o->password_stdin = 1; return 1;
	case LB_OPT_REG_TIMEOUT:
		n = strtol(arg, &end, 10);
		if (*end || n < 1 || n > 3600) {
			fprintf(stderr, "lifebelt: --registry-timeout takes seconds from 1 to 3600\n");
			return -1;
		}
		o->timeout = (int)n;
		return 1;
	case LB_OPT_REG_MIRROR:
		if (o->nmirrors == sizeof(o->mirrors) / sizeof(o->mirrors[0])) {
			fprintf(stderr, "lifebelt: more than %zu --registry-mirror options\n", o->nmirrors);
			return -1;
		}
		o->mirrors[o->nmirrors++] = arg;
		return 1;
	}
	return 0;
}

int
lb_cli_registry_open(struct lb_ctx *cx, const struct lb_cli_reg *o, const char *host, struct lb_registry **out)
{
	struct lb_registry_opts ro = { .ca_cert = o->ca_cert, .insecure = o->insecure, .timeout = o->timeout,
	    .retries = -1 };
	struct lb_cred cred = { 0 };
	const char *eu = getenv("LIFEBELT_USERNAME"), *ep = getenv("LIFEBELT_PASSWORD");
	const char *em = getenv("LIFEBELT_REGISTRY_MIRRORS");
	char *pw = NULL, *envm = NULL, *save = NULL;
	const char *mv[16];
	size_t nm = 0;
	int r;

	*out = NULL;
	if (o->password_stdin && !o->username) {
		fprintf(stderr, "lifebelt: --password-stdin needs --username\n");
		return -LB_E_USAGE;
	}
	if (o->ca_cert && access(o->ca_cert, R_OK) != 0) {
		lb_err(cx, "cannot read --ca-cert '%s': %s", o->ca_cert, strerror(errno));
		return -ENOENT;
	}
	/* explicit credentials go to the registry named on the command line only */
	if (o->username) {
		if (o->password_stdin) {
			if ((r = read_password(&pw)) < 0)
				return r;
		} else if (ep && eu && strcmp(eu, o->username) == 0) {
			pw = lb_xstrdup(ep);
		} else {
			fprintf(stderr, "lifebelt: --username needs --password-stdin (or LIFEBELT_PASSWORD)\n");
			return -LB_E_USAGE;
		}
		cred.user = (char *)o->username;
		cred.secret = pw;
	} else if (eu && *eu && ep) {
		cred.user = (char *)eu;
		cred.secret = pw = lb_xstrdup(ep);
	}
	ro.cred = cred.user ? &cred : NULL;
	if (o->nmirrors) {
		ro.mirrors = o->mirrors;
		ro.nmirrors = o->nmirrors;
	} else if (em && *em) {
		/* LIFEBELT_REGISTRY_MIRRORS=URL[,URL...] */
		envm = lb_xstrdup(em);
		for (char *t = strtok_r(envm, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			if (nm == sizeof(mv) / sizeof(mv[0])) {
				fprintf(stderr, "lifebelt: more than %zu mirrors in LIFEBELT_REGISTRY_MIRRORS\n", nm);
				free(envm);
				free(pw);
				return -LB_E_USAGE;
			}
			mv[nm++] = t;
		}
		ro.mirrors = mv;
		ro.nmirrors = nm;
	}
	/* a progress line is for a person watching a terminal */
	if (cx->verbosity >= LB_LOG_WARN && isatty(STDERR_FILENO))
		ro.progress = stderr;
	r = lb_registry_new(cx, host, &ro, out);
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	free(envm);
	return r;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Repositories under ns (all when ns is NULL), sorted. */
static int
repos_under(struct lb_ctx *cx, struct lb_registry *reg, const char *ns, char ***out, size_t *nout)
{
	char **all;
	size_t n, k = 0, nl = ns ? strlen(ns) : 0;
	int r;

	if ((r = lb_registry_list(reg, NULL, &all, &n)) < 0) {
		if (r == -LB_E_NOTFOUND)
			lb_err(cx, "the registry has no catalog (/v2/_catalog), so its repositories "
			    "cannot be listed; name a repository");
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		if (!ns || strcmp(all[i], ns) == 0 || (strncmp(all[i], ns, nl) == 0 && all[i][nl] == '/'))
			all[k++] = all[i];
		else
			free(all[i]);
	}
	qsort(all, k, sizeof(*all), cmp_str);
	*out = all;
	*nout = k;
	return 0;
}

static int
do_list(struct lb_ctx *cx, struct lb_registry *reg, const struct lb_ref *where)
{
	char **repos = NULL, **tags;
	size_t nrepos = 0, ntags;
	int r;

	if (where->repo) {
		/* a repository: its tags; a namespace: the repositories under it */
		r = lb_registry_list(reg, where->repo, &tags, &ntags);
		if (r == 0) {
			qsort(tags, ntags, sizeof(*tags), cmp_str);
			for (size_t i = 0; i < ntags; i++)
				printf("%s/%s:%s\n", where->host, where->repo, tags[i]);
			free_names(tags, ntags);
			return 0;
		}
		if (r != -LB_E_NOTFOUND)
			return r;
	}
	if ((r = repos_under(cx, reg, where->repo, &repos, &nrepos)) < 0)
		return r;
	if (nrepos == 0 && where->repo) {
		lb_err(cx, "no repository '%s' on '%s'", where->repo, where->host);
		free(repos);
		return -LB_E_NOTFOUND;
	}
	for (size_t i = 0; i < nrepos && r == 0; i++) {
		if ((r = lb_registry_list(reg, repos[i], &tags, &ntags)) < 0) {
			if (r == -LB_E_NOTFOUND)
				lb_err(cx, "cannot list the tags of '%s': not found", repos[i]);
			break;
		}
		qsort(tags, ntags, sizeof(*tags), cmp_str);
		for (size_t t = 0; t < ntags; t++)
			printf("%s/%s:%s\n", where->host, repos[i], tags[t]);
		free_names(tags, ntags);
	}
	free_names(repos, nrepos);
	return r;
}

struct scanned {
	char *ref, *digest, *status;
	struct lb_inventory **invs;
	size_t ninv;
};

int
lb_cmd_registry(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli)
{
	static const struct option longopts[] = {
		{ "platform", required_argument, NULL, 'P' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "scanners", required_argument, NULL, 'S' },
		{ "cache-dir", required_argument, NULL, 'C' },
		{ "db", required_argument, NULL, 'D' },
		{ "threads", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "no-cache", no_argument, NULL, 1101 },
		LB_CLI_REG_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	char *lcache = NULL;     /* the layer cache, <cache>/layers; NULL: --no-cache */
	int no_cache = 0;
	struct lb_cli_reg ro = { 0 };
	struct lb_registry *reg = NULL;
	struct lb_ref where = { 0 };
	struct lb_vulndb *db = NULL;
	struct scanned *done = NULL;
	const char *sub, *why = NULL, *platform = NULL, *format = NULL, *outpath = NULL;
	char **repos = NULL, *dbpath = NULL;
	struct lb_cli_out rout = { 0 };
	size_t nrepos = 0, ndone = 0, capdone = 0, failed = 0;
	int c, r = 0, vuln = 1, x, ex = -1;
	FILE *out = stdout;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		lb_cli_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EX_USAGE : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "list") != 0 && strcmp(sub, "scan") != 0) {
		fprintf(stderr, "lifebelt: registry takes 'list' or 'scan', not '%s'\n", sub);
		return EX_USAGE;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "f:o:j:qvh", longopts, NULL)) != -1) {
		if ((x = lb_cli_reg_option(&ro, c, optarg)) != 0) {
			if (x < 0)
				return EX_USAGE;
			continue;
		}
		switch (c) {
		case 'P': platform = optarg; break;
		case 'f': format = optarg; break;
		case 'o': outpath = strcmp(optarg, "-") == 0 ? NULL : optarg; break;   /* -o -: standard output */
		case 'S':
			if (strcmp(optarg, "vuln") != 0 && strcmp(optarg, "none") != 0) {
				fprintf(stderr, "lifebelt: unknown scanner in '%s' (known: vuln, none)\n", optarg);
				return EX_USAGE;
			}
			vuln = strcmp(optarg, "vuln") == 0;
			break;
		case 'j':
			if (lb_cli_number("--threads", optarg, 1, 64, &cx->nthreads) < 0)
				return EX_USAGE;
			break;
		case 'C': case 'D': case 'q': case 'v': break;   /* read in main */
		case 1101: no_cache = 1; break;
		case 'h': lb_cli_usage(stdout); return 0;
		default:
			fprintf(stderr, "lifebelt: see 'lifebelt --help'\n");
			return EX_USAGE;
		}
	}
	if (optind + 1 != argc - 1) {
		fprintf(stderr, "lifebelt: registry %s takes one HOST[/REPOSITORY]\n", sub);
		return EX_USAGE;
	}
	if ((r = lb_ref_parse_repo(argv[optind + 1], strlen(argv[optind + 1]), &where, &why)) < 0) {
		fprintf(stderr, "lifebelt: '%s': %s\n", argv[optind + 1], why);
		return EX_USAGE;
	}
	if (format && !lb_writer_find(format)) {
		fprintf(stderr, "lifebelt: unknown format '%s' (choose from %s)\n", format, lb_writer_names());
		r = -LB_E_USAGE;
		goto out;
	}
	if (!no_cache) {
		char *cd = lb_cli_cache_dir(cli);
		lcache = lb_xasprintf("%s/layers", cd);
		free(cd);
	}
	if ((r = lb_cli_registry_open(cx, &ro, where.host, &reg)) < 0)
		goto out;
	if (strcmp(sub, "list") == 0) {
		r = do_list(cx, reg, &where);
		goto out;
	}

	/* scan: every tag of every repository under the namespace */
	if (vuln) {
		dbpath = lb_cli_default_db(cli);
		if (access(dbpath, F_OK) == 0) {
			if ((r = lb_vulndb_open(cx, dbpath, &db)) < 0)
				goto out;
		} else {
			lb_warn(cx, "no vulnerability database at '%s', so packages are listed without "
			    "vulnerabilities; %s", dbpath, LB_CLI_HOW_TO_GET_DB);
		}
	}
	{
		/* HOST/REPO may be a repository itself: then a registry without a
		 * catalog can still be scanned */
		char **tags = NULL;
		size_t ntags = 0;
		int own = where.repo && lb_registry_list(reg, where.repo, &tags, &ntags) == 0 && ntags > 0;
		free_names(tags, ntags);
		if ((r = repos_under(cx, reg, where.repo, &repos, &nrepos)) < 0 && !own)
			goto out;
		if (r < 0 || (own && !nrepos)) {
			free_names(repos, nrepos);
			repos = lb_xcalloc(1, sizeof(*repos));
			repos[0] = lb_xstrdup(where.repo);
			nrepos = 1;
			r = 0;
		}
	}
	if (nrepos == 0) {
		lb_err(cx, "no repository under '%s'", argv[optind + 1]);
		r = -LB_E_NOTFOUND;
		goto out;
	}
	for (size_t i = 0; i < nrepos; i++) {
		char **tags = NULL;
		size_t ntags = 0;
		if ((r = lb_registry_list(reg, repos[i], &tags, &ntags)) < 0) {
			if (r == -LB_E_NOTFOUND)
				lb_err(cx, "cannot list the tags of '%s': not found", repos[i]);
			failed++;
			r = 0;
			continue;
		}
		qsort(tags, ntags, sizeof(*tags), cmp_str);
		for (size_t t = 0; t < ntags; t++) {
			struct lb_manifest m;
			struct lb_scan_opts so = { .registry = reg, .repo = repos[i], .platform = platform,
				.layer_cache = lcache };
			struct scanned *sc;
			char *digest = NULL;
			int dup = 0;

			lb_xgrow(&done, &capdone, ndone + 1, sizeof(*done));
			sc = &done[ndone++];
			memset(sc, 0, sizeof(*sc));
			sc->ref = lb_xasprintf("%s/%s:%s", where.host, repos[i], tags[t]);
			/* HEAD first: tags sharing a digest are scanned once, and a
			 * HEAD is not a pull on Docker Hub */
			if (lb_registry_manifest(reg, repos[i], tags[t], 1, &m) == 0) {
				digest = lb_xstrdup(m.digest);
				lb_manifest_release(&m);
				for (size_t k = 0; k + 1 < ndone && !dup; k++)
					if (done[k].digest && strcmp(done[k].digest, digest) == 0 &&
					    strncmp(done[k].ref, sc->ref, strlen(where.host) + 1 + strlen(repos[i]) + 1) == 0) {
						sc->status = lb_xasprintf("same as %s", done[k].ref);
						dup = 1;
					}
			}
			sc->digest = digest;
			if (dup)
				continue;
			so.reference = digest ? digest : tags[t];
			so.ref_name = sc->ref;
			if ((r = lb_image_scan(cx, &so, &sc->invs, &sc->ninv)) < 0) {
				sc->status = lb_xasprintf("error: %s", lb_strerror(r));
				failed++;
				r = 0;
				continue;
			}
			for (size_t k = 0; k < sc->ninv && db; k++)
				if (lb_match_inventory(cx, db, sc->invs[k]) < 0)
					sc->status = lb_xstrdup("error: matching failed");
			if (!sc->status)
				sc->status = lb_xstrdup("ok");
		}
		free_names(tags, ntags);
	}
	/* as for image: written beside the target and renamed when complete */
	if ((ex = lb_cli_out_open(cx, &rout, outpath)) != 0)
		goto out;
	ex = -1;
	out = rout.f;
	if (format) {
		struct lb_report rep = { 0 };
		struct lb_inventory **all = NULL;
		size_t nall = 0;
		char created[32];
		for (size_t i = 0; i < ndone; i++)
			for (size_t k = 0; k < done[i].ninv; k++) {
				all = lb_xrealloc(all, (nall + 1) * sizeof(*all));
				all[nall++] = done[i].invs[k];
			}
		lb_cli_now_rfc3339(created, sizeof(created));
		rep.tool_version = LB_VERSION;
		rep.created = created;
		rep.results = all;
		rep.nresults = nall;
		r = lb_writer_find(format)->write(cx, &rep, out);
		free(all);
	} else {
		fprintf(out, "%-50s %-12s %-16s %8s %8s  %s\n", "IMAGE", "DIGEST", "PLATFORM", "PACKAGES",
		    "VULNS", "STATUS");
		for (size_t i = 0; i < ndone; i++) {
			char dg[13];
			snprintf(dg, sizeof(dg), "%s", done[i].digest ? done[i].digest + 7 : "-");
			if (done[i].ninv == 0)
				fprintf(out, "%-50s %-12s %-16s %8s %8s  %s\n", done[i].ref, dg, "-", "-", "-",
				    done[i].status);
			for (size_t k = 0; k < done[i].ninv; k++) {
				struct lb_inventory *inv = done[i].invs[k];
				char nf[24];
				snprintf(nf, sizeof(nf), "%zu", inv->nfindings);
				fprintf(out, "%-50s %-12s %-16s %8zu %8s  %s%s\n", done[i].ref, dg,
				    inv->platform ? inv->platform : "-", inv->npkgs, db ? nf : "-", done[i].status,
				    inv->partial ? " (partial)" : "");
			}
		}
		fprintf(out, "%zu images in %zu repositories, %zu failed\n", ndone, nrepos, failed);
	}
	r = lb_cli_out_close(cx, &rout, r);
	/* every image was tried and the summary names the failures; the
	 * exit status still says that some failed */
	if (r >= 0 && failed)
		r = -LB_E_FORMAT;
out:
	for (size_t i = 0; i < ndone; i++) {
		for (size_t k = 0; k < done[i].ninv; k++)
			lb_inventory_free(done[i].invs[k]);
		free(done[i].invs);
		free(done[i].ref);
		free(done[i].digest);
		free(done[i].status);
	}
	free(done);
	free_names(repos, nrepos);
	lb_vulndb_close(db);
	free(dbpath);
	lb_registry_free(reg);
	lb_ref_release(&where);
	free(lcache);
	return ex >= 0 ? ex : lb_exit_status(r);
}
