/* cli.h - the subcommands of the lifebelt command line. Each returns the
 * process exit status (sysexits). */
#pragma once
#include <stdio.h>

#include "base/lb_ctx.h"

/* Options shared by every subcommand. */
struct lb_cli {
	const char *cache_dir;   /* --cache-dir, or NULL for the default */
	const char *db;          /* --db, or NULL for <cache>/db/lifebelt.db */
	int quiet;
};

#define LB_CLI_HOW_TO_GET_DB \
	"run 'lifebelt db update' to download the public feeds, or 'lifebelt db build " \
	"--source KIND:PATH ...' to build one from feeds on disk, or pass --db FILE"

/* The cache folder: --cache-dir, else $XDG_CACHE_HOME/lifebelt, else
 * $HOME/.cache/lifebelt (new string). */
char *lb_cli_cache_dir(const struct lb_cli *cli);
/* The database path: --db, else <cache>/db/lifebelt.db (new string). */
char *lb_cli_default_db(const struct lb_cli *cli);

/* Prints the command line help (main.c). */
void lb_cli_usage(FILE *f);

int lb_cmd_scan(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli);
int lb_cmd_db(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli);
int lb_cmd_db_update(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli);
int lb_cmd_version(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli);
int lb_cmd_sbom(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli);
int lb_cmd_registry(struct lb_ctx *cx, int argc, char **argv, const struct lb_cli *cli);

/* Registry options shared by `image REF` and `registry` (cmd_registry.c). */
struct lb_registry;
struct lb_cli_reg {
	const char *ca_cert;     /* --ca-cert FILE */
	int insecure;            /* --insecure: the named registry only */
	const char *username;    /* --username, with --password-stdin */
	int password_stdin;
	int timeout;             /* --registry-timeout SECONDS, 0: default */
	const char *mirrors[16]; /* --registry-mirror URL, repeatable: Docker Hub's mirrors */
	size_t nmirrors;
};
enum { LB_OPT_INSECURE = 2001, LB_OPT_CA_CERT, LB_OPT_USERNAME, LB_OPT_PASSWORD_STDIN, LB_OPT_REG_TIMEOUT,
	LB_OPT_REG_MIRROR };
#define LB_CLI_REG_LONGOPTS \
	{ "insecure", no_argument, NULL, LB_OPT_INSECURE }, \
	{ "ca-cert", required_argument, NULL, LB_OPT_CA_CERT }, \
	{ "username", required_argument, NULL, LB_OPT_USERNAME }, \
	{ "password-stdin", no_argument, NULL, LB_OPT_PASSWORD_STDIN }, \
	{ "registry-timeout", required_argument, NULL, LB_OPT_REG_TIMEOUT }, \
	{ "registry-mirror", required_argument, NULL, LB_OPT_REG_MIRROR }
/* Takes getopt result c into o: 1 taken, 0 not a registry option, -1 a
 * bad value (message printed). */
int lb_cli_reg_option(struct lb_cli_reg *o, int c, const char *arg);
/* Connects to host with o: credentials from --username/--password-stdin,
 * else LIFEBELT_USERNAME/LIFEBELT_PASSWORD, else config.json. For
 * docker.io, the mirrors are --registry-mirror, else the comma list in
 * $LIFEBELT_REGISTRY_MIRRORS. A progress line goes to standard error when
 * it is a terminal and the log is not quiet (-q). */
int lb_cli_registry_open(struct lb_ctx *cx, const struct lb_cli_reg *o, const char *host,
    struct lb_registry **out);

/* Filters and exceptions shared by image, rootfs and sbom (cli_policy.c). */
struct lb_policy;
struct lb_inventory;
struct lb_cli_filters {
	unsigned pkg_types;       /* --pkg-types: LB_PKGTYPE_* mask (policy.h), 0 = all */
	unsigned severities;      /* --severity: 1 << LB_SEV_* (match.h), 0 = all */
	int ignore_unfixed;       /* --ignore-unfixed */
	const char *ignorefile;   /* --ignorefile, or NULL for ./.lifebeltignore[.yaml] */
	const char *vex[32];      /* --vex, repeatable */
	size_t nvex;
};
enum { LB_OPT_PKG_TYPES = 3001, LB_OPT_IGNOREFILE, LB_OPT_VEX };   /* 3001-3099: filters */
#define LB_CLI_FILTER_LONGOPTS \
	{ "pkg-types", required_argument, NULL, LB_OPT_PKG_TYPES }, \
	{ "ignorefile", required_argument, NULL, LB_OPT_IGNOREFILE }, \
	{ "vex", required_argument, NULL, LB_OPT_VEX }
/* Takes getopt result c into f: 1 taken, 0 not a filter option, -1 a bad
 * value (message printed). */
int lb_cli_filter_option(struct lb_cli_filters *f, int c, const char *arg);
/* Reads the ignore file (--ignorefile, else ./.lifebeltignore and
 * ./.lifebeltignore.yaml when present) and the --vex files into a new
 * policy (*out, lb_policy_free). Returns 0 or an exit status (66 absent
 * --ignorefile / --vex, 65 malformed), the error printed. */
int lb_cli_policy_load(struct lb_ctx *cx, const struct lb_cli_filters *f, struct lb_policy **out);
/* Applies exceptions, then --pkg-types, --severity and --ignore-unfixed,
 * to one matched inventory. */
void lb_cli_filter(const struct lb_cli_filters *f, struct lb_policy *pol, struct lb_inventory *inv);

/* The report output of image, rootfs, sbom and registry scan (cli_out.c):
 * standard output, or path, written as path.lifebelt-tmp and renamed into
 * place only when the whole report was written. */
struct lb_cli_out {
	FILE *f;                  /* where to write; stdout when there is no path */
	const char *path;         /* -o, or NULL */
	char *tmp;                /* owned */
};
/* Opens o for path (NULL: stdout). Returns 0, or EX_CANTCREAT with the
 * error printed. */
int lb_cli_out_open(struct lb_ctx *cx, struct lb_cli_out *o, const char *path);
/* Flushes and closes o. r is the writer's result: when it is < 0, or the
 * flush, close or rename fails, the temporary file is removed and no report
 * is left. Returns r, or a negative errno for a failure here (printed). */
int lb_cli_out_close(struct lb_ctx *cx, struct lb_cli_out *o, int r);
/* The current UTC time as RFC 3339 ("2026-11-29T08:00:00Z") into out. */
void lb_cli_now_rfc3339(char *out, size_t cap);
/* --severity "HIGH,CRITICAL" -> mask of 1 << LB_SEV_*; -1 for an empty list
 * or an unknown name. */
long lb_cli_severities(const char *list);
/* Reads option opt's value arg as a decimal number from lo to hi into *out.
 * Returns 0, or -1 with a message on stderr. */
int lb_cli_number(const char *opt, const char *arg, int lo, int hi, int *out);
