#!/bin/bash
# t0313-non-utf8.sh - names that are not UTF-8 (member names in ustar, PAX
# and GNU long-name headers, package fields, os-release values) are read
# without trouble, and every report stays valid UTF-8 JSON (lessons 8):
# bytes that are not UTF-8 are replaced, never passed through.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
bad = b"\xff\xfe\xc0\xaf\xed\xa0\x80\xf8\x88\x80\x80\x80"
pk = [{"P": b"name-" + bad, "V": b"1-" + bad, "A": b"x86_64" + bad, "o": b"o" + bad, "L": b"L" + bad}]
t = (Tar().file(b"etc/" + bad, b"x")
     .file(b"../" + bad, b"x")
     .file(b"etc/os-release", b"ID=lbtest\nNAME=\"n" + bad + b"\"\nVERSION_ID=1" + bad + b"\n")
     .file("lib/apk/db/installed", apk_db(*pk, ("plain", "1")))
     .file("var/lib/dpkg/status", dpkg_status((b"deb-" + bad, b"1" + bad)))
     .pax({"path": b"pax-" + bad}).file("x", b"x")
     .pax({"path": b"../pax-" + bad, "hdrcharset": "BINARY"}).file("y", b"y")
     .gnulong(b"../gnu-" + bad + b"/" + b"z" * 200).file("z", b"z")
     .symlink(b"link-" + bad, b"/" + bad)
     .end())
write_tar("oci.tar", oci_image([t]))
write_tar("docker.tar", docker_image([t]))
EOF

utf8_file() {
	if "$HPY" -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$1" 2>/dev/null; then
		pass
	else
		fail "$2"
	fi
}

for k in oci docker; do
	case_ "$k-json"
	lb image --input "$T/img/$k.tar" -f json --list-files
	expect_rc 0
	jcheck '"plain" in names and any(n.startswith("name-") for n in names) and res["os"]["family"] == "lbtest"'
	utf8_file "$T/err" "stderr is not UTF-8"
	case_ "$k-table"
	lb image --input "$T/img/$k.tar"
	expect_rc 0
	utf8_file "$T/out" "the table is not UTF-8"
	case_ "$k-cyclonedx"
	lb image --input "$T/img/$k.tar" -f cyclonedx
	expect_rc 0
	jcheck '"components" in R'
done

finish
