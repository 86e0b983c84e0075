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
	for (size_t i = 0; i < p->nfiles; i++)
		free(p->files[i]);
	free(p->files);
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
	for (size_t i = 0; i < inv->nfindings; i++) {
		struct lb_finding *f = &inv->findings[i];
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
	free(inv->findings);
	for (size_t i = 0; i < inv->nwarnings; i++)
		free(inv->warnings[i]);
	free(inv->warnings);
	free(inv);
}

struct lb_pkg *
lb_inventory_add_pkg(struct lb_inventory *inv)
{
	struct lb_pkg *p;

	lb_xgrow(&inv->pkgs, &inv->cappkgs, inv->npkgs + 1, sizeof(*inv->pkgs));
	p = &inv->pkgs[inv->npkgs++];
	memset(p, 0, sizeof(*p));
	p->layer = -1;
	return p;
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
lb_inventory_take_pkgs(struct lb_inventory *dst, struct lb_inventory *src)
{
	lb_xgrow(&dst->pkgs, &dst->cappkgs, dst->npkgs + src->npkgs, sizeof(*dst->pkgs));
	memcpy(dst->pkgs + dst->npkgs, src->pkgs, src->npkgs * sizeof(*src->pkgs));
	dst->npkgs += src->npkgs;
	src->npkgs = 0;
}

void
lb_pkg_add_file(struct lb_pkg *p, const char *path, size_t len)
{
	lb_xgrow(&p->files, &p->capfiles, p->nfiles + 1, sizeof(char *));
	p->files[p->nfiles++] = lb_xstrndup(path, len);
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
