#!/bin/bash
# t0317-index-nesting.sh - image indexes nest at most LB_MAX_INDEX_DEPTH
# deep; an index that names itself is a digest mismatch (a cycle would
# need a hash fixed point), not a loop; and an index that lists the same
# child thousands of times, at several levels, must not multiply into
# millions of manifest loads (a "billion laughs" of descriptors).
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
t = Tar().file("lib/apk/db/installed", apk_db(("p", "1"))).end()
base = oci_image([t])
mdesc = json.loads(base.index)["manifests"][0]
def wrap(img, desc, levels, fan=1):
    """levels of indexes above desc, each listing its child fan times."""
    for _ in range(levels):
        d, n = img.put_blob(jdump({"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": [desc] * fan}))
        desc = {"mediaType": MT_OCI_INDEX, "digest": d, "size": n}
    return desc
for levels in [7, 8, 9, 50]:
    img = oci_image([t])
    top = wrap(img, dict(mdesc), levels)
    img.files["index.json"] = jdump({"schemaVersion": 2, "manifests": [top]})
    write_tar("depth-%d.tar" % levels, img)
# an index blob that lists its own name: its content cannot hash to it
img = oci_image([t])
fake = "sha256:" + "cd" * 32
selfidx = jdump({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                 "manifests": [{"mediaType": MT_OCI_INDEX, "digest": fake, "size": 200}]})
img.files["blobs/sha256/" + fake[7:]] = selfidx
img.files["index.json"] = jdump({"schemaVersion": 2, "manifests": [
    {"mediaType": MT_OCI_INDEX, "digest": fake, "size": len(selfidx)}]})
write_tar("self.tar", img)
# fan-out: 3 levels of 4000 references each is 64e9 paths to one manifest
img = oci_image([t])
top = wrap(img, dict(mdesc, platform={"os": "linux", "architecture": "amd64"}), 3, fan=4000)
img.files["index.json"] = jdump({"schemaVersion": 2, "manifests": [top]})
write_tar("fanout.tar", img)
# index.json listing the same manifest 4000 times (at the limit)
img = oci_image([t])
img.files["index.json"] = jdump({"schemaVersion": 2, "manifests": [mdesc] * 4000})
write_tar("flat-dups.tar", img)
EOF

for d in 7 8; do
	case_ "depth-$d"
	lb image --input "$T/img/depth-$d.tar" -f json
	expect_rc 0
	jcheck 'names == {"p"}'
done
for d in 9 50; do
	case_ "depth-$d"
	lb image --input "$T/img/depth-$d.tar"
	expect_rc 65
	expect_err "image indexes nested deeper than 8"
done

case_ self
lb image --input "$T/img/self.tar"
expect_rc 65
expect_err "index sha256:(cd){32}: content does not match its digest"

case_ fanout
LB_TIMEOUT=20
# each index or manifest digest is read once
lb image --input "$T/img/fanout.tar" -f json
[ "$RC" = 124 ] || [ "$RC" = 137 ] || { [ "$RC" = 0 ] || [ "$RC" = 65 ] && pass || fail "exit $RC"; }

case_ flat-dups
LB_TIMEOUT=60
lb image --input "$T/img/flat-dups.tar" -f json
expect_rc 0
jcheck 'names == {"p"} and len(R["results"]) == 1'

finish
