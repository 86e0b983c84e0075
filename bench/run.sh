#!/bin/bash
# bench/run.sh - speed and peak memory of lifebelt next to baselines measured
# in the same run (see bench/README.md). Not a test: it prints figures.
#   bench/run.sh [big|tiny|all]    (default all)
# Environment: LB_SHARED (default ../shared), BENCH_WORK (default build/bench),
#   BENCH_TINY_FILES (default 3000000), BENCH_APP_MB (default 200), BENCH_RUNS (default 3)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${LB_SHARED:-$repo/../shared}
work=${BENCH_WORK:-$repo/build/bench}
runs=${BENCH_RUNS:-3}
what=${1:-all}
py=/usr/bin/python3
mkimage=$shared/tools/mkimage
[ -x "$mkimage" ] || { echo "bench: needs $mkimage (../shared)" >&2; exit 1; }
command -v igzip >/dev/null || { echo "bench: needs igzip (apt-get install isal)" >&2; exit 1; }
mkdir -p "$work"

cmake --preset release -S "$repo" >/dev/null
cmake --build "$repo/build/release" >/dev/null
lb=$repo/build/release/lifebelt
cc -O2 -o "$work/tarwalk" "$repo/bench/tarwalk.c" -larchive

# median of $runs runs: prints "seconds peak_kb"
measure() {
	local i out=()
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/err.out" || {
			echo "bench: '$*' failed:" >&2; cat "$work/err.out" >&2; exit 1; }
		out+=("$(tail -1 "$work/time.out")")
	done
	printf '%s\n' "${out[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

layer_blobs() {   # the layer blobs of an OCI layout, in order
	"$py" - "$1" <<'PY'
import json, sys, os
d = sys.argv[1]
idx = json.load(open(os.path.join(d, "index.json")))
def blob(dg): return os.path.join(d, "blobs", *dg.split(":"))
desc = idx["manifests"][0]
m = json.load(open(blob(desc["digest"])))
if "manifests" in m:
    m = json.load(open(blob(m["manifests"][0]["digest"])))
print("\n".join(blob(l["digest"]) for l in m["layers"]))
PY
}

report() {   # name lifebelt-figures baseline-figures
	local ls lk bs bk
	read -r ls lk <<<"$2"
	read -r bs bk <<<"$3"
	printf '%-6s lifebelt %6.2f s %6d MB peak | baseline %6.2f s %6d MB peak | ratio %.2f\n' \
		"$1" "$ls" $((lk / 1024)) "$bs" $((bk / 1024)) "$(echo "$ls / $bs" | bc -l)"
}

base_layer() {   # a Debian root if the debootstrap test made one, else Alpine
	local deb
	for deb in "${LB_DEBOOTSTRAP_CACHE:-}" "$repo/build/debootstrap-cache" "$repo/build/dev/debootstrap-cache"; do
		deb=$deb/bookworm-minbase-amd64
		if [ -d "$deb/var/lib/dpkg" ]; then
			echo "$deb"
			return
		fi
	done
	echo "$shared/testdata/rootfs/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz"
}

if [ "$what" = all ] || [ "$what" = big ]; then
	if [ ! -d "$work/big-oci" ]; then
		"$py" "$repo/bench/mklayer.py" tree "$work/app.tar" "${BENCH_APP_MB:-40}" /usr/share /usr/lib/x86_64-linux-gnu
		"$py" "$mkimage" --layer "$(base_layer)" --exclude 'dev/*' --exclude 'proc/*' \
			--layer "$work/app.tar" --tag big:1 --oci "$work/big-oci" --force >/dev/null
		rm -f "$work/app.tar"
	fi
	mapfile -t blobs < <(layer_blobs "$work/big-oci")
	raw=0
	for b in "${blobs[@]}"; do raw=$((raw + $(igzip -dc "$b" | wc -c))); done
	echo "big: ${#blobs[@]} gzip layers, $((raw >> 20)) MB uncompressed, $(du -cm "${blobs[@]}" | tail -1 | cut -f1) MB compressed"
	base=$(measure bash -c 'for b in "$@"; do igzip -dc "$b"; done >/dev/null' _ "${blobs[@]}")
	mine=$(measure "$lb" image --input "$work/big-oci" -f json -o /dev/null -q)
	report big "$mine" "$base"
	echo "       baseline: igzip -dc of each layer blob, one after the other"
fi

if [ "$what" = all ] || [ "$what" = tiny ]; then
	n=${BENCH_TINY_FILES:-3000000}
	if [ ! -d "$work/tiny-oci-$n" ]; then
		"$py" "$repo/bench/mklayer.py" tiny "$work/tiny.tar" "$n"
		"$py" "$mkimage" --layer "$shared/testdata/rootfs/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz" \
			--layer "$work/tiny.tar" --tag tiny:1 --oci "$work/tiny-oci-$n" --force >/dev/null
		rm -f "$work/tiny.tar"
	fi
	mapfile -t blobs < <(layer_blobs "$work/tiny-oci-$n")
	echo "tiny: $n files in one layer over Alpine"
	base=$(measure bash -c 'igzip -dc "$1" | "$2"' _ "${blobs[1]}" "$work/tarwalk")
	mine=$(measure "$lb" image --input "$work/tiny-oci-$n" -f json -o /dev/null -q)
	report tiny "$mine" "$base"
	echo "       baseline: igzip -dc of the big layer piped into a bare libarchive header walk"
fi
