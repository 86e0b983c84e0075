#!/bin/bash
# t0740-rust: Rust binaries built with cargo-auditable in an image. The
# ".dep-v0" section of the pkgdb fixtures lists the crates compiled in:
# the 11 of uses_serde_json (osv-scalibr's expectation), no_deps' root
# crate alone, and Trivy's two local crates. A copy without an execute bit
# is not read; a later layer deletes one binary, so its crates are gone; a
# binary whose zlib stream fails its checksum gives one warning naming it.
# Then Cargo.lock files (Syft's and osv-scalibr's fixtures): declared
# crates, checked against Python's tomllib; bad ones give a warning.
. "$(dirname "$0")/lib.sh"
skip_unless_shared

R=$LB_TESTDATA/pkgdb/rust
[ -f "$R/scalibr-cargoauditable-uses_serde_json" ] || bail "missing $R"
[ -x "$LIFEBELT" ] || bail "no lifebelt binary at '$LIFEBELT'"

L0=$T/base
L1=$T/app
mkdir -p "$L0/usr/bin" "$L0/srv" "$L1/usr/bin"
install -m 755 "$R/scalibr-cargoauditable-uses_serde_json" "$L0/usr/bin/uses_json"
install -m 755 "$R/scalibr-cargoauditable-no_deps" "$L0/usr/bin/no_deps"
install -m 755 "$R/trivy-executable_rust" "$L0/srv/trivy-rust"
install -m 644 "$R/scalibr-cargoauditable-uses_serde_json" "$L0/srv/not-executable"
install -m 755 "$R/trivy-executable_rust" "$L0/usr/bin/deleted-later"
# flip a byte of the Adler-32 that ends the zlib stream at 0x4f523
"$PY" - "$R/trivy-executable_rust" "$L1/usr/bin/corrupt" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
off = b.find(bytes.fromhex("789c"), 0x4f523)
assert off == 0x4f523, hex(off)
b[off + 117] ^= 0xff
open(sys.argv[2], "wb").write(b)
EOF
chmod 755 "$L1/usr/bin/corrupt"

mkimage --layer "$L0" --layer "$L1" --delete usr/bin/deleted-later --oci "$T/img"
lb image --input "$T/img" -f json
check_rc "scan" 0
J=$T/out

crates_in() {
	jq_py "sorted('%s %s %s %s' % (p['name'], p['version'], p['purl'], p['layer']) for p in r[0]['packages'] if p['type'] == 'cargo' and p['dbPath'] == '$1')" "$J"
}

check_eq "uses_serde_json: its 11 crates" \
"itoa 1.0.14 pkg:cargo/itoa@1.0.14 0
memchr 2.7.4 pkg:cargo/memchr@2.7.4 0
proc-macro2 1.0.92 pkg:cargo/proc-macro2@1.0.92 0
quote 1.0.38 pkg:cargo/quote@1.0.38 0
ryu 1.0.18 pkg:cargo/ryu@1.0.18 0
serde 1.0.217 pkg:cargo/serde@1.0.217 0
serde_derive 1.0.217 pkg:cargo/serde_derive@1.0.217 0
serde_json 1.0.135 pkg:cargo/serde_json@1.0.135 0
syn 2.0.95 pkg:cargo/syn@2.0.95 0
unicode-ident 1.0.14 pkg:cargo/unicode-ident@1.0.14 0
uses_json 0.1.0 pkg:cargo/uses_json@0.1.0 0" \
	"$(crates_in usr/bin/uses_json)"
check_eq "no_deps: the root crate only" "no_deps 0.1.0 pkg:cargo/no_deps@0.1.0 0" "$(crates_in usr/bin/no_deps)"
check_eq "Trivy's binary: two local crates" \
"crate_with_features 0.1.0 pkg:cargo/crate_with_features@0.1.0 0
library_crate 0.1.0 pkg:cargo/library_crate@0.1.0 0" \
	"$(crates_in srv/trivy-rust)"
check_eq "no execute bit, deleted or corrupt: no crates" "" \
	"$(jq_py "sorted(set(p['dbPath'] for p in r[0]['packages'] if p['dbPath'] in ('srv/not-executable', 'usr/bin/deleted-later', 'usr/bin/corrupt')))" "$J")"
check_json "14 crates in all" "len([p for p in r[0]['packages'] if p['type'] == 'cargo'])" 14
check_json "one warning, naming the corrupt binary" \
	"[w for w in r[0]['warnings'] if 'usr/bin/corrupt' in w and 'cargo-auditable' in w] == r[0]['warnings'] and len(r[0]['warnings'])" 1
check_eq "purls parse back" "" "$(purl_check "$J")"

# --- Cargo.lock: declared crates, as Python's tomllib reads the files ----
C=$LB_TESTDATA/pkgdb/rust
mkdir -p "$T/lock"
i=0
for f in "$C/syft-Cargo.lock" "$C"/scalibr-cargolock/*.lock; do
	i=$((i + 1))
	mkdir -p "$T/lock/src/p$i"
	cp "$f" "$T/lock/src/p$i/Cargo.lock"
done
mkdir -p "$T/lock/src/bad" "$T/lock/src/junk"
cp "$C/scalibr-cargolock/not-toml.txt" "$T/lock/src/junk/Cargo.lock"
printf '[[package]]\nname = "ok"\nversion = "1.0.0"\n\n[[package]]\nname = "a\\u0062"\nversion = "1.0.0"\n' \
	>"$T/lock/src/bad/Cargo.lock"
want=$("$PY" - "$T/lock/src" <<'PYEOF'
import glob, sys, tomllib
out = []
for f in glob.glob(sys.argv[1] + "/p*/Cargo.lock"):
    d = tomllib.load(open(f, "rb"))
    rel = f[len(sys.argv[1]) - 3:]
    out += ["%s %s %s" % (rel, p["name"], p["version"]) for p in d.get("package", [])]
print("\n".join(sorted(out)))
PYEOF
)
lb rootfs "$T/lock" -f json
check_eq "Cargo.lock: the crates tomllib lists, each file" "$want" \
	"$(jq_py "sorted('%s %s %s' % (p['dbPath'], p['name'], p['version']) for p in r[0]['packages'] if p['type'] == 'cargo' and p['dbPath'].startswith('src/p'))")"
check_json "Cargo.lock: declared, with cargo purls" \
	"sorted(set('%s %s' % (p['declared'], p['purl'].split('/')[0]) for p in r[0]['packages']))" "True pkg:cargo"
check_json "Cargo.lock: a name with an escape is skipped, the rest kept" \
	"sorted(p['name'] for p in r[0]['packages'] if p['dbPath'] == 'src/bad/Cargo.lock')" "ok"
check_json "Cargo.lock: two warnings, naming the bad file and the one that is no Cargo.lock" \
	"sorted(w.split(':')[0] for w in r[0]['warnings'])" \
	"$(printf '%s\n' "cannot parse 'src/bad/Cargo.lock' line 5" "cannot parse 'src/junk/Cargo.lock' line 1")"
check_eq "Cargo.lock: purls parse back" "" "$(purl_check "$T/out")"

finish
