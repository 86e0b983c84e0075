/* an_rpm.c - rpm packages: the package database in any of its three back
 * ends (rpmdb.h), streamed, and the text manifest that CBL-Mariner's
 * distroless images keep instead of a database.
 *
 * The databases are read by a streaming pass (analyzer.h scan_file): a big
 * RHEL Packages file is over 100 MB, more than a captured file may take.
 * The back end is chosen by the file's first bytes, not its name. The
 * packages become facts of the database's path in its layer, so a package
 * is attributed to the layer of the database version that survives, not
 * to the layer that first installed it (parse_db cannot re-read a stream).
 * An image that keeps two databases (a stale Packages beside rpmdb.sqlite
 * after a conversion) reports both.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/rpmdb.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define RPM_MANIFEST      "var/lib/rpmmanifest/container-manifest-2"
#define RPM_MANIFEST_MAX  (4u << 20)

static const struct lb_interest rpm_interests[] = {
	{ LB_MATCH_EXACT, RPM_MANIFEST, NULL, RPM_MANIFEST_MAX },
	{ 0, NULL, NULL, 0 },
};

/* rpm's %_dbpath: var/lib/rpm until rpm 4.16 moved it to
 * usr/lib/sysimage/rpm (openSUSE, Fedora >= 36; var/lib/rpm is then a
 * symlink, and a tar stores the file once, under its real path). */
static const struct lb_interest rpm_stream_interests[] = {
	{ LB_MATCH_EXACT, "var/lib/rpm/Packages", NULL, LB_RPM_STREAM_MAX },
	{ LB_MATCH_EXACT, "var/lib/rpm/Packages.db", NULL, LB_RPM_STREAM_MAX },
	{ LB_MATCH_EXACT, "var/lib/rpm/rpmdb.sqlite", NULL, LB_RPM_STREAM_MAX },
	{ LB_MATCH_EXACT, "usr/lib/sysimage/rpm/Packages", NULL, LB_RPM_STREAM_MAX },
	{ LB_MATCH_EXACT, "usr/lib/sysimage/rpm/Packages.db", NULL, LB_RPM_STREAM_MAX },
	{ LB_MATCH_EXACT, "usr/lib/sysimage/rpm/rpmdb.sqlite", NULL, LB_RPM_STREAM_MAX },
	{ 0, NULL, NULL, 0 },
};

struct scan {
	const char *path;
	struct lb_inventory *out;
	struct lb_rpm_diag d;
	size_t nblobs, npkgs;
};

static int
on_blob(void *arg, const uint8_t *blob, size_t len)
{
	struct scan *s = arg;
	struct lb_rpm_header h;
	int r;

	s->nblobs++;
	if ((r = lb_rpm_header_parse(blob, len, &h)) < 0) {
		lb_rpm_diag_add(&s->d, "header %zu: %s", s->nblobs, r == -LB_E_LIMIT ?
		    "more entries or bytes than rpm allows" : "malformed (an entry out of bounds)");
		return 0;
	}
	if (h.files_bad)
		lb_rpm_diag_add(&s->d, "file list of '%.*s' is inconsistent", (int)h.name.len, h.name.p);
	s->npkgs += (size_t)lb_rpm_header_to_pkg(&h, s->path, true, s->out);
	return 0;
}

static int
rpm_scan_file(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_inventory *out)
{
	struct scan s = { .path = f->path, .out = out };
	const uint8_t *p;
	const char *kind;
	ssize_t n;
	int r;

	if ((n = lb_is_peek(is, &p, 16)) < 0)
		return 0;   /* the walk reports the broken stream */
	if (n == 0)
		return 0;   /* an empty file: rpm --initdb leaves none, but no packages either */
	if (!(kind = lb_rpm_sniff(p, (size_t)n))) {
		lb_warn(cx, "cannot read '%s': not an rpm database (no Berkeley DB, NDB or SQLite header)",
		    f->path);
		return 0;
	}
	if (strcmp(kind, "bdb") == 0)
		r = lb_rpm_bdb_read(is, cx->scratch, on_blob, &s, &s.d);
	else if (strcmp(kind, "ndb") == 0)
		r = lb_rpm_ndb_read(is, on_blob, &s, &s.d);
	else
		r = lb_rpm_sqlite_read(is, f->real_size, cx->scratch, on_blob, &s, &s.d);
	if (r == -LB_E_FORMAT) {
		lb_warn(cx, "cannot read '%s': %s", f->path, s.d.first);
		return 0;
	}
	if (r < 0 && r != -LB_E_LIMIT) {
		/* the stream broke (the walk says why) or the scratch folder failed */
		lb_warn(cx, "cannot read all of '%s' (%s database): %s", f->path, kind, lb_strerror(r));
		return 0;
	}
	if (s.d.n > 1)
		lb_warn(cx, "cannot read all of '%s' (%s database): %s (%zu problems; %zu packages read)",
		    f->path, kind, s.d.first, s.d.n, s.npkgs);
	else if (s.d.n)
		lb_warn(cx, "cannot read all of '%s' (%s database): %s (%zu packages read)", f->path, kind,
		    s.d.first, s.npkgs);
	lb_debug(cx, "'%s': %zu rpm packages (%s database)", f->path, s.npkgs, kind);
	return 0;
}

/* --- CBL-Mariner distroless: container-manifest-2 ------------------------
 * One line per package, as `rpm -qa --qf` writes it with
 * "%{NAME}\t%{VERSION}-%{RELEASE}\t%{INSTALLTIME}\t%{BUILDTIME}\t%{VENDOR}\t
 *  %{EPOCH}\t%{SIZE}\t%{ARCH}\t%{EPOCHNUM}\t%{SOURCERPM}"
 * (the query format Trivy's rpmqa analyzer reads; "(none)" for no epoch). */

enum { M_NAME, M_VR, M_INSTALLTIME, M_BUILDTIME, M_VENDOR, M_EPOCH, M_SIZE, M_ARCH,
	M_EPOCHNUM, M_SRPM, M_COUNT };

static char *
dup_slice(struct lb_slice s)
{
	return s.len ? lb_xstrndup(s.p, s.len) : NULL;
}

static bool
all_digits(struct lb_slice s)
{
	if (!s.len || s.len > 9)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return true;
}

static void
manifest_parse(struct lb_ctx *cx, const struct lb_file *f, struct lb_inventory *out)
{
	struct lb_slice s = lb_slice_make(f->data, f->size);
	size_t lineno = 0, nbad = 0, badline = 0;

	if (!f->data)
		return;
	if (f->truncated) {
		/* the last line may be cut: keep what ends in a newline */
		const char *nl = memrchr(s.p, '\n', s.len);
		s.len = nl ? (size_t)(nl - s.p) + 1 : 0;
	}
	while (s.len) {
		struct lb_slice line = lb_slice_split(&s, '\n'), col[M_COUNT], sname, svr;
		struct lb_pkg *p;
		bool nul;
		int n = 0;

		lineno++;
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (!line.len)
			continue;
		nul = memchr(line.p, 0, line.len) != NULL;
		while (n < M_COUNT && line.len)
			col[n++] = lb_slice_split(&line, '\t');
		if (nul || n < M_COUNT || !col[M_NAME].len || !col[M_VR].len ||
		    !memchr(col[M_VR].p, '-', col[M_VR].len) ||
		    (!lb_slice_eq(col[M_EPOCH], "(none)") && !all_digits(col[M_EPOCH]))) {
			if (!nbad++)
				badline = lineno;
			continue;
		}
		if (lb_slice_eq(col[M_NAME], "gpg-pubkey"))
			continue;
		p = lb_inventory_add_pkg(out);
		p->type = lb_xstrdup("rpm");
		p->name = dup_slice(col[M_NAME]);
		if (lb_slice_eq(col[M_EPOCH], "(none)"))
			p->version = dup_slice(col[M_VR]);
		else
			p->version = lb_xasprintf("%.*s:%.*s", (int)col[M_EPOCH].len, col[M_EPOCH].p,
			    (int)col[M_VR].len, col[M_VR].p);
		if (!lb_slice_eq(col[M_ARCH], "(none)"))
			p->arch = dup_slice(col[M_ARCH]);
		if (!lb_slice_eq(col[M_VENDOR], "(none)"))
			p->maintainer = dup_slice(col[M_VENDOR]);
		if (lb_rpm_split_srpm(col[M_SRPM], &sname, &svr)) {
			char *sv = lb_slice_eq(col[M_EPOCH], "(none)") ? dup_slice(svr) :
			    lb_xasprintf("%.*s:%.*s", (int)col[M_EPOCH].len, col[M_EPOCH].p, (int)svr.len, svr.p);
			if (!lb_slice_eq(sname, p->name))
				p->src_name = dup_slice(sname);
			if (strcmp(sv, p->version) != 0)
				p->src_version = sv;
			else
				free(sv);
		}
		p->db_path = lb_xstrdup(f->path);
	}
	if (nbad)
		lb_warn(cx, "cannot parse '%s' line %zu: expected 10 tab-separated fields "
		    "(%zu bad lines skipped)", f->path, badline, nbad);
	else if (f->truncated)
		lb_warn(cx, "cannot read all of '%s': truncated to %zu of %llu bytes", f->path, f->size,
		    (unsigned long long)f->real_size);
}

static int
rpm_parse_db(struct lb_ctx *cx, const struct lb_file *f, struct lb_inventory *out)
{
	manifest_parse(cx, f, out);
	return 0;
}

static int
rpm_analyze(struct lb_ctx *cx, const struct lb_fsview *v, struct lb_inventory *inv)
{
	const struct lb_file *f = lb_fsview_get(v, RPM_MANIFEST);

	if (f && f->data)
		manifest_parse(cx, f, inv);
	return 0;
}

const struct lb_analyzer_ops lb_an_rpm = {
	.name = "rpm",
	.interests = rpm_interests,
	.analyze = rpm_analyze,
	.parse_db = rpm_parse_db,
	.stream_interests = rpm_stream_interests,
	.scan_file = rpm_scan_file,
};
