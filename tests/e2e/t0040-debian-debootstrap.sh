#!/bin/bash
# t0040-debian-debootstrap: a real Debian 12 root made with
# `debootstrap --variant=minbase bookworm`, packed by mkimage and scanned;
# every package (name, version, architecture, source name and version) and
# every file list must agree with dpkg-query run on the same tree.
#
# The root is cached in $LB_DEBOOTSTRAP_CACHE (default
# $LB_BUILDDIR/debootstrap-cache), so only the first run downloads.
# Without debootstrap, root or the network the test is skipped (failed
# when CI=true).
. "$(dirname "$0")/lib.sh"
skip_unless_shared
need_cmd debootstrap dpkg-query dpkg
[ "$(id -u)" = 0 ] || skip_or_fail "debootstrap needs root"

MIRROR=${LB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
ARCH=$(dpkg --print-architecture)
CACHE=${LB_DEBOOTSTRAP_CACHE:-$LB_BUILDDIR/debootstrap-cache}
ROOT=$CACHE/bookworm-minbase-$ARCH

# --- the root filesystem (renamed into place only when complete) --------
if [ ! -f "$ROOT/var/lib/dpkg/status" ]; then
	if ! "$PY" -c 'import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/dists/bookworm/Release", timeout=15).read(1)' "$MIRROR" 2>"$T/net.err"; then
		skip_or_fail "the Debian mirror $MIRROR is unreachable: $(tail -1 "$T/net.err")"
	fi
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
	say "debootstrap --variant=minbase bookworm (first run; cached in $CACHE)"
	if ! debootstrap --variant=minbase --arch="$ARCH" bookworm "$tmp" "$MIRROR" >"$T/debootstrap.log" 2>&1; then
		tail -20 "$T/debootstrap.log"
		rm -rf "$tmp"
		skip_or_fail "debootstrap failed (see above)"
	fi
	rm -rf "$ROOT"
	mv "$tmp" "$ROOT"
fi
say "root: $ROOT"
ADMIN=$ROOT/var/lib/dpkg

# --- what dpkg says -----------------------------------------------------
dpkg-query --admindir="$ADMIN" -W \
	-f '${db:Status-Status} ${Package} ${Version} ${Architecture} ${source:Package} ${source:Version}\n' |
	sed -n 's/^installed //p' | sort >"$T/dpkg.txt"
N=$(wc -l <"$T/dpkg.txt")
[ "$N" -gt 50 ] || bail "dpkg-query found only $N installed packages in $ROOT"
say "$N installed packages"

# --- the image: the root as layer #0, a second layer that installs one
# more package (status rewritten, a new .list), as `apt-get install` would
L=$T/layer1
mkdir -p "$L/var/lib/dpkg/info" "$L/usr/share/lifebelt-fake"
cp "$ADMIN/status" "$L/var/lib/dpkg/status"
cat >>"$L/var/lib/dpkg/status" <<'EOF'
Package: lifebelt-fake
Status: install ok installed
Priority: optional
Section: misc
Installed-Size: 1
Maintainer: Lifebelt Tests <tests@example.invalid>
Architecture: all
Source: lifebelt-fake-src (0.9-1)
Version: 0.9-1+b1
Description: a package the test adds in layer 1
 It owns one file.

EOF
printf '/.\n/usr\n/usr/share\n/usr/share/lifebelt-fake\n/usr/share/lifebelt-fake/README\n' \
	>"$L/var/lib/dpkg/info/lifebelt-fake.list"
echo fake >"$L/usr/share/lifebelt-fake/README"

mkimage --tag debian:bookworm-minbase --layer "$ROOT" \
	--exclude 'dev/*' --exclude 'proc/*' --exclude 'sys/*' --exclude 'run/*' --exclude 'tmp/*' \
	--exclude 'var/cache/apt/*' --created-by "debootstrap --variant=minbase bookworm" \
	--layer "$L" --created-by "apt-get install lifebelt-fake" \
	--docker-archive "$T/debian.tar"
rm -rf "$L"

lb image --input "$T/debian.tar" --format json --list-files
check_rc "scan of the debootstrap image" 0
cp "$T/out" "$T/debian.json"
J=$T/debian.json
check_json "not partial, no warnings" '"%s %d" % (r[0]["partial"], len(r[0]["warnings"]))' "False 0" "$J"
check_json "os family and codename" 'r[0]["os"]["family"] + " " + str(r[0]["os"]["codename"])' "debian bookworm" "$J"
check_json "os versionId" 'r[0]["os"]["versionId"]' 12 "$J"
check_json "os version is etc/debian_version" 'r[0]["os"]["version"]' "$(cat "$ROOT/etc/debian_version")" "$J"
check_json "one more package than dpkg (the one layer #1 adds)" 'len(r[0]["packages"])' $((N + 1)) "$J"

jq_py 'sorted("%s %s %s %s %s" % (p["name"], p["version"], p["arch"], p["sourceName"] or p["name"],
	p["sourceVersion"] or p["version"]) for p in r[0]["packages"] if p["name"] != "lifebelt-fake")' "$J" >"$T/lb.txt"
check_same "every package: name, version, arch, source name and version = dpkg-query" "$T/dpkg.txt" "$T/lb.txt"
check_json "all deb, from var/lib/dpkg/status" \
	'sorted(set(p["type"] + " " + p["dbPath"] for p in r[0]["packages"]))' "deb var/lib/dpkg/status" "$J"
check_json "the base packages come from layer #0" \
	'sorted(set(p["layer"] for p in r[0]["packages"] if p["name"] != "lifebelt-fake"))' 0 "$J"
check_json "the added package: version, source, layer #1" \
	'[" ".join(str(p[k]) for k in ("version", "arch", "sourceName", "sourceVersion", "layer")) for p in r[0]["packages"] if p["name"] == "lifebelt-fake"]' \
	"0.9-1+b1 all lifebelt-fake-src 0.9-1 1" "$J"
check_json "layer #1's created_by" 'r[0]["layers"][1]["createdBy"]' "apt-get install lifebelt-fake" "$J"
want=$(sed -n 's/^bash \([^ ]*\) .*/\1/p' "$T/dpkg.txt")
check_json "bash's version" '[p["version"] for p in r[0]["packages"] if p["name"] == "bash"]' "$want" "$J"
check_json "maintainer is kept" '[p["maintainer"] for p in r[0]["packages"] if p["name"] == "dpkg"]' \
	"$(dpkg-query --admindir="$ADMIN" -W -f '${Maintainer}' dpkg)" "$J"
bad=$(purl_check "$J")
check_eq "every purl parses back" "" "$bad"
check_json "purls are pkg:deb/debian/..." \
	'sorted(set(p["purl"].split("/")[0] + "/" + p["purl"].split("/")[1] for p in r[0]["packages"]))' "pkg:deb/debian" "$J"

# --- file lists ---------------------------------------------------------
owner=$(dpkg-query --admindir="$ADMIN" -S /bin/bash 2>/dev/null | sed -n 's/^\([^:]*\): .*/\1/p' | head -1)
check_eq "(dpkg says bash owns /bin/bash)" bash "$owner"
check_json "bash lists bin/bash" \
	'"bin/bash" in [p for p in r[0]["packages"] if p["name"] == "bash"][0]["files"]' true "$J"
check_json "lifebelt-fake lists its file from layer #1's .list" \
	'"usr/share/lifebelt-fake/README" in [p for p in r[0]["packages"] if p["name"] == "lifebelt-fake"][0]["files"]' true "$J"
# every package's list, as dpkg-query -L prints it (paths only: no "/."
# and no "diverted by" notes), against lifebelt's
: >"$T/dpkg-files.txt"
while read -r pkg _; do
	dpkg-query --admindir="$ADMIN" -L "$pkg" 2>/dev/null | grep '^/' | grep -vx '/\.' |
		sed "s|^/||; s|^|$pkg |"
done <"$T/dpkg.txt" | sort >"$T/dpkg-files.txt"
jq_py 'sorted(p["name"] + " " + f for p in r[0]["packages"] if p["name"] != "lifebelt-fake" for f in p["files"])' \
	"$J" >"$T/lb-files.txt"
check_eq "(dpkg lists $(wc -l <"$T/dpkg-files.txt") files)" yes "$([ "$(wc -l <"$T/dpkg-files.txt")" -gt 3000 ] && echo yes)"
check_same "every package's file list = dpkg-query -L" "$T/dpkg-files.txt" "$T/lb-files.txt"
check_json "fileCount = number of files" 'all(p["fileCount"] == len(p["files"]) for p in r[0]["packages"])' true "$J"

# --- the same root as a directory -----------------------------------------
lb rootfs "$ROOT" --format json
check_rc "lifebelt rootfs on the debootstrap root" 0
jq_py 'sorted("%s %s %s %s %s" % (p["name"], p["version"], p["arch"], p["sourceName"] or p["name"],
	p["sourceVersion"] or p["version"]) for p in r[0]["packages"])' >"$T/lb-rootfs.txt"
check_same "rootfs DIR: the same packages as dpkg-query" "$T/dpkg.txt" "$T/lb-rootfs.txt"
check_json "rootfs DIR: debian bookworm" 'r[0]["os"]["family"] + " " + str(r[0]["os"]["codename"])' "debian bookworm"

finish
