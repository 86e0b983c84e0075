/* analyzers.c - the table of analyzers, interest matching, and the driver
 * that runs them and attributes each package to the layer that added it.
 */
#include "analyze/analyzer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/purl.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_hmap.h"
#include "base/lb_limits.h"
#include "base/lb_banned.h"

/* One definition per an_*.c. */
extern const struct lb_analyzer_ops lb_an_os;
extern const struct lb_analyzer_ops lb_an_dpkg;
extern const struct lb_analyzer_ops lb_an_apk;
extern const struct lb_analyzer_ops lb_an_rpm;
extern const struct lb_analyzer_ops lb_an_chisel;
extern const struct lb_analyzer_ops lb_an_ruby;
extern const struct lb_analyzer_ops lb_an_php;
extern const struct lb_analyzer_ops lb_an_dotnet;
extern const struct lb_analyzer_ops lb_an_python;
extern const struct lb_analyzer_ops lb_an_node;
extern const struct lb_analyzer_ops lb_an_java;
extern const struct lb_analyzer_ops lb_an_binary;
extern const struct lb_analyzer_ops lb_an_cargo;

/* The OS analyzer runs first so that inv->os is known to the others. */
const struct lb_analyzer_ops *const lb_analyzers[] = {
	&lb_an_os,
	&lb_an_dpkg,
	&lb_an_apk,
	&lb_an_rpm,
	&lb_an_chisel,
	&lb_an_ruby,
	&lb_an_php,
	&lb_an_dotnet,
	&lb_an_python,
	&lb_an_node,
	&lb_an_java,
	&lb_an_binary,
	&lb_an_cargo,
	NULL,
};

uint32_t
lb_interest_match_mode(const struct lb_interest *i, const char *path, size_t len, unsigned mode)
{
	if (i->kind == LB_MATCH_EXEC)
		return (mode & 0111) ? (i->max_size ? i->max_size : UINT32_MAX) : 0;
	return lb_interest_match(i, path, len);
}

/* Whether the path component c (n bytes) matches the pattern component g
 * (gn bytes), where '*' stands for any run of bytes: the usual greedy
 * matcher that backtracks to the last star, linear for one star. */
static bool
glob_component(const char *g, size_t gn, const char *c, size_t n)
{
	size_t gi = 0, ci = 0, star = SIZE_MAX, mark = 0;

	while (ci < n) {
		if (gi < gn && g[gi] == '*') {
			star = gi++;
			mark = ci;
		} else if (gi < gn && g[gi] == c[ci]) {
			gi++;
			ci++;
		} else if (star != SIZE_MAX) {
			gi = star + 1;
			ci = ++mark;
		} else {
			return false;
		}
	}
	while (gi < gn && g[gi] == '*')
		gi++;
	return gi == gn;
}

/* LB_MATCH_TAIL: the last components of path (len bytes) match those of
 * the pattern, one for one. Out of line: few paths get this far. */
static __attribute__((noinline)) bool
match_tail(const char *pat, const char *path, size_t len)
{
	size_t pn = strlen(pat);

	if (!pn)
		return false;
	for (;;) {
		size_t gs = pn, ps = len;

		while (gs && pat[gs - 1] != '/')
			gs--;
		while (ps && path[ps - 1] != '/')
			ps--;
		if (!glob_component(pat + gs, pn - gs, path + ps, len - ps))
			return false;
		if (!gs)
			return true;           /* every pattern component matched */
		if (!ps)
			return false;          /* the path has fewer components */
		pn = gs - 1;
		len = ps - 1;
	}
}

/* Whether path (len bytes) starts with s. */
static bool
has_prefix(const char *s, const char *path, size_t len)
{
	size_t n;

	if (!s[0])
		return true;
	if (!len || s[0] != path[0])
		return false;          /* most paths differ at once: no strlen */
	n = strlen(s);
	return n <= len && memcmp(path, s, n) == 0;
}

/* Whether path (len bytes) ends with s; *slen gets its length. */
static bool
has_suffix(const char *s, const char *path, size_t len, size_t *slen)
{
	size_t n = strlen(s);

	*slen = n;
	if (n > len)
		return false;
	if (n && path[len - 1] != s[n - 1])
		return false;          /* where most paths differ */
	return memcmp(path + len - n, s, n) == 0;
}

/* The walker asks this for every file of every layer and every interest,
 * so the common answer, no, comes from one byte where it can. */
uint32_t
lb_interest_match(const struct lb_interest *i, const char *path, size_t len)
{
	const char *ip = i->path ? i->path : "", *is = i->suffix ? i->suffix : "";
	size_t slen;
	bool hit = false;

	switch (i->kind) {
	case LB_MATCH_EXACT:
		hit = len ? ip[0] == path[0] && strlen(ip) == len && memcmp(path, ip, len) == 0 : !ip[0];
		break;
	case LB_MATCH_PREFIX:
		hit = has_prefix(ip, path, len);
		break;
	case LB_MATCH_SUFFIX:
		hit = has_suffix(is, path, len, &slen);
		break;
	case LB_MATCH_PREFIX_SUFFIX:
		hit = has_suffix(is, path, len, &slen) && has_prefix(ip, path, len - slen);
		break;
	case LB_MATCH_TAIL:
		hit = has_suffix(is, path, len, &slen) && match_tail(ip, path, len - slen);
		break;
	case LB_MATCH_EXEC:
		break;      /* needs a mode: lb_interest_match_mode */
	}
	return hit ? (i->max_size ? i->max_size : LB_MAX_SMALL_FILE) : 0;
}

/* Layer attribution.
 *
 * For one database file (db_path) the packages read from its final
 * version are the members. Each version in layer order is parsed once and
 * every member that it contains keeps (or starts) its run; a member that
 * is missing ends its run. A member's layer is where its last run began,
 * that is the earliest layer L such that it is in every version from L
 * through the final one. Lookups go through a hash of name/version/arch,
 * so the cost is O(versions x packages). */

struct member {
	size_t idx;        /* into inv->pkgs */
	char *key;         /* name \0 version \0 arch */
	size_t klen;
	size_t next;       /* next member with the same key, or SIZE_MAX */
	int since;         /* start of the current run, -1 when absent */
	unsigned seen;     /* generation of the last version it was found in */
};

struct version {
	int layer;
	const struct lb_file *f;   /* NULL: removed in this layer */
};

struct group {
	const struct lb_analyzer_ops *ops;
	const char *db_path;
	struct member *m;
	size_t n, cap;
	struct lb_hmap keys;       /* key -> member index + 1 */
	struct version *ver;
	size_t nver, capver;
};

/* Builds the lookup key of p into b (reused); returns its length. Strings
 * cannot hold NUL, so NUL separators make the key unambiguous. */
static size_t
pkg_key(const struct lb_pkg *p, char **b, size_t *cap)
{
	const char *part[3] = { p->name, p->version, p->arch };
	size_t len = 0, n;

	for (int k = 0; k < 3; k++) {
		n = part[k] ? strlen(part[k]) : 0;
		lb_xgrow(b, cap, len + n + 1, 1);
		if (n)
			memcpy(*b + len, part[k], n);
		len += n;
		(*b)[len++] = 0;
	}
	return len;
}

static int
collect_version(void *arg, int layer, const struct lb_file *f)
{
	struct group *g = arg;

	lb_xgrow(&g->ver, &g->capver, g->nver + 1, sizeof(*g->ver));
	g->ver[g->nver].layer = layer;
	g->ver[g->nver].f = f;
	g->nver++;
	return 0;
}

static void
group_release(struct group *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->m[i].key);
	free(g->m);
	lb_hmap_release(&g->keys);
	free(g->ver);
	memset(g, 0, sizeof(*g));
}

static void
group_add(struct group *g, const struct lb_inventory *inv, size_t idx)
{
	struct member *m;
	char *key = NULL;
	size_t cap = 0, klen, prev;

	klen = pkg_key(&inv->pkgs[idx], &key, &cap);
	lb_xgrow(&g->m, &g->cap, g->n + 1, sizeof(*g->m));
	m = &g->m[g->n];
	m->idx = idx;
	m->key = key;
	m->klen = klen;
	m->next = SIZE_MAX;
	m->since = -1;
	m->seen = 0;
	/* a database may list the same package twice: chain them */
	prev = (size_t)(uintptr_t)lb_hmap_get(&g->keys, key, klen);
	if (prev)
		m->next = prev - 1;
	lb_hmap_put(&g->keys, key, klen, (void *)(uintptr_t)(g->n + 1));
	g->n++;
}

/* Parses one older version and marks the members it contains. */
static void
mark_version(struct group *g, struct lb_ctx *quiet, const struct lb_file *f, unsigned gen,
    char **kb, size_t *kcap)
{
	struct lb_inventory *tmp = lb_inventory_new();

	g->ops->parse_db(quiet, f, tmp);
	for (size_t i = 0; i < tmp->npkgs; i++) {
		size_t klen = pkg_key(&tmp->pkgs[i], kb, kcap);
		size_t j = (size_t)(uintptr_t)lb_hmap_get(&g->keys, *kb, klen);

		for (j = j ? j - 1 : SIZE_MAX; j != SIZE_MAX; j = g->m[j].next)
			g->m[j].seen = gen;
	}
	lb_inventory_free(tmp);
}

static void
attribute_group(struct group *g, const struct lb_fsview *v, struct lb_ctx *quiet,
    struct lb_inventory *inv)
{
	char *kb = NULL;
	size_t kcap = 0;
	unsigned gen = 0;

	lb_fsview_history(v, g->db_path, collect_version, g);
	for (size_t vi = 0; vi < g->nver; vi++) {
		const struct lb_file *f = g->ver[vi].f;
		int layer = g->ver[vi].layer;
		bool absence_known;

		if (!f) {
			for (size_t i = 0; i < g->n; i++)
				g->m[i].since = -1;
			continue;
		}
		if (vi + 1 == g->nver) {
			/* the final version is the one the members came from */
			for (size_t i = 0; i < g->n; i++)
				if (g->m[i].since < 0)
					g->m[i].since = layer;
			continue;
		}
		/* an uncaptured version tells nothing; a truncated one only
		 * tells who is present */
		if (!f->data)
			continue;
		absence_known = !f->truncated;
		mark_version(g, quiet, f, ++gen, &kb, &kcap);
		for (size_t i = 0; i < g->n; i++) {
			struct member *m = &g->m[i];
			if (m->seen == gen) {
				if (m->since < 0)
					m->since = layer;
			} else if (absence_known) {
				m->since = -1;
			}
		}
	}
	for (size_t i = 0; i < g->n; i++)
		if (g->m[i].since >= 0)
			inv->pkgs[g->m[i].idx].layer = g->m[i].since;
	free(kb);
}

/* Attributes the packages [from, to) that analyzer ops added. */
static void
attribute(const struct lb_analyzer_ops *ops, const struct lb_fsview *v, struct lb_ctx *quiet,
    struct lb_inventory *inv, size_t from, size_t to)
{
	struct lb_hmap by_path = LB_HMAP_INIT;   /* db_path -> group index + 1 */
	struct group *groups = NULL;
	size_t ngroups = 0, capgroups = 0;

	for (size_t i = from; i < to; i++) {
		const char *dp = inv->pkgs[i].db_path;
		size_t gi;

		if (!dp)
			continue;
		gi = (size_t)(uintptr_t)lb_hmap_get(&by_path, dp, strlen(dp));
		if (!gi) {
			lb_xgrow(&groups, &capgroups, ngroups + 1, sizeof(*groups));
			memset(&groups[ngroups], 0, sizeof(*groups));
			groups[ngroups].ops = ops;
			groups[ngroups].db_path = dp;
			lb_hmap_put(&by_path, dp, strlen(dp), (void *)(uintptr_t)(ngroups + 1));
			gi = ++ngroups;
		}
		group_add(&groups[gi - 1], inv, i);
	}
	for (size_t g = 0; g < ngroups; g++) {
		attribute_group(&groups[g], v, quiet, inv);
		group_release(&groups[g]);
	}
	free(groups);
	lb_hmap_release(&by_path);
}

static char *
dup0(const char *s)
{
	return s ? lb_xstrdup(s) : NULL;
}

/* Packages that streaming analyzers found in files of the final view. */
static int
take_facts(void *arg, const struct lb_file *f, const struct lb_inventory *facts)
{
	struct lb_inventory *inv = arg;

	for (size_t i = 0; i < facts->npkgs; i++) {
		const struct lb_pkg *s = &facts->pkgs[i];
		struct lb_pkg *p = lb_inventory_add_pkg(inv);

		p->type = dup0(s->type);
		p->name = dup0(s->name);
		p->version = dup0(s->version);
		p->arch = dup0(s->arch);
		p->src_name = dup0(s->src_name);
		p->src_version = dup0(s->src_version);
		p->license = dup0(s->license);
		p->maintainer = dup0(s->maintainer);
		p->purl = dup0(s->purl);
		p->db_path = dup0(s->db_path ? s->db_path : f->path);
		p->layer = f->layer;
		p->declared = s->declared;
		p->modularity = dup0(s->modularity);
		p->digest = dup0(s->digest);
		for (size_t k = 0; k < s->nfiles; k++)
			lb_pkg_add_file_digest(p, s->files[k], strlen(s->files[k]),
			    s->digests ? s->digests[k] : NULL);
	}
	return 0;
}

static int
is_os_type(const char *t)
{
	return t && (strcmp(t, "deb") == 0 || strcmp(t, "apk") == 0 || strcmp(t, "rpm") == 0);
}

/* A language package whose evidence file an OS package installed is that
 * package's business (Debian's python3-urllib3 dist-info): record the
 * owner so that matching does not count it twice. For a path inside an
 * archive ("a.jar!/x"), the archive itself is what the OS package owns. */
static void
mark_owners(struct lb_inventory *inv)
{
	struct lb_hmap owned = LB_HMAP_INIT;
	int any = 0;

	for (size_t i = 0; i < inv->npkgs; i++) {
		struct lb_pkg *p = &inv->pkgs[i];
		if (!is_os_type(p->type))
			continue;
		for (size_t k = 0; k < p->nfiles; k++) {
			const char *f = p->files[k];
			while (*f == '/')
				f++;
			lb_hmap_put(&owned, f, strlen(f), p);
			any = 1;
		}
	}
	for (size_t i = 0; any && i < inv->npkgs; i++) {
		struct lb_pkg *p = &inv->pkgs[i], *o;
		const char *path = p->db_path, *bang;
		size_t len;

		if (is_os_type(p->type) || !path)
			continue;
		bang = strstr(path, "!/");
		len = bang ? (size_t)(bang - path) : strlen(path);
		o = lb_hmap_get(&owned, path, len);
		if (!o && !bang) {
			/* dist-info/egg-info evidence: the owner lists the folder's files */
			const char *slash = strrchr(path, '/');
			if (slash)
				o = lb_hmap_get(&owned, path, (size_t)(slash - path));
		}
		if (o) {
			free(p->owner);
			p->owner = lb_xasprintf("%s:%s", o->type, o->name ? o->name : "");
		}
	}
	lb_hmap_release(&owned);
}

/* Whether the installed evidence path lies in the project of the
 * lockfile or manifest at decl: under the lockfile's folder. */
static bool
same_project(const char *decl, const char *inst)
{
	const char *slash = strrchr(decl, '/');
	size_t n = slash ? (size_t)(slash - decl) : 0;

	if (!n)
		return true;           /* a lockfile at the root: the whole image */
	return strncmp(inst, decl, n) == 0 && inst[n] == '/';
}

/* A package both installed (node_modules/x/package.json) and declared by a
 * lockfile of the same project (package-lock.json) is reported once, as
 * installed: the declared entry goes. Packages are compared by purl, which
 * normalises names as each ecosystem does. Returns how many went. */
static size_t
merge_declared(struct lb_inventory *inv)
{
	struct lb_hmap by_purl = LB_HMAP_INIT;   /* purl -> first installed index + 1 */
	char **purl = lb_xcalloc(inv->npkgs ? inv->npkgs : 1, sizeof(*purl));
	size_t *next = lb_xcalloc(inv->npkgs ? inv->npkgs : 1, sizeof(*next));
	bool *drop = lb_xcalloc(inv->npkgs ? inv->npkgs : 1, sizeof(*drop));
	size_t ndecl = 0, o = 0, gone = 0;

	for (size_t i = 0; i < inv->npkgs; i++)
		ndecl += inv->pkgs[i].declared;
	for (size_t i = 0; ndecl && i < inv->npkgs; i++) {
		const struct lb_pkg *p = &inv->pkgs[i];

		next[i] = SIZE_MAX;
		if (is_os_type(p->type) || !p->db_path ||
		    !(purl[i] = lb_purl_for_pkg(p, &inv->os)))
			continue;
		if (!p->declared) {
			size_t prev = (size_t)(uintptr_t)lb_hmap_put(&by_purl, purl[i], strlen(purl[i]),
			    (void *)(uintptr_t)(i + 1));
			next[i] = prev ? prev - 1 : SIZE_MAX;
		}
	}
	for (size_t i = 0; ndecl && i < inv->npkgs; i++) {
		const struct lb_pkg *p = &inv->pkgs[i];
		size_t j;

		if (!p->declared || !purl[i])
			continue;
		j = (size_t)(uintptr_t)lb_hmap_get(&by_purl, purl[i], strlen(purl[i]));
		for (j = j ? j - 1 : SIZE_MAX; j != SIZE_MAX && !drop[i]; j = next[j])
			drop[i] = same_project(p->db_path, inv->pkgs[j].db_path);
	}
	for (size_t i = 0; i < inv->npkgs; i++) {
		free(purl[i]);
		if (drop[i]) {
			lb_pkg_release(&inv->pkgs[i]);
			gone++;
		} else {
			inv->pkgs[o++] = inv->pkgs[i];
		}
	}
	inv->npkgs = o;
	lb_hmap_release(&by_purl);
	free(purl);
	free(next);
	free(drop);
	return gone;
}

int
lb_analyze_all(struct lb_ctx *cx, const struct lb_fsview *v, struct lb_inventory *inv)
{
	struct lb_ctx quiet;
	size_t n;
	int r = 0;

	/* Problems in older versions of a database do not change what the
	 * image contains; they only blur attribution, so they are not
	 * reported as scan warnings. */
	lb_ctx_init(&quiet, NULL);
	for (size_t a = 0; lb_analyzers[a]; a++) {
		const struct lb_analyzer_ops *ops = lb_analyzers[a];
		size_t from = inv->npkgs;

		if (ops->analyze && (r = ops->analyze(cx, v, inv)) < 0) {
			lb_err(cx, "analyzer '%s' failed: %s", ops->name, lb_strerror(r));
			goto out;
		}
		if (ops->parse_db)
			attribute(ops, v, &quiet, inv, from, inv->npkgs);
	}
	lb_fsview_each_facts(v, take_facts, inv);
	if ((n = merge_declared(inv)))
		lb_debug(cx, "%zu declared packages also found installed in their project", n);
	mark_owners(inv);
	/* the malware scanner's findings of every layer, and file integrity */
	if (cx->file_hook && cx->file_hook->finish && (r = cx->file_hook->finish(cx->file_hook->arg,
	    cx, v, inv)) < 0)
		goto out;
	if (quiet.nwarn)
		lb_debug(cx, "%zu problems in older versions of package databases ignored", quiet.nwarn);
	r = 0;
out:
	lb_ctx_release(&quiet);
	return r;
}

int
lb_analyze_read_doc(struct lb_ctx *cx, const struct lb_file *f, struct lb_istream *is,
    struct lb_buf *b)
{
	uint8_t chunk[16384];
	ssize_t k;

	if (f->real_size > b->max) {
		lb_warn(cx, "cannot parse '%s': %llu bytes, more than the limit of %zu", f->path,
		    (unsigned long long)f->real_size, b->max);
		return 0;
	}
	while ((k = lb_is_read(is, chunk, sizeof(chunk))) > 0) {
		if (lb_buf_add(b, chunk, (size_t)k) < 0) {
			lb_warn(cx, "cannot parse '%s': more than %zu bytes", f->path, b->max);
			return 0;
		}
	}
	if (k < 0) {
		lb_warn(cx, "cannot read '%s': %s", f->path, lb_strerror((int)k));
		return 0;
	}
	return 1;
}

/* True when name/version was not seen before (and remembers it). */
bool
lb_seen_add(struct lb_seen *s, struct lb_slice name, struct lb_slice version)
{
	char *k = lb_xmalloc(name.len + version.len + 2);
	size_t klen = name.len + version.len + 1;

	memcpy(k, name.p, name.len);
	k[name.len] = 0;
	memcpy(k + name.len + 1, version.p, version.len);
	k[klen] = 0;
	if (lb_hmap_get(&s->m, k, klen)) {
		free(k);
		return false;
	}
	lb_xgrow(&s->keys, &s->cap, s->n + 1, sizeof(*s->keys));
	s->keys[s->n++] = k;
	lb_hmap_put(&s->m, k, klen, k);
	return true;
}

void
lb_seen_release(struct lb_seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->keys[i]);
	free(s->keys);
	lb_hmap_release(&s->m);
	memset(s, 0, sizeof(*s));
}
