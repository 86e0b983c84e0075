/* fuzz_feed_secdb.c - Alpine / Wolfi secdb documents (JSON or YAML),
 * parsed into a collector that reads every field it is handed. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/lb_ctx.h"
#include "vulndb/feed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
len0(const char *s)
{
	return s ? strlen(s) : 0;
}

/* Touches every string, so that the sanitizers see a dangling one. */
static int
collect(struct lb_feed_sink *s, const struct lb_feed_record *r)
{
	size_t *n = s->arg;
	double score;
	int version;

	*n += len0(r->id) + len0(r->file) + len0(r->title) + len0(r->published) + len0(r->modified);
	for (size_t i = 0; i < r->naliases; i++)
		*n += len0(r->aliases[i]);
	for (size_t i = 0; i < r->nrelated; i++)
		*n += len0(r->related[i]);
	for (size_t i = 0; i < r->ncwe; i++)
		*n += len0(r->cwe[i]);
	for (size_t i = 0; i < r->ncvss; i++) {
		*n += len0(r->cvss[i].vector);
		if (lb_cvss_base_score(r->cvss[i].vector, &score, &version) == 0 &&
		    (score < 0 || score > 10 || lb_cvss_severity(score, version) == LB_FEED_SEV_NONE))
			__builtin_trap();
	}
	for (size_t i = 0; i < r->naff; i++) {
		const struct lb_feed_affected *a = &r->aff[i];
		*n += len0(a->source) + len0(a->ecosystem) + len0(a->distro) + len0(a->package) +
		    len0(a->fixed) + len0(a->ranges) + len0(a->versions) + len0(a->severity_source) +
		    len0(a->record);
		if (!a->ecosystem || !a->package || !a->source || a->status > LB_VS_NOT_AFFECTED)
			__builtin_trap();
	}
	return 0;
}

static void
run(const struct lb_feed_ops *ops, const char *kind, const char *name, const uint8_t *data, size_t size)
{
	size_t n = 0;
	struct lb_ctx cx;
	struct lb_feed_sink s;

	lb_ctx_init(&cx, NULL);
	s = (struct lb_feed_sink){ .cx = &cx, .emit = collect, .arg = &n };
	ops->parse(&s, kind, name, data, size);
	lb_ctx_release(&cx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(&lb_feed_alpine_secdb, "alpine-secdb", "v3.18/main.yaml", data, size);
	run(&lb_feed_wolfi_secdb, "wolfi-secdb", "security.json", data, size);
	return 0;
}
