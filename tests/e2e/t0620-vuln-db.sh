#!/bin/bash
# t0620-vuln-db: building, updating and opening the vulnerability database.
#
#  1. `db build` from every shared feed of a kind lifebelt reads (OSV JSON
#     of Go, crates.io and Ubuntu, OSV YAML of PyPI, Alpine secdb JSON and
#     YAML, Wolfi/Chainguard secdb, the Debian tracker's lists and JSON, NVD
#     2.0 pages, single CVEs and the 1.1 feed, CVE JSON 5) succeeds without
#     a warning, and `db info` shows per-source counts computed here from
#     the files themselves;
#  2. hostile feeds (malformed JSON and YAML, binary junk, wrong types,
#     giant strings, deep nesting, invalid versions, unknown fields,
#     withdrawn records) give one warning naming each bad record or file,
#     and the good records beside them still work in a scan;
#  3. a failing build (a missing source, an unwritable folder, SIGTERM or
#     SIGKILL in the middle) leaves an existing database byte-identical;
#  4. `db update` from a local HTTP server on 127.0.0.1 builds a database;
#     a 404, a refused connection, plain http to another host, a truncated
#     or a garbage feed leave the old one byte-identical and exit non-zero;
#  5. with no database, a scan lists the packages, says how to get one and
#     exits 0 (69 with --exit-code); a corrupt database is an error.
. "$(dirname "$0")/lib.sh"
LB_SCANNERS=default     # lib.sh's lb adds --scanners none unless told so
skip_unless_shared
need_cmd tar gzip sha256sum
[ -x /usr/bin/python3 ] || skip_or_fail "needs /usr/bin/python3"

V=$LB_TESTDATA/vulndb
[ -d "$V/osv-go" ] || bail "no shared vulnerability feeds in '$V'"
sha() { sha256sum "$1" | cut -d' ' -f1; }

ROOT=$T/alpine-3.7.3
mkdir -p "$ROOT"
tar -xzf "$LB_TESTDATA/rootfs/alpine/alpine-minirootfs-3.7.3-x86_64.tar.gz" -C "$ROOT" 2>/dev/null ||
	bail "cannot extract the 3.7.3 minirootfs"

# --- 1. every shared feed --------------------------------------------------------
ALL_SOURCES=(
	--source "osv:$V/osv-go" --source "osv:$V/osv-pypi" --source "osv:$V/osv-crates"
	--source "osv:$V/osv-ubuntu"
	--source "alpine-secdb:$V/alpine-secdb/json" --source "alpine-secdb:$V/alpine-secdb/vunnel-v3.15"
	--source "wolfi-secdb:$V/secdb-wolfi" --source "debian-tracker:$V/debian"
	--source "nvd:$V/nvd" --source "cve5:$V/cve"
)
t0=$(date +%s.%N)
lb db build "${ALL_SOURCES[@]}" -o "$T/all.db"
t1=$(date +%s.%N)
check_rc "db build from all the shared feeds" 0
say "built in $(awk "BEGIN { print $t1 - $t0 }") s, $(stat -c %s "$T/all.db") bytes"
# the real feeds hold a few fixed versions their ecosystem cannot order
# (Alpine "4.10-1-r1", "2.15.r-r1"): those, and only those, are warned about
check_eq "db build from all the shared feeds: every warning is about an invalid version" "" \
	"$(grep 'warning' "$T/err" | grep -vE 'is not a valid [a-z]* version; (entry|event) skipped' | grep -v 'records were skipped' || true)"
check_grep "db build says where it wrote" "wrote '$T/all.db'" "$T/err"
size=$(stat -c %s "$T/all.db")
if [ "$size" -gt 1000000 ] && [ "$size" -lt 20000000 ]; then
	pass "the database of all feeds is 1-20 MB ($size bytes)"
else
	fail "the database of all feeds is $size bytes, not 1-20 MB"
fi

# per-source counts, from the files: OSV one record a file; secdb one per
# ID in each secfixes entry (tests/e2e/vuln-ref.py's entry_ids: an entry
# "CVE-2019-5060 TALOS-2019-0844" is one, "CVE-A CVE-B" two); NVD one per
# CVE item; CVE 5 one a file
"$PY" - "$V" "$LB_SRCDIR/tests/e2e/vuln-ref.py" >"$T/want-counts" <<'EOF'
import glob, importlib.util, json, os, sys
import yaml
v = sys.argv[1]
spec = importlib.util.spec_from_file_location("ref", sys.argv[2])
ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
def n_files(d, pat):
    return len(glob.glob(os.path.join(v, d, "**", pat), recursive=True))
def secdb_entries(docs):
    return sum(len(ref.entry_ids(str(e))) for d in docs for p in (d.get("packages") or [])
               for ids in ((p.get("pkg") or {}).get("secfixes") or {}).values()
               for e in ([ids] if isinstance(ids, str) else ids or []))
print("osv", n_files("osv-go", "*.json"), os.path.join(v, "osv-go"))
print("osv", n_files("osv-pypi", "*.yaml"), os.path.join(v, "osv-pypi"))
print("osv", n_files("osv-crates", "*.json"), os.path.join(v, "osv-crates"))
print("osv", n_files("osv-ubuntu", "*.json"), os.path.join(v, "osv-ubuntu"))
print("alpine-secdb", secdb_entries(json.load(open(f)) for f in glob.glob(v + "/alpine-secdb/json/*/*.json")),
      os.path.join(v, "alpine-secdb/json"))
print("alpine-secdb", secdb_entries(yaml.load(open(f), Loader=yaml.BaseLoader)
      for f in glob.glob(v + "/alpine-secdb/vunnel-v3.15/*.yaml")), os.path.join(v, "alpine-secdb/vunnel-v3.15"))
print("wolfi-secdb", secdb_entries(json.load(open(f)) for f in glob.glob(v + "/secdb-wolfi/*.json")),
      os.path.join(v, "secdb-wolfi"))
n = 0
for f in glob.glob(v + "/nvd/**/*.json", recursive=True):
    d = json.load(open(f))
    n += len(d.get("vulnerabilities") or d.get("CVE_Items") or [])
print("nvd", n, os.path.join(v, "nvd"))
print("cve5", n_files("cve", "*.json"), os.path.join(v, "cve"))
EOF
[ -s "$T/want-counts" ] || bail "cannot count the feeds (python3-yaml missing?)"
lb db info --db "$T/all.db"
check_rc "db info of the database of all feeds" 0
awk '/^sources:/ { s = 1; next } s && NF == 3 && $1 != "debian-tracker" { print $1, $2, $3 }' "$T/out" >"$T/got-counts"
check_same "db info: per-source record counts = the files' own" "$T/want-counts" "$T/got-counts"
check_grep "db info: the Debian tracker source, with records" "^ +debian-tracker +[1-9][0-9]{4,} +$V/debian\$" "$T/out"
vulns=$(awk '/^vulnerabilities:/ { print $2 }' "$T/out")
if [ "${vulns:-0}" -gt 20000 ] && [ "$vulns" -lt 60000 ]; then
	pass "db info: $vulns vulnerabilities (aliases merged: fewer than the records)"
else
	fail "db info: vulnerabilities '$vulns' not in 20,000-60,000" "$(cat "$T/out")"
fi
check_grep "db info: schema version and build time" '^built: +20[0-9]{2}-[0-9]{2}-[0-9]{2}T' "$T/out"
# aliases merged: the Go record GO-2020-0015 aliases CVE-2020-14040, one vulnerability
lb rootfs "$ROOT" --db "$T/all.db" -f json
check_rc "the 3.7.3 root against the database of all feeds" 0
check_json "3.7.3 against all feeds: musl's CVE-2019-14697 once per package" \
	'sorted("%s %s %s" % (v["pkgName"], v["id"], v["fixedVersion"]) for v in r[0]["vulnerabilities"])' \
	"$(printf 'musl CVE-2019-14697 1.1.18-r4\nmusl-utils CVE-2019-14697 1.1.18-r4')"
lb db build --source "rustsec:$V/rustsec" -o "$T/x.db"
check_rc "rustsec is not a source kind (osv-crates carries the same advisories): usage error" 64

# --- 2. hostile feeds ------------------------------------------------------------
H=$T/hostile
mkdir -p "$H/osv" "$H/secdb/v3.7" "$H/deb" "$H/debtext/DSA" "$H/nvd" "$H/cve5"
cat >"$H/osv/good.json" <<'EOF'
{"id": "GHSA-good-0001-aaaa", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2099-0001"],
 "summary": "a valid record among broken ones", "x_unknown_field": {"nested": [1, 2, 3]},
 "affected": [{"package": {"ecosystem": "PyPI", "name": "goodpkg"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]}]}
EOF
printf '{"id": "BAD-MALFORMED-1", "affected": [' >"$H/osv/malformed.json"
echo '{"id": "BAD-TYPES-1", "modified": 12345, "aliases": "CVE-2099-0002", "affected": "everything"}' >"$H/osv/wrongtypes.json"
echo '{"id": 42, "affected": []}' >"$H/osv/idnumber.json"
printf 'id: BAD-YAML-1\naffected: [\n  - {package: \n' >"$H/osv/broken.yaml"
printf '\000\377\376 binary junk' >"$H/osv/junk.json"
"$PY" - "$H" <<'EOF'
import json, sys
h = sys.argv[1]
rng = lambda fixed: [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]
# a 20 MB summary (kept, cut to the title cap), a 100 KB id, 200,000-deep nesting
json.dump({"id": "BAD-GIANT-1", "summary": "A" * (20 << 20),
           "affected": [{"package": {"ecosystem": "PyPI", "name": "giant"}, "ranges": rng("1.0")}]},
          open(h + "/osv/giant.json", "w"))
json.dump({"id": "X" * 100000, "affected": []}, open(h + "/osv/giantid.json", "w"))
open(h + "/osv/deep.json", "w").write('{"id": "BAD-DEEP-1", "affected": ' + "[" * 200000 + "]" * 200000 + "}")
json.dump({"id": "BAD-VERSION-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "badver"},
           "ranges": rng("not a version!!")}]}, open(h + "/osv/badversion.json", "w"))
json.dump({"id": "BAD-WITHDRAWN-1", "withdrawn": "2024-01-01T00:00:00Z",
           "affected": [{"package": {"ecosystem": "PyPI", "name": "gone"}, "versions": ["1.0"]}]},
          open(h + "/osv/withdrawn.json", "w"))
# secdb: good musl entry (with two NVD-rated test IDs) among broken packages
json.dump({"distroversion": "v3.7", "reponame": "main", "packages": [
    {"pkg": {"name": "musl", "secfixes": {"1.1.18-r4": ["CVE-2019-14697", "CVE-2099-0020", "CVE-2099-0021"]}}},
    {"pkg": {"name": "badmap", "secfixes": ["1.0-r0"]}},
    {"pkg": {"name": "badver", "secfixes": {"not a version!!": ["CVE-2099-0003"]}}},
    {"pkg": {"name": "badids", "secfixes": {"1.0-r1": [42, {"x": 1}]}}},
    {"pkg": {"name": "giantid", "secfixes": {"1.0-r1": ["CVE-2099-0004 " + "Z" * (5 << 20)]}}},
    {"pkg": "not an object"},
    {"pkg": {"name": 7}},
]}, open(h + "/secdb/v3.7/main.json", "w"))
# Debian tracker JSON
json.dump({
    "goodsrc": {"CVE-2099-0010": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "1.0-2", "urgency": "low"}}}},
    "badstatus": {"CVE-2099-0011": {"releases": {"bookworm": {"status": "maybe", "urgency": "low"}}}},
    "badtypes": {"CVE-2099-0012": {"releases": {"bookworm": {"status": 5}}}, "CVE-2099-0013": "nope"},
    "badversion": {"CVE-2099-0014": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "!!bad version"}}}},
}, open(h + "/deb/tracker.json", "w"))
# a DSA list with a good entry, a garbage line and a 1 MB line
open(h + "/debtext/DSA/list", "w").write(
    "[01 Jan 2024] DSA-9999-1 goodsrc2 - security update\n\t{CVE-2099-0015}\n\t[bookworm] - goodsrc2 2.0-1+deb12u1\n"
    "this is not a tracker line\n"
    "[01 Jan 2024] DSA-9998-1 " + "g" * (1 << 20) + " - giant\n\t{CVE-2099-0016}\n"
    "\t[bookworm] - badversion2 !!bad\n")
# NVD: a wrong-typed score, a non-object, and a good rating
json.dump({"format": "NVD_CVE", "version": "2.0", "vulnerabilities": [
    {"cve": {"id": "CVE-2099-0020", "metrics": {"cvssMetricV31": [{"type": "Primary", "cvssData": {
        "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": "very high", "baseSeverity": 9}}]}}},
    {"cve": "not an object"},
    {"cve": {"id": "CVE-2099-0021", "metrics": {"cvssMetricV31": [{"type": "Primary", "cvssData": {
        "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL"}}]}}},
]}, open(h + "/nvd/page.json", "w"))
open(h + "/nvd/truncated.json", "w").write('{"format": "NVD_CVE", "vulnerabilities": [{"cve": {"id": "CVE-2099-0022"')
open(h + "/cve5/bad.json", "w").write('{"dataType": "CVE_RECORD", "cveMetadata": {"cveId": 12}, "containers": []}')
json.dump({"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2099-0023", "state": "PUBLISHED"},
           "containers": {"cna": {"metrics": [
               {"cvssV3_1": {"vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": "9.8"}},
               {"cvssV3_0": {"vectorString": 31, "baseScore": 9.8}}]}}}, open(h + "/cve5/score.json", "w"))
EOF
t0=$(date +%s)
lb db build --source "osv:$H/osv" --source "alpine-secdb:$H/secdb" --source "debian-tracker:$H/deb" \
	--source "debian-tracker:$H/debtext" --source "nvd:$H/nvd" --source "cve5:$H/cve5" -o "$T/hostile.db"
t1=$(date +%s)
check_rc "db build from hostile feeds still succeeds" 0
check_grep "db build from hostile feeds: says records were skipped" "wrote '$T/hostile.db' \(with warnings" "$T/err"
if [ $((t1 - t0)) -lt 60 ]; then pass "hostile feeds built in $((t1 - t0)) s"; else fail "hostile feeds took $((t1 - t0)) s"; fi
# one warning naming each bad record or file
for w in "'BAD-MALFORMED-1'|osv/malformed.json" "BAD-TYPES-1" "osv/idnumber.json" "osv/broken.yaml" \
	"osv/junk.json" "osv/giantid.json" "osv/deep.json" "BAD-VERSION-1" \
	"'badmap'" "'badver'" "'badids'" "packages\[5\]" "packages\[6\]" \
	"CVE-2099-0011" "CVE-2099-0012" "CVE-2099-0013" "CVE-2099-0014" \
	"nvd/page.json" "nvd/truncated.json" "cve5/bad.json"; do
	check_grep "hostile feeds: a warning names $w" "warning: .*($w)" "$T/err"
done
check_no_grep "hostile feeds: no warning about the good records" "GHSA-good|CVE-2099-0001|'musl'|goodsrc|CVE-2099-0021" "$T/err"
check_no_grep "hostile feeds: no warning about a merely unknown field" "x_unknown_field" "$T/err"
check_grep "hostile feeds: the giant and the bad lines of the DSA list are warned about" \
	"warning: .*(DSA-9998-1|ggggggggggg|badversion2|DSA/list)" "$T/err"
# wrong types in CVSS data: a warning naming the record and the field
check_grep "hostile feeds: NVD's string baseScore of CVE-2099-0020 is warned about" \
	"warning: .*CVE-2099-0020.*nvd/page.json.*cvssMetricV31\[0\]\.cvssData: baseScore is not a number" "$T/err"
check_grep "hostile feeds: CVE 5's string baseScore of CVE-2099-0023 is warned about" \
	"warning: .*CVE-2099-0023.*cve5/score.json.*cvssV3_1: baseScore is not a number" "$T/err"
check_grep "hostile feeds: CVE 5's numeric vectorString of CVE-2099-0023 is warned about" \
	"warning: .*CVE-2099-0023.*cve5/score.json.*cvssV3_0: vectorString is not a string" "$T/err"
hsize=$(stat -c %s "$T/hostile.db")
if [ "$hsize" -lt 1000000 ]; then pass "giant strings are not stored whole ($hsize bytes)"; else fail "hostile.db is $hsize bytes"; fi
lb db info --db "$T/hostile.db"
# kept: CVE-2099-0001 (GHSA-good), BAD-GIANT-1, CVE-2019-14697, CVE-2099-0020,
# CVE-2099-0021 (musl), CVE-2099-0010 (goodsrc), CVE-2099-0015 (goodsrc2);
# dropped: the withdrawn one, the invalid version, every broken record
check_grep "hostile feeds: the 7 good vulnerabilities are in the database" '^vulnerabilities: +7$' "$T/out"
# the good records work in scans
lb rootfs "$ROOT" --db "$T/hostile.db" -f json
check_rc "3.7.3 against the hostile-feeds database" 0
# CVE-2099-0020's string baseScore is ignored: its vector still rates it (9.8)
check_json "hostile feeds: musl's good entries match, rated by the NVD vectors" \
	'sorted("%s %s %s %s" % (v["pkgName"], v["id"], v["fixedVersion"], v["severity"]) for v in r[0]["vulnerabilities"] if v["pkgName"] == "musl")' \
	"$(printf 'musl CVE-2019-14697 1.1.18-r4 UNKNOWN\nmusl CVE-2099-0020 1.1.18-r4 CRITICAL\nmusl CVE-2099-0021 1.1.18-r4 CRITICAL')"
D=$T/bookworm
mkdir -p "$D/etc" "$D/var/lib/dpkg"
printf 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' >"$D/etc/os-release"
printf 'Package: goodbin\nStatus: install ok installed\nArchitecture: amd64\nSource: goodsrc\nVersion: 1.0-1\nDescription: x\n\nPackage: goodsrc2\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.0-1\nDescription: x\n\n' \
	>"$D/var/lib/dpkg/status"
lb rootfs "$D" --db "$T/hostile.db" -f json
check_json "hostile feeds: the good Debian JSON and DSA list records match" \
	'sorted("%s %s %s %s" % (v["pkgName"], v["id"], v["fixedVersion"], v["severity"]) for v in r[0]["vulnerabilities"])' \
	"$(printf 'goodbin CVE-2099-0010 1.0-2 LOW\ngoodsrc2 CVE-2099-0015 2.0-1+deb12u1 UNKNOWN')"

# --- 3. a failing build leaves the old database as it was -------------------------
K=$T/keep
mkdir -p "$K"
lb db build --source "alpine-secdb:$V/alpine-secdb/json/v3.7" -o "$K/lifebelt.db"
check_rc "build the database to keep" 0
before=$(sha "$K/lifebelt.db")
lb db build --source "osv:$T/no-such-folder" -o "$K/lifebelt.db"
if [ "$LB_RC" != 0 ]; then pass "a missing source path fails the build (exit $LB_RC)"; else fail "a missing source path: exit 0"; fi
check_grep "a missing source path is named" "no-such-folder" "$T/err"
check_eq "a missing source path: the database is byte-identical" "$before" "$(sha "$K/lifebelt.db")"
check_eq "a missing source path: nothing left beside it" "lifebelt.db" "$(ls -A "$K")"
lb db build --source "nvd:$V/nvd" --source "kernel:$V/nvd" -o "$K/lifebelt.db"
check_rc "an unknown source kind is a usage error" 64
check_eq "an unknown source kind: the database is byte-identical" "$before" "$(sha "$K/lifebelt.db")"

# an unwritable folder: root ignores modes, so make it immutable when the
# file system allows, else read-only for a user
unwritable=""
if [ "$(id -u)" = 0 ]; then
	if chattr +i "$K" 2>/dev/null; then
		unwritable=chattr
		trap 'chattr -i "$K" 2>/dev/null; _lb_cleanup' EXIT
	fi
else
	chmod 555 "$K" && unwritable=chmod
fi
if [ -n "$unwritable" ]; then
	lb db build --source "alpine-secdb:$V/alpine-secdb/json" -o "$K/lifebelt.db"
	if [ "$LB_RC" != 0 ]; then pass "an unwritable folder fails the build (exit $LB_RC)"; else fail "an unwritable folder: exit 0"; fi
	[ "$unwritable" = chattr ] && chattr -i "$K" || chmod 755 "$K"
	check_eq "an unwritable folder: the database is byte-identical" "$before" "$(sha "$K/lifebelt.db")"
	check_eq "an unwritable folder: nothing left beside it" "lifebelt.db" "$(ls -A "$K")"
else
	say "no way to make a folder unwritable here: that case is not checked"
fi

# killed in the middle (the full build takes seconds)
for sig in TERM KILL; do
	"$LIFEBELT" db build "${ALL_SOURCES[@]}" -o "$K/lifebelt.db" >/dev/null 2>&1 &
	pid=$!
	sleep 0.4
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	check_eq "SIG$sig in the middle of a build: the database is byte-identical (exit $rc)" "$before" "$(sha "$K/lifebelt.db")"
	if [ "$sig" = TERM ]; then
		check_eq "SIGTERM: nothing left beside it" "lifebelt.db" "$(ls -A "$K")"
	fi
done
lb db build --source "alpine-secdb:$V/alpine-secdb/json" -o "$K/lifebelt.db"
check_rc "a build after the killed ones succeeds" 0
check_eq "it replaced the database" 1 "$([ "$(sha "$K/lifebelt.db")" != "$before" ] && echo 1)"

# --- 4. db update from a local HTTP server ---------------------------------------
W=$T/www
mkdir -p "$W/v3.7"
cp "$V/alpine-secdb/json/v3.7/main.json" "$W/v3.7/main.json"
cp "$V/debian/tracker-json/vunnel-debian.json" "$W/tracker.json"
"$PY" - "$V/osv-go" "$W/go.zip" <<'EOF'
import glob, os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(glob.glob(sys.argv[1] + "/*.json"))[:300]:
        z.write(f, os.path.basename(f))
EOF
head -c 20000 "$W/v3.7/main.json" >"$W/truncated.json"
head -c 4096 /dev/urandom >"$W/garbage.zip"
head -c 4096 /dev/urandom >"$W/garbage.json"
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$W" && exec "$PY" -m http.server --bind 127.0.0.1 "$PORT" >"$T/http.log" 2>&1) &
HTTP_PID=$!
trap 'kill "$HTTP_PID" 2>/dev/null; chattr -i "$K" 2>/dev/null; _lb_cleanup' EXIT
for _ in $(seq 50); do
	"$PY" -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$PORT" 2>/dev/null && break
	sleep 0.1
done
U=http://127.0.0.1:$PORT
UDB=$T/cache/lifebelt.db
lb db update --db "$UDB" --source "alpine-secdb:$U/v3.7/main.json" --source "osv:$U/go.zip" \
	--source "debian-tracker:$U/tracker.json"
check_rc "db update from 127.0.0.1" 0
[ -s "$UDB" ] || bail "db update wrote no database"
check_grep "db update says what it updated" "updated '$UDB' from 3 feeds" "$T/err"
lb db info --db "$UDB"
n37=$("$PY" - "$W/v3.7/main.json" "$LB_SRCDIR/tests/e2e/vuln-ref.py" <<'EOF'
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("ref", sys.argv[2])
ref = importlib.util.module_from_spec(spec); spec.loader.exec_module(ref)
print(sum(len(ref.entry_ids(e)) for p in json.load(open(sys.argv[1]))["packages"]
          for ids in (p["pkg"].get("secfixes") or {}).values() for e in ids or []))
EOF
)
check_grep "updated database: the secdb feed's $n37 IDs" "^ +alpine-secdb +$n37 " "$T/out"
check_grep "updated database: the 300 OSV records of the zip" '^ +osv +300 ' "$T/out"
check_grep "updated database: the tracker JSON" '^ +debian-tracker +[1-9]' "$T/out"
check_grep "db info of an updated database names the feeds' URLs" "$U" "$T/out"
lb rootfs "$ROOT" --db "$UDB" -f json
check_json "the updated database finds musl's CVE-2019-14697" \
	'sorted(set(v["id"] for v in r[0]["vulnerabilities"]))' CVE-2019-14697
good=$(sha "$UDB")

update_fails() {   # WHAT SOURCE...: an update that must fail and leave the database
	local what=$1
	shift
	lb db update --db "$UDB" "$@"
	if [ "$LB_RC" != 0 ]; then pass "$what: exit $LB_RC"; else fail "$what: exit 0" "$(cat "$T/err")"; fi
	check_eq "$what: the database is byte-identical" "$good" "$(sha "$UDB")"
	check_eq "$what: nothing left beside it" "lifebelt.db" "$(ls -A "$(dirname "$UDB")")"
}
update_fails "a 404" --source "alpine-secdb:$U/no-such-file.json" --source "debian-tracker:$U/tracker.json"
check_grep "a 404 is named" "404" "$T/err"
check_grep "a failed update says the database was not changed" "was not changed" "$T/err"
update_fails "plain http to another host" --source "osv:http://example.invalid/all.zip"
CLOSED=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
update_fails "a refused connection" --source "osv:http://127.0.0.1:$CLOSED/all.zip"
update_fails "a bad KIND:URL" --source "no-colon-here"
for bad in "alpine-secdb:$U/truncated.json" "osv:$U/garbage.zip" "debian-tracker:$U/garbage.json"; do
	lb db update --db "$UDB" --source "$bad" --source "alpine-secdb:$U/v3.7/main.json"
	if [ "$LB_RC" != 0 ] && [ "$(sha "$UDB")" = "$good" ]; then
		pass "a ${bad%%:*} feed that is ${bad##*/}: exit $LB_RC, the database untouched"
	else
		fail "a ${bad%%:*} feed that is ${bad##*/} fails the update and leaves the database (got exit $LB_RC)"
	fi
done
kill "$HTTP_PID" 2>/dev/null
wait "$HTTP_PID" 2>/dev/null

# --- 5. no database, a corrupt database -------------------------------------------
lb rootfs "$ROOT" --db "$T/none.db" -f json
check_rc "no database: the scan still succeeds" 0
check_grep "no database: the warning names the path and says how to get one" \
	"no vulnerability database at '$T/none.db'.*lifebelt db update" "$T/err"
check_json "no database: packages listed, vulnerabilities null, the warning in the report" \
	'[len(r[0]["packages"]), r[0]["vulnerabilities"], any("no vulnerability database" in w for w in r[0]["warnings"])]' \
	"$(printf '13\nnull\ntrue')"
lb rootfs "$ROOT" --db "$T/none.db" --exit-code 1
check_rc "no database with --exit-code 1: the gate cannot pass" 69
check_grep "no database with --exit-code: says why" "exit-code.*no vulnerability database" "$T/err"
lb image --input "$LB_SRCDIR/examples/alpine-3.7.tar" --db "$T/none.db"
check_rc "no database, image scan" 0
check_grep "no database, image scan: the table lists the packages" '^musl ' "$T/out"
XDG_CACHE_HOME=$T/xdg lb rootfs "$ROOT"
check_rc "no database at the default path" 0
check_grep "the default path is under \$XDG_CACHE_HOME" "no vulnerability database at '$T/xdg/lifebelt/db/lifebelt.db'" "$T/err"
mkdir -p "$T/xdg/lifebelt/db"
cp "$T/hostile.db" "$T/xdg/lifebelt/db/lifebelt.db"
XDG_CACHE_HOME=$T/xdg lb rootfs "$ROOT" -f json
check_json "a database at the default path is used without --db" \
	'sorted(set(v["id"] for v in r[0]["vulnerabilities"]))' "$(printf 'CVE-2019-14697\nCVE-2099-0020\nCVE-2099-0021')"
lb db info --db "$T/none.db"
if [ "$LB_RC" != 0 ]; then pass "db info without a database fails (exit $LB_RC)"; else fail "db info without a database: exit 0"; fi
check_grep "db info without a database says how to get one" "lifebelt db update" "$T/err"
head -c 8192 /dev/urandom >"$T/corrupt.db"
lb rootfs "$ROOT" --db "$T/corrupt.db"
check_rc "a corrupt database is bad input data" 65
check_grep "a corrupt database is named" "corrupt.db" "$T/err"
: >"$T/empty.db"
lb rootfs "$ROOT" --db "$T/empty.db"
check_rc "an empty database file is bad input data" 65
# an SQLite file that is not ours
"$PY" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("create table t(x)"); c.commit()' "$T/other.db"
lb rootfs "$ROOT" --db "$T/other.db"
check_rc "an SQLite file that is not a lifebelt database is bad input data" 65
# a database of another schema version (an older lifebelt's): refused,
# with how to get a new one
cp "$T/all.db" "$T/old.db"
"$PY" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("update meta set value = 1 where key = \"schema_version\""); c.commit()' "$T/old.db"
lb rootfs "$ROOT" --db "$T/old.db"
check_rc "a database of schema version 1 is refused" 65
check_grep "schema version 1: the error says to rebuild it" "schema version 1, this lifebelt reads [0-9]+ \(rebuild it with 'lifebelt db build' or 'db update'\)" "$T/err"
# a corrupt package blob inside a good database: an error naming the
# package, never a crash or a read out of bounds
cp "$T/all.db" "$T/badblob.db"
"$PY" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("update pkg set adv = x\u002705ff01ffffffff0f\u0027 where eco = \u0027apk\u0027 and distro = \u0027alpine:v3.7\u0027 and name = \u0027musl\u0027"); c.commit()' "$T/badblob.db"
lb rootfs "$ROOT" --db "$T/badblob.db" -f json
check_rc "a corrupt advisory blob is bad input data" 65
check_grep "a corrupt advisory blob: the error names the package" "cannot read the vulnerability database about apk package 'musl" "$T/err"

finish
