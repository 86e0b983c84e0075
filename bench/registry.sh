#!/bin/bash
# bench/registry.sh - scanning an image from a registry on loopback against
# `skopeo copy docker://... oci:DIR` of the same image (which only pulls
# it), both measured in the same run, and a warm re-scan of the unchanged
# image (every layer in the layer cache: only the manifest and the config
# are fetched). Not a test: it prints figures for bench/README.md.
# Targets (issue #5): lifebelt <= 1.2x skopeo; warm re-scan < 100 ms.
#   bench/registry.sh
# Environment: LB_SHARED (default ../shared), BENCH_WORK (default
#   build/bench-registry), BENCH_BUILD (default build/release),
#   BENCH_APP_MB (default 150), BENCH_RUNS (default 5)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${LB_SHARED:-$repo/../shared}
work=${BENCH_WORK:-$repo/build/bench-registry}
build=${BENCH_BUILD:-$repo/build/release}
runs=${BENCH_RUNS:-5}
app_mb=${BENCH_APP_MB:-150}
py=/usr/bin/python3
mkimage=$shared/tools/mkimage
for c in docker-registry skopeo; do
	command -v $c >/dev/null || { echo "bench: needs $c (scripts/install-deps.sh)" >&2; exit 1; }
done
[ -x "$mkimage" ] || { echo "bench: needs $mkimage (../shared)" >&2; exit 1; }
mkdir -p "$work"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" -j2 lifebelt >/dev/null
lb=$build/lifebelt

# the image: Alpine 3.20 plus an application layer of files from the host
img=$work/img
if [ ! -d "$img" ]; then
	app=$work/app
	rm -rf "$app"
	mkdir -p "$app/opt"
	"$py" - "$app/opt" "$app_mb" <<'PY'
import os, shutil, sys
dst, want = sys.argv[1], int(sys.argv[2]) << 20
total = 0
for root in ("/usr/lib/x86_64-linux-gnu", "/usr/share", "/usr/lib"):
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            q = os.path.join(dst, os.path.relpath(p, "/"))
            os.makedirs(os.path.dirname(q), exist_ok=True)
            try:
                shutil.copyfile(p, q)
            except OSError:
                continue
            total += os.path.getsize(q)
            if total >= want:
                sys.exit(0)
PY
	$py "$mkimage" --tag big:1 --layer "$shared/testdata/rootfs/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz" \
		--layer "$app" --oci "$img" >/dev/null
	rm -rf "$app"
fi

# a registry on a free port, stopped on exit
port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
reg=127.0.0.1:$port
rm -rf "$work/data"
cat >"$work/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/data}}
http: {addr: "$reg"}
YML
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
regpid=$!
trap 'kill $regpid 2>/dev/null; wait $regpid 2>/dev/null' EXIT
for _ in $(seq 100); do
	$py -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
	sleep 0.1
done
skopeo --insecure-policy copy --preserve-digests --dest-tls-verify=false "oci:$img" "docker://$reg/bench/big:1" >/dev/null

# median of $runs runs of "$@": prints "seconds peak_kb"
measure() {
	local i out=()
	for ((i = 0; i < runs; i++)); do
		rm -rf "$work/pulled"
		/usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/err.out" || {
			echo "bench: '$*' failed:" >&2; cat "$work/err.out" >&2; exit 1; }
		out+=("$(tail -1 "$work/time.out")")
	done
	printf '%s\n' "${out[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}

sizes=$($py - "$img" <<'PY'
import json, os, sys
d = sys.argv[1]
b = lambda dg: os.path.join(d, "blobs", *dg.split(":"))
m = json.load(open(b(json.load(open(os.path.join(d, "index.json")))["manifests"][0]["digest"])))
print("%d layers, %d MB compressed" % (len(m["layers"]), sum(l["size"] for l in m["layers"]) >> 20))
PY
)
# cold: no layer cache (--no-cache), every layer downloaded and analysed
l=$(measure "$lb" image "$reg/bench/big:1" --insecure --scanners none --format json --no-cache -o "$work/out.json")
# warm: one scan fills a private layer cache, then re-scans are timed
rm -rf "$work/lcache"
"$lb" image "$reg/bench/big:1" --insecure --scanners none --format json --cache-dir "$work/lcache" -o "$work/out.json"
w=$(measure "$lb" image "$reg/bench/big:1" --insecure --scanners none --format json --cache-dir "$work/lcache" -o "$work/out.json")
s=$(measure skopeo --insecure-policy copy --src-tls-verify=false "docker://$reg/bench/big:1" "oci:$work/pulled")
read -r ls lk <<<"$l"
read -r ss sk <<<"$s"
read -r ws wk <<<"$w"
echo "image: $sizes, median of $runs runs"
printf 'lifebelt image (registry)  %6.2f s %5d MB peak\n' "$ls" $((lk / 1024))
printf 'skopeo copy (pull only)    %6.2f s %5d MB peak\n' "$ss" $((sk / 1024))
printf 'ratio %.2f (target <= 1.2)\n' "$(echo "$ls / $ss" | bc -l)"
printf 'lifebelt warm re-scan      %6.3f s %5d MB peak (target < 0.100 s; cache %s)\n' "$ws" $((wk / 1024)) \
	"$(du -sh "$work/lcache/layers" | cut -f1)"
