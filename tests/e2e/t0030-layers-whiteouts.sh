#!/bin/bash
# t0030-layers-whiteouts: merging layers. Whiteouts (.wh.NAME) and opaque
# directories (.wh..wh..opq) hide lower layers only; a later layer's file
# replaces an earlier one; each package is attributed to the layer that
# added its current version; history created_by lines skip empty_layer
# entries; hard links and symlinks resolve inside the image root.
. "$(dirname "$0")/lib.sh"
skip_unless_shared
need_cmd tar

A37=$LB_TESTDATA/rootfs/alpine/alpine-minirootfs-3.7.3-x86_64.tar.gz
[ -f "$A37" ] || bail "missing $A37"
DB=$T/installed.orig
tar -xzOf "$A37" ./lib/apk/db/installed >"$DB" || bail "cannot read the apk db of $A37"
NPKG=$(grep -c '^P:' "$DB")
[ "$NPKG" = 13 ] || bail "expected 13 packages in the 3.7.3 db, found $NPKG"

# layer L DIR: a fresh layer directory $T/L/DIR
layer() {
	mkdir -p "$T/L/$1"
	echo "$T/L/$1"
}
# scan NAME MKIMAGE_ARGS...: builds $T/NAME (OCI layout, plain layers so
# it is quick) from the base Alpine layer plus the given layers, scans it
scan() {
	local name=$1
	shift
	mkimage --layer "$A37" --created-by "ADD alpine-minirootfs-3.7.3 /" "$@" \
		--compression none --oci "$T/$name"
	lb image --input "$T/$name" --format json --list-files
	cp "$T/out" "$T/$name.json"
	if [ "$LB_RC" != 0 ]; then
		fail "$name: scan" "exit $LB_RC" "$(head -c 1500 "$T/err")"
	fi
}
# pkg NAME FIELD: a field of one package of the last scan ("absent" if none)
pkg() {
	jq_py '[str(p["'"$2"'"]) for p in r[0]["packages"] if p["name"] == "'"$1"'"] or ["absent"]'
}
npkgs='len(r[0]["packages"])'
ok_scan='"partial=%s warnings=%d" % (r[0]["partial"], len(r[0]["warnings"]))'

# --- whiteouts ----------------------------------------------------------
scan del --layer "$(layer empty)" --delete lib/apk/db/installed --created-by "RUN rm lib/apk/db/installed"
check_json "whiteout of the apk db: no packages" "$npkgs" 0
check_json "... the OS is still found" 'r[0]["os"]["family"] + " " + r[0]["os"]["version"]' "alpine 3.7.3"
check_json "... not partial (a deleted db is not an error)" "$ok_scan" "partial=False warnings=0"

scan deldir --layer "$(layer empty2)" --delete lib/apk
check_json "whiteout of a parent directory (lib/apk): no packages" "$npkgs" 0

scan opq --layer "$(layer opq)" --opaque lib/apk/db
check_json "opaque lib/apk/db: no packages" "$npkgs" 0

L=$(layer opqnew)
mkdir -p "$L/lib/apk/db"
printf 'C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:lifebelt-opaque\nV:1.0-r0\nA:x86_64\nT:test\nL:MIT\no:lifebelt-opaque\nF:usr/bin\nR:lbo\n\n' \
	>"$L/lib/apk/db/installed"
scan opqnew --layer "$L" --opaque lib/apk/db
check_json "opaque dir + new db in the same layer: only the new package" \
	'[p["name"] + " " + p["version"] + " #" + str(p["layer"]) for p in r[0]["packages"]]' \
	"lifebelt-opaque 1.0-r0 #1"
check_json "... with its file list" "$(printf '%s' '[f for p in r[0]["packages"] for f in p["files"]]')" usr/bin/lbo

L=$(layer delsame)
mkdir -p "$L/lib/apk/db"
cp "$T/L/opqnew/lib/apk/db/installed" "$L/lib/apk/db/installed"
scan delsame --layer "$L" --delete lib/apk
check_json "a whiteout hides lower layers only, not its own layer's files" \
	'[p["name"] + " #" + str(p["layer"]) for p in r[0]["packages"]]' "lifebelt-opaque #1"

L=$(layer readd)
mkdir -p "$L/lib/apk/db"
cp "$DB" "$L/lib/apk/db/installed"
scan readd --layer "$(layer empty3)" --delete lib/apk/db/installed --layer "$L"
check_json "deleted then re-added: all 13 packages" "$npkgs" 13
check_json "... attributed to the layer that re-added them (#2)" \
	'sorted(set(p["layer"] for p in r[0]["packages"]))' 2

# --- a later layer changes the db ---------------------------------------
L=$(layer upg)
mkdir -p "$L/lib/apk/db"
# busybox 1.27.2-r11 -> r12 (as `apk upgrade busybox` would), one new package
awk 'BEGIN { RS = ""; ORS = "\n\n" }
	/\nP:busybox\n/ { sub(/\nV:1\.27\.2-r11\n/, "\nV:1.27.2-r12\n") } { print }' "$DB" >"$L/lib/apk/db/installed"
printf 'C:Q1BBBBBBBBBBBBBBBBBBBBBBBBBBBB=\nP:lifebelt-extra\nV:2.0-r1\nA:x86_64\nT:test\nL:MIT\no:lifebelt\nF:usr/bin\nR:lbx\n\n' \
	>>"$L/lib/apk/db/installed"
grep -q '^V:1.27.2-r12$' "$L/lib/apk/db/installed" || bail "could not edit the apk db"
scan upg --empty-history "ENV A=1" --layer "$L" --created-by "RUN apk upgrade busybox && apk add lifebelt-extra" \
	--empty-history 'CMD ["/bin/sh"]'
check_json "upgraded db: 14 packages" "$npkgs" 14
check_eq "busybox has the upgraded version" 1.27.2-r12 "$(pkg busybox version)"
check_eq "busybox is attributed to the upgrading layer" 1 "$(pkg busybox layer)"
check_eq "the new package is attributed to layer #1" "1 2.0-r1" "$(pkg lifebelt-extra layer) $(pkg lifebelt-extra version)"
check_eq "the new package's origin" lifebelt "$(pkg lifebelt-extra sourceName)"
check_eq "unchanged musl stays in layer #0" 0 "$(pkg musl layer)"
check_eq "unchanged ssl_client (origin busybox) stays in layer #0" 0 "$(pkg ssl_client layer)"
check_json "every other package stays in layer #0" \
	'sorted(set(p["layer"] for p in r[0]["packages"] if p["name"] not in ("busybox", "lifebelt-extra")))' 0
check_json "history: created_by per layer, empty_layer entries skipped" \
	'[l["createdBy"] for l in r[0]["layers"]]' "ADD alpine-minirootfs-3.7.3 /
RUN apk upgrade busybox && apk add lifebelt-extra"
cfgd=$(jq_py 'r[0]["source"]["imageId"][7:]')
check_json "(the config really has 4 history entries, 2 of them empty_layer)" \
	'[h.get("empty_layer", False) for h in d["history"]]' "false
true
false
true" "$T/upg/blobs/sha256/$cfgd"

# a package removed by a later layer, and one removed then added back
L=$(layer rm)
mkdir -p "$L/lib/apk/db"
awk 'BEGIN { RS = ""; ORS = "\n\n" } !/\nP:scanelf\n/ { print }' "$DB" >"$L/lib/apk/db/installed"
scan rm --layer "$L" --layer "$T/L/readd"
check_json "removed in #1, back in #2: 13 packages" "$npkgs" 13
check_eq "scanelf is attributed to the layer that added it back" 2 "$(pkg scanelf layer)"
check_eq "musl, present all along, stays in #0" 0 "$(pkg musl layer)"
scan rm2 --layer "$L"
check_json "removed in a later layer: 12 packages, scanelf gone" \
	'[len(r[0]["packages"]), "scanelf" in [p["name"] for p in r[0]["packages"]]]' "12
false"

# --- os-release through symlinks ----------------------------------------
osrel() {
	mkdir -p "$1/usr/lib" "$1/etc"
	printf 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.7.3\nPRETTY_NAME="%s"\n' "$2" >"$1/usr/lib/os-release"
}
L=$(layer symrel)
osrel "$L" "Alpine via relative symlink"
ln -s ../usr/lib/os-release "$L/etc/os-release"
scan symrel --layer "$L"
check_json "etc/os-release -> ../usr/lib/os-release is followed" 'r[0]["os"]["name"]' "Alpine via relative symlink"

L=$(layer symabs)
osrel "$L" "Alpine via absolute symlink"
ln -s /usr/lib/os-release "$L/etc/os-release"
scan symabs --layer "$L"
check_json "etc/os-release -> /usr/lib/os-release resolves in the image root" 'r[0]["os"]["name"]' \
	"Alpine via absolute symlink"

L=$(layer symup)
osrel "$L" "Alpine via a symlink climbing above the root"
ln -s ../../../../../../usr/lib/os-release "$L/etc/os-release"
scan symup --layer "$L"
check_json "'..' above the image root stays at the root" 'r[0]["os"]["name"]' \
	"Alpine via a symlink climbing above the root"

# the symlink in one layer, its target in a later one
L1=$(layer symlow)
mkdir -p "$L1/etc"
ln -s ../usr/lib/os-release "$L1/etc/os-release"
L2=$(layer symhigh)
osrel "$L2" "Alpine via a symlink to a later layer"
scan symx --layer "$L1" --layer "$L2"
check_json "a symlink resolves against the merged view of all layers" 'r[0]["os"]["name"]' \
	"Alpine via a symlink to a later layer"

# a symlinked parent directory: lib/apk/db -> ../../usr/lib/apk/db
L=$(layer symdir)
mkdir -p "$L/usr/lib/apk/db" "$L/lib/apk"
cp "$DB" "$L/usr/lib/apk/db/installed"
ln -s ../../usr/lib/apk/db "$L/lib/apk/db"
scan symdir --layer "$(layer empty4)" --delete lib/apk/db --layer "$L"
check_json "apk db under a symlinked directory: 13 packages" "$npkgs" 13

# deleting etc/os-release: alpine-release still tells the version
scan noosrel --layer "$(layer empty5)" --delete etc/os-release
check_json "without os-release, etc/alpine-release gives the version" \
	'r[0]["os"]["family"] + " " + r[0]["os"]["version"] + " " + r[0]["os"]["evidence"]' \
	"alpine 3.7.3 etc/alpine-release"

# a symlink loop at a path analyzers read must end, not hang
L=$(layer loop)
mkdir -p "$L/etc" "$L/usr/lib"
ln -s ../usr/lib/os-release "$L/etc/os-release"
ln -s ../../etc/os-release "$L/usr/lib/os-release"
scan loop --layer "$L"
check_rc "a symlink loop on etc/os-release ends" 0
check_json "... and alpine-release still identifies the OS" 'r[0]["os"]["version"]' 3.7.3

# --- hard links (mkimage keeps them: the first name in tar order holds
# the data, later names are LNKTYPE members pointing to it) --------------
# dpkg file lists: b.list is a hard link to a.list
L=$(layer dpkghl)
mkdir -p "$L/var/lib/dpkg/info"
printf 'Package: pkg-a\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\nPackage: pkg-b\nStatus: install ok installed\nVersion: 2.0\nArchitecture: amd64\n\n' \
	>"$L/var/lib/dpkg/status"
printf '/.\n/usr\n/usr/share/shared-file\n' >"$L/var/lib/dpkg/info/pkg-a.list"
ln "$L/var/lib/dpkg/info/pkg-a.list" "$L/var/lib/dpkg/info/pkg-b.list"
scan dpkghl --layer "$L"
check_eq "pkg-a lists its file" usr/share/shared-file \
	"$(jq_py '[f for p in r[0]["packages"] if p["name"] == "pkg-a" for f in p["files"] if "shared" in f]')"
check_eq "pkg-b's hard-linked .list gives the same files" usr/share/shared-file \
	"$(jq_py '[f for p in r[0]["packages"] if p["name"] == "pkg-b" for f in p["files"] if "shared" in f]')"

# the apk db as a hard link to a name no analyzer asks for
L=$(layer apkhl)
mkdir -p "$L/etc" "$L/lib/apk/db"
cp "$DB" "$L/etc/apk-db-backup"
ln "$L/etc/apk-db-backup" "$L/lib/apk/db/installed"
scan apkhl --layer "$(layer empty6)" --delete lib/apk/db/installed --layer "$L"
check_json "apk db that is a hard link (target not an analyzer path): found, or a warning names it" \
	'len(r[0]["packages"]) == 13 or (r[0]["partial"] and any("lib/apk/db/installed" in w for w in r[0]["warnings"]))' true
check_json "apk db that is a hard link (target not an analyzer path): 13 packages" "$npkgs" 13
check_json "... attributed to the layer with the link" 'sorted(set(p["layer"] for p in r[0]["packages"]))' 2

finish
