/* main.c - the lifebelt command line: global set-up and dispatch. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "base/lb_alloc.h"
#include "base/lb_ctx.h"
#include "cli/cli.h"
#include "image/image.h"
#include "report/writer.h"

/* The scratch folder path: the only process-wide mutable state, kept here
 * in main as the house rules ask, so the signal handler can remove it. */
static char scratch_path[4096];

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	remove(p);
	return 0;
}

static void
scratch_remove(void)
{
	if (scratch_path[0]) {
		nftw(scratch_path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		scratch_path[0] = 0;
	}
}

/* Removes the folder name (in dfd) and all it holds with system calls
 * alone: no allocation, no stdio, so it may run in a signal handler. */
static void
rm_tree_at(int dfd, const char *name, int depth)
{
	char buf[4096];
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), more = 1;
	ssize_t n;

	if (fd < 0)
		return;
	while (more) {
		more = 0;
		lseek(fd, 0, SEEK_SET);
		while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
			for (ssize_t off = 0; off < n;) {
				struct dirent64 *d = (struct dirent64 *)(void *)(buf + off);
				off += d->d_reclen;
				if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
					continue;
				if (unlinkat(fd, d->d_name, 0) == 0)
					more = 1;
				else if (errno == EISDIR && depth < 16) {
					rm_tree_at(fd, d->d_name, depth + 1);
					more = 1;
				}
			}
		}
	}
	close(fd);
	unlinkat(dfd, name, AT_REMOVEDIR);
}

/* SIGINT/SIGTERM/SIGHUP: remove the scratch folder and stop. A handler,
 * not a thread waiting for the signals: the process stays single-threaded
 * until the layers are walked, so stdio (which libclamav reads its
 * databases with, a character at a time) takes no locks. */
static void
on_signal(int sig)
{
	static const char msg[] = "lifebelt: interrupted by signal ";
	char num[4] = { (char)('0' + sig / 10 % 10), (char)('0' + sig % 10), '\n', 0 };
	ssize_t w;

	if (scratch_path[0])
		rm_tree_at(AT_FDCWD, scratch_path, 0);
	w = write(2, msg, sizeof(msg) - 1);
	w += write(2, sig >= 10 ? num : num + 1, sig >= 10 ? 3 : 2);
	(void)w;
	_exit(128 + sig);
}

void
lb_cli_usage(FILE *f)
{
	fprintf(f,
	    "usage: lifebelt image --input PATH [options]   scan an image on disk\n"
	    "       lifebelt image REF [options]            scan an image on a registry\n"
	    "       lifebelt registry list HOST[/REPO]      list repositories and tags\n"
	    "       lifebelt registry scan HOST[/NAMESPACE] scan every tag, with a summary\n"
	    "       lifebelt rootfs DIR [options]           scan a root filesystem\n"
	    "       lifebelt sbom FILE [options]            scan a CycloneDX or SPDX JSON SBOM\n"
	    "       lifebelt db build|update|info ...       manage the vulnerability database\n"
	    "       lifebelt version compare ECO A B|-      compare versions as ECO orders them\n"
	    "       lifebelt --version | --help\n"
	    "\n"
	    "PATH is a docker save archive, an OCI image layout directory (optionally\n"
	    "DIR:TAG or DIR@sha256:DIGEST) or an OCI archive; the kind is read from\n"
	    "the content. Compressed archives (gzip, zstd) are accepted.\n"
	    "\n"
	    "scan options:\n"
	    "  -i, --input PATH         the image to scan (image)\n"
	    "      --platform P         os/arch[/variant], or 'all' (default: the only one,\n"
	    "                           else the host's, %s)\n"
	    "      --image NAME[:TAG]   pick one image of an archive holding several\n"
	    "registry options (image REF, registry):\n"
	    "      --insecure           plain HTTP or unverified TLS, for this registry only\n"
	    "      --ca-cert FILE       trust the CAs in FILE (PEM) instead of the system's\n"
	    "      --username USER      with --password-stdin (or LIFEBELT_USERNAME and\n"
	    "      --password-stdin     LIFEBELT_PASSWORD); else ~/.docker/config.json\n"
	    "      --registry-timeout S connect timeout and stall window (default 30)\n"
	    "      --registry-mirror URL\n"
	    "                           a Docker Hub mirror to try first (repeatable; or\n"
	    "                           LIFEBELT_REGISTRY_MIRRORS=URL,URL)\n"
	    "  -f, --format FMT         %s (default table)\n"
	    "  -o, --output FILE        write the report to FILE (- or none: stdout)\n"
	    "      --scanners LIST      vuln (default), malware, or none for the inventory only\n"
	    "      --clamav-db DIR      ClamAV databases (default /var/lib/clamav, else bundled)\n"
	    "      --yara-rules PATH    YARA rule files or folders (repeatable)\n"
	    "      --hash-list FILE     IOC list of sha256/sha1/md5 [name] lines (repeatable)\n"
	    "      --malware-engines L  clamav,yara,hashlist,integrity (default all)\n"
	    "      --db FILE            vulnerability database (default <cache>/db/lifebelt.db)\n"
	    "      --severity LIST      report only these: UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL\n"
	    "      --ignore-unfixed     hide vulnerabilities that have no fixed version\n"
	    "      --exit-code N        exit N (1-63) when vulnerabilities remain after filters\n"
	    "      --pkg-types LIST     os, library: the package kinds to report (default both)\n"
	    "      --ignorefile FILE    exceptions (default ./.lifebeltignore[.yaml]); see\n"
	    "                           docs/reports.md\n"
	    "      --vex FILE           OpenVEX or CycloneDX VEX statements (repeatable)\n"
	    "      --offline            never use the network (scans never do today)\n"
	    "      --list-packages      table: list packages too when vulnerabilities are shown\n"
	    "      --list-files         list each package's installed files (json, cyclonedx)\n"
	    "      --cache-dir DIR      cache folder (default $XDG_CACHE_HOME/lifebelt)\n"
	    "      --no-cache           neither read nor write the layer cache (<cache>/layers)\n"
	    "  -j, --threads N          layers analysed in parallel (default: cores)\n"
	    "  -q, --quiet              print errors only\n"
	    "  -v, --verbose            more diagnostics (repeat for debug)\n"
	    "  -h, --help               this help\n"
	    "  -V, --version            print the version\n"
	    "\n"
	    "exit status: 0 ok, N from --exit-code, 64 usage, 65 bad input data\n"
	    "(integrity), 66 input not found, 69 no database for --exit-code, 70 internal\n"
	    "error, 73 cannot create the output, 74 I/O error; see docs/conventions.md\n",
	    lb_host_platform(), lb_writer_names());
}

/* Options every subcommand understands, read before dispatch. */
static void
prescan(int argc, char **argv, struct lb_cli *cli, int *verbose)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if ((strcmp(a, "--cache-dir") == 0 || strcmp(a, "--db") == 0) && i + 1 < argc) {
			if (a[2] == 'c')
				cli->cache_dir = argv[i + 1];
			else
				cli->db = argv[i + 1];
			i++;
		} else if (strncmp(a, "--cache-dir=", 12) == 0) {
			cli->cache_dir = a + 12;
		} else if (strncmp(a, "--db=", 5) == 0) {
			cli->db = a + 5;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			cli->quiet = 1;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			(*verbose)++;
		} else if (strcmp(a, "-vv") == 0) {
			*verbose += 2;
		}
	}
}

char *
lb_cli_cache_dir(const struct lb_cli *cli)
{
	const char *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");

	if (cli->cache_dir)
		return lb_xstrdup(cli->cache_dir);
	if (x && x[0] == '/')
		return lb_xasprintf("%s/lifebelt", x);
	return lb_xasprintf("%s/.cache/lifebelt", h && *h ? h : "/tmp");
}

char *
lb_cli_default_db(const struct lb_cli *cli)
{
	char *c, *p;

	if (cli->db)
		return lb_xstrdup(cli->db);
	c = lb_cli_cache_dir(cli);
	p = lb_xasprintf("%s/db/lifebelt.db", c);
	free(c);
	return p;
}

int
main(int argc, char **argv)
{
	struct lb_cli cli = { 0 };
	struct lb_ctx cx;
	const char *cmd, *tmpdir;
	struct sigaction sa;
	int verbose = 0, ex;

	if (argc < 2) {
		lb_cli_usage(stderr);
		return EX_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		lb_cli_usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("lifebelt %s\n", LB_VERSION);
		return 0;
	}
	if (strcmp(cmd, "image") != 0 && strcmp(cmd, "rootfs") != 0 && strcmp(cmd, "db") != 0 &&
	    strcmp(cmd, "version") != 0 && strcmp(cmd, "registry") != 0 && strcmp(cmd, "sbom") != 0) {
		fprintf(stderr, "lifebelt: unknown command '%s'\n", cmd);
		lb_cli_usage(stderr);
		return EX_USAGE;
	}
	prescan(argc, argv, &cli, &verbose);
	/* libarchive converts every zip member's time with mktime(): without TZ,
	 * glibc checks /etc/localtime each time (tens of thousands of stat calls
	 * for an image of jars). Set once, before any thread starts. */
	if (!getenv("TZ"))
		setenv("TZ", ":/etc/localtime", 1);
	lb_ctx_init(&cx, stderr);
	cx.verbosity = cli.quiet ? LB_LOG_ERROR : LB_LOG_WARN + verbose;

	/* the scratch folder, removed on every exit */
	tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(scratch_path, sizeof(scratch_path), "%s/lifebelt.XXXXXX", tmpdir);
	if (!mkdtemp(scratch_path)) {
		fprintf(stderr, "lifebelt: cannot create a scratch folder in '%s': %s\n", tmpdir, strerror(errno));
		scratch_path[0] = 0;
		lb_ctx_release(&cx);
		return EX_CANTCREAT;
	}
	cx.scratch = scratch_path;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);      /* one signal at a time */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (strcmp(cmd, "db") == 0)
		ex = lb_cmd_db(&cx, argc - 1, argv + 1, &cli);
	else if (strcmp(cmd, "version") == 0)
		ex = lb_cmd_version(&cx, argc - 1, argv + 1, &cli);
	else if (strcmp(cmd, "registry") == 0)
		ex = lb_cmd_registry(&cx, argc - 1, argv + 1, &cli);
	else if (strcmp(cmd, "sbom") == 0)
		ex = lb_cmd_sbom(&cx, argc - 1, argv + 1, &cli);
	else
		ex = lb_cmd_scan(&cx, argc - 1, argv + 1, &cli);

	scratch_remove();
	lb_ctx_release(&cx);
	return ex;
}
