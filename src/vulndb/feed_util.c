/* feed_util.c - helpers shared by the feed parsers: scratch strings,
 * checks on untrusted strings, ecosystem and release names, YAML as JSON,
 * and a splitter that walks a big JSON document one member at a time. */
#include "vulndb/feed.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_banned.h"

int
lb_feed_emit(struct lb_feed_sink *s, const struct lb_feed_record *r)
{
	s->nrecords++;
	return s->emit ? s->emit(s, r) : 0;
}

void
lb_feed_warn(struct lb_feed_sink *s, const char *file, const char *id, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	s->nwarnings++;
	if (s->nwarn_quiet > 0 && s->nwarnings > (size_t)s->nwarn_quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!s->cx)
		return;
	if (id)
		lb_warn(s->cx, "bad record '%.*s' in '%s': %s", LB_FEED_MAX_ID, id, file, msg);
	else
		lb_warn(s->cx, "bad feed file '%s': %s", file, msg);
}

char *
lb_feed_tmp_keep(struct lb_feed_tmp *t, char *s)
{
	if (!s)
		return NULL;
	lb_xgrow(&t->p, &t->cap, t->n + 1, sizeof(*t->p));
	t->p[t->n++] = s;
	return s;
}

char *
lb_feed_tmp_printf(struct lb_feed_tmp *t, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return lb_feed_tmp_keep(t, s);
}

void
lb_feed_tmp_reset(struct lb_feed_tmp *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->p[i]);
	free(t->p);
	t->p = NULL;
	t->n = t->cap = 0;
}

void
lb_feed_list_add(struct lb_feed_list *l, const char *s)
{
	lb_xgrow(&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = s;
}

void
lb_feed_list_release(struct lb_feed_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static bool
ascii_token_ok(const char *s, size_t max, bool no_quotes)
{
	size_t n = 0;

	if (!s || !*s)
		return false;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (n >= max || c <= 0x20 || c >= 0x7f)
			return false;
		if (no_quotes && (c == '"' || c == '\\'))
			return false;
	}
	return true;
}

bool
lb_feed_id_ok(const char *s)
{
	return ascii_token_ok(s, LB_FEED_MAX_ID, true);
}

bool
lb_feed_version_ok(const char *s)
{
	return ascii_token_ok(s, LB_FEED_MAX_VERSION, true);
}

bool
lb_feed_name_ok(const char *s)
{
	return ascii_token_ok(s, LB_FEED_MAX_NAME, true);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

bool
lb_feed_text_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t k;
		if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
			return false;
		if (!(k = utf8_seq(u + i, n - i)))
			return false;
		i += k;
	}
	return true;
}

char *
lb_feed_title(const char *text, size_t n)
{
	const unsigned char *u = (const unsigned char *)text;
	char *out, *o;
	size_t len, i = 0;

	if (!text)
		return NULL;
	/* skip leading blanks and Markdown heading marks */
	while (i < n && (isspace(u[i]) || u[i] == '#'))
		i++;
	out = o = lb_xmalloc(LB_FEED_MAX_TITLE + 4);
	while (i < n && u[i] != '\n' && (size_t)(o - out) < LB_FEED_MAX_TITLE + 1) {
		size_t k;
		if (isspace(u[i]) || u[i] < 0x20 || u[i] == 0x7f) {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
			i++;
			continue;
		}
		/* end at the first sentence once there is enough of it */
		if (u[i] == '.' && o - out >= 40 && i + 1 < n && (u[i + 1] == ' ' || u[i + 1] == '\n') &&
		    i > 0 && (islower(u[i - 1]) || isdigit(u[i - 1]) || u[i - 1] == ')')) {
			*o++ = '.';
			break;
		}
		k = utf8_seq(u + i, n - i);
		if (!k) {
			*o++ = '?';
			i++;
			continue;
		}
		if ((size_t)(o - out) + k > LB_FEED_MAX_TITLE + 1)
			break;
		memcpy(o, u + i, k);
		o += k;
		i += k;
	}
	len = (size_t)(o - out);
	if (len > LB_FEED_MAX_TITLE) {
		/* cut at a word boundary and mark the cut */
		size_t cut = LB_FEED_MAX_TITLE - 3;
		while (cut > LB_FEED_MAX_TITLE / 2 && out[cut] != ' ')
			cut--;
		while (cut > 0 && ((unsigned char)out[cut] & 0xc0) == 0x80)
			cut--;
		len = cut;
		while (len && out[len - 1] == ' ')
			len--;
		memcpy(out + len, "...", 3);
		len += 3;
	}
	while (len && out[len - 1] == ' ')
		len--;
	out[len] = 0;
	if (!len) {
		free(out);
		return NULL;
	}
	return out;
}

bool
lb_feed_is_cve(const char *s)
{
	size_t n;

	if (!s || strncmp(s, "CVE-", 4) != 0)
		return false;
	s += 4;
	for (n = 0; n < 4; n++)
		if (!isdigit((unsigned char)s[n]))
			return false;
	if (s[4] != '-')
		return false;
	s += 5;
	for (n = 0; isdigit((unsigned char)s[n]); n++)
		;
	return n >= 4 && n <= 12 && s[n] == 0;
}

/* --- names and keys ---------------------------------------------------- */

static const char *const debian_names[][2] = {
	{ "3.0", "woody" }, { "3.1", "sarge" }, { "4", "etch" }, { "5", "lenny" },
	{ "6", "squeeze" }, { "7", "wheezy" }, { "8", "jessie" }, { "9", "stretch" },
	{ "10", "buster" }, { "11", "bullseye" }, { "12", "bookworm" }, { "13", "trixie" },
	{ "14", "forky" }, { "15", "duke" },
};

const char *
lb_feed_debian_codename(const char *num)
{
	for (size_t i = 0; i < sizeof(debian_names) / sizeof(debian_names[0]); i++)
		if (strcmp(num, debian_names[i][0]) == 0)
			return debian_names[i][1];
	if (strcmp(num, "sid") == 0 || strcmp(num, "unstable") == 0)
		return "sid";
	return NULL;
}

bool
lb_feed_debian_known(const char *s)
{
	for (size_t i = 0; i < sizeof(debian_names) / sizeof(debian_names[0]); i++)
		if (strcmp(s, debian_names[i][1]) == 0)
			return true;
	return strcmp(s, "sid") == 0;
}

/* OSV ecosystem names (ossf osv-schema ecosystems.txt) -> purl types. */
static const char *const lang_ecosystems[][2] = {
	{ "PyPI", "pypi" }, { "npm", "npm" }, { "Go", "golang" }, { "crates.io", "cargo" },
	{ "RubyGems", "gem" }, { "Maven", "maven" }, { "NuGet", "nuget" },
	{ "Packagist", "composer" }, { "Hex", "hex" }, { "Pub", "pub" },
	{ "Hackage", "hackage" }, { "CRAN", "cran" }, { "SwiftURL", "swift" },
	{ "ConanCenter", "conan" },
};

const char *
lb_feed_osv_ecosystem(const char *eco, char *distro, size_t cap)
{
	const char *colon = strchr(eco, ':');
	size_t base = colon ? (size_t)(colon - eco) : strlen(eco);

	distro[0] = 0;
	if (!colon) {
		for (size_t i = 0; i < sizeof(lang_ecosystems) / sizeof(lang_ecosystems[0]); i++)
			if (strcmp(eco, lang_ecosystems[i][0]) == 0)
				return lang_ecosystems[i][1];
		if (strcmp(eco, "Wolfi") == 0) {
			snprintf(distro, cap, "wolfi");
			return "apk";
		}
		if (strcmp(eco, "Chainguard") == 0) {
			snprintf(distro, cap, "chainguard");
			return "apk";
		}
		return NULL;
	}
	if (base == 6 && strncmp(eco, "Alpine", 6) == 0) {
		/* "Alpine:v3.18" */
		const char *v = colon + 1;
		if (v[0] != 'v' || !isdigit((unsigned char)v[1]) || strlen(v) > 16)
			return NULL;
		snprintf(distro, cap, "alpine:%s", v);
		return "apk";
	}
	if (base == 6 && strncmp(eco, "Debian", 6) == 0) {
		/* "Debian:12", "Debian:3.1" */
		const char *name = lb_feed_debian_codename(colon + 1);
		if (!name)
			return NULL;
		snprintf(distro, cap, "debian:%s", name);
		return "deb";
	}
	if (base == 6 && strncmp(eco, "Ubuntu", 6) == 0) {
		/* "Ubuntu:22.04:LTS", "Ubuntu:Pro:16.04:LTS", "Ubuntu:25.10":
		 * the release is the NN.NN part, Pro (ESM) folds into it */
		const char *p = colon + 1;
		while (*p) {
			const char *end = strchr(p, ':');
			size_t n = end ? (size_t)(end - p) : strlen(p);
			if (n == 5 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
			    p[2] == '.' && isdigit((unsigned char)p[3]) && isdigit((unsigned char)p[4])) {
				snprintf(distro, cap, "ubuntu:%.5s", p);
				return "deb";
			}
			if (!end)
				break;
			p = end + 1;
		}
		return NULL;
	}
	return NULL;
}

char *
lb_feed_pkgname(const char *eco, const char *name)
{
	char *out = lb_xstrdup(name), *o = out;

	if (strcmp(eco, "pypi") == 0) {
		/* PEP 503: lowercase, runs of "-", "_", "." become one "-" */
		for (const char *s = name; *s; s++) {
			if (*s == '-' || *s == '_' || *s == '.') {
				if (o == out || o[-1] != '-')
					*o++ = '-';
			} else {
				*o++ = (char)tolower((unsigned char)*s);
			}
		}
		*o = 0;
	} else if (strcmp(eco, "nuget") == 0 || strcmp(eco, "composer") == 0 ||
	    strcmp(eco, "deb") == 0 || strcmp(eco, "apk") == 0) {
		/* case-insensitive registries; Debian and Alpine names are lowercase */
		for (; *o; o++)
			*o = (char)tolower((unsigned char)*o);
	}
	return out;
}

/* --- severity names ---------------------------------------------------- */

const char *
lb_feed_sev_name(enum lb_feed_sev s)
{
	switch (s) {
	case LB_FEED_SEV_LOW: return "LOW";
	case LB_FEED_SEV_MEDIUM: return "MEDIUM";
	case LB_FEED_SEV_HIGH: return "HIGH";
	case LB_FEED_SEV_CRITICAL: return "CRITICAL";
	default: return "UNKNOWN";
	}
}

enum lb_feed_sev
lb_feed_sev_parse(const char *s)
{
	static const struct { const char *word; enum lb_feed_sev sev; } words[] = {
		/* Debian urgencies; "unimportant" issues are rated lowest */
		{ "unimportant", LB_FEED_SEV_LOW }, { "negligible", LB_FEED_SEV_LOW },
		{ "low", LB_FEED_SEV_LOW }, { "medium", LB_FEED_SEV_MEDIUM },
		{ "moderate", LB_FEED_SEV_MEDIUM }, { "high", LB_FEED_SEV_HIGH },
		{ "important", LB_FEED_SEV_HIGH }, { "critical", LB_FEED_SEV_CRITICAL },
	};
	char w[32];
	size_t n = 0;

	if (!s)
		return LB_FEED_SEV_NONE;
	/* "high**": the tracker marks urgencies copied from NVD with stars */
	for (; s[n] && s[n] != '*' && n < sizeof(w) - 1; n++)
		w[n] = (char)tolower((unsigned char)s[n]);
	w[n] = 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(w, words[i].word) == 0)
			return words[i].sev;
	return LB_FEED_SEV_NONE;
}

/* --- JSON -------------------------------------------------------------- */

const char *
lb_feed_jstr(json_t *obj, const char *key, bool *bad)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
		if (bad)
			*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

/* --- YAML as JSON ------------------------------------------------------ */

struct yframe {
	json_t *node;
	char *key;         /* mapping: the key waiting for its value */
};

static bool
yaml_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return ev->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* Attaches v (a new reference, stolen) to the top of the stack. */
static int
yattach(struct yframe *st, size_t depth, json_t **root, json_t *v)
{
	struct yframe *top;

	if (!v)
		return -LB_E_FORMAT;
	if (depth == 0) {
		if (*root) {
			json_decref(v);
			return -LB_E_FORMAT;
		}
		*root = v;
		return 0;
	}
	top = &st[depth - 1];
	if (json_is_array(top->node))
		return json_array_append_new(top->node, v) == 0 ? 0 : -LB_E_FORMAT;
	if (!top->key) {
		json_decref(v);
		return -LB_E_FORMAT;
	}
	json_object_set_new(top->node, top->key, v);
	free(top->key);
	top->key = NULL;
	return 0;
}

int
lb_feed_yaml_load(const void *buf, size_t len, json_t **out, char *err, size_t errcap)
{
	struct yframe st[LB_FEED_MAX_DEPTH];
	yaml_parser_t parser;
	yaml_event_t ev;
	json_t *root = NULL;
	size_t depth = 0;
	int r = 0, done = 0;

	*out = NULL;
	err[0] = 0;
	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, buf, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			snprintf(err, errcap, "YAML line %zu: %s", parser.problem_mark.line + 1,
			    parser.problem ? parser.problem : "syntax error");
			r = -LB_E_FORMAT;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_END_EVENT:
			done = 1;        /* the first document only */
			break;
		case YAML_ALIAS_EVENT:
			snprintf(err, errcap, "YAML line %zu: aliases are not supported",
			    ev.start_mark.line + 1);
			r = -LB_E_FORMAT;
			break;
		case YAML_SCALAR_EVENT: {
			const char *v = (const char *)ev.data.scalar.value;
			size_t n = ev.data.scalar.length;
			if (depth && json_is_object(st[depth - 1].node) && !st[depth - 1].key) {
				if (memchr(v, 0, n)) {
					snprintf(err, errcap, "YAML line %zu: NUL in a key", ev.start_mark.line + 1);
					r = -LB_E_FORMAT;
				} else {
					st[depth - 1].key = lb_xstrndup(v, n);
				}
				break;
			}
			if ((r = yattach(st, depth, &root, yaml_null(&ev) ? json_null() : json_stringn(v, n))) < 0)
				snprintf(err, errcap, "YAML line %zu: bad scalar", ev.start_mark.line + 1);
			break;
		}
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			json_t *c = ev.type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
			if (depth >= LB_FEED_MAX_DEPTH) {
				json_decref(c);
				snprintf(err, errcap, "YAML line %zu: nested deeper than %d",
				    ev.start_mark.line + 1, LB_FEED_MAX_DEPTH);
				r = -LB_E_LIMIT;
				break;
			}
			if (depth && json_is_object(st[depth - 1].node) && !st[depth - 1].key) {
				json_decref(c);
				snprintf(err, errcap, "YAML line %zu: a key that is not a scalar",
				    ev.start_mark.line + 1);
				r = -LB_E_FORMAT;
				break;
			}
			json_incref(c);
			if ((r = yattach(st, depth, &root, c)) < 0) {
				json_decref(c);
				snprintf(err, errcap, "YAML line %zu: unexpected node", ev.start_mark.line + 1);
				break;
			}
			st[depth].node = c;       /* borrowed: the parent holds it */
			json_decref(c);
			st[depth].key = NULL;
			depth++;
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth) {
				depth--;
				free(st[depth].key);
				st[depth].key = NULL;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (r < 0)
			break;
	}
	while (depth) {
		depth--;
		free(st[depth].key);
	}
	yaml_parser_delete(&parser);
	if (r < 0 || !root) {
		json_decref(root);
		if (r == 0) {
			snprintf(err, errcap, "empty YAML document");
			r = -LB_E_FORMAT;
		}
		return r;
	}
	*out = root;
	return 0;
}

int
lb_feed_doc_load(const void *buf, size_t len, json_t **out, char *err, size_t errcap)
{
	const char *p = buf;
	size_t i = 0;
	json_error_t je;

	*out = NULL;
	/* a UTF-8 byte order mark */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && isspace((unsigned char)p[i]))
		i++;
	if (i < len && (p[i] == '{' || p[i] == '[')) {
		*out = json_loadb(p + i, len - i, 0, &je);
		if (!*out) {
			snprintf(err, errcap, "JSON line %d: %s", je.line, je.text);
			return -LB_E_FORMAT;
		}
		return 0;
	}
	return lb_feed_yaml_load(p + i, len - i, out, err, errcap);
}

/* --- splitting big JSON documents -------------------------------------- */

static size_t
skip_ws(const char *b, size_t len, size_t i)
{
	while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r'))
		i++;
	return i;
}

/* b[i] is '"': returns the offset after the closing quote, or len + 1. */
static size_t
skip_string(const char *b, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (b[i] == '\\')
			i++;
		else if (b[i] == '"')
			return i + 1;
		else if ((unsigned char)b[i] < 0x20)
			return len + 1;
	}
	return len + 1;
}

/* Returns the offset after the value at b[i], or len + 1. Brackets are
 * only counted: jansson checks the value's own structure later. */
static size_t
skip_value(const char *b, size_t len, size_t i)
{
	size_t depth = 0;

	if (i >= len)
		return len + 1;
	if (b[i] == '"')
		return skip_string(b, len, i);
	if (b[i] != '{' && b[i] != '[') {
		size_t s = i;
		while (i < len && !strchr(",}] \t\r\n", b[i]))
			i++;
		return i > s ? i : len + 1;
	}
	while (i < len) {
		char c = b[i];
		if (c == '"') {
			i = skip_string(b, len, i);
			if (i > len)
				return i;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return len + 1;
			if (--depth == 0)
				return i + 1;
		}
		i++;
	}
	return len + 1;
}

int
lb_feed_json_split(const char *b, size_t len,
    int (*fn)(void *arg, const char *key, const char *val, size_t vlen), void *arg,
    size_t *errpos)
{
	size_t i = 0, j;
	bool obj;
	int r;

	*errpos = 0;
	if (len >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	i = skip_ws(b, len, i);
	if (i >= len || (b[i] != '{' && b[i] != '[')) {
		*errpos = i;
		return -LB_E_FORMAT;
	}
	obj = b[i] == '{';
	i = skip_ws(b, len, i + 1);
	if (i < len && b[i] == (obj ? '}' : ']'))
		return 0;
	for (;;) {
		char *key = NULL;
		if (obj) {
			if (i >= len || b[i] != '"')
				goto bad;
			j = skip_string(b, len, i);
			if (j > len)
				goto bad;
			if (!memchr(b + i + 1, '\\', j - i - 2)) {
				key = lb_xstrndup(b + i + 1, j - i - 2);
			} else {
				json_t *k = json_loadb(b + i, j - i, JSON_DECODE_ANY, NULL);
				if (!json_is_string(k)) {
					json_decref(k);
					goto bad;
				}
				key = lb_xstrdup(json_string_value(k));
				json_decref(k);
			}
			i = skip_ws(b, len, j);
			if (i >= len || b[i] != ':') {
				free(key);
				goto bad;
			}
			i = skip_ws(b, len, i + 1);
		}
		j = skip_value(b, len, i);
		if (j > len) {
			free(key);
			goto bad;
		}
		r = fn(arg, key, b + i, j - i);
		free(key);
		if (r < 0)
			return r;
		i = skip_ws(b, len, j);
		if (i < len && b[i] == ',') {
			i = skip_ws(b, len, i + 1);
			continue;
		}
		if (i < len && b[i] == (obj ? '}' : ']'))
			return 0;
		goto bad;
	}
bad:
	*errpos = i;
	return -LB_E_FORMAT;
}
