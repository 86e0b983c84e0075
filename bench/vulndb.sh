#!/bin/bash
# bench/vulndb.sh - the vulnerability database's speed and size (issue 3):
#
#   build    `lifebelt db build` from all the shared feeds (target <= 30 s on 2 cores),
#            and the database's size next to the feeds' size
#   open     lb_vulndb_open of that database                 (target <= 20 ms)
#   match    lb_match_inventory of 10,000 packages            (target <= 50 ms)
#            three inventories: Debian bullseye (dpkg), Alpine v3.11 (apk) and
#            PyPI, every package named after a source or package the feeds
#            know, at versions around their fixes, so that most are
#            vulnerable (worst case: many findings to build); and the same
#            names at a version above every fix ("-high": every query hits
#            advisories, no finding)
#   e2e      `lifebelt rootfs` of the 10,000-package dpkg root with and without
#            --db: the difference is what vulnerability matching adds to a scan
#
# open and match are timed inside one process by bench/vulndb-time.c, linked
# against liblbcore.a of a release build made in $BENCH_WORK/release (its
# own folder, CMAKE_BUILD_TYPE=Release as the release preset, warnings not
# fatal: a benchmark should not stop on a new compiler warning). Figures are the median of BENCH_RUNS
# (default 15; build: 3) runs, with the fastest beside it. Not a test: it
# prints a table and exits 0.
#
# The baseline: the same measurements of the git revision BENCH_BASE
# (default HEAD; empty: none), exported with `git archive` into
# $BENCH_WORK/vulndb/base-src and built beside, each with its own database,
# in the same run. Both builds' findings on every inventory are compared:
# a faster matcher must find exactly the same.
#
# On a loaded machine times swing; with BENCH_CALLGRIND=1 (and valgrind
# installed) each inventory is also matched once under callgrind, which
# counts the instructions lb_match_inventory executes: a figure the load
# does not change.
#
# Usage: bench/vulndb.sh        (LB_SHARED overrides ../shared; BENCH_WORK
#                               defaults to build/bench)
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${LB_SHARED:-$repo/../shared}
V=$shared/testdata/vulndb
runs=${BENCH_RUNS:-15}
bwork=${BENCH_WORK:-$repo/build/bench}
work=$bwork/vulndb
base_rev=${BENCH_BASE-HEAD}
PY=/usr/bin/python3
mkdir -p "$work"
[ -d "$V/osv-go" ] || { echo "bench/vulndb.sh: no shared feeds in '$V'" >&2; exit 1; }

deps=$(pkg-config --libs libarchive libisal libzstd jansson libcrypto sqlite3 yaml-0.1 libcurl)
# release build of source tree $1 in $2, and vulndb-time linked against it as $3
build_tree() {
	cmake -S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DLB_WERROR=OFF >/dev/null
	cmake --build "$2" -j 2 >/dev/null
	# shellcheck disable=SC2086
	cc -O2 -std=c17 -D_GNU_SOURCE -I "$1/src" -o "$3" "$repo/bench/vulndb-time.c" \
		"$2/liblbcore.a" $deps -lpthread -lm
}
rel=$bwork/release
build_tree "$repo" "$rel" "$work/vulndb-time"
LIFEBELT=$rel/lifebelt
variants=(new)
if [ -n "$base_rev" ]; then
	base_id=$(git -C "$repo" rev-parse --short "$base_rev")
	rm -rf "$work/base-src"
	mkdir -p "$work/base-src"
	git -C "$repo" archive "$base_rev" | tar -x -C "$work/base-src"
	build_tree "$work/base-src" "$work/base-release" "$work/vulndb-time-base"
	variants=(base new)
fi
lifebelt_of() { if [ "$1" = base ]; then echo "$work/base-release/lifebelt"; else echo "$LIFEBELT"; fi; }
timer_of() { if [ "$1" = base ]; then echo "$work/vulndb-time-base"; else echo "$work/vulndb-time"; fi; }

sources=(
	--source "osv:$V/osv-go" --source "osv:$V/osv-pypi" --source "osv:$V/osv-crates"
	--source "osv:$V/osv-ubuntu"
	--source "alpine-secdb:$V/alpine-secdb/json" --source "alpine-secdb:$V/alpine-secdb/vunnel-v3.15"
	--source "wolfi-secdb:$V/secdb-wolfi" --source "debian-tracker:$V/debian"
	--source "nvd:$V/nvd" --source "cve5:$V/cve"
)
feed_dirs=(osv-go osv-pypi osv-crates osv-ubuntu alpine-secdb/json alpine-secdb/vunnel-v3.15
	secdb-wolfi debian nvd cve)

# median and min of the numbers on stdin
stats() { sort -g | awk '{ a[NR] = $1 } END { printf "%s %s\n", a[int((NR + 1) / 2)], a[1] }'; }
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); awk "BEGIN { printf \"%.3f\", $t1 - $t0 }"; }

# --- build (the two builds alternate) ------------------------------------------------
for _ in 1 2 3; do
	for v in "${variants[@]}"; do
		rm -f "$work/all-$v.db"
		secs "$(lifebelt_of "$v")" db build "${sources[@]}" -o "$work/all-$v.db" >>"$work/build-$v.raw"
		echo >>"$work/build-$v.raw"
	done
done
for v in "${variants[@]}"; do
	stats <"$work/build-$v.raw" >"$work/build-$v.txt"
	rm -f "$work/build-$v.raw"
done
feed_bytes=$(cd "$V" && du -sb "${feed_dirs[@]}" | awk '{ s += $1 } END { print s }')
feed_files=$(cd "$V" && find "${feed_dirs[@]}" -type f | wc -l)

# --- package lists ------------------------------------------------------------------
"$PY" - "$V" "$work" <<'EOF'
import glob, json, os, re, sys
v, work = sys.argv[1], sys.argv[2]
N = 10000

def spread(names_versions, n):
    """n (name, version) pairs cycling over the known names and their fixes"""
    out, i = [], 0
    while len(out) < n:
        for name, vers in names_versions:
            ver = vers[(i // len(names_versions)) % len(vers)] if vers else "1.0"
            out.append((name, ver, i))
            i += 1
            if len(out) >= n:
                break
    return out

# Debian: source packages fixed in bullseye by the DSA list, binaries named apart
fixes = {}
rel = None
for line in open(v + "/debian/security-tracker/DSA/list"):
    m = re.match(r"^\s+\[bullseye\] - (\S+) ([0-9]\S*)$", line)
    if m:
        fixes.setdefault(m.group(1), []).append(m.group(2))
items = sorted((k, sorted(set(x for f in vs for x in (f, f + "~")))) for k, vs in fixes.items())
with open(work + "/deb.txt", "w") as f, open(work + "/deb-status", "w") as st, open(work + "/deb-high.txt", "w") as h:
    f.write("os debian 11 bullseye\n")
    h.write("os debian 11 bullseye\n")
    for name, ver, i in spread(items, N):
        f.write("deb %s-b%d %s %s -\n" % (name, i, ver, name))
        h.write("deb %s-b%d 99:99999 %s -\n" % (name, i, name))
        st.write("Package: %s-b%d\nStatus: install ok installed\nArchitecture: amd64\nSource: %s\n"
                 "Version: %s\nDescription: bench\n\n" % (name, i, name, ver))

# Alpine v3.11: origins of the secdb branch
items = []
for fn in glob.glob(v + "/alpine-secdb/json/v3.11/*.json"):
    for p in json.load(open(fn))["packages"]:
        vs = sorted(k for k in (p["pkg"].get("secfixes") or {}) if k != "0")
        if vs:
            items.append((p["pkg"]["name"], vs))
items.sort()
with open(work + "/apk.txt", "w") as f, open(work + "/apk-high.txt", "w") as h:
    f.write("os alpine 3.11.13 -\n")
    h.write("os alpine 3.11.13 -\n")
    for name, ver, i in spread(items, N):
        f.write("apk %s-b%d %s %s -\n" % (name, i, ver, name))
        h.write("apk %s-b%d 99999-r0 %s -\n" % (name, i, name))

# PyPI: package names of the PyPA advisories, at their fixed versions
items = []
for d in sorted(glob.glob(v + "/osv-pypi/*")):
    vs = set()
    for fn in glob.glob(d + "/*.yaml"):
        vs.update(re.findall(r"fixed: ['\"]?([0-9][^'\"\s]*)", open(fn).read()))
    items.append((os.path.basename(d), sorted(vs) or ["0.1"]))
with open(work + "/pypi.txt", "w") as f, open(work + "/pypi-high.txt", "w") as h:
    f.write("os - - -\n")
    h.write("os - - -\n")
    for name, ver, i in spread(items, N):
        f.write("pypi %s %s - -\n" % (name, ver))
        h.write("pypi %s 99999 - -\n" % name)
EOF

# --- open and match (the two builds alternate) ---------------------------------------
for v in "${variants[@]}"; do : >"$work/match-$v.txt"; done
for kind in deb deb-high apk apk-high pypi pypi-high; do
	for v in "${variants[@]}"; do
		"$(timer_of "$v")" "$work/all-$v.db" "$work/$kind.txt" "$runs" "$work/$kind-$v.findings" >"$work/$kind-$v.out"
		read -r omin omed mmin mmed npk nfind mcpu <"$work/$kind-$v.out"
		printf '%s %s %s %s %s %s %s %s\n' "$kind" "$omin" "$omed" "$mmin" "$mmed" "$npk" "$nfind" "$mcpu" >>"$work/match-$v.txt"
	done
done

# --- instructions (callgrind) -----------------------------------------------------------
for v in "${variants[@]}"; do : >"$work/instr-$v.txt"; done
if [ "${BENCH_CALLGRIND:-0}" = 1 ] && command -v valgrind >/dev/null; then
	for kind in deb deb-high apk apk-high pypi pypi-high; do
		for v in "${variants[@]}"; do
			n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=lb_match_inventory \
				"$(timer_of "$v")" "$work/all-$v.db" "$work/$kind.txt" 1 2>&1 >/dev/null |
				sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')
			echo "$kind $n" >>"$work/instr-$v.txt"
		done
	done
fi

# --- end to end: a 10,000-package dpkg root -----------------------------------------
root=$work/root
rm -rf "$root"
mkdir -p "$root/etc" "$root/var/lib/dpkg"
printf 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="11"\nVERSION_CODENAME=bullseye\n' >"$root/etc/os-release"
cp "$work/deb-status" "$root/var/lib/dpkg/status"
for v in "${variants[@]}"; do
	for _ in $(seq "$runs"); do secs "$(lifebelt_of "$v")" rootfs "$root" --db "$work/all-$v.db" -f json -q; echo; done |
		stats >"$work/e2e-$v.txt"
done
e2e_without=$(for _ in $(seq "$runs"); do secs "$LIFEBELT" rootfs "$root" --scanners none -f json -q; echo; done | stats)

# --- report ----------------------------------------------------------------------------
echo "vulnerability database benchmark ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d))"
read -r n_med n_min <<<"$e2e_without"
for v in "${variants[@]}"; do
	if [ "$v" = base ]; then echo; echo "== baseline: $base_rev ($base_id)"; else echo; echo "== working tree"; fi
	read -r build_med build_min <"$work/build-$v.txt"
	db_bytes=$(stat -c %s "$work/all-$v.db")
	printf 'db build from all shared feeds: %s s median, %s s fastest (target <= 30 s)\n' "$build_med" "$build_min"
	printf 'db size: %.1f MB (%d bytes); feeds: %.1f MB in %d files (%.0f%%)\n' \
		"$(awk "BEGIN { print $db_bytes / 1048576 }")" "$db_bytes" "$(awk "BEGIN { print $feed_bytes / 1048576 }")" \
		"$feed_files" "$(awk "BEGIN { print 100 * $db_bytes / $feed_bytes }")"
	printf '%-10s %-22s %-24s %-14s %-9s %-9s %s\n' inv "open ms (median/min)" "match ms (median/min)" \
		"match CPU ms" packages findings "instructions (M)"
	while read -r kind omin omed mmin mmed npk nfind mcpu; do
		ins=$(awk -v k="$kind" '$1 == k && $2 != "" { printf "%.0f", $2 / 1e6 }' "$work/instr-$v.txt")
		printf '%-10s %-22s %-24s %-14s %-9s %-9s %s\n' "$kind" "$omed / $omin" "$mmed / $mmin" "$mcpu" "$npk" \
			"$nfind" "${ins:--}"
	done <"$work/match-$v.txt"
	read -r w_med w_min <"$work/e2e-$v.txt"
	printf 'lifebelt rootfs, 10,000 dpkg packages: %s s with --db, %s s without (median); matching adds %s s\n' \
		"$w_med" "$n_med" "$(awk "BEGIN { printf \"%.3f\", $w_med - $n_med }")"
done
if [ -n "$base_rev" ]; then
	echo
	for kind in deb deb-high apk apk-high pypi pypi-high; do
		if cmp -s <(sort "$work/$kind-base.findings") <(sort "$work/$kind-new.findings"); then
			echo "$kind: the same findings in both builds ($(wc -l <"$work/$kind-new.findings"))"
		else
			echo "$kind: the findings DIFFER ($(diff <(sort "$work/$kind-base.findings") <(sort "$work/$kind-new.findings") | grep -c '^[<>]') lines)"
		fi
	done
fi
