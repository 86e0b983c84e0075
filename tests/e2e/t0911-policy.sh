#!/bin/bash
# t0911-policy: gates, filters and exceptions on real scans of the bundled
# example image, matched against a database built here from the shared
# feeds (Alpine secdb v3.7 and the Go vulnerability database).
#
# Expected answers come from the feeds, not from lifebelt: the OS findings
# are CVE-2019-14697 in musl and musl-utils (Alpine secdb v3.7 "musl"
# secfixes "1.1.18-r4"); the Go standard library go1.15.2 in
# usr/local/bin/gobinary has CVE-2020-28362 (GO-2021-0069, fixed 1.15.5)
# and CVE-2021-3114 (GO-2021-0235, fixed 1.15.7) among others.
. "$(dirname "$0")/lib.sh"
LB_SCANNERS=default
skip_unless_shared
IMG=$LB_SRCDIR/examples/alpine-3.7.tar
FEEDS=$LB_TESTDATA/vulndb
DB=$T/vulns.db
"$LIFEBELT" db build --source "alpine-secdb:$FEEDS/alpine-secdb/json/v3.7" \
	--source "osv:$FEEDS/osv-go" -o "$DB" >"$T/db.log" 2>&1 || { cat "$T/db.log"; bail "db build failed"; }
mkdir "$T/cwd"
cd "$T/cwd" || bail "cannot cd"

ids() {   # "ID pkgName" of the counted findings of $T/out
	jq_py "sorted(v['id'] + ' ' + v['pkgName'] for v in r[0]['vulnerabilities'])"
}
count() {
	jq_py "len(r[0]['vulnerabilities'])"
}

lb image -i "$IMG" --db "$DB" -q -f json
check_rc "a plain scan" 0
ALL=$(count)
ids >"$T/all.ids"
[ "$ALL" -gt 100 ] && pass "a plain scan finds $ALL" || fail "a plain scan finds only $ALL"

# --- filters and the gate ---------------------------------------------
lb image -i "$IMG" --db "$DB" -q -f json --pkg-types os
check_json "--pkg-types os keeps the OS findings" "sorted(v['id'] + ' ' + v['pkgName'] for v in r[0]['vulnerabilities'])" \
	"$(printf 'CVE-2019-14697 musl\nCVE-2019-14697 musl-utils')"
lb image -i "$IMG" --db "$DB" -q -f json --pkg-types library
check_json "--pkg-types library drops the apk packages" "sorted({p['type'] for p in r[0]['packages']})" "golang"
check_json "--pkg-types library keeps the others" "len(r[0]['vulnerabilities'])" "$((ALL - 2))"
lb image -i "$IMG" --db "$DB" -q -f json --pkg-types nope
check_rc "--pkg-types with an unknown kind" 64

lb image -i "$IMG" --db "$DB" -q -f json --exit-code 3
check_rc "--exit-code with findings" 3
lb image -i "$IMG" --db "$DB" -q -f json --exit-code 3 --severity CRITICAL
check_rc "--exit-code after --severity removed every finding (all are UNKNOWN here)" 0
check_json "--severity CRITICAL leaves nothing" "len(r[0]['vulnerabilities'])" "0"
lb image -i "$IMG" --db "$DB" -q -f sarif --exit-code 3 --severity UNKNOWN --pkg-types os
check_rc "--exit-code with os findings in sarif" 3
check_json "--pkg-types applies to sarif" "len(d['runs'][0]['results'])" "2"
lb image -i "$IMG" --db "$DB" -q -f openvex --pkg-types os
check_json "--pkg-types applies to openvex" "len(d['statements'])" "2"

# --- the plain ignore file ----------------------------------------------
cat >.lifebeltignore <<'EOF'
# musl: not used by the application
CVE-2019-14697 exp:2999-12-31
CVE-2020-28362    exp:2001-01-01   # expired long ago
CVE-1999-0001
EOF
lb image -i "$IMG" --db "$DB" -f json --exit-code 5 --pkg-types os
check_rc "the OS findings ignored: the gate passes" 0
check_json "both musl findings set aside" "sorted(v['pkgName'] + ' ' + v['suppression']['source'] for v in r[0]['suppressed'])" \
	"$(printf 'musl .lifebeltignore:2\nmusl-utils .lifebeltignore:2')"
check_json "the states of the entries" "[e['source'] + ' ' + e['state'] for e in d['exceptions']]" \
	"$(printf '.lifebeltignore:2 applied\n.lifebeltignore:3 expired\n.lifebeltignore:4 stale')"
check_grep "the expired entry is warned about" "exception 'CVE-2020-28362' at '.lifebeltignore:3' expired on 2001-01-01" "$T/err"
check_grep "the stale entry is listed" "stale exception 'CVE-1999-0001' at '.lifebeltignore:4' matched no finding" "$T/err"
lb image -i "$IMG" --db "$DB" -q -f json
check_json "the expired entry does not apply" "len([v for v in r[0]['vulnerabilities'] if v['id'] == 'CVE-2020-28362'])" "1"
check_json "the ignored findings leave the count" "len(r[0]['vulnerabilities'])" "$((ALL - 2))"
check_json "the ignored findings' count" "len(r[0]['suppressed'])" "2"
lb image -i "$IMG" --db "$DB" -q -f table --pkg-types os
check_grep "the table says what was set aside" '^Set aside: 2 \(ignore: 2, vex: 0\)' "$T/out"
check_grep "the table lists the stale entry" "stale.*CVE-1999-0001" "$T/out"
lb image -i "$IMG" --db "$DB" -q -f sarif --pkg-types os
check_json "sarif keeps the set-aside findings as suppressed results" \
	"sorted(x['properties']['pkgName'] + ' ' + x['suppressions'][0]['kind'] + ' ' + x['suppressions'][0]['properties']['source'] for x in d['runs'][0]['results'] if x.get('suppressions'))" \
	"$(printf 'musl external .lifebeltignore:2\nmusl-utils external .lifebeltignore:2')"
check_json "... with the exception in the justification" \
	"sorted({x['suppressions'][0]['justification'] for x in d['runs'][0]['results'] if x.get('suppressions')})" "ignore: ignored"
if command -v node >/dev/null 2>&1 && [ -f "$LB_SRCDIR/tests/tools/node_modules/ajv-draft-04/package.json" ]; then
	cp "$T/out" "$T/suppressed.sarif"
	if node "$LB_SRCDIR/tests/tools/validate-schema.js" "$LB_SRCDIR/tests/schemas/sarif-schema-2.1.0.json" \
		-- "$T/suppressed.sarif" >"$T/validate.log" 2>&1; then
		pass "the SARIF with suppressions validates"
	else
		fail "the SARIF with suppressions does not validate" "$(head -c 3000 "$T/validate.log")"
	fi
else
	say "ajv is not installed (npm ci in tests/tools): the SARIF with suppressions is not validated here"
fi
soon=$(date -u -d '+10 days' +%F)
printf 'CVE-2019-14697 exp:%s\n' "$soon" >"$T/soon"
lb image -i "$IMG" --db "$DB" -q -f table --pkg-types os --ignorefile "$T/soon"
check_grep "the table lists an entry expiring soon" "CVE-2019-14697 .*soon:1  expires $soon \(in 10 days\)" "$T/out"

printf 'CVE-2019-14697 exp:2024-02-30\n' >"$T/bad-date"
lb image -i "$IMG" --db "$DB" -q -f json --ignorefile "$T/bad-date"
check_rc "an impossible date" 65
check_grep "the error names the line" "cannot parse '.*bad-date' line 1: invalid date" "$T/err"
printf '# ok\n\nCVE-1 CVE-2\n' >"$T/two-ids"
lb image -i "$IMG" --db "$DB" -q -f json --ignorefile "$T/two-ids"
check_rc "two IDs on a line" 65
check_grep "the error names line 3" "line 3: unexpected field" "$T/err"
lb image -i "$IMG" --db "$DB" -q -f json --ignorefile "$T/absent"
check_rc "an --ignorefile that does not exist" 66
[ ! -e "$T/cwd/out.json" ] && pass "no report on error" || fail "a report was written"

# --- the YAML ignore file (given explicitly, the plain one is not read) -
cat >"$T/ignore.yaml" <<'EOF'
vulnerabilities:
  - id: CVE-2019-14697
    purl: pkg:apk/alpine/musl-utils
    reason: only the library is shipped
  - id: CVE-2021-3114
    path: usr/local/bin/
    expires: 2999-01-01
    reason: no untrusted input reaches it
  - id: CVE-2020-28362
    purl: pkg:npm/left-pad
EOF
lb image -i "$IMG" --db "$DB" -q -f json --ignorefile "$T/ignore.yaml"
check_rc "a YAML ignore file" 0
check_json "the purl scope sets aside musl-utils only" \
	"sorted(v['id'] + ' ' + v['pkgName'] + ' ' + str(v['suppression']['reason']) for v in r[0]['suppressed'])" \
	"$(printf 'CVE-2019-14697 musl-utils only the library is shipped\nCVE-2021-3114 stdlib no untrusted input reaches it')"
check_json "musl itself still counts" "len([v for v in r[0]['vulnerabilities'] if v['id'] == 'CVE-2019-14697'])" "1"
check_json "an entry whose scope matched nothing is stale" "[e['id'] for e in d['exceptions'] if e['state'] == 'stale']" "CVE-2020-28362"
check_json "the YAML entries' lines" "[e['source'].rsplit(':', 1)[1] for e in d['exceptions']]" "$(printf '2\n5\n9')"
cat >"$T/typo.yaml" <<'EOF'
- id: CVE-2019-14697
  expire: 2030-01-01
EOF
lb image -i "$IMG" --db "$DB" -q -f json --ignorefile "$T/typo.yaml"
check_rc "a misspelt key" 65
check_grep "the error names the key and line" "typo.yaml' line 2: unknown or repeated key 'expire'" "$T/err"
printf -- '- id: [unclosed\n' >"$T/broken.yaml"
lb image -i "$IMG" --db "$DB" -q -f json --ignorefile "$T/broken.yaml"
check_rc "broken YAML" 65
check_grep "the YAML error names a line" "broken.yaml' line [0-9]+:" "$T/err"
rm .lifebeltignore

# --- VEX ---------------------------------------------------------------
cat >"$T/vex.json" <<'EOF'
{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/1",
  "author": "Example Security",
  "timestamp": "2024-01-01T00:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": { "name": "CVE-2020-28362" },
      "products": [ { "@id": "pkg:oci/example", "subcomponents": [ { "@id": "pkg:golang/stdlib@v1.15.2" } ] } ],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path"
    },
    {
      "vulnerability": { "name": "CVE-2021-3114" },
      "products": [ { "@id": "pkg:golang/stdlib" } ],
      "status": "fixed"
    },
    {
      "vulnerability": { "name": "CVE-2019-14697" },
      "products": [ { "@id": "pkg:apk/alpine/musl" } ],
      "status": "affected",
      "action_statement": "upgrade"
    },
    {
      "vulnerability": { "name": "CVE-2021-33195" },
      "products": [ { "@id": "pkg:golang/stdlib@v9.9.9" } ],
      "status": "not_affected",
      "impact_statement": "another version"
    }
  ]
}
EOF
lb image -i "$IMG" --db "$DB" -q -f json --vex "$T/vex.json"
check_rc "an OpenVEX document" 0
check_json "not_affected and fixed set findings aside, with the justification" \
	"sorted(v['id'] + ' ' + v['suppression']['status'] + ' ' + str(v['suppression']['justification']) for v in r[0]['suppressed'])" \
	"$(printf 'CVE-2020-28362 not_affected vulnerable_code_not_in_execute_path\nCVE-2021-3114 fixed None')"
check_json "affected sets nothing aside and is informational" \
	"[e['state'] for e in d['exceptions'] if e['id'] == 'CVE-2019-14697']" "informational"
check_json "a statement for another version is stale" \
	"[e['state'] for e in d['exceptions'] if e['id'] == 'CVE-2021-33195']" "stale"
check_json "the statement's JSON path" \
	"[e['source'].split(':', 1)[1] for e in d['exceptions'] if e['id'] == 'CVE-2020-28362']" \
	'$.statements[0].products[0].subcomponents[0]'
lb image -i "$IMG" --db "$DB" -q -f openvex --vex "$T/vex.json"
check_json "the OpenVEX output carries the justification" \
	"[s['justification'] for s in d['statements'] if s['vulnerability']['name'] == 'CVE-2020-28362']" \
	"vulnerable_code_not_in_execute_path"
check_json "the OpenVEX output says fixed" \
	"[s['status'] for s in d['statements'] if s['vulnerability']['name'] == 'CVE-2021-3114']" "fixed"
# lifebelt's own VEX read back: every finding is affected, nothing is set aside
cp "$T/out" "$T/own.openvex"
lb image -i "$IMG" --db "$DB" -q -f json --vex "$T/own.openvex"
check_json "its own OpenVEX sets aside only what the input VEX did" "len(r[0]['suppressed'])" "2"

cat >"$T/cdx-vex.json" <<'EOF'
{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "components": [ { "type": "library", "bom-ref": "musl-ref", "name": "musl",
                    "purl": "pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64&distro=3.7.3" } ],
  "vulnerabilities": [
    { "id": "CVE-2019-14697",
      "analysis": { "state": "not_affected", "justification": "code_not_reachable",
                    "detail": "the dynamic loader path is not used" },
      "affects": [ { "ref": "musl-ref" }, { "ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#nothing" } ] }
  ]
}
EOF
lb image -i "$IMG" --db "$DB" -q -f json --vex "$T/cdx-vex.json" --pkg-types os
check_rc "a CycloneDX VEX" 0
check_json "it sets aside musl only, with its justification and detail" \
	"[v['pkgName'] + ' ' + v['suppression']['justification'] + ' ' + v['suppression']['reason'] for v in r[0]['suppressed']]" \
	"musl code_not_reachable the dynamic loader path is not used"
check_json "an unresolvable ref is stale" "[e['state'] for e in d['exceptions']]" "$(printf 'applied\nstale')"

printf '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "status": "not_affected"}]}' >"$T/nojust.json"
lb image -i "$IMG" --db "$DB" -q -f json --vex "$T/nojust.json"
check_rc "not_affected without a justification" 65
check_grep "the error names the JSON path" 'at \$\.statements\[0\]: a not_affected statement needs' "$T/err"
printf '{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "status": "maybe"}]}' >"$T/badstatus.json"
lb image -i "$IMG" --db "$DB" -q -f json --vex "$T/badstatus.json"
check_rc "an unknown status" 65
check_grep "the error names the member" 'at \$\.statements\[0\]\.status:' "$T/err"
printf '{"statements": [' >"$T/trunc.json"
lb image -i "$IMG" --db "$DB" -q -f json --vex "$T/trunc.json"
check_rc "truncated JSON" 65
check_grep "the JSON error names a line" "trunc.json' line 1:" "$T/err"

finish
