#!/bin/bash
# mkrpmdb.sh - builds rpm databases with Debian's rpm tools, for the rpm
# tests and bench/rpmdb.sh.
#
#   mkrpmdb.sh OUT [NPKGS [NFILES]]
#
# Builds small noarch RPMs with rpmbuild:
#   - lbhello 2:1.2.3-4.lb1 and lbhello-doc (epoch, vendor, modularity
#     label, a config file);
#   - lbbig 3.1-7, one package of 300 files (a long header: long overflow
#     chains in Berkeley DB) with MD5 file digests (no FILEDIGESTALGO);
#   - lbtools-NNNN 0.9~rc1-1.lb for NNNN < NPKGS (default 5), subpackages
#     of one source RPM, NFILES files each (default 3);
# and installs them all with `rpm --justdb` into OUT/root, whose
# var/lib/rpm/rpmdb.sqlite is what rpm 4.18 writes. Debian's rpm can
# write no other back end (ndb is not built in, bdb is read-only), so the
# same header blobs are also loaded with db5.3_load into Berkeley DB hash
# files, as rpm <= 4.15 kept them:
#   OUT/bdb4096/var/lib/rpm/Packages   page size 4096 (RHEL 7/8's)
#   OUT/bdb512/var/lib/rpm/Packages    page size 512 (long overflow chains)
#   OUT/bdb64k/var/lib/rpm/Packages    page size 65536 (headers on the page)
# OUT/expected.txt gets rpm's own answer for the SQLite database:
#   NAME EPOCHNUM:VERSION-RELEASE ARCH SOURCERPM
# sorted. Needs rpmbuild, rpm, db5.3_load and python3.
set -euo pipefail

out=${1:?usage: mkrpmdb.sh OUT [NPKGS [NFILES]]}
npkgs=${2:-5}
nfiles=${3:-3}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/root" "$out"/bdb*
mkdir -p "$out/root"
# rpmbuild makes a file per packaged file: on tmpfs when there is one,
# as creating files on this machine's /tmp disk takes milliseconds each
top=$(mktemp -d /dev/shm/mkrpmdb.XXXXXX 2>/dev/null) || top=$(mktemp -d "$out/top.XXXXXX")
trap 'rm -rf "$top"' EXIT
mkdir -p "$top/SPECS"

cat >"$top/SPECS/lbhello.spec" <<'EOF'
Name: lbhello
Version: 1.2.3
Release: 4.lb1
Epoch: 2
Summary: lifebelt test package
License: MIT and (BSD or GPLv2+)
Vendor: Lifebelt Test
BuildArch: noarch
%description
A package for lifebelt's tests.
%package doc
Summary: its documentation
%description doc
Documentation.
%install
mkdir -p %{buildroot}/usr/share/lbhello %{buildroot}/etc %{buildroot}/usr/share/doc/lbhello
echo hi >%{buildroot}/usr/share/lbhello/a.txt
echo cfg >%{buildroot}/etc/lbhello.conf
echo doc >%{buildroot}/usr/share/doc/lbhello/README
ln -s a.txt %{buildroot}/usr/share/lbhello/link
%files
/usr/share/lbhello
%config /etc/lbhello.conf
%files doc
/usr/share/doc/lbhello/README
EOF

cat >"$top/SPECS/lbbig.spec" <<'EOF'
Name: lbbig
Version: 3.1
Release: 7
Summary: many files
License: ASL 2.0
BuildArch: noarch
%description
Many files.
%install
mkdir -p %{buildroot}/usr/share/lbbig
for i in $(seq 1 300); do echo $i >%{buildroot}/usr/share/lbbig/file-with-a-long-name-$i.txt; done
%files
/usr/share/lbbig
EOF

{
	cat <<'EOF'
Name: lbtools
Version: 0.9~rc1
Release: 1.lb
Summary: tools
License: GPL-2.0-only
Vendor: Lifebelt Test
BuildArch: noarch
%description
Tools.
EOF
	for ((i = 0; i < npkgs; i++)); do
		printf '%%package -n lbtools-%04d\nSummary: tool %d\n%%description -n lbtools-%04d\nTool %d.\n' \
			"$i" "$i" "$i" "$i"
	done
	echo '%install'
	echo 'for i in $(seq 0 '"$((npkgs - 1))"'); do d=%{buildroot}/usr/lib/lbtools/$(printf %04d $i); mkdir -p $d; for j in $(seq 1 '"$nfiles"'); do echo $i.$j >$d/f$j; done; done'
	for ((i = 0; i < npkgs; i++)); do
		printf '%%files -n lbtools-%04d\n/usr/lib/lbtools/%04d\n' "$i" "$i"
	done
} >"$top/SPECS/lbtools.spec"

for s in lbhello lbbig lbtools; do
	extra=()
	[ "$s" = lbhello ] && extra=(--define 'modularitylabel lbhello:1.2:20240101:abcdef01')
	# MD5 file digests, as rpm < 4.6 wrote them: no FILEDIGESTALGO tag
	[ "$s" = lbbig ] && extra=(--define '_binary_filedigest_algorithm 1')
	rpmbuild --quiet --define "_topdir $top" --define '_binary_payload w1.gzdio' --define '__os_install_post %{nil}' --define 'debug_package %{nil}' --define '_build_id_links none' --define '__check_files %{nil}' --nodeps \
		"${extra[@]}" -bb "$top/SPECS/$s.spec" >"$out/rpmbuild-$s.log" 2>&1 ||
		{ cat "$out/rpmbuild-$s.log" >&2; exit 1; }
done

rpm --root "$out/root" --dbpath /var/lib/rpm --initdb
find "$top/RPMS" -name '*.rpm' -print0 | xargs -0 \
	rpm --root "$out/root" --dbpath /var/lib/rpm --justdb --nodeps --noscripts --notriggers \
	--ignorearch --ignoreos -i 2>&1 | grep -v 'should not be used directly\|assuming you know' >&2 || true
# rpm closes the database cleanly: fold the WAL in, leave the main file alone
rm -f "$out/root/var/lib/rpm/.rpm.lock"

rpm --root "$out/root" --dbpath /var/lib/rpm -qa \
	--qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n' 2>/dev/null |
	sort >"$out/expected.txt"

for ps in 4096 512 65536; do
	case $ps in 65536) d=bdb64k ;; *) d=bdb$ps ;; esac
	mkdir -p "$out/$d/var/lib/rpm"
	python3 - "$out/root/var/lib/rpm/rpmdb.sqlite" "$ps" >"$out/$d.dump" <<'EOF'
import sqlite3, struct, sys
# db_dump's "bytevalue" format; the key is the header number in the
# writer's byte order (little-endian here), as rpm stored it
db = sqlite3.connect("file:%s?immutable=1" % sys.argv[1], uri=True)
print("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=%s\nHEADER=END" % sys.argv[2])
for hnum, blob in db.execute("SELECT hnum, blob FROM Packages ORDER BY hnum"):
    print(" " + struct.pack("<I", hnum).hex())
    print(" " + bytes(blob).hex())
print("DATA=END")
EOF
	db5.3_load -f "$out/$d.dump" "$out/$d/var/lib/rpm/Packages"
	rm -f "$out/$d.dump"
done
