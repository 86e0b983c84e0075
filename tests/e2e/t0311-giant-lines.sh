#!/bin/bash
# t0311-giant-lines.sh - one giant line in a package database must not
# lose the whole database (Trivy #6297 "bufio.Scanner: token too long";
# StackRox #475 failed the whole image): lines have no length limit, a
# database over its size cap is read up to the cap with a warning naming
# the file, and the scan goes on.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
def apk_with_line(n):
    return (apk_db(("before", "1")) + b"P:giant\nV:1\nD:" + b"x" * n + b"\n\n" + apk_db(("after", "1")))
def dpkg_with_line(n):
    return (dpkg_status(("before", "1")) + b"\nPackage: giant\nStatus: install ok installed\nVersion: 1\n"
            b"Description: " + b"x" * n + b"\n\n" + dpkg_status(("after", "1")))
for mb in [10, 100]:
    n = mb << 20
    write_tar("apk-%d.tar" % mb, oci_image([Tar().file("lib/apk/db/installed", apk_with_line(n)).end()]))
    write_tar("dpkg-%d.tar" % mb, oci_image([Tar().file("var/lib/dpkg/status", dpkg_with_line(n)).end()]))
# no newline at all; an os-release that is one long line
write_tar("apk-no-newline.tar", oci_image([Tar().file("lib/apk/db/installed", b"P:" + b"x" * (100 << 20)).end()]))
write_tar("os-release-line.tar", oci_image([Tar().file("etc/os-release", OS_RELEASE + b"X=" + b"y" * (8 << 20) + b"\n")
                                            .file("lib/apk/db/installed", apk_db(("p", "1"))).end()]))
EOF

for db in apk dpkg; do
	case_ "$db-10mb-line"
	lb image --input "$T/img/$db-10.tar" -f json
	expect_rc 0
	jcheck 'names == {"before", "giant", "after"} and not res["partial"]'

	case_ "$db-100mb-line"
	lb image --input "$T/img/$db-100.tar" -f json
	expect_rc 0
	jcheck '"before" in names and res["partial"] and "truncated" in warnings'
	known_bug "a database over LB_MAX_PKGDB is cut at the cap: the packages after the cut are lost"
	jcheck '"after" in names'
done

case_ apk-no-newline
lb image --input "$T/img/apk-no-newline.tar" -f json
expect_rc 0
jcheck 'names == set() and res["partial"] and "lib/apk/db/installed" in warnings'

case_ os-release-line
lb image --input "$T/img/os-release-line.tar" -f json
expect_rc 0
jcheck 'names == {"p"} and res["os"]["family"] == "lbtest"'

finish
