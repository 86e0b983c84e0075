#!/bin/bash
# t0720-java: Java packages in an image. Layer 0 holds Debian's real
# libcommons-lang3-java and libjackson2-core-java (.debs unpacked with
# their dpkg status and file lists, so their jars are owned by dpkg) and
# the pkgdb fixtures: Trivy's war (7 libraries plus the web app), par and
# jar (identity from MANIFEST.MF), osv-scalibr's nested jars (10 deep, and
# 100 deep: one warning) and a broken jar (one warning). Layer 1 is the
# application: a pom.xml and a gradle.lockfile (declared packages), an
# executable jar (the execute bit also interests the binary analyzer),
# and it deletes the par. Checks names, versions, purls, evidence paths
# with "!/" for nested archives, layers, the declared flag, the dpkg
# owner and the warnings.
#
# The Debian part needs `apt-get download`; without it that part is
# skipped, or fails when CI=true.
. "$(dirname "$0")/lib.sh"
skip_unless_shared

JV=$LB_TESTDATA/pkgdb/java
[ -f "$JV/trivy-test.war" ] || bail "missing $JV"
[ -x "$LIFEBELT" ] || bail "no lifebelt binary at '$LIFEBELT'"

L0=$T/base
L1=$T/app
mkdir -p "$L0/var/lib/dpkg/info" "$L0/opt/app" "$L0/opt/tomcat/lib" "$L0/opt/lib" "$L1/src/shop" "$L1/usr/local/bin"
: >"$L0/var/lib/dpkg/status"

# --- layer 0: Debian's lib*-java ------------------------------------------------
deb_unpack() {
	local deb=$1 pkg
	pkg=$(dpkg-deb -f "$deb" Package)
	dpkg-deb -x "$deb" "$L0"
	dpkg-deb -f "$deb" | awk 'NR == 1 { print; print "Status: install ok installed"; next } { print } END { print "" }' \
		>>"$L0/var/lib/dpkg/status"
	dpkg-deb -c "$deb" | awk '{ p = $6; sub(/^\./, "", p); sub(/\/$/, "", p); print (p == "" ? "/." : p) }' \
		>"$L0/var/lib/dpkg/info/$pkg.list"
}
DEBIAN=0
if command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then
	mkdir -p "$T/debs"
	if (cd "$T/debs" && apt-get download libcommons-lang3-java libjackson2-core-java >"$T/apt.log" 2>&1) &&
		ls "$T"/debs/libcommons-lang3-java_*.deb "$T"/debs/libjackson2-core-java_*.deb >/dev/null 2>&1; then
		for d in "$T"/debs/*.deb; do deb_unpack "$d"; done
		DEBIAN=1
	fi
fi
if [ "$DEBIAN" = 0 ]; then
	[ "${CI:-}" = true ] && bail "apt-get download libcommons-lang3-java libjackson2-core-java failed: $(tail -2 "$T/apt.log" 2>/dev/null)"
	say "SKIP the Debian part: apt-get download failed or is missing"
fi

# --- layer 0: the fixtures ------------------------------------------------------
cp "$JV/trivy-test.war" "$L0/opt/app/shop.war"
cp "$JV/trivy-test.par" "$L0/opt/app/legacy.par"
cp "$JV/trivy-test.jar" "$L0/opt/tomcat/lib/tomcat-websocket.jar"
cp "$JV/scalibr-archive/nested_at_10.jar" "$JV/scalibr-archive/nested_at_100.jar" \
	"$JV/scalibr-archive/invalid_jar.jar" "$JV/scalibr-archive/guava-31.1-jre.jar" "$L0/opt/lib/"

# --- layer 1: the application -------------------------------------------------
cat >"$L1/src/shop/pom.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>shop</artifactId>
  <version>1.0.0</version>
  <properties><jackson.version>2.15.2</jackson.version></properties>
  <dependencies>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
      <version>${jackson.version}</version>
    </dependency>
    <dependency>
      <groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope>
    </dependency>
  </dependencies>
</project>
EOF
cat >"$L1/src/shop/gradle.lockfile" <<'EOF'
# This is a Gradle generated file for dependency locking.
org.yaml:snakeyaml:1.33=compileClasspath,runtimeClasspath
empty=annotationProcessor
EOF
install -m 755 "$JV/scalibr-archive/guava-31.1-jre.jar" "$L1/usr/local/bin/guava.jar"

mkimage --layer "$L0" --layer "$L1" --delete opt/app/legacy.par --oci "$T/img"
lb image --input "$T/img" -f json
check_rc "scan" 0
J=$T/out

# "name version layer declared" of the maven packages whose evidence is PATH
maven_at() {
	jq_py "sorted('%s %s %s %s' % (p['name'], p['version'], p['layer'], p['declared']) for p in r[0]['packages'] if p['type'] == 'maven' and p['dbPath'] == '$1')" "$J"
}

W='opt/app/shop.war!/WEB-INF/lib'
check_eq "war: the web app itself" "com.example:web-app 1.0-SNAPSHOT 0 False" "$(maven_at opt/app/shop.war)"
check_json "war: its 7 libraries, each at its nested jar" \
	"sorted('%s %s %s' % (p['name'], p['version'], p['dbPath']) for p in r[0]['packages'] if p['dbPath'].startswith('$W/'))" \
"com.cronutils:cron-utils 9.1.2 $W/cron-utils-9.1.2.jar
com.fasterxml.jackson.core:jackson-annotations 2.9.10 $W/jackson-annotations-2.9.10.jar
com.fasterxml.jackson.core:jackson-core 2.9.10 $W/jackson-core-2.9.10.jar
com.fasterxml.jackson.core:jackson-databind 2.9.10.6 $W/jackson-databind-2.9.10.6.jar
org.apache.commons:commons-lang3 3.11 $W/commons-lang3-3.11.jar
org.glassfish:javax.el 3.0.0 $W/javax.el-3.0.0.jar
org.slf4j:slf4j-api 1.7.30 $W/slf4j-api-1.7.30.jar"
check_json "war: purl of a nested library" \
	"[p['purl'] for p in r[0]['packages'] if p['dbPath'] == '$W/jackson-databind-2.9.10.6.jar']" \
	"pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10.6"
check_eq "jar without pom.properties: MANIFEST.MF and its native-image folder" \
	"org.apache.tomcat.embed:tomcat-embed-websocket 9.0.65 0 False" "$(maven_at opt/tomcat/lib/tomcat-websocket.jar)"
check_eq "a jar 10 archives deep" "com.some.package:package-name 1.2.3 0 False" \
	"$(maven_at "opt/lib/nested_at_10.jar$(printf '!/nested.jar%.0s' 1 2 3 4 5 6 7 8 9)")"
check_eq "the deleted par is gone, with its nested jar" "" \
	"$(jq_py "[p['name'] for p in r[0]['packages'] if p['dbPath'].startswith('opt/app/legacy.par')]" "$J")"
check_eq "an executable jar" "com.google.guava:guava 31.1-jre 1 False" "$(maven_at usr/local/bin/guava.jar)"
check_eq "pom.xml: the project and its non-test dependency, declared" \
"com.example:shop 1.0.0 1 True
com.fasterxml.jackson.core:jackson-databind 2.15.2 1 True" "$(maven_at src/shop/pom.xml)"
check_eq "gradle.lockfile: declared" "org.yaml:snakeyaml 1.33 1 True" "$(maven_at src/shop/gradle.lockfile)"

check_json "two warnings: the 100-deep jar and the broken one" \
	"sorted(w.split(':')[0] for w in r[0]['warnings'])" \
"cannot read 'opt/lib/invalid_jar.jar'
cannot read 'opt/lib/nested_at_100.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar!/nested.jar'"
check_json "... and the report is partial" "r[0]['partial']" "true"
check_eq "purls parse back" "" "$(purl_check "$J")"

# the SHA-1 of each archive, nested ones read out of their parents with
# Python's zipfile: "dbPath ok" for every installed maven package whose
# digest is its archive's, "dbPath got DIGEST" otherwise
"$PY" - "$J" "$L1" "$L0" >"$T/sha1.got" <<'PYEOF'
import hashlib, io, json, os, sys, zipfile
d = json.load(open(sys.argv[1]))
def data(path):
    parts = path.split("!/")
    b = None
    for root in sys.argv[2:]:
        f = os.path.join(root, parts[0])
        if os.path.isfile(f):
            b = open(f, "rb").read()
            break
    for p in parts[1:]:
        b = zipfile.ZipFile(io.BytesIO(b)).read(p)
    return b
for p in sorted(d["results"][0]["packages"], key=lambda p: p["dbPath"]):
    if p["type"] == "maven" and not p["declared"]:
        want = "sha1:" + hashlib.sha1(data(p["dbPath"])).hexdigest()
        print(p["dbPath"], "ok" if p.get("digest") == want else "got %s" % p.get("digest"))
PYEOF
check_eq "every archive's package has the archive's SHA-1" "" "$(grep -v ' ok$' "$T/sha1.got")"
check_eq "... 12 archives: the war, its 7 libraries, the tomcat jar, the deep jar, guava twice" 12 \
	"$(grep -c -v '^usr/share/java/' "$T/sha1.got")"
# both reports with the digests against their JSON Schemas
if [ -f "$LB_SRCDIR/tests/tools/node_modules/ajv/package.json" ] && command -v node >/dev/null; then
	S=$LB_SRCDIR/tests/schemas
	cp "$J" "$T/report.json"
	lb image --input "$T/img" -f cyclonedx -o "$T/bom.json"
	if node "$LB_SRCDIR/tests/tools/validate-schema.js" "$S/bom-1.6.schema.json" "$S/spdx.schema.json" \
		"$S/jsf-0.82.schema.json" "$T/bom.json" >"$T/schema.log" 2>&1 &&
		node "$LB_SRCDIR/tests/tools/validate-schema.js" "$(ls "$LB_SRCDIR"/docs/lifebelt-report-*.schema.json | sort -V | tail -1)" \
		"$T/report.json" >>"$T/schema.log" 2>&1; then
		pass "the json and cyclonedx reports with SHA-1s are valid against their schemas"
	else
		fail "the json and cyclonedx reports with SHA-1s are valid against their schemas" "$(head -20 "$T/schema.log")"
	fi
elif [ "${CI:-}" = true ]; then
	fail "schema validation" "node or ajv (npm ci in tests/tools) is missing"
fi
lb image --input "$T/img" -f cyclonedx
check_json "cyclonedx: the jar's SHA-1 as a component hash" \
	"[c['hashes'] for c in d['components'] if c.get('purl') == 'pkg:maven/com.google.guava/guava@31.1-jre'][0]" \
	"$(sha1sum "$L1/usr/local/bin/guava.jar" | awk '{ printf "{\"alg\": \"SHA-1\", \"content\": \"%s\"}", $1 }')"
lb image --input "$T/img" -f json

if [ "$DEBIAN" = 1 ]; then
	# what the Debian jars say about themselves, read with Python's zipfile
	want=$("$PY" - "$L0/usr/share/java/commons-lang3.jar" "$L0/usr/share/java/jackson-core.jar" <<'EOF'
import sys, zipfile
for path in sys.argv[1:]:
    z = zipfile.ZipFile(path)
    for n in z.namelist():
        if n.endswith("/pom.properties"):
            kv = dict(l.split("=", 1) for l in z.read(n).decode().splitlines() if "=" in l and not l.startswith("#"))
            print("%s:%s %s" % (kv["groupId"], kv["artifactId"], kv["version"]))
EOF
)
	check_eq "Debian jars: what their pom.properties say" "$(echo "$want" | sort)" \
		"$(jq_py "sorted('%s %s' % (p['name'], p['version']) for p in r[0]['packages'] if p['dbPath'] in ('usr/share/java/commons-lang3.jar', 'usr/share/java/jackson-core.jar'))" "$J")"
	check_eq "Debian jars: owned by their packages" \
"deb:libcommons-lang3-java
deb:libjackson2-core-java" \
		"$(jq_py "sorted(set(p['owner'] for p in r[0]['packages'] if p['type'] == 'maven' and p['dbPath'].startswith('usr/share/java/')))" "$J")"
	check_json "the Debian packages themselves" \
		"sorted(p['name'] for p in r[0]['packages'] if p['type'] == 'deb')" \
"libcommons-lang3-java
libjackson2-core-java"
fi
check_json "fixture jars have no owner" \
	"sorted(set(str(p['owner']) for p in r[0]['packages'] if p['type'] == 'maven' and not p['dbPath'].startswith('usr/share/java/')))" "None"

finish
