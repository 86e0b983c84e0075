#!/bin/bash
# t0304-special-files.sh - device nodes, fifos and unknown types in layers are
# recorded, never opened or created; at a path an analyzer wants they
# simply have no content, and they replace what lower layers had there.
# (The outer archive and the --input path itself: t0302.)
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
db = apk_db(("lower", "1"))
for ty, kw in [("chr", dict(devmajor=1, devminor=5)), ("blk", dict(devmajor=8, devminor=0)),
               ("fifo", {}), ("sparse", {}), ("unknown", {})]:
    t = Tar()
    code = {"sparse": b"S", "unknown": b"Z"}.get(ty, ty)   # GNU sparse (an empty file), unknown
    if ty in ("sparse", "unknown"):
        t.raw(header("etc/os-release", 0, type=code))
    else:
        t.add("etc/os-release", type=ty, **kw)
        t.add("lib/apk/db/installed", type=ty, **kw)
        t.add("dev/zero", type=ty, **kw)
        t.add("dev/tty", type="chr", devmajor=5, devminor=0)
    write_tar("one-%s.tar" % ty, oci_image([t.end()]))
    # over a lower layer's regular file: the special file replaces it
    lower = Tar().file("lib/apk/db/installed", db).file("etc/os-release", OS_RELEASE).end()
    upper = Tar()
    if ty in ("sparse", "unknown"):
        upper.raw(header("lib/apk/db/installed", 0, type=code))
        upper.raw(header("etc/os-release", 0, type=code))
    else:
        upper.add("lib/apk/db/installed", type=ty, **kw).add("etc/os-release", type=ty, **kw)
    write_tar("over-%s.tar" % ty, oci_image([lower, upper.end()]))
EOF

for ty in chr blk fifo sparse unknown; do
	case_ "one-$ty"
	lb image --input "$T/img/one-$ty.tar" -f json
	expect_rc 0
	jcheck 'names == set() and res["os"] is None'
	case_ "over-$ty"
	lb image --input "$T/img/over-$ty.tar" -f json
	expect_rc 0
	jcheck 'names == set() and res["os"] is None'
done

finish
