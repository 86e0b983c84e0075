#!/bin/bash
# t0910-report-formats: real scans of the bundled example image in every
# format, matched against a database built here from the shared feeds
# (Alpine secdb v3.7 and the Go vulnerability database):
#  - each document validates against its official schema (tests/schemas);
#  - the formats agree with the JSON report: SARIF has one result per
#    finding, one rule per ID, each result located at its package's
#    evidence file; OpenVEX one statement per (ID, purl); SPDX every
#    package with its purl; CycloneDX the same vulnerabilities, and none
#    at all with --scanners none;
#  - golden files (tests/e2e/expect/t0910-os.*) for the OS packages only
#    (--pkg-types os), with times, UUIDs and paths normalised.
#    LB_UPDATE_GOLDEN=1 rewrites them.
#
# Expected findings, hand-checked against the feed (as in t0630): Alpine
# secdb v3.7 main.json lists "musl" secfixes "1.1.18-r4": ["CVE-2019-14697"],
# and the image has musl and musl-utils 1.1.18-r3 (origin musl): those two
# are the only OS findings; nothing else of the 13 apk packages is below a
# v3.7 fix.
. "$(dirname "$0")/lib.sh"
LB_SCANNERS=default
skip_unless_shared
need_cmd node
TOOLS=$LB_SRCDIR/tests/tools
SCHEMAS=$LB_SRCDIR/tests/schemas
[ -f "$TOOLS/node_modules/ajv/package.json" ] && [ -f "$TOOLS/node_modules/ajv-draft-04/package.json" ] ||
	skip_or_fail "ajv is not installed: run 'npm ci' in tests/tools"
IMG=$LB_SRCDIR/examples/alpine-3.7.tar
FEEDS=$LB_TESTDATA/vulndb
DB=$T/vulns.db
GOLDEN=$LB_SRCDIR/tests/e2e/expect

"$LIFEBELT" db build --source "alpine-secdb:$FEEDS/alpine-secdb/json/v3.7" \
	--source "osv:$FEEDS/osv-go" -o "$DB" >"$T/db.log" 2>&1 || { cat "$T/db.log"; bail "db build failed"; }

# validate WHAT SCHEMA... -- FILE
validate() {
	local what=$1
	shift
	if node "$TOOLS/validate-schema.js" "$@" >"$T/validate.log" 2>&1; then
		pass "$what validates"
	else
		fail "$what does not validate" "$(head -c 3000 "$T/validate.log")"
	fi
}
CDX=("$SCHEMAS/bom-1.6.schema.json" "$SCHEMAS/spdx.schema.json" "$SCHEMAS/jsf-0.82.schema.json")

for f in json cyclonedx sarif spdx-json openvex table; do
	lb image -i "$IMG" --db "$DB" -q -f "$f" -o "$T/full.$f"
	check_rc "scan as $f" 0
done
validate "the JSON report" "$LB_SRCDIR/docs/lifebelt-report-1.2.schema.json" -- "$T/full.json"
validate "the CycloneDX report" "${CDX[@]}" -- "$T/full.cyclonedx"
validate "the SARIF report" "$SCHEMAS/sarif-schema-2.1.0.json" -- "$T/full.sarif"
validate "the SPDX report" "$SCHEMAS/spdx-2.3.schema.json" -- "$T/full.spdx-json"
validate "the OpenVEX report" "$SCHEMAS/openvex.schema.json" -- "$T/full.openvex"

check_json "musl's CVE-2019-14697 is found" \
	"sorted(v['pkgName'] for v in r[0]['vulnerabilities'] if v['id'] == 'CVE-2019-14697')" \
	"$(printf 'musl\nmusl-utils')" "$T/full.json"

# the formats agree with the JSON report (independent views of one scan)
"$PY" - "$T" >"$T/agree.log" 2>&1 <<'EOF'
import json, sys
t = sys.argv[1]
load = lambda f: json.load(open(f"{t}/full.{f}"))
j = load("json")["results"][0]
pk, vs = j["packages"], j["vulnerabilities"]
bad = []
def want(cond, msg):
    if not cond:
        bad.append(msg)

s = load("sarif")["runs"][0]
rules, res = s["tool"]["driver"]["rules"], s["results"]
want(len(res) == len(vs), f"sarif has {len(res)} results for {len(vs)} findings")
want(sorted(r["id"] for r in rules) == sorted({v["id"] for v in vs}), "sarif rules are not the finding IDs")
want(len({r["id"] for r in rules}) == len(rules), "sarif rules repeat an ID")
got = sorted((r["ruleId"], r["properties"]["purl"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in res)
exp = sorted((v["id"], v["pkgPurl"], pk[v["package"]]["dbPath"]) for v in vs)
want(got == exp, "sarif results are not the findings at their evidence paths")
want(all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in res), "a ruleIndex points at another rule")
want(all(r["locations"][0]["physicalLocation"]["region"]["startLine"] == 1 for r in res), "a region is not line 1")
fps = [r["partialFingerprints"]["lifebelt/v1"] for r in res]
want(len(set(fps)) == len(fps), "fingerprints repeat")
want(all(r["help"]["text"] and r["help"]["markdown"] and r["shortDescription"]["text"] and r["fullDescription"]["text"] for r in rules), "a rule lacks help or descriptions")
want(any(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "usr/local/bin/gobinary" for r in res), "no result at the Go binary")

v = load("openvex")
pairs = {(x["id"], x["pkgPurl"]) for x in vs}
got = {(st["vulnerability"]["name"], st["products"][0]["@id"]) for st in v["statements"]}
want(got == pairs and len(v["statements"]) == len(pairs), "openvex statements are not the findings")
want(all(st["status"] == "affected" and st["action_statement"] for st in v["statements"]), "an openvex statement is not affected with an action")

sp = load("spdx-json")
want(len(sp["packages"]) == len(pk) + 2, f"spdx has {len(sp['packages'])} packages for {len(pk)}")
purls = sorted(r["referenceLocator"] for p in sp["packages"] for r in p.get("externalRefs", []))
want(purls == sorted(p["purl"] for p in pk), "spdx purls are not the packages' purls")
want(sum(1 for r in sp["relationships"] if r["relationshipType"] == "CONTAINS") == len(pk) + 1, "spdx CONTAINS count")

c = load("cyclonedx")
want(sorted((x["id"]) for x in c["vulnerabilities"]) == sorted(x["id"] for x in vs), "cyclonedx vulnerabilities differ")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF
if [ $? = 0 ]; then pass "sarif, openvex, spdx and cyclonedx agree with the JSON report"; else fail "the formats disagree" "$(cat "$T/agree.log")"; fi

check_grep "the table has the summary by severity" '^Vulnerabilities: [0-9]+ \(CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: [0-9]+\)' "$T/full.table"

# CycloneDX as a plain SBOM: no vulnerabilities array at all
lb image -i "$IMG" --scanners none -q -f cyclonedx -o "$T/sbom.cyclonedx"
check_rc "cyclonedx without a database" 0
check_json "a plain SBOM has no vulnerabilities" "'vulnerabilities' in d" "false" "$T/sbom.cyclonedx"
check_json "a plain SBOM has every package" "len(d['components'])" "19" "$T/sbom.cyclonedx"
validate "the plain CycloneDX SBOM" "${CDX[@]}" -- "$T/sbom.cyclonedx"

# golden files: the OS packages only, times, UUIDs and paths normalised
normalise() {
	"$PY" - "$1" "$LB_SRCDIR" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
src = sys.argv[2]
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
def fix(x):
    if isinstance(x, dict):
        return {k: ("VERSION" if k in ("version", "semanticVersion") and v == ver else fix(v)) for k, v in x.items()}
    if isinstance(x, list):
        return [fix(v) for v in x]
    if isinstance(x, str):
        if TIME.match(x):
            return "TIME"
        x = UUID.sub("UUID", x)
        return x.replace(src, "SRC")
    return x
ver = None
for path in (("tool", "version"), ("runs", 0, "tool", "driver", "version"), ("metadata", "tools", "components", 0, "version")):
    try:
        v = d
        for p in path:
            v = v[p]
        ver = v
        break
    except (KeyError, IndexError, TypeError):
        pass
out = fix(d)
if isinstance(out, dict) and "tooling" in out:
    out["tooling"] = "lifebelt VERSION"
if isinstance(out, dict) and "creationInfo" in out:
    out["creationInfo"]["creators"] = ["Tool: lifebelt-VERSION"]
print(json.dumps(out, indent=2, sort_keys=True))
EOF
}
for f in json cyclonedx sarif spdx-json openvex; do
	lb image -i "$IMG" --db "$DB" -q --pkg-types os -f "$f" -o "$T/os.$f"
	check_rc "--pkg-types os as $f" 0
	normalise "$T/os.$f" >"$T/os.$f.norm" || bail "cannot normalise $f"
	if [ "${LB_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$T/os.$f.norm" "$GOLDEN/t0910-os.$f.json"
	fi
	check_same "--pkg-types os $f matches the golden file" "$GOLDEN/t0910-os.$f.json" "$T/os.$f.norm"
done
check_json "only the two OS findings" "sorted(v['id'] + ' ' + v['pkgName'] for v in r[0]['vulnerabilities'])" \
	"$(printf 'CVE-2019-14697 musl\nCVE-2019-14697 musl-utils')" "$T/os.json"
check_json "only OS packages" "sorted({p['type'] for p in r[0]['packages']})" "apk" "$T/os.json"
validate "the --pkg-types os SARIF" "$SCHEMAS/sarif-schema-2.1.0.json" -- "$T/os.sarif"

finish
