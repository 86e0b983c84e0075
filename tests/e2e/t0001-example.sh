#!/bin/bash
# t0001-example: the bundled example image (examples/alpine-3.7.tar) scans
# offline from a clone alone (no ../shared), in every output format; the
# basic command-line contract (exit codes, -o, the scratch folder).
. "$(dirname "$0")/lib.sh"

EX=$LB_SRCDIR/examples/alpine-3.7.tar
[ -f "$EX" ] || bail "the example image '$EX' is missing"
[ -x "$LIFEBELT" ] || bail "no lifebelt binary at '$LIFEBELT'"
mkdir -p "$T/tmp"
export TMPDIR=$T/tmp

# --- json -------------------------------------------------------------
lb image --input "$EX" --format json
check_rc "json scan of the example" 0
cp "$T/out" "$T/example.json"
J=$T/example.json
check_json "one result" 'len(r)' 1 "$J"
check_json "schemaVersion is set" 'isinstance(d["schemaVersion"], str) and d["schemaVersion"] != ""' true "$J"
check_json "tool name" 'd["tool"]["name"]' lifebelt "$J"
check_json "createdAt is RFC 3339 UTC" \
	'__import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["createdAt"]) is not None' true "$J"
check_json "source kind" 'r[0]["source"]["kind"]' docker-archive "$J"
check_json "source ref (RepoTags)" 'r[0]["source"]["ref"]' lifebelt/example:alpine-3.7.3 "$J"
check_json "image id = config digest" 'r[0]["source"]["imageId"]' \
	sha256:9077ff27876b7ebc610fb3f6154a2befc331c137b3187400511b151d45c4afab "$J"
check_json "platform" 'r[0]["source"]["platform"]' linux/amd64 "$J"
check_json "not partial" 'r[0]["partial"]' false "$J"
check_json "no warnings" 'len(r[0]["warnings"])' 0 "$J"
check_json "os family" 'r[0]["os"]["family"]' alpine "$J"
check_json "os version" 'r[0]["os"]["version"]' 3.7.3 "$J"
check_json "os name" 'r[0]["os"]["name"]' "Alpine Linux v3.7" "$J"
check_json "two layers" 'len(r[0]["layers"])' 2 "$J"
check_json "layer diff IDs (verified)" '[l["diffId"] for l in r[0]["layers"]]' \
	"sha256:40eb10dcc1ae739970db4927452885ed681b25fe412acb57e75e49e908b62bd3
sha256:3af438d9ba67a1883f2d6e4e5f0f8cc7d6e369c5f9d8dc4e538438156ebe92c1" "$J"
check_json "layer created_by from the history" '[l["createdBy"] for l in r[0]["layers"]]' \
	"ADD alpine-minirootfs-3.7.3-x86_64.tar.gz /
COPY executable_gobinary /usr/local/bin/gobinary" "$J"
check_json "layer indexes" '[l["index"] for l in r[0]["layers"]]' "0
1" "$J"
check_json "13 apk packages, 5 Go modules" \
	'sorted("%s %d" % (t, sum(1 for p in r[0]["packages"] if p["type"] == t)) for t in set(p["type"] for p in r[0]["packages"]))' \
	"apk 13
golang 5" "$J"
pkg_lines "$J" >"$T/pkgs.txt"
check_same "package names and versions" "$LB_SRCDIR/tests/e2e/expect/t0001-example.packages.txt" "$T/pkgs.txt"
check_json "apk packages: from lib/apk/db/installed, layer #0, x86_64" \
	'sorted(set("%s #%s %s" % (p["dbPath"], p["layer"], p["arch"]) for p in r[0]["packages"] if p["type"] == "apk"))' \
	"lib/apk/db/installed #0 x86_64" "$J"
check_json "Go modules: from usr/local/bin/gobinary, layer #1" \
	'sorted(set("%s #%s" % (p["dbPath"], p["layer"]) for p in r[0]["packages"] if p["type"] == "golang"))' \
	"usr/local/bin/gobinary #1" "$J"
check_json "Go: the main module, stdlib and the dependencies (Trivy's test expectations)" \
	'sorted(p["purl"] for p in r[0]["packages"] if p["type"] == "golang")' \
	"pkg:golang/github.com/aquasecurity/go-pep440-version@v0.0.0-20210121094942-22b2f8951d46
pkg:golang/github.com/aquasecurity/go-version@v0.0.0-20210121072130-637058cfe492
pkg:golang/github.com/aquasecurity/test@%28devel%29
pkg:golang/golang.org/x/xerrors@v0.0.0-20200804184101-5ec99f83aff1
pkg:golang/stdlib@v1.15.2" "$J"
check_json "origin as source: libc-utils <- libc-dev" \
	'[p["sourceName"] for p in r[0]["packages"] if p["name"] == "libc-utils"]' libc-dev "$J"
check_json "origin as source: ssl_client <- busybox" \
	'[p["sourceName"] for p in r[0]["packages"] if p["name"] == "ssl_client"]' busybox "$J"
check_json "no source when origin = name (musl)" \
	'[p["sourceName"] for p in r[0]["packages"] if p["name"] == "musl"]' null "$J"
check_json "license (apk L:)" '[p["license"] for p in r[0]["packages"] if p["name"] == "musl-utils"]' "MIT BSD GPL2+" "$J"
check_json "purl of busybox" '[p["purl"] for p in r[0]["packages"] if p["name"] == "busybox"][0].split("?")[0]' \
	pkg:apk/alpine/busybox@1.27.2-r11 "$J"
bad=$(purl_check "$J")
check_eq "every purl parses back to type/name/version/arch" "" "$bad"
check_json "file counts (apk R: lines)" \
	'sorted(p["name"] + "=" + str(p["fileCount"]) for p in r[0]["packages"] if p["name"] in ("busybox", "libc-utils", "alpine-baselayout"))' \
	"alpine-baselayout=26
busybox=6
libc-utils=0" "$J"
check_json "no file lists without --list-files" 'any("files" in p for p in r[0]["packages"])' false "$J"

lb image --input "$EX" --format json --list-files
check_rc "json with --list-files" 0
check_json "busybox owns bin/busybox" \
	'"bin/busybox" in [p for p in r[0]["packages"] if p["name"] == "busybox"][0]["files"]' true
check_json "musl owns lib/ld-musl-x86_64.so.1" \
	'"lib/ld-musl-x86_64.so.1" in [p for p in r[0]["packages"] if p["name"] == "musl"][0]["files"]' true
check_json "fileCount = len(files)" 'all(p["fileCount"] == len(p["files"]) for p in r[0]["packages"])' true
check_json "file paths are relative" 'any(f.startswith("/") for p in r[0]["packages"] for f in p["files"])' false

# --- cyclonedx --------------------------------------------------------
lb image --input "$EX" --format cyclonedx
check_rc "cyclonedx scan" 0
cp "$T/out" "$T/example.cdx.json"
C=$T/example.cdx.json
check_json "bomFormat" 'd["bomFormat"]' CycloneDX "$C"
check_json "specVersion" 'd["specVersion"]' 1.6 "$C"
check_json "serialNumber is a urn:uuid" \
	'__import__("re").fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", d["serialNumber"]) is not None' true "$C"
check_json "13 apk library components with a purl" \
	'len([c for c in d["components"] if c["type"] == "library" and c.get("purl", "").startswith("pkg:apk/alpine/")])' 13 "$C"
check_json "5 Go library components" \
	'len([c for c in d["components"] if c["type"] == "library" and c.get("purl", "").startswith("pkg:golang/")])' 5 "$C"
jq_py 'sorted(c["purl"] for c in d["components"] if "purl" in c)' "$C" >"$T/cdx-purls"
jq_py 'sorted(p["purl"] for p in r[0]["packages"])' "$J" >"$T/json-purls"
check_same "cyclonedx purls = json purls" "$T/json-purls" "$T/cdx-purls"
check_json "bom-refs are unique" \
	'len(set(c["bom-ref"] for c in d["components"])) == len(d["components"])' true "$C"
if [ -d "$LB_TESTDATA/schemas" ] && command -v node >/dev/null 2>&1 &&
	[ -d "$LB_SRCDIR/tests/tools/node_modules/ajv" ]; then
	S=$LB_TESTDATA/schemas
	if node "$LB_SRCDIR/tests/tools/validate-schema.js" "$S/bom-1.6.schema.json" \
		"$S/spdx.schema.json" "$S/jsf-0.82.schema.json" "$C" >"$T/ajv.log" 2>&1; then
		pass "cyclonedx validates against bom-1.6.schema.json"
	else
		fail "cyclonedx validates against bom-1.6.schema.json" "$(head -30 "$T/ajv.log")"
	fi
else
	say "schema validation not run (needs node, tests/tools/node_modules and ../shared)"
fi

# --- table ------------------------------------------------------------
lb image --input "$EX"
check_rc "table scan (the default format)" 0
check_grep "table names the OS" 'Alpine Linux v3\.7 \(3\.7\.3\)' "$T/out"
check_grep "table counts the packages" '^Packages: +18$' "$T/out"
check_grep "table lists busybox with version and layer" '^busybox +1\.27\.2-r11 +x86_64 .*#0' "$T/out"
check_grep "table lists libc-utils with its origin" '^libc-utils +0\.7\.1-r0 +x86_64 +libc-dev ' "$T/out"
n=$(grep -cE '^[a-z0-9._+-]+ +[0-9][^ ]* +x86_64 ' "$T/out")
check_eq "table has one row per apk package" 13 "$n"
check_grep "table lists stdlib in layer #1" '^stdlib +v1\.15\.2 .*#1$' "$T/out"
check_eq "nothing on stderr" "" "$(cat "$T/err")"
lb image --input "$EX" --format table
cp "$T/out" "$T/table2"
lb image --input "$EX"
check_same "--format table is the default" "$T/table2" "$T/out"

# --- the README's command, with the default scanners ---------------------
# (no vulnerability database here: the inventory is listed all the same)
mkdir -p "$T/home"
LB_SCANNERS=default XDG_CACHE_HOME=$T/home/cache lb image --input "$EX"
check_rc "the README's command (default scanners, no database)" 0
check_grep "... lists the packages" '^busybox +1\.27\.2-r11 +x86_64 ' "$T/out"
check_grep "... counts them" '^Packages: +18$' "$T/out"
check_no_grep "... and writes nothing but its warnings to stderr" '^lifebelt: (error|[^w])' "$T/err"
check_eq "... nor anything in the cache folder" "" "$(ls -A "$T/home")"

# --- -o ---------------------------------------------------------------
mkdir "$T/o"
lb image --input "$EX" --format json -o "$T/o/report.json"
check_rc "-o FILE" 0
check_eq "-o: nothing on stdout" "" "$(cat "$T/out")"
check_json "-o FILE holds the report" 'len(r[0]["packages"])' 18 "$T/o/report.json"
check_eq "-o leaves only the report behind" report.json "$(ls -A "$T/o")"
lb image --input "$EX" --format cyclonedx --output "$T/o/report.json"
check_json "-o replaces an existing file" 'd["bomFormat"]' CycloneDX "$T/o/report.json"
lb image --input "$EX" -o "$T/o/missing-dir/r.txt"
case $LB_RC in
73|74) pass "-o into a missing folder is an output error (exit $LB_RC)" ;;
*) fail "-o into a missing folder is an output error" "expected exit 73 or 74 (cannot create output), got $LB_RC: $(cat "$T/err")" ;;
esac
check_grep "-o error names the file" "missing-dir/r\.txt" "$T/err"
mkdir "$T/o2"
cd "$T/o2"
lb image --input "$EX" --format json -o -
cd - >/dev/null
check_rc "-o -" 0
check_json "-o - writes the report to stdout" 'len(r[0]["packages"])' 18 "$T/out"
check_eq "-o - creates no file named -" "" "$(ls -A "$T/o2")"

# --- rootfs of nothing, usage, missing input ---------------------------
lb --version
check_rc "--version" 0
check_grep "--version prints the version" '^lifebelt [0-9]+\.[0-9]+\.[0-9]+' "$T/out"
lb --help
check_rc "--help" 0
check_grep "--help shows usage" 'lifebelt image --input' "$T/out"
lb
check_rc "no command is a usage error" 64
lb image
check_rc "image without --input" 64
lb frobnicate
check_rc "unknown command" 64
lb image --input "$EX" --format xml
check_rc "unknown format" 64
check_grep "unknown format lists the formats" 'table.*json.*cyclonedx' "$T/err"
lb image --input "$EX" --no-such-option
check_rc "unknown option" 64
lb image --input "$T/does-not-exist.tar"
check_rc "missing input" 66
check_grep "missing input is named" 'does-not-exist\.tar' "$T/err"
lb rootfs "$T/no-such-dir"
check_rc "rootfs of a missing folder" 66

# --- the scratch folder -----------------------------------------------
check_eq "the scratch folder is gone after the scans" "" "$(ls -A "$T/tmp")"
gzip -c "$EX" >"$T/example.tar.gz"
lb image --input "$T/example.tar.gz" --format json
check_rc "a gzip-compressed docker archive" 0
check_json "... gives the same packages" 'len(r[0]["packages"])' 18
check_eq "... and its scratch copy is removed" "" "$(ls -A "$T/tmp")"
head -c 1000000 "$T/example.tar.gz" >"$T/trunc.tar.gz"
lb image --input "$T/trunc.tar.gz"
check_rc "a truncated gzip archive is bad data" 65
check_eq "... and its scratch copy is removed" "" "$(ls -A "$T/tmp")"

# signals: an OCI layout whose one layer is a sparse 8 GiB tar keeps
# lifebelt hashing for seconds, long enough to kill it mid-run
"$PY" - "$T/big" <<'EOF'
import hashlib, json, os, sys, tarfile
root = sys.argv[1]
os.makedirs(root + "/blobs/sha256")
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(root + "/blobs/sha256/" + h, "wb").write(data)
    return "sha256:" + h, len(data)
ti = tarfile.TarInfo("big.bin")
ti.size = 8 << 30
hdr = ti.tobuf(format=tarfile.PAX_FORMAT)
fake = "sha256:" + "ab" * 32          # never checked: the scan is killed first
path = root + "/blobs/sha256/" + fake[7:]
with open(path, "wb") as f:
    f.write(hdr)
    f.truncate(len(hdr) + ti.size + 1024)   # zeros: the data and the end marker
cfg = blob(json.dumps({"architecture": "amd64", "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": [fake]}}).encode())
man = blob(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cfg[0], "size": cfg[1]},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": fake,
                "size": os.path.getsize(path)}]}).encode())
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": man[0], "size": man[1]}]}, open(root + "/index.json", "w"))
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
EOF
for sig in TERM INT; do
	lb_argv image --input "$T/big"
	"$LIFEBELT" "${LB_ARGV[@]}" >/dev/null 2>"$T/err.$sig" &
	pid=$!
	made=""
	for _ in $(seq 100); do
		made=$(ls -A "$T/tmp")
		[ -n "$made" ] && break
		sleep 0.05
	done
	sleep 0.3
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	check_eq "SIG$sig: a scratch folder existed while running" yes "$([ -n "$made" ] && echo yes)"
	case $sig in TERM) want=143 ;; INT) want=130 ;; esac
	check_eq "SIG$sig: exit status 128+signal, still running when killed" "$want" "$rc"
	check_eq "SIG$sig: the scratch folder is removed" "" "$(ls -A "$T/tmp")"
done

finish
