#!/bin/bash
# t0314-whiteouts.sh - whiteout edge cases (anchore/stereoscope #647, #696;
# image-spec PR #1314; hypeman #95, umoci 0.4.1): a bare ".wh." never
# deletes its parent (and at the root it does not stop the scan); only the
# exact ".wh..wh..opq" is opaque; whiteouts hide lower layers only,
# whatever their place among the layer's members; whiteouts in the lowest
# layer hide nothing and are not files.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
A = apk_db(("lower", "1"))
B = apk_db(("upper", "1"))
C = apk_db(("top", "1"))
db = "lib/apk/db/installed"
L0 = Tar().file(db, A).end()
def up(*members):
    t = Tar()
    for m in members:
        if isinstance(m, tuple):
            t.file(m[0], m[1])
        else:
            t.file(m, b"")
    return t.end()
cases = {
    # name: (layers, expected package names)
    "bare-wh": ([L0, up("lib/apk/db/.wh.")], ["lower"]),
    "bare-wh-root": ([L0, up(".wh.")], ["lower"]),
    "bare-wh-parent": ([L0, up("lib/apk/.wh.")], ["lower"]),
    "wh-dot": ([L0, up("lib/apk/db/.wh..")], ["lower"]),
    "wh-dotdot": ([L0, up("lib/apk/db/.wh...")], ["lower"]),
    "opq-suffix": ([L0, up("lib/apk/db/.wh..wh..opqX")], ["lower"]),
    "opq-prefix-of-parent": ([L0, up("lib/apk/.wh..wh..opq2")], ["lower"]),
    "aufs-plnk": ([L0, up("lib/apk/db/.wh..wh.plnk")], ["lower"]),
    "opq": ([L0, up("lib/apk/.wh..wh..opq")], []),
    "opq-root": ([L0, up(".wh..wh..opq")], []),
    "wh-file": ([L0, up("lib/apk/db/.wh.installed")], []),
    "wh-dir": ([L0, up("lib/.wh.apk")], []),
    "wh-missing": ([L0, up("lib/apk/db/.wh.nothing")], ["lower"]),
    "wh-after-same-layer-file": ([L0, up((db, B), "lib/apk/db/.wh.installed")], ["upper"]),
    "wh-before-same-layer-file": ([L0, up("lib/apk/db/.wh.installed", (db, B))], ["upper"]),
    "opq-after-same-layer-file": ([L0, up((db, B), "lib/apk/.wh..wh..opq")], ["upper"]),
    "opq-before-same-layer-file": ([L0, up("lib/apk/.wh..wh..opq", (db, B))], ["upper"]),
    "opq-root-after-files": ([L0, up((db, B), ".wh..wh..opq")], ["upper"]),
    "lowest-layer-wh": ([up("lib/apk/db/.wh.installed", (db, A), ".wh..wh..opq", "lib/.wh.apk")], ["lower"]),
    "readd-after-wh": ([L0, up("lib/apk/db/.wh.installed"), up((db, C))], ["top"]),
    "wh-in-top-only-hides-lower": ([L0, up((db, B)), up("lib/apk/db/.wh.installed")], []),
    "dotdot-wh": ([L0, up("../../lib/apk/db/.wh.installed")], []),
    "wh-dir-named-like-wh": ([L0, up(("lib/.wh.apk/db/installed", B))], ["lower"]),
}
exp = {}
for k, (ls, names) in cases.items():
    write_tar(k + ".tar", oci_image(ls))
    exp[k] = sorted(names)
write("cases.json", json.dumps(exp))
EOF

while read -r k names; do
	case_ "$k"
	lb image --input "$T/img/$k.tar" -f json
	expect_rc 0
	jcheck "sorted(names) == $names"
	case $k in
	bare-wh*|wh-dot*)
		expect_err "ignoring invalid whiteout" ;;
	esac
done < <("$HPY" -c 'import json,sys; [print(k, json.dumps(v).replace(" ", "")) for k, v in json.load(open(sys.argv[1])).items()]' "$T/img/cases.json")

finish
