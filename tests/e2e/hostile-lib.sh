# hostile-lib.sh - sourced by tests/e2e/t03xx-*.sh (hostile input tests).
#
# Each test crafts images with hostile-lib.py (python stdlib only), runs
# lifebelt on them with `lb`, and checks the exit code, the messages, the
# report, and that nothing was written anywhere but lifebelt's scratch
# folder: TMPDIR points at an empty folder that must be empty again after
# the run, the working directory is an empty folder that must stay empty,
# and $T/victim (the target that escape symlinks aim at) must stay empty.
# A crash (signal, sanitizer report) or a hang (timeout) fails, unless a
# hang is a listed known bug (see known_bug).
#
# Environment from CTest: LIFEBELT, LB_SRCDIR (LB_SHARED, LB_TESTDATA and
# LB_BUILDDIR are not needed: every image is made here).

set -u
: "${LIFEBELT:?LIFEBELT must name the lifebelt binary}"
: "${LB_SRCDIR:?LB_SRCDIR must name the source tree}"

HPY=/usr/bin/python3        # stdlib only; another python3 may come first on PATH
HLIB="$LB_SRCDIR/tests/e2e/hostile-lib.py"
LB_TIMEOUT=${LB_TIMEOUT:-60}
T=$(mktemp -d "${TMPDIR:-/tmp}/lb-hostile.XXXXXX") || exit 1
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$T/img" "$T/tmp" "$T/cwd" "$T/victim" "$T/cache"
export XDG_CACHE_HOME="$T/cache"   # no user cache or database leaks into a run
export LB_T="$T"            # for python snippets
NPASS=0
NFAIL=0
CASE=-
RC=0

# A sanitizer build prints its reports on stderr and needs more memory.
LB_ASAN=0
if ldd "$LIFEBELT" 2>/dev/null | grep -q 'libasan\|libubsan' ||
    grep -q '__asan_init' "$LIFEBELT" 2>/dev/null; then
	LB_ASAN=1
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

NKNOWN=0
KNOWN=
case_() { CASE=$1; KNOWN=; }

# known_bug TEXT: the next check fails because of a known bug (TEXT names
# it). Its failure is listed but does not fail the test unless
# LB_STRICT=1; once it passes, the line should go (git's
# test_expect_failure). A known bug may be a hang; crashes and stray files
# always fail.
known_bug() { KNOWN=$1; }

pass() {
	if [ -n "$KNOWN" ]; then
		echo "FIXED? [$CASE]: passes now; remove known_bug '$KNOWN'"
		KNOWN=
	fi
	NPASS=$((NPASS + 1))
}
check_failed() {
	if [ -n "$KNOWN" ] && [ "${LB_STRICT:-0}" != 1 ]; then
		echo "known bug [$CASE]: $KNOWN: $*"
		NKNOWN=$((NKNOWN + 1))
		KNOWN=
		return
	fi
	KNOWN=
	fail "$@"
}
fail() {
	NFAIL=$((NFAIL + 1))
	echo "FAIL [$CASE]: $*"
	if [ -s "$T/err" ]; then
		echo "  stderr:"
		head -c 2000 "$T/err" | sed 's/^/    /' | tr -d '\033'
	fi
}

# hpy [ARGS...] <<'EOF' ... EOF: runs a python snippet in $T/img with the
# helpers of hostile-lib.py in scope.
hpy() {
	(cd "$T/img" && "$HPY" "$HLIB" - "$@") || { echo "FAIL [$CASE]: python snippet failed"; exit 1; }
}

# The folder must be empty.
empty_dir() {
	[ -z "$(ls -A "$1" 2>/dev/null)" ]
}

# lb ARGS...: runs lifebelt in $T/cwd with TMPDIR=$T/tmp; sets RC, keeps
# stdout in $T/out and stderr in $T/err; fails the case on a crash, a hang
# or a stray file.
# image and rootfs run with --no-cache: a case that damages an image after
# scanning it must see the damage, not the layer cache's answer
lb() {
	local pre=() post=()
	if [ -n "${LB_RSS_FILE:-}" ] && [ -x /usr/bin/time ]; then
		pre=(/usr/bin/time -f '%M %U %S' -o "$LB_RSS_FILE")
	fi
	case "${1:-}" in image | rootfs) post=(--no-cache) ;; esac
	(cd "$T/cwd" && TMPDIR="$T/tmp" exec "${pre[@]}" timeout -k 5 "$LB_TIMEOUT" "$LIFEBELT" "$@" "${post[@]}") \
	    >"$T/out" 2>"$T/err"
	RC=$?
	check_run
}

check_run() {
	if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
		check_failed "lifebelt did not finish within ${LB_TIMEOUT}s (exit $RC)"
	elif [ "$RC" -ge 128 ] && [ "$RC" -ne 129 ] && [ "$RC" -ne 130 ] && [ "$RC" -ne 143 ]; then
		fail "lifebelt died with signal $((RC - 128))"   # SIGSEGV, SIGABRT, ...
	fi
	if grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:' "$T/err"; then
		fail "sanitizer report"
	fi
	empty_dir "$T/tmp" || { fail "left files in TMPDIR:"; ls -lAR "$T/tmp" | head; }
	empty_dir "$T/cwd" || { fail "wrote into the working directory:"; ls -lAR "$T/cwd" | head; }
	empty_dir "$T/victim" || { fail "wrote through an escape link:"; ls -lAR "$T/victim" | head; }
	rm -rf "${T:?}/tmp/"* "${T:?}/cwd/"* "${T:?}/victim/"* 2>/dev/null
	if grep -q "$(printf '\033')" "$T/err"; then
		fail "an escape character reached stderr"
	fi
}

expect_rc() {
	if [ "$RC" -eq "$1" ]; then pass; else check_failed "exit status $RC, expected $1"; fi
}

# expect_err ERE: stderr matches (grep -E, case sensitive)
expect_err() {
	if grep -Eq -- "$1" "$T/err"; then pass; else check_failed "stderr lacks /$1/"; fi
}

# A missing blob is an integrity failure: exit 65 and a message saying so.
expect_missing() {
	expect_rc 65
	expect_err "${1:-is missing from}"
}

expect_no_err() {
	if grep -Eq -- "$1" "$T/err"; then check_failed "stderr has /$1/"; else pass; fi
}

expect_out() {
	if grep -Eq -- "$1" "$T/out"; then pass; else check_failed "stdout lacks /$1/"; fi
}

# jcheck PYEXPR [MSG]: with the JSON report on stdout parsed as R, its first
# result as res, the set of package names as names and a name -> version
# map as vers, PYEXPR must be true. The report must be valid UTF-8 JSON
# without raw control characters.
jcheck() {
	if "$HPY" - "$T/out" "$1" <<'EOF'; then pass; else check_failed "${2:-report check failed: $1}"; fi
import json, sys
raw = open(sys.argv[1], "rb").read()
try:
    txt = raw.decode("utf-8")
    R = json.loads(txt)
except Exception as e:
    print("  report is not valid UTF-8 JSON: %s" % e)
    sys.exit(1)
if any(ord(c) < 0x20 and c not in "\n\t\r " for c in txt):
    print("  raw control character in the report")
    sys.exit(1)
res = R["results"][0] if R.get("results") else {}
names = {p["name"] for p in res.get("packages", [])}
vers = {p["name"]: p["version"] for p in res.get("packages", [])}
warnings = "\n".join(res.get("warnings", []))
ok = eval(sys.argv[2])
if not ok:
    print("  names=%s partial=%s os=%s" % (sorted(names)[:20], res.get("partial"), res.get("os")))
    print("  warnings=%s" % warnings[:1000])
sys.exit(0 if ok else 1)
EOF
}

# The peak RSS (KiB) and the CPU seconds (user + system, all threads) of
# the last run made with LB_RSS_FILE set. CPU time, unlike wall time, does
# not depend on what else the machine is doing.
rss_kib() {
	tail -n 1 "${LB_RSS_FILE:?}" 2>/dev/null | awk '{ print $1 + 0 }'
}
cpu_s() {
	tail -n 1 "${LB_RSS_FILE:?}" 2>/dev/null | awk '{ printf "%d\n", $2 + $3 }'
}

# Whether the last run was measured: /usr/bin/time (Debian package
# "time") is needed, and required in CI; sanitizer builds are not measured
# for memory.
measured() {
	if [ ! -x /usr/bin/time ]; then
		if [ "${CI:-}" = true ]; then
			fail "/usr/bin/time is missing (apt-get install time)"
		else
			echo "note [$CASE]: not measured: /usr/bin/time is missing (apt-get install time)"
		fi
		return 1
	fi
	[ -s "${LB_RSS_FILE:?}" ]
}

# expect_rss_under KIB: the peak RSS of the last run was under KIB
# (not checked under sanitizers).
expect_rss_under() {
	[ "$LB_ASAN" = 1 ] && { KNOWN=; return 0; }
	measured || { KNOWN=; return 0; }
	if [ "$(rss_kib)" -lt "$1" ]; then pass; else check_failed "peak RSS $(rss_kib) KiB, over $1 KiB"; fi
}

# expect_cpu_under SECONDS: the last run used less CPU than that (four
# times as much under sanitizers).
expect_cpu_under() {
	local lim=$1
	measured || { KNOWN=; return 0; }
	[ "$LB_ASAN" = 1 ] && lim=$((lim * 4))
	if [ "$(cpu_s)" -lt "$lim" ]; then pass; else check_failed "used $(cpu_s) s of CPU, over $lim s"; fi
}

finish() {
	echo "$NPASS passed, $NFAIL failed, $NKNOWN known bugs"
	[ "$NFAIL" -eq 0 ]
	exit $?
}
