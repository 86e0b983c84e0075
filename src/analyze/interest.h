/* interest.h - the analyzers' interests (analyzer.h) indexed for the layer
 * walker, which asks for every file of every layer which analyzers want
 * it. Matching each path against every interest of every analyzer costs
 * more than reading most small files; the index first keeps only the
 * interests whose suffix ends with the path's last byte, or whose exact
 * path or prefix starts with its first byte, and matches those with
 * lb_interest_match. Answers are the same as walking the table.
 *
 * Built once per scan (lb_interest_index_new; the caller owns it and frees
 * it with lb_interest_index_free), read by many threads at once.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "analyze/analyzer.h"

struct lb_interest_index;

/* The same answers from the table itself, interest by interest (the
 * walker without an index, and the reference the index is tested against). */
uint32_t lb_interest_table_cap(const struct lb_analyzer_ops *const *table, const char *path, size_t len);
size_t lb_interest_table_streamers(const struct lb_analyzer_ops *const *table, const char *path,
    size_t len, unsigned mode, const struct lb_analyzer_ops **ops, size_t max, uint64_t *cap);

/* Indexes the interests and stream interests of a NULL-terminated table
 * of analyzers (lb_analyzers; at most 64). */
struct lb_interest_index *lb_interest_index_new(const struct lb_analyzer_ops *const *table);
void lb_interest_index_free(struct lb_interest_index *x);

/* The largest cap of the (capture) interests path (len bytes) matches,
 * or 0. */
uint32_t lb_interest_index_cap(const struct lb_interest_index *x, const char *path, size_t len);

/* The analyzers with a scan_file whose stream interests match path (len
 * bytes) with this mode, in table order, at most max of them, into ops;
 * returns how many. *cap gets the largest cap among them, each
 * analyzer's cap being that of the first of its interests that matches. */
size_t lb_interest_index_streamers(const struct lb_interest_index *x, const char *path, size_t len,
    unsigned mode, const struct lb_analyzer_ops **ops, size_t max, uint64_t *cap);
