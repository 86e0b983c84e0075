#!/bin/bash
# t0303-tar-semantics.sh - lifebelt's view of a layer is what a runtime
# extracts with Go's archive/tar: later duplicates win (image-spec #196,
# syft #1400), PAX size and path override the ustar fields (TARmageddon,
# CVE-2025-62518, and its inverse CVE-2026-33055), GNU long names apply,
# header-only types (directories, links, devices, fifos) have no data even
# when their size field says otherwise, and a damaged header is an error.
# The expected view is computed with Python's tarfile, which agrees with
# Go on all of these except where noted (names are cleaned as containerd
# does with filepath.Clean).
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
def smuggle(name):
    db = apk_db((name, "1"))
    return header("lib/apk/db/installed", len(db)) + pad(db)

def pkgs(tarbytes):
    """Package names in lib/apk/db/installed as tarfile (Go) sees them."""
    v = tarfile_view(tarbytes).get("lib/apk/db/installed")
    if not isinstance(v, bytes):
        return []
    return [l[2:].decode() for l in v.split(b"\n") if l.startswith(b"P:")]

cases = {}
inner = smuggle("smuggled")
db = lambda n: apk_db((n, "1"))
# duplicates in one layer: the later one wins, whatever the types
cases["dup-file"] = Tar().file("lib/apk/db/installed", db("first")).file("lib/apk/db/installed", db("second"))
cases["dup-file-then-link"] = (Tar().file("lib/apk/db/installed", db("first"))
                               .symlink("lib/apk/db/installed", "/nowhere"))
cases["dup-link-then-file"] = (Tar().file("other", db("via-link")).symlink("lib/apk/db/installed", "/other")
                               .file("lib/apk/db/installed", db("file")))
cases["dup-file-then-dir"] = Tar().file("lib/apk/db/installed", db("first")).dir("lib/apk/db/installed/")
cases["dup-dir-then-file"] = Tar().dir("lib/apk/db/installed/").file("lib/apk/db/installed", db("second"))
cases["dup-spelling"] = (Tar().file("lib/apk/db/installed", db("first"))
                         .file("./lib//apk/./db/installed", db("second")))
cases["dup-many"] = Tar()
for i in range(300):
    cases["dup-many"].file("lib/apk/db/installed", db("v%d" % i))
# TARmageddon: ustar size 0 + PAX size N; the data is not a header
cases["pax-size-over-zero"] = Tar().pax({"size": len(inner)}).add("innocent", b"", size=0).raw(inner)
# the inverse: ustar size N + PAX size 0; what follows is a header
cases["pax-zero-over-size"] = Tar().pax({"size": 0}).add("innocent", b"", size=len(inner)).raw(inner)
cases["pax-path"] = Tar().pax({"path": "lib/apk/db/installed"}).file("harmless.txt", db("pax-path"))
cases["pax-path-only-next"] = (Tar().pax({"path": "lib/apk/db/installed"}).file("a", db("pax-next"))
                               .file("b", db("not-this")))
cases["pax-linkpath"] = (Tar().file("real", db("pax-linkpath"))
                         .pax({"linkpath": "/real"}).symlink("lib/apk/db/installed", "/nowhere"))
cases["gnu-long"] = Tar().gnulong("lib/apk/db/installed").file("short", db("gnu-long"))
cases["gnu-longlink"] = (Tar().file("real", db("gnu-longlink")).gnulong("/real", link=True)
                         .symlink("lib/apk/db/installed", "/nowhere"))
cases["long-name-200"] = Tar().pax({"path": "d/" * 100 + "f"}).file("x", b"x").file("lib/apk/db/installed", db("after-long"))
# header-only types whose size field is not 0: Go reads no data for them
for ty in ["dir", "symlink", "hardlink", "chr", "blk", "fifo"]:
    cases["sized-" + ty] = Tar().add("x/", b"", type=ty, link="target" if "link" in ty else "",
                                     size=len(inner)).raw(inner)
for k, t in cases.items():
    b = t.end()
    write(k + ".expect", json.dumps(sorted(set(pkgs(b)))))
    write_tar(k + ".tar", oci_image([b]))

# Go archive/tar fails on these (tarfile differs: it stops quietly or
# takes a negative size): a damaged header must not be read as a member.
go_errors = {
    "bad-checksum": Tar().file("a", b"x").raw(header("lib/apk/db/installed", len(db("badsum")), checksum=1234)
                                              + pad(db("badsum"))),
    "garbage-header": Tar().file("lib/apk/db/installed", db("p")).raw(b"\x01" * 512),
    "pax-negative-size": Tar().pax({"size": "-1"}).file("lib/apk/db/installed", db("neg")),
    "pax-huge-size": Tar().pax({"size": "99999999999999"}).file("lib/apk/db/installed", db("huge")),
}
for k, t in go_errors.items():
    write_tar("err-" + k + ".tar", oci_image([t.end()]))
# a PAX global header ('g') is not merged into later members by Go (and
# containerd skips it); tarfile would apply its path
write_tar("global-path.tar", oci_image([Tar().pax({"path": "lib/apk/db/installed"}, g=True)
                                        .file("harmless", db("global")).end()]))
# hard links: to a captured file (read), to a file nobody asked for, as
# OSTree/bootc images link every path to an object (mondoohq/mql #10482),
# and bound at read time: a later rewrite of the target does not change
# what the link holds (Go + os.Link)
write_tar("hardlink.tar", oci_image([Tar().file("usr/lib/apk/db/installed", db("linked"))
                                     .hardlink("lib/apk/db/installed", "usr/lib/apk/db/installed").end()]))
write_tar("hardlink-ostree.tar", oci_image([Tar().file("sysroot/ostree/repo/objects/ab/cdef.file", db("ostree"))
                                            .hardlink("lib/apk/db/installed",
                                                      "sysroot/ostree/repo/objects/ab/cdef.file").end()]))
write_tar("hardlink-bound.tar", oci_image([Tar().file("usr/lib/apk/db/installed", db("at-link-time"))
                                           .hardlink("lib/apk/db/installed", "usr/lib/apk/db/installed")
                                           .file("usr/lib/apk/db/installed", db("rewritten")).end()]))
# no end-of-archive marker, and junk after it: both fine for Go
write_tar("no-end.tar", oci_image([b"".join(Tar().file("lib/apk/db/installed", db("no-end")).parts)]))
write_tar("junk-after-end.tar", oci_image([Tar().file("lib/apk/db/installed", db("junk-after")).end()
                                           + b"junk" * 1000]))
EOF

for f in "$T"/img/*.expect; do
	k=$(basename "$f" .expect)
	case_ "$k"
	lb image --input "$T/img/$k.tar" -f json
	expect_rc 0
	jcheck "sorted(names) == $(cat "$f")"
done

for f in "$T"/img/err-*.tar; do
	case_ "$(basename "$f" .tar)"
	lb image --input "$f"
	expect_rc 65
	expect_err "layer sha256:[0-9a-f]{64}: "
done

case_ global-path
lb image --input "$T/img/global-path.tar" -f json
expect_rc 0
jcheck 'names == set()'
case_ hardlink
lb image --input "$T/img/hardlink.tar" -f json
expect_rc 0
jcheck 'names == {"linked"}'
# never silent: either the package is read or a warning says why not
case_ hardlink-ostree
lb image --input "$T/img/hardlink-ostree.tar" -f json
expect_rc 0
jcheck 'names == {"ostree"} or (res["partial"] and "hard link" in warnings)'
# a second pass over the layer keeps the target the hard link needs
jcheck 'names == {"ostree"}'
case_ hardlink-bound
lb image --input "$T/img/hardlink-bound.tar" -f json
expect_rc 0
known_bug "a hard link follows a later rewrite of its target in the same layer (fsview binds at the end)"
jcheck 'names == {"at-link-time"}'

for k in no-end junk-after-end; do
	case_ "$k"
	lb image --input "$T/img/$k.tar" -f json
	expect_rc 0
	jcheck 'len(names) == 1'
done

finish
