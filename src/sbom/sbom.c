/* sbom.c - CycloneDX and SPDX JSON SBOMs into an inventory (sbom.h). */
#include "sbom/sbom.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
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

struct rd {
	struct lb_ctx *cx;
	struct lb_inventory *inv;
	char nm[512];         /* printable file name */
	char **err;
	size_t ncomp;
	/* the OS as the distro qualifiers of OS packages name it */
	char *q_family, *q_version;
};

static int
fail(struct rd *d, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(struct rd *d, int code, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (d->err) {
		free(*d->err);
		*d->err = lb_xasprintf("cannot parse '%s' at %s", d->nm, msg ? msg : "?");
	}
	free(msg);
	return code;
}

static bool
os_type(const char *t)
{
	return strcmp(t, "deb") == 0 || strcmp(t, "apk") == 0 || strcmp(t, "rpm") == 0 ||
	    strcmp(t, "alpm") == 0;
}

/* A string member, or NULL when absent or not a string. */
static const char *
str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v) ?
	    json_string_value(v) : NULL;
}

static char *
dup_or_null(const char *s)
{
	return s && s[0] ? lb_xstrdup(s) : NULL;
}

/* "debian-12" -> ("debian", "12"); "opensuse-leap-15.5" -> ("opensuse-leap",
 * "15.5"); "3.7.3" (apk, Trivy) -> (NULL, "3.7.3"). */
static void
split_distro(const char *q, char **family, char **version)
{
	const char *cut = NULL;

	*family = *version = NULL;
	for (const char *p = q; *p; p++)
		if (*p == '-' && isdigit((unsigned char)p[1])) {
			cut = p;
			break;
		}
	if (cut) {
		*family = lb_xstrndup(q, (size_t)(cut - q));
		*version = lb_xstrdup(cut + 1);
	} else if (isdigit((unsigned char)q[0])) {
		*version = lb_xstrdup(q);
	} else {
		*family = lb_xstrdup(q);
	}
}

/* The full package name lifebelt keeps for a purl's namespace and name
 * (the reverse of purl.c's split_lang_name): npm "@scope/name", maven
 * "group:artifact", others "namespace/name"; OS types keep the name alone
 * (their namespace is the vendor). */
static char *
full_name(const struct lb_purl *u)
{
	if (!u->ns || os_type(u->type))
		return lb_xstrdup(u->name);
	if (strcmp(u->type, "maven") == 0)
		return lb_xasprintf("%s:%s", u->ns, u->name);
	return lb_xasprintf("%s/%s", u->ns, u->name);
}

/* The properties of a CycloneDX component that say more than its purl. */
struct props {
	const char *src_name, *src_version, *db_path, *owner, *type;
};

static void
read_props(json_t *c, struct props *p)
{
	json_t *arr = json_object_get(c, "properties");

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i);
		const char *k = str(e, "name"), *v = str(e, "value");

		if (!k || !v)
			continue;
		if (strcmp(k, "lifebelt:pkg:srcName") == 0 || strcmp(k, "aquasecurity:trivy:SrcName") == 0)
			p->src_name = v;
		else if (strcmp(k, "lifebelt:pkg:srcVersion") == 0 ||
		    strcmp(k, "aquasecurity:trivy:SrcVersion") == 0)
			p->src_version = v;
		else if (strcmp(k, "lifebelt:pkg:dbPath") == 0 || strcmp(k, "aquasecurity:trivy:FilePath") == 0 ||
		    strcmp(k, "syft:location:0:path") == 0)
			p->db_path = v;
		else if (strcmp(k, "lifebelt:pkg:owner") == 0)
			p->owner = v;
	}
}

/* Adds the package a purl names. 0, or < 0 with a warning (skipped). */
static int
add_pkg(struct rd *d, const char *purl, const struct props *pr, const char *path)
{
	struct lb_purl u;
	struct lb_pkg *p;
	const char *q, *epoch, *up;
	char safe[512];
	int r;

	if (d->ncomp >= LB_SBOM_MAX_COMPONENTS)
		return fail(d, -LB_E_LIMIT, "%s: more than %d packages", path, LB_SBOM_MAX_COMPONENTS);
	if ((r = lb_purl_parse(purl, strlen(purl), &u)) < 0 || !u.version) {
		lb_safe(safe, sizeof(safe), purl);
		lb_warn(d->cx, "'%s' %s.purl: %s '%s'; package skipped", d->nm, path,
		    r < 0 ? "invalid purl" : "purl without a version", safe);
		lb_purl_release(&u);
		return 0;
	}
	if (strcmp(u.type, "oci") == 0 || strcmp(u.type, "docker") == 0) {
		lb_purl_release(&u);
		return 0;   /* the image itself, not a package in it */
	}
	d->ncomp++;
	p = lb_inventory_add_pkg(d->inv);
	p->type = lb_xstrdup(u.type);
	p->name = full_name(&u);
	epoch = lb_purl_qualifier(&u, "epoch");
	if (epoch && os_type(u.type) && !strchr(u.version, ':') && strcmp(epoch, "0") != 0)
		p->version = lb_xasprintf("%s:%s", epoch, u.version);
	else
		p->version = lb_xstrdup(u.version);
	if ((q = lb_purl_qualifier(&u, "arch")))
		p->arch = lb_xstrdup(q);
	else if (strcmp(u.type, "gem") == 0 && (q = lb_purl_qualifier(&u, "platform")))
		p->arch = lb_xstrdup(q);
	if (os_type(u.type) && (up = lb_purl_qualifier(&u, "upstream"))) {
		const char *at = strchr(up, '@');

		p->src_name = at ? lb_xstrndup(up, (size_t)(at - up)) : lb_xstrdup(up);
		if (at && at[1])
			p->src_version = lb_xstrdup(at + 1);
	}
	if (pr) {
		if (pr->src_name && !p->src_name)
			p->src_name = dup_or_null(pr->src_name);
		if (pr->src_version && !p->src_version)
			p->src_version = dup_or_null(pr->src_version);
		if (pr->db_path)
			p->db_path = lb_xstrdup(pr->db_path[0] == '/' ? pr->db_path + 1 : pr->db_path);
		if (pr->owner)
			p->owner = dup_or_null(pr->owner);
	}
	/* lifebelt's own rule: a source name equal to the name is no source */
	if (p->src_name && strcmp(p->src_name, p->name) == 0 && !p->src_version) {
		free(p->src_name);
		p->src_name = NULL;
	}
	if (p->src_version && strcmp(p->src_version, p->version) == 0) {
		free(p->src_version);
		p->src_version = NULL;
	}
	if (os_type(u.type) && !d->q_version && (q = lb_purl_qualifier(&u, "distro"))) {
		/* a qualifier without a release ("alpine") may come first: replaced */
		free(d->q_family);
		split_distro(q, &d->q_family, &d->q_version);
		if (!d->q_family && u.ns)
			d->q_family = lb_xstrdup(u.ns);
	}
	lb_purl_release(&u);
	return 0;
}

static void
set_os(struct rd *d, const char *name, const char *version, const char *evidence)
{
	struct lb_os *os = &d->inv->os;
	char *f;

	if (!name || !name[0] || os->family)
		return;
	f = lb_xstrdup(name);
	for (char *c = f; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	os->family = f;
	os->version = dup_or_null(version);
	os->version_id = dup_or_null(version);
	os->evidence = dup_or_null(evidence);
}

/* ---- CycloneDX ---- */

static int
cdx_components(struct rd *d, json_t *arr, const char *path, int depth)
{
	char here[256];
	int r;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return fail(d, -LB_E_FORMAT, "%s: must be an array", path);
	if (depth > LB_SBOM_MAX_DEPTH)
		return fail(d, -LB_E_LIMIT, "%s: components nested more than %d deep", path,
		    LB_SBOM_MAX_DEPTH);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *c = json_array_get(arr, i), *purl;
		const char *type;

		if (snprintf(here, sizeof(here), "%s[%zu]", path, i) >= (int)sizeof(here))
			memcpy(here + sizeof(here) - 4, "...", 4);   /* a message only: keep the head */
		if (!json_is_object(c))
			return fail(d, -LB_E_FORMAT, "%s: a component must be an object", here);
		type = str(c, "type");
		purl = json_object_get(c, "purl");
		if (purl && !json_is_string(purl))
			return fail(d, -LB_E_FORMAT, "%s.purl: must be a string", here);
		if (type && strcmp(type, "operating-system") == 0) {
			json_t *pa = json_object_get(c, "properties");
			const char *vid = NULL, *code = NULL, *evid = NULL;

			for (size_t k = 0; k < json_array_size(pa); k++) {
				const char *pk = str(json_array_get(pa, k), "name");
				const char *pv = str(json_array_get(pa, k), "value");

				if (!pk || !pv)
					continue;
				if (strcmp(pk, "lifebelt:os:versionId") == 0)
					vid = pv;
				else if (strcmp(pk, "lifebelt:os:codename") == 0)
					code = pv;
				else if (strcmp(pk, "lifebelt:os:evidence") == 0)
					evid = pv;
			}
			if (!d->inv->os.family) {
				set_os(d, str(c, "name"), str(c, "version"), evid);
				if (!d->inv->os.family)
					goto next;   /* no name: not an OS we can use */
				if (vid) {
					free(d->inv->os.version_id);
					d->inv->os.version_id = lb_xstrdup(vid);
				}
				d->inv->os.codename = dup_or_null(code);
				d->inv->os.name = dup_or_null(str(c, "description"));
			}
		} else if (json_is_string(purl) && json_string_length(purl) > 0) {
			struct props pr;

			if (strlen(json_string_value(purl)) != json_string_length(purl))
				return fail(d, -LB_E_FORMAT, "%s.purl: holds a NUL character", here);
			read_props(c, &pr);
			if ((r = add_pkg(d, json_string_value(purl), &pr, here)) < 0)
				return r;
		}
next:
		{
			char sub[300];

			snprintf(sub, sizeof(sub), "%s.components", here);
			if ((r = cdx_components(d, json_object_get(c, "components"), sub, depth + 1)) < 0)
				return r;
		}
	}
	return 0;
}

static int
parse_cdx(struct rd *d, json_t *doc)
{
	const char *spec = str(doc, "specVersion");
	json_t *meta = json_object_get(doc, "metadata"), *mc;

	if (!spec)
		return fail(d, -LB_E_FORMAT, "$.specVersion: missing or not a string");
	if (strcmp(spec, "1.4") != 0 && strcmp(spec, "1.5") != 0 && strcmp(spec, "1.6") != 0)
		return fail(d, -LB_E_FORMAT, "$.specVersion: CycloneDX %.16s is not supported (1.4 to 1.6 are)",
		    spec);
	if (meta && !json_is_object(meta))
		return fail(d, -LB_E_FORMAT, "$.metadata: must be an object");
	mc = json_object_get(meta, "component");
	if (mc && json_is_object(mc)) {
		const char *n = str(mc, "name");

		if (n)
			d->inv->ref = lb_xstrdup(n);
		/* an SBOM of one package names it here */
		if (str(mc, "purl") && !(str(mc, "type") && strcmp(str(mc, "type"), "container") == 0)) {
			int r = add_pkg(d, str(mc, "purl"), NULL, "$.metadata.component");

			if (r < 0)
				return r;
		}
	}
	return cdx_components(d, json_object_get(doc, "components"), "$.components", 0);
}

/* ---- SPDX ---- */

static const char *
spdx_purl(struct rd *d, json_t *pkg, const char *path, int *r)
{
	json_t *refs = json_object_get(pkg, "externalRefs");

	*r = 0;
	if (refs && !json_is_array(refs)) {
		*r = fail(d, -LB_E_FORMAT, "%s.externalRefs: must be an array", path);
		return NULL;
	}
	for (size_t i = 0; i < json_array_size(refs); i++) {
		json_t *e = json_array_get(refs, i);
		const char *t = str(e, "referenceType");

		if (t && strcmp(t, "purl") == 0 && str(e, "referenceLocator"))
			return str(e, "referenceLocator");
	}
	return NULL;
}

/* "acquired package info from APK DB: /lib/apk/db/installed" -> the path */
static const char *
spdx_path(const char *source_info)
{
	const char *p;

	if (!source_info || strncmp(source_info, "acquired package info from ", 27) != 0)
		return NULL;
	p = source_info + 27;
	if (strstr(p, ": "))
		p = strstr(p, ": ") + 2;
	/* several paths: the first */
	return *p ? p : NULL;
}

static int
parse_spdx(struct rd *d, json_t *doc)
{
	const char *ver = str(doc, "spdxVersion");
	json_t *pkgs = json_object_get(doc, "packages");
	char here[96];
	int r;

	if (!ver || (strcmp(ver, "SPDX-2.3") != 0 && strcmp(ver, "SPDX-2.2") != 0))
		return fail(d, -LB_E_FORMAT, "$.spdxVersion: SPDX-2.3 or SPDX-2.2 expected");
	if (str(doc, "name"))
		d->inv->ref = lb_xstrdup(str(doc, "name"));
	if (pkgs && !json_is_array(pkgs))
		return fail(d, -LB_E_FORMAT, "$.packages: must be an array");
	for (size_t i = 0; i < json_array_size(pkgs); i++) {
		json_t *p = json_array_get(pkgs, i);
		const char *purpose, *purl;

		snprintf(here, sizeof(here), "$.packages[%zu]", i);
		if (!json_is_object(p))
			return fail(d, -LB_E_FORMAT, "%s: a package must be an object", here);
		purpose = str(p, "primaryPackagePurpose");
		/* Trivy's SPDX 2.2 has no purpose but an SPDXID that says it */
		if ((purpose && (strcmp(purpose, "OPERATING_SYSTEM") == 0 ||
		    strcmp(purpose, "OPERATING-SYSTEM") == 0)) ||
		    (!purpose && str(p, "SPDXID") &&
		    strncmp(str(p, "SPDXID"), "SPDXRef-OperatingSystem", 23) == 0)) {
			set_os(d, str(p, "name"), str(p, "versionInfo"), str(p, "sourceInfo"));
			continue;
		}
		purl = spdx_purl(d, p, here, &r);
		if (r < 0)
			return r;
		if (purl) {
			struct props pr = { 0 };
			const char *si = str(p, "sourceInfo");
			char sub[128], *srcn = NULL, *srcv = NULL;

			pr.db_path = spdx_path(si);
			/* Trivy: "built package from: NAME VERSION" */
			if (si && strncmp(si, "built package from: ", 20) == 0) {
				const char *sp = strchr(si + 20, ' ');

				srcn = sp ? lb_xstrndup(si + 20, (size_t)(sp - si - 20)) : lb_xstrdup(si + 20);
				srcv = sp && sp[1] ? lb_xstrdup(sp + 1) : NULL;
				pr.src_name = srcn;
				pr.src_version = srcv;
			}
			snprintf(sub, sizeof(sub), "%s.externalRefs", here);
			r = add_pkg(d, purl, &pr, sub);
			free(srcn);
			free(srcv);
			if (r < 0)
				return r;
			continue;
		}
	}
	return 0;
}

int
lb_sbom_parse(struct lb_ctx *cx, const char *name, const char *buf, size_t len,
    struct lb_inventory **out, char **err)
{
	struct rd d;
	json_error_t je;
	json_t *doc;
	size_t w0 = cx ? cx->nkept : 0;
	int r;

	*out = NULL;
	memset(&d, 0, sizeof(d));
	d.cx = cx;
	d.err = err;
	lb_safe(d.nm, sizeof(d.nm), name ? name : "?");
	if (!(doc = json_loadb(buf, len, 0, &je))) {
		if (err) {
			free(*err);
			*err = lb_xasprintf("cannot parse '%s' line %d: %s", d.nm, je.line, je.text);
		}
		return -LB_E_FORMAT;
	}
	d.inv = lb_inventory_new();
	d.inv->source_kind = lb_xstrdup("sbom");
	d.inv->source = lb_xstrdup(name ? name : "?");
	if (!json_is_object(doc))
		r = fail(&d, -LB_E_FORMAT, "$: not a JSON object");
	else if (str(doc, "bomFormat") && strcmp(str(doc, "bomFormat"), "CycloneDX") == 0)
		r = parse_cdx(&d, doc);
	else if (json_object_get(doc, "spdxVersion"))
		r = parse_spdx(&d, doc);
	else
		r = fail(&d, -LB_E_FORMAT, "$: neither CycloneDX (bomFormat) nor SPDX (spdxVersion)");
	json_decref(doc);
	if (r == 0 && !d.inv->os.family && d.q_version) {
		/* no OS component: the OS packages' distro qualifier */
		set_os(&d, d.q_family ? d.q_family : "unknown", d.q_version, NULL);
	}
	free(d.q_family);
	free(d.q_version);
	if (r < 0) {
		lb_inventory_free(d.inv);
		return r;
	}
	/* the warnings raised here belong to this result */
	for (size_t k = w0; cx && k < cx->nkept; k++) {
		d.inv->warnings = lb_xrealloc(d.inv->warnings, (d.inv->nwarnings + 1) * sizeof(char *));
		d.inv->warnings[d.inv->nwarnings++] = lb_xstrdup(cx->warnings[k]);
		d.inv->partial = true;
	}
	lb_inventory_finish(d.inv);
	*out = d.inv;
	return 0;
}

int
lb_sbom_read(struct lb_ctx *cx, const char *path, struct lb_inventory **out)
{
	struct lb_buf b = LB_BUF_INIT(LB_SBOM_MAX_FILE);
	char *err = NULL;
	struct stat st;
	int fd, r;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		r = -errno;
		lb_err(cx, "cannot read '%s': %s", path, strerror(errno));
		return r;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		lb_err(cx, "cannot read '%s': a directory, not an SBOM file", path);
		return -LB_E_FORMAT;
	}
	if ((r = lb_buf_read_fd(&b, fd)) == -LB_E_LIMIT)
		lb_err(cx, "cannot read '%s': larger than %u bytes", path, LB_SBOM_MAX_FILE);
	else if (r < 0)
		lb_err(cx, "cannot read '%s': %s", path, strerror(-r));
	close(fd);
	if (r == 0 && (r = lb_sbom_parse(cx, path, (const char *)b.p, b.len, out, &err)) < 0)
		lb_err(cx, "%s", err ? err : lb_strerror(r));
	free(err);
	lb_buf_release(&b);
	return r;
}
