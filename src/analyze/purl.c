#include "analyze/purl.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "base/lb_err.h"
#include "base/lb_hex.h"
#include "base/lb_slice.h"
#include "base/lb_banned.h"

/* Output of lb_purl_build: purls built from image data can be longer than
 * LB_PURL_MAX (parse side), but not unboundedly so. */
#define PURL_BUILD_MAX (16u << 20)

static bool
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static char
to_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void
lower_inplace(char *s)
{
	for (; s && *s; s++)
		*s = to_lower(*s);
}

/* ECMA-427 "Permitted characters": alphanumerics and ".-_~" are never
 * encoded, and "Character encoding": nor is the colon. */
static bool
is_plain(unsigned char c)
{
	return is_alpha(c) || is_digit(c) || c == '.' || c == '-' || c == '_' || c == '~' ||
	    c == ':';
}

static int
encode_into(struct lb_buf *b, const char *s, size_t n, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;
	char esc[3];
	int r;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_plain(c) || (keep_slash && c == '/'))
			continue;
		if ((r = lb_buf_add(b, s + run, i - run)) < 0)
			return r;
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 15];
		if ((r = lb_buf_add(b, esc, 3)) < 0)
			return r;
		run = i + 1;
	}
	return lb_buf_add(b, s + run, n - run);
}

char *
lb_purl_encode(const char *s, int keep_slash)
{
	struct lb_buf b = LB_BUF_INIT(PURL_BUILD_MAX);

	if (encode_into(&b, s, strlen(s), keep_slash != 0) < 0) {
		lb_buf_release(&b);
		return NULL;
	}
	return lb_buf_detach(&b, NULL);
}

/* Type-specific normalisation from the purl-spec type definitions. */
struct type_norm {
	const char *type;
	bool ns_lower, name_lower, pypi;
};

static const struct type_norm type_norms[] = {
	{ "alpm", true, true, false },       /* "not case sensitive and must be lowercased" */
	{ "apk", true, true, false },
	{ "bitbucket", true, true, false },
	{ "composer", true, true, false },
	{ "deb", true, true, false },
	{ "github", true, true, false },
	{ "pypi", false, true, true },       /* PEP 503: runs of "-_." -> '-' */
	{ "rpm", true, false, false },       /* rpm names are case sensitive */
};

static void
normalize(const char *type, char *ns, char *name)
{
	for (size_t i = 0; i < sizeof(type_norms) / sizeof(type_norms[0]); i++) {
		const struct type_norm *t = &type_norms[i];

		if (strcmp(type, t->type) != 0)
			continue;
		if (t->ns_lower)
			lower_inplace(ns);
		if (t->name_lower)
			lower_inplace(name);
		if (t->pypi && name) {
			/* PEP 503: runs of '-', '_' and '.' become one '-' */
			char *o = name;
			for (const char *c = name; *c; c++) {
				if (*c == '-' || *c == '_' || *c == '.') {
					if (o == name || o[-1] != '-')
						*o++ = '-';
				} else {
					*o++ = *c;
				}
			}
			*o = 0;
		}
		return;
	}
}

/* ECMA-427: a type is ASCII letters, digits, '.' and '-', starting with a
 * letter; checked after lowercasing. */
static bool
valid_type(const char *t)
{
	if (!t || !is_alpha((unsigned char)t[0]))
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || is_digit((unsigned char)*t) || *t == '.' || *t == '-'))
			return false;
	return true;
}

/* A qualifier key: lowercase letters, digits, '.', '-', '_', starting with a letter. */
static bool
valid_key(const char *k)
{
	if (!k || !(k[0] >= 'a' && k[0] <= 'z'))
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || is_digit((unsigned char)*k) || *k == '.' ||
		    *k == '-' || *k == '_'))
			return false;
	return true;
}

static int
qual_cmp(const void *x, const void *y)
{
	const struct lb_purl_qualifier *a = x, *b = y;

	return strcmp(a->key, b->key);
}

/* Appends the '/'-separated segments of s, each encoded. With drop_dots,
 * "." and ".." segments go (subpath); empty ones are skipped, except that
 * an empty segment between two others is an error when strict is set
 * (namespace). Returns the number of segments written or a negative code. */
static int
add_segments(struct lb_buf *b, const char *s, bool drop_dots, bool strict)
{
	struct lb_slice rest = lb_slice_str(s), seg;
	int n = 0, r;

	while (rest.len && rest.p[0] == '/')
		rest.p++, rest.len--;
	while (rest.len && rest.p[rest.len - 1] == '/')
		rest.len--;
	while (rest.len) {
		seg = lb_slice_split(&rest, '/');
		if (seg.len == 0) {
			if (strict)
				return -LB_E_FORMAT;
			continue;
		}
		if (drop_dots && (lb_slice_eq(seg, ".") || lb_slice_eq(seg, "..")))
			continue;
		if (n > 0 && (r = lb_buf_add(b, "/", 1)) < 0)
			return r;
		if ((r = encode_into(b, seg.p, seg.len, false)) < 0)
			return r;
		n++;
	}
	return n;
}

char *
lb_purl_build(const struct lb_purl *p)
{
	struct lb_buf b = LB_BUF_INIT(PURL_BUILD_MAX);
	struct lb_purl_qualifier *q = NULL;
	char *type = NULL, *ns = NULL, *name = NULL, *out = NULL;
	struct lb_slice nm;
	size_t nq = 0, mark;
	int r;

	if (!p->type || !p->name)
		goto out;
	type = lb_xstrdup(p->type);
	lower_inplace(type);
	if (!valid_type(type))
		goto out;
	ns = p->ns ? lb_xstrdup(p->ns) : NULL;
	/* how-to-build: strip leading and trailing '/' from the name */
	nm = lb_slice_str(p->name);
	while (nm.len && nm.p[0] == '/')
		nm.p++, nm.len--;
	while (nm.len && nm.p[nm.len - 1] == '/')
		nm.len--;
	if (nm.len == 0)
		goto out;
	name = lb_xstrndup(nm.p, nm.len);
	normalize(type, ns, name);

	if (lb_buf_addf(&b, "pkg:%s/", type) < 0)
		goto out;
	if (ns) {
		if ((r = add_segments(&b, ns, false, true)) < 0)
			goto out;
		if (r > 0 && lb_buf_add(&b, "/", 1) < 0)
			goto out;
	}
	if (encode_into(&b, name, strlen(name), false) < 0)
		goto out;
	if (p->version && p->version[0]) {
		if (lb_buf_add(&b, "@", 1) < 0 ||
		    encode_into(&b, p->version, strlen(p->version), false) < 0)
			goto out;
	}

	if (p->nquals) {
		q = lb_xcalloc(p->nquals, sizeof(*q));
		for (size_t i = 0; i < p->nquals; i++) {
			if (!p->quals[i].value || !p->quals[i].value[0])
				continue;        /* how-to-build: discard empty values */
			q[nq].key = lb_xstrdup(p->quals[i].key ? p->quals[i].key : "");
			lower_inplace(q[nq].key);
			q[nq].value = p->quals[i].value;
			if (!valid_key(q[nq].key)) {
				nq++;
				goto out;
			}
			nq++;
		}
		if (nq > 1)
			qsort(q, nq, sizeof(*q), qual_cmp);
		for (size_t i = 0; i < nq; i++) {
			if (i > 0 && strcmp(q[i - 1].key, q[i].key) == 0)
				goto out;        /* keys must be unique */
			if (lb_buf_addf(&b, "%c%s=", i == 0 ? '?' : '&', q[i].key) < 0 ||
			    encode_into(&b, q[i].value, strlen(q[i].value), false) < 0)
				goto out;
		}
	}
	if (p->subpath) {
		mark = b.len;
		if (lb_buf_add(&b, "#", 1) < 0 || (r = add_segments(&b, p->subpath, true, false)) < 0)
			goto out;
		if (r == 0)
			b.len = mark;
		if (b.p)
			b.p[b.len] = 0;
	}
	out = lb_buf_detach(&b, NULL);
out:
	for (size_t i = 0; i < nq; i++)
		free(q[i].key);
	free(q);
	free(type);
	free(ns);
	free(name);
	lb_buf_release(&b);
	return out;
}

void
lb_purl_release(struct lb_purl *p)
{
	if (!p)
		return;
	free(p->type);
	free(p->ns);
	free(p->name);
	free(p->version);
	for (size_t i = 0; i < p->nquals; i++) {
		free(p->quals[i].key);
		free(p->quals[i].value);
	}
	free(p->quals);
	free(p->subpath);
	memset(p, 0, sizeof(*p));
}

const char *
lb_purl_qualifier(const struct lb_purl *p, const char *key)
{
	for (size_t i = 0; i < p->nquals; i++)
		if (strcmp(p->quals[i].key, key) == 0)
			return p->quals[i].value;
	return NULL;
}

/* Percent-decodes in into a new string. An escape that is not '%' and two
 * hex digits, or one that decodes to NUL, is -LB_E_FORMAT. '+' stays '+':
 * a purl is not form-encoded. */
static int
decode(struct lb_slice in, char **out)
{
	char *d = lb_xmalloc(in.len + 1);
	size_t i, o = 0;

	*out = NULL;
	for (i = 0; i < in.len; i++) {
		int hi, lo;

		if (in.p[i] != '%') {
			d[o++] = in.p[i];
			continue;
		}
		if (i + 2 >= in.len) {
			free(d);
			return -LB_E_FORMAT;
		}
		hi = lb_hexval(in.p[i + 1]);
		lo = lb_hexval(in.p[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(d);
			return -LB_E_FORMAT;
		}
		d[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	d[o] = 0;
	*out = d;
	return 0;
}

/* Decodes the '/'-separated segments of in, dropping empty ones (and "."
 * and ".." with drop_dots), into a new string joined by '/'; NULL when no
 * segment is left. A decoded segment holding '/' is -LB_E_FORMAT. */
static int
decode_segments(struct lb_slice in, bool drop_dots, char **out)
{
	struct lb_buf b = LB_BUF_INIT(LB_PURL_MAX);
	struct lb_slice seg;
	char *d = NULL;
	int r = 0, n = 0;

	*out = NULL;
	while (in.len) {
		seg = lb_slice_split(&in, '/');
		if (seg.len == 0)
			continue;
		if ((r = decode(seg, &d)) < 0)
			goto out;
		if (strchr(d, '/') || d[0] == 0) {
			r = -LB_E_FORMAT;
			goto out;
		}
		if (drop_dots && (strcmp(d, ".") == 0 || strcmp(d, "..") == 0)) {
			free(d);
			d = NULL;
			continue;
		}
		if ((n > 0 && (r = lb_buf_add(&b, "/", 1)) < 0) || (r = lb_buf_addstr(&b, d)) < 0)
			goto out;
		free(d);
		d = NULL;
		n++;
	}
	if (n > 0)
		*out = lb_buf_detach(&b, NULL);
	r = 0;
out:
	free(d);
	lb_buf_release(&b);
	return r;
}

static const char *
slice_rchr(struct lb_slice s, char c)
{
	for (size_t i = s.len; i > 0; i--)
		if (s.p[i - 1] == c)
			return s.p + i - 1;
	return NULL;
}

static int
parse_qualifiers(struct lb_slice qs, struct lb_purl *out)
{
	struct lb_slice part, key;
	char *k = NULL, *v = NULL;
	int r = 0;

	while (qs.len) {
		part = lb_slice_split(&qs, '&');
		if (part.len == 0)
			continue;
		if (!memchr(part.p, '=', part.len)) {
			r = -LB_E_FORMAT;
			goto out;
		}
		key = lb_slice_split(&part, '=');
		k = lb_xstrndup(key.p, key.len);
		lower_inplace(k);
		if (!valid_key(k)) {
			r = -LB_E_FORMAT;
			goto out;
		}
		if ((r = decode(part, &v)) < 0)
			goto out;
		if (v[0] == 0) {                /* how-to-parse: discard empty values */
			free(k);
			free(v);
			k = v = NULL;
			continue;
		}
		if (out->nquals >= LB_PURL_MAX_QUALIFIERS) {
			r = -LB_E_LIMIT;
			goto out;
		}
		out->quals = lb_xrealloc(out->quals, (out->nquals + 1) * sizeof(*out->quals));
		out->quals[out->nquals].key = k;
		out->quals[out->nquals].value = v;
		out->nquals++;
		k = v = NULL;
	}
	if (out->nquals > 1)
		qsort(out->quals, out->nquals, sizeof(*out->quals), qual_cmp);
	for (size_t i = 1; i < out->nquals; i++)
		if (strcmp(out->quals[i - 1].key, out->quals[i].key) == 0)
			r = -LB_E_FORMAT;    /* ECMA-427: each key is unique */
out:
	free(k);
	free(v);
	return r;
}

int
lb_purl_parse(const char *s, size_t len, struct lb_purl *out)
{
	struct lb_slice rem = lb_slice_make(s, len), tail, scheme, type;
	const char *c;
	int r;

	memset(out, 0, sizeof(*out));
	if (len > LB_PURL_MAX)
		return -LB_E_LIMIT;
	if (len && memchr(s, 0, len))
		return -LB_E_FORMAT;

	/* how-to-parse works right to left: subpath, qualifiers, then the rest */
	if ((c = slice_rchr(rem, '#'))) {
		tail = lb_slice_make(c + 1, rem.len - (size_t)(c + 1 - rem.p));
		rem.len = (size_t)(c - rem.p);
		if ((r = decode_segments(tail, true, &out->subpath)) < 0)
			goto fail;
	}
	if ((c = slice_rchr(rem, '?'))) {
		tail = lb_slice_make(c + 1, rem.len - (size_t)(c + 1 - rem.p));
		rem.len = (size_t)(c - rem.p);
		if ((r = parse_qualifiers(tail, out)) < 0)
			goto fail;
	}
	r = -LB_E_FORMAT;
	if (!memchr(rem.p ? rem.p : "", ':', rem.len))
		goto fail;
	scheme = lb_slice_split(&rem, ':');
	if (scheme.len != 3 || to_lower(scheme.p[0]) != 'p' || to_lower(scheme.p[1]) != 'k' ||
	    to_lower(scheme.p[2]) != 'g')
		goto fail;
	while (rem.len && rem.p[0] == '/')   /* "pkg://" is accepted */
		rem.p++, rem.len--;
	if (!memchr(rem.p ? rem.p : "", '/', rem.len))
		goto fail;                       /* no name */
	type = lb_slice_split(&rem, '/');
	out->type = lb_xstrndup(type.p, type.len);
	lower_inplace(out->type);
	if (!valid_type(out->type))
		goto fail;

	while (rem.len && rem.p[rem.len - 1] == '/')
		rem.len--;
	/* the version follows the last '@' unless a '/' comes after it, as in
	 * the unencoded scope of "pkg:npm/@angular/core" */
	if ((c = slice_rchr(rem, '@')) && !memchr(c, '/', rem.len - (size_t)(c - rem.p))) {
		tail = lb_slice_make(c + 1, rem.len - (size_t)(c + 1 - rem.p));
		rem.len = (size_t)(c - rem.p);
		if ((r = decode(tail, &out->version)) < 0)
			goto fail;
		if (out->version[0] == 0) {
			free(out->version);
			out->version = NULL;
		}
		while (rem.len && rem.p[rem.len - 1] == '/')
			rem.len--;
	}
	c = slice_rchr(rem, '/');
	tail = c ? lb_slice_make(c + 1, rem.len - (size_t)(c + 1 - rem.p)) : rem;
	rem.len = c ? (size_t)(c - rem.p) : 0;
	if ((r = decode(tail, &out->name)) < 0)
		goto fail;
	if (out->name[0] == 0) {
		r = -LB_E_FORMAT;
		goto fail;
	}
	if ((r = decode_segments(rem, false, &out->ns)) < 0)
		goto fail;
	normalize(out->type, out->ns, out->name);
	return 0;
fail:
	return r;
}

/* Package types whose namespace is the distribution. */
static bool
is_os_type(const char *t)
{
	return strcmp(t, "deb") == 0 || strcmp(t, "apk") == 0 || strcmp(t, "rpm") == 0 ||
	    strcmp(t, "alpm") == 0;
}

/* The rpm namespace is the vendor, as the purl-spec examples and Trivy
 * name it ("pkg:rpm/redhat/...", "pkg:rpm/opensuse/..."), not the
 * os-release ID, which stays in the distro qualifier ("distro=rhel-9.2"). */
static const char *
rpm_vendor(const char *family)
{
	static const struct { const char *id, *vendor; } map[] = {
		{ "rhel", "redhat" }, { "ol", "oracle" }, { "sles", "suse" }, { "sled", "suse" },
		{ "sles_sap", "suse" }, { "sle-micro", "suse" }, { "sl-micro", "suse" },
		{ "opensuse-leap", "opensuse" }, { "opensuse-tumbleweed", "opensuse" },
		{ "opensuse-leap-micro", "opensuse" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(family, map[i].id) == 0)
			return map[i].vendor;
	return family;   /* fedora, centos, rocky, almalinux, amzn, mariner, azurelinux, photon */
}

/* Splits a language package's full name into namespace and name, as each
 * purl type lays it out. Sets *ns (new or NULL) and returns the name part. */
static const char *
split_lang_name(const char *type, const char *full, char **ns)
{
	const char *sep = NULL;

	*ns = NULL;
	if (strcmp(type, "npm") == 0) {
		if (full[0] == '@')
			sep = strchr(full, '/');     /* "@scope/name" */
	} else if (strcmp(type, "maven") == 0) {
		sep = strchr(full, ':');         /* "group:artifact" */
	} else if (strcmp(type, "golang") == 0 || strcmp(type, "composer") == 0 ||
	    strcmp(type, "github") == 0 || strcmp(type, "bitbucket") == 0 ||
	    strcmp(type, "swift") == 0) {
		sep = strrchr(full, '/');
	}
	if (!sep || sep == full || sep[1] == 0)
		return full;
	*ns = lb_xstrndup(full, (size_t)(sep - full));
	return sep + 1;
}

char *
lb_purl_for_pkg(const struct lb_pkg *p, const struct lb_os *os)
{
	struct lb_purl u;
	struct lb_purl_qualifier q[5];
	char *type = NULL, *ns = NULL, *version = NULL, *epoch = NULL, *distro = NULL;
	char *upstream = NULL, *out = NULL;
	const char *family = os ? os->family : NULL, *dver;
	size_t nq = 0;

	if (!p->type || !p->type[0] || !p->name || !p->name[0] || !p->version || !p->version[0])
		return NULL;
	memset(&u, 0, sizeof(u));
	type = lb_xstrdup(p->type);
	lower_inplace(type);
	u.type = type;
	u.name = p->name;
	u.version = p->version;

	if (is_os_type(type)) {
		if (family && family[0] && strcmp(type, "rpm") == 0)
			ns = lb_xstrdup(rpm_vendor(family));
		else if (family && family[0])
			ns = lb_xstrdup(family);
		else if (strcmp(type, "deb") == 0)
			ns = lb_xstrdup("debian");
		else if (strcmp(type, "apk") == 0)
			ns = lb_xstrdup("alpine");
		if (ns)
			lower_inplace(ns);
		u.ns = ns;
		if (p->arch && p->arch[0])
			q[nq++] = (struct lb_purl_qualifier){ (char *)"arch", p->arch };
		dver = os ? (os->version_id && os->version_id[0] ? os->version_id : os->version) : NULL;
		if (dver && dver[0]) {
			/* Trivy writes apk's distro as the bare release ("3.7.3") and
			 * the others as "<family>-<release>" ("debian-12") */
			if (strcmp(type, "apk") == 0)
				distro = lb_xstrdup(dver);
			else if (family && family[0])
				distro = lb_xasprintf("%s-%s", family, dver);
			else if (ns)
				distro = lb_xasprintf("%s-%s", ns, dver);
			if (distro)
				q[nq++] = (struct lb_purl_qualifier){ (char *)"distro", distro };
		}
		if (strcmp(type, "rpm") == 0) {
			/* PURL-TYPES rpm: "epoch ... is a qualifier"; the version is
			 * version-release */
			const char *v = p->version;
			size_t nd = strspn(v, "0123456789");

			if (nd > 0 && v[nd] == ':' && v[nd + 1]) {
				if (strspn(v, "0") != nd) {
					epoch = lb_xstrndup(v, nd);
					q[nq++] = (struct lb_purl_qualifier){ (char *)"epoch", epoch };
				}
				version = lb_xstrdup(v + nd + 1);
				u.version = version;
			}
			/* a module stream's package (RHEL 8+ AppStream): the label
			 * "name:stream:version:context", qualifier as Trivy writes it */
			if (p->modularity && p->modularity[0])
				q[nq++] = (struct lb_purl_qualifier){ (char *)"modularitylabel", p->modularity };
		}
		if (p->src_name || p->src_version) {
			const char *sn = p->src_name && p->src_name[0] ? p->src_name : p->name;

			if (p->src_version && p->src_version[0])
				upstream = lb_xasprintf("%s@%s", sn, p->src_version);
			else
				upstream = lb_xstrdup(sn);
			q[nq++] = (struct lb_purl_qualifier){ (char *)"upstream", upstream };
		}
	} else {
		u.name = (char *)split_lang_name(type, p->name, &ns);
		u.ns = ns;
		/* PURL-TYPES gem: "platform" qualifier, e.g. ?platform=java */
		if (strcmp(type, "gem") == 0 && p->arch && p->arch[0])
			q[nq++] = (struct lb_purl_qualifier){ (char *)"platform", p->arch };
	}
	u.quals = q;
	u.nquals = nq;
	out = lb_purl_build(&u);
	free(type);
	free(ns);
	free(version);
	free(epoch);
	free(distro);
	free(upstream);
	return out;
}
