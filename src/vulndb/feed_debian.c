/* feed_debian.c - the Debian security tracker, keyed by source package:
 *
 *  - its JSON (security-tracker.debian.org/tracker/data/json):
 *      { "PKG": { "CVE-X": { "description": ..., "releases": { "bookworm":
 *        { "status": "resolved"|"open"|"undetermined", "fixed_version": ...,
 *          "urgency": ..., "nodsa": ..., "nodsa_reason": ... } } } } }
 *    read one package at a time, so that a 70 MB file never becomes one
 *    tree and a broken package entry costs only that package;
 *  - its text lists (security-tracker data/README): data/CVE/list entries
 *      CVE-2023-1234 (description)
 *          {DSA-5380-1}
 *          - pkg 1.2-3 (bug #1; low)             <- unstable, and the default
 *          [bookworm] - pkg 1.2-2+deb12u1         for releases not named
 *          [bullseye] - pkg <no-dsa> (Minor issue)
 *    and data/DSA/list, data/DLA/list entries
 *      [29 Mar 2023] DSA-5380-1 xorg-server - security update
 *          {CVE-2023-1393}
 *          [bullseye] - xorg-server 2:1.20.11-1+deb11u6
 *
 * Statuses: resolved with a version is fixed, with "0" not affected;
 * "open" is affected unless the release is end-of-life (urgency
 * "end-of-life"), the security team ignores it (nodsa_reason "ignored",
 * <ignored>: will not fix) or defers it (<no-dsa>, <postponed>: no-dsa);
 * "undetermined" and <removed> (dropped from the archive, not fixed) stay
 * affected. Urgencies unimportant/low/medium/high are the vendor severity.
 * A list line without a [release] is stored under the distro key "debian",
 * which lb_vulndb_query uses for releases that have no line of their own. */
#include "vulndb/feed.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

#define SOURCE "debian-tracker"
#define SEVSRC "vendor:debian"
#define MAX_LINE 65536

/* --- JSON -------------------------------------------------------------- */

struct tj {
	struct lb_feed_sink *s;
	const char *file;
	int stop;
};

static int
tj_release(struct tj *t, const char *pkg, const char *id, const char *rel, json_t *x,
    struct lb_feed_affected *a, struct lb_feed_tmp *tmp)
{
	bool bad = false;
	const char *status = lb_feed_jstr(x, "status", &bad);
	const char *fixed = lb_feed_jstr(x, "fixed_version", &bad);
	const char *urgency = lb_feed_jstr(x, "urgency", &bad);
	const char *nodsa = lb_feed_jstr(x, "nodsa", &bad);
	const char *reason = lb_feed_jstr(x, "nodsa_reason", &bad);

	if (!json_is_object(x) || bad || !status) {
		lb_feed_warn(t->s, t->file, id, "package '%s' release '%s': no valid status", pkg, rel);
		return -1;
	}
	memset(a, 0, sizeof(*a));
	if (strcmp(status, "resolved") == 0) {
		if (!fixed || !lb_feed_version_ok(fixed)) {
			lb_feed_warn(t->s, t->file, id, "package '%s' release '%s': resolved without a valid fixed_version",
			    pkg, rel);
			return -1;
		}
		if (strcmp(fixed, "0") == 0) {
			a->status = LB_VS_NOT_AFFECTED;
		} else {
			a->status = LB_VS_FIXED;
			a->fixed = fixed;
		}
	} else if (strcmp(status, "open") == 0 || strcmp(status, "undetermined") == 0) {
		if (urgency && strcmp(urgency, "end-of-life") == 0)
			a->status = LB_VS_EOL;
		else if (reason && strcmp(reason, "ignored") == 0)
			a->status = LB_VS_WONTFIX;
		else if ((reason && strcmp(reason, "postponed") == 0) || (nodsa && *nodsa))
			a->status = LB_VS_NODSA;
		else
			a->status = LB_VS_AFFECTED;
	} else {
		char safe[40];
		lb_feed_warn(t->s, t->file, id, "package '%s' release '%s': unknown status '%s'", pkg, rel,
		    lb_safe(safe, sizeof(safe), status));
		return -1;
	}
	a->source = SOURCE;
	a->ecosystem = "deb";
	a->distro = lb_feed_tmp_printf(tmp, "debian:%s", rel);
	a->package = pkg;
	a->severity = lb_feed_sev_parse(urgency);
	a->severity_source = a->severity ? SEVSRC : NULL;
	return 0;
}

static int
tj_package(void *arg, const char *pkgname, const char *val, size_t vlen)
{
	struct tj *t = arg;
	json_error_t je;
	json_t *cves, *e;
	const char *id;
	char *pkg;
	int r = 0;

	if (!pkgname || !lb_feed_name_ok(pkgname)) {
		lb_feed_warn(t->s, t->file, NULL, "invalid source package name");
		return 0;
	}
	cves = json_loadb(val, vlen, 0, &je);
	if (!json_is_object(cves)) {
		lb_feed_warn(t->s, t->file, pkgname, "%s", cves ? "not an object" : je.text);
		json_decref(cves);
		return 0;
	}
	pkg = lb_feed_pkgname("deb", pkgname);
	json_object_foreach(cves, id, e) {
		struct lb_feed_record rec = { .file = t->file, .id = id, .meta_rank = LB_RANK_DISTRO };
		struct lb_feed_tmp tmp = { 0 };
		struct lb_feed_affected *aff = NULL;
		size_t naff = 0, cap = 0;
		json_t *rels, *x;
		const char *rel, *desc;
		bool bad = false;

		if (!lb_feed_id_ok(id)) {
			lb_feed_warn(t->s, t->file, pkgname, "invalid issue ID");
			continue;
		}
		if (!json_is_object(e)) {
			lb_feed_warn(t->s, t->file, id, "package '%s': entry is not an object", pkg);
			continue;
		}
		desc = lb_feed_jstr(e, "description", &bad);
		if (desc && (rec.title = lb_feed_tmp_keep(&tmp, lb_feed_title(desc, strlen(desc)))))
			rec.title_rank = 2;
		rels = json_object_get(e, "releases");
		if (json_is_object(rels)) {
			json_object_foreach(rels, rel, x) {
				if (!lb_feed_debian_known(rel))
					continue;      /* experimental and the like */
				lb_xgrow(&aff, &cap, naff + 1, sizeof(*aff));
				if (tj_release(t, pkg, id, rel, x, &aff[naff], &tmp) == 0)
					naff++;
			}
		} else if (rels && !json_is_array(rels)) {
			/* the tracker writes [] for an issue without releases */
			lb_feed_warn(t->s, t->file, id, "package '%s': releases is not an object", pkg);
		}
		rec.aff = aff;
		rec.naff = naff;
		r = lb_feed_emit(t->s, &rec);
		free(aff);
		lb_feed_tmp_reset(&tmp);
		if (r < 0)
			break;
	}
	free(pkg);
	json_decref(cves);
	return r;
}

static int
parse_json(struct lb_feed_sink *s, const char *name, const char *buf, size_t len)
{
	struct tj t = { .s = s, .file = name };
	size_t pos;
	int r = lb_feed_json_split(buf, len, tj_package, &t, &pos);

	if (r == -LB_E_FORMAT) {
		lb_feed_warn(s, name, NULL, "malformed JSON at byte %zu", pos);
		return r;
	}
	return r;
}

/* --- text lists -------------------------------------------------------- */

struct entry {
	struct lb_feed_tmp tmp;
	struct lb_feed_list cves;      /* {CVE...} of a DSA, or the entry's own CVE */
	struct lb_feed_list refs;      /* {DSA-... DLA-...} of a CVE entry */
	struct lb_feed_affected *aff;
	size_t naff, cap;
	const char *id;                /* CVE-... or DSA-... */
	const char *title;
	const char *date;              /* DSA/DLA: YYYY-MM-DD */
	bool advisory;                 /* a DSA/DLA entry */
	size_t line;
};

static void
entry_reset(struct entry *e)
{
	lb_feed_tmp_reset(&e->tmp);
	lb_feed_list_release(&e->cves);
	lb_feed_list_release(&e->refs);
	free(e->aff);
	memset(e, 0, sizeof(*e));
}

static int
entry_emit(struct lb_feed_sink *s, const char *file, struct entry *e)
{
	struct lb_feed_record r = { .file = file, .meta_rank = LB_RANK_DISTRO };
	int ret = 0;

	if (!e->id)
		return 0;
	r.aff = e->aff;
	r.naff = e->naff;
	if (!e->advisory) {
		r.id = e->id;
		r.related = e->refs.v;
		r.nrelated = e->refs.n;
		r.title = e->title;
		r.title_rank = 2;
		ret = lb_feed_emit(s, &r);
	} else if (e->cves.n) {
		/* one record per CVE, the advisory mentioned next to each */
		r.related = &e->id;
		r.nrelated = 1;
		for (size_t i = 0; i < e->cves.n && ret >= 0; i++) {
			r.id = e->cves.v[i];
			ret = lb_feed_emit(s, &r);
		}
	} else {
		r.id = e->id;
		r.title = e->title;
		r.title_rank = 1;
		r.published = e->date;
		ret = lb_feed_emit(s, &r);
	}
	entry_reset(e);
	return ret;
}

static struct lb_slice
next_token(struct lb_slice *l)
{
	struct lb_slice t;

	*l = lb_slice_trim(*l);
	t = *l;
	t.len = 0;
	while (t.len < l->len && l->p[t.len] != ' ' && l->p[t.len] != '\t')
		t.len++;
	l->p += t.len;
	l->len -= t.len;
	return t;
}

static const struct { const char *tag; int status; } tags[] = {
	{ "<unfixed>", LB_VS_AFFECTED }, { "<undetermined>", LB_VS_AFFECTED },
	{ "<removed>", LB_VS_AFFECTED }, { "<not-affected>", LB_VS_NOT_AFFECTED },
	{ "<no-dsa>", LB_VS_NODSA }, { "<postponed>", LB_VS_NODSA },
	{ "<ignored>", LB_VS_WONTFIX }, { "<end-of-life>", LB_VS_EOL },
	{ "<itp>", -1 },             /* not in Debian yet: nothing installed can match */
};

/* "[bookworm] - pkg 1.2-3 (bug #1; low)" or "- pkg <unfixed>" */
static void
list_pkg_line(struct lb_feed_sink *s, const char *file, struct entry *e, struct lb_slice l)
{
	struct lb_feed_affected *a;
	struct lb_slice rel = LB_SLICE_NULL, pkg, ver, notes;
	char relname[32], *pname, *vname;
	const char *what = e->id;
	int status = -2;

	if (l.len && l.p[0] == '[') {
		const char *close = memchr(l.p, ']', l.len);
		if (!close) {
			lb_feed_warn(s, file, what, "line %zu: unterminated release", e->line);
			return;
		}
		rel = lb_slice_make(l.p + 1, (size_t)(close - l.p - 1));
		l.len -= (size_t)(close - l.p) + 1;
		l.p = close + 1;
		l = lb_slice_trim(l);
	}
	if (!lb_slice_eat(&l, "- ")) {
		lb_feed_warn(s, file, what, "line %zu: expected '- package'", e->line);
		return;
	}
	pkg = next_token(&l);
	ver = next_token(&l);
	notes = lb_slice_trim(l);
	if (rel.p) {
		if (rel.len >= sizeof(relname))
			return;
		memcpy(relname, rel.p, rel.len);
		relname[rel.len] = 0;
		if (!lb_feed_debian_known(relname))
			return;           /* [experimental] and the like */
	}
	if (!pkg.len || pkg.len > LB_FEED_MAX_NAME) {
		lb_feed_warn(s, file, what, "line %zu: no package name", e->line);
		return;
	}
	pname = lb_xstrndup(pkg.p, pkg.len);
	vname = ver.len ? lb_xstrndup(ver.p, ver.len) : NULL;
	if (!lb_feed_name_ok(pname)) {
		lb_feed_warn(s, file, what, "line %zu: invalid package name", e->line);
		goto out;
	}
	if (vname && vname[0] == '<') {
		for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
			if (strcmp(vname, tags[i].tag) == 0)
				status = tags[i].status;
		if (status == -2) {
			char safe[40];
			lb_feed_warn(s, file, what, "line %zu: unknown tag '%s'", e->line,
			    lb_safe(safe, sizeof(safe), vname));
			goto out;
		}
		if (status < 0)
			goto out;
	} else if (vname) {
		if (!lb_feed_version_ok(vname)) {
			lb_feed_warn(s, file, what, "line %zu: invalid version", e->line);
			goto out;
		}
		status = strcmp(vname, "0") == 0 ? LB_VS_NOT_AFFECTED : LB_VS_FIXED;
	} else {
		lb_feed_warn(s, file, what, "line %zu: no version or status for '%s'", e->line, pname);
		goto out;
	}
	lb_xgrow(&e->aff, &e->cap, e->naff + 1, sizeof(*e->aff));
	a = &e->aff[e->naff++];
	memset(a, 0, sizeof(*a));
	a->source = SOURCE;
	a->ecosystem = "deb";
	a->distro = rel.p ? lb_feed_tmp_printf(&e->tmp, "debian:%s", relname) : "debian";
	a->package = lb_feed_tmp_keep(&e->tmp, lb_feed_pkgname("deb", pname));
	a->status = (enum lb_vstatus)status;
	if (status == LB_VS_FIXED) {
		a->fixed = lb_feed_tmp_keep(&e->tmp, vname);
		vname = NULL;
	}
	a->record = e->advisory ? e->id : NULL;
	/* notes: "(bug #123; low)"; a reason for a tag is not an urgency */
	if (notes.len > 2 && notes.p[0] == '(' && (status == LB_VS_FIXED || status == LB_VS_AFFECTED ||
	    status == LB_VS_NOT_AFFECTED)) {
		struct lb_slice n = lb_slice_make(notes.p + 1, notes.len - 1);
		while (n.len) {
			struct lb_slice w = lb_slice_trim(lb_slice_split(&n, ';'));
			char word[16];
			if (w.len && w.p[w.len - 1] == ')')
				w.len--;
			if (w.len && w.len < sizeof(word)) {
				memcpy(word, w.p, w.len);
				word[w.len] = 0;
				if (lb_feed_sev_parse(word)) {
					a->severity = lb_feed_sev_parse(word);
					a->severity_source = SEVSRC;
				}
			}
		}
	}
out:
	free(pname);
	free(vname);
}

/* "{CVE-2023-1 CVE-2023-2}" or "{DSA-5380-1 DLA-3400-1}" */
static void
list_refs(struct lb_feed_sink *s, const char *file, struct entry *e, struct lb_slice l)
{
	l.p++;
	l.len--;
	if (l.len && l.p[l.len - 1] == '}')
		l.len--;
	while (l.len) {
		struct lb_slice t = next_token(&l);
		char *id;
		if (!t.len)
			break;
		id = lb_xstrndup(t.p, t.len);
		if (!lb_feed_id_ok(id)) {
			lb_feed_warn(s, file, e->id, "line %zu: invalid reference", e->line);
			free(id);
			continue;
		}
		lb_feed_tmp_keep(&e->tmp, id);
		if (e->advisory && lb_feed_is_cve(id)) {
			if (e->cves.n < LB_FEED_MAX_ALIASES)
				lb_feed_list_add(&e->cves, id);
		} else if (e->refs.n < LB_FEED_MAX_ALIASES) {
			lb_feed_list_add(&e->refs, id);
		}
	}
}

/* "[29 Mar 2023] DSA-5380-1 xorg-server - security update" */
static bool
list_dsa_head(struct entry *e, struct lb_slice l)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *close = memchr(l.p, ']', l.len);
	struct lb_slice d, id;
	char *idz;
	int day = 0, mon = 0, year = 0;

	if (!close)
		return false;
	d = lb_slice_make(l.p + 1, (size_t)(close - l.p - 1));
	if (d.len == 11 || d.len == 10) {
		const char *p = d.p;
		size_t dl = d.len == 11 ? 2 : 1;
		for (size_t i = 0; i < dl; i++)
			day = day * 10 + (isdigit((unsigned char)p[i]) ? p[i] - '0' : -1000);
		for (int m = 0; m < 12; m++)
			if (memcmp(p + dl + 1, months + 3 * m, 3) == 0)
				mon = m + 1;
		for (size_t i = dl + 5; i < d.len; i++)
			year = year * 10 + (isdigit((unsigned char)p[i]) ? p[i] - '0' : -100000);
	}
	l.len -= (size_t)(close - l.p) + 1;
	l.p = close + 1;
	id = next_token(&l);
	if (!id.len || id.len > LB_FEED_MAX_ID)
		return false;
	idz = lb_xstrndup(id.p, id.len);
	if (!lb_feed_id_ok(idz)) {
		free(idz);
		return false;
	}
	e->id = lb_feed_tmp_keep(&e->tmp, idz);
	e->advisory = true;
	if (day >= 1 && day <= 31 && mon && year >= 1990 && year <= 9999)
		e->date = lb_feed_tmp_printf(&e->tmp, "%04d-%02d-%02d", year, mon, day);
	l = lb_slice_trim(l);
	if (l.len)
		e->title = lb_feed_tmp_keep(&e->tmp, lb_feed_title(l.p, l.len));
	return true;
}

static int
parse_list(struct lb_feed_sink *s, const char *name, const char *buf, size_t len)
{
	struct lb_slice all = lb_slice_make(buf, len);
	struct entry e = { 0 };
	size_t lineno = 0;
	int r = 0;

	while (all.len && r >= 0) {
		struct lb_slice line = lb_slice_split(&all, '\n'), t;
		lineno++;
		if (line.len > MAX_LINE) {
			lb_feed_warn(s, name, e.id, "line %zu: longer than %d bytes", lineno, MAX_LINE);
			continue;
		}
		if (line.len && line.p[line.len - 1] == '\r')
			line.len--;
		if (!line.len)
			continue;
		if (line.p[0] != ' ' && line.p[0] != '\t') {
			/* a new entry */
			if ((r = entry_emit(s, name, &e)) < 0)
				break;
			e.line = lineno;
			if (line.p[0] == '[') {
				if (!list_dsa_head(&e, line)) {
					lb_feed_warn(s, name, NULL, "line %zu: bad advisory heading", lineno);
					entry_reset(&e);
				}
				continue;
			}
			t = line;
			t = next_token(&t);
			if (t.len >= 8 && t.len <= LB_FEED_MAX_ID && lb_slice_starts(t, "CVE-")) {
				char *id = lb_xstrndup(t.p, t.len);
				struct lb_slice rest = lb_slice_trim(lb_slice_make(t.p + t.len,
				    line.len - (size_t)(t.p + t.len - line.p)));
				if (!lb_feed_is_cve(id)) {
					free(id);          /* CVE-2023-XXXX: not assigned yet */
					continue;
				}
				e.id = lb_feed_tmp_keep(&e.tmp, id);
				if (rest.len > 2 && (rest.p[0] == '(' || rest.p[0] == '['))
					e.title = lb_feed_tmp_keep(&e.tmp, lb_feed_title(rest.p + 1, rest.len - 2));
				continue;
			}
			/* "begin claimed by", stray text: not an entry */
			continue;
		}
		if (!e.id)
			continue;
		e.line = lineno;
		line = lb_slice_trim(line);
		if (!line.len)
			continue;
		if (line.p[0] == '{')
			list_refs(s, name, &e, line);
		else if (line.p[0] == '[' || line.p[0] == '-')
			list_pkg_line(s, name, &e, line);
		/* NOTE:, TODO:, RESERVED, REJECTED, NOT-FOR-US: nothing to store */
	}
	if (r >= 0)
		r = entry_emit(s, name, &e);
	entry_reset(&e);
	return r;
}

static int
debian_parse(struct lb_feed_sink *s, const char *kind, const char *name, const void *buf, size_t len)
{
	const char *p = buf;
	size_t i = 0;

	(void)kind;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && isspace((unsigned char)p[i]))
		i++;
	if (i == len)
		return 0;
	if (p[i] == '{')
		return parse_json(s, name, p, len);
	if (p[i] == '[' || (len - i > 4 && memcmp(p + i, "CVE-", 4) == 0))
		return parse_list(s, name, p, len);
	lb_feed_warn(s, name, NULL, "neither tracker JSON nor a CVE, DSA or DLA list");
	return -LB_E_FORMAT;
}

/* In a folder: data/{CVE,DSA,DLA}/list and *.json. */
static bool
debian_want(const char *path)
{
	size_t n = strlen(path);
	static const char *const lists[] = { "CVE/list", "DSA/list", "DLA/list" };

	for (size_t i = 0; i < 3; i++) {
		size_t k = strlen(lists[i]);
		if (n >= k && strcmp(path + n - k, lists[i]) == 0 && (n == k || path[n - k - 1] == '/'))
			return true;
	}
	return n > 5 && strcmp(path + n - 5, ".json") == 0;
}

const struct lb_feed_ops lb_feed_debian = {
	.kind = "debian-tracker",
	.want = debian_want,
	.parse = debian_parse,
};
