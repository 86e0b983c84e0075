#include "analyze/inventory.h"

#include <stdlib.h>
#include <string.h>

#include "analyze/purl.h"
#include "base/lb_alloc.h"

struct lb_inventory *
lb_inventory_new(void)
{
	return lb_xcalloc(1, sizeof(struct lb_inventory));
}

void
lb_pkg_release(struct lb_pkg *p)
{
	free(p->type);
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->src_name);
	free(p->src_version);
	free(p->license);
	free(p->maintainer);
	free(p->purl);
	free(p->db_path);
	free(p->owner);
	for (size_t i = 0; i < p->nfiles; i++) {
		free(p->files[i]);
		if (p->digests)
			free(p->digests[i]);
	}
	free(p->files);
	free(p->digests);
	free(p->modularity);
	free(p->digest);
	memset(p, 0, sizeof(*p));
}

void
lb_inventory_free(struct lb_inventory *inv)
{
	if (!inv)
		return;
	free(inv->source_kind);
	free(inv->source);
	free(inv->ref);
	free(inv->image_id);
	free(inv->manifest_digest);
	free(inv->platform);
	for (size_t i = 0; i < inv->nlayers; i++) {
		free(inv->layers[i].digest);
		free(inv->layers[i].diff_id);
		free(inv->layers[i].media_type);
		free(inv->layers[i].created_by);
	}
	free(inv->layers);
	free(inv->os.family);
	free(inv->os.name);
	free(inv->os.version);
	free(inv->os.version_id);
	free(inv->os.codename);
	free(inv->os.evidence);
	free(inv->os.eol);
	for (size_t i = 0; i < inv->npkgs; i++)
		lb_pkg_release(&inv->pkgs[i]);
	free(inv->pkgs);
	for (size_t i = 0; i < inv->nfindings; i++)
		lb_finding_release(&inv->findings[i]);
	free(inv->findings);
	for (size_t i = 0; i < inv->nsuppressed; i++)
		lb_finding_release(&inv->suppressed[i]);
	free(inv->suppressed);
	for (size_t i = 0; i < inv->nmalware; i++)
		lb_malware_finding_release(&inv->malware[i]);
	free(inv->malware);
	for (size_t i = 0; i < inv->nwarnings; i++)
		free(inv->warnings[i]);
	free(inv->warnings);
	free(inv);
}

struct lb_pkg *
lb_inventory_add_pkg(struct lb_inventory *inv)
{
	struct lb_pkg *p;

	if (!inv->cappkgs) {
		/* the facts of one streamed file are mostly one package: start
		 * with room for one, not lb_xgrow's eight */
		inv->pkgs = lb_xrealloc(inv->pkgs, sizeof(*inv->pkgs));
		inv->cappkgs = 1;
	}
	lb_xgrow(&inv->pkgs, &inv->cappkgs, inv->npkgs + 1, sizeof(*inv->pkgs));
	p = &inv->pkgs[inv->npkgs++];
	memset(p, 0, sizeof(*p));
	p->layer = -1;
	return p;
}

void
lb_finding_release(struct lb_finding *f)
{
	if (f->packed) {
		free(f->packed);
	} else {
		free(f->id);
		free(f->aliases);
		free(f->installed);
		free(f->fixed);
		free(f->severity);
		free(f->severity_source);
		free(f->cvss_vector);
		free(f->source);
		free(f->title);
		free(f->url);
	}
	free(f->sup_kind);
	free(f->sup_status);
	free(f->sup_justification);
	free(f->sup_reason);
	free(f->sup_source);
}

struct lb_finding *
lb_inventory_add_finding(struct lb_inventory *inv)
{
	struct lb_finding *f;

	lb_xgrow(&inv->findings, &inv->capfindings, inv->nfindings + 1, sizeof(*inv->findings));
	f = &inv->findings[inv->nfindings++];
	memset(f, 0, sizeof(*f));
	return f;
}

void
lb_malware_finding_release(struct lb_malware_finding *m)
{
	free(m->kind);
	free(m->engine);
	free(m->signature);
	free(m->path);
	free(m->sha256);
	free(m->severity);
	free(m->detail);
	memset(m, 0, sizeof(*m));
}

struct lb_malware_finding *
lb_inventory_add_malware(struct lb_inventory *inv)
{
	struct lb_malware_finding *m;

	lb_xgrow(&inv->malware, &inv->capmalware, inv->nmalware + 1, sizeof(*inv->malware));
	m = &inv->malware[inv->nmalware++];
	memset(m, 0, sizeof(*m));
	m->layer = m->hidden_by = -1;
	return m;
}

void
lb_inventory_take_malware(struct lb_inventory *dst, struct lb_inventory *src)
{
	if (!src->nmalware)
		return;
	lb_xgrow(&dst->malware, &dst->capmalware, dst->nmalware + src->nmalware, sizeof(*dst->malware));
	memcpy(dst->malware + dst->nmalware, src->malware, src->nmalware * sizeof(*src->malware));
	dst->nmalware += src->nmalware;
	src->nmalware = 0;
}

void
lb_inventory_take_pkgs(struct lb_inventory *dst, struct lb_inventory *src)
{
	lb_xgrow(&dst->pkgs, &dst->cappkgs, dst->npkgs + src->npkgs, sizeof(*dst->pkgs));
	memcpy(dst->pkgs + dst->npkgs, src->pkgs, src->npkgs * sizeof(*src->pkgs));
	dst->npkgs += src->npkgs;
	src->npkgs = 0;
}

void
lb_pkg_add_file_digest(struct lb_pkg *p, const char *path, size_t len, const char *digest)
{
	size_t cap = p->capfiles;

	lb_xgrow(&p->files, &p->capfiles, p->nfiles + 1, sizeof(char *));
	if (!p->digests && digest) {
		p->digests = lb_xcalloc(p->capfiles, sizeof(char *));
	} else if (p->digests && p->capfiles != cap) {
		p->digests = lb_xrealloc(p->digests, p->capfiles * sizeof(char *));
	}
	if (p->digests)
		p->digests[p->nfiles] = digest ? lb_xstrdup(digest) : NULL;
	p->files[p->nfiles++] = lb_xstrndup(path, len);
}

void
lb_pkg_add_file(struct lb_pkg *p, const char *path, size_t len)
{
	lb_pkg_add_file_digest(p, path, len, NULL);
}

static int
cmpstr(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int
pkg_cmp(const void *x, const void *y)
{
	const struct lb_pkg *a = x, *b = y;
	int c;

	if ((c = cmpstr(a->type, b->type)) || (c = cmpstr(a->name, b->name)) ||
	    (c = cmpstr(a->version, b->version)) || (c = cmpstr(a->arch, b->arch)))
		return c;
	return cmpstr(a->db_path, b->db_path);
}

void
lb_inventory_finish(struct lb_inventory *inv)
{
	if (inv->npkgs > 1)
		qsort(inv->pkgs, inv->npkgs, sizeof(*inv->pkgs), pkg_cmp);
	for (size_t i = 0; i < inv->npkgs; i++) {
		free(inv->pkgs[i].purl);
		inv->pkgs[i].purl = lb_purl_for_pkg(&inv->pkgs[i], &inv->os);
	}
}
