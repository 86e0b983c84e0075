#!/bin/bash
# t0730-go: Go binaries in an image. The build info of the pkgdb fixtures
# (Go 1.15's pointer layout and Go 1.22's inline one, with a replaced
# module) gives the main module, the dependencies and the toolchain as
# "stdlib"; Debian's fzf (built without module info) gives only stdlib;
# esbuild's npm package carries a Go binary with module info. A copy
# without an execute bit is not read, a later layer deletes one binary,
# a shell script is no trouble, and a binary cut inside its build info
# gives one warning naming it. go.mod and go.sum are not read.
#
# Debian's fzf needs `apt-get download` and esbuild `npm pack`; without
# them those parts are skipped, or fail when CI=true.
. "$(dirname "$0")/lib.sh"
skip_unless_shared

G=$LB_TESTDATA/pkgdb/go
[ -f "$G/trivy-executable_gobinary" ] || bail "missing $G"
[ -x "$LIFEBELT" ] || bail "no lifebelt binary at '$LIFEBELT'"

L0=$T/base
L1=$T/app
mkdir -p "$L0/usr/local/bin" "$L0/opt/data" "$L1/usr/local/bin"
install -m 755 "$G/trivy-executable_gobinary" "$L0/usr/local/bin/trivy-test"
install -m 755 "$G/scalibr-binary_with_module_replacement-linux-amd64" "$L0/usr/local/bin/replaced"
install -m 644 "$G/trivy-executable_gobinary" "$L0/opt/data/not-executable"
install -m 755 "$G/trivy-executable_gobinary" "$L0/usr/local/bin/deleted-later"
printf '#!/bin/sh\necho "\377 Go buildinf:"\n' >"$L0/usr/local/bin/script"
chmod 755 "$L0/usr/local/bin/script"
# cut inside the build info strings: the file is not a Go binary any more
head -c $((0x13a000 + 100)) "$G/scalibr-binary_with_module_replacement-linux-amd64" >"$L1/usr/local/bin/cut"
chmod 755 "$L1/usr/local/bin/cut"
# go.mod and go.sum of a source tree: not installed evidence (issue #4), skipped
mkdir -p "$L1/src/app"
printf 'module example.com/app\n\ngo 1.21\n\nrequire golang.org/x/text v0.14.0\n' >"$L1/src/app/go.mod"
printf 'golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=\n' >"$L1/src/app/go.sum"

FZF=0
if command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then
	mkdir -p "$T/debs"
	if (cd "$T/debs" && apt-get download fzf >"$T/apt.log" 2>&1) && ls "$T"/debs/fzf_*.deb >/dev/null 2>&1; then
		dpkg-deb -x "$T"/debs/fzf_*.deb "$T/fzf"
		install -m 755 "$T/fzf/usr/bin/fzf" "$L0/usr/local/bin/fzf"
		FZF=1
	fi
fi
if [ "$FZF" = 0 ]; then
	[ "${CI:-}" = true ] && bail "apt-get download fzf failed: $(tail -2 "$T/apt.log" 2>/dev/null)"
	say "SKIP Debian's fzf: apt-get download failed or is missing"
fi
ESBUILD=0
if command -v npm >/dev/null; then
	mkdir -p "$T/npm"
	if (cd "$T/npm" && timeout 120 npm pack @esbuild/linux-x64@0.19.12 >"$T/npm.log" 2>&1) &&
		tar -xzf "$T/npm/esbuild-linux-x64-0.19.12.tgz" -C "$T/npm" 2>/dev/null; then
		mkdir -p "$L1/app/node_modules/@esbuild/linux-x64"
		cp -a "$T/npm/package/." "$L1/app/node_modules/@esbuild/linux-x64/"
		chmod 755 "$L1/app/node_modules/@esbuild/linux-x64/bin/esbuild"
		ESBUILD=1
	fi
fi
if [ "$ESBUILD" = 0 ]; then
	[ "${CI:-}" = true ] && bail "npm pack @esbuild/linux-x64 failed: $(tail -2 "$T/npm.log" 2>/dev/null)"
	say "SKIP esbuild: npm pack failed or npm is missing"
fi

mkimage --layer "$L0" --layer "$L1" --delete usr/local/bin/deleted-later --oci "$T/img"
lb image --input "$T/img" -f json
check_rc "scan" 0
J=$T/out

# "name version purl layer" of the golang packages found in FILE
golang_in() {
	jq_py "sorted('%s %s %s %s' % (p['name'], p['version'], p['purl'], p['layer']) for p in r[0]['packages'] if p['type'] == 'golang' and p['dbPath'] == '$1')" "$J"
}

check_eq "Go 1.15 binary (pointer layout): Trivy's expected modules" \
"github.com/aquasecurity/go-pep440-version v0.0.0-20210121094942-22b2f8951d46 pkg:golang/github.com/aquasecurity/go-pep440-version@v0.0.0-20210121094942-22b2f8951d46 0
github.com/aquasecurity/go-version v0.0.0-20210121072130-637058cfe492 pkg:golang/github.com/aquasecurity/go-version@v0.0.0-20210121072130-637058cfe492 0
github.com/aquasecurity/test (devel) pkg:golang/github.com/aquasecurity/test@%28devel%29 0
golang.org/x/xerrors v0.0.0-20200804184101-5ec99f83aff1 pkg:golang/golang.org/x/xerrors@v0.0.0-20200804184101-5ec99f83aff1 0
stdlib v1.15.2 pkg:golang/stdlib@v1.15.2 0" \
	"$(golang_in usr/local/bin/trivy-test)"

check_eq "Go 1.22 binary: the replacing module, not the replaced one" \
"binary_with_module_replacement (devel) pkg:golang/binary_with_module_replacement@%28devel%29 0
github.com/golang/xerrors v0.0.0-20220907171357-04be3eba64a2 pkg:golang/github.com/golang/xerrors@v0.0.0-20220907171357-04be3eba64a2 0
stdlib v1.22.0 pkg:golang/stdlib@v1.22.0 0" \
	"$(golang_in usr/local/bin/replaced)"

check_eq "files without an execute bit, scripts and deleted binaries give nothing" "" \
	"$(jq_py "sorted(set(p['dbPath'] for p in r[0]['packages'] if p['dbPath'] in ('opt/data/not-executable', 'usr/local/bin/script', 'usr/local/bin/deleted-later', 'usr/local/bin/cut')))" "$J")"

if [ "$FZF" = 1 ]; then
	got=$(golang_in usr/local/bin/fzf)
	if echo "$got" | grep -Eq '^stdlib v1\.[0-9]+\.[0-9]+ pkg:golang/stdlib@v1\.[0-9]+\.[0-9]+ 0$' &&
		[ "$(echo "$got" | wc -l)" = 1 ]; then
		pass "Debian's fzf (no module info): only stdlib ($got)"
	else
		fail "Debian's fzf (no module info): only stdlib" "got: $got"
	fi
fi
if [ "$ESBUILD" = 1 ]; then
	check_eq "esbuild from npm: main module, golang.org/x/sys and stdlib" \
"github.com/evanw/esbuild (devel) pkg:golang/github.com/evanw/esbuild@%28devel%29 1
golang.org/x/sys v0.0.0-20220715151400-c0bba94af5f8 pkg:golang/golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8 1
stdlib v1.20.12 pkg:golang/stdlib@v1.20.12 1" \
		"$(golang_in app/node_modules/@esbuild/linux-x64/bin/esbuild)"
fi

check_eq "go.mod and go.sum are skipped" "" \
	"$(jq_py "[p['name'] for p in r[0]['packages'] if p['dbPath'].startswith('src/app/') or p['name'] == 'golang.org/x/text']" "$J")"
check_json "Go packages are installed, not declared" \
	"sorted(set(p['declared'] for p in r[0]['packages'] if p['type'] == 'golang'))" "false"
check_json "one warning, naming the truncated binary" "r[0]['warnings']" \
	"cannot read the Go build info in 'usr/local/bin/cut': the file ends inside it"
check_json "... which makes the report partial" "r[0]['partial']" "true"
check_eq "purls parse back" "" "$(purl_check "$J")"

# the same root as a folder
mkdir -p "$T/rootfs"
cp -a "$L0/." "$T/rootfs/"
lb rootfs "$T/rootfs" -f json
check_rc "rootfs scan" 0
check_json "rootfs: the same modules of the Go 1.15 binary" \
	"len([p for p in r[0]['packages'] if p['dbPath'] == 'usr/local/bin/trivy-test'])" 5

finish
