/* analyzer.h - analyzers turn captured files into inventory facts.
 *
 * Each analyzer declares the paths it wants (interests); the layer walker
 * keeps only those entries' bytes (up to max_size each) and the merged
 * view (fsview.h) hands them to analyze(). An analyzer never sees a layer
 * stream, so it does not know whether its bytes came from a docker-archive,
 * an OCI layout, a registry or a directory.
 *
 * Problems inside the content (unparseable database, bad stanza) are
 * warnings through lb_warn naming the file; analyze() then goes on and
 * returns 0. A negative return means an internal failure only.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "analyze/inventory.h"
#include "base/lb_ctx.h"
#include "image/fsview.h"

enum lb_match { LB_MATCH_EXACT, LB_MATCH_PREFIX, LB_MATCH_SUFFIX, LB_MATCH_PREFIX_SUFFIX };

struct lb_interest {
	enum lb_match kind;
	const char *path;      /* exact path or prefix, normalised (no leading '/') */
	const char *suffix;    /* for LB_MATCH_SUFFIX and LB_MATCH_PREFIX_SUFFIX */
	uint32_t max_size;     /* bytes kept; larger files are captured truncated and flagged */
};

struct lb_analyzer_ops {
	const char *name;
	const struct lb_interest *interests;   /* terminated by an entry with path == NULL */
	/* Reads the final view and adds packages (with db_path set) and/or OS
	 * facts to inv. */
	int (*analyze)(struct lb_ctx *cx, const struct lb_fsview *v, struct lb_inventory *inv);
	/* Optional: parses one version of the database file f into packages
	 * (name, version, arch at least). Used to find the layer that added each
	 * package: it is called on every version of a package's db_path in layer
	 * order. Must warn at most once per file. */
	int (*parse_db)(struct lb_ctx *cx, const struct lb_file *f, struct lb_inventory *out);
};

/* The table of all analyzers, NULL-terminated (analyzers.c). */
extern const struct lb_analyzer_ops *const lb_analyzers[];

/* Runs every analyzer on v, then sets each package's layer from the history
 * of its db_path. OS facts go to inv->os. */
int lb_analyze_all(struct lb_ctx *cx, const struct lb_fsview *v, struct lb_inventory *inv);

/* Whether path matches interest i; returns the cap or 0 when it does not match. */
uint32_t lb_interest_match(const struct lb_interest *i, const char *path, size_t len);
