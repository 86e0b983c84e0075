/* t_report.c - the report writers on a hand-built inventory full of hostile
 * strings: JSON parses back with the same facts, the table carries no
 * control bytes, CycloneDX has unique bom-refs and a well-formed serial.
 * The same inventory with findings checks the vulnerabilities in each
 * format: JSON round trip, the table's summary, CycloneDX's standard
 * vulnerabilities array (references = aliases, affects -> components).
 *
 * With LBT_REPORT_DUMP=DIR set it runs no tests and writes the reports to
 * DIR instead, for tests/e2e/t0900-report-schemas.sh to validate against
 * the JSON Schemas.
 */
#include "lbtest.h"

#include <jansson.h>
#include <math.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze/inventory.h"
#include "base/lb_alloc.h"
#include "policy/policy.h"
#include "report/writer.h"
#include "vulndb/vulndb.h"

#define CREATED "2024-05-01T12:00:00Z"

/* Image-supplied strings as an attacker would pick them. */
#define EVIL_INPUT "/tmp/evil\x1b]0;pwned\x07.tar"
#define EVIL_REF "evil:latest\n::set-output name=x::y"
#define EVIL_NAME "evil\x1b[31mname\r\n"
#define EVIL_VERSION "1.0\xff\xfe"
#define EVIL_SRC "origin\xc2\x9b" "2J"
#define EVIL_OSNAME "Alpine \xe2\x80\xae" "xunil Linux"
#define EVIL_CREATED_BY "/bin/sh -c #(nop) \x1b[2J\x1b[H \xe2\x80\xa8 \xc0\xaf"
#define EVIL_WARNING "cannot parse 'lib/apk/db/installed' line 3: \x1b[0m\x9b bad"
/* ... and feed-supplied ones */
#define EVIL_TITLE "musl \x1b]0;pwned\x07 \xe2\x80\xae" "wolf\n::error::x \xc2\x9b" "2J overflow"
#define EVIL_TITLE2_TAIL " bad bytes and a very long title that the table must cut somewhere"
#define EVIL_TITLE2 "\xff\xfe" EVIL_TITLE2_TAIL
#define EVIL_URL "https://evil example/\x1b[2J"
#define MUSL_URL "https://security.alpinelinux.org/vuln/CVE-2019-14697"
#define MUSL_VECTOR "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
#define EVIL_VECTOR "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"
#define V2_VECTOR "AV:N/AC:L/Au:N/C:P/I:N/A:N"

static char *
S(const char *s)
{
	return s ? lb_xstrdup(s) : NULL;
}

static struct lb_pkg *
add_pkg(struct lb_inventory *inv, const char *name, const char *version, const char *src,
    int layer, const char *db_path)
{
	struct lb_pkg *p = lb_inventory_add_pkg(inv);

	p->type = S("apk");
	p->name = S(name);
	p->version = S(version);
	p->arch = S("x86_64");
	p->src_name = S(src);
	p->db_path = S(db_path);
	p->layer = layer;
	return p;
}

static struct lb_inventory *
hostile_inventory(void)
{
	struct lb_inventory *inv = lb_inventory_new();
	struct lb_pkg *p;

	inv->source_kind = S("docker-archive");
	inv->source = S(EVIL_INPUT);
	inv->ref = S(EVIL_REF);
	inv->image_id = S("sha256:1111111111111111111111111111111111111111111111111111111111111111");
	inv->manifest_digest =
	    S("sha256:2222222222222222222222222222222222222222222222222222222222222222");
	inv->platform = S("linux/amd64");
	inv->nlayers = 2;
	inv->layers = lb_xcalloc(2, sizeof(*inv->layers));
	inv->layers[0].digest = S("sha256:aaaa");
	inv->layers[0].diff_id = S("sha256:bbbb");
	inv->layers[0].media_type = S("application/vnd.docker.image.rootfs.diff.tar.gzip");
	inv->layers[0].created_by = S("/bin/sh -c #(nop) ADD file:abc in /");
	inv->layers[0].size = 2097152;
	inv->layers[1].diff_id = S("sha256:cccc");
	inv->layers[1].created_by = S(EVIL_CREATED_BY);
	inv->layers[1].skipped = true;
	inv->os.family = S("alpine");
	inv->os.name = S(EVIL_OSNAME);
	inv->os.version = S("3.7.3");
	inv->os.version_id = S("3.7.3");
	inv->os.evidence = S("etc/os-release");

	p = add_pkg(inv, "musl", "1.1.18-r3", NULL, 0, "lib/apk/db/installed");
	p->license = S("MIT");
	p->maintainer = S("Timo Ter\xc3\xa4s <timo.teras@iki.fi>");
	lb_pkg_add_file(p, "lib/ld-musl-x86_64.so.1", 23);
	lb_pkg_add_file(p, "lib/libc.musl-x86_64.so.1", 25);
	p = add_pkg(inv, EVIL_NAME, EVIL_VERSION, EVIL_SRC, 1, "lib/apk/db/installed");
	p->license = S("GPL-2.0 \x1b[1m");
	p->maintainer = S("\x07ring");
	lb_pkg_add_file(p, "usr/bin/\x1b[31mevil\n", 19);
	/* the same package in two databases: same purl, two components */
	add_pkg(inv, "dup", "1-r0", NULL, 0, "lib/apk/db/installed");
	add_pkg(inv, "dup", "1-r0", NULL, 1, "usr/lib/apk/db/installed");
	/* no version: no purl; unknown layer */
	add_pkg(inv, "noversion", NULL, NULL, -1, "lib/apk/db/installed");

	inv->partial = true;
	inv->nwarnings = 1;
	inv->warnings = lb_xcalloc(1, sizeof(char *));
	inv->warnings[0] = S(EVIL_WARNING);
	lb_inventory_finish(inv);
	return inv;
}

static size_t
pkg_index(const struct lb_inventory *inv, const char *name, const char *db_path)
{
	for (size_t i = 0; i < inv->npkgs; i++)
		if (strcmp(inv->pkgs[i].name, name) == 0 &&
		    (!db_path || strcmp(inv->pkgs[i].db_path, db_path) == 0))
			return i;
	fail_msg("package '%s' is missing", name);
	return 0;
}

static struct lb_finding *
add_finding(struct lb_inventory *inv, size_t pkg, const char *id, const char *aliases,
    const char *fixed, int status, const char *severity)
{
	struct lb_finding *f = lb_inventory_add_finding(inv);

	f->id = S(id);
	f->aliases = S(aliases);
	f->pkg = pkg;
	f->installed = S(inv->pkgs[pkg].version);
	f->fixed = S(fixed);
	f->status = status;
	f->severity = S(severity);
	return f;
}

/* A version longer than CycloneDX's 1024-character limit. */
static char *
long_version(void)
{
	char *v = lb_xmalloc(1101);

	memset(v, '7', 1100);
	v[1100] = '\0';
	return v;
}

/* The hostile image matched against a database: five findings, one per
 * severity, covering every way a field can be absent or hostile. */
static struct lb_inventory *
vuln_inventory(void)
{
	struct lb_inventory *inv = hostile_inventory();
	struct lb_finding *f;
	struct lb_pkg *p;

	p = add_pkg(inv, "longver", NULL, NULL, -1, "lib/apk/db/installed");
	p->version = long_version();
	lb_inventory_finish(inv);
	inv->vulns_scanned = true;

	f = add_finding(inv, pkg_index(inv, "musl", NULL), "CVE-2019-14697",
	    "[\"GHSA-aaaa-bbbb-cccc\", 5, \"ALPINE-13661\", \"CVE-2019-14697\"]", "1.1.18-r4",
	    LB_VS_FIXED, "CRITICAL");
	f->severity_source = S("nvd");
	f->cvss_vector = S(MUSL_VECTOR);
	f->cvss_score = 9.8;
	f->source = S("alpine-secdb");
	f->title = S(EVIL_TITLE);
	f->url = S(MUSL_URL);

	/* unfixed; the vendor's severity and a CVSS v4 score disagree */
	f = add_finding(inv, pkg_index(inv, EVIL_NAME, NULL), "CVE-2024-0001", "[]", NULL,
	    LB_VS_AFFECTED, "HIGH");
	f->severity_source = S("vendor:alpine");
	f->cvss_vector = S(EVIL_VECTOR);
	f->cvss_score = 5.3;
	f->source = S("alpine-secdb");
	f->title = S(EVIL_TITLE2);
	f->url = S(EVIL_URL);

	/* will not be fixed; nothing but the ID and an alias */
	f = add_finding(inv, pkg_index(inv, "dup", "usr/lib/apk/db/installed"), "CVE-2023-9999",
	    "[\"DSA-5555-1\"]", NULL, LB_VS_WONTFIX, "LOW");
	f->source = S("debian-tracker");

	/* not affected; a severity the database did not normalise, a v2 vector */
	f = add_finding(inv, pkg_index(inv, "dup", "lib/apk/db/installed"), "PYSEC-2020-1",
	    "not json", "1-r0", LB_VS_NOT_AFFECTED, "moderate");
	f->cvss_vector = S(V2_VECTOR);
	f->source = S("osv:PyPI");

	/* versions too long for CycloneDX */
	f = add_finding(inv, pkg_index(inv, "longver", NULL), "GHSA-long-long-long", NULL, NULL,
	    LB_VS_FIXED, "MEDIUM");
	f->fixed = long_version();
	f->source = S("osv:Alpine");
	return inv;
}

/* An image about which nothing is known. */
static struct lb_inventory *
empty_inventory(void)
{
	struct lb_inventory *inv = lb_inventory_new();

	inv->source_kind = S("oci-layout");
	inv->source = S("dir");
	inv->platform = S("linux/arm64/v8");
	/* no lb_inventory_finish: with no packages it would only sort an empty
	 * (NULL) array, which qsort does not allow */
	return inv;
}

/* The image was matched and nothing was found. */
static struct lb_inventory *
clean_inventory(void)
{
	struct lb_inventory *inv = empty_inventory();

	inv->vulns_scanned = true;
	return inv;
}

/* Runs writer name over rep and returns its output (caller frees). With
 * to_file the writer gets a real file, as with -o, rather than a memory
 * stream (neither is a terminal). */
static char *
run_report(const char *name, const struct lb_report *rep, bool to_file)
{
	const struct lb_writer_ops *ops = lb_writer_find(name);
	struct lb_ctx cx;
	size_t len = 0;
	char *buf = NULL;
	FILE *f;

	assert_non_null(ops);
	lbt_ctx(&cx);
	f = to_file ? tmpfile() : open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(ops->write(&cx, rep, f), 0);
	if (to_file) {
		long end;

		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		assert_true((end = ftell(f)) >= 0);
		len = (size_t)end;
		rewind(f);
		buf = lb_xmalloc(len + 1);
		assert_int_equal(fread(buf, 1, len, f), len);
		buf[len] = '\0';
	}
	fclose(f);
	lb_ctx_release(&cx);
	assert_int_equal(strlen(buf), len);   /* no NUL byte in any output */
	return buf;
}

/* Runs writer name over the results and returns its output (caller frees). */
static char *
run_writer(const char *name, struct lb_inventory **res, size_t n, int with_files)
{
	struct lb_report rep = { .tool_version = "9.9.9", .created = CREATED, .results = res,
		.nresults = n, .with_files = with_files };

	return run_report(name, &rep, false);
}

/* Parses JSON strictly (duplicate keys are an error). */
static json_t *
parse(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &err);

	if (!v)
		fail_msg("invalid JSON at line %d: %s", err.line, err.text);
	return v;
}

static const char *
jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		fail_msg("'%s' is not a string", key);
	return json_string_value(v);
}

static void
assert_jnull(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v || !json_is_null(v))
		fail_msg("'%s' is not null", key);
}

/* No raw terminal-control bytes anywhere: C0 but '\n', DEL, C1 (as UTF-8),
 * bidi overrides and isolates. */
static void
assert_no_controls(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p == '\n')
			continue;
		if (*p < 0x20 || *p == 0x7f)
			fail_msg("control byte 0x%02x at offset %zu", *p, (size_t)(p - (const unsigned char *)s));
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			fail_msg("C1 control at offset %zu", (size_t)(p - (const unsigned char *)s));
		if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9 ||
		    (p[2] >= 0xaa && p[2] <= 0xae)))
			fail_msg("separator or bidi control at offset %zu", (size_t)(p - (const unsigned char *)s));
		if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
			fail_msg("bidi isolate at offset %zu", (size_t)(p - (const unsigned char *)s));
	}
}

static void
assert_valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t len = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
		    (*p & 0xf8) == 0xf0 ? 4 : 0;

		if (len == 0 || (len == 2 && *p < 0xc2))
			fail_msg("invalid UTF-8 at offset %zu", (size_t)(p - (const unsigned char *)s));
		for (size_t i = 1; i < len; i++)
			assert_int_equal(p[i] & 0xc0, 0x80);
		p += len;
	}
}

static void
test_writers(void **state)
{
	char names[128], *save = NULL, *tok;
	int n = 0;

	(void)state;
	assert_null(lb_writer_find("nope"));
	assert_null(lb_writer_find(NULL));
	assert_null(lb_writer_find(""));
	snprintf(names, sizeof(names), "%s", lb_writer_names());
	for (tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct lb_writer_ops *ops = lb_writer_find(tok);

		assert_non_null(ops);
		assert_string_equal(ops->name, tok);
		assert_non_null(ops->write);
		n++;
	}
	assert_int_equal(n, 6);
	assert_non_null(lb_writer_find("table"));
	assert_non_null(lb_writer_find("json"));
	assert_non_null(lb_writer_find("cyclonedx"));
	assert_non_null(lb_writer_find("sarif"));
	assert_non_null(lb_writer_find("spdx-json"));
	assert_non_null(lb_writer_find("openvex"));
}

static json_t *
find_pkg(json_t *pkgs, const char *name, const char *db_path)
{
	size_t i;
	json_t *p;

	json_array_foreach(pkgs, i, p) {
		if (strcmp(jstr(p, "name"), name) == 0 &&
		    (!db_path || strcmp(jstr(p, "dbPath"), db_path) == 0))
			return p;
	}
	fail_msg("package '%s' is missing", name);
	return NULL;
}

static void
test_json(void **state)
{
	struct lb_inventory *inv[2] = { hostile_inventory(), empty_inventory() };
	json_t *doc, *res, *src, *os, *layers, *pkgs, *p, *files;
	char *out;

	(void)state;
	out = run_writer("json", inv, 2, 0);
	assert_no_controls(out);
	assert_valid_utf8(out);
	doc = parse(out);
	assert_string_equal(jstr(doc, "schemaVersion"), "1.2");
	assert_string_equal(jstr(json_object_get(doc, "tool"), "name"), "lifebelt");
	assert_string_equal(jstr(json_object_get(doc, "tool"), "version"), "9.9.9");
	assert_string_equal(jstr(doc, "createdAt"), CREATED);
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 2);

	res = json_array_get(json_object_get(doc, "results"), 0);
	src = json_object_get(res, "source");
	/* valid UTF-8 comes back byte for byte, controls included */
	assert_string_equal(jstr(src, "input"), EVIL_INPUT);
	assert_string_equal(jstr(src, "ref"), EVIL_REF);
	assert_string_equal(jstr(src, "kind"), "docker-archive");
	assert_string_equal(jstr(src, "platform"), "linux/amd64");
	assert_true(json_is_true(json_object_get(res, "partial")));
	/* invalid bytes come back as U+FFFD */
	assert_string_equal(json_string_value(json_array_get(json_object_get(res, "warnings"), 0)),
	    "cannot parse 'lib/apk/db/installed' line 3: \x1b[0m\xef\xbf\xbd bad");

	os = json_object_get(res, "os");
	assert_string_equal(jstr(os, "family"), "alpine");
	assert_string_equal(jstr(os, "name"), EVIL_OSNAME);
	assert_string_equal(jstr(os, "versionId"), "3.7.3");
	assert_jnull(os, "codename");
	assert_string_equal(jstr(os, "evidence"), "etc/os-release");

	layers = json_object_get(res, "layers");
	assert_int_equal(json_array_size(layers), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(layers, 0), "index")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(layers, 0), "size")),
	    2097152);
	assert_true(json_is_false(json_object_get(json_array_get(layers, 0), "skipped")));
	assert_true(json_is_true(json_object_get(json_array_get(layers, 1), "skipped")));
	assert_jnull(json_array_get(layers, 1), "digest");
	assert_string_equal(jstr(json_array_get(layers, 1), "createdBy"),
	    "/bin/sh -c #(nop) \x1b[2J\x1b[H \xe2\x80\xa8 \xef\xbf\xbd\xef\xbf\xbd");

	pkgs = json_object_get(res, "packages");
	assert_int_equal(json_array_size(pkgs), 5);
	p = find_pkg(pkgs, "musl", NULL);
	assert_string_equal(jstr(p, "type"), "apk");
	assert_string_equal(jstr(p, "version"), "1.1.18-r3");
	assert_string_equal(jstr(p, "arch"), "x86_64");
	assert_string_equal(jstr(p, "license"), "MIT");
	assert_string_equal(jstr(p, "purl"), "pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64&distro=3.7.3");
	assert_string_equal(jstr(p, "dbPath"), "lib/apk/db/installed");
	assert_jnull(p, "sourceName");
	assert_jnull(p, "sourceVersion");
	assert_int_equal(json_integer_value(json_object_get(p, "layer")), 0);
	assert_int_equal(json_integer_value(json_object_get(p, "fileCount")), 2);
	assert_null(json_object_get(p, "files"));
	p = find_pkg(pkgs, EVIL_NAME, NULL);
	assert_string_equal(jstr(p, "version"), "1.0\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(jstr(p, "sourceName"), EVIL_SRC);
	assert_int_equal(json_integer_value(json_object_get(p, "layer")), 1);
	p = find_pkg(pkgs, "noversion", NULL);
	assert_jnull(p, "layer");
	assert_jnull(p, "version");
	assert_jnull(p, "purl");
	/* no database was used: not "none found" but "not looked for" */
	assert_jnull(res, "vulnerabilities");

	res = json_array_get(json_object_get(doc, "results"), 1);
	assert_jnull(res, "os");
	assert_jnull(json_object_get(res, "source"), "ref");
	assert_true(json_is_false(json_object_get(res, "partial")));
	assert_int_equal(json_array_size(json_object_get(res, "packages")), 0);
	assert_int_equal(json_array_size(json_object_get(res, "warnings")), 0);
	json_decref(doc);
	free(out);

	/* --list-files */
	out = run_writer("json", inv, 1, 1);
	doc = parse(out);
	pkgs = json_object_get(json_array_get(json_object_get(doc, "results"), 0), "packages");
	files = json_object_get(find_pkg(pkgs, "musl", NULL), "files");
	assert_int_equal(json_array_size(files), 2);
	assert_string_equal(json_string_value(json_array_get(files, 0)), "lib/ld-musl-x86_64.so.1");
	files = json_object_get(find_pkg(pkgs, EVIL_NAME, NULL), "files");
	assert_string_equal(json_string_value(json_array_get(files, 0)), "usr/bin/\x1b[31mevil\n");
	assert_int_equal(json_array_size(json_object_get(find_pkg(pkgs, "dup", NULL), "files")), 0);
	json_decref(doc);
	free(out);

	lb_inventory_free(inv[0]);
	lb_inventory_free(inv[1]);
}

static void
test_table(void **state)
{
	struct lb_inventory *inv[2] = { hostile_inventory(), empty_inventory() };
	char *out, *line, *save = NULL;
	int header = 0, rows = 0;

	(void)state;
	out = run_writer("table", inv, 2, 0);
	assert_no_controls(out);
	assert_valid_utf8(out);
	assert_non_null(strstr(out, "evil:latest?::set-output name=x::y"));
	assert_non_null(strstr(out, "/tmp/evil?]0;pwned?.tar (docker-archive)"));
	assert_non_null(strstr(out, "linux/amd64"));
	assert_non_null(strstr(out, "Alpine ???xunil Linux (3.7.3)"));
	assert_non_null(strstr(out, "PARTIAL"));
	assert_non_null(strstr(out, "Packages:  5\n"));
	assert_non_null(strstr(out, "OS:        unknown\n"));
	assert_non_null(strstr(out, "(no packages found)"));
	assert_non_null(strstr(out, "  - cannot parse 'lib/apk/db/installed' line 3: ?[0m? bad\n"));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "NAME ", 5) == 0) {
			header++;
			assert_non_null(strstr(line, "VERSION"));
			assert_non_null(strstr(line, "LAYER"));
		}
		if (strncmp(line, "musl ", 5) == 0) {
			rows++;
			assert_non_null(strstr(line, "1.1.18-r3"));
			assert_non_null(strstr(line, "x86_64"));
			assert_int_equal(line[strlen(line) - 2], '#');
			assert_int_equal(line[strlen(line) - 1], '0');
		}
		if (strncmp(line, "evil?[31mname?? ", 16) == 0) {
			rows++;
			assert_non_null(strstr(line, "1.0?? "));
			assert_non_null(strstr(line, "origin??2J"));
			assert_non_null(strstr(line, "#1"));
		}
		if (strncmp(line, "noversion ", 10) == 0) {
			rows++;
			assert_int_equal(line[strlen(line) - 1], '-');
		}
	}
	assert_int_equal(header, 1);
	assert_int_equal(rows, 3);
	free(out);
	lb_inventory_free(inv[0]);
	lb_inventory_free(inv[1]);
}

/* A CycloneDX property value by name, or NULL. */
static const char *
cdx_prop(json_t *comp, const char *name)
{
	json_t *pr;
	size_t i;

	json_array_foreach(json_object_get(comp, "properties"), i, pr)
		if (strcmp(jstr(pr, "name"), name) == 0)
			return jstr(pr, "value");
	return NULL;
}

static void
assert_serial(const char *s)
{
	assert_int_equal(strlen(s), 45);
	assert_memory_equal(s, "urn:uuid:", 9);
	for (size_t i = 9; i < 45; i++) {
		if (i == 17 || i == 22 || i == 27 || i == 32)
			assert_int_equal(s[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", s[i]));
	}
	assert_int_equal(s[23], '4');              /* version 4 */
	assert_non_null(strchr("89ab", s[28]));     /* RFC 4122 variant */
}

static void
test_cyclonedx(void **state)
{
	struct lb_inventory *inv[2] = { hostile_inventory(), empty_inventory() };
	json_t *doc, *meta, *comps, *c, *deps, *d, *refs;
	const char *serial1;
	char *out, *out2;
	size_t i, j, nlib = 0;

	(void)state;
	out = run_writer("cyclonedx", inv, 1, 0);
	assert_no_controls(out);
	assert_valid_utf8(out);
	doc = parse(out);
	assert_string_equal(jstr(doc, "bomFormat"), "CycloneDX");
	assert_string_equal(jstr(doc, "specVersion"), "1.6");
	assert_int_equal(json_integer_value(json_object_get(doc, "version")), 1);
	serial1 = jstr(doc, "serialNumber");
	assert_serial(serial1);
	meta = json_object_get(doc, "metadata");
	assert_string_equal(jstr(meta, "timestamp"), CREATED);
	c = json_array_get(json_object_get(json_object_get(meta, "tools"), "components"), 0);
	assert_string_equal(jstr(c, "name"), "lifebelt");
	assert_string_equal(jstr(c, "version"), "9.9.9");
	c = json_object_get(meta, "component");
	assert_string_equal(jstr(c, "type"), "container");
	assert_string_equal(jstr(c, "name"), EVIL_REF);
	assert_string_equal(jstr(c, "version"),
	    "sha256:2222222222222222222222222222222222222222222222222222222222222222");
	assert_string_equal(cdx_prop(c, "lifebelt:image:platform"), "linux/amd64");
	assert_string_equal(cdx_prop(c, "lifebelt:image:partial"), "true");

	/* every bom-ref is unique; every dependency names one */
	refs = json_object();
	json_object_set_new(refs, jstr(c, "bom-ref"), json_true());
	comps = json_object_get(doc, "components");
	json_array_foreach(comps, i, c) {
		const char *ref = jstr(c, "bom-ref");

		if (json_object_get(refs, ref))
			fail_msg("bom-ref '%s' is not unique", ref);
		json_object_set_new(refs, ref, json_true());
		if (strcmp(jstr(c, "type"), "operating-system") == 0) {
			assert_string_equal(jstr(c, "name"), "alpine");
			assert_string_equal(jstr(c, "version"), "3.7.3");
			continue;
		}
		assert_string_equal(jstr(c, "type"), "library");
		assert_string_equal(cdx_prop(c, "lifebelt:pkg:type"), "apk");
		assert_non_null(cdx_prop(c, "lifebelt:pkg:dbPath"));
		nlib++;
		if (strcmp(jstr(c, "name"), "musl") == 0) {
			json_t *lic = json_object_get(json_array_get(json_object_get(c, "licenses"), 0),
			    "license");

			assert_string_equal(jstr(lic, "name"), "MIT");
			assert_string_equal(jstr(c, "purl"),
			    "pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64&distro=3.7.3");
			assert_string_equal(jstr(c, "bom-ref"), jstr(c, "purl"));
			assert_string_equal(cdx_prop(c, "lifebelt:layer:diffID"), "sha256:bbbb");
			assert_string_equal(cdx_prop(c, "lifebelt:layer:index"), "0");
			assert_string_equal(cdx_prop(c, "lifebelt:pkg:fileCount"), "2");
			assert_null(json_object_get(c, "evidence"));
		}
		if (strcmp(jstr(c, "name"), EVIL_NAME) == 0)
			assert_string_equal(cdx_prop(c, "lifebelt:pkg:srcName"), EVIL_SRC);
		if (strcmp(jstr(c, "name"), "noversion") == 0) {
			assert_null(json_object_get(c, "purl"));
			assert_null(json_object_get(c, "version"));
			assert_null(cdx_prop(c, "lifebelt:layer:diffID"));
		}
	}
	assert_int_equal(nlib, 5);
	assert_null(json_object_get(doc, "vulnerabilities"));   /* not looked for */
	deps = json_object_get(doc, "dependencies");
	assert_int_equal(json_array_size(deps), 1);
	json_array_foreach(deps, i, d) {
		assert_non_null(json_object_get(refs, jstr(d, "ref")));
		assert_int_equal(json_array_size(json_object_get(d, "dependsOn")), 6);
		json_array_foreach(json_object_get(d, "dependsOn"), j, c)
			assert_non_null(json_object_get(refs, json_string_value(c)));
	}
	json_decref(refs);

	/* a second BOM gets another serial number */
	out2 = run_writer("cyclonedx", inv, 1, 0);
	{
		json_t *doc2 = parse(out2);

		assert_string_not_equal(jstr(doc2, "serialNumber"), serial1);
		json_decref(doc2);
	}
	free(out2);
	json_decref(doc);
	free(out);

	/* several images: the input on top, each image a component */
	out = run_writer("cyclonedx", inv, 2, 1);
	assert_no_controls(out);
	doc = parse(out);
	meta = json_object_get(doc, "metadata");
	assert_string_equal(jstr(json_object_get(meta, "component"), "bom-ref"), "lifebelt:input");
	comps = json_object_get(doc, "components");
	nlib = 0;
	json_array_foreach(comps, i, c) {
		if (strcmp(jstr(c, "type"), "container") == 0)
			nlib++;
		if (strcmp(jstr(c, "type"), "library") == 0 && strcmp(jstr(c, "name"), "musl") == 0) {
			json_t *occ = json_object_get(json_object_get(c, "evidence"), "occurrences");

			assert_int_equal(json_array_size(occ), 2);
			assert_string_equal(jstr(json_array_get(occ, 1), "location"),
			    "lib/libc.musl-x86_64.so.1");
		}
	}
	assert_int_equal(nlib, 2);
	assert_int_equal(json_array_size(json_object_get(doc, "dependencies")), 3);
	json_decref(doc);
	free(out);

	/* no image at all is still a valid BOM */
	out = run_writer("cyclonedx", inv, 0, 0);
	doc = parse(out);
	assert_int_equal(json_array_size(json_object_get(doc, "components")), 0);
	json_decref(doc);
	free(out);

	lb_inventory_free(inv[0]);
	lb_inventory_free(inv[1]);
}

/* A finding in a JSON vulnerabilities array by ID. */
static json_t *
find_vuln(json_t *vulns, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(vulns, i, v)
		if (strcmp(jstr(v, "id"), id) == 0)
			return v;
	fail_msg("vulnerability '%s' is missing", id);
	return NULL;
}

static void
assert_strings(json_t *arr, const char *const *want, size_t n)
{
	assert_true(json_is_array(arr));
	assert_int_equal(json_array_size(arr), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(json_string_value(json_array_get(arr, i)), want[i]);
}

static void
test_json_vulns(void **state)
{
	static const char *const musl_aliases[] = { "GHSA-aaaa-bbbb-cccc", "ALPINE-13661",
		"CVE-2019-14697" };
	static const char *const dsa[] = { "DSA-5555-1" };
	struct lb_inventory *inv[2] = { vuln_inventory(), clean_inventory() };
	json_t *doc, *res, *vulns, *v;
	char *out, *longv = long_version();

	(void)state;
	out = run_writer("json", inv, 2, 0);
	assert_no_controls(out);
	assert_valid_utf8(out);
	doc = parse(out);
	assert_string_equal(jstr(doc, "schemaVersion"), "1.2");
	res = json_array_get(json_object_get(doc, "results"), 0);
	vulns = json_object_get(res, "vulnerabilities");
	assert_int_equal(json_array_size(vulns), 5);

	v = find_vuln(vulns, "CVE-2019-14697");
	assert_strings(json_object_get(v, "aliases"), musl_aliases, 3);   /* the 5 is dropped */
	assert_int_equal(json_integer_value(json_object_get(v, "package")),
	    pkg_index(inv[0], "musl", NULL));
	assert_string_equal(jstr(v, "pkgName"), "musl");
	assert_string_equal(jstr(v, "pkgPurl"), "pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64&distro=3.7.3");
	assert_string_equal(jstr(v, "installedVersion"), "1.1.18-r3");
	assert_string_equal(jstr(v, "fixedVersion"), "1.1.18-r4");
	assert_string_equal(jstr(v, "status"), "fixed");
	assert_string_equal(jstr(v, "severity"), "CRITICAL");
	assert_string_equal(jstr(v, "severitySource"), "nvd");
	assert_string_equal(jstr(v, "cvssVector"), MUSL_VECTOR);
	assert_true(fabs(json_number_value(json_object_get(v, "cvssScore")) - 9.8) < 1e-9);
	assert_int_equal(json_integer_value(json_object_get(v, "layer")), 0);
	assert_string_equal(jstr(v, "dataSource"), "alpine-secdb");
	assert_string_equal(jstr(v, "title"), EVIL_TITLE);   /* valid UTF-8 comes back whole */
	assert_string_equal(jstr(v, "primaryUrl"), MUSL_URL);

	v = find_vuln(vulns, "CVE-2024-0001");
	assert_int_equal(json_array_size(json_object_get(v, "aliases")), 0);
	assert_string_equal(jstr(v, "pkgName"), EVIL_NAME);
	assert_string_equal(jstr(v, "installedVersion"), "1.0\xef\xbf\xbd\xef\xbf\xbd");
	assert_jnull(v, "fixedVersion");
	assert_string_equal(jstr(v, "status"), "affected");
	assert_string_equal(jstr(v, "severitySource"), "vendor:alpine");
	assert_true(fabs(json_number_value(json_object_get(v, "cvssScore")) - 5.3) < 1e-9);
	assert_int_equal(json_integer_value(json_object_get(v, "layer")), 1);
	assert_string_equal(jstr(v, "title"), "\xef\xbf\xbd\xef\xbf\xbd" EVIL_TITLE2_TAIL);
	assert_string_equal(jstr(v, "primaryUrl"), EVIL_URL);

	v = find_vuln(vulns, "CVE-2023-9999");
	assert_strings(json_object_get(v, "aliases"), dsa, 1);
	assert_int_equal(json_integer_value(json_object_get(v, "package")),
	    pkg_index(inv[0], "dup", "usr/lib/apk/db/installed"));
	assert_string_equal(jstr(v, "status"), "will-not-fix");
	assert_string_equal(jstr(v, "severity"), "LOW");
	assert_jnull(v, "fixedVersion");
	assert_jnull(v, "severitySource");
	assert_jnull(v, "cvssVector");
	assert_jnull(v, "cvssScore");
	assert_jnull(v, "title");
	assert_jnull(v, "primaryUrl");

	v = find_vuln(vulns, "PYSEC-2020-1");
	assert_int_equal(json_array_size(json_object_get(v, "aliases")), 0);   /* "not json" */
	assert_string_equal(jstr(v, "status"), "not-affected");
	assert_string_equal(jstr(v, "severity"), "UNKNOWN");   /* "moderate" is no severity of ours */

	v = find_vuln(vulns, "GHSA-long-long-long");
	assert_string_equal(jstr(v, "installedVersion"), longv);
	assert_string_equal(jstr(v, "fixedVersion"), longv);
	assert_string_equal(jstr(v, "severity"), "MEDIUM");
	assert_jnull(v, "layer");

	/* matched, nothing found: an empty array, not null */
	res = json_array_get(json_object_get(doc, "results"), 1);
	vulns = json_object_get(res, "vulnerabilities");
	assert_true(json_is_array(vulns));
	assert_int_equal(json_array_size(vulns), 0);
	json_decref(doc);
	free(out);
	free(longv);
	lb_inventory_free(inv[0]);
	lb_inventory_free(inv[1]);
}

static void
test_table_vulns(void **state)
{
	struct lb_inventory *inv[2] = { vuln_inventory(), clean_inventory() };
	struct lb_report rep = { .tool_version = "9.9.9", .created = CREATED, .results = inv,
		.nresults = 2 };
	char *out, *line, *save = NULL, *crit, *high, *low;
	const char *no_color = getenv("NO_COLOR");
	char *saved = no_color ? lb_xstrdup(no_color) : NULL;
	int rows = 0;

	(void)state;
	/* not a terminal: no colour even when NO_COLOR does not forbid it */
	unsetenv("NO_COLOR");
	out = run_report("table", &rep, true);
	assert_null(strchr(out, '\x1b'));
	assert_no_controls(out);
	assert_valid_utf8(out);
	assert_non_null(strstr(out,
	    "Vulnerabilities: 5 (CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 1, UNKNOWN: 1)\n"));
	assert_non_null(strstr(out,
	    "Vulnerabilities: 0 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0)\n"));
	/* most severe first */
	crit = strstr(out, "CVE-2019-14697");
	high = strstr(out, "CVE-2024-0001");
	low = strstr(out, "CVE-2023-9999");
	assert_true(crit && high && low && crit < high && high < low);
	/* the packages are not listed unless asked for */
	assert_null(strstr(out, "\nNAME "));
	assert_null(strstr(out, "(no packages found)"));
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "PACKAGE ", 8) == 0) {
			assert_non_null(strstr(line, "VULNERABILITY"));
			assert_non_null(strstr(line, "FIXED"));
		}
		if (strstr(line, "CVE-2019-14697")) {
			rows++;
			assert_non_null(strstr(line, "CRITICAL"));
			assert_non_null(strstr(line, "fixed"));
			assert_non_null(strstr(line, "1.1.18-r4"));
			assert_non_null(strstr(line, "musl ?]0;pwned? ???wolf?::error::x ??2J overflow"));
		}
		if (strstr(line, "CVE-2024-0001")) {
			rows++;
			assert_int_equal(strncmp(line, "evil?[31mname?? ", 16), 0);
			assert_non_null(strstr(line, " affected "));
			assert_non_null(strstr(line, " -  "));   /* no fixed version */
			/* the title is cut to 60 characters */
			assert_non_null(strstr(line, "?? bad bytes and a very long title that the table must cu..."));
			assert_int_equal(line[strlen(line) - 1], '.');
		}
		if (strstr(line, "CVE-2023-9999")) {
			rows++;
			assert_non_null(strstr(line, "will-not-fix"));
		}
		if (strstr(line, "PYSEC-2020-1")) {
			rows++;
			assert_non_null(strstr(line, "not-affected"));
			assert_non_null(strstr(line, " UNKNOWN "));   /* "moderate", counted as such */
		}
	}
	assert_int_equal(rows, 4);
	free(out);

	/* --packages: both tables */
	rep.with_packages = 1;
	out = run_report("table", &rep, true);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "\nNAME "));
	assert_non_null(strstr(out, "(no packages found)"));
	assert_true(strstr(out, "\nPACKAGE ") < strstr(out, "\nNAME "));
	free(out);

	if (saved)
		setenv("NO_COLOR", saved, 1);
	free(saved);
	lb_inventory_free(inv[0]);
	lb_inventory_free(inv[1]);
}

/* On a terminal the severity is coloured, unless NO_COLOR is set and not
 * empty (no-color.org). */
static void
test_table_color(void **state)
{
	static const char *const no_color_values[] = { NULL, "", "1" };
	struct lb_inventory *inv = empty_inventory();
	struct lb_inventory *res[1] = { inv };
	struct lb_report rep = { .created = CREATED, .results = res, .nresults = 1 };
	const char *prev = getenv("NO_COLOR");
	char *saved = prev ? lb_xstrdup(prev) : NULL;
	struct lb_finding *f;

	(void)state;
	add_pkg(inv, "musl", "1.1.18-r3", NULL, 0, "lib/apk/db/installed");
	inv->vulns_scanned = true;
	f = add_finding(inv, 0, "CVE-2019-14697", NULL, "1.1.18-r4", LB_VS_FIXED, "CRITICAL");
	f->title = S("t\x1b[2Jx");
	for (size_t k = 0; k < sizeof(no_color_values) / sizeof(no_color_values[0]); k++) {
		int master, slave;
		char buf[8192];
		ssize_t got;
		size_t len = 0;
		struct lb_ctx cx;
		FILE *out;

		if (openpty(&master, &slave, NULL, NULL, NULL) != 0)
			skip();
		if (no_color_values[k])
			setenv("NO_COLOR", no_color_values[k], 1);
		else
			unsetenv("NO_COLOR");
		out = fdopen(slave, "w");
		assert_non_null(out);
		lbt_ctx(&cx);
		assert_int_equal(lb_writer_find("table")->write(&cx, &rep, out), 0);
		lb_ctx_release(&cx);
		fclose(out);
		/* the output is small enough to sit in the terminal's buffer */
		while (len < sizeof(buf) - 1 && (got = read(master, buf + len, sizeof(buf) - 1 - len)) > 0)
			len += (size_t)got;
		buf[len] = '\0';
		close(master);
		assert_non_null(strstr(buf, "CVE-2019-14697"));
		assert_non_null(strstr(buf, "t?[2Jx"));       /* never the image's own escapes */
		if (no_color_values[k] && no_color_values[k][0])
			assert_null(strchr(buf, '\x1b'));
		else
			assert_non_null(strstr(buf, "\x1b[1;31mCRITICAL\x1b[0m"));
	}
	if (saved)
		setenv("NO_COLOR", saved, 1);
	else
		unsetenv("NO_COLOR");
	free(saved);
	lb_inventory_free(inv);
}

/* The CycloneDX vulnerability with this ID, or a failure. */
static json_t *
cdx_vuln(json_t *doc, const char *id)
{
	return find_vuln(json_object_get(doc, "vulnerabilities"), id);
}

static json_t *
cdx_ref_source(json_t *refs, size_t i, const char *id)
{
	json_t *r = json_array_get(refs, i);

	assert_string_equal(jstr(r, "id"), id);
	return json_object_get(r, "source");
}

static void
test_cyclonedx_vulns(void **state)
{
	struct lb_inventory *inv[2] = { vuln_inventory(), clean_inventory() };
	json_t *doc, *comps, *c, *vulns, *v, *refs, *r, *rt, *aff, *ver;
	char *out, *longv = long_version();
	size_t i;

	(void)state;
	out = run_writer("cyclonedx", inv, 1, 0);
	assert_no_controls(out);
	assert_valid_utf8(out);
	doc = parse(out);

	/* bom-refs: components and vulnerabilities, all unique */
	refs = json_object();
	json_object_set_new(refs, jstr(json_object_get(json_object_get(doc, "metadata"), "component"),
	    "bom-ref"), json_true());
	comps = json_object_get(doc, "components");
	json_array_foreach(comps, i, c) {
		json_object_set_new(refs, jstr(c, "bom-ref"), json_true());
		if (strcmp(jstr(c, "name"), "longver") == 0) {
			/* too long for the schema's version: kept whole in a property */
			assert_null(json_object_get(c, "version"));
			assert_string_equal(cdx_prop(c, "lifebelt:pkg:version"), longv);
		}
	}
	vulns = json_object_get(doc, "vulnerabilities");
	assert_int_equal(json_array_size(vulns), 5);
	json_array_foreach(vulns, i, v) {
		const char *ref = jstr(v, "bom-ref"), *target;
		size_t j;

		if (json_object_get(refs, ref))
			fail_msg("bom-ref '%s' is not unique", ref);
		json_object_set_new(refs, ref, json_true());
		aff = json_object_get(v, "affects");
		assert_int_equal(json_array_size(aff), 1);
		target = jstr(json_array_get(aff, 0), "ref");
		json_array_foreach(comps, j, c)
			if (strcmp(jstr(c, "bom-ref"), target) == 0)
				break;
		if (j == json_array_size(comps))
			fail_msg("'%s' affects '%s', which is no component", jstr(v, "id"), target);
		assert_string_equal(jstr(c, "type"), "library");
		assert_non_null(json_object_get(v, "ratings"));
	}

	v = cdx_vuln(doc, "CVE-2019-14697");
	assert_string_equal(jstr(json_object_get(v, "source"), "name"), "alpine-secdb");
	assert_string_equal(jstr(json_object_get(v, "source"), "url"), MUSL_URL);
	/* references are the aliases: the ID itself and non-strings are not */
	r = json_object_get(v, "references");
	assert_int_equal(json_array_size(r), 2);
	c = cdx_ref_source(r, 0, "GHSA-aaaa-bbbb-cccc");
	assert_string_equal(jstr(c, "name"), "GitHub");
	assert_string_equal(jstr(c, "url"), "https://github.com/advisories/GHSA-aaaa-bbbb-cccc");
	c = cdx_ref_source(r, 1, "ALPINE-13661");
	assert_string_equal(jstr(c, "name"), "alpine-secdb");   /* the record that named it */
	assert_null(json_object_get(c, "url"));
	rt = json_object_get(v, "ratings");
	assert_int_equal(json_array_size(rt), 1);
	rt = json_array_get(rt, 0);
	assert_string_equal(jstr(json_object_get(rt, "source"), "name"), "nvd");
	assert_true(fabs(json_number_value(json_object_get(rt, "score")) - 9.8) < 1e-9);
	assert_string_equal(jstr(rt, "severity"), "critical");
	assert_string_equal(jstr(rt, "method"), "CVSSv31");
	assert_string_equal(jstr(rt, "vector"), MUSL_VECTOR);
	assert_string_equal(jstr(v, "description"), EVIL_TITLE);
	assert_string_equal(jstr(v, "recommendation"), "Upgrade musl to 1.1.18-r4");
	assert_string_equal(jstr(json_array_get(json_object_get(v, "advisories"), 0), "url"), MUSL_URL);
	assert_null(json_object_get(v, "analysis"));
	aff = json_array_get(json_object_get(v, "affects"), 0);
	assert_string_equal(jstr(aff, "ref"), "pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64&distro=3.7.3");
	ver = json_object_get(aff, "versions");
	assert_int_equal(json_array_size(ver), 2);
	assert_string_equal(jstr(json_array_get(ver, 0), "version"), "1.1.18-r3");
	assert_string_equal(jstr(json_array_get(ver, 0), "status"), "affected");
	assert_string_equal(jstr(json_array_get(ver, 1), "version"), "1.1.18-r4");
	assert_string_equal(jstr(json_array_get(ver, 1), "status"), "unaffected");
	assert_string_equal(cdx_prop(v, "lifebelt:vuln:status"), "fixed");

	/* the vendor's severity and the CVSS are two ratings; a URL that is
	 * no IRI is left out; no fix, no recommendation */
	v = cdx_vuln(doc, "CVE-2024-0001");
	assert_null(json_object_get(v, "references"));
	assert_null(json_object_get(v, "advisories"));
	assert_null(json_object_get(v, "recommendation"));
	assert_null(json_object_get(json_object_get(v, "source"), "url"));
	rt = json_object_get(v, "ratings");
	assert_int_equal(json_array_size(rt), 2);
	assert_string_equal(jstr(json_object_get(json_array_get(rt, 0), "source"), "name"),
	    "vendor:alpine");
	assert_string_equal(jstr(json_array_get(rt, 0), "severity"), "high");
	assert_null(json_object_get(json_array_get(rt, 0), "score"));
	assert_string_equal(jstr(json_array_get(rt, 1), "severity"), "medium");
	assert_string_equal(jstr(json_array_get(rt, 1), "method"), "CVSSv4");
	assert_string_equal(jstr(json_array_get(rt, 1), "vector"), EVIL_VECTOR);
	ver = json_object_get(json_array_get(json_object_get(v, "affects"), 0), "versions");
	assert_int_equal(json_array_size(ver), 1);
	assert_string_equal(jstr(json_array_get(ver, 0), "status"), "affected");
	assert_string_equal(jstr(json_array_get(ver, 0), "version"), "1.0\xef\xbf\xbd\xef\xbf\xbd");

	v = cdx_vuln(doc, "CVE-2023-9999");
	c = cdx_ref_source(json_object_get(v, "references"), 0, "DSA-5555-1");
	assert_string_equal(jstr(c, "url"), "https://security-tracker.debian.org/tracker/DSA-5555-1");
	r = json_object_get(json_object_get(v, "analysis"), "response");
	assert_int_equal(json_array_size(r), 1);
	assert_string_equal(json_string_value(json_array_get(r, 0)), "will_not_fix");
	assert_null(json_object_get(json_object_get(v, "analysis"), "state"));
	rt = json_array_get(json_object_get(v, "ratings"), 0);
	assert_string_equal(jstr(json_object_get(rt, "source"), "name"), "debian-tracker");
	assert_string_equal(jstr(rt, "severity"), "low");
	assert_null(json_object_get(rt, "method"));
	assert_null(json_object_get(v, "description"));
	/* the second "dup" package: affects names its own bom-ref, not the first's */
	json_array_foreach(comps, i, c)
		if (strcmp(jstr(c, "name"), "dup") == 0 &&
		    strcmp(cdx_prop(c, "lifebelt:pkg:dbPath"), "usr/lib/apk/db/installed") == 0)
			break;
	assert_string_equal(jstr(json_array_get(json_object_get(v, "affects"), 0), "ref"),
	    jstr(c, "bom-ref"));

	v = cdx_vuln(doc, "PYSEC-2020-1");
	assert_string_equal(jstr(json_object_get(v, "analysis"), "state"), "not_affected");
	assert_null(json_object_get(v, "recommendation"));
	ver = json_object_get(json_array_get(json_object_get(v, "affects"), 0), "versions");
	assert_int_equal(json_array_size(ver), 1);   /* fixed == installed */
	assert_string_equal(jstr(json_array_get(ver, 0), "status"), "unaffected");
	rt = json_array_get(json_object_get(v, "ratings"), 0);
	assert_string_equal(jstr(rt, "severity"), "unknown");
	assert_string_equal(jstr(rt, "method"), "CVSSv2");

	v = cdx_vuln(doc, "GHSA-long-long-long");
	assert_null(json_object_get(json_array_get(json_object_get(v, "affects"), 0), "versions"));
	assert_string_equal(cdx_prop(v, "lifebelt:vuln:installedVersion"), longv);
	assert_string_equal(cdx_prop(v, "lifebelt:vuln:fixedVersion"), longv);
	json_decref(refs);
	json_decref(doc);
	free(out);

	/* matched, nothing found: an empty array; not matched: none at all */
	out = run_writer("cyclonedx", inv + 1, 1, 0);
	doc = parse(out);
	assert_true(json_is_array(json_object_get(doc, "vulnerabilities")));
	assert_int_equal(json_array_size(json_object_get(doc, "vulnerabilities")), 0);
	json_decref(doc);
	free(out);
	inv[1]->vulns_scanned = false;
	out = run_writer("cyclonedx", inv + 1, 1, 0);
	doc = parse(out);
	assert_null(json_object_get(doc, "vulnerabilities"));
	json_decref(doc);
	free(out);

	/* several images: each finding points into its own image */
	inv[1]->vulns_scanned = true;
	out = run_writer("cyclonedx", inv, 2, 0);
	doc = parse(out);
	assert_int_equal(json_array_size(json_object_get(doc, "vulnerabilities")), 5);
	json_decref(doc);
	free(out);

	free(longv);
	lb_inventory_free(inv[0]);
	lb_inventory_free(inv[1]);
}

/* The TITLE column takes the width $COLUMNS leaves (at least 10), and is
 * cut at 60 characters when the width is unknown. */
static void
test_table_width(void **state)
{
	struct lb_inventory *inv = vuln_inventory();
	struct lb_report rep = { .tool_version = "9.9.9", .created = CREATED, .results = &inv,
		.nresults = 1 };
	char *saved = getenv("COLUMNS") ? lb_xstrdup(getenv("COLUMNS")) : NULL, *out;

	(void)state;
	unsetenv("COLUMNS");
	out = run_report("table", &rep, true);
	assert_null(strstr(out, EVIL_TITLE2_TAIL));          /* cut at 60 */
	assert_non_null(strstr(out, "..."));
	free(out);
	setenv("COLUMNS", "2000", 1);
	out = run_report("table", &rep, true);
	assert_non_null(strstr(out, EVIL_TITLE2_TAIL));      /* room for all of it */
	free(out);
	setenv("COLUMNS", "1", 1);                           /* narrower than the rest: 10 */
	out = run_report("table", &rep, true);
	assert_null(strstr(out, " bad bytes"));
	assert_non_null(strstr(out, "CVE-2024-0001"));       /* other columns are never cut */
	free(out);
	if (saved)
		setenv("COLUMNS", saved, 1);
	else
		unsetenv("COLUMNS");
	free(saved);
	lb_inventory_free(inv);
}

/* The result of the SARIF run whose ruleId is id and whose location is
 * uri, or NULL. */
static json_t *
sarif_result(json_t *run, const char *id, const char *uri)
{
	json_t *results = json_object_get(run, "results");

	for (size_t i = 0; i < json_array_size(results); i++) {
		json_t *r = json_array_get(results, i);
		json_t *loc = json_object_get(json_array_get(json_object_get(r, "locations"), 0),
		    "physicalLocation");

		if (strcmp(jstr(r, "ruleId"), id) == 0 &&
		    strcmp(jstr(json_object_get(loc, "artifactLocation"), "uri"), uri) == 0)
			return r;
	}
	return NULL;
}

/* SARIF as GitHub code scanning reads it: a rule per ID with descriptions,
 * help and security-severity in the band of lifebelt's severity, results
 * that point at their rule, a location in the image and unique
 * fingerprints. Expected values worked out by hand from vuln_inventory. */
static void
test_sarif(void **state)
{
	struct lb_inventory *inv = vuln_inventory();
	json_t *doc, *run, *rules, *results, *r, *rule, *props;
	char *out;

	(void)state;
	out = run_writer("sarif", &inv, 1, 0);
	doc = parse(out);
	assert_string_equal(jstr(doc, "version"), "2.1.0");
	run = json_array_get(json_object_get(doc, "runs"), 0);
	rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
	results = json_object_get(run, "results");
	assert_int_equal(json_array_size(rules), 5);
	assert_int_equal(json_array_size(results), 5);
	for (size_t i = 0; i < json_array_size(results); i++) {
		json_t *res = json_array_get(results, i);
		json_t *ru = json_array_get(rules, (size_t)json_integer_value(json_object_get(res,
		    "ruleIndex")));
		json_t *region = json_object_get(json_object_get(json_array_get(json_object_get(res,
		    "locations"), 0), "physicalLocation"), "region");

		assert_string_equal(jstr(ru, "id"), jstr(res, "ruleId"));
		assert_int_equal(json_integer_value(json_object_get(region, "startLine")), 1);
		assert_non_null(jstr(json_object_get(res, "partialFingerprints"), "lifebelt/v1"));
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(jstr(json_object_get(res, "partialFingerprints"),
			    "lifebelt/v1"), jstr(json_object_get(json_array_get(results, k),
			    "partialFingerprints"), "lifebelt/v1"));
		assert_non_null(jstr(json_object_get(ru, "help"), "text"));
		assert_non_null(jstr(json_object_get(ru, "help"), "markdown"));
		assert_non_null(jstr(json_object_get(ru, "shortDescription"), "text"));
		assert_non_null(jstr(json_object_get(ru, "fullDescription"), "text"));
	}
	/* CRITICAL with CVSS 9.8: error, the score itself */
	r = sarif_result(run, "CVE-2019-14697", "lib/apk/db/installed");
	assert_non_null(r);
	assert_string_equal(jstr(r, "level"), "error");
	rule = json_array_get(rules, (size_t)json_integer_value(json_object_get(r, "ruleIndex")));
	props = json_object_get(rule, "properties");
	assert_string_equal(jstr(props, "security-severity"), "9.8");
	assert_string_equal(jstr(rule, "helpUri"), MUSL_URL);
	/* the feed's title is Markdown-escaped: no raw bracket or HTML survives */
	assert_null(strstr(jstr(json_object_get(rule, "help"), "markdown"), "<"));
	/* HIGH (vendor) with a CVSS of 5.3 outside the band: the band's middle */
	r = sarif_result(run, "CVE-2024-0001", "lib/apk/db/installed");
	assert_non_null(r);
	assert_string_equal(jstr(r, "level"), "error");
	rule = json_array_get(rules, (size_t)json_integer_value(json_object_get(r, "ruleIndex")));
	assert_string_equal(jstr(json_object_get(rule, "properties"), "security-severity"), "8.0");
	assert_null(json_object_get(rule, "helpUri"));     /* the URL has a space */
	/* LOW, in the second database's path */
	r = sarif_result(run, "CVE-2023-9999", "usr/lib/apk/db/installed");
	assert_non_null(r);
	assert_string_equal(jstr(r, "level"), "note");
	rule = json_array_get(rules, (size_t)json_integer_value(json_object_get(r, "ruleIndex")));
	assert_string_equal(jstr(json_object_get(rule, "properties"), "security-severity"), "2.0");
	/* a severity nobody normalised: unknown, no security-severity */
	r = sarif_result(run, "PYSEC-2020-1", "lib/apk/db/installed");
	assert_non_null(r);
	rule = json_array_get(rules, (size_t)json_integer_value(json_object_get(r, "ruleIndex")));
	assert_null(json_object_get(json_object_get(rule, "properties"), "security-severity"));
	r = sarif_result(run, "GHSA-long-long-long", "lib/apk/db/installed");
	assert_non_null(r);
	assert_string_equal(jstr(r, "level"), "warning");
	json_decref(doc);
	free(out);
	lb_inventory_free(inv);
}

/* SPDX 2.3: the image, its OS and every package, a purl reference for each
 * package that has one, DESCRIBES and CONTAINS relationships, unique IDs. */
static void
test_spdx(void **state)
{
	struct lb_inventory *inv = vuln_inventory();
	json_t *doc, *pkgs, *rels;
	size_t describes = 0, contains = 0, purls = 0, want_purls = 0;
	char *out;

	(void)state;
	out = run_writer("spdx-json", &inv, 1, 0);
	doc = parse(out);
	assert_string_equal(jstr(doc, "spdxVersion"), "SPDX-2.3");
	assert_string_equal(jstr(doc, "SPDXID"), "SPDXRef-DOCUMENT");
	assert_true(strncmp(jstr(doc, "documentNamespace"), "https://", 8) == 0);
	assert_string_equal(jstr(json_object_get(doc, "creationInfo"), "created"), CREATED);
	pkgs = json_object_get(doc, "packages");
	rels = json_object_get(doc, "relationships");
	assert_int_equal(json_array_size(pkgs), inv->npkgs + 2);
	for (size_t i = 0; i < inv->npkgs; i++)
		want_purls += inv->pkgs[i].purl != NULL;
	for (size_t i = 0; i < json_array_size(pkgs); i++) {
		json_t *p = json_array_get(pkgs, i), *refs = json_object_get(p, "externalRefs");

		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(jstr(p, "SPDXID"),
			    jstr(json_array_get(pkgs, k), "SPDXID"));
		if (refs) {
			assert_string_equal(jstr(json_array_get(refs, 0), "referenceType"), "purl");
			assert_true(strncmp(jstr(json_array_get(refs, 0), "referenceLocator"), "pkg:", 4) == 0);
			purls++;
		}
	}
	assert_int_equal(purls, want_purls);
	for (size_t i = 0; i < json_array_size(rels); i++) {
		const char *t = jstr(json_array_get(rels, i), "relationshipType");

		describes += strcmp(t, "DESCRIBES") == 0;
		contains += strcmp(t, "CONTAINS") == 0;
	}
	assert_int_equal(describes, 1);
	assert_int_equal(contains, inv->npkgs + 1);
	assert_string_equal(jstr(json_array_get(pkgs, 1), "primaryPackagePurpose"), "OPERATING_SYSTEM");
	assert_string_equal(jstr(json_array_get(pkgs, 1), "name"), "alpine");
	json_decref(doc);
	free(out);
	lb_inventory_free(inv);
}

/* OpenVEX: one statement per finding with a purl, affected ones with an
 * action, the feed's "not affected" with an impact statement, unique
 * aliases without the ID itself. */
static void
test_openvex(void **state)
{
	struct lb_inventory *inv = vuln_inventory();
	json_t *doc, *sts;
	size_t seen = 0;
	char *out;

	(void)state;
	out = run_writer("openvex", &inv, 1, 0);
	doc = parse(out);
	assert_string_equal(jstr(doc, "@context"), "https://openvex.dev/ns/v0.2.0");
	assert_true(strncmp(jstr(doc, "@id"), "urn:uuid:", 9) == 0);
	assert_string_equal(jstr(doc, "timestamp"), CREATED);
	sts = json_object_get(doc, "statements");
	/* five findings, all on packages with a purl */
	assert_int_equal(json_array_size(sts), 5);
	for (size_t i = 0; i < json_array_size(sts); i++) {
		json_t *st = json_array_get(sts, i), *v = json_object_get(st, "vulnerability");
		const char *id = jstr(v, "name"), *status = jstr(st, "status");

		assert_true(strncmp(jstr(json_array_get(json_object_get(st, "products"), 0), "@id"),
		    "pkg:apk/", 8) == 0);
		if (strcmp(id, "CVE-2019-14697") == 0) {
			json_t *al = json_object_get(v, "aliases");

			seen++;
			assert_string_equal(status, "affected");
			assert_string_equal(jstr(st, "action_statement"), "Upgrade musl to 1.1.18-r4 or later");
			assert_int_equal(json_array_size(al), 2);   /* GHSA and ALPINE; not 5, not itself */
			assert_string_equal(json_string_value(json_array_get(al, 0)), "GHSA-aaaa-bbbb-cccc");
			assert_string_equal(json_string_value(json_array_get(al, 1)), "ALPINE-13661");
		} else if (strcmp(id, "PYSEC-2020-1") == 0) {
			seen++;
			assert_string_equal(status, "not_affected");
			assert_non_null(strstr(jstr(st, "impact_statement"), "not affected"));
		} else if (strcmp(id, "CVE-2023-9999") == 0) {
			seen++;
			assert_string_equal(status, "affected");
			assert_non_null(strstr(jstr(st, "action_statement"), "will not fix"));
		} else {
			assert_string_equal(status, "affected");
			assert_non_null(jstr(st, "action_statement"));
		}
	}
	assert_int_equal(seen, 3);
	json_decref(doc);
	free(out);
	lb_inventory_free(inv);
}

/* Exceptions over vuln_inventory: an ignore entry (CVE-2023-9999), an
 * expired and a stale one, and a VEX statement with a hostile impact
 * statement (PYSEC-2020-1); applied to inv. */
static struct lb_policy *
policy(struct lb_inventory *inv)
{
	static const char ign[] = "CVE-2023-9999\nCVE-0000-1 exp:2000-01-01\nCVE-0000-2\n"
	    "CVE-0000-3 exp:2025-01-11\n";
	static const char vexdoc[] = "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": ["
	    "{\"vulnerability\": {\"name\": \"PYSEC-2020-1\"}, \"status\": \"not_affected\","
	    " \"justification\": \"vulnerable_code_not_present\","
	    " \"impact_statement\": \"evil \\u001b[2J\\u202e text\","
	    " \"products\": [{\"@id\": \"pkg:apk/alpine/dup\"}]}]}";
	struct lb_policy *pol = lb_policy_new("2025-01-01");
	char *err = NULL;

	assert_int_equal(lb_policy_parse_plain(pol, "ign\x1b[0m", ign, strlen(ign), &err), 0);
	assert_int_equal(lb_policy_parse_vex(pol, "v.json", vexdoc, strlen(vexdoc), &err), 0);
	lb_policy_apply(pol, inv);
	return pol;
}

/* Set-aside findings: out of vulnerabilities, into suppressed with their
 * reason; in OpenVEX with the VEX status and justification; every entry
 * in exceptions with its state. */
static void
test_policy_reports(void **state)
{
	struct lb_inventory *inv = vuln_inventory();
	struct lb_policy *pol = policy(inv);
	struct lb_report rep = { .tool_version = "9.9.9", .created = CREATED, .results = &inv,
		.nresults = 1, .policy = pol };
	json_t *doc, *res, *sup, *exc, *sts;
	char *out;
	size_t nvex = 0;

	(void)state;
	assert_int_equal(inv->nfindings, 3);
	assert_int_equal(inv->nsuppressed, 2);
	out = run_report("json", &rep, false);
	doc = parse(out);
	res = json_array_get(json_object_get(doc, "results"), 0);
	assert_int_equal(json_array_size(json_object_get(res, "vulnerabilities")), 3);
	sup = json_object_get(res, "suppressed");
	assert_int_equal(json_array_size(sup), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *f = json_array_get(sup, i), *why = json_object_get(f, "suppression");

		if (strcmp(jstr(f, "id"), "CVE-2023-9999") == 0) {
			assert_string_equal(jstr(why, "kind"), "ignore");
			assert_string_equal(jstr(why, "status"), "ignored");
			assert_string_equal(jstr(why, "source"), "ign\x1b[0m:1");
		} else {
			assert_string_equal(jstr(f, "id"), "PYSEC-2020-1");
			assert_string_equal(jstr(why, "kind"), "vex");
			assert_string_equal(jstr(why, "justification"), "vulnerable_code_not_present");
		}
	}
	exc = json_object_get(doc, "exceptions");
	assert_int_equal(json_array_size(exc), 5);
	assert_string_equal(jstr(json_array_get(exc, 0), "state"), "applied");
	assert_string_equal(jstr(json_array_get(exc, 1), "state"), "expired");
	assert_string_equal(jstr(json_array_get(exc, 2), "state"), "stale");
	assert_string_equal(jstr(json_array_get(exc, 3), "state"), "stale");
	assert_string_equal(jstr(json_array_get(exc, 4), "state"), "applied");
	json_decref(doc);
	free(out);

	out = run_report("openvex", &rep, false);
	doc = parse(out);
	sts = json_object_get(doc, "statements");
	assert_int_equal(json_array_size(sts), 5);
	for (size_t i = 0; i < json_array_size(sts); i++) {
		json_t *st = json_array_get(sts, i);
		const char *id = jstr(json_object_get(st, "vulnerability"), "name");

		if (strcmp(id, "PYSEC-2020-1") == 0) {
			nvex++;
			assert_string_equal(jstr(st, "status"), "not_affected");
			assert_string_equal(jstr(st, "justification"), "vulnerable_code_not_present");
		} else if (strcmp(id, "CVE-2023-9999") == 0) {
			assert_string_equal(jstr(st, "status"), "affected");
			assert_non_null(strstr(jstr(st, "action_statement"), "accepted by the exception"));
		}
	}
	assert_int_equal(nvex, 1);
	json_decref(doc);
	free(out);

	/* the table: the count set aside, and the entries that did not apply,
	 * with the hostile file name made safe */
	out = run_report("table", &rep, true);
	assert_non_null(strstr(out, "Set aside: 2 (ignore: 1, vex: 1)"));
	assert_non_null(strstr(out, "expired"));
	assert_non_null(strstr(out, "CVE-0000-2"));
	/* today is 2025-01-01 in policy(): ten days left */
	assert_non_null(strstr(out, "Exceptions expiring within 30 days:"));
	assert_non_null(strstr(out, "CVE-0000-3  ign?[0m:4  expires 2025-01-11 (in 10 days)"));
	assert_null(strchr(out, '\x1b'));
	free(out);
	lb_policy_free(pol);
	lb_inventory_free(inv);
}

/* LBT_REPORT_DUMP=DIR: writes report-<tag>.<format> files for the schema
 * test: without a database ("one", "multi", "none"), and matched against
 * one, with findings ("vulns", "vulns-multi") and without ("clean"). */
static int
dump(const char *dir)
{
	static const char *const formats[] = { "json", "cyclonedx", "table", "sarif", "spdx-json",
		"openvex" };
	struct lb_inventory *hostile = hostile_inventory(), *empty = empty_inventory();
	struct lb_inventory *vulns = vuln_inventory(), *clean = clean_inventory();
	struct lb_inventory *policed = vuln_inventory();
	struct lb_policy *pol = policy(policed);
	const struct { struct lb_inventory *inv[2]; size_t n; int files; const char *tag; } variants[] = {
		{ { hostile, empty }, 1, 0, "one" },
		{ { hostile, empty }, 2, 1, "multi" },
		{ { NULL, NULL }, 0, 0, "none" },
		{ { vulns, NULL }, 1, 0, "vulns" },
		{ { vulns, clean }, 2, 1, "vulns-multi" },
		{ { clean, NULL }, 1, 0, "clean" },
		{ { policed, NULL }, 1, 0, "vulns-policy" },
	};
	struct lb_ctx cx;
	int bad = 0;

	lbt_ctx(&cx);
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		struct lb_inventory *res[2] = { variants[v].inv[0], variants[v].inv[1] };
		struct lb_report rep = { .tool_version = "9.9.9", .created = CREATED,
			.results = res, .nresults = variants[v].n, .with_files = variants[v].files,
			.with_packages = variants[v].files, .policy = res[0] == policed ? pol : NULL };

		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
			char path[4096];
			FILE *f;

			snprintf(path, sizeof(path), "%s/report-%s.%s", dir, variants[v].tag, formats[i]);
			if (!(f = fopen(path, "w"))) {
				fprintf(stderr, "t_report: cannot write '%s'\n", path);
				bad = 1;
				continue;
			}
			if (lb_writer_find(formats[i])->write(&cx, &rep, f) < 0)
				bad = 1;
			if (fclose(f) != 0)
				bad = 1;
		}
	}
	lb_ctx_release(&cx);
	lb_inventory_free(hostile);
	lb_inventory_free(empty);
	lb_inventory_free(vulns);
	lb_inventory_free(clean);
	lb_inventory_free(policed);
	lb_policy_free(pol);
	return bad;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writers),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_cyclonedx),
		cmocka_unit_test(test_json_vulns),
		cmocka_unit_test(test_table_vulns),
		cmocka_unit_test(test_table_color),
		cmocka_unit_test(test_cyclonedx_vulns),
		cmocka_unit_test(test_table_width),
		cmocka_unit_test(test_policy_reports),
		cmocka_unit_test(test_sarif),
		cmocka_unit_test(test_spdx),
		cmocka_unit_test(test_openvex),
	};

	if (getenv("LBT_REPORT_DUMP"))
		return dump(getenv("LBT_REPORT_DUMP"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
