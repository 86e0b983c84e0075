/* cli_policy.c - filters and exceptions shared by image, rootfs and sbom:
 * --pkg-types, --severity, --ignore-unfixed, --ignorefile and --vex. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "match/match.h"
#include "policy/policy.h"
#include "base/lb_banned.h"

int
lb_cli_filter_option(struct lb_cli_filters *f, int c, const char *arg)
{
	int m;

	switch (c) {
	case LB_OPT_PKG_TYPES:
		if ((m = lb_policy_parse_pkg_types(arg)) < 0) {
			fprintf(stderr, "lifebelt: --pkg-types takes a list of os, library\n");
			return -1;
		}
		f->pkg_types = (unsigned)m;
		return 1;
	case LB_OPT_IGNOREFILE:
		f->ignorefile = arg;
		return 1;
	case LB_OPT_VEX:
		if (f->nvex >= sizeof(f->vex) / sizeof(f->vex[0])) {
			fprintf(stderr, "lifebelt: at most %zu --vex files\n", sizeof(f->vex) / sizeof(f->vex[0]));
			return -1;
		}
		f->vex[f->nvex++] = arg;
		return 1;
	}
	return 0;
}

int
lb_cli_policy_load(struct lb_ctx *cx, const struct lb_cli_filters *f, struct lb_policy **out)
{
	static const char *const defaults[] = { ".lifebeltignore", ".lifebeltignore.yaml" };
	struct lb_policy *pol;
	char today[16];
	struct tm tm;
	time_t t = time(NULL);
	int r;

	*out = NULL;
	gmtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	pol = lb_policy_new(today);
	if (f->ignorefile) {
		if ((r = lb_policy_load_ignore(cx, pol, f->ignorefile)) < 0) {
			if (r == -ENOENT)
				lb_err(cx, "cannot read '%s': %s", f->ignorefile, strerror(ENOENT));
			lb_policy_free(pol);
			return r == -ENOENT ? EX_NOINPUT : r == -LB_E_FORMAT || r == -LB_E_LIMIT ?
			    EX_DATAERR : EX_IOERR;
		}
	} else {
		for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
			r = lb_policy_load_ignore(cx, pol, defaults[i]);
			if (r < 0 && r != -ENOENT) {
				lb_policy_free(pol);
				return r == -LB_E_FORMAT || r == -LB_E_LIMIT ? EX_DATAERR : EX_IOERR;
			}
		}
	}
	for (size_t i = 0; i < f->nvex; i++) {
		if ((r = lb_policy_load_vex(cx, pol, f->vex[i])) < 0) {
			lb_policy_free(pol);
			return r == -ENOENT ? EX_NOINPUT : r == -LB_E_FORMAT || r == -LB_E_LIMIT ?
			    EX_DATAERR : EX_IOERR;
		}
	}
	lb_policy_warn_expired(cx, pol);
	*out = pol;
	return 0;
}

/* Exceptions first, so that an entry is stale only when it matches no
 * finding at all, not when a filter hid what it matched; the filters then
 * apply to the findings set aside as well. */
void
lb_cli_filter(const struct lb_cli_filters *f, struct lb_policy *pol, struct lb_inventory *inv)
{
	size_t k = 0;

	lb_policy_apply(pol, inv);
	if (f->pkg_types)
		lb_policy_filter_pkg_types(inv, f->pkg_types);
	lb_findings_filter(inv, f->severities, f->ignore_unfixed);
	/* the same filters over the set-aside list (lb_findings_filter's rules) */
	for (size_t i = 0; i < inv->nsuppressed; i++) {
		struct lb_finding *s = &inv->suppressed[i];
		int sev = lb_severity_parse(s->severity);

		if ((f->severities && !(f->severities & (1u << (sev < 0 ? LB_SEV_UNKNOWN : sev)))) ||
		    (f->ignore_unfixed && !s->fixed)) {
			lb_finding_release(s);
			continue;
		}
		inv->suppressed[k++] = *s;
	}
	inv->nsuppressed = k;
}
