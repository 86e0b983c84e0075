/* policy.c - the rule list, matching findings to rules, loading files. */
#include "policy/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "analyze/purl.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_banned.h"

struct lb_policy {
	char today[11];          /* "YYYY-MM-DD", UTC */
	struct lb_policy_rule *rules;
	size_t nrules, caprules;
};

struct lb_policy *
lb_policy_new(const char *today)
{
	struct lb_policy *pol = lb_xcalloc(1, sizeof(*pol));

	snprintf(pol->today, sizeof(pol->today), "%s", today ? today : "0000-00-00");
	return pol;
}

void
lb_policy_free(struct lb_policy *pol)
{
	if (!pol)
		return;
	for (size_t i = 0; i < pol->nrules; i++) {
		struct lb_policy_rule *r = &pol->rules[i];

		free(r->id);
		free(r->purl);
		free(r->path);
		free(r->expires);
		free(r->reason);
		free(r->justification);
		free(r->status);
		free(r->where);
	}
	free(pol->rules);
	free(pol);
}

const struct lb_policy_rule *
lb_policy_rules(const struct lb_policy *pol, size_t *n)
{
	*n = pol ? pol->nrules : 0;
	return pol ? pol->rules : NULL;
}

const char *
lb_policy_rule_state(const struct lb_policy_rule *r)
{
	if (r->expired)
		return "expired";
	if (!r->suppresses)
		return "informational";
	return r->hits ? "applied" : "stale";
}

int
lb_policy_valid_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}

int
lb_policy_valid_id(const char *s, size_t len)
{
	if (len == 0 || len > LB_POLICY_MAX_ID)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* Days since 1970-01-01 of a valid "YYYY-MM-DD". */
static long
days(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[5] - '0') * 10 + (s[6] - '0') - 1;
	tm.tm_mday = (s[8] - '0') * 10 + (s[9] - '0');
	tm.tm_hour = 12;
	return (long)(timegm(&tm) / 86400);
}

long
lb_policy_days_left(const struct lb_policy *pol, const struct lb_policy_rule *r)
{
	if (!r->expires || !lb_policy_valid_date(r->expires) || !lb_policy_valid_date(pol->today))
		return LONG_MAX;
	return days(r->expires) - days(pol->today);
}

struct lb_policy_rule *
lb_policy_add(struct lb_policy *pol, const char *kind)
{
	struct lb_policy_rule *r;

	if (pol->nrules >= LB_POLICY_MAX_RULES)
		return NULL;
	lb_xgrow(&pol->rules, &pol->caprules, pol->nrules + 1, sizeof(*pol->rules));
	r = &pol->rules[pol->nrules++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	return r;
}

void
lb_policy_finish_rule(struct lb_policy *pol, struct lb_policy_rule *r)
{
	if (r->expires && strcmp(pol->today, r->expires) >= 0)
		r->expired = true;
}

/* A rule's purl scope: same type, namespace and name; the version and each
 * qualifier only when the rule gives them. a and b are parsed (NULL: the
 * purl did not parse, which matches nothing). */
static bool
purl_in_scope(const struct lb_purl *a, const struct lb_purl *b)
{
	if (!a || !b)
		return false;
	if (strcmp(a->type, b->type) != 0 || strcmp(a->name, b->name) != 0)
		return false;
	if ((a->ns || b->ns) && !(a->ns && b->ns && strcmp(a->ns, b->ns) == 0))
		return false;
	if (a->version && !(b->version && strcmp(a->version, b->version) == 0))
		return false;
	for (size_t i = 0; i < a->nquals; i++) {
		const char *v = lb_purl_qualifier(b, a->quals[i].key);

		if (!v || strcmp(v, a->quals[i].value) != 0)
			return false;
	}
	return true;
}

static bool
path_in_scope(const char *rule_path, const char *pkg_path)
{
	size_t n;

	while (*rule_path == '/')
		rule_path++;
	if (!pkg_path)
		return false;
	n = strlen(rule_path);
	if (n && rule_path[n - 1] == '/')
		return strncmp(rule_path, pkg_path, n) == 0;
	return strcmp(rule_path, pkg_path) == 0;
}

/* Whether f's ID or one of its aliases is id. */
static bool
id_matches(const char *id, const struct lb_finding *f, json_t *aliases)
{
	if (strcmp(id, f->id) == 0)
		return true;
	for (size_t i = 0; i < json_array_size(aliases); i++) {
		const char *a = json_string_value(json_array_get(aliases, i));

		if (a && strcmp(a, id) == 0)
			return true;
	}
	return false;
}

static void
mark(struct lb_finding *f, const struct lb_policy_rule *r)
{
	f->sup_kind = lb_xstrdup(r->kind);
	f->sup_status = lb_xstrdup(r->status ? r->status : "ignored");
	f->sup_justification = r->justification ? lb_xstrdup(r->justification) : NULL;
	f->sup_reason = r->reason ? lb_xstrdup(r->reason) : NULL;
	f->sup_source = r->where ? lb_xstrdup(r->where) : NULL;
}

void
lb_policy_apply(struct lb_policy *pol, struct lb_inventory *inv)
{
	struct lb_purl *rp, *pp;
	bool *rok, *pok;
	size_t k = 0;

	if (!pol || pol->nrules == 0)
		return;
	/* every purl parsed once: rules x findings would parse them over and over */
	rp = lb_xcalloc(pol->nrules, sizeof(*rp));
	rok = lb_xcalloc(pol->nrules, sizeof(*rok));
	pp = lb_xcalloc(inv->npkgs + 1, sizeof(*pp));
	pok = lb_xcalloc(inv->npkgs + 1, sizeof(*pok));
	for (size_t j = 0; j < pol->nrules; j++)
		if (pol->rules[j].purl)
			rok[j] = lb_purl_parse(pol->rules[j].purl, strlen(pol->rules[j].purl), &rp[j]) == 0;
	for (size_t i = 0; i < inv->npkgs; i++)
		if (inv->pkgs[i].purl)
			pok[i] = lb_purl_parse(inv->pkgs[i].purl, strlen(inv->pkgs[i].purl), &pp[i]) == 0;

	for (size_t i = 0; i < inv->nfindings; i++) {
		struct lb_finding *f = &inv->findings[i];
		const struct lb_pkg *p = f->pkg < inv->npkgs ? &inv->pkgs[f->pkg] : NULL;
		json_t *aliases = f->aliases ? json_loads(f->aliases, 0, NULL) : NULL;
		struct lb_policy_rule *hit = NULL;

		/* VEX statements first: they say why, an ignore entry only that */
		for (int pass = 0; pass < 2 && !hit && f->id && p; pass++) {
			for (size_t j = 0; j < pol->nrules; j++) {
				struct lb_policy_rule *r = &pol->rules[j];

				if ((pass == 0) != (strcmp(r->kind, "vex") == 0))
					continue;
				if (!r->suppresses || r->expired || !id_matches(r->id, f, aliases))
					continue;
				if (r->purl && !purl_in_scope(rok[j] ? &rp[j] : NULL,
				    pok[f->pkg] ? &pp[f->pkg] : NULL))
					continue;
				if (r->path && !path_in_scope(r->path, p->db_path))
					continue;
				hit = r;
				break;
			}
		}
		json_decref(aliases);
		if (!hit) {
			inv->findings[k++] = *f;
			continue;
		}
		hit->hits++;
		mark(f, hit);
		lb_xgrow(&inv->suppressed, &inv->capsuppressed, inv->nsuppressed + 1,
		    sizeof(*inv->suppressed));
		inv->suppressed[inv->nsuppressed++] = *f;
	}
	inv->nfindings = k;
	for (size_t j = 0; j < pol->nrules; j++)
		if (pol->rules[j].purl)
			lb_purl_release(&rp[j]);
	for (size_t i = 0; i < inv->npkgs; i++)
		if (inv->pkgs[i].purl)
			lb_purl_release(&pp[i]);
	free(rp);
	free(rok);
	free(pp);
	free(pok);
}

static void
rule_label(const struct lb_policy_rule *r, char *out, size_t cap)
{
	char safe[512];

	lb_safe(safe, sizeof(safe), r->id);
	snprintf(out, cap, "'%s'", safe);
}

void
lb_policy_warn_expired(struct lb_ctx *cx, const struct lb_policy *pol)
{
	for (size_t i = 0; pol && i < pol->nrules; i++) {
		const struct lb_policy_rule *r = &pol->rules[i];
		char label[600], where[1024];

		if (!r->expired || cx->verbosity < LB_LOG_WARN || !cx->log)
			continue;
		rule_label(r, label, sizeof(label));
		lb_safe(where, sizeof(where), r->where ? r->where : "?");
		fprintf(cx->log, "lifebelt: warning: exception %s at '%s' expired on %s and no longer "
		    "applies\n", label, where, r->expires);
	}
}

void
lb_policy_warn_stale(struct lb_ctx *cx, const struct lb_policy *pol)
{
	for (size_t i = 0; pol && i < pol->nrules; i++) {
		const struct lb_policy_rule *r = &pol->rules[i];
		char label[600], where[1024];

		if (strcmp(lb_policy_rule_state(r), "stale") != 0 || cx->verbosity < LB_LOG_WARN ||
		    !cx->log)
			continue;
		rule_label(r, label, sizeof(label));
		lb_safe(where, sizeof(where), r->where ? r->where : "?");
		fprintf(cx->log, "lifebelt: warning: stale exception %s at '%s' matched no finding\n",
		    label, where);
	}
}

/* Reads path whole (at most LB_POLICY_MAX_FILE bytes) into *out. */
static int
slurp(struct lb_ctx *cx, const char *path, struct lb_buf *out)
{
	int fd, r;
	struct stat st;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		lb_err(cx, "cannot read '%s': not a regular file", path);
		return -LB_E_FORMAT;
	}
	r = lb_buf_read_fd(out, fd);
	close(fd);
	if (r == -LB_E_LIMIT)
		lb_err(cx, "cannot read '%s': larger than %u bytes", path, LB_POLICY_MAX_FILE);
	else if (r < 0)
		lb_err(cx, "cannot read '%s': %s", path, strerror(-r));
	return r;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

int
lb_policy_load_ignore(struct lb_ctx *cx, struct lb_policy *pol, const char *path)
{
	struct lb_buf b = LB_BUF_INIT(LB_POLICY_MAX_FILE);
	char *err = NULL;
	int r;

	if ((r = slurp(cx, path, &b)) < 0)
		goto out;
	if (ends_with(path, ".yaml") || ends_with(path, ".yml"))
		r = lb_policy_parse_yaml(pol, path, (const char *)b.p, b.len, &err);
	else
		r = lb_policy_parse_plain(pol, path, (const char *)b.p, b.len, &err);
	if (r < 0)
		lb_err(cx, "%s", err ? err : lb_strerror(r));
out:
	free(err);
	lb_buf_release(&b);
	return r;
}

int
lb_policy_load_vex(struct lb_ctx *cx, struct lb_policy *pol, const char *path)
{
	struct lb_buf b = LB_BUF_INIT(LB_POLICY_MAX_FILE);
	char *err = NULL;
	int r;

	if ((r = slurp(cx, path, &b)) < 0) {
		if (r == -ENOENT)
			lb_err(cx, "cannot read '%s': %s", path, strerror(ENOENT));
		goto out;
	}
	if ((r = lb_policy_parse_vex(pol, path, (const char *)b.p, b.len, &err)) < 0)
		lb_err(cx, "%s", err ? err : lb_strerror(r));
out:
	free(err);
	lb_buf_release(&b);
	return r;
}

static bool
os_type(const char *t)
{
	static const char *const os[] = { "deb", "apk", "rpm", "alpm", NULL };

	for (size_t i = 0; t && os[i]; i++)
		if (strcmp(t, os[i]) == 0)
			return true;
	return false;
}

int
lb_policy_parse_pkg_types(const char *list)
{
	int mask = 0;
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n == 2 && strncmp(p, "os", 2) == 0)
			mask |= LB_PKGTYPE_OS;
		else if (n == 7 && strncmp(p, "library", 7) == 0)
			mask |= LB_PKGTYPE_LIBRARY;
		else if (n != 0)
			return -1;
		p += n + (p[n] == ',');
	}
	return mask ? mask : -1;
}

/* Keeps the findings whose package stays, with its new index. */
static size_t
renumber(struct lb_finding *fs, size_t n, const size_t *newidx, size_t oldn)
{
	size_t kf = 0;

	for (size_t i = 0; i < n; i++) {
		struct lb_finding *f = &fs[i];

		if (f->pkg >= oldn || newidx[f->pkg] == (size_t)-1) {
			lb_finding_release(f);
			continue;
		}
		f->pkg = newidx[f->pkg];
		fs[kf++] = *f;
	}
	return kf;
}

void
lb_policy_filter_pkg_types(struct lb_inventory *inv, unsigned mask)
{
	size_t *newidx, k = 0, oldn;
	const size_t gone = (size_t)-1;

	if ((mask & (LB_PKGTYPE_OS | LB_PKGTYPE_LIBRARY)) == (LB_PKGTYPE_OS | LB_PKGTYPE_LIBRARY) ||
	    mask == 0)
		return;
	oldn = inv->npkgs;
	newidx = lb_xcalloc(inv->npkgs + 1, sizeof(*newidx));
	for (size_t i = 0; i < inv->npkgs; i++) {
		unsigned kind = os_type(inv->pkgs[i].type) ? LB_PKGTYPE_OS : LB_PKGTYPE_LIBRARY;

		if (!(kind & mask)) {
			lb_pkg_release(&inv->pkgs[i]);
			newidx[i] = gone;
			continue;
		}
		newidx[i] = k;
		inv->pkgs[k++] = inv->pkgs[i];
	}
	inv->npkgs = k;
	inv->nfindings = renumber(inv->findings, inv->nfindings, newidx, oldn);
	inv->nsuppressed = renumber(inv->suppressed, inv->nsuppressed, newidx, oldn);
	free(newidx);
}
