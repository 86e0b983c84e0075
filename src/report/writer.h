/* writer.h - report formats. Each writer is a const ops table in its own
 * file (rep_*.c), listed in writers.c. Writers escape every string taken
 * from an image: JSON output is always valid UTF-8, and the table output
 * never lets control characters or escape sequences reach the terminal.
 */
#pragma once
#include <stdio.h>

#include "analyze/inventory.h"
#include "base/lb_ctx.h"

struct lb_policy;

/* One report: one inventory per scanned image (several with --platform all). */
struct lb_report {
	const char *tool_version;
	const char *created;          /* RFC 3339 UTC time of the scan */
	struct lb_inventory **results; /* not owned by the report */
	size_t nresults;
	int with_files;               /* list each package's installed files (--list-files) */
	int with_packages;            /* table: list packages even when vulnerabilities are shown */
	/* the exceptions that were applied (src/policy), for their stale and
	 * expired entries; NULL when none were read */
	const struct lb_policy *policy;
};

struct lb_writer_ops {
	const char *name;             /* value of --format */
	int (*write)(struct lb_ctx *cx, const struct lb_report *rep, FILE *out);
};

/* Returns the writer called name, or NULL. */
const struct lb_writer_ops *lb_writer_find(const char *name);
/* Comma-separated names of all writers, for --help. */
const char *lb_writer_names(void);

/* A random (version 4) UUID in lowercase, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx",
 * for document IDs (SPDX namespace, OpenVEX @id). Returns 0 or < 0. */
int lb_report_uuid(char out[37]);
/* What to call an image in a report: its reference, else the input as the
 * user named it, else "image" (a string of inv, or static). */
const char *lb_report_image_name(const struct lb_inventory *inv);
