#!/bin/bash
# t1030-registry-cache: the layer cache (src/image/lcache.c). Layer analysis
# results are kept on disk by diff ID and shared by registry and local
# scans: a second scan of an unchanged image fetches only the manifest and
# the config (counted in the real registry's access log) and gives the same
# report, its layer warnings included; a local scan of the same image uses
# the entries (proved by removing its layer blobs: only the cache can answer
# then); --platform all downloads a layer shared by platforms once, with or
# without the cache; a truncated transfer caches nothing; a damaged cache
# file is ignored with a warning, the report stays right and the file is
# rewritten; --no-cache reads and writes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"
reg_need
LB_LAYER_CACHE=1    # lb: no --no-cache unless asked

A=$LB_TESTDATA/rootfs/alpine
A320=$A/alpine-minirootfs-3.20.3-x86_64.tar.gz
A37=$A/alpine-minirootfs-3.7.3-x86_64.tar.gz
A316=$A/alpine-minirootfs-3.16.9-x86_64.tar.gz
for f in "$A320" "$A37" "$A316"; do [ -f "$f" ] || bail "missing $f"; done

# layer 2: a Node package (a streaming analyzer's fact) and a bare ".wh."
# whiteout, which the walker warns about (a warning of that layer)
mkdir -p "$T/l2/usr/lib/node_modules/left-pad" "$T/l2/etc"
echo '{"name":"left-pad","version":"1.3.0"}' >"$T/l2/usr/lib/node_modules/left-pad/package.json"
: >"$T/l2/etc/.wh."
mkimage --tag app:1 --layer "$A320" --layer "$T/l2" --oci "$T/app" --docker-archive "$T/app.tar"
mkdir -p "$T/base/etc"
echo "shared base" >"$T/base/etc/motd"
mkimage --tag multi:1 --layer "$T/base" --level 1 \
	--platform linux/amd64 --layer "$A37" --platform linux/arm64/v8 --layer "$A320" --oci "$T/multi"
reg_start cache --accesslog
reg_push "$T/app" team/app:1
reg_push "$T/multi" team/multi:1
LOG=$REG_DIR/registry.log
C=$T/cache
LAYERS=$(jq_py '[l["digest"] for l in d["layers"]]' \
	"$T/app/blobs/sha256/$(jq_py 'd["manifests"][0]["digest"][7:]' "$T/app/index.json")")
CONFIG=$(jq_py 'd["config"]["digest"]' \
	"$T/app/blobs/sha256/$(jq_py 'd["manifests"][0]["digest"][7:]' "$T/app/index.json")")

# blob GETs in the access log since line $1 (all, or of digest $2)
blob_gets() { tail -n +"$(($1 + 1))" "$LOG" | grep -c "\"GET /v2/[^ ]*/blobs/${2:-}"; }
mark() { wc -l <"$LOG"; }
noclock() { sed -e '/"createdAt"/d' "$1"; }

# --- cold, then warm ---------------------------------------------------
m=$(mark)
lb image "$REG/team/app:1" --insecure --format json --cache-dir "$C"
check_rc "cold registry scan" 0
noclock "$T/out" >"$T/cold.json"
check_json "the layer's Node package is there" '[p["name"] for p in r[0]["packages"] if p["type"] == "npm"]' left-pad
check_grep "the walk warned about the bare whiteout" "invalid whiteout" "$T/err"
check_eq "the cold scan fetched config and both layers" 3 "$(blob_gets "$m")"
check_eq "one cache entry per layer" 2 "$(ls "$C/layers" | grep -c '^sha256-')"
check_eq "the cache folder is private" 700 "$(stat -c %a "$C/layers")"

m=$(mark)
lb image "$REG/team/app:1" --insecure --format json --cache-dir "$C"
check_rc "warm registry scan" 0
noclock "$T/out" >"$T/warm.json"
check_same "the warm report is byte-identical (but for its time)" "$T/cold.json" "$T/warm.json"
check_grep "the layer's warning is raised again" "invalid whiteout" "$T/err"
check_eq "the warm scan fetched one blob" 1 "$(blob_gets "$m")"
check_eq "... the config" 1 "$(blob_gets "$m" "$CONFIG")"
n=0
for l in $LAYERS; do n=$((n + $(blob_gets "$m" "$l"))); done
check_eq "no layer blob was fetched" 0 "$n"

# --- local scans share the entries ---------------------------------------
lb image --input "$T/app.tar" --format json --cache-dir "$C" -v
check_rc "docker-archive scan of the same image" 0
check_eq "both layers came from the cache" 2 "$(grep -c 'loaded from the layer cache' "$T/err")"
check_eq "same packages as from the registry" "$(pkg_lines "$T/cold.json")" "$(pkg_lines)"
# an OCI layout without its layer blobs: only the cache can answer
cp -r "$T/app" "$T/app-noblobs"
for l in $LAYERS; do rm "$T/app-noblobs/blobs/sha256/${l#sha256:}"; done
lb image --input "$T/app-noblobs" --format json --cache-dir "$C"
check_rc "a layout whose layer blobs are gone scans from the cache" 0
check_eq "... with the same packages" "$(pkg_lines "$T/cold.json")" "$(pkg_lines)"
lb image --input "$T/app-noblobs" --format json --cache-dir "$C" --no-cache
check_rc "with --no-cache the missing blobs are an error" 65

# --- a damaged cache file ------------------------------------------------
f=$(ls "$C/layers"/sha256-* | head -1)
"$PY" - "$f" <<'PYEOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xff
open(p, "wb").write(b)
PYEOF
m=$(mark)
lb image "$REG/team/app:1" --insecure --format json --cache-dir "$C"
check_rc "a damaged cache file does not fail the scan" 0
check_grep "it is ignored with a warning naming it" "warning: ignoring layer cache file '$f': its checksum does not match" "$T/err"
noclock "$T/out" >"$T/damaged.json"
check_same "the report is still right (and not partial because of the cache)" "$T/cold.json" "$T/damaged.json"
check_eq "that one layer was fetched again" 2 "$(blob_gets "$m")"
lb image "$REG/team/app:1" --insecure --format json --cache-dir "$C"
check_grep_not() { if grep -q "$2" "$3"; then fail "$1" "$(grep "$2" "$3")"; else pass "$1"; fi; }
check_grep_not "the entry was rewritten" "ignoring layer cache file" "$T/err"
printf 'garbage' >"$f"
lb image "$REG/team/app:1" --insecure --format json --cache-dir "$C"
check_rc "a truncated cache file does not fail the scan" 0
check_grep "... and is named" "ignoring layer cache file '$f': truncated" "$T/err"

# --- --no-cache -----------------------------------------------------------
m=$(mark)
lb image "$REG/team/app:1" --insecure --format json --cache-dir "$T/nc" --no-cache
check_rc "--no-cache scan" 0
check_eq "--no-cache fetched every layer" 3 "$(blob_gets "$m")"
[ -e "$T/nc/layers" ] && fail "--no-cache wrote nothing" "$(ls -la "$T/nc/layers")" || pass "--no-cache wrote nothing"

# --- --platform all: a shared layer once ----------------------------------
BASE=$(jq_py '[l["digest"] for x in r for l in x["layers"]][0]' <(
	"$LIFEBELT" image --input "$T/multi" --scanners none --format json --platform all --no-cache))
for opt in --cache-dir=$T/pa --no-cache; do
	m=$(mark)
	lb image "$REG/team/multi:1" --insecure --format json --platform all $opt
	check_rc "--platform all ($opt)" 0
	check_json "two platforms ($opt)" 'len(r)' 2
	check_json "both have the shared base layer ($opt)" \
		'len(set(x["layers"][0]["diffId"] for x in r))' 1
	check_eq "the shared base layer was downloaded once ($opt)" 1 "$(blob_gets "$m" "$BASE")"
done

# --- nothing is cached from a failed transfer ------------------------------
mkimage --tag app:1 --layer "$A316" --oci "$T/trunc"
port=$(free_port)
bg "$T/hostile.out" "$PY" "$LB_SRCDIR/tests/e2e/registry-hostile.py" "$port" "$T/trunc" "$T/hostile.log" \
	"$(free_port)"
wait_port "$port"
lb image "127.0.0.1:$port/truncated/app:1" --insecure --registry-timeout 2 --format json --cache-dir "$T/tc"
check_rc "a truncated blob fails the scan" 65
check_eq "and leaves no cache entry behind (nor a temporary file)" "" \
	"$(ls -A "$T/tc/layers" 2>/dev/null)"
lb image "127.0.0.1:$port/good/app:1" --insecure --registry-timeout 2 --format json --cache-dir "$T/tc"
check_rc "the same image from a good registry" 0
check_eq "is cached" 1 "$(ls "$T/tc/layers" | grep -c '^sha256-')"

finish
