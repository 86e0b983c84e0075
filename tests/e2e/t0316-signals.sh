#!/bin/bash
# t0316-signals.sh - SIGTERM, SIGINT or SIGHUP in the middle of a scan stop
# lifebelt with 128+signal, and its scratch folder (used here because the
# outer archive is compressed) is removed: TMPDIR is empty afterwards.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
# 12 different 1 GiB bombs: seconds of inflating and hashing. They must
# differ: a layer (diff ID) that an image repeats is walked once.
bombs = [zeros_layer("bomb%d.bin" % i, 1 << 30, "gzip") for i in range(12)]
write("slow.tar.gz", gz(archive_bytes(oci_image(bombs)), level=1))
EOF

# run_and_kill SIG: starts a scan, waits until it is busy, sends SIG.
run_and_kill() {
	local sig=$1 pid i
	(cd "$T/cwd" && TMPDIR="$T/tmp" exec "$LIFEBELT" image --input "$T/img/slow.tar.gz") \
	    >"$T/out" 2>"$T/err" &
	pid=$!
	for i in $(seq 100); do
		[ -n "$(ls -A "$T/tmp")" ] && break
		sleep 0.1
	done
	empty_dir "$T/tmp" && fail "no scratch folder appeared"
	sleep 1
	kill -s "$sig" "$pid"
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid"
		fail "lifebelt did not stop within 10 s of SIG$sig"
	fi
	wait "$pid"
	RC=$?
	check_run
}

case_ sigterm
run_and_kill TERM
expect_rc 143
expect_err "interrupted by signal 15"

case_ sigint
run_and_kill INT
expect_rc 130

case_ sighup
run_and_kill HUP
expect_rc 129

finish
