/* t_an_java.c - Java archives (pom.properties, MANIFEST.MF, nested and
 * shaded jars, file names), pom.xml and gradle.lockfile, from the real
 * fixtures in shared/testdata/pkgdb/java and from zips built here. */
#include "lbtest.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyzer.h"
#include "analyze/inventory.h"
#include "analyze/purl.h"
#include "base/lb_alloc.h"
#include "base/lb_buf.h"
#include "io/istream.h"

static const struct lb_analyzer_ops *
analyzer(const char *name)
{
	for (size_t i = 0; lb_analyzers[i]; i++)
		if (strcmp(lb_analyzers[i]->name, name) == 0)
			return lb_analyzers[i];
	fail_msg("no analyzer '%s'", name);
	return NULL;
}

struct run {
	struct lb_inventory *inv;
	struct lb_ctx cx;
	char *lines;        /* sorted "name version [db_path] [declared]" lines */
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
run_mem(struct run *r, const char *path, const void *data, size_t len)
{
	struct lb_file f;
	struct lb_istream *is = lb_is_mem(data, len);
	struct lb_buf b = LB_BUF_INIT(1u << 24);
	char **l;

	memset(&f, 0, sizeof(f));
	f.path = path;
	f.real_size = len;
	f.mode = 0100644;
	f.type = LB_FT_REG;
	r->inv = lb_inventory_new();
	lbt_ctx(&r->cx);
	assert_int_equal(analyzer("java")->scan_file(&r->cx, &f, is, r->inv), 0);
	lb_is_close(is);
	l = lb_xcalloc(r->inv->npkgs + 1, sizeof(*l));
	for (size_t i = 0; i < r->inv->npkgs; i++) {
		const struct lb_pkg *p = &r->inv->pkgs[i];
		assert_string_equal(p->type, "maven");
		l[i] = lb_xasprintf("%s %s%s%s%s", p->name, p->version, p->db_path ? " " : "",
		    p->db_path ? p->db_path : "", p->declared ? " declared" : "");
	}
	qsort(l, r->inv->npkgs, sizeof(*l), cmp_str);
	for (size_t i = 0; i < r->inv->npkgs; i++) {
		lb_buf_addf(&b, "%s%s", i ? "\n" : "", l[i]);
		free(l[i]);
	}
	free(l);
	r->lines = lb_buf_detach(&b, NULL);
}

static void
run_fixture(struct run *r, const char *path, const char *rel)
{
	size_t len;
	char *data = lbt_slurp(lbt_testdata(rel), &len);

	run_mem(r, path, data, len);
	free(data);
}

static void
run_release(struct run *r)
{
	lb_inventory_free(r->inv);
	lb_ctx_release(&r->cx);
	free(r->lines);
}

static void
assert_warnings(const struct run *r, size_t n, const char *what)
{
	if (r->cx.nwarn != n)
		fail_msg("%zu warnings, not %zu (%s)", r->cx.nwarn, n, r->cx.nkept ? r->cx.warnings[0] : "");
	if (n && !strstr(r->cx.warnings[0], what))
		fail_msg("warning '%s' does not say '%s'", r->cx.warnings[0], what);
}

/* The digest of the package named name, or NULL. */
static const char *
digest_of(const struct run *r, const char *name)
{
	for (size_t i = 0; i < r->inv->npkgs; i++)
		if (strcmp(r->inv->pkgs[i].name, name) == 0)
			return r->inv->pkgs[i].digest;
	fail_msg("no package '%s'", name);
	return NULL;
}

/* "sha1:HEX" of len bytes, in one go (static buffer). */
static const char *
sha1_hex(const void *data, size_t len)
{
	static char out[5 + 2 * SHA_DIGEST_LENGTH + 1];
	unsigned char md[SHA_DIGEST_LENGTH];

	SHA1(data, len, md);
	memcpy(out, "sha1:", 5);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out + 5 + 2 * i, 3, "%02x", md[i]);
	return out;
}

/* --- zips built here, with libarchive's writer --------------------------- */

struct zip {
	struct archive *a;
	uint8_t *buf;
	size_t cap, used;
};

static void
zip_begin(struct zip *z, bool store)
{
	z->cap = 64u << 20;
	z->buf = lb_xmalloc(z->cap);
	z->used = 0;
	z->a = archive_write_new();
	assert_int_equal(archive_write_set_format_zip(z->a), ARCHIVE_OK);
	archive_write_set_options(z->a, store ? "zip:compression=store" : "zip:compression=deflate");
	assert_int_equal(archive_write_open_memory(z->a, z->buf, z->cap, &z->used), ARCHIVE_OK);
}

static void
zip_add(struct zip *z, const char *name, const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	assert_int_equal(archive_write_header(z->a, e), ARCHIVE_OK);
	if (len)
		assert_int_equal(archive_write_data(z->a, data, len), (la_ssize_t)len);
	archive_entry_free(e);
}

static void
zip_adds(struct zip *z, const char *name, const char *text)
{
	zip_add(z, name, text, strlen(text));
}

/* Finishes the zip; the caller frees the returned bytes. */
static uint8_t *
zip_end(struct zip *z, size_t *len)
{
	assert_int_equal(archive_write_close(z->a), ARCHIVE_OK);
	archive_write_free(z->a);
	*len = z->used;
	return z->buf;
}

static uint8_t *
one_file_zip(const char *name, const char *text, size_t *len)
{
	struct zip z;

	zip_begin(&z, false);
	zip_adds(&z, name, text);
	return zip_end(&z, len);
}

/* --- real archives ----------------------------------------------------- */

/* pkgdb/README.md: the war's 7 libraries plus the web app itself */
static void
t_war(void **state)
{
	struct run r;

	(void)state;
	LBT_NEED_TESTDATA();
	run_fixture(&r, "srv/app.war", "pkgdb/java/trivy-test.war");
	assert_string_equal(r.lines,
	    "com.cronutils:cron-utils 9.1.2 srv/app.war!/WEB-INF/lib/cron-utils-9.1.2.jar\n"
	    "com.example:web-app 1.0-SNAPSHOT\n"
	    "com.fasterxml.jackson.core:jackson-annotations 2.9.10 srv/app.war!/WEB-INF/lib/jackson-annotations-2.9.10.jar\n"
	    "com.fasterxml.jackson.core:jackson-core 2.9.10 srv/app.war!/WEB-INF/lib/jackson-core-2.9.10.jar\n"
	    "com.fasterxml.jackson.core:jackson-databind 2.9.10.6 srv/app.war!/WEB-INF/lib/jackson-databind-2.9.10.6.jar\n"
	    "org.apache.commons:commons-lang3 3.11 srv/app.war!/WEB-INF/lib/commons-lang3-3.11.jar\n"
	    "org.glassfish:javax.el 3.0.0 srv/app.war!/WEB-INF/lib/javax.el-3.0.0.jar\n"
	    "org.slf4j:slf4j-api 1.7.30 srv/app.war!/WEB-INF/lib/slf4j-api-1.7.30.jar");
	assert_warnings(&r, 0, NULL);
	for (size_t i = 0; i < r.inv->npkgs; i++)
		if (strcmp(r.inv->pkgs[i].name, "com.fasterxml.jackson.core:jackson-databind") == 0) {
			char *purl = lb_purl_for_pkg(&r.inv->pkgs[i], NULL);
			assert_string_equal(purl, "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10.6");
			free(purl);
		}
	run_release(&r);
}

static void
t_par_jar(void **state)
{
	struct run r;

	(void)state;
	LBT_NEED_TESTDATA();
	run_fixture(&r, "opt/test.par", "pkgdb/java/trivy-test.par");
	assert_string_equal(r.lines,
	    "com.example:par-app 3.0.0\n"
	    "com.fasterxml.jackson.core:jackson-core 2.9.10 opt/test.par!/lib/jackson-core-2.9.10.jar");
	assert_warnings(&r, 0, NULL);
	run_release(&r);

	/* no pom.properties: MANIFEST.MF names it, GraalVM's native-image
	 * folder gives the group */
	run_fixture(&r, "opt/test.jar", "pkgdb/java/trivy-test.jar");
	assert_string_equal(r.lines, "org.apache.tomcat.embed:tomcat-embed-websocket 9.0.65");
	assert_warnings(&r, 0, NULL);
	run_release(&r);
}

/* osv-scalibr's archive fixtures */
static void
t_scalibr(void **state)
{
	static const struct { const char *file, *lines; size_t warnings; const char *why; } cases[] = {
		{ "simple.jar", "com.some.package:package-name 1.2.3", 0, NULL },
		{ "guava-31.1-jre.jar", "com.google.guava:guava 31.1-jre", 0, NULL },
		{ "complex.jar", "com.some.anotherpackage:another-package-name 3.2.1 lib/complex.jar!/BOOT-INF/lib/inner.jar\n"
		    "com.some.package:package-name 1.2.3", 0, NULL },
		{ "nested_at_10.jar", "com.some.package:package-name 1.2.3 lib/nested_at_10.jar!/nested.jar!/nested.jar!/"
		    "nested.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar", 0, NULL },
		{ "nested_at_100.jar", "", 1, "nested too deeply" },
		{ "empty.jar", "", 0, NULL },
		{ "invalid_jar.jar", "", 1, "'lib/invalid_jar.jar'" },
		{ "not_jar", "", 1, "'lib/not_jar'" },
		{ "no_pom_properties.jar", "", 0, NULL },
		{ "pom_missing_group_id.jar", "", 0, NULL },
		/* the file name is the fallback */
		{ "no_pom_properties-2.4.0.jar", "no_pom_properties 2.4.0", 0, NULL },
		{ "pom_missing_group_id-2.4.0.jar", "pom_missing_group_id 2.4.0", 0, NULL },
		{ "org.eclipse.sisu.inject-0.3.5.jar", "org.eclipse.sisu.inject 0.3.5", 0, NULL },
		{ "com.google.src.yolo-0.1.2.jar", "com.google.src.yolo 0.1.2", 0, NULL },
	};

	(void)state;
	LBT_NEED_TESTDATA();
	{
		/* a zero-byte placeholder: nothing, without a word */
		struct run r;
		run_mem(&r, "lib/placeholder.jar", "", 0);
		assert_string_equal(r.lines, "");
		assert_warnings(&r, 0, NULL);
		run_release(&r);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *rel = lb_xasprintf("pkgdb/java/scalibr-archive/%s", cases[i].file);
		char *path = lb_xasprintf("lib/%s", cases[i].file);
		struct run r;

		run_fixture(&r, path, rel);
		if (strcmp(r.lines, cases[i].lines) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", cases[i].file, r.lines, cases[i].lines);
		assert_warnings(&r, cases[i].warnings, cases[i].why);
		run_release(&r);
		free(rel);
		free(path);
	}
}

/* MANIFEST.MF alone (osv-scalibr's manifest fixtures, zipped here) */
static void
t_manifests(void **state)
{
	static const struct { const char *dir, *file, *lines; } cases[] = {
		{ "invalid-ids", "x.jar", "correct.name 1.2.3" },
		{ "known-group-id", "x.jar", "spring-web 5.3.26" },
		{ "manifest-no-group-id", "x.jar", "" },
		{ "manifest-symbolicname", "x.jar", "" },
		{ "manifest-implementation-title", "x.jar", "" },
		{ "axis", "x.jar", "" },
		{ "axis", "axis-1.4.jar", "axis 1.4" },
		{ "combine-manifest-filename", "x.jar", "org.apache.ivy 2.4.0" },
		{ "combine-manifest-filename", "ivy-2.4.0.jar", "ivy 2.4.0" },
	};

	(void)state;
	LBT_NEED_TESTDATA();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *rel = lb_xasprintf("pkgdb/java/scalibr-archive/%s/MANIFEST.MF", cases[i].dir);
		size_t mlen, zlen;
		char *mf = lbt_slurp(lbt_testdata(rel), &mlen);
		uint8_t *zip = one_file_zip("META-INF/MANIFEST.MF", mf, &zlen);
		struct run r;

		run_mem(&r, cases[i].file, zip, zlen);
		if (strcmp(r.lines, cases[i].lines) != 0)
			fail_msg("%s as %s: got\n%s\nwant\n%s", cases[i].dir, cases[i].file, r.lines, cases[i].lines);
		assert_warnings(&r, 0, NULL);
		run_release(&r);
		free(zip);
		free(mf);
		free(rel);
	}
}

/* a Jenkins plugin, CRLF and continuation lines, the main section only */
static void
t_manifest_syntax(void **state)
{
	struct run r;
	size_t len;
	uint8_t *zip = one_file_zip("META-INF/MANIFEST.MF",
	    "Manifest-Version: 1.0\r\nGroup-Id: org.jenkins-ci.plu\r\n gins\r\nShort-Name: git\r\n"
	    "Plugin-Version: 4.11.0\r\n\r\nName: x\r\nImplementation-Title: other\r\n", &len);

	(void)state;
	run_mem(&r, "var/jenkins_home/plugins/git.jpi", zip, len);
	assert_string_equal(r.lines, "org.jenkins-ci.plugins:git 4.11.0");
	run_release(&r);
	free(zip);

	/* a later section's title does not count; a version must start with a digit */
	zip = one_file_zip("META-INF/MANIFEST.MF",
	    "Bundle-Version: snapshot\nSpecification-Version: 2.0 final\n\nImplementation-Title: late\n"
	    "Implementation-Version: 9\nBundle-Name: early\n", &len);
	run_mem(&r, "x.jar", zip, len);
	assert_string_equal(r.lines, "");
	run_release(&r);
	free(zip);
	zip = one_file_zip("META-INF/MANIFEST.MF",
	    "Bundle-Version: snapshot\nSpecification-Version: 2.0 final\nBundle-Name: early\n", &len);
	run_mem(&r, "x.jar", zip, len);
	assert_string_equal(r.lines, "early 2.0");
	run_release(&r);
	free(zip);
}

/* java.util.Properties syntax in pom.properties */
static void
t_properties_syntax(void **state)
{
	struct run r;
	size_t len;
	uint8_t *zip = one_file_zip("META-INF/maven/x/y/pom.properties",
	    "#Generated by Maven\n! other comment\n  groupId = com.ex\\\n     ample\r\n"
	    "artifactId:my\\u002dlib\nversion\t1.0\\:beta\nextra\n", &len);

	(void)state;
	run_mem(&r, "x.jar", zip, len);
	assert_string_equal(r.lines, "com.example:my-lib 1.0:beta");
	run_release(&r);
	free(zip);

	/* values that cannot be Maven coordinates */
	zip = one_file_zip("pom.properties", "groupId=com example\nartifactId=a\nversion=1\n", &len);
	run_mem(&r, "x.jar", zip, len);
	assert_string_equal(r.lines, "");
	assert_warnings(&r, 0, NULL);
	run_release(&r);
	free(zip);
	zip = one_file_zip("pom.properties", "groupId=g\nartifactId=a\nversion=${project.version}\n", &len);
	run_mem(&r, "x.jar", zip, len);
	assert_string_equal(r.lines, "");
	run_release(&r);
	free(zip);
}

/* shaded jars: several pom.properties; the file's own one stops the
 * manifest and file-name fallbacks */
static void
t_shaded(void **state)
{
	struct zip z;
	struct run r;
	uint8_t *zip;
	size_t len;

	(void)state;
	zip_begin(&z, false);
	zip_adds(&z, "META-INF/MANIFEST.MF", "Implementation-Title: my-service\nImplementation-Version: 1.0.0\n");
	zip_adds(&z, "META-INF/maven/com.acme/my-service/pom.properties", "groupId=com.acme\nartifactId=my-service\nversion=1.0.0\n");
	zip_adds(&z, "META-INF/maven/com.google.guava/guava/pom.properties", "groupId=com.google.guava\nartifactId=guava\nversion=32.0.0-jre\n");
	zip_adds(&z, "META-INF/maven/org.yaml/snakeyaml/pom.properties", "groupId=org.yaml\nartifactId=snakeyaml\nversion=1.33\n");
	zip_adds(&z, "META-INF/maven/org.yaml/snakeyaml/pom.properties", "groupId=org.yaml\nartifactId=snakeyaml\nversion=1.33\n");
	zip_adds(&z, "com/acme/Main.class", "\xca\xfe\xba\xbe");
	zip = zip_end(&z, &len);
	run_mem(&r, "app/service.jar", zip, len);
	assert_string_equal(r.lines, "com.acme:my-service 1.0.0\ncom.google.guava:guava 32.0.0-jre\norg.yaml:snakeyaml 1.33");
	run_release(&r);

	/* the same bytes named after an artifact of their own */
	run_mem(&r, "app/tool-2.0.jar", zip, len);
	assert_string_equal(r.lines, "com.acme:my-service 1.0.0\ncom.google.guava:guava 32.0.0-jre\n"
	    "org.yaml:snakeyaml 1.33\ntool 2.0");
	run_release(&r);
	/* ... or after one of its pom.properties (log4j-1.2-api-2.19.0.jar) */
	run_mem(&r, "app/my-service-1.0.0.jar", zip, len);
	assert_string_equal(r.lines, "com.acme:my-service 1.0.0\ncom.google.guava:guava 32.0.0-jre\norg.yaml:snakeyaml 1.33");
	/* the archive's SHA-1 goes to the package that is the archive */
	assert_string_equal(digest_of(&r, "com.acme:my-service"), sha1_hex(zip, len));
	assert_null(digest_of(&r, "com.google.guava:guava"));
	assert_null(digest_of(&r, "org.yaml:snakeyaml"));
	run_release(&r);
	run_mem(&r, "app/tool-2.0.jar", zip, len);
	assert_string_equal(digest_of(&r, "tool"), sha1_hex(zip, len));
	assert_null(digest_of(&r, "com.acme:my-service"));
	run_release(&r);
	/* a name that says nothing, and several packages: none is the archive */
	run_mem(&r, "app/service.jar", zip, len);
	for (size_t i = 0; i < r.inv->npkgs; i++)
		assert_null(r.inv->pkgs[i].digest);
	run_release(&r);
	free(zip);
}

/* nested archives, stored and deflated, written with data descriptors */
static void
t_nested(void **state)
{
	struct zip z;
	struct run r;
	uint8_t *inner, *mid, *outer;
	size_t ilen, mlen, olen;

	(void)state;
	inner = one_file_zip("META-INF/maven/org.x/inner/pom.properties",
	    "groupId=org.x\nartifactId=inner\nversion=0.1\n", &ilen);
	zip_begin(&z, true);
	zip_add(&z, "BOOT-INF/lib/inner-0.1.jar", inner, ilen);
	zip_adds(&z, "META-INF/maven/org.x/mid/pom.properties", "groupId=org.x\nartifactId=mid\nversion=0.2\n");
	mid = zip_end(&z, &mlen);
	zip_begin(&z, false);
	zip_adds(&z, "index.html", "<html>");
	zip_add(&z, "WEB-INF/lib/mid-0.2.jar", mid, mlen);
	zip_add(&z, "WEB-INF/lib/broken.jar", "PK\003\004 not really", 15);
	zip_add(&z, "WEB-INF/lib/again-0.1.jar", inner, ilen);
	outer = zip_end(&z, &olen);
	run_mem(&r, "srv/site.ear", outer, olen);
	assert_string_equal(r.lines,
	    "org.x:inner 0.1 srv/site.ear!/WEB-INF/lib/again-0.1.jar\n"
	    "org.x:inner 0.1 srv/site.ear!/WEB-INF/lib/mid-0.2.jar!/BOOT-INF/lib/inner-0.1.jar\n"
	    "org.x:mid 0.2 srv/site.ear!/WEB-INF/lib/mid-0.2.jar");
	/* the broken member is named, and the archive goes on after it */
	assert_warnings(&r, 1, "'srv/site.ear!/WEB-INF/lib/broken.jar'");
	run_release(&r);

	/* an executable jar: a launch script before the zip */
	{
		size_t n = strlen("#!/bin/bash\nexec java -jar \"$0\" \"$@\"\n");
		uint8_t *exe = lb_xmalloc(n + olen);

		memcpy(exe, "#!/bin/bash\nexec java -jar \"$0\" \"$@\"\n", n);
		memcpy(exe + n, outer, olen);
		run_mem(&r, "srv/site.ear", exe, n + olen);
		assert_int_equal(r.inv->npkgs, 3);
		run_release(&r);
		free(exe);
	}

	/* cut short: what was read before the cut stays, with one warning */
	{
		const uint8_t *again = memmem(outer, olen, "WEB-INF/lib/again-0.1.jar", 25);
		assert_non_null(again);
		run_mem(&r, "srv/site.ear", outer, (size_t)(again - outer) + 25 + ilen / 2);
	}
	assert_string_equal(r.lines,
	    "again 0.1 srv/site.ear!/WEB-INF/lib/again-0.1.jar\n"
	    "org.x:inner 0.1 srv/site.ear!/WEB-INF/lib/mid-0.2.jar!/BOOT-INF/lib/inner-0.1.jar\n"
	    "org.x:mid 0.2 srv/site.ear!/WEB-INF/lib/mid-0.2.jar");
	/* one warning per file: the broken member came first */
	assert_warnings(&r, 1, "'srv/site.ear!/WEB-INF/lib/broken.jar'");
	run_release(&r);
	free(inner);
	free(mid);
	free(outer);
}

/* bit writer for the bomb below (RFC 1951: Huffman codes MSB first) */
struct bits {
	uint8_t *p;
	size_t n;
	unsigned acc, nacc;
};

static void
put_bits(struct bits *b, unsigned v, unsigned n, bool huff)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned bit = huff ? (v >> (n - 1 - i)) & 1 : (v >> i) & 1;
		b->acc |= bit << b->nacc;
		if (++b->nacc == 8) {
			b->p[b->n++] = (uint8_t)b->acc;
			b->acc = 0;
			b->nacc = 0;
		}
	}
}

/* A member whose size is only in a data descriptor, inflating to more
 * than 1 GiB of zeros: the reader must stop at its cap with a warning. */
static void
t_bomb(void **state)
{
	size_t units = (1200u << 20) / 2064 + 1, o = 0;
	struct bits bw = { lb_xmalloc(64 + 13 * (units + 2)), 0, 0, 0 };
	uint8_t *zip = lb_xmalloc(13 * (units + 2) + 4096);
	struct run r;

	(void)state;
	put_bits(&bw, 1, 1, false);          /* BFINAL */
	put_bits(&bw, 1, 2, false);          /* fixed Huffman */
	put_bits(&bw, 0x30, 8, true);        /* literal 0 */
	for (size_t i = 0; i < 8 * units; i++) {
		put_bits(&bw, 0xc5, 8, true);    /* length 258 */
		put_bits(&bw, 0, 5, true);       /* distance 1 */
	}
	put_bits(&bw, 0, 7, true);           /* end of block */
	put_bits(&bw, 0, 7, false);
	memcpy(zip, "PK\003\004\x14\x00\x08\x00\x08\x00\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x07\x00\0\0", 30);
	o = 30;
	/* a nested archive is read, so inflated: up to the cap, after the
	 * warning that it is no zip */
	memcpy(zip + o, "big.jar", 7);
	o += 7;
	memcpy(zip + o, bw.p, bw.n);
	o += bw.n;
	memcpy(zip + o, "PK\007\010\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	o += 16;
	run_mem(&r, "srv/bomb.jar", zip, o);
	assert_string_equal(r.lines, "");
	assert_warnings(&r, 1, "'srv/bomb.jar!/big.jar'");
	run_release(&r);
	/* a member that is not read is never inflated: its end is found by
	 * its data descriptor, which here does not match (sizes of 0) */
	memcpy(zip + 30, "big.bin", 7);
	run_mem(&r, "srv/bomb.jar", zip, o);
	assert_string_equal(r.lines, "");
	assert_warnings(&r, 1, "data descriptor");
	run_release(&r);
	free(bw.p);
	free(zip);
}

/* Members that are not read never reach libarchive: what the reader still
 * takes from them (native-image folders, the entry count) must not change. */
static void
t_skipped_members(void **state)
{
	static const size_t n = 1000001;     /* one over JAVA_MAX_ENTRIES */
	struct zip z;
	struct run r;
	uint8_t *zip;
	size_t len;

	(void)state;
	zip_begin(&z, false);
	zip_adds(&z, "org/apache/Main.class", "\xca\xfe\xba\xbe");
	zip_adds(&z, "META-INF/native-image/org.apache.tomcat.embed/tomcat-embed-core/reflect-config.json", "[]");
	zip_adds(&z, "META-INF/native-image/org.other/other/reflect-config.json", "[]");
	zip_adds(&z, "META-INF/MANIFEST.MF", "Implementation-Title: tomcat-embed-core\nImplementation-Version: 9.0.1\n");
	zip_adds(&z, "org/apache/Other.class", "\xca\xfe\xba\xbe");
	zip = zip_end(&z, &len);
	run_mem(&r, "opt/app.jar", zip, len);
	assert_string_equal(r.lines, "org.apache.tomcat.embed:tomcat-embed-core 9.0.1");
	assert_warnings(&r, 0, NULL);
	run_release(&r);
	free(zip);

	/* a million and one empty members: the cap counts them all */
	zip = lb_xcalloc(n, 31);
	for (size_t i = 0; i < n; i++) {
		memcpy(zip + 31 * i, "PK\003\004\x0a", 5);
		zip[31 * i + 26] = 1;            /* name length */
		zip[31 * i + 30] = 'a';
	}
	run_mem(&r, "opt/many.jar", zip, 31 * n);
	assert_string_equal(r.lines, "");
	assert_warnings(&r, 1, "too many archive members");
	run_release(&r);
	free(zip);
}

/* --- declared: pom.xml, gradle.lockfile -------------------------------- */

static void
t_pom_xml(void **state)
{
	static const char pom[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!DOCTYPE project>\n"
	    "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
	    "  <modelVersion>4.0.0</modelVersion>\n"
	    "  <parent><groupId>com.acme</groupId><artifactId>parent</artifactId><version>7</version></parent>\n"
	    "  <artifactId>shop</artifactId>\n"
	    "  <version>${revision}</version>\n"
	    "  <properties>\n"
	    "    <revision>2.1.0</revision>\n"
	    "    <jackson.version>2.15.2</jackson.version>\n"
	    "    <slf4j>${slf4j.base}.7</slf4j><slf4j.base>2.0</slf4j.base>\n"
	    "  </properties>\n"
	    "  <!-- <dependency><groupId>no</groupId></dependency> -->\n"
	    "  <dependencyManagement><dependencies><dependency>\n"
	    "    <groupId>managed</groupId><artifactId>only</artifactId><version>1</version>\n"
	    "  </dependency></dependencies></dependencyManagement>\n"
	    "  <dependencies>\n"
	    "    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId>\n"
	    "      <version>${jackson.version}</version></dependency>\n"
	    "    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>${slf4j}</version>\n"
	    "      <scope>runtime</scope></dependency>\n"
	    "    <dependency><groupId>${project.groupId}</groupId><artifactId>shop-core</artifactId>\n"
	    "      <version>${project.version}</version></dependency>\n"
	    "    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version>\n"
	    "      <scope>test</scope></dependency>\n"
	    "    <dependency><groupId>org.from.bom</groupId><artifactId>no-version</artifactId></dependency>\n"
	    "    <dependency><groupId>a.range</groupId><artifactId>r</artifactId><version>[1.0,2.0)</version></dependency>\n"
	    "    <dependency><groupId>un.known</groupId><artifactId>u</artifactId><version>${nope}</version></dependency>\n"
	    "    <dependency><groupId>amp</groupId><artifactId>a</artifactId><version>1&amp;2</version></dependency>\n"
	    "    <dependency><groupId><![CDATA[x]]></groupId><artifactId>c</artifactId><version>1</version></dependency>\n"
	    "    <dependency/>\n"
	    "  </dependencies>\n"
	    "  <build><plugins><plugin><groupId>org.apache.maven.plugins</groupId>\n"
	    "    <artifactId>maven-jar-plugin</artifactId><version>3.3.0</version></plugin></plugins></build>\n"
	    "</project>\n";
	struct run r;

	(void)state;
	run_mem(&r, "src/shop/pom.xml", pom, sizeof(pom) - 1);
	assert_string_equal(r.lines,
	    "amp:a 1&2 declared\n"
	    "com.acme:shop 2.1.0 declared\n"
	    "com.acme:shop-core 2.1.0 declared\n"
	    "com.fasterxml.jackson.core:jackson-databind 2.15.2 declared\n"
	    "org.slf4j:slf4j-api 2.0.7 declared");
	assert_warnings(&r, 0, NULL);
	run_release(&r);

	/* broken XML: what was read stays, with one warning naming the file */
	run_mem(&r, "src/shop/pom.xml", pom, 900);
	assert_string_equal(r.lines, "com.acme:shop 2.1.0 declared\n"
	    "com.fasterxml.jackson.core:jackson-databind 2.15.2 declared");
	assert_warnings(&r, 1, "'src/shop/pom.xml'");
	run_release(&r);
	run_mem(&r, "pom.xml", "<project><a></b></project>", 26);
	assert_warnings(&r, 1, "malformed XML");
	run_release(&r);
}

static void
t_gradle_lock(void **state)
{
	static const char lock[] =
	    "# This is a Gradle generated file for dependency locking.\n"
	    "# Manual edits can break the build and are not advised.\n"
	    "# This file is expected to be part of source control.\n"
	    "com.google.guava:guava:31.1-jre=compileClasspath,runtimeClasspath\n"
	    "com.google.guava:failureaccess:1.0.1=runtimeClasspath\r\n"
	    "org.junit:junit-bom:5.9.1=testCompileClasspath\n"
	    "not a coordinate\n"
	    "empty=annotationProcessor\n";
	struct run r;

	(void)state;
	run_mem(&r, "app/gradle.lockfile", lock, sizeof(lock) - 1);
	assert_string_equal(r.lines,
	    "com.google.guava:failureaccess 1.0.1 declared\n"
	    "com.google.guava:guava 31.1-jre declared\n"
	    "org.junit:junit-bom 5.9.1 declared");
	assert_warnings(&r, 1, "line 7");
	run_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_war),
		cmocka_unit_test(t_par_jar),
		cmocka_unit_test(t_scalibr),
		cmocka_unit_test(t_manifests),
		cmocka_unit_test(t_manifest_syntax),
		cmocka_unit_test(t_properties_syntax),
		cmocka_unit_test(t_shaded),
		cmocka_unit_test(t_nested),
		cmocka_unit_test(t_bomb),
		cmocka_unit_test(t_skipped_members),
		cmocka_unit_test(t_pom_xml),
		cmocka_unit_test(t_gradle_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
