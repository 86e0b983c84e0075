#!/bin/bash
# t0300-layer-paths.sh - layer members named with ".." or absolute paths
# (CVE-2021-3762 in claircore, Zip Slip) are never written to the host.
# lifebelt reads them where containerd would extract them (fs.RootPath:
# ".." stops at the image root, "/x" is "x"), with a warning that marks the
# report partial. Same for the three archive kinds.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
T = os.environ["LB_T"]
v = T + "/victim"
t = (Tar()
     .file("../" * 12 + v[1:] + "/rel-escape", b"pwned\n")
     .file(v + "/abs-escape", b"pwned\n")
     .file("etc/../../../.." + v + "/mixed-escape", b"pwned\n")
     .file("/etc/os-release", OS_RELEASE)
     .file("../../lib/apk/db/installed", apk_db(("clamped", "1.0")))
     .file("./usr/../../../../usr/share/x", b"x")
     .end())
img = oci_image([t])
write_dir("layout", img)
write_tar("oci.tar", img)
write_tar("docker.tar", docker_image([t]))
EOF

for kind in layout oci.tar docker.tar; do
	case_ "dotdot-members-$kind"
	lb image --input "$T/img/$kind" -f json
	expect_rc 0
	expect_err "member '\.\./\.\./lib/apk/db/installed' leaves the image root; read as '/lib/apk/db/installed'"
	expect_err "rel-escape' leaves the image root"
	jcheck 'names == {"clamped"} and res["partial"] and res["os"]["family"] == "lbtest"'
done

# A whole layer of names that all leave the root: no file anywhere, and
# the table report is fine too.
hpy <<'EOF'
T = os.environ["LB_T"]
t = Tar()
for i in range(200):
    t.file("../" * (i % 7 + 1) + T[1:] + "/victim/f%d" % i, b"x")
    t.file(T + "/cwd/g%d" % i, b"x")
    t.dir("../" * 3 + "d%d/" % i)
write_tar("many.tar", oci_image([t.end()]))
EOF
case_ "many-escapes"
lb image --input "$T/img/many.tar"
expect_rc 0
expect_out 'Packages: +0'

finish
