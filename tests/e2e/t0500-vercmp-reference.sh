#!/bin/bash
# t0500-vercmp-reference: lifebelt's version comparators give the same
# answers as the ecosystems' own code, on the pairs of the tables in
# tests/data/version/, the shared release histories
# (../shared/testdata/versions) and LB_VERCMP_PAIRS (2000) random pairs per
# ecosystem from tests/tools/vercmp-gen.py (seed LB_VERCMP_SEED).
#
#   deb       dpkg --compare-versions                        (dpkg)
#   rpm       rpm.labelCompare of python3-rpm                (python3-rpm)
#   pypi      packaging.version.Version                     (python3-packaging)
#   gem       Gem::Version                                   (ruby)
#   npm       node-semver                                    (nodejs; npm ci in tests/tools)
#   cargo     node-semver on what cargo also accepts         (idem)
#   golang    golang.org/x/mod/semver                        (golang-go, golang-golang-x-mod-dev)
#   maven     ComparableVersion of maven-artifact            (maven, default-jdk-headless)
#   composer  composer/semver normalize + version_compare    (php-cli, php-composer-semver)
#
# apk and nuget have no reference tool on Debian: tests/unit/t_vercmp.c
# checks them against hand-checked tables.
#
# Both sides speak the protocol of `lifebelt version compare ECO -`: "A<TAB>B"
# lines in, one of < = > ! out. A reference that is not installed is
# skipped (exit 77) unless CI=true. The shared dpkg history (14,000 pairs,
# a process each) runs only with LB_VERCMP_FULL=1.
. "$(dirname "$0")/lib.sh"

VERCMP=${LB_VERCMP:-$LB_BUILDDIR/tests/lb-vercmp}
TOOLS=$LB_SRCDIR/tests/tools
DATA=$LB_SRCDIR/tests/data/version
SHARED=$LB_TESTDATA/versions/scalibr-semantic
PAIRS=${LB_VERCMP_PAIRS:-2000}
SEED=${LB_VERCMP_SEED:-lifebelt}
[ -x "$VERCMP" ] || bail "no lb-vercmp at '$VERCMP' (target lb-vercmp of tests/CMakeLists.txt)"
missing=""

# table_pairs ECO: "A<TAB>B" for each line of tests/data/version/ECO.txt,
# less those marked [no-ref] and those the protocol cannot carry
table_pairs() {
	"$PY" - "$DATA/$1.txt" <<'EOF'
import sys

def tokens(s):
    i, out = 0, []
    while i < len(s):
        if s[i] in " \t":
            i += 1
        elif s[i] == "#":
            break
        elif s[i] == '"':
            j, v = i + 1, ""
            while s[j] != '"':
                if s[j] == "\\":
                    c = s[j + 1]
                    if c == "x":
                        v += chr(int(s[j + 2:j + 4], 16))
                        j += 4
                        continue
                    v += {"t": "\t", "n": "\n"}.get(c, c)
                    j += 2
                    continue
                v += s[j]
                j += 1
            out.append(v)
            i = j + 1
        else:
            j = i
            while j < len(s) and s[j] not in " \t":
                j += 1
            out.append(s[i:j])
            i = j
    return out

out = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    t = tokens(line)
    if len(t) != 3 or line.startswith("//") or "[no-ref" in line:
        continue
    if any(c in t[0] + t[2] for c in "\t\n\r"):
        continue
    out.append(t[0] + "\t" + t[2] + "\n")
sys.stdout.write("".join(out))
EOF
}

# shared_pairs FILE: "A<TAB>B" for each "A OP B" line of a shared list
shared_pairs() {
	[ -f "$1" ] || return 0
	awk '!/^(#|\/\/)/ && NF == 3 && $2 ~ /^[<=>]$/ { print $1 "\t" $3 }' "$1"
}

# need ECO WHAT CMD...: runs CMD (a check); on failure notes ECO as skipped
need() {
	local eco=$1 what=$2
	shift 2
	if ! "$@" >/dev/null 2>&1; then
		missing="$missing $eco (needs $what)"
		say "$eco: skipped, missing $what"
		return 1
	fi
}

# differ ECO WHO REF...: compares lb-vercmp with the reference command on
# $T/ECO.pairs and records one check
differ() {
	local eco=$1 who=$2 n bad
	shift 2
	"$VERCMP" "$eco" <"$T/$eco.pairs" >"$T/$eco.lb" 2>"$T/$eco.lb.err" ||
		bail "lb-vercmp $eco failed: $(head -5 "$T/$eco.lb.err")"
	if ! "$@" <"$T/$eco.pairs" >"$T/$eco.ref" 2>"$T/$eco.ref.err"; then
		fail "$eco: the reference ($who) failed" "$(head -20 "$T/$eco.ref.err")"
		return 0
	fi
	n=$(wc -l <"$T/$eco.pairs")
	if [ "$(wc -l <"$T/$eco.lb")" != "$n" ] || [ "$(wc -l <"$T/$eco.ref")" != "$n" ]; then
		fail "$eco: answer counts differ" "pairs $n, lifebelt $(wc -l <"$T/$eco.lb"), $who $(wc -l <"$T/$eco.ref")"
		return 0
	fi
	paste "$T/$eco.pairs" "$T/$eco.lb" "$T/$eco.ref" |
		awk -F '\t' '$3 != $4 { printf "%s  vs  %s:  lifebelt %s, reference %s\n", $1, $2, $3, $4 }' \
		>"$T/$eco.diff"
	bad=$(wc -l <"$T/$eco.diff")
	if [ "$bad" -eq 0 ]; then
		pass "$eco: $n pairs agree with $who ($(sort "$T/$eco.ref" | uniq -c | awk '{printf "%s%s %s", s, $2, $1; s=", "}'))"
	else
		fail "$eco: $bad of $n pairs disagree with $who" "$(head -60 "$T/$eco.diff")"
	fi
}

# pairs ECO [SHARED-LIST...]: table + shared + random pairs into $T/ECO.pairs
pairs() {
	local eco=$1 f
	shift
	{
		table_pairs "$eco"
		for f in "$@"; do
			shared_pairs "$f"
		done
		"$PY" "$TOOLS/vercmp-gen.py" "$eco" "$PAIRS" "$SEED"
	} >"$T/$eco.pairs" || bail "cannot make the $eco pairs"
}

# --- deb: dpkg ------------------------------------------------------------
if need deb dpkg command -v dpkg; then
	if [ "${LB_VERCMP_FULL:-0}" = 1 ]; then
		pairs deb "$SHARED/debian-versions-generated.txt"
	else
		pairs deb
	fi
	differ deb "dpkg $(dpkg-query -W -f '${Version}' dpkg 2>/dev/null)" "$PY" "$TOOLS/vercmp-ref.py" deb
fi

# --- rpm, pypi: Debian's python3 modules ----------------------------------
if need rpm python3-rpm "$PY" -c 'import rpm'; then
	pairs rpm
	differ rpm "python3-rpm $("$PY" -c 'import rpm; print(rpm.__version__)')" "$PY" "$TOOLS/vercmp-ref.py" rpm
fi
if need pypi python3-packaging "$PY" -c 'import packaging.version'; then
	pairs pypi "$SHARED/pypi-versions-generated.txt"
	differ pypi "packaging $("$PY" -c 'import packaging; print(packaging.__version__)')" \
		"$PY" "$TOOLS/vercmp-ref.py" pypi
fi

# --- gem: RubyGems --------------------------------------------------------
if need gem ruby command -v ruby; then
	pairs gem "$SHARED/rubygems-versions-generated.txt"
	differ gem "RubyGems $(ruby -e 'print Gem::VERSION')" ruby "$TOOLS/vercmp-ref.rb"
fi

# --- npm, cargo: node-semver ------------------------------------------------
if need npm "nodejs and tests/tools/node_modules/semver (npm ci in tests/tools)" \
	node -e "require('$TOOLS/node_modules/semver')"; then
	SV=$(node -p "require('$TOOLS/node_modules/semver/package.json').version")
	pairs npm
	differ npm "node-semver $SV" node "$TOOLS/vercmp-ref.js" npm
	pairs cargo
	differ cargo "node-semver $SV (cargo's subset)" node "$TOOLS/vercmp-ref.js" cargo
else
	missing="$missing cargo (same)"
fi

# --- golang: golang.org/x/mod/semver ---------------------------------------
GOSRC=/usr/share/gocode
if need golang "golang-go and golang-golang-x-mod-dev" \
	test -f "$GOSRC/src/golang.org/x/mod/semver/semver.go" -a -n "$(command -v go)"; then
	mkdir -p "$T/go"
	cp "$TOOLS/vercmp-ref.go" "$T/go/"
	if (cd "$T/go" && GO111MODULE=off GOPATH=$GOSRC GOCACHE=$T/gocache GOFLAGS='' \
		go build -o "$T/vercmp-ref-go" vercmp-ref.go) >"$T/go.log" 2>&1; then
		pairs golang
		differ golang "x/mod/semver ($(go version | awk '{print $3}'))" "$T/vercmp-ref-go"
	else
		fail "golang: cannot build the reference" "$(head -20 "$T/go.log")"
	fi
fi

# --- maven: ComparableVersion ----------------------------------------------
JAR=""
for f in /usr/share/maven/lib/maven-artifact-*.jar; do
	[ -f "$f" ] && JAR=$f && break
done
if need maven "maven and a JDK (javac)" test -n "$JAR" -a -n "$(command -v javac)" -a -n "$(command -v java)"; then
	mkdir -p "$T/java"
	if javac -d "$T/java" -cp "$JAR" "$TOOLS/VercmpRef.java" >"$T/javac.log" 2>&1; then
		pairs maven "$SHARED/maven-versions-generated.txt"
		MV=$(unzip -p "$JAR" META-INF/MANIFEST.MF 2>/dev/null |
			awk -F': ' '/^Implementation-Version/ {print $2}' | tr -d '\r')
		differ maven "ComparableVersion of maven-artifact ${MV:-?}" java -cp "$JAR:$T/java" VercmpRef
	else
		fail "maven: cannot compile the reference" "$(head -20 "$T/javac.log")"
	fi
fi

# --- composer: composer/semver + PHP -----------------------------------------
if need composer "php-cli and php-composer-semver" \
	test -f /usr/share/php/Composer/Semver/autoload.php -a -n "$(command -v php)"; then
	pairs composer "$SHARED/packagist-versions-generated.txt"
	differ composer "composer/semver + PHP $(php -r 'echo PHP_VERSION;')" php "$TOOLS/vercmp-ref.php"
fi

say "apk, nuget: no reference tool on Debian; tests/unit/t_vercmp.c checks their tables"
# shellcheck disable=SC2154 # _lb_failed is lib.sh's
if [ -n "$missing" ]; then
	if [ "${CI:-}" = true ]; then
		fail "reference tools are missing (CI=true, so this is not skipped):$missing"
	elif [ "$_lb_failed" -eq 0 ]; then
		echo "SKIP: $LB_TEST_NAME: reference tools are missing:$missing"
		exit 77
	fi
fi
finish
