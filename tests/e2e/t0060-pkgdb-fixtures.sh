#!/bin/bash
# t0060-pkgdb-fixtures: the real package databases of shared/testdata/pkgdb
# (apk installed files, dpkg status files, distroless status.d) put into
# images and root folders: the packages lifebelt reports must match what
# the source projects' tests expect (pkgdb/README.md), what dpkg-query
# says about the same file, or what a plain reading of the stanzas gives;
# broken databases give a warning naming the file and a partial report.
. "$(dirname "$0")/lib.sh"
skip_unless_shared
need_cmd dpkg-query

P=$LB_TESTDATA/pkgdb
[ -d "$P/apk" ] && [ -d "$P/dpkg" ] || bail "missing $P"

# in_image NAME: packs $T/NAME (a root tree) as a one-layer OCI image and
# scans it (json, with file lists) into $T/out
in_image() {
	mkimage --layer "$T/$1" --compression none --oci "$T/$1.img"
	lb image --input "$T/$1.img" --format json --list-files
	[ "$LB_RC" = 0 ] || fail "$1: scan" "exit $LB_RC: $(head -c 1000 "$T/err")"
}
# in_rootfs NAME: scans $T/NAME as a root folder
in_rootfs() {
	lb rootfs "$T/$1" --format json --list-files
	[ "$LB_RC" = 0 ] || fail "$1: scan" "exit $LB_RC: $(head -c 1000 "$T/err")"
}
# warned WHAT PATH: the report is partial and a warning names PATH
warned() {
	check_json "$1: partial, with a warning naming '$2'" \
		'r[0]["partial"] and any("'"$2"'" in w for w in r[0]["warnings"])' true
}
clean() {
	check_json "$1: not partial" '"%s %d" % (r[0]["partial"], len(r[0]["warnings"]))' "False 0"
}

# --- apk -----------------------------------------------------------------
# apk_stanzas FILE: "name version arch origin" of each stanza with P: and V:
apk_stanzas() {
	"$PY" - "$1" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
out = []
for st in text.split("\n\n"):
    f = {}
    for line in st.split("\n"):
        if len(line) > 2 and line[1] == ":" and line[0] not in f:
            f[line[0]] = line[2:]
    if "P" in f and "V" in f:
        out.append("%s %s %s %s" % (f["P"], f["V"], f.get("A", "None"), f.get("o", f["P"]) if f.get("o") != f["P"] else f["P"]))
print("\n".join(sorted(out)))
EOF
}
lb_apk() {
	jq_py 'sorted("%s %s %s %s" % (p["name"], p["version"], p["arch"], p["sourceName"] or p["name"]) for p in r[0]["packages"])'
}
for f in "$P"/apk/*; do
	n=$(basename "$f")
	mkdir -p "$T/apk-$n/lib/apk/db"
	cp "$f" "$T/apk-$n/lib/apk/db/installed"
	in_image "apk-$n"
	apk_stanzas "$f" >"$T/want"
	lb_apk >"$T/got"
	check_same "apk $n: name, version, arch, origin of every stanza with P: and V:" "$T/want" "$T/got"
	check_json "apk $n: all from lib/apk/db/installed, layer #0" \
		'sorted(set("%s %s #%d" % (p["type"], p["dbPath"], p["layer"]) for p in r[0]["packages"]))' \
		"apk lib/apk/db/installed #0"
	bad=$(purl_check)
	check_eq "apk $n: purls parse back" "" "$bad"
	case $n in
	trivy-alpine-installed)
		check_json "$n: 15 packages (16 stanzas, one without V: skipped)" 'len(r[0]["packages"])' 15
		check_json "$n: musl 1.1.14-r10, busybox 1.24.2-r9" \
			'sorted(p["name"] + " " + p["version"] for p in r[0]["packages"] if p["name"] in ("musl", "busybox"))' \
			"busybox 1.24.2-r9
musl 1.1.14-r10"
		check_json "$n: invalidPackageWithoutAVersion is skipped" \
			'"invalidPackageWithoutAVersion" in [p["name"] for p in r[0]["packages"]]' false
		warned "$n" lib/apk/db/installed ;;
	scalibr-installed) check_json "$n: 15 packages" 'len(r[0]["packages"])' 15; clean "$n" ;;
	syft-multiple-2-installed) check_json "$n: 14 packages" 'len(r[0]["packages"])' 14; clean "$n" ;;
	scalibr-single | syft-base | syft-extra-file-attributes)
		check_json "$n: 1 package" 'len(r[0]["packages"])' 1; clean "$n" ;;
	scalibr-different-arch)
		check_json "$n: arch noarch" '[p["arch"] for p in r[0]["packages"]]' noarch; clean "$n" ;;
	scalibr-no-origin)
		check_json "$n: pkgname 1.2.3 without a source" \
			'[p["name"] + " " + p["version"] + " " + str(p["sourceName"]) for p in r[0]["packages"]]' "pkgname 1.2.3 None"
		check_json "$n: license" '[p["license"] for p in r[0]["packages"]]' GPL-2.0-only ;;
	syft-corrupt-installed)
		check_json "$n: the good stanza survives" '[p["name"] for p in r[0]["packages"]]' alpine-baselayout-data
		warned "$n" lib/apk/db/installed ;;
	esac
done
# file lists: F: (folder) + R: (file) lines, in order
"$PY" - "$P/apk/syft-base" <<'EOF' >"$T/want"
import sys
d = None
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("F:"): d = line[2:]
    elif line.startswith("R:"): print(d + "/" + line[2:] if d else line[2:])
EOF
lb rootfs "$T/apk-syft-base" --format json --list-files
jq_py 'r[0]["packages"][0]["files"]' >"$T/got"
check_same "apk syft-base: the file list is the F:/R: lines" "$T/want" "$T/got"

# --- dpkg status: compared with dpkg-query on the same file ---------------
# dpkg_want ADMINDIR: the installed packages as dpkg-query sees them
dpkg_want() {
	dpkg-query --admindir="$1" -W \
		-f '${db:Status-Status}|${Package}|${Version}|${Architecture}|${source:Package}|${source:Version}\n' \
		2>/dev/null | sed -n 's/^installed|//p' | sort
}
lb_dpkg() {
	jq_py 'sorted("|".join([p["name"], p["version"], p["arch"] or "", p["sourceName"] or p["name"],
		p["sourceVersion"] or p["version"]]) for p in r[0]["packages"])'
}
for f in "$P"/dpkg/trivy-valid/var/lib/dpkg/status "$P"/dpkg/trivy-third-party/var/lib/dpkg/status \
	"$P"/dpkg/trivy-md5sums/var/lib/dpkg/status \
	"$P"/dpkg/scalibr-dpkg/{valid,single,statusfield,trailingnewlines,transitional,transitional_dummy,transitional_empty,empty} \
	"$P"/dpkg/syft-status.d/{single,coreutils-relationships,deinstall,installed-size-4KB,libpam-runtime}; do
	n=${f#"$P"/dpkg/}
	n=${n%/var/lib/dpkg/status}
	d=dpkg-$(echo "$n" | tr / -)
	mkdir -p "$T/$d/var/lib/dpkg"
	cp "$f" "$T/$d/var/lib/dpkg/status"
	dpkg_want "$T/$d/var/lib/dpkg" >"$T/want"
	in_image "$d"
	lb_dpkg >"$T/got"
	check_same "dpkg $n: the installed packages = dpkg-query (name, version, arch, source)" "$T/want" "$T/got"
	clean "dpkg $n"
done
# what the source projects' tests say
f=$P/dpkg/trivy-valid/var/lib/dpkg/status
mkdir -p "$T/tv/var/lib/dpkg"
cp "$f" "$T/tv/var/lib/dpkg/status"
in_rootfs tv
check_json "trivy-valid: 90 installed packages of 91 stanzas" 'len(r[0]["packages"])' 90
check_json "trivy-valid: fdisk is there" '[p["name"] for p in r[0]["packages"] if p["name"] == "fdisk"]' fdisk
check_json "trivy-valid: purls are pkg:deb/" 'sorted(set(p["purl"][:8] for p in r[0]["packages"]))' "pkg:deb/"
bad=$(purl_check)
check_eq "trivy-valid: purls parse back" "" "$bad"
mkdir -p "$T/sv/var/lib/dpkg"
cp "$P/dpkg/scalibr-dpkg/valid" "$T/sv/var/lib/dpkg/status"
in_rootfs sv
check_json "scalibr valid: 7 packages" 'len(r[0]["packages"])' 7
mkdir -p "$T/tp/var/lib/dpkg"
cp "$P/dpkg/trivy-third-party/var/lib/dpkg/status" "$T/tp/var/lib/dpkg/status"
in_rootfs tp
check_json "trivy-third-party: 2 installed packages" 'len(r[0]["packages"])' 2

# broken status files: a warning naming the file, the good stanzas kept
broken() { # broken SRC NAMES...
	local src=$1 n
	shift
	n=$(basename "$src")
	mkdir -p "$T/b-$n/var/lib/dpkg"
	cp "$src" "$T/b-$n/var/lib/dpkg/status"
	in_image "b-$n"
	check_json "broken status $n: the readable stanzas are kept" \
		'" ".join(sorted(p["name"] for p in r[0]["packages"]))' "$*"
	warned "broken status $n" var/lib/dpkg/status
}
broken "$P/dpkg/scalibr-dpkg/nopackage" bar foo
broken "$P/dpkg/scalibr-dpkg/noversion" bar foo
broken "$P/dpkg/scalibr-dpkg/invalid"
broken "$P/dpkg/syft-status.d/corrupt"

# --- distroless: var/lib/dpkg/status.d/<pkg> (no Status: means installed) --
cp -r "$P/dpkg/syft-distroless-rootfs" "$T/distroless"
chmod -R u+w "$T/distroless"
in_image distroless
check_json "distroless: libsqlite3-0 from status.d, the .md5sums file is not a package" \
	'["%s %s %s %s" % (p["name"], p["version"], p["arch"], p["dbPath"]) for p in r[0]["packages"]]' \
	"libsqlite3-0 $(sed -n 's/^Version: //p' "$T/distroless/var/lib/dpkg/status.d/libsqlite3-0") $(sed -n 's/^Architecture: //p' "$T/distroless/var/lib/dpkg/status.d/libsqlite3-0") var/lib/dpkg/status.d/libsqlite3-0"
clean distroless
check_json "distroless: no OS files, no OS" 'r[0]["os"]' null

mkdir -p "$T/foo/var/lib/dpkg/status.d"
cp "$P"/dpkg/scalibr-dpkg/status.d/* "$T/foo/var/lib/dpkg/status.d/"
in_rootfs foo
check_json "scalibr status.d/foo (+ foo.md5sums): one package foo" '[p["name"] for p in r[0]["packages"]]' foo

# one status.d file per package, several packages, attributed by layer
mkdir -p "$T/sd1/var/lib/dpkg/status.d" "$T/sd2/var/lib/dpkg/status.d" "$T/sd3"
cp "$P/dpkg/syft-distroless-rootfs/var/lib/dpkg/status.d/libsqlite3-0" "$T/sd1/var/lib/dpkg/status.d/"
cp "$P/dpkg/syft-status.d/coreutils-relationships" "$T/sd1/var/lib/dpkg/status.d/coreutils"
cp "$P/dpkg/syft-status.d/single" "$T/sd2/var/lib/dpkg/status.d/apt"
mkimage --layer "$T/sd1" --layer "$T/sd2" --layer "$T/sd3" --delete var/lib/dpkg/status.d/libsqlite3-0 \
	--compression none --oci "$T/sd.img"
lb image --input "$T/sd.img" --format json
check_rc "layered distroless image" 0
check_json "status.d across layers: 9 + 1 packages, libsqlite3-0 deleted by layer #2" \
	'[len(r[0]["packages"]), "libsqlite3-0" in [p["name"] for p in r[0]["packages"]]]' "10
false"
check_json "status.d across layers: coreutils' file (#0), apt's (#1)" \
	'[p["name"] + " #" + str(p["layer"]) for p in r[0]["packages"] if p["name"] in ("coreutils", "apt", "libacl1")]' \
	"apt #1
coreutils #0
libacl1 #0"
check_json "status.d: each package's db path is its own file" \
	'sorted(set(p["dbPath"] for p in r[0]["packages"]))' "var/lib/dpkg/status.d/apt
var/lib/dpkg/status.d/coreutils"

# syft-dpkg-rootfs: os-release + status + info/*.md5sums|conffiles
cp -r "$P/dpkg/syft-dpkg-rootfs" "$T/sdr"
chmod -R u+w "$T/sdr"
in_image sdr
check_json "syft-dpkg-rootfs: debian 12 from etc/os-release" \
	'"%s %s %s" % (r[0]["os"]["family"], r[0]["os"]["versionId"], r[0]["os"]["codename"])' "debian 12 bookworm"
check_json "syft-dpkg-rootfs: libpam-runtime" \
	'[p["name"] + " " + p["version"] + " " + str(p["sourceName"]) for p in r[0]["packages"]]' \
	"libpam-runtime 1.1.8-3.6 pam"
check_json "syft-dpkg-rootfs: purl has the distro" \
	'["distro=debian-12" in p["purl"] for p in r[0]["packages"]]' true

# --- os-release samples with their source's expectations -------------------
for d in "$P"/os-release/claircore-alpine/*/; do
	v=$(basename "$d")
	lb rootfs "$d" --format json
	want=$(jq_py '"%s %s" % (d[0]["did"], d[0]["pretty_name"])' "$d/want")
	check_json "claircore alpine $v: family and pretty name" '"%s %s" % (r[0]["os"]["family"], r[0]["os"]["name"])' "$want"
	wv=$(jq_py 'd[0]["version"]' "$d/want")
	[ "$wv" = edge ] && continue    # claircore's name for a rolling release
	check_json "claircore alpine $v: version $wv" \
		'r[0]["os"]["versionId"] == "'"$wv"'" or r[0]["os"]["versionId"].startswith("'"$wv"'.")' true
done
for d in "$P"/os-release/claircore-debian/*/; do
	v=$(basename "$d")
	code=$(sed -n 's/^VERSION_CODENAME=//p; s/^VERSION="[0-9]* (\(.*\))"$/\1/p' "$d/etc/os-release" | head -1)
	lb rootfs "$d" --format json
	check_json "claircore debian $v: debian $v $code" \
		'"%s %s %s" % (r[0]["os"]["family"], r[0]["os"]["versionId"], r[0]["os"]["codename"])' "debian $v $code"
done

finish
