#!/bin/bash
# t0900-report-schemas.sh - every report format validates against its JSON
# Schema: json against docs/lifebelt-report-1.2.schema.json, and cyclonedx,
# sarif, spdx-json and openvex against the official CycloneDX 1.6, SARIF
# 2.1.0, SPDX 2.3 and OpenVEX schemas in tests/schemas (SOURCES.md).
#
# The reports come from t_report, which writes them from a hand-built
# inventory full of hostile strings when LBT_REPORT_DUMP names a folder:
# without a vulnerability database, and with one (findings of every status,
# and none at all).
# Validation needs node and ajv (`npm ci` in tests/tools); without them the
# test is skipped, except in CI (CI=true) where that is a setup error.
set -eu

src=${LB_SRCDIR:?run through ctest}
build=${LB_BUILDDIR:?run through ctest}
schemas=$src/tests/schemas
tools=$src/tests/tools

missing() {
	if [ "${CI:-}" = true ]; then
		echo "error: $* (required in CI)" >&2
		exit 1
	fi
	echo "skipped: $*"
	exit 77
}

command -v node >/dev/null 2>&1 || missing "node is not installed"
[ -f "$tools/node_modules/ajv/package.json" ] && [ -f "$tools/node_modules/ajv-formats/package.json" ] &&
	[ -f "$tools/node_modules/ajv-draft-04/package.json" ] ||
	missing "ajv is not installed: run 'npm ci' in tests/tools"
[ -f "$schemas/bom-1.6.schema.json" ] || { echo "error: '$schemas/bom-1.6.schema.json' is absent" >&2; exit 1; }

t_report=$build/tests/t_report
if [ ! -x "$t_report" ]; then
	echo "error: '$t_report' is not built" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LBT_REPORT_DUMP=$tmp "$t_report"

validate() {
	node "$tools/validate-schema.js" "$@"
}

# The real thing too, when the binary and a rootfs are at hand.
rootfs=${LB_TESTDATA:-$src/../shared/testdata}/rootfs/alpine/alpine-minirootfs-3.7.3-x86_64.tar.gz
if [ -x "${LIFEBELT:-}" ] && [ -f "$rootfs" ]; then
	mkdir "$tmp/rootfs"
	tar -xzf "$rootfs" -C "$tmp/rootfs" 2>/dev/null || true
	"$LIFEBELT" rootfs "$tmp/rootfs" -q -f json -o "$tmp/alpine.json"
	"$LIFEBELT" rootfs "$tmp/rootfs" -q -f json --list-files -o "$tmp/alpine-files.json"
	"$LIFEBELT" rootfs "$tmp/rootfs" -q -f cyclonedx -o "$tmp/alpine.cyclonedx"
	grep -q '"pkg:apk/alpine/musl@1.1.18-r3?arch=x86_64&distro=3.7.3"' "$tmp/alpine.json" ||
		{ echo "error: musl's purl is missing from the alpine 3.7.3 report" >&2; exit 1; }
fi

report_schema=$src/docs/lifebelt-report-1.2.schema.json
cdx_schemas=("$schemas/bom-1.6.schema.json" "$schemas/spdx.schema.json" "$schemas/jsf-0.82.schema.json")
json_docs=("$tmp"/*.json)
cdx_docs=("$tmp"/*.cyclonedx)
n=$((${#json_docs[@]} + ${#cdx_docs[@]}))
[ "$n" -ge 15 ] || [ ! -x "${LIFEBELT:-}" ] || [ ! -f "$rootfs" ] ||
	{ echo "error: only $n reports were written" >&2; exit 1; }
[ "$n" -ge 12 ] || { echo "error: only $n reports were written" >&2; exit 1; }

# The documents with findings must hold them, or validating them proves
# little: 5 findings (with vulns-multi's clean image, 5 and 0), and an empty
# array, not null or nothing, when a database found none.
count_vulns() {
	node -e '
		const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const v = d.bomFormat ? [d.vulnerabilities] : d.results.map(r => r.vulnerabilities);
		console.log(v.map(x => x === undefined ? "absent" : x === null ? "null" : x.length).join(" "));
	' "$1"
}
expect_vulns() {
	local got
	got=$(count_vulns "$tmp/$1")
	[ "$got" = "$2" ] || { echo "error: '$1' has vulnerabilities '$got', not '$2'" >&2; exit 1; }
}
expect_vulns report-vulns.json 5
expect_vulns report-vulns-multi.json "5 0"
expect_vulns report-clean.json 0
expect_vulns report-one.json null
expect_vulns report-vulns.cyclonedx 5
expect_vulns report-vulns-multi.cyclonedx 5
expect_vulns report-clean.cyclonedx 0
expect_vulns report-one.cyclonedx absent

validate "$report_schema" -- "${json_docs[@]}"
validate "${cdx_schemas[@]}" -- "${cdx_docs[@]}"
# the other formats, with and without findings
validate "$schemas/sarif-schema-2.1.0.json" -- "$tmp"/*.sarif
validate "$schemas/spdx-2.3.schema.json" -- "$tmp"/*.spdx-json
# OpenVEX wants at least one statement: only the reports with findings
validate "$schemas/openvex.schema.json" -- "$tmp"/report-vulns.openvex "$tmp"/report-vulns-multi.openvex \
	"$tmp"/report-vulns-policy.openvex
# the report with exceptions has them, or validating it proves little
node -e '
	const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	if (d.exceptions.length !== 5 || d.results[0].suppressed.length !== 2)
		process.exit(1);
' "$tmp/report-vulns-policy.json" || { echo "error: report-vulns-policy.json lacks its exceptions" >&2; exit 1; }
for f in one multi none clean; do
	grep -q '"statements": \[\]' "$tmp/report-$f.openvex" ||
		{ echo "error: 'report-$f.openvex' has statements" >&2; exit 1; }
done

# The validator itself must reject a broken document, or the checks above
# prove nothing (status 1 is "invalid"; 2 would be a setup error).
must_reject() {
	local rc=0
	validate "$@" 2>/dev/null || rc=$?
	if [ "$rc" -ne 1 ]; then
		echo "error: the validator returned $rc for the broken '${*: -1}', not 1" >&2
		exit 1
	fi
}
sed 's/"specVersion": "1.6"/"specVersion": 1.6/' "$tmp/report-one.cyclonedx" >"$tmp/broken.cdx"
must_reject "${cdx_schemas[@]}" -- "$tmp/broken.cdx"
sed 's/"schemaVersion": "1.2"/"schemaVersion": "1.2", "extra": 1/' "$tmp/report-one.json" >"$tmp/broken.jsn"
must_reject "$report_schema" -- "$tmp/broken.jsn"
# a finding's members are as closed as the rest
sed 's/"dataSource": /"dataSorce": /' "$tmp/report-vulns.json" >"$tmp/broken.jsn"
must_reject "$report_schema" -- "$tmp/broken.jsn"
sed 's/"severity": "critical"/"severity": "CRITICAL"/' "$tmp/report-vulns.cyclonedx" >"$tmp/broken.cdx"
must_reject "${cdx_schemas[@]}" -- "$tmp/broken.cdx"
sed 's/"level": "error"/"level": "fatal"/' "$tmp/report-vulns.sarif" >"$tmp/broken.sarif"
must_reject "$schemas/sarif-schema-2.1.0.json" -- "$tmp/broken.sarif"
sed 's/"primaryPackagePurpose": "LIBRARY"/"primaryPackagePurpose": "LIB"/' "$tmp/report-vulns.spdx-json" >"$tmp/broken.spdx"
must_reject "$schemas/spdx-2.3.schema.json" -- "$tmp/broken.spdx"
sed 's/"status": "affected"/"status": "vulnerable"/' "$tmp/report-vulns.openvex" >"$tmp/broken.vex"
must_reject "$schemas/openvex.schema.json" -- "$tmp/broken.vex"
must_reject "$schemas/openvex.schema.json" -- "$tmp/report-clean.openvex"
echo "ok: $n reports valid"
