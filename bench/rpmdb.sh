#!/bin/bash
# bench/rpmdb.sh - how long the rpm analyzer takes to read an rpm database
# of about 1,000 packages (the target is under 100 ms). Not a test: it
# prints figures (see bench/README.md).
#
#   bench/rpmdb.sh
#
# Two databases, each as SQLite (rpm 4.16+) and Berkeley DB hash (rpm <= 4.15;
# page size 4096):
#   - "built": 1,003 packages made by tests/tools/mkrpmdb.sh with rpmbuild and
#     `rpm --justdb` (1,000 subpackages of 3 files; small headers, ~4 KB);
#   - "mariner": the 129 real headers of shared/testdata/pkgdb/rpm/cbl-mariner-2.0
#     stored 8 times over (1,032 packages, ~25 KB headers with file lists,
#     changelogs and dependencies: sizes like a real RHEL database's).
# NDB has no writer here (Debian's rpm lacks it); its reader shares the
# header code and streams blobs in file order like the others.
# Each is timed inside one process by bench/rpmdb-time.c (the analyzer's
# streaming pass, file lists included, from memory), and end to end with
# `lifebelt rootfs`.
# Environment: LB_SHARED (default ../shared), BENCH_WORK (default
# build/bench), BENCH_RUNS (default 15).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${LB_SHARED:-$repo/../shared}
work=${BENCH_WORK:-$repo/build/bench}/rpmdb
runs=${BENCH_RUNS:-15}
for c in rpmbuild rpm db5.3_load python3; do
	command -v $c >/dev/null || { echo "bench: needs $c (apt-get install rpm db5.3-util python3)" >&2; exit 1; }
done
mkdir -p "$work"

rel=$repo/build/bench-release
cmake -S "$repo" -B "$rel" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DLB_WERROR=OFF >/dev/null
cmake --build "$rel" >/dev/null
deps=$(pkg-config --libs libarchive libisal libzstd jansson libcrypto sqlite3 yaml-0.1 libcurl)
# shellcheck disable=SC2086
cc -O2 -std=c17 -D_GNU_SOURCE -I "$repo/src" -o "$work/rpmdb-time" "$repo/bench/rpmdb-time.c" \
	"$rel/liblbcore.a" $deps -lpthread -lm

# built: rpmbuild is slow (minutes for 1,000 subpackages): kept between runs
if [ ! -s "$work/built/expected.txt" ]; then
	echo "bench: building 1,000 packages with rpmbuild (a few minutes)" >&2
	bash "$repo/tests/tools/mkrpmdb.sh" "$work/built" 1000 3
fi

# mariner x8
m=$work/mariner
mkdir -p "$m/root/var/lib/rpm" "$m/bdb4096/var/lib/rpm"
rm -f "$m/root/var/lib/rpm/rpmdb.sqlite" "$m/bdb4096/var/lib/rpm/Packages"
python3 - "$shared/testdata/pkgdb/rpm/cbl-mariner-2.0/rpmdb.sqlite" "$m" <<'EOF'
import sqlite3, struct, sys
src = sqlite3.connect("file:%s?immutable=1" % sys.argv[1], uri=True)
blobs = [bytes(b) for (b,) in src.execute("SELECT blob FROM Packages ORDER BY hnum")]
dst = sqlite3.connect(sys.argv[2] + "/root/var/lib/rpm/rpmdb.sqlite")
dst.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
rows = [b for _ in range(8) for b in blobs]
dst.executemany("INSERT INTO Packages (blob) VALUES (?)", [(b,) for b in rows])
dst.commit()
with open(sys.argv[2] + "/dump", "w") as f:
    f.write("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=4096\nHEADER=END\n")
    for i, b in enumerate(rows, 1):
        f.write(" %s\n %s\n" % (struct.pack("<I", i).hex(), b.hex()))
    f.write("DATA=END\n")
EOF
db5.3_load -f "$m/dump" "$m/bdb4096/var/lib/rpm/Packages"
rm -f "$m/dump"

printf '| database | back end | size (MB) | packages | files | in-process min / median (ms) | CPU median (ms) | lifebelt rootfs (ms) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for db in built mariner; do
	for be in sqlite bdb; do
		case $be in
		sqlite) root=$work/$db/root; rel_path=var/lib/rpm/rpmdb.sqlite ;;
		bdb) root=$work/$db/bdb4096; rel_path=var/lib/rpm/Packages ;;
		esac
		f=$root/$rel_path
		read -r mn md cpu np nf < <("$work/rpmdb-time" "$f" "$rel_path" "$runs")
		best=
		for ((i = 0; i < 5; i++)); do
			t0=$(date +%s%N)
			"$rel/lifebelt" rootfs "$root" --scanners none -f json -o /dev/null -q
			t=$(( ($(date +%s%N) - t0) / 1000000 ))
			[ -z "$best" ] || [ "$t" -lt "$best" ] && best=$t
		done
		size=$(awk -v s="$(stat -c %s "$f")" 'BEGIN { printf "%.1f", s / 1048576 }')
		printf '| %s | %s | %s | %s | %s | %s / %s | %s | %s |\n' "$db" "$be" "$size" "$np" "$nf" \
			"$mn" "$md" "$cpu" "$best"
	done
done
