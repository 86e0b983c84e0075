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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze/inventory.h"
#include "base/lb_buf.h"
#include "base/lb_ctx.h"
#include "base/lb_hmap.h"
#include "base/lb_slice.h"
#include "image/fsview.h"
#include "io/istream.h"

enum lb_match {
	LB_MATCH_EXACT, LB_MATCH_PREFIX, LB_MATCH_SUFFIX, LB_MATCH_PREFIX_SUFFIX,
	LB_MATCH_EXEC,         /* stream interests only: any regular file with an execute bit */
	/* the path ends with suffix, and what comes before the suffix ends
	 * with components matching those of the pattern path, one for one, a
	 * '*' standing for any run of bytes inside a component: pattern
	 * "node_modules" + slash + star with suffix "/package.json" matches
	 * "srv/node_modules/a/package.json", neither
	 * "srv/node_modules/a/esm/package.json" nor "a/package.json" */
	LB_MATCH_TAIL,
};

struct lb_interest {
	enum lb_match kind;
	const char *path;      /* exact path, prefix or LB_MATCH_TAIL pattern, normalised (no leading '/') */
	const char *suffix;    /* for LB_MATCH_SUFFIX, LB_MATCH_PREFIX_SUFFIX and LB_MATCH_TAIL */
	uint32_t max_size;     /* bytes kept; larger files are captured truncated and flagged */
};

struct lb_analyzer_ops {
	const char *name;
	/* Files whose bytes are kept for analyze(); terminated by an entry with
	 * path and suffix both NULL. */
	const struct lb_interest *interests;
	/* Reads the final view and adds packages (with db_path set) and/or OS
	 * facts to inv. */
	int (*analyze)(struct lb_ctx *cx, const struct lb_fsview *v, struct lb_inventory *inv);
	/* Optional: parses one version of the database file f into packages
	 * (name, version, arch at least). Used to find the layer that added each
	 * package: it is called on every version of a package's db_path in layer
	 * order. Must warn at most once per file. */
	int (*parse_db)(struct lb_ctx *cx, const struct lb_file *f, struct lb_inventory *out);
	/* Optional streaming pass, for files too big or too many to keep
	 * (archives, binaries, node_modules/ package.json): the layer walker
	 * calls scan_file for each regular file matching stream_interests
	 * (max_size there caps the bytes offered), with f describing it (path,
	 * real_size, mode, layer; f->data is NULL) and its bytes as a stream
	 * that cannot seek. Packages added to out become facts of that path in
	 * that layer: they are reported (with layer and db_path = the path when
	 * unset) only when the path survives whiteouts and later layers. Runs
	 * in the walker's threads, several at once: keep no shared state.
	 * Problems are warnings naming the file; return < 0 only for internal
	 * failures. When several analyzers stream one file, the walker buffers
	 * it (up to LB_MAX_STREAM_BUFFER) so each reads it from the start. */
	const struct lb_interest *stream_interests;
	int (*scan_file)(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
	    struct lb_inventory *out);
};

/* The table of all analyzers, NULL-terminated (analyzers.c). */
extern const struct lb_analyzer_ops *const lb_analyzers[];

/* Runs every analyzer on v, then sets each package's layer from the history
 * of its db_path. OS facts go to inv->os. */
int lb_analyze_all(struct lb_ctx *cx, const struct lb_fsview *v, struct lb_inventory *inv);

/* Whether path matches interest i; returns the cap or 0 when it does not match. */
uint32_t lb_interest_match(const struct lb_interest *i, const char *path, size_t len);
/* The same, for a file of the given mode (LB_MATCH_EXEC needs an execute bit). */
uint32_t lb_interest_match_mode(const struct lb_interest *i, const char *path, size_t len,
    unsigned mode);

/* For a scan_file that parses its file whole (a JSON document): reads all
 * of is into b, at most b->max bytes. Returns 1, or 0 after a warning
 * naming f when the file is larger than that or cannot be read. */
int lb_analyze_read_doc(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_buf *b);

/* Name/version pairs already added from one lockfile or manifest, so each
 * is added once. Zero-initialise; lb_seen_release frees the keys. */
struct lb_seen {
	struct lb_hmap m;
	char **keys;        /* owned: "name\0version" */
	size_t n, cap;
};
/* True when name/version was not seen before (and remembers it). */
bool lb_seen_add(struct lb_seen *s, struct lb_slice name, struct lb_slice version);
void lb_seen_release(struct lb_seen *s);
