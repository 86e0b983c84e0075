#!/bin/bash
# t0912-sbom: lifebelt sbom FILE.
#  - Round trip: the bundled example image's CycloneDX (and SPDX) report,
#    read back with `lifebelt sbom`, gives the same findings (sorted
#    "ID purl" lines) as the image scan, and the same packages.
#  - Trivy- and Syft-shaped SBOMs (tests/data/sbom, README there) give the
#    findings the Alpine secdb and Go feeds say by hand: CVE-2019-14697 in
#    musl and musl-utils 1.1.18-r3, CVE-2020-28362 (GO-2021-0069, fixed
#    1.15.5) in the Go standard library 1.15.2, nothing in busybox or zlib.
#  - The report options apply (--pkg-types, --exit-code, --ignorefile).
#  - Hostile SBOMs: an error naming the line or JSON path, exit 65.
. "$(dirname "$0")/lib.sh"
skip_unless_shared
IMG=$LB_SRCDIR/examples/alpine-3.7.tar
FEEDS=$LB_TESTDATA/vulndb
FIX=$LB_SRCDIR/tests/data/sbom
DB=$T/vulns.db
"$LIFEBELT" db build --source "alpine-secdb:$FEEDS/alpine-secdb/json/v3.7" \
	--source "osv:$FEEDS/osv-go" -o "$DB" >"$T/db.log" 2>&1 || { cat "$T/db.log"; bail "db build failed"; }
cd "$T" || bail "cannot cd"

findings() {   # sorted "ID purl" of a JSON report
	jq_py "sorted(v['id'] + ' ' + v['pkgPurl'] for v in r[0]['vulnerabilities'])" "$1"
}

LB_SCANNERS=default
lb image -i "$IMG" --db "$DB" -q -f json -o "$T/image.json"
check_rc "the image scan" 0
lb image -i "$IMG" --db "$DB" -q -f cyclonedx -o "$T/image.cdx.json"
check_rc "the image as CycloneDX" 0
lb image -i "$IMG" --db "$DB" -q -f spdx-json -o "$T/image.spdx.json"
check_rc "the image as SPDX" 0
findings "$T/image.json" >"$T/image.findings"
[ "$(wc -l <"$T/image.findings")" -gt 100 ] && pass "the image has findings" || fail "the image has too few findings"

for f in cdx spdx; do
	lb sbom "$T/image.$f.json" --db "$DB" -q -f json -o "$T/sbom.$f.json"
	check_rc "lifebelt sbom on its own $f" 0
	findings "$T/sbom.$f.json" >"$T/sbom.$f.findings"
	check_same "the $f round trip gives the image's findings" "$T/image.findings" "$T/sbom.$f.findings"
	check_eq "the $f round trip gives the image's packages" \
		"$(jq_py "sorted(p['purl'] for p in r[0]['packages'])" "$T/image.json")" \
		"$(jq_py "sorted(p['purl'] for p in r[0]['packages'])" "$T/sbom.$f.json")"
	check_json "the $f round trip has the OS" "r[0]['os']['family'] + ' ' + r[0]['os']['version']" \
		"alpine 3.7.3" "$T/sbom.$f.json"
	check_json "the $f round trip is from an sbom" "r[0]['source']['kind']" "sbom" "$T/sbom.$f.json"
done
lb sbom "$T/image.cdx.json" --db "$DB" -q -f sarif
check_json "sbom writes sarif with the evidence paths" \
	"sorted({x['locations'][0]['physicalLocation']['artifactLocation']['uri'] for x in d['runs'][0]['results']})" \
	"$(printf 'lib/apk/db/installed\nusr/local/bin/gobinary')"

# other tools' SBOMs
for f in trivy-alpine.cdx.json syft-alpine.spdx.json; do
	lb sbom "$FIX/$f" --db "$DB" -q -f json
	check_rc "$f" 0
	check_json "$f: the OS" "r[0]['os']['family'] + ' ' + r[0]['os']['version']" "alpine 3.7.3"
	check_json "$f: musl's CVE" "sorted(v['pkgName'] for v in r[0]['vulnerabilities'] if v['id'] == 'CVE-2019-14697')" \
		"$(printf 'musl\nmusl-utils')"
	check_json "$f: the Go standard library's CVE" \
		"len([v for v in r[0]['vulnerabilities'] if v['id'] == 'CVE-2020-28362' and v['pkgName'] == 'stdlib'])" "1"
	check_json "$f: nothing in busybox or zlib" \
		"[v['id'] for v in r[0]['vulnerabilities'] if v['pkgName'] in ('busybox', 'zlib')]" ""
	check_json "$f: not the image itself" "[p['name'] for p in r[0]['packages'] if p['type'] == 'oci']" ""
done
lb sbom "$FIX/syft-alpine.spdx.json" --db "$DB" -q -f json
check_json "syft's evidence path" "sorted({p['dbPath'] for p in r[0]['packages']})" \
	"$(printf 'lib/apk/db/installed\nusr/local/bin/gobinary')"

# the report options
lb sbom "$FIX/trivy-alpine.cdx.json" --db "$DB" -q -f json --pkg-types os --exit-code 4
check_rc "--exit-code fires on the OS findings" 4
check_json "--pkg-types os" "sorted(v['id'] + ' ' + v['pkgName'] for v in r[0]['vulnerabilities'])" \
	"$(printf 'CVE-2019-14697 musl\nCVE-2019-14697 musl-utils')"
printf 'CVE-2019-14697\n' >"$T/ign"
lb sbom "$FIX/trivy-alpine.cdx.json" --db "$DB" -q -f json --pkg-types os --exit-code 4 --ignorefile "$T/ign"
check_rc "--exit-code after the ignore file" 0
check_json "both set aside" "len(r[0]['suppressed'])" "2"
lb sbom "$FIX/trivy-alpine.cdx.json" --db "$T/absent.db" -q -f json --exit-code 4
check_rc "--exit-code without a database" 69
lb sbom --db "$DB"
check_rc "no file" 64
lb sbom "$T/absent.json" --db "$DB"
check_rc "an absent file" 66

# hostile SBOMs
printf '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.6",\n  "components": [ {"purl": 5} ]\n}\n' >bad1.json
lb sbom bad1.json --db "$DB" -q
check_rc "a purl that is not a string" 65
check_grep "the error names the JSON path" "bad1.json' at \\\$\.components\[0\]\.purl: must be a string" "$T/err"
printf '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.6",\n  "components": [ ,\n' >bad2.json
lb sbom bad2.json --db "$DB" -q
check_rc "broken JSON" 65
check_grep "the error names the line" "bad2.json' line 4:" "$T/err"
printf '{"bomFormat": "CycloneDX", "specVersion": "1.2", "components": []}' >old.json
lb sbom old.json --db "$DB" -q
check_rc "CycloneDX 1.2" 65
check_grep "the error names the version" "CycloneDX 1.2 is not supported" "$T/err"
printf '{"hello": 1}' >none.json
lb sbom none.json --db "$DB" -q
check_rc "not an SBOM" 65
printf '{"spdxVersion": "SPDX-2.3", "packages": {"a": 1}}' >spdxbad.json
lb sbom spdxbad.json --db "$DB" -q
check_rc "SPDX packages not an array" 65
check_grep "the error names \$.packages" 'at \$\.packages: must be an array' "$T/err"
"$PY" -c '
import json
c = {"type": "library", "name": "deep", "purl": "pkg:npm/deep@1.0.0"}
for i in range(100):
    c = {"type": "library", "name": "n%d" % i, "components": [c]}
print(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [c]}))' >deep.json
lb sbom deep.json --db "$DB" -q
check_rc "components nested 100 deep" 65
check_grep "the error names the depth" "nested more than 64 deep" "$T/err"
printf '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "x", "purl": "pkg:/nope"}, {"type": "library", "name": "musl", "purl": "pkg:apk/alpine/musl@1.1.18-r3?distro=3.7.3"}]}' >badpurl.json
lb sbom badpurl.json --db "$DB" -f json
check_rc "an invalid purl is a warning" 0
check_grep "the warning names the component" "badpurl.json' \\\$\.components\[0\]\.purl: invalid purl" "$T/err"
check_json "the result is partial" "r[0]['partial']" "true"
check_json "the other package is matched" "[v['id'] for v in r[0]['vulnerabilities']]" "CVE-2019-14697"

finish
