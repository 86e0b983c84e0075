#!/bin/bash
# t0312-escapes.sh - names from an image never drive the terminal or a CI
# log (CWE-150; osv-scanner PR #2973 "::" workflow commands; OSC 52
# clipboard writes; bidi overrides): the table output and stderr carry no
# control characters, C1 controls or bidi overrides, no line of the table
# starts with "::", and the JSON and CycloneDX reports stay valid UTF-8
# JSON that keeps the names (escaped).
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
E = "\x1b"
evil = {
    "csi": E + "[2J" + E + "[31mred",
    "osc52": E + "]52;c;cm0gLXJmIH4=" + "\x07",
    "osc8": E + "]8;;http://evil.example/" + E + "\\link" + E + "]8;;" + E + "\\",
    "title": E + "]0;pwned" + "\x07",
    "crlf": "a\r\n::error::injected",
    "workflow": "::add-mask::x",
    "workflow2": "::warning file=x::y",
    "c1": "x\u009b31m",
    "bidi": "abc\u202edcba\u2066",
    "bell": "ding\x07\x08\x7f",
    "tab": "a\tb\vc\fd",
}
pk = [{"P": v, "V": "1" + v, "A": "x86_64" + v, "o": "origin" + v, "L": "MIT" + v, "m": "m" + v}
      for v in evil.values()]
os_rel = ('ID=lbtest\nNAME="evil%s"\nVERSION_ID="1%s"\nPRETTY_NAME="x%s"\nVERSION_CODENAME=c%s\n'
          % (E + "[2J", E + "]0;t\x07", "\u202e", "\x9b")).encode()
t = (Tar().file("etc/os-release", os_rel).file("lib/apk/db/installed", apk_db(*pk))
     .file("var/lib/dpkg/status", dpkg_status(*[(k + v.replace("\n", " "), "1.0" + v.replace("\n", " "))
                                                 for k, v in evil.items()]))
     # member names in warnings
     .file("../" + E + "[2J" + "evil-name", b"x").file("../\u202e\x9b::warning::x", b"x")
     .end())
def cfg(c):
    c["history"] = [{"created_by": "RUN " + E + "[2J\n::error::from-history"}]
    return c
write_tar("oci.tar", oci_image([t], config_fn=cfg, tag="tag" + E + "[31m::x"))
write_tar("docker.tar", docker_image([t], config_fn=cfg, tag="evil" + E + "]0;t\x07name:tag\r\n::error::x"))
EOF

# No C0 control but "\n", no DEL, no C1 (U+0080..U+009F), no bidi
# override or isolate.
clean_text() {
	if "$HPY" - "$1" <<'EOF'; then pass; else check_failed "$2"; fi
import sys
b = open(sys.argv[1], "rb").read()
bad = [c for c in set(b) if (c < 0x20 and c != 0x0a) or c == 0x7f]
t = b.decode("utf-8", "replace")
bad += [c for c in set(t) if 0x80 <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
if bad:
    print("  bad characters %r" % bad[:10])
    sys.exit(1)
EOF
}

# No line starting with "::" (a GitHub Actions workflow command).
no_workflow_lines() {
	if "$HPY" - "$1" <<'EOF'; then pass; else check_failed "$2"; fi
import sys
t = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
lines = [l for l in t.split("\n") if l.lstrip().startswith("::")]
if lines:
    print("  workflow-command lines %r" % [l[:40] for l in lines[:3]])
    sys.exit(1)
EOF
}

for k in oci docker; do
	case_ "$k-table"
	lb image --input "$T/img/$k.tar"
	expect_rc 0
	clean_text "$T/out" "the table output carries control characters"
	clean_text "$T/err" "stderr carries control characters"
	no_workflow_lines "$T/err" "a stderr line starts with '::'"
	# a cell never starts with "::" (GitHub Actions workflow commands)
	no_workflow_lines "$T/out" "a table line starts with '::'"

	case_ "$k-table-verbose"
	lb image --input "$T/img/$k.tar" -vv
	expect_rc 0
	clean_text "$T/err" "stderr carries control characters"

	case_ "$k-json"
	lb image --input "$T/img/$k.tar" -f json --list-files
	expect_rc 0
	jcheck 'len(names) >= 11 and any("\x1b[2J" in n for n in names) and res["partial"]'

	case_ "$k-cyclonedx"
	lb image --input "$T/img/$k.tar" -f cyclonedx
	expect_rc 0
	jcheck '"components" in R'
done

finish
