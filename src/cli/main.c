/* main.c - the lifebelt command line. */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_ctx.h"
#include "base/lb_err.h"
#include "image/image.h"
#include "report/writer.h"

/* The scratch folder path: the only process-wide mutable state, kept here
 * in main as the house rules ask, so the signal thread can remove it. */
static char scratch_path[4096];

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p) == 0 ? 0 : 0;
}

static void
scratch_remove(void)
{
	if (scratch_path[0]) {
		nftw(scratch_path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		scratch_path[0] = 0;
	}
}

/* SIGINT/SIGTERM/SIGHUP are blocked in every thread and taken here, so
 * the scratch folder is removed outside of a signal handler. */
static void *
signal_thread(void *arg)
{
	sigset_t *set = arg;
	int sig = 0;

	if (sigwait(set, &sig) == 0) {
		scratch_remove();
		fprintf(stderr, "lifebelt: interrupted by signal %d\n", sig);
		_exit(128 + sig);
	}
	return NULL;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: lifebelt image --input PATH [options]   scan an image on disk\n"
	    "       lifebelt rootfs DIR [options]           scan a root filesystem\n"
	    "       lifebelt --version | --help\n"
	    "\n"
	    "PATH is a docker save archive, an OCI image layout directory (optionally\n"
	    "DIR:TAG or DIR@sha256:DIGEST) or an OCI archive; the kind is read from\n"
	    "the content. Compressed archives (gzip, zstd) are accepted.\n"
	    "\n"
	    "options:\n"
	    "  -i, --input PATH         the image to scan (image)\n"
	    "      --platform P         os/arch[/variant], or 'all' (default: the only one,\n"
	    "                           else the host's, %s)\n"
	    "      --image NAME[:TAG]   pick one image of an archive holding several\n"
	    "  -f, --format FMT         %s (default table)\n"
	    "  -o, --output FILE        write the report to FILE instead of stdout\n"
	    "      --list-files         list each package's installed files (json)\n"
	    "      --cache-dir DIR      cache folder (default $XDG_CACHE_HOME/lifebelt)\n"
	    "  -j, --threads N          layers analysed in parallel (default: cores)\n"
	    "  -q, --quiet              print errors only\n"
	    "  -v, --verbose            more diagnostics (repeat for debug)\n"
	    "  -h, --help               this help\n"
	    "  -V, --version            print the version\n"
	    "\n"
	    "exit status: 0 ok, 64 usage, 65 bad input data (integrity), 66 input not\n"
	    "found, 70 internal error, 74 I/O error; see docs/exit-codes.md\n",
	    lb_host_platform(), lb_writer_names());
}

static void
now_rfc3339(char *out, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "platform", required_argument, NULL, 'P' },
		{ "image", required_argument, NULL, 'I' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "list-files", no_argument, NULL, 'L' },
		{ "cache-dir", required_argument, NULL, 'C' },
		{ "threads", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct lb_ctx cx;
	struct lb_scan_opts so = { 0 };
	struct lb_inventory **invs = NULL;
	struct lb_report rep = { 0 };
	const struct lb_writer_ops *w;
	const char *format = "table", *outpath = NULL, *cmd = NULL, *tmpdir;
	char created[32], *tmpout = NULL;
	size_t ninv = 0;
	sigset_t set;
	pthread_t sigth;
	FILE *out = stdout;
	int exitcode = -1;
	int c, r = 0, quiet = 0, verbose = 0, with_files = 0, threads = 0;

	lb_ctx_init(&cx, stderr);
	if (argc >= 2 && argv[1][0] != '-') {
		cmd = argv[1];
		argv++;
		argc--;
	}
	while ((c = getopt_long(argc, argv, "i:f:o:j:qvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': so.input = optarg; break;
		case 'P': so.platform = optarg; break;
		case 'I': so.image = optarg; break;
		case 'f': format = optarg; break;
		case 'o': outpath = optarg; break;
		case 'L': with_files = 1; break;
		case 'C': break;   /* no cache yet: accepted so scripts can pass it */
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 64) {
				fprintf(stderr, "lifebelt: --threads takes a number from 1 to 64\n");
				return EX_USAGE;
			}
			threads = (int)n;
			break;
		}
		case 'q': quiet = 1; break;
		case 'v': verbose++; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("lifebelt %s\n", LB_VERSION); return 0;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (!cmd) {
		usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(cmd, "rootfs") == 0) {
		if (optind != argc - 1) {
			fprintf(stderr, "lifebelt: rootfs takes one directory\n");
			return EX_USAGE;
		}
		so.input = argv[optind];
	} else if (strcmp(cmd, "image") == 0) {
		if (optind < argc && !so.input && optind == argc - 1) {
			fprintf(stderr, "lifebelt: scanning a registry image ('%s') is not supported yet; "
			    "use --input PATH for an image on disk\n", argv[optind]);
			return EX_USAGE;
		}
		if (!so.input || optind != argc) {
			fprintf(stderr, "lifebelt: image needs --input PATH\n");
			return EX_USAGE;
		}
	} else {
		fprintf(stderr, "lifebelt: unknown command '%s'\n", cmd);
		usage(stderr);
		return EX_USAGE;
	}
	if (!(w = lb_writer_find(format))) {
		fprintf(stderr, "lifebelt: unknown format '%s' (choose from %s)\n", format, lb_writer_names());
		return EX_USAGE;
	}
	cx.verbosity = quiet ? LB_LOG_ERROR : LB_LOG_WARN + verbose;
	if (threads)
		cx.nthreads = threads;

	/* the scratch folder, removed on every exit */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(scratch_path, sizeof(scratch_path), "%s/lifebelt.XXXXXX", tmpdir);
	if (!mkdtemp(scratch_path)) {
		fprintf(stderr, "lifebelt: cannot create a scratch folder in '%s': %s\n", tmpdir, strerror(errno));
		scratch_path[0] = 0;
		return EX_CANTCREAT;
	}
	cx.scratch = scratch_path;
	pthread_create(&sigth, NULL, signal_thread, &set);

	if (strcmp(cmd, "rootfs") == 0) {
		invs = lb_xcalloc(1, sizeof(*invs));
		r = lb_rootfs_scan(&cx, so.input, &invs[0]);
		ninv = r < 0 ? 0 : 1;
	} else {
		r = lb_image_scan(&cx, &so, &invs, &ninv);
	}
	if (r < 0)
		goto out;

	if (outpath) {
		/* write next to the target and rename, so a failed run leaves no half report */
		tmpout = lb_xasprintf("%s.lifebelt-tmp", outpath);
		if (!(out = fopen(tmpout, "w"))) {
			lb_err(&cx, "cannot write '%s': %s", outpath, strerror(errno));
			out = stdout;
			exitcode = EX_CANTCREAT;
			goto out;
		}
	}
	now_rfc3339(created, sizeof(created));
	rep.tool_version = LB_VERSION;
	rep.created = created;
	rep.results = invs;
	rep.nresults = ninv;
	rep.with_files = with_files;
	r = w->write(&cx, &rep, out);
	if (fflush(out) != 0 || ferror(out)) {
		lb_err(&cx, "cannot write the report: %s", strerror(errno));
		r = -EIO;
	}
	if (outpath) {
		if (fclose(out) != 0 && r >= 0)
			r = -errno;
		out = stdout;
		if (r >= 0 && rename(tmpout, outpath) != 0) {
			r = -errno;
			lb_err(&cx, "cannot write '%s': %s", outpath, strerror(errno));
		}
		if (r < 0)
			unlink(tmpout);
	}
out:
	for (size_t i = 0; i < ninv; i++)
		lb_inventory_free(invs[i]);
	free(invs);
	free(tmpout);
	scratch_remove();
	lb_ctx_release(&cx);
	return exitcode >= 0 ? exitcode : lb_exit_status(r);
}
