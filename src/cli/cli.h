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
