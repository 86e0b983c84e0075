#!/bin/bash
# t0710-node: Node packages in an image, from a real `npm install`.
# Layer 0: an application installed with npm (a scoped package, a nested
# node_modules from two versions of ms, npm's hidden lockfile). Layer 1: a
# global install (npm -g under usr/local/lib/node_modules, with a nested
# dependency). Layer 2: yarn and pnpm lockfiles from the pkgdb fixtures,
# and lodash deleted from node_modules. Every package of the resulting
# package-lock.json must be reported as installed (name, version, purl,
# evidence path, layer), and only once: lodash, deleted, as declared by the
# lockfile, the others not again as declared.
#
# Needs npm and the npm registry; without them the test is skipped (it
# fails when CI=true).
. "$(dirname "$0")/lib.sh"
skip_unless_shared
[ -x "$LIFEBELT" ] || bail "no lifebelt binary at '$LIFEBELT'"
N=$LB_TESTDATA/pkgdb/node
[ -d "$N" ] || bail "missing $N"
command -v npm >/dev/null || skip_or_fail "needs npm, which is not installed"

L0=$T/l0
L1=$T/l1
L2=$T/l2
APP=srv/app
mkdir -p "$L0/$APP" "$L1/usr/local" "$L2/srv/yarn-app" "$L2/srv/pnpm-app"

# npm_do ARGS...: runs npm quietly; a failure means no registry here
npm_do() {
	if ! npm --no-audit --no-fund --no-update-notifier --loglevel=error "$@" >>"$T/npm.log" 2>&1; then
		tail -5 "$T/npm.log"
		skip_or_fail "npm $* failed: is the npm registry reachable?"
	fi
}
echo '{ "name": "lb-app", "version": "1.0.0", "private": true }' >"$L0/$APP/package.json"
npm_do install --prefix "$L0/$APP" is-number@7.0.0 @types/node@20.0.0 lodash@4.17.20 debug@2.6.9 ms@2.1.3
npm_do install -g --prefix "$L1/usr/local" is-odd@3.0.1
LOCK=$L0/$APP/package-lock.json
[ -f "$LOCK" ] || bail "npm wrote no package-lock.json"
[ -f "$L0/$APP/node_modules/debug/node_modules/ms/package.json" ] ||
	bail "npm did not nest ms under debug: $(ls "$L0/$APP/node_modules")"

cp "$N/syft-yarn-berry/yarn.lock" "$L2/srv/yarn-app/yarn.lock"
cp "$N/scalibr-pnpm-lock/multiple-versions.v9.yaml" "$L2/srv/pnpm-app/pnpm-lock.yaml"

mkimage --layer "$L0" --layer "$L1" --layer "$L2" --delete "$APP/node_modules/lodash" --oci "$T/img"
lb image --input "$T/img" -f json
check_rc "scan" 0
cp "$T/out" "$T/scan.json"
J=$T/scan.json

# lock_rows [SKIP]: "name version evidence purl" of each package of the
# lockfile as npm wrote it, except those under node_modules/SKIP
lock_rows() {
	"$PY" - "$LOCK" "$APP" "${1:-}" <<'EOF'
import json, sys, urllib.parse as u
lock, app, skip = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
rows = []
for key, v in lock["packages"].items():
    if not key or (skip and key == "node_modules/" + skip):
        continue
    name = v.get("name") or key.rsplit("node_modules/", 1)[1]
    ns, _, base = name.rpartition("/")
    purl = "pkg:npm/" + (u.quote(ns, safe="") + "/" if ns else "") + u.quote(base, safe="") + "@" + v["version"]
    rows.append("%s %s %s/%s/package.json %s" % (name, v["version"], app, key, purl))
print("\n".join(sorted(rows)))
EOF
}
lock_rows lodash >"$T/want-installed"
jq_py 'sorted("%s %s %s %s" % (p["name"], p["version"], p["dbPath"], p["purl"]) for p in r[0]["packages"]
	if p["type"] == "npm" and not p["declared"] and p["dbPath"].startswith("'"$APP"'/"))' "$J" >"$T/got-installed"
check_same "every package of package-lock.json is installed (lodash deleted in layer 2)" \
	"$T/want-installed" "$T/got-installed"
check_eq "npm installed 6 packages, 5 are left" 5 "$(wc -l <"$T/want-installed")"
check_json "the app's installed packages come from layer 0" \
	'sorted(set(p["layer"] for p in r[0]["packages"] if not p["declared"] and p["dbPath"].startswith("'"$APP"'/")))' 0 "$J"
check_json "nested: debug's own ms 2.0.0 next to the top-level ms 2.1.3" \
	'sorted(p["dbPath"] + " " + p["version"] for p in r[0]["packages"] if p["name"] == "ms" and not p["declared"])' \
	"$APP/node_modules/debug/node_modules/ms/package.json 2.0.0
$APP/node_modules/ms/package.json 2.1.3" "$J"
check_json "scoped: @types/node's purl" \
	'[p["purl"] for p in r[0]["packages"] if p["name"] == "@types/node" and not p["declared"]]' \
	"pkg:npm/%40types/node@20.0.0" "$J"
check_json "licenses from package.json" \
	'sorted(set(str(p["license"]) for p in r[0]["packages"] if p["type"] == "npm" and not p["declared"]))' MIT "$J"

# --- declared by the lockfile ---------------------------------------------------
# a package both installed and declared in the same project is reported
# once, as installed: what stays declared is what is not installed
lock_rows | awk '{ print $1, $2 }' | LC_ALL=C sort -u >"$T/lock-all"
awk '{ print $1, $2 }' "$T/want-installed" | LC_ALL=C sort -u | comm -23 "$T/lock-all" - >"$T/want-declared"
jq_py 'sorted(p["name"] + " " + p["version"] for p in r[0]["packages"]
	if p["declared"] and p["dbPath"] == "'"$APP"'/package-lock.json")' "$J" >"$T/got-declared"
check_same "package-lock.json: only lodash (deleted from node_modules) stays declared" \
	"$T/want-declared" "$T/got-declared"
check_eq "... which is lodash" "lodash 4.17.20" "$(cat "$T/want-declared")"
check_json "each package of the app once: installed, or declared" \
	'len([p for p in r[0]["packages"] if p["type"] == "npm" and p["dbPath"].startswith("'"$APP"'/")])' 6 "$J"
check_json "npm's hidden node_modules/.package-lock.json is not read" \
	'[p["dbPath"] for p in r[0]["packages"] if p["dbPath"].endswith(".package-lock.json")]' "" "$J"
check_json "the app's own package.json is not a package" \
	'[p["name"] for p in r[0]["packages"] if p["name"] == "lb-app"]' "" "$J"

# --- global npm ------------------------------------------------------------------
G=usr/local/lib/node_modules
check_json "global: is-odd and its own is-number, from layer 1" \
	'sorted("%s %s %s %d" % (p["name"], p["version"], p["dbPath"], p["layer"]) for p in r[0]["packages"]
		if p["dbPath"].startswith("'"$G"'/"))' \
	"is-number 6.0.0 $G/is-odd/node_modules/is-number/package.json 1
is-odd 3.0.1 $G/is-odd/package.json 1" "$J"

# --- yarn and pnpm lockfiles ----------------------------------------------------------
check_json "yarn berry: 8 packages, declared, layer 2" \
	'"%d %s" % (len([p for p in r[0]["packages"] if p["dbPath"] == "srv/yarn-app/yarn.lock"]),
		sorted(set((p["declared"], p["layer"]) for p in r[0]["packages"] if p["dbPath"] == "srv/yarn-app/yarn.lock")))' \
	"8 [(True, 2)]" "$J"
check_json "pnpm v9: uuid 8.0.0, uuid 8.3.2, xmlbuilder 11.0.1" \
	'sorted(p["purl"] for p in r[0]["packages"] if p["dbPath"] == "srv/pnpm-app/pnpm-lock.yaml")' \
	"pkg:npm/uuid@8.0.0
pkg:npm/uuid@8.3.2
pkg:npm/xmlbuilder@11.0.1" "$J"

# --- every npm purl ---------------------------------------------------------------------
bad=$("$PY" - "$J" <<'EOF'
import json, sys, urllib.parse as u
for p in json.load(open(sys.argv[1]))["results"][0]["packages"]:
    if p["type"] != "npm":
        continue
    ns, _, base = p["name"].rpartition("/")
    want = "pkg:npm/" + (u.quote(ns, safe="") + "/" if ns else "") + u.quote(base, safe="") + "@" + u.quote(p["version"], safe=".-_~")
    if p["purl"] != want:
        print("%s: %s, not %s" % (p["name"], p["purl"], want))
EOF
)
check_eq "every npm purl is pkg:npm/[%40scope/]name@version" "" "$bad"
check_json "no warnings" 'r[0]["warnings"]' "" "$J"
finish
