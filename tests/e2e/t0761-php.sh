#!/bin/bash
# t0761-php: Composer packages in images. vendor/composer/installed.json
# (Composer 1 array, Composer 2 {"packages": [...]}) is installed
# evidence; composer.lock ("packages" and "packages-dev") is declared.
# Checked against a plain reading of shared/testdata/pkgdb/php, across
# layers (a replaced file, a deleted folder), with a broken file warned
# about by name.
. "$(dirname "$0")/lib.sh"
skip_unless_shared

P=$LB_TESTDATA/pkgdb/php
[ -d "$P" ] || bail "missing $P"

L0=$T/l0 L1=$T/l1 L2=$T/l2
mkdir -p "$L0/var/www/html/vendor/composer" "$L0/opt/legacy/vendor/composer" \
	"$L1/var/www/html/vendor/composer" "$L1/srv/drupal" "$L1/srv/broken" "$L2"
cp "$P/syft-vendor/composer_2/installed.json" "$L0/var/www/html/vendor/composer/installed.json"
cp "$P/syft-composer.lock" "$L0/var/www/html/composer.lock"
cp "$P/syft-vendor/composer_1/installed.json" "$L0/opt/legacy/vendor/composer/installed.json"
cp "$P/scalibr-composerlock/drupal-packages.json" "$L1/srv/drupal/composer.lock"
cp "$P/scalibr-composerlock/not-json.txt" "$L1/srv/broken/composer.lock"
# layer #1 runs "composer require": installed.json gains a package
"$PY" - "$P/syft-vendor/composer_2/installed.json" "$L1/var/www/html/vendor/composer/installed.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["packages"].append({"name": "monolog/monolog", "version": "2.9.1", "type": "library",
                      "license": ["MIT", "Apache-2.0"]})
json.dump(d, open(sys.argv[2], "w"), indent=4)
EOF
chmod -R u+w "$L0" "$L1"

mkimage --layer "$L0" --layer "$L1" --layer "$L2" --delete opt/legacy --oci "$T/img"
lb image --input "$T/img" -f json
check_rc "scan of the php image" 0
J=$T/out

# what a plain reading of a file gives: name|version|license|declared
want() { # want FILE DECLARED
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if isinstance(d, list):
    pk = d
else:
    pk = (d.get("packages") or []) + (d.get("packages-dev") or [])
out = set()
for p in pk:
    lic = p.get("license")
    if isinstance(lic, list):
        lic = " OR ".join(lic) if lic else None
    out.add("%s|%s|%s|%s" % (p["name"], p["version"], lic, sys.argv[2]))
print("\n".join(sorted(out)))
EOF
}
got() { # got DBPATH
	jq_py 'sorted("%s|%s|%s|%s" % (p["name"], p["version"], p["license"], p["declared"])
		for p in r[0]["packages"] if p["dbPath"] == "'"$1"'")' "$J"
}

check_same "installed.json (Composer 2, replaced by layer #1): its packages, installed" \
	<(want "$L1/var/www/html/vendor/composer/installed.json" False) <(got var/www/html/vendor/composer/installed.json)
check_json "installed.json: 3 packages, a \"v\" tag kept, two licenses as a disjunction" \
	'[p["name"] + " " + p["version"] + " " + str(p["license"]) for p in r[0]["packages"]
		if p["dbPath"] == "var/www/html/vendor/composer/installed.json"]' \
	"asm89/stack-cors 1.3.0 MIT
behat/mink v1.8.1 MIT
monolog/monolog 2.9.1 MIT OR Apache-2.0" "$J"
check_json "installed.json: the version of layer #1 is the one reported" \
	'sorted(set(p["layer"] for p in r[0]["packages"] if p["dbPath"] == "var/www/html/vendor/composer/installed.json"))' \
	1 "$J"
check_same "composer.lock: packages and packages-dev, declared" \
	<(want "$P/syft-composer.lock" True) <(got var/www/html/composer.lock)
check_json "composer.lock: 4 packages from layer #0" \
	'[len([p for p in r[0]["packages"] if p["dbPath"] == "var/www/html/composer.lock"]),
	  sorted(set(p["layer"] for p in r[0]["packages"] if p["dbPath"] == "var/www/html/composer.lock"))]' \
	"4
[0]" "$J"
check_same "drupal composer.lock (layer #1)" \
	<(want "$P/scalibr-composerlock/drupal-packages.json" True) <(got srv/drupal/composer.lock)
check_json "opt/legacy (Composer 1) was deleted by layer #2" \
	'[p["name"] for p in r[0]["packages"] if p["dbPath"].startswith("opt/")]' "" "$J"
check_json "purls: pkg:composer/<vendor>/<name>@<version>" \
	'sorted(p["purl"] for p in r[0]["packages"] if p["name"] in ("behat/mink", "drupal/core"))' \
	"pkg:composer/behat/mink@v1.8.1
pkg:composer/drupal/core@10.4.5" "$J"
# lib.sh's purl_check reads the last segment as the name: the vendor is
# the purl's namespace here, so join them back (both case-folded)
bad=$("$PY" - "$J" <<'EOF'
import json, sys, urllib.parse as u
for p in json.load(open(sys.argv[1]))["results"][0]["packages"]:
    s = p["purl"]
    rest, _, ver = s[len("pkg:"):].partition("?")[0].rpartition("@")
    parts = [u.unquote(x) for x in rest.split("/")]
    got = (parts[0], "/".join(parts[1:]), u.unquote(ver))
    if got != (p["type"], p["name"].lower(), p["version"]) or len(parts) != 3:
        print("purl %s parses to %r" % (s, got))
EOF
)
check_eq "every purl parses back to composer/<vendor>/<name>@<version>" "" "$bad"
check_json "one warning, naming the broken composer.lock; partial" \
	'[r[0]["partial"], len(r[0]["warnings"]), "srv/broken/composer.lock" in r[0]["warnings"][0]]' \
	"true
1
true" "$J"
check_json "11 composer packages in all" 'len([p for p in r[0]["packages"] if p["type"] == "composer"])' 11 "$J"

# the Composer 1 file as a root folder
lb rootfs "$L0/opt/legacy" -f json
check_rc "rootfs scan of a Composer 1 vendor tree" 0
check_same "Composer 1 installed.json (a top-level array)" \
	<(want "$P/syft-vendor/composer_1/installed.json" False) \
	<(jq_py 'sorted("%s|%s|%s|%s" % (p["name"], p["version"], p["license"], p["declared"]) for p in r[0]["packages"])')


# --- matching: a "v" tag is the same version to Composer ------------------------
mkdir -p "$T/osv"
cat >"$T/osv/GHSA-t076-0002.json" <<'EOF'
{"id": "GHSA-t076-0002", "modified": "2024-01-01T00:00:00Z", "summary": "test advisory",
 "affected": [{"package": {"ecosystem": "Packagist", "name": "behat/mink"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.8.2"}]}]},
  {"package": {"ecosystem": "Packagist", "name": "Behat/Gherkin"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.6.2"}]}]}]}
EOF
lb db build --source "osv:$T/osv" -o "$T/osv.db"
check_rc "a database with a Packagist advisory" 0
LB_SCANNERS=default lb image --input "$T/img" --db "$T/osv.db" -f json
check_rc "vulnerability scan of the php image" 0
check_json "behat/mink v1.8.1 < 1.8.2 is affected; behat/gherkin v4.6.2 = 4.6.2 is fixed" \
	'sorted("%s %s %s" % (v["id"], v["pkgName"], v["installedVersion"]) for v in r[0]["vulnerabilities"])' \
	"GHSA-t076-0002 behat/mink v1.8.1"

finish
