#!/bin/bash
# t0640-vuln-python: Python packages (dist-info METADATA, egg-info PKG-INFO)
# against the PyPA advisories, with expected answers computed WITHOUT
# lifebelt.
#
# The reference is tests/e2e/vuln-ref.py's "pypi" mode: it reads the core
# metadata files and the PyPA advisories (OSV as YAML, with PyYAML) itself,
# orders versions with python3-packaging's Version and evaluates OSV
# ECOSYSTEM ranges as the OSV schema says. It shares no code with src/.
#
# The image holds real metadata files from the shared fixtures (syft's and
# scalibr's test data): dist-info METADATA of Pygments 2.6.1, pip 22.2.2
# and pyOpenSSL 26.0.0, egg-info PKG-INFO of requests 2.22.0, setuptools
# 57.4.0 and httplib2 0.20.4, in two layers; the second layer deletes
# httplib2.
# Checked: the exact set of (package, advisory) and fixed versions, the
# fields of each finding, a hand-checked subset quoted from the feed, and
# the CycloneDX vulnerabilities array.
. "$(dirname "$0")/lib.sh"
LB_SCANNERS=default     # lib.sh's lb adds --scanners none unless told so
skip_unless_shared
[ -x /usr/bin/python3 ] || skip_or_fail "needs /usr/bin/python3"
/usr/bin/python3 -c 'import yaml, packaging.version' 2>/dev/null ||
	skip_or_fail "needs python3-yaml and python3-packaging"

REF="/usr/bin/python3 $LB_SRCDIR/tests/e2e/vuln-ref.py"
OSV=$LB_TESTDATA/vulndb/osv-pypi
P=$LB_TESTDATA/pkgdb/python
for f in "$OSV/pygments/PYSEC-2021-141.yaml" "$P/syft-site-packages/partial.dist-info/METADATA" \
	"$P/scalibr-wheelegg/distinfo_meta" "$P/scalibr-wheelegg/pyopenssl-26.0.0.dist-info" \
	"$P/syft-site-packages/nested/egg-name/egg-info/PKG-INFO" "$P/scalibr-wheelegg/egginfo_pkginfo" \
	"$P/scalibr-wheelegg/pkginfo"; do
	[ -f "$f" ] || bail "missing fixture '$f'"
done

# --- the image ------------------------------------------------------------------
SP=usr/local/lib/python3.11/site-packages
L0=$T/l0 L1=$T/l1
put() {   # LAYER DIR FILE SOURCE: LAYER/SP/DIR/FILE is a copy of SOURCE
	mkdir -p "$1/$SP/$2"
	cp "$4" "$1/$SP/$2/$3"
}
put "$L0" Pygments-2.6.1.dist-info METADATA "$P/syft-site-packages/partial.dist-info/METADATA"
put "$L0" pip-22.2.2.dist-info METADATA "$P/scalibr-wheelegg/distinfo_meta"
put "$L0" pyOpenSSL-26.0.0.dist-info METADATA "$P/scalibr-wheelegg/pyopenssl-26.0.0.dist-info"
put "$L0" httplib2-0.20.4.egg-info PKG-INFO "$P/scalibr-wheelegg/pkginfo"
put "$L1" requests-2.22.0.egg-info PKG-INFO "$P/syft-site-packages/nested/egg-name/egg-info/PKG-INFO"
put "$L1" setuptools-57.4.0.egg-info PKG-INFO "$P/scalibr-wheelegg/egginfo_pkginfo"
mkimage --layer "$L0" --layer "$L1" --delete "$SP/httplib2-0.20.4.egg-info" --oci "$T/img"
# the merged root, for the reference
mkdir -p "$T/merged"
cp -r "$L0/." "$L1/." "$T/merged/"
rm -r "$T/merged/$SP/httplib2-0.20.4.egg-info"

# --- the reference ----------------------------------------------------------------
$REF pypi "$T/merged" "$OSV" >"$T/want" || bail "the reference failed"
say "reference: $(wc -l <"$T/want") advisories affect the image"
# Hand-checked against the feed (the lines quoted are the YAML's):
#  pygments/PYSEC-2021-141.yaml: aliases CVE-2021-27291, GHSA-pq64-v7f5-gqh8;
#    ECOSYSTEM "introduced: '1.1'", "fixed: 2.7.4": 2.6.1 is affected, fixed in 2.7.4
#  pip/PYSEC-2023-228.yaml: aliases CVE-2023-5752; "introduced: 0", "fixed: 23.3"
#  requests/PYSEC-2023-74.yaml: CVE-2023-32681; "introduced: 2.3.0", "fixed: 2.31.0"
#  httplib2 is deleted by the second layer: none of its advisories counts
feed_has() {   # FILE TEXT...: the advisory file holds each line
	local f=$OSV/$1 l
	shift
	for l in "$@"; do
		grep -qxF -- "$l" "$f" || bail "fixture changed: '$f' has no line '$l'"
	done
}
feed_has pygments/PYSEC-2021-141.yaml "- CVE-2021-27291" "    - introduced: '1.1'" "    - fixed: 2.7.4"
feed_has pip/PYSEC-2023-228.yaml "- CVE-2023-5752" "    - introduced: \"0\"" "    - fixed: \"23.3\""
feed_has requests/PYSEC-2023-74.yaml "- CVE-2023-32681" "    - introduced: 2.3.0" "    - fixed: 2.31.0"
check_grep "reference: Pygments 2.6.1 PYSEC-2021-141, fixed in 2.7.4" \
	"^Pygments	2\.6\.1	PYSEC-2021-141	CVE-2021-27291,GHSA-pq64-v7f5-gqh8	2\.7\.4\$" "$T/want"
check_grep "reference: pip 22.2.2 PYSEC-2023-228, fixed in 23.3" "^pip	22\.2\.2	PYSEC-2023-228	CVE-2023-5752	23\.3\$" "$T/want"
check_grep "reference: requests 2.22.0 PYSEC-2023-74, fixed in 2.31.0" \
	"^requests	2\.22\.0	PYSEC-2023-74	.*	2\.31\.0\$" "$T/want"
check_no_grep "reference: nothing for the deleted httplib2" "^httplib2	" "$T/want"

# --- lifebelt ---------------------------------------------------------------------
DB=$T/pypi.db
lb db build --source "osv:$OSV" -o "$DB"
check_rc "db build from the PyPA advisories" 0
lb image --input "$T/img" --db "$DB" -f json
check_rc "scan of the Python image" 0
cp "$T/out" "$T/scan.json"
check_json "no warnings, not partial" '[len(r[0]["warnings"]), r[0]["partial"]]' "$(printf '0\nfalse')"
check_json "the inventory: the six packages less the deleted httplib2" \
	'sorted("%s %s" % (p["name"], p["version"]) for p in r[0]["packages"] if p["type"] == "pypi")' \
	"$(printf 'Pygments 2.6.1\npip 22.2.2\npyOpenSSL 26.0.0\nrequests 2.22.0\nsetuptools 57.4.0')"

# Each advisory of the reference is one finding of its package (by its ID
# or an alias: PyPA records are merged under their CVE), each finding
# stands for at least one of them, and its fixed version is the
# reference's for that advisory.
"$PY" - "$T/want" "$T/scan.json" >"$T/cmp" <<'EOF'
import json, sys
want = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
res = json.load(open(sys.argv[2]))["results"][0]
found = [v for v in res["vulnerabilities"]]
errors = []
covered = {}
for name, version, rec, aliases, fixed in want:
    hits = [i for i, v in enumerate(found) if v["pkgName"] == name and (v["id"] == rec or rec in v["aliases"])]
    if len(hits) != 1:
        errors.append("%s %s: %d findings" % (name, rec, len(hits)))
        continue
    v = found[hits[0]]
    covered.setdefault(hits[0], []).append(rec)
    if (v["fixedVersion"] or "-") != fixed:
        errors.append("%s %s: fixed %s, the reference says %s" % (name, rec, v["fixedVersion"], fixed))
    if v["installedVersion"] != version:
        errors.append("%s %s: installed %s" % (name, rec, v["installedVersion"]))
for i, v in enumerate(found):
    if i not in covered:
        errors.append("%s %s: a finding the reference does not have" % (v["pkgName"], v["id"]))
print("%d advisories, %d findings" % (len(want), len(found)))
print("\n".join(errors) or "agree")
EOF
check_eq "findings = the reference's advisories, each with its fixed version" \
	"$(printf '%s advisories, %s findings\nagree' "$(wc -l <"$T/want")" \
	"$(jq_py 'len(r[0]["vulnerabilities"])' "$T/scan.json")")" "$(cat "$T/cmp")"
check_json "hand-checked: Pygments CVE-2021-27291 (PYSEC-2021-141), fixed in 2.7.4" \
	'["%s %s %s" % (v["pkgName"], v["fixedVersion"], "PYSEC-2021-141" in v["aliases"])
		for v in r[0]["vulnerabilities"] if v["id"] == "CVE-2021-27291"]' "Pygments 2.7.4 True"
check_json "every finding: fixed, from osv:PyPI, the advisory's page on osv.dev, a severity" \
	'sorted(set("%s %s %s %s" % (v["status"], v["dataSource"],
		v["primaryUrl"].rsplit("/", 1)[-1] in [v["id"]] + v["aliases"] and v["primaryUrl"].startswith("https://osv.dev/vulnerability/"),
		v["severity"] in ("UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"))
		for v in r[0]["vulnerabilities"]))' "fixed osv:PyPI True True" "$T/scan.json"
check_json "every finding: the package's name, version, purl and layer" \
	'sorted(set(v["pkgName"] == r[0]["packages"][v["package"]]["name"] and
		v["installedVersion"] == r[0]["packages"][v["package"]]["version"] and
		v["pkgPurl"] == r[0]["packages"][v["package"]]["purl"] and
		v["layer"] == r[0]["packages"][v["package"]]["layer"] for v in r[0]["vulnerabilities"]))' true "$T/scan.json"
check_json "layers: Pygments and pip from layer 0, requests and setuptools from layer 1" \
	'sorted(set("%s %s" % (v["pkgName"], v["layer"]) for v in r[0]["vulnerabilities"]))' \
	"$(printf 'Pygments 0\npip 0\nrequests 1\nsetuptools 1')" "$T/scan.json"

# CycloneDX: the standard vulnerabilities array, aliases as references,
# affects pointing at the component
lb image --input "$T/img" --db "$DB" -f cyclonedx
check_rc "cyclonedx report" 0
check_json "cyclonedx: one vulnerability per finding, each affecting its package's component" \
	'sorted("%s %s" % (v["id"], c[v["affects"][0]["ref"]]) for c in [{x.get("bom-ref"): x["name"] for x in d["components"]}]
		for v in d["vulnerabilities"])' \
	"$(jq_py 'sorted("%s %s" % (v["id"], v["pkgName"]) for v in r[0]["vulnerabilities"])' "$T/scan.json")"
check_json "cyclonedx: the PYSEC record is among CVE-2021-27291's references" \
	'[x["id"] for v in d["vulnerabilities"] if v["id"] == "CVE-2021-27291" for x in v.get("references", [])
		if x["id"] == "PYSEC-2021-141"]' PYSEC-2021-141

# --ignore-unfixed keeps them all (every one has a fix); --exit-code gates
lb image --input "$T/img" --db "$DB" -f json --ignore-unfixed
check_json "--ignore-unfixed: every finding has a fix, so all stay" 'len(r[0]["vulnerabilities"])' \
	"$(jq_py 'len(r[0]["vulnerabilities"])' "$T/scan.json")"
lb image --input "$T/img" --db "$DB" -f json --exit-code 3
check_rc "--exit-code 3 with findings" 3

finish
