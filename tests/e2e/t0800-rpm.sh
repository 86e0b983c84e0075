#!/bin/bash
# t0800-rpm: rpm databases in images. Databases built here with Debian's
# rpm tools (tests/tools/mkrpmdb.sh: rpmbuild, `rpm --justdb`, SQLite as
# rpm 4.18 writes it, and the same headers in Berkeley DB hash files of
# three page sizes made with db5.3_load) must give exactly what
# `rpm -qa --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}'`
# says, and the modularity labels and file digests (MD5 and SHA-256) that
# `rpm -qa --qf '%{MODULARITYLABEL}'` and '[%{FILEDIGESTS}]' give;
# the real databases of shared/testdata/pkgdb/rpm (NDB, which no tool
# here writes, and SQLite) what their README expects; broken ones give a
# warning and a partial report. Then OS detection: the os-release fixtures
# (RHEL, Oracle, distroless, the rpm family of trivy-os-release), purls
# and end of life, chisel-cut Ubuntu and busybox-only images (a made-up
# binary and Debian's busybox-static).
. "$(dirname "$0")/lib.sh"
skip_unless_shared
need_cmd rpmbuild rpm db5.3_load zstd

P=$LB_TESTDATA/pkgdb
[ -d "$P/rpm" ] || bail "missing $P/rpm"

bash "$LB_SRCDIR/tests/tools/mkrpmdb.sh" "$T/db" 5 3 >"$T/mkrpmdb.log" 2>&1 ||
	{ cat "$T/mkrpmdb.log"; bail "mkrpmdb.sh failed"; }
[ "$(wc -l <"$T/db/expected.txt")" = 8 ] || bail "rpm -qa listed $(wc -l <"$T/db/expected.txt") packages, not 8"

# rpm_lines: rpm -qa's line for every package of the report in $T/out
rpm_lines() {
	jq_py 'sorted("%s %s:%s %s %s-%s.src.rpm" % (p["name"],
	    p["version"].split(":")[0] if ":" in p["version"] else "0",
	    p["version"].split(":", 1)[-1], p["arch"], p["sourceName"] or p["name"],
	    (p["sourceVersion"] or p["version"]).split(":", 1)[-1]) for p in r[0]["packages"])'
}
clean() {
	check_json "$1: not partial" '"%s %d" % (r[0]["partial"], len(r[0]["warnings"]))' "False 0"
}
warned() {
	check_json "$1: partial, with a warning naming '$2'" \
		'r[0]["partial"] and any("'"$2"'" in w for w in r[0]["warnings"])' true
}

# --- databases built here: every back end rpm or db5.3_load can write ----
for d in root bdb4096 bdb512 bdb64k; do
	mkimage --layer "$T/db/$d" --exclude 'var/lib/rpm/rpmdb.sqlite-*' --compression gzip --oci "$T/$d.img"
	lb image --input "$T/$d.img" --format json
	check_rc "$d: scan" 0
	clean "$d"
	rpm_lines >"$T/$d.got"
	check_same "$d: the packages rpm -qa lists" "$T/db/expected.txt" "$T/$d.got"
done
check_json "files of lbhello (sqlite)" \
	'[p["fileCount"] for p in r[0]["packages"] if p["name"] == "lbhello"][0]' 4 "$T/out"
lb image --input "$T/root.img" --format json --list-files
check_json "lbhello's files" \
	'sorted([p for p in r[0]["packages"] if p["name"] == "lbhello"][0]["files"])' \
	"$(printf '%s\n' etc/lbhello.conf usr/share/lbhello usr/share/lbhello/a.txt usr/share/lbhello/link)"
# modularity labels and file digests, against rpm's own answer for every
# package and file: "NAME LABEL" and "NAME PATH ALGO:HEX" (or "-" when rpm
# has no digest); FILEDIGESTALGO absent means MD5 (lbbig), 8 is SHA-256
rpmq() { rpm --root "$T/db/root" --dbpath /var/lib/rpm -qa "$@" 2>/dev/null; }
rpmq --qf '%{NAME} %{MODULARITYLABEL}\n' | sed 's/ (none)$/ None/' | sort >"$T/mod.want"
rpmq --qf '%{NAME} %{FILEDIGESTALGO}\n' >"$T/algo.txt"
rpmq --qf '[%{=NAME} %{FILENAMES} %{FILEDIGESTS}\n]' | while read -r n f d; do
	a=$(awk -v n="$n" '$1 == n { print ($2 == "(none)" ? "md5" : $2 == 8 ? "sha256" : "algo" $2) }' "$T/algo.txt")
	echo "$n ${f#/} ${d:+$a:$d}"
done | sed 's/ $/ -/' | sort >"$T/dg.want"
grep -q ' md5:' "$T/dg.want" && grep -q ' sha256:' "$T/dg.want" && grep -q ' -$' "$T/dg.want" ||
	fail "rpm lists md5 and sha256 digests and files without one" "$(head -5 "$T/dg.want")"
for d in root bdb512; do
	lb image --input "$T/$d.img" --format json --list-files
	jq_py 'sorted("%s %s" % (p["name"], p.get("modularityLabel")) for p in r[0]["packages"])' >"$T/mod.got"
	check_same "$d: modularity labels as rpm -qa --qf %{MODULARITYLABEL}" "$T/mod.want" "$T/mod.got"
	jq_py 'sorted("%s %s %s" % (p["name"], f, g or "-") for p in r[0]["packages"]
	    for f, g in zip(p["files"], p["fileDigests"]))' >"$T/dg.got"
	check_same "$d: file digests as rpm -qa --qf [%{FILEDIGESTS}]" "$T/dg.want" "$T/dg.got"
done
# the report with labels and digests against the report's JSON Schema
if [ -f "$LB_SRCDIR/tests/tools/node_modules/ajv/package.json" ] && command -v node >/dev/null; then
	if node "$LB_SRCDIR/tests/tools/validate-schema.js" "$(ls "$LB_SRCDIR"/docs/lifebelt-report-*.schema.json | sort -V | tail -1)" \
		"$T/out" >"$T/schema.log" 2>&1; then
		pass "a report with modularityLabel and fileDigests is valid against its schema"
	else
		fail "a report with modularityLabel and fileDigests is valid against its schema" "$(head -20 "$T/schema.log")"
	fi
elif [ "${CI:-}" = true ]; then
	fail "schema validation" "node or ajv (npm ci in tests/tools) is missing"
fi
lb image --input "$T/root.img" --format json
check_json "no fileDigests without --list-files" \
	'[k for p in r[0]["packages"] for k in p if k in ("files", "fileDigests")]' ""
check_json "vendor as maintainer, license" \
	'[p["maintainer"] + " | " + p["license"] for p in r[0]["packages"] if p["name"] == "lbhello"][0]' \
	'Lifebelt Test | MIT and (BSD or GPLv2+)'

# RHEL 9.2 on top: purls, distro, end of life; the database rewritten in
# layer 1 is where its packages are attributed
mkdir -p "$T/rhel/etc" "$T/rhel2/var/lib/rpm"
printf 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.2"\nPRETTY_NAME="Red Hat Enterprise Linux 9.2 (Plow)"\n' \
	>"$T/rhel/etc/os-release"
cp "$T/db/root/var/lib/rpm/rpmdb.sqlite" "$T/rhel2/var/lib/rpm/"
mkimage --layer "$T/rhel" --layer "$T/db/root" --exclude 'var/lib/rpm/rpmdb.sqlite-*' \
	--layer "$T/rhel2" --oci "$T/rhel.img"
lb image --input "$T/rhel.img" --format json
check_json "rhel: purl with vendor namespace, epoch and modularitylabel qualifiers" \
	'[p["purl"] for p in r[0]["packages"] if p["name"] == "lbhello-doc"][0]' \
	'pkg:rpm/redhat/lbhello-doc@1.2.3-4.lb1?arch=noarch&distro=rhel-9.2&epoch=2&modularitylabel=lbhello:1.2:20240101:abcdef01&upstream=lbhello'
check_json "rhel: a package without a label has no modularitylabel" \
	'[p["purl"] for p in r[0]["packages"] if p["name"] == "lbbig"][0]' \
	'pkg:rpm/redhat/lbbig@3.1-7?arch=noarch&distro=rhel-9.2'
check_json "rhel: os and end of life" '"%s %s %s" % (r[0]["os"]["family"], r[0]["os"]["versionId"], r[0]["os"]["eol"])' \
	"rhel 9.2 2032-05-31"
check_json "rhel: packages of the surviving database are layer 2's" \
	'sorted(set(p["layer"] for p in r[0]["packages"]))' 2
mkimage --layer "$T/db/root" --exclude 'var/lib/rpm/rpmdb.sqlite-*' --layer "$T/rhel" \
	--delete var/lib/rpm/rpmdb.sqlite --oci "$T/gone.img"
lb image --input "$T/gone.img" --format json
check_json "a deleted database lists nothing" 'len(r[0]["packages"])' 0

# --- package file integrity (--scanners malware) against the database's
# SHA-256 file digests: lbtools-*'s files made again as its spec writes
# them ("I.J"), one replaced in a later layer, which is then the only
# tampering finding; the other files were all checked --------------------
F=$T/L/rpmfiles
for i in 0 1 2 3 4; do
	mkdir -p "$F/usr/lib/lbtools/000$i"
	for j in 1 2 3; do echo "$i.$j" >"$F/usr/lib/lbtools/000$i/f$j"; done
done
mkdir -p "$T/L/rpmchange/usr/lib/lbtools/0001"
echo tampered >"$T/L/rpmchange/usr/lib/lbtools/0001/f2"
mkimage --layer "$T/db/root" --exclude 'var/lib/rpm/rpmdb.sqlite-*' --layer "$F" \
	--layer "$T/L/rpmchange" --compression gzip --oci "$T/rpmint.img"
LB_SCANNERS=malware lb image --input "$T/rpmint.img" --format json --malware-engines integrity -v
check_rc "rpm integrity: scan" 0
check_json "rpm integrity: the replaced file is the only tampering, engine rpm, layer 2" \
	"[m['engine'] + ' ' + m['path'] + ' ' + str(m['layer']) for m in r[0]['malware'] if m['kind'] == 'tampering']" \
	"rpm usr/lib/lbtools/0001/f2 2"
check_grep "rpm integrity: the 15 files of lbtools compared" "integrity: 15 files checked, 1 changed" "$T/err"
check_no_grep "rpm integrity: none left unchecked" "not checked" "$T/err"

# --- the real databases of shared/testdata ---------------------------------
mkdir -p "$T/sle/usr/lib/sysimage/rpm" "$T/sle/var/lib"
cp "$P/rpm/sle15-bci-ndb/Packages.db" "$T/sle/usr/lib/sysimage/rpm/"
ln -s ../../usr/lib/sysimage/rpm "$T/sle/var/lib/rpm"
mkimage --layer "$T/sle" --oci "$T/sle.img"
lb image --input "$T/sle.img" --format json
clean "sle15 ndb"
jq_py 'sorted("%s-%s.%s" % (p["name"], p["version"], p["arch"]) for p in r[0]["packages"])' >"$T/sle.got"
sort "$P/rpm/sle15-bci-ndb/EXPECTED-packages.txt" >"$T/sle.want"
check_same "sle15 ndb: the 35 packages of EXPECTED-packages.txt" "$T/sle.want" "$T/sle.got"

mkdir -p "$T/mariner/var/lib/rpm"
cp "$P/rpm/cbl-mariner-2.0/rpmdb.sqlite" "$T/mariner/var/lib/rpm/"
lb rootfs "$T/mariner" --format json
clean "mariner sqlite"
jq_py 'sorted(p["name"] for p in r[0]["packages"])' >"$T/mariner.got"
sort "$P/rpm/cbl-mariner-2.0/EXPECTED-names.txt" >"$T/mariner.want"
check_same "mariner sqlite: the 129 names of EXPECTED-names.txt" "$T/mariner.want" "$T/mariner.got"
check_json "mariner: curl as go-rpmdb's test says" \
	'[" ".join((p["version"], p["arch"], p["license"], p["maintainer"])) for p in r[0]["packages"] if p["name"] == "curl"][0]' \
	'7.76.0-6.cm2 x86_64 MIT Microsoft Corporation'

for f in libuuid-bdb syft-bdb scalibr-epoch-bdb; do
	mkdir -p "$T/$f/var/lib/rpm"
	cp "$P/rpm/$f/Packages" "$T/$f/var/lib/rpm/"
	lb rootfs "$T/$f" --format json
	clean "$f"
done
check_json "scalibr-epoch-bdb: epoch 1" 'r[0]["packages"][0]["version"]' "1:0.0.1-rls"

mkdir -p "$T/cm2/var/lib/rpmmanifest"
cp "$P/rpm/syft-container-manifest-2" "$T/cm2/var/lib/rpmmanifest/container-manifest-2"
lb rootfs "$T/cm2" --format json
check_json "mariner distroless manifest" 'sorted(p["name"] + " " + p["version"] for p in r[0]["packages"])' \
	"$(printf '%s\n' "filesystem 1.1-9.cm2" "glibc 2.35-2.cm2" "mariner-release 2.0-12.cm2" \
		"openssl-libs 1.1.1k-15.cm2" "vim 2:9.0-1.cm2")"

# --- hostile databases: a warning naming the file, the scan goes on ---------
mkdir -p "$T/bad/var/lib/rpm" "$T/bad/usr/lib/sysimage/rpm"
head -c 20000 /dev/urandom >"$T/bad/var/lib/rpm/rpmdb.sqlite"
{ printf 'SQLite format 3\0'; head -c 8176 /dev/zero | tr '\0' '\245'; } >"$T/bad/usr/lib/sysimage/rpm/rpmdb.sqlite"
head -c 30000 "$P/rpm/sle15-bci-ndb/Packages.db" >"$T/bad/usr/lib/sysimage/rpm/Packages.db"
cp "$T/db/bdb4096/var/lib/rpm/Packages" "$T/bad/var/lib/rpm/Packages"
# a corrupt page in the middle: it claims another page number
printf '\377\377\377\177' | dd of="$T/bad/var/lib/rpm/Packages" bs=1 seek=$((4096 * 5 + 8)) conv=notrunc 2>/dev/null
mkimage --layer "$T/bad" --oci "$T/bad.img"
lb image --input "$T/bad.img" --format json
check_rc "hostile databases: scanned" 0
warned "random bytes" var/lib/rpm/rpmdb.sqlite
warned "SQLite magic then garbage" usr/lib/sysimage/rpm/rpmdb.sqlite
warned "NDB cut short" usr/lib/sysimage/rpm/Packages.db
warned "BDB with a corrupt page" var/lib/rpm/Packages

# --- OS detection -----------------------------------------------------------
O=$P/os-release
# os_of DIR: "family versionId eol | name" of a root folder
os_of() {
	lb rootfs "$1" --format json
	jq_py '"%s %s %s | %s" % (r[0]["os"]["family"], r[0]["os"]["versionId"], r[0]["os"]["eol"], r[0]["os"]["name"]) if r[0]["os"] else "null"'
}
while read -r dir want; do
	check_eq "os of claircore-rhel/$dir" "$want" "$(os_of "$O/claircore-rhel/$dir" | cut -d'|' -f1 | sed 's/ $//')"
done <<'EOF'
7 rhel 7.7 2024-06-30
8 rhel 8.1 2029-05-31
9 rhel 9.0 2032-05-31
atomichost-7 rhel 7.9 2024-06-30
oracle-6 ol 6.10 2021-03-01
oracle-7 ol 7.9 2024-12-31
oracle-8 ol 8.9 2029-07-01
oracle-9 ol 9.3 2032-06-30
EOF
for v in 9 10 11; do
	check_eq "os of claircore-debian-distroless/$v" "debian $v | Distroless" \
		"$(os_of "$O/claircore-debian-distroless/$v" | sed 's/ [0-9-]* |/ |/')"
done
while read -r file want; do
	mkdir -p "$T/osr-$file/etc"
	cp "$O/trivy-os-release/$file" "$T/osr-$file/etc/os-release"
	check_eq "os of trivy-os-release/$file" "$want" "$(os_of "$T/osr-$file" | cut -d'|' -f1 | sed 's/ $//')"
done <<'EOF'
alma almalinux 9.4 2032-05-31
rocky rocky 9.3 2032-05-31
centos centos 7 2024-06-30
centos-stream centos 8 2024-05-31
fedora fedora 42 None
mariner-2.0 mariner 2.0 2025-07-31
azurelinux-3.0 azurelinux 3.0 None
opensuseleap-15.2.1 opensuse-leap 15.2.1 2022-01-04
sles sles 15.3 2022-12-31
photon photon 4.0 None
oracle ol 8.10 2029-07-01
rhel rhel 9.4 2032-05-31
EOF

# distroless without os-release: status.d alone, base-files gives the release
mkdir -p "$T/dl/var/lib/dpkg/status.d"
printf 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n' >"$T/dl/var/lib/dpkg/status.d/base-files"
check_eq "distroless without os-release" "debian 12 2028-06-30 | Distroless" "$(os_of "$T/dl")"

# chisel-cut Ubuntu: no dpkg database, a zstd jsonwall manifest
mkdir -p "$T/chisel/var/lib/chisel" "$T/chisel/etc"
printf 'NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\nVERSION_CODENAME=jammy\n' >"$T/chisel/etc/os-release"
cat >"$T/manifest.txt" <<'EOF'
{"jsonwall":"1.0","schema":"1.0","count":7}
{"kind":"content","slice":"base-files_base","path":"/etc/os-release"}
{"kind":"package","name":"base-files","version":"12ubuntu4.6","sha256":"ab","arch":"amd64"}
{"kind":"package","name":"libc6","version":"2.35-0ubuntu3.7","sha256":"cd","arch":"amd64"}
{"kind":"path","path":"/etc/os-release","mode":"0644","slices":["base-files_base"],"sha256":"ef","size":10}
{"kind":"path","path":"/usr/lib/x86_64-linux-gnu/libc.so.6","mode":"0755","slices":["libc6_libs"],"sha256":"01","size":20}
{"kind":"slice","name":"base-files_base"}
{"kind":"slice","name":"libc6_libs"}
EOF
zstd -q -o "$T/chisel/var/lib/chisel/manifest.wall" "$T/manifest.txt"
mkimage --layer "$T/chisel" --oci "$T/chisel.img"
lb image --input "$T/chisel.img" --format json --list-files
clean "chisel"
check_json "chisel: deb packages" 'sorted("%s %s %s %s" % (p["type"], p["name"], p["version"], p["files"]) for p in r[0]["packages"])' \
	"$(printf '%s\n' "deb base-files 12ubuntu4.6 ['etc/os-release']" "deb libc6 2.35-0ubuntu3.7 ['usr/lib/x86_64-linux-gnu/libc.so.6']")"
check_json "chisel: os" '"%s %s | %s" % (r[0]["os"]["family"], r[0]["os"]["versionId"], r[0]["os"]["name"])' \
	"ubuntu 22.04 | Ubuntu 22.04.4 LTS (chiselled)"

# busybox only: the docker-library layout, every applet a hard link to "bin/["
mkdir -p "$T/bb/bin"
{ head -c 5000 /dev/zero; printf 'BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\0'; head -c 3000 /dev/zero; } >"$T/bb/bin/["
chmod 755 "$T/bb/bin/["
for a in busybox ls sh; do ln "$T/bb/bin/[" "$T/bb/bin/$a"; done
mkimage --layer "$T/bb" --oci "$T/bb.img"
lb image --input "$T/bb.img" --format json
clean "busybox"
check_json "busybox: os from the binary" '"%s %s %s" % (r[0]["os"]["family"], r[0]["os"]["version"], r[0]["os"]["name"])' \
	"busybox 1.36.1 BusyBox v1.36.1"
# a real busybox (Debian's busybox-static), applets as symlinks; the
# version as the binary itself prints it. BusyBox publishes no support
# lifecycle, so no end of life is recorded (docs/json-schema.md).
if command -v busybox >/dev/null; then
	bb=$(readlink -f "$(command -v busybox)")
	want=$("$bb" 2>&1 | sed -n '1s/^BusyBox v\([0-9.]*\).*/\1/p')
	mkdir -p "$T/bbr/usr/bin" "$T/bbr/bin"
	cp "$bb" "$T/bbr/usr/bin/busybox"
	for a in sh ls cat; do ln -s ../usr/bin/busybox "$T/bbr/bin/$a"; done
	mkimage --layer "$T/bbr" --oci "$T/bbr.img"
	lb image --input "$T/bbr.img" --format json
	clean "real busybox"
	check_json "real busybox: version as 'busybox' prints it, no end of life" \
		'"%s %s %s %s" % (r[0]["os"]["family"], r[0]["os"]["version"], r[0]["os"]["evidence"], r[0]["os"]["eol"])' \
		"busybox $want usr/bin/busybox None"
	[ -n "$want" ] || fail "busybox prints its version" "$("$bb" 2>&1 | head -1)"
else
	[ "${CI:-}" != true ] || fail "real busybox" "no busybox binary (scripts/install-deps.sh installs busybox-static)"
	echo "# real busybox: skipped, no busybox binary (apt-get install busybox-static)"
fi

finish
