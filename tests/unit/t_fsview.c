/* fsview: whiteouts, opaque directories, symlinks inside the root, history. */
#include "lbtest.h"

#include <string.h>

#include "image/fsview.h"

static void
add(struct lb_fsview *v, int layer, const char *path, const char *body)
{
	lb_fsview_add(v, layer, path, LB_FT_REG, 0644, body, strlen(body), strlen(body), NULL, 0);
}

static void
sym(struct lb_fsview *v, int layer, const char *path, const char *target)
{
	lb_fsview_add(v, layer, path, LB_FT_SYMLINK, 0777, NULL, 0, 0, target, 0);
}

static const char *
body(const struct lb_fsview *v, const char *path)
{
	const struct lb_file *f = lb_fsview_get(v, path);
	return f ? (const char *)f->data : NULL;
}

static void
later_layer_replaces(void **state)
{
	struct lb_fsview *v = lb_fsview_new(3);
	(void)state;
	add(v, 0, "etc/a", "zero");
	add(v, 1, "etc/a", "one");
	add(v, 1, "etc/b", "b1");
	add(v, 1, "etc/b", "b2");          /* a later duplicate in one layer wins */
	lb_fsview_seal(v);
	assert_string_equal(body(v, "etc/a"), "one");
	assert_string_equal(body(v, "etc/b"), "b2");
	assert_int_equal(lb_fsview_get(v, "etc/a")->layer, 1);
	lb_fsview_free(v);
}

static void
whiteouts_hide_lower_layers_only(void **state)
{
	struct lb_fsview *v = lb_fsview_new(3);
	(void)state;
	add(v, 0, "etc/a", "zero");
	add(v, 0, "usr/lib/x/1", "x1");
	add(v, 0, "usr/lib/x/2", "x2");
	add(v, 0, "usr/lib/xy", "xy");
	add(v, 0, "opt/d/keep", "k");
	/* layer 1 deletes etc/a and re-creates it in the same layer */
	lb_fsview_add_whiteout(v, 1, "etc/a");
	add(v, 1, "etc/a", "again");
	lb_fsview_add_whiteout(v, 1, "usr/lib/x");   /* a directory: its children go too */
	/* layer 2: opaque directory keeps only its own content */
	lb_fsview_add_opaque(v, 2, "opt/d");
	add(v, 2, "opt/d/new", "n");
	lb_fsview_seal(v);
	assert_string_equal(body(v, "etc/a"), "again");
	assert_null(body(v, "usr/lib/x/1"));
	assert_null(body(v, "usr/lib/x/2"));
	assert_string_equal(body(v, "usr/lib/xy"), "xy");   /* a sibling with the same prefix stays */
	assert_null(body(v, "opt/d/keep"));
	assert_string_equal(body(v, "opt/d/new"), "n");
	lb_fsview_free(v);
}

static void
symlinks_resolve_inside_root(void **state)
{
	struct lb_fsview *v = lb_fsview_new(1);
	(void)state;
	add(v, 0, "usr/lib/os-release", "ID=test");
	sym(v, 0, "etc/os-release", "../usr/lib/os-release");
	sym(v, 0, "lib", "usr/lib");                       /* merged /usr */
	sym(v, 0, "abs", "/usr/lib/os-release");           /* absolute: the image root */
	sym(v, 0, "escape", "../../../../usr/lib/os-release"); /* ".." stops at the root */
	sym(v, 0, "loop1", "loop2");
	sym(v, 0, "loop2", "loop1");
	lb_fsview_seal(v);
	assert_string_equal(body(v, "etc/os-release"), "ID=test");
	assert_string_equal(body(v, "lib/os-release"), "ID=test");
	assert_string_equal(body(v, "abs"), "ID=test");
	assert_string_equal(body(v, "escape"), "ID=test");
	assert_null(body(v, "loop1"));
	assert_non_null(lb_fsview_lget(v, "loop1"));
	assert_int_equal(lb_fsview_lget(v, "etc/os-release")->type, LB_FT_SYMLINK);
	lb_fsview_free(v);
}

static void
hardlink_binds_to_target(void **state)
{
	struct lb_fsview *v = lb_fsview_new(1);
	(void)state;
	add(v, 0, "a/real", "content");
	lb_fsview_add(v, 0, "b/link", LB_FT_HARDLINK, 0644, NULL, 0, 0, "a/real", 0);
	lb_fsview_seal(v);
	assert_string_equal(body(v, "b/link"), "content");
	lb_fsview_free(v);
}

struct hist { int layers[8]; int present[8]; int n; };

static int
hist_cb(void *arg, int layer, const struct lb_file *f)
{
	struct hist *h = arg;
	h->layers[h->n] = layer;
	h->present[h->n] = f != NULL;
	h->n++;
	return 0;
}

static void
history_lists_changes(void **state)
{
	struct lb_fsview *v = lb_fsview_new(4);
	struct hist h = { { 0 }, { 0 }, 0 };
	(void)state;
	add(v, 0, "var/db", "v0");
	add(v, 1, "var/db", "v1");
	lb_fsview_add_whiteout(v, 2, "var");
	add(v, 3, "var/db", "v3");
	lb_fsview_seal(v);
	lb_fsview_history(v, "var/db", hist_cb, &h);
	assert_int_equal(h.n, 4);
	assert_int_equal(h.layers[0], 0);
	assert_int_equal(h.layers[2], 2);
	assert_int_equal(h.present[2], 0);
	assert_int_equal(h.layers[3], 3);
	assert_int_equal(h.present[3], 1);
	lb_fsview_free(v);
}

static int
count_cb(void *arg, const struct lb_file *f)
{
	(void)f;
	(*(int *)arg)++;
	return 0;
}

static void
each_walks_prefix_in_order(void **state)
{
	struct lb_fsview *v = lb_fsview_new(1);
	int n = 0;
	(void)state;
	add(v, 0, "var/lib/dpkg/info/b.list", "");
	add(v, 0, "var/lib/dpkg/info/a.list", "");
	add(v, 0, "var/lib/dpkg/infox", "");
	add(v, 0, "var/lib/dpkg/status", "");
	lb_fsview_seal(v);
	lb_fsview_each(v, "var/lib/dpkg/info/", count_cb, &n);
	assert_int_equal(n, 2);
	lb_fsview_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(later_layer_replaces),
		cmocka_unit_test(whiteouts_hide_lower_layers_only),
		cmocka_unit_test(symlinks_resolve_inside_root),
		cmocka_unit_test(hardlink_binds_to_target),
		cmocka_unit_test(history_lists_changes),
		cmocka_unit_test(each_walks_prefix_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
