#!/bin/bash
# t0700-python: Python packages in an image. Layer 0 is a Debian-like
# root: the real python3-six and python3-urllib3 .debs unpacked with their
# dpkg status and file lists (so their egg-info is owned by dpkg), plus
# pip-style site-packages copied from the pkgdb fixtures (dist-info,
# egg-info, a zipped egg, a broken METADATA). Layer 1 is the application:
# requirements.txt, poetry.lock, uv.lock and Pipfile.lock, and it deletes
# one installed package. Checks names, versions, purls (PEP 503), the
# evidence paths, layers, the declared flag, the dpkg owner and the one
# warning the broken file gives.
#
# The Debian part needs `apt-get download` (the Debian mirror); without it
# that part is skipped, or fails when CI=true.
. "$(dirname "$0")/lib.sh"
skip_unless_shared

P=$LB_TESTDATA/pkgdb/python
[ -d "$P" ] || bail "missing $P"
[ -x "$LIFEBELT" ] || bail "no lifebelt binary at '$LIFEBELT'"

L0=$T/base
L1=$T/app
SP=usr/local/lib/python3.11/site-packages
mkdir -p "$L0/$SP" "$L0/var/lib/dpkg/info" "$L1/app"
: >"$L0/var/lib/dpkg/status"

# --- layer 0: real Debian python3-* packages ---------------------------------
# deb_install DEB: unpacks DEB into the root and records it as dpkg would
deb_install() {
	local deb=$1 pkg
	pkg=$(dpkg-deb -f "$deb" Package)
	dpkg-deb -x "$deb" "$L0"
	{
		dpkg-deb -f "$deb" | awk 'NR == 1 { print; print "Status: install ok installed"; next } { print }'
		echo
	} >>"$L0/var/lib/dpkg/status"
	dpkg-deb -c "$deb" | awk '{ p = $6; sub(/^\./, "", p); sub(/\/$/, "", p); print (p == "" ? "/." : p) }' \
		>"$L0/var/lib/dpkg/info/$pkg.list"
}
DEBIAN=0
if command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then
	mkdir -p "$T/debs"
	if (cd "$T/debs" && apt-get download python3-six python3-urllib3 >"$T/apt.log" 2>&1) &&
		ls "$T"/debs/python3-six_*.deb "$T"/debs/python3-urllib3_*.deb >/dev/null 2>&1; then
		for d in "$T"/debs/*.deb; do deb_install "$d"; done
		DEBIAN=1
	fi
fi
if [ "$DEBIAN" = 0 ]; then
	[ "${CI:-}" = true ] && bail "apt-get download python3-six python3-urllib3 failed: $(tail -2 "$T/apt.log" 2>/dev/null)"
	say "SKIP the Debian part: apt-get download failed or is missing"
fi

# --- layer 0: pip-installed packages from the fixtures ------------------------
mkdir -p "$L0/$SP/Pygments-2.6.1.dist-info" "$L0/$SP/requests-2.22.0.egg-info" \
	"$L0/$SP/pyOpenSSL-26.0.0.dist-info" "$L0/$SP/passlib-1.7.4.dist-info" "$L0/$SP/broken-1.0.dist-info"
cp "$P/syft-site-packages/nested/dist-name/dist-info/METADATA" "$L0/$SP/Pygments-2.6.1.dist-info/METADATA"
cp "$P/syft-site-packages/nested/dist-name/dist-info/RECORD" "$L0/$SP/Pygments-2.6.1.dist-info/RECORD"
cp "$P/syft-site-packages/nested/dist-name/dist-info/top_level.txt" "$L0/$SP/Pygments-2.6.1.dist-info/"
cp "$P/syft-site-packages/nested/egg-name/egg-info/PKG-INFO" "$L0/$SP/requests-2.22.0.egg-info/PKG-INFO"
cp "$P/scalibr-wheelegg/pyopenssl-26.0.0.dist-info" "$L0/$SP/pyOpenSSL-26.0.0.dist-info/METADATA"
cp "$P/scalibr-wheelegg/malformed_pkginfo" "$L0/$SP/passlib-1.7.4.dist-info/METADATA"
cp "$P/scalibr-wheelegg/empty" "$L0/$SP/broken-1.0.dist-info/METADATA"
cp "$P/scalibr-wheelegg/monotonic-1.6-py3.10.egg" "$L0/$SP/monotonic-1.6-py3.10.egg"
cp "$P/syft-Python-2.7.egg-info" "$L0/usr/local/lib/python3.11/Python-2.7.egg-info"

# --- layer 1: the application's lockfiles; passlib is uninstalled -------------
cp "$P/syft-requirements/requirements.txt" "$L1/app/requirements.txt"
cp "$P/syft-poetry-simple-deps/poetry.lock" "$L1/app/poetry.lock"
mkdir -p "$L1/app/uv"
cp "$P/syft-uv-simple-deps/uv.lock" "$L1/app/uv/uv.lock"
cp "$P/syft-pipfile-lock/Pipfile.lock" "$L1/app/Pipfile.lock"

mkimage --layer "$L0" --layer "$L1" --delete "$SP/passlib-1.7.4.dist-info" --oci "$T/img"
lb image --input "$T/img" -f json
check_rc "scan" 0
cp "$T/out" "$T/scan.json"
J=$T/scan.json

# --- installed -------------------------------------------------------------------
want="Python 2.7.13
Pygments 2.6.1
monotonic 1.6
pyOpenSSL 26.0.0
requests 2.22.0"
[ "$DEBIAN" = 1 ] && want=$(printf '%s\nsix 1.16.0\nurllib3 %s\n' "$want" \
	"$(sed -n 's/^Version: //p' "$L0"/usr/lib/python3/dist-packages/urllib3-*.egg-info/PKG-INFO)" | LC_ALL=C sort)
check_json "installed pypi packages (passlib deleted in layer 1, the broken one skipped)" \
	'sorted(p["name"] + " " + p["version"] for p in r[0]["packages"] if p["type"] == "pypi" and not p["declared"])' \
	"$want" "$J"
check_json "installed ones come from layer 0" \
	'sorted(set(p["layer"] for p in r[0]["packages"] if p["type"] == "pypi" and not p["declared"]))' 0 "$J"
check_json "Pygments: purl, evidence, license" \
	'[(p["purl"], p["dbPath"], p["license"]) for p in r[0]["packages"] if p["name"] == "Pygments"]' \
	"[\"pkg:pypi/pygments@2.6.1\", \"$SP/Pygments-2.6.1.dist-info/METADATA\", \"BSD License\"]" "$J"
check_json "pyOpenSSL: the purl name is PEP 503 normalised" \
	'[p["purl"] for p in r[0]["packages"] if p["name"] == "pyOpenSSL"]' "pkg:pypi/pyopenssl@26.0.0" "$J"
check_json "the egg's evidence is inside the zip" \
	'[p["dbPath"] for p in r[0]["packages"] if p["name"] == "monotonic"]' \
	"$SP/monotonic-1.6-py3.10.egg!/EGG-INFO/PKG-INFO" "$J"
check_json "the single-file egg-info" \
	'[p["dbPath"] for p in r[0]["packages"] if p["name"] == "Python"]' \
	"usr/local/lib/python3.11/Python-2.7.egg-info" "$J"
check_json "pip-installed ones have no OS owner" \
	'sorted(set(str(p["owner"]) for p in r[0]["packages"] if p["type"] == "pypi" and p["dbPath"].startswith("usr/local/")))' \
	None "$J"
if [ "$DEBIAN" = 1 ]; then
	check_json "Debian's six: egg-info evidence, owned by the deb" \
		'[(p["dbPath"], p["owner"], p["purl"]) for p in r[0]["packages"] if p["type"] == "pypi" and p["name"] == "six"]' \
		'["usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO", "deb:python3-six", "pkg:pypi/six@1.16.0"]' "$J"
	check_json "Debian's urllib3 is owned by python3-urllib3" \
		'[p["owner"] for p in r[0]["packages"] if p["type"] == "pypi" and p["name"] == "urllib3" and not p["declared"]]' \
		deb:python3-urllib3 "$J"
	check_json "the debs themselves" \
		'sorted(p["name"] for p in r[0]["packages"] if p["type"] == "deb")' "python3-six
python3-urllib3" "$J"
fi

# --- declared ------------------------------------------------------------------------
# decl FILE: "name version" of the declared packages whose evidence is FILE
decl() {
	jq_py 'sorted(p["name"] + " " + p["version"] for p in r[0]["packages"] if p["declared"] and p["dbPath"] == "'"$1"'")' "$J"
}
check_eq "requirements.txt: the 11 exact pins" "FrIeNdLy-_-bArD 1.0.0
GithubSampleProject 3.7.1
SomeProject 5.4
argh 0.26.2
argh 0.26.3
celery 4.4.7
dots-._allowed 1.0.0
flask 4.0.0
foo 1.0.0
local-version 1.2.3+gcr.2
urllib3 1.26.20" "$(decl app/requirements.txt)"
check_eq "poetry.lock: 5 packages" "certifi 2024.2.2
charset-normalizer 3.3.2
idna 3.7
requests 2.32.2
urllib3 2.2.1" "$(decl app/poetry.lock)"
check_eq "uv.lock: 5 packages (the project itself is not one)" "certifi 2025.1.31
charset-normalizer 3.4.1
idna 3.10
requests 2.32.3
urllib3 2.3.0" "$(decl app/uv/uv.lock)"
check_eq "Pipfile.lock: 4 default + 2 develop" "aio-pika 6.8.0
aiodns 2.0.0
aiohttp 3.7.4.post0
aiohttp-jinja2 1.4.2
astroid 2.5.2
autopep8 1.5.6" "$(decl app/Pipfile.lock)"
check_json "declared ones come from layer 1" \
	'sorted(set(p["layer"] for p in r[0]["packages"] if p["declared"]))' 1 "$J"
check_json "declared PEP 503 purl" \
	'[p["purl"] for p in r[0]["packages"] if p["name"] == "FrIeNdLy-_-bArD"]' "pkg:pypi/friendly-bard@1.0.0" "$J"
check_json "no top_level.txt or dependency_links.txt read as requirements" \
	'[p["dbPath"] for p in r[0]["packages"] if p["dbPath"].endswith(".txt") and p["dbPath"] != "app/requirements.txt"]' "" "$J"
# pypi purls carry the PEP 503 name: lowercase, runs of "-_." as one "-"
bad=$("$PY" - "$J" <<'EOF2'
import json, re, sys, urllib.parse as u
d = json.load(open(sys.argv[1]))
for p in d["results"][0]["packages"]:
    if p["type"] != "pypi":
        continue
    want = "pkg:pypi/%s@%s" % (re.sub(r"[-_.]+", "-", p["name"]).lower(), u.quote(p["version"], safe=".-_~"))
    if p["purl"] != want:
        print("%s: purl %s, not %s" % (p["name"], p["purl"], want))
EOF2
)
check_eq "every pypi purl is pkg:pypi/<PEP 503 name>@<version>" "" "$bad"

# --- the broken METADATA -----------------------------------------------------------------
check_json "one warning, naming the empty METADATA" \
	'[w for w in r[0]["warnings"]]' \
	"cannot parse '$SP/broken-1.0.dist-info/METADATA': no Name" "$J"
check_json "partial" 'r[0]["partial"]' true "$J"

# --- a rootfs scan of the same tree finds the same installed packages --------------------
rm -rf "$L0/$SP/passlib-1.7.4.dist-info"
lb rootfs "$L0" -f json
check_rc "rootfs scan" 0
check_json "rootfs: the same installed packages" \
	'sorted(p["name"] + " " + p["version"] for p in r[0]["packages"] if p["type"] == "pypi" and not p["declared"])' \
	"$want"
finish
