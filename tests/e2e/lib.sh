# lib.sh - shared helpers for the end-to-end tests (tests/e2e/tNNNN-*.sh).
#
# Source it first thing:   . "$(dirname "$0")/lib.sh"
#
# CTest sets LIFEBELT, LB_SRCDIR, LB_SHARED, LB_TESTDATA and LB_BUILDDIR
# (tests/CMakeLists.txt); when a test is run by hand they default to the
# dev build of this checkout:   bash tests/e2e/t0001-example.sh
#
# Checks print "ok N - what" or "not ok N - what" (TAP style) and the test
# goes on; finish (called on exit) makes the script fail when any check
# failed. Exit 77 means "skipped" to CTest (SKIP_RETURN_CODE).
#
# Every test gets a scratch folder $T, removed on exit (kept when
# LB_KEEP=1, to look at what failed).

set -u

_lb_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LB_SRCDIR=${LB_SRCDIR:-$(cd "$_lb_here/../.." && pwd)}
LB_BUILDDIR=${LB_BUILDDIR:-$LB_SRCDIR/build/dev}
LIFEBELT=${LIFEBELT:-$LB_BUILDDIR/lifebelt}
LB_SHARED=${LB_SHARED:-$LB_SRCDIR/../shared}
LB_TESTDATA=${LB_TESTDATA:-$LB_SHARED/testdata}
MKIMAGE=$LB_SHARED/tools/mkimage
# Another python3 (pyenv, venv) may come first on PATH: the helpers need
# nothing but the standard library, so use the system one.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export LC_ALL=C

LB_TEST_NAME=$(basename "$0" .sh)
_lb_checks=0
_lb_failed=0

_lb_cleanup() {
	local rc=$?
	# only ever the folder made below, even if a caller reassigned T
	if [ -n "${_lb_made:-}" ] && [ "${T:-}" = "$_lb_made" ] && [ -d "$T" ]; then
		if [ "${LB_KEEP:-0}" = 1 ]; then
			echo "# scratch kept: $T"
		else
			chmod -R u+rwX "$T" 2>/dev/null
			rm -rf "$T"
		fi
	fi
	return $rc
}
trap _lb_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

T=$(mktemp -d "${TMPDIR:-/tmp}/lb-$LB_TEST_NAME.XXXXXX") || { echo "cannot create a scratch folder" >&2; exit 1; }
_lb_made=$T
# a cache folder of its own (the layer cache, a database): nothing of the
# user's or of another test leaks into a run
export XDG_CACHE_HOME=$T/xdg-cache

# --- reporting --------------------------------------------------------

# say MSG: a comment line in the log
say() { printf '# %s\n' "$*"; }

pass() {
	_lb_checks=$((_lb_checks + 1))
	printf 'ok %d - %s\n' "$_lb_checks" "$1"
}

# fail WHAT [DETAIL...]: records a failed check, prints the details
fail() {
	_lb_checks=$((_lb_checks + 1))
	_lb_failed=$((_lb_failed + 1))
	printf 'not ok %d - %s\n' "$_lb_checks" "$1"
	shift
	local d
	for d in "$@"; do
		printf '%s\n' "$d" | sed 's/^/#   /'
	done
}

# bail MSG: a setup step failed; the test cannot go on
bail() {
	echo "Bail out! $*"
	exit 1
}

# skip_all MSG: skip the whole test (CTest shows it as skipped)
skip_all() {
	echo "SKIP: $LB_TEST_NAME: $*"
	exit 77
}

# skip_or_fail MSG: skip, except in CI (CI=true) where a missing
# prerequisite is an error: CI must run every test
skip_or_fail() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $LB_TEST_NAME: $* (CI=true, so this is not skipped)"
		exit 1
	fi
	skip_all "$*"
}

# skip_unless_shared: the test needs ../shared (testdata and mkimage)
skip_unless_shared() {
	if [ ! -d "$LB_TESTDATA" ] || [ ! -x "$MKIMAGE" ]; then
		skip_or_fail "needs the shared test data: '$LB_SHARED' (testdata/ and tools/mkimage) is absent; set LB_SHARED or clone next to it"
	fi
}

# need_cmd CMD...: skip (fail in CI) when a command is missing
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_or_fail "needs '$c', which is not installed"
	done
}

# finish: the summary line and the exit status; call at the end
finish() {
	if [ "$_lb_checks" -eq 0 ]; then
		echo "not ok - $LB_TEST_NAME ran no checks"
		exit 1
	fi
	if [ "$_lb_failed" -ne 0 ]; then
		echo "# $LB_TEST_NAME: $_lb_failed of $_lb_checks checks FAILED"
		exit 1
	fi
	echo "# $LB_TEST_NAME: all $_lb_checks checks passed"
	exit 0
}

# --- running lifebelt -------------------------------------------------

# These tests check the inventory: `image` and `rootfs` scans run with
# `--scanners none`, so that the vulnerability scanner (on by default)
# neither needs a database nor warns that there is none. A test that wants
# the default sets LB_SCANNERS=default (or another --scanners value).
LB_SCANNERS=${LB_SCANNERS:-none}
# They also run with --no-cache: a test that scans an image, then damages
# it, must see the damage, not the layer cache's answer from the first
# scan. A test of the cache sets LB_LAYER_CACHE=1 (t1030).
LB_LAYER_CACHE=${LB_LAYER_CACHE:-0}

# lb_argv ARGS...: LB_ARGV = ARGS with the --scanners (and --no-cache) options added
lb_argv() {
	LB_ARGV=("$@")
	case "${1:-}" in
	image | rootfs)
		[ "$LB_SCANNERS" = default ] || LB_ARGV=("$1" --scanners "$LB_SCANNERS" "${@:2}")
		[ "$LB_LAYER_CACHE" = 1 ] || LB_ARGV+=(--no-cache) ;;
	esac
}

# lb ARGS...: runs lifebelt; stdout goes to $T/out, stderr to $T/err and
# the exit status to $LB_RC. Never stops the test.
LB_RC=0
lb() {
	lb_argv "$@"
	"$LIFEBELT" "${LB_ARGV[@]}" >"$T/out" 2>"$T/err"
	LB_RC=$?
	return 0
}

# mkimage ARGS...: builds an image with shared/tools/mkimage; a failure
# is a broken test setup, not a lifebelt bug, so it bails out
mkimage() {
	if ! "$PY" "$MKIMAGE" "$@" >"$T/mkimage.log" 2>&1; then
		cat "$T/mkimage.log"
		bail "mkimage $* failed"
	fi
}

# --- checks -----------------------------------------------------------

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected: $2" "actual:   $3"
	fi
}

# check_rc WHAT EXPECTED_STATUS: checks $LB_RC of the last lb run
check_rc() {
	if [ "$LB_RC" = "$2" ]; then
		pass "$1 (exit $2)"
	else
		fail "$1" "expected exit status $2, got $LB_RC" "stderr:" "$(head -c 2000 "$T/err")"
	fi
}

# check_grep WHAT ERE FILE: FILE has a line matching the extended regex
check_grep() {
	if grep -Eq -- "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "no line matches /$2/ in $(basename "$3"):" "$(head -c 2000 "$3")"
	fi
}

# check_no_grep WHAT ERE FILE
check_no_grep() {
	if grep -Eq -- "$2" "$3"; then
		fail "$1" "unexpected match of /$2/:" "$(grep -E -- "$2" "$3" | head -5)"
	else
		pass "$1"
	fi
}

# check_same WHAT EXPECTED_FILE ACTUAL_FILE: identical contents
check_same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "$(diff -u "$2" "$3" | head -40)"
	fi
}

# --- JSON -------------------------------------------------------------

# jq_py EXPR [FILE]: evaluates a Python expression over the JSON document
# d (default $T/out) and prints it: strings raw, None as "null", lists
# one item a line, anything else as JSON. r = d["results"] for short.
jq_py() {
	"$PY" -c '
import json, sys
try:
    d = json.load(open(sys.argv[2]))
except (OSError, ValueError) as e:
    head = open(sys.argv[2], errors="replace").read(200) if not isinstance(e, OSError) else ""
    sys.exit("not a JSON document: %s: %s%s" % (sys.argv[2], e, ("; it starts: " + repr(head)) if head else ""))
r = d.get("results") if isinstance(d, dict) else None
v = eval("(" + sys.argv[1] + "\n)")
def show(x):
    if x is None: return "null"
    if isinstance(x, str): return x
    return json.dumps(x, sort_keys=True)
if isinstance(v, (list, tuple)) and not isinstance(v, str):
    for x in v: print(show(x))
else:
    print(show(v))
' "$1" "${2:-$T/out}"
}

# check_json WHAT EXPR EXPECTED [FILE]: jq_py EXPR must print EXPECTED
check_json() {
	local got
	if ! got=$(jq_py "$2" "${4:-$T/out}" 2>&1); then
		fail "$1" "cannot evaluate $2:" "$got"
		return 0
	fi
	check_eq "$1" "$3" "$got"
}

# pkg_lines [FILE] [RESULT]: "name version" of every package, sorted
pkg_lines() {
	jq_py "sorted(p['name'] + ' ' + p['version'] for p in r[${2:-0}]['packages'])" "${1:-$T/out}"
}

# purl_check [FILE]: every package's purl parses back (purl-spec) to its
# type, name and version; prints the problems, nothing when all are fine
purl_check() {
	"$PY" -c '
import json, sys, urllib.parse as u
d = json.load(open(sys.argv[1]))
bad = 0
for res in d["results"]:
    for p in res["packages"]:
        s = p.get("purl") or ""
        if not s.startswith("pkg:"):
            print("no purl:", p["name"]); bad += 1; continue
        rest = s[4:].split("#", 1)[0]
        rest, _, quals = rest.partition("?")
        rest, _, ver = rest.rpartition("@") if "@" in rest else (rest, "", "")
        parts = rest.split("/")
        typ, name = parts[0], u.unquote(parts[-1])
        ns = "/".join(u.unquote(x) for x in parts[1:-1])
        # some ecosystems name a package by namespace and name together
        # (golang module paths, maven group:artifact, npm @scope/name)
        if ns and p["name"] in (ns + "/" + name, ns + ":" + name):
            name = p["name"]
        q = dict(kv.split("=", 1) for kv in quals.split("&") if kv)
        q = {k: u.unquote(v) for k, v in q.items()}
        want = (p["type"], p["name"], p["version"])
        got = (typ, name, u.unquote(ver))
        if got != want or typ != typ.lower():
            print("purl %s parses to %r, not %r" % (s, got, want)); bad += 1
        if p.get("arch") and q.get("arch") != p["arch"]:
            print("purl %s: arch qualifier is not %s" % (s, p["arch"])); bad += 1
        if list(q) != sorted(q):
            print("purl %s: qualifiers are not sorted" % s); bad += 1
' "${1:-$T/out}"
}
