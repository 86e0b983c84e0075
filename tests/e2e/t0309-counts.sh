#!/bin/bash
# t0309-counts.sh - counts are budgeted: a manifest with 10,000 layers, an
# index or manifest.json with 10,000 entries, an outer archive with more
# members than the cap, are rejected with an error naming the limit; a
# manifest at the layer limit (4096) is scanned in bounded time.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
t = Tar().file("lib/apk/db/installed", apk_db(("p", "1"))).end()
l = layer(t)
write_tar("layers-10000.tar", oci_image([l] * 10000))
write_tar("layers-4096.tar", oci_image([l] * 4096))
write_tar("docker-layers-10000.tar", docker_image([t] * 10000))
img = oci_image([t])
desc = json.loads(img.index)["manifests"][0]
img.files["index.json"] = jdump({"schemaVersion": 2, "manifests": [desc] * 10000})
write_tar("index-10000.tar", img)
d = docker_image([t])
m = json.loads(d["manifest.json"])
d["manifest.json"] = jdump(m * 10000)
write_tar("manifest-json-10000.tar", d)
# an outer archive with 150,000 members (empty files)
extra = Tar()
for i in range(150000):
    extra.file("junk/%d" % i, b"")
write_tar("outer-150000.tar", oci_image([t]), extra=extra)
EOF

for k in layers-10000 docker-layers-10000; do
	case_ "$k"
	lb image --input "$T/img/$k.tar"
	expect_rc 65
	expect_err "10000 layers is over the limit of 4096"
done

case_ layers-4096
LB_RSS_FILE=$T/rss LB_TIMEOUT=300 lb image --input "$T/img/layers-4096.tar" -f json
expect_rc 0
jcheck 'names == {"p"} and len(res["layers"]) == 4096'
LB_RSS_FILE=$T/rss expect_cpu_under 30

case_ index-10000
lb image --input "$T/img/index-10000.tar"
expect_rc 65
expect_err "malformed index\.json.*at most 4096"
case_ manifest-json-10000
lb image --input "$T/img/manifest-json-10000.tar"
expect_rc 65
expect_err "malformed manifest\.json"

case_ outer-150000
lb image --input "$T/img/outer-150000.tar"
expect_rc 65
expect_err "more than 100000 members"

finish
