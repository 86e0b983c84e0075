/* ignore.c - ignore files: the plain ".lifebeltignore" form and the YAML
 * ".lifebeltignore.yaml" form.
 *
 * Plain (Trivy's .trivyignore): one entry per line, "ID [exp:YYYY-MM-DD]",
 * fields separated by blanks; '#' starts a comment that runs to the end of
 * the line; blank lines, CRLF line ends and a UTF-8 BOM are accepted.
 *
 * YAML: either a sequence of entries or a mapping whose "vulnerabilities"
 * key holds that sequence (Trivy's .trivyignore.yaml shape). Each entry is
 * a mapping:
 *   id:       the vulnerability ID (required)
 *   purl:     a package URL scope (or "purls": a list of them)
 *   path:     an evidence-path scope (or "paths": a list of them)
 *   expires:  YYYY-MM-DD (Trivy's "expired_at" is read too)
 *   reason:   why (Trivy's "statement" is read too)
 * Unknown keys are errors, so that a typo ("expire:") cannot silently
 * make an exception permanent.
 */
#include "policy/policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "analyze/purl.h"
#include "base/lb_alloc.h"
#include "base/lb_err.h"
#include "base/lb_banned.h"


static int
fail(char **err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(char **err, int code, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (err) {
		free(*err);
		*err = msg;
	} else {
		free(msg);
	}
	return code;
}

/* name made printable for messages */
static void
safe_name(char out[512], const char *name)
{
	lb_safe(out, 512, name ? name : "?");
}

int
lb_policy_parse_plain(struct lb_policy *pol, const char *name, const char *buf, size_t len,
    char **err)
{
	char nm[512];
	size_t line = 0, pos = 0;

	safe_name(nm, name);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *eol = memchr(buf + pos, '\n', len - pos);
		size_t end = eol ? (size_t)(eol - buf) : len, p, n;
		const char *id = NULL, *exp = NULL;
		size_t idlen = 0;
		struct lb_policy_rule *r;

		line++;
		/* the line without its comment and CR */
		n = end;
		for (p = pos; p < end; p++)
			if (buf[p] == '#') {
				n = p;
				break;
			}
		p = pos;
		while (p < n) {
			size_t t;

			while (p < n && (buf[p] == ' ' || buf[p] == '\t' || buf[p] == '\r'))
				p++;
			if (p >= n)
				break;
			t = p;
			while (p < n && buf[p] != ' ' && buf[p] != '\t' && buf[p] != '\r')
				p++;
			if (!id) {
				id = buf + t;
				idlen = p - t;
				if (!lb_policy_valid_id(id, idlen))
					return fail(err, -LB_E_FORMAT, "cannot parse '%s' line %zu: invalid "
					    "vulnerability ID (printable ASCII, at most %d characters)", nm,
					    line, LB_POLICY_MAX_ID);
			} else if (!exp && p - t == 14 && memcmp(buf + t, "exp:", 4) == 0) {
				exp = buf + t + 4;
			} else {
				return fail(err, -LB_E_FORMAT, "cannot parse '%s' line %zu: unexpected field "
				    "after the ID (only 'exp:YYYY-MM-DD' may follow)", nm, line);
			}
		}
		pos = eol ? end + 1 : len;
		if (!id)
			continue;
		if (!(r = lb_policy_add(pol, "ignore")))
			return fail(err, -LB_E_LIMIT, "cannot parse '%s' line %zu: more than %d entries",
			    nm, line, LB_POLICY_MAX_RULES);
		r->id = lb_xstrndup(id, idlen);
		r->status = lb_xstrdup("ignored");
		r->suppresses = true;
		r->where = lb_xasprintf("%s:%zu", name, line);
		if (exp) {
			r->expires = lb_xstrndup(exp, 10);
			if (!lb_policy_valid_date(r->expires))
				return fail(err, -LB_E_FORMAT, "cannot parse '%s' line %zu: invalid date "
				    "in 'exp:' (want YYYY-MM-DD)", nm, line);
		}
		lb_policy_finish_rule(pol, r);
	}
	return 0;
}

/* ---- YAML ---- */

struct ydoc {
	yaml_document_t doc;
	const char *nm;       /* printable file name */
	char **err;
};

static unsigned long
node_line(const yaml_node_t *n)
{
	return (unsigned long)n->start_mark.line + 1;
}

static yaml_node_t *
node(struct ydoc *y, yaml_node_item_t i)
{
	return yaml_document_get_node(&y->doc, i);
}

/* A scalar's value as a new string, or an error naming its line. */
static int
scalar(struct ydoc *y, yaml_node_t *n, const char *key, char **out)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return fail(y->err, -LB_E_FORMAT, "cannot parse '%s' line %lu: '%s' must be a string",
		    y->nm, n ? node_line(n) : 0, key);
	if (memchr(n->data.scalar.value, 0, n->data.scalar.length))
		return fail(y->err, -LB_E_FORMAT, "cannot parse '%s' line %lu: '%s' holds a NUL byte",
		    y->nm, node_line(n), key);
	free(*out);
	*out = lb_xstrndup((const char *)n->data.scalar.value, n->data.scalar.length);
	return 0;
}

/* A scalar or a sequence of scalars, as a list (caller frees each and the array). */
static int
scalars(struct ydoc *y, yaml_node_t *n, const char *key, char ***out, size_t *nout)
{
	if (n && n->type == YAML_SCALAR_NODE) {
		*out = lb_xcalloc(1, sizeof(char *));
		*nout = 1;
		return scalar(y, n, key, &(*out)[0]);
	}
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return fail(y->err, -LB_E_FORMAT, "cannot parse '%s' line %lu: '%s' must be a string "
		    "or a list of strings", y->nm, n ? node_line(n) : 0, key);
	*nout = 0;
	*out = lb_xcalloc((size_t)(n->data.sequence.items.top - n->data.sequence.items.start) + 1,
	    sizeof(char *));
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		int r = scalar(y, node(y, *it), key, &(*out)[*nout]);

		(*nout)++;
		if (r < 0)
			return r;
	}
	return 0;
}

static void
free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* One entry: a rule per purl x path scope (at least one rule). */
static int
yaml_entry(struct lb_policy *pol, struct ydoc *y, yaml_node_t *e)
{
	char *id = NULL, *expires = NULL, *reason = NULL, **purls = NULL, **paths = NULL;
	size_t npurls = 0, npaths = 0;
	unsigned long line;
	int r = 0;

	if (e->type != YAML_MAPPING_NODE)
		return fail(y->err, -LB_E_FORMAT, "cannot parse '%s' line %lu: an entry must be a "
		    "mapping with 'id'", y->nm, node_line(e));
	line = node_line(e);
	for (yaml_node_pair_t *pr = e->data.mapping.pairs.start; pr < e->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node(y, pr->key), *v = node(y, pr->value);
		const char *key;

		if (!k || k->type != YAML_SCALAR_NODE) {
			r = fail(y->err, -LB_E_FORMAT, "cannot parse '%s' line %lu: keys must be strings",
			    y->nm, k ? node_line(k) : line);
			goto out;
		}
		key = (const char *)k->data.scalar.value;
		if (strcmp(key, "id") == 0)
			r = scalar(y, v, key, &id);
		else if (strcmp(key, "expires") == 0 || strcmp(key, "expired_at") == 0)
			r = scalar(y, v, key, &expires);
		else if (strcmp(key, "reason") == 0 || strcmp(key, "statement") == 0)
			r = scalar(y, v, key, &reason);
		else if ((strcmp(key, "purl") == 0 || strcmp(key, "purls") == 0) && !purls)
			r = scalars(y, v, key, &purls, &npurls);
		else if ((strcmp(key, "path") == 0 || strcmp(key, "paths") == 0) && !paths)
			r = scalars(y, v, key, &paths, &npaths);
		else {
			char safe[128];

			lb_safe(safe, sizeof(safe), key);
			r = fail(y->err, -LB_E_FORMAT, "cannot parse '%s' line %lu: unknown or repeated "
			    "key '%s' (known: id, purl, purls, path, paths, expires, reason)", y->nm,
			    node_line(k), safe);
		}
		if (r < 0)
			goto out;
	}
	if (!id || !lb_policy_valid_id(id, strlen(id))) {
		r = fail(y->err, -LB_E_FORMAT, "cannot parse '%s' line %lu: %s", y->nm, line,
		    id ? "invalid 'id' (printable ASCII without spaces)" : "the entry has no 'id'");
		goto out;
	}
	if (expires && !lb_policy_valid_date(expires)) {
		/* YAML 1.1 timestamps may carry a time: keep the date */
		if (strlen(expires) > 10 && (expires[10] == 'T' || expires[10] == ' ' || expires[10] == 't'))
			expires[10] = 0;
		if (!lb_policy_valid_date(expires)) {
			r = fail(y->err, -LB_E_FORMAT, "cannot parse '%s' line %lu: invalid 'expires' "
			    "(want YYYY-MM-DD)", y->nm, line);
			goto out;
		}
	}
	for (size_t i = 0; i < npurls; i++) {
		struct lb_purl pu;
		int pr = lb_purl_parse(purls[i], strlen(purls[i]), &pu);

		lb_purl_release(&pu);
		if (pr < 0) {
			r = fail(y->err, -LB_E_FORMAT, "cannot parse '%s' line %lu: invalid 'purl': %s",
			    y->nm, line, lb_strerror(pr));
			goto out;
		}
	}
	for (size_t i = 0; i < (npurls ? npurls : 1); i++) {
		for (size_t j = 0; j < (npaths ? npaths : 1); j++) {
			struct lb_policy_rule *ru = lb_policy_add(pol, "ignore");

			if (!ru) {
				r = fail(y->err, -LB_E_LIMIT, "cannot parse '%s' line %lu: more than %d "
				    "entries", y->nm, line, LB_POLICY_MAX_RULES);
				goto out;
			}
			ru->id = lb_xstrdup(id);
			ru->purl = npurls ? lb_xstrdup(purls[i]) : NULL;
			ru->path = npaths ? lb_xstrdup(paths[j]) : NULL;
			ru->expires = expires ? lb_xstrdup(expires) : NULL;
			ru->reason = reason ? lb_xstrdup(reason) : NULL;
			ru->status = lb_xstrdup("ignored");
			ru->suppresses = true;
			ru->where = lb_xasprintf("%s:%lu", y->nm, line);
			lb_policy_finish_rule(pol, ru);
		}
	}
out:
	free(id);
	free(expires);
	free(reason);
	free_list(purls, npurls);
	free_list(paths, npaths);
	return r;
}

int
lb_policy_parse_yaml(struct lb_policy *pol, const char *name, const char *buf, size_t len,
    char **err)
{
	yaml_parser_t parser;
	struct ydoc y;
	yaml_node_t *root, *list = NULL;
	char nm[512];
	int r = 0;

	safe_name(nm, name);
	memset(&y, 0, sizeof(y));
	y.nm = nm;
	y.err = err;
	if (!yaml_parser_initialize(&parser))
		return fail(err, -ENOMEM, "cannot parse '%s': out of memory", nm);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &y.doc)) {
		r = fail(err, -LB_E_FORMAT, "cannot parse '%s' line %lu: %s", nm,
		    (unsigned long)parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return r;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&y.doc);
	if (!root)
		goto out;  /* an empty file: no entries */
	if (root->type == YAML_SEQUENCE_NODE) {
		list = root;
	} else if (root->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
		    pr < root->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = node(&y, pr->key);

			if (k && k->type == YAML_SCALAR_NODE &&
			    strcmp((const char *)k->data.scalar.value, "vulnerabilities") == 0) {
				list = node(&y, pr->value);
			} else {
				r = fail(err, -LB_E_FORMAT, "cannot parse '%s' line %lu: unknown top-level "
				    "key (only 'vulnerabilities' is known)", nm, k ? node_line(k) : 0);
				goto out;
			}
		}
		if (!list)
			goto out;
		if (list->type == YAML_SCALAR_NODE && list->data.scalar.length == 0)
			goto out;   /* "vulnerabilities:" with nothing under it */
	} else if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0) {
		goto out;
	}
	if (!list || list->type != YAML_SEQUENCE_NODE) {
		r = fail(err, -LB_E_FORMAT, "cannot parse '%s' line %lu: expected a list of entries",
		    nm, list ? node_line(list) : node_line(root));
		goto out;
	}
	for (yaml_node_item_t *it = list->data.sequence.items.start;
	    it < list->data.sequence.items.top; it++) {
		yaml_node_t *e = node(&y, *it);

		if (!e)
			continue;
		if ((r = yaml_entry(pol, &y, e)) < 0)
			goto out;
	}
out:
	yaml_document_delete(&y.doc);
	return r;
}
