#!/bin/bash
# t0630-example-db: the bundled database examples/lifebelt.db (made by
# scripts/build-example-db.sh from the shared feeds) finds the known
# vulnerabilities of the bundled example image, offline. Needs nothing
# but this repository.
#
# Expected answers, hand-checked against the feeds when the database was
# built (see the comments below), not taken from lifebelt:
#  - Alpine secdb v3.7 main.json: "musl" secfixes "1.1.18-r4": ["CVE-2019-14697"];
#    the image has musl and musl-utils 1.1.18-r3 (origin musl): both
#    affected. Nothing else of the 13 apk packages is below a v3.7 fix
#    (busybox 1.27.2-r11 > 1.27.2-r4; libressl 2.6.5-r0 = 2.6.5-r0).
#  - Go vulnerability database (the binary's build info, read by the Go
#    binary analyzer): the binary's standard library is go1.15.2;
#    GO-2021-0069 (CVE-2020-28362) "introduced 1.15.0-0, fixed 1.15.5" and
#    GO-2021-0235 (CVE-2021-3114) "introduced 1.15.0-0, fixed 1.15.7" cover
#    it; 131 stdlib records of osv-go cover 1.15.2 in all (counted with an
#    independent script over osv-go, events sorted as semver).
. "$(dirname "$0")/lib.sh"
LB_SCANNERS=default     # lib.sh's lb adds --scanners none unless told so

DB=$LB_SRCDIR/examples/lifebelt.db
IMG=$LB_SRCDIR/examples/alpine-3.7.tar
[ -f "$DB" ] || bail "no bundled database at '$DB' (scripts/build-example-db.sh makes it)"
[ -f "$IMG" ] || bail "no example image at '$IMG'"

size=$(stat -c %s "$DB")
if [ "$size" -lt 5000000 ]; then pass "the bundled database is small ($size bytes)"; else fail "the bundled database is $size bytes"; fi

# offline: no network namespace when we can make one, and an empty cache
RUN=()
if unshare -rn true 2>/dev/null; then
	RUN=(unshare -rn)
	say "scans run without a network (unshare -rn)"
fi
export XDG_CACHE_HOME=$T/empty-cache
export http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9   # a use of the network would fail
offline() {   # like lb, inside RUN
	"${RUN[@]}" "$LIFEBELT" "$@" >"$T/out" 2>"$T/err"
	LB_RC=$?
}

offline db info --db "$DB"
check_rc "db info of the bundled database" 0
check_grep "the bundled database holds the Alpine secdb" '^ +alpine-secdb +[1-9][0-9]* ' "$T/out"
check_grep "the bundled database holds the Go vulnerability database" '^ +osv +[1-9][0-9]* .*osv-go$' "$T/out"

offline image --input "$IMG" --db "$DB" -f json
check_rc "scan of the example image with the bundled database" 0
check_json "no warnings" 'r[0]["warnings"]' ""
check_json "the Alpine findings: musl and musl-utils CVE-2019-14697, fixed in 1.1.18-r4, layer 0" \
	'sorted("%s %s %s %s %s %s" % (v["pkgName"], v["id"], v["installedVersion"], v["fixedVersion"], v["status"], v["layer"])
		for v in r[0]["vulnerabilities"] if v["dataSource"] == "alpine-secdb")' \
	"$(printf 'musl CVE-2019-14697 1.1.18-r3 1.1.18-r4 fixed 0\nmusl-utils CVE-2019-14697 1.1.18-r3 1.1.18-r4 fixed 0')"
check_json "no other apk package has a finding" \
	'sorted(set(r[0]["packages"][v["package"]]["type"] + ":" + v["pkgName"] for v in r[0]["vulnerabilities"]
		if r[0]["packages"][v["package"]]["type"] == "apk"))' \
	"$(printf 'apk:musl\napk:musl-utils')"

# The Go binary against the Go vulnerability database: its standard
# library (go1.15.2, from the build info) and modules are in the inventory
check_json "the Go binary's standard library is in the inventory" \
	'[p["version"] for p in r[0]["packages"] if p["type"] == "golang" and p["name"] == "stdlib"]' v1.15.2
check_json "Go stdlib 1.15.2: CVE-2020-28362 (GO-2021-0069), fixed in 1.15.5 (the fix above 1.15.2)" \
	'[v["fixedVersion"] for v in r[0]["vulnerabilities"] if v["pkgName"] == "stdlib" and v["id"] == "CVE-2020-28362"]' \
	"1.15.5"
check_json "Go stdlib 1.15.2: CVE-2021-3114 (GO-2021-0235), fixed in 1.15.7" \
	'[v["fixedVersion"] for v in r[0]["vulnerabilities"] if v["pkgName"] == "stdlib" and v["id"] == "CVE-2021-3114"]' \
	"1.15.7"
check_json "Go stdlib 1.15.2: 131 advisories of the Go vulnerability database, all from osv" \
	'[len([v for v in r[0]["vulnerabilities"] if v["pkgName"] == "stdlib"]),
	  sorted(set(v["dataSource"] for v in r[0]["vulnerabilities"] if v["pkgName"] == "stdlib"))]' \
	"$(printf '131\n["osv:Go"]')"
check_json "Go findings are in the binary's layer (1)" \
	'sorted(set(v["layer"] for v in r[0]["vulnerabilities"] if v["pkgName"] == "stdlib"))' 1
check_json "Go findings link to the Go record on osv.dev" \
	'[v["primaryUrl"] for v in r[0]["vulnerabilities"] if v["id"] == "CVE-2020-28362"]' \
	"https://osv.dev/vulnerability/GO-2021-0069"

# the README's form, as a table
offline image --input "$IMG" --db "$DB"
check_rc "table report" 0
check_grep "table: musl CVE-2019-14697" '^musl +CVE-2019-14697 +[A-Z]+ +fixed +1\.1\.18-r3 +1\.1\.18-r4' "$T/out"
check_grep "table: the count line" '^Vulnerabilities: [1-9]' "$T/out"

offline image --input "$IMG" --db "$DB" -f cyclonedx
check_rc "cyclonedx report" 0
check_json "cyclonedx: CVE-2019-14697 affects musl's component" \
	'sorted(c[v["affects"][0]["ref"]] for c in [{x.get("bom-ref"): x["name"] for x in d["components"]}]
		for v in d["vulnerabilities"] if v["id"] == "CVE-2019-14697")' "$(printf 'musl\nmusl-utils')"

offline image --input "$IMG" --db "$DB" --exit-code 1
check_rc "--exit-code 1 with findings" 1

# when the shared feeds are here, the script rebuilds the same file
if [ -d "$LB_TESTDATA/vulndb/alpine-secdb" ]; then
	# the database records the feed paths: give them as the script's default
	# (../shared) when that is where they are
	shared=$LB_SHARED
	[ "$(cd "$LB_SHARED" && pwd -P)" = "$(cd "$LB_SRCDIR/.." && pwd -P)/shared" ] && shared=../shared
	if LIFEBELT=$LIFEBELT LB_SHARED=$shared "$LB_SRCDIR/scripts/build-example-db.sh" "$T/rebuilt.db" >"$T/rebuild.log" 2>&1; then
		pass "scripts/build-example-db.sh runs"
		if cmp -s "$T/rebuilt.db" "$DB"; then
			say "examples/lifebelt.db is what scripts/build-example-db.sh makes today"
		else
			say "NOTE: examples/lifebelt.db differs from what scripts/build-example-db.sh makes today; rebuild it"
		fi
	else
		fail "scripts/build-example-db.sh fails" "$(tail -5 "$T/rebuild.log")"
	fi
fi

finish
