#!/bin/bash
# t1020-registry-hostile: a registry that answers badly
# (registry-hostile.py): a wrong blob digest, a manifest that does not
# match its digest, a schema 1 manifest, a manifest over the size cap, a redirect to another
# host (which must not receive the credentials), a 401 loop, 429 with
# Retry-After (once, then always), a blob longer than its descriptor, a slow drip, a server that never
# answers and a truncated blob. Each is a clear error, a non-zero exit and
# a bounded time; a single 429 is waited out and the scan succeeds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"
skip_unless_shared

A37=$LB_TESTDATA/rootfs/alpine/alpine-minirootfs-3.7.3-x86_64.tar.gz
[ -f "$A37" ] || bail "missing $A37"
mkimage --tag app:1 --layer "$A37" --oci "$T/app"
port=$(free_port)
cport=$(free_port)
bg "$T/hostile.out" "$PY" "$LB_SRCDIR/tests/e2e/registry-hostile.py" "$port" "$T/app" "$T/hostile.log" "$cport"
bg "$T/cdn.out" "$PY" "$LB_SRCDIR/tests/e2e/registry-hostile.py" "$cport" "$T/app" "$T/cdn.log"
wait_port "$port"
wait_port "$cport"
R=127.0.0.1:$port

# timed MODE [ARGS]: scans MODE/app:1; SECS gets the seconds it took.
# --no-cache: every mode serves the same layers, which the layer cache
# would otherwise answer for without a transfer (t1030 tests the cache)
timed() {
	local mode=$1 t0 t1
	shift
	t0=$(date +%s%N)
	lb image "$R/$mode/app:1" --insecure --registry-timeout 2 --format json --no-cache "$@"
	t1=$(date +%s%N)
	SECS=$(((t1 - t0) / 1000000000))
}
# bounded WHAT MAX: the last run took at most MAX seconds
bounded() {
	if [ "$SECS" -le "$2" ]; then pass "$1 in bounded time (${SECS}s)"; else fail "$1 took ${SECS}s (max $2)"; fi
}

timed good
check_rc "a well-behaved registry" 0
check_json "the image was scanned" 'r[0]["os"]["version"]' 3.7.3

timed baddigest
check_rc "a layer that does not match its digest" 65
check_grep "the error names the layer's digest" "layer sha256:.*(digest mismatch|does not match its digest)" "$T/err"

timed badmanifest
check_rc "a manifest that does not match its digest" 65
check_grep "the error names the manifest" "manifest .*badmanifest/app:1: content does not match its digest" "$T/err"

timed schema1
check_rc "a Docker schema 1 manifest" 65
check_grep "the error says it is not supported" "schema 1 image, which is deprecated and not supported" "$T/err"

timed bigmanifest
check_rc "a manifest over the size cap" 65
check_grep "the error names the cap" "over the 4194304 byte limit" "$T/err"
bounded "manifest cap" 10

: >"$T/cdn.log"
LIFEBELT_USERNAME=u LIFEBELT_PASSWORD=p timed redirect
check_rc "blobs redirected to another host" 0
check_grep "the other host served the layers" "GET /blobs/sha256:" "$T/cdn.log"
check_no_grep "the other host never received the credentials" "Authorization=[^n]" "$T/cdn.log"
timed redirect
check_rc "Basic auth without credentials" 66

timed loop401
check_rc "a 401 loop" 66
check_grep "unauthorized even after authenticating" "unauthorized .*even after authenticating" "$T/err"
bounded "401 loop" 10

timed ratelimit -v
check_rc "one 429 with Retry-After is waited out" 0
check_grep "the wait is reported" "HTTP 429; retrying in 1 s" "$T/err"
if [ "$SECS" -ge 1 ]; then pass "Retry-After was honoured"; else fail "Retry-After: 1 was not waited (${SECS}s)"; fi

timed ratelimitforever
check_rc "429 forever: a temporary failure after the retries" 75
check_grep "the error says it gave up" "HTTP 429 5 times: TOOMANYREQUESTS: slow down; giving up" "$T/err"
bounded "429 forever" 15

timed drip
check_rc "a slow drip" 74
check_grep "the stall is named" "blob sha256:.*stalled" "$T/err"
bounded "slow drip" 15

timed hang
check_rc "a server that never answers" 74
check_grep "the stall is named" "manifest .*hang/app:1: transfer stalled" "$T/err"
bounded "no answer" 15

timed oversize
check_rc "a blob longer than its descriptor" 65
check_grep "the download is stopped at the descriptor's size" "blob sha256:.*more bytes than expected" "$T/err"

timed truncated
check_rc "a truncated blob" 65
check_grep "the error names the blob" "blob sha256:.*" "$T/err"
bounded "truncated blob" 15
finish
