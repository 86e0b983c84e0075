#!/bin/bash
# t0315-foreign-layers.sh - a foreign or non-distributable layer that is
# not in the archive is skipped with a warning (the report is partial and
# the layer marked skipped), never fetched from its "urls" (CVE-2020-15157
# sent registry credentials there); a present one is scanned; an ordinary
# layer that is absent is an integrity failure.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
base = layer(Tar().file("lib/apk/db/installed", apk_db(("base", "1"))).end())
win = layer(Tar().file("etc/os-release", OS_RELEASE).end())
for k, mt in [("docker-foreign", MT_DOCKER_FOREIGN),
              ("oci-nondist", "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip")]:
    f = dict(win, mediaType=mt)
    def man(m):
        m["layers"][1]["urls"] = ["http://169.254.169.254/latest/meta-data/", "https://example.invalid/x"]
        return m
    img = oci_image([base, f], manifest_fn=man)
    write_tar(k + "-present.tar", img)
    img.drop_blob(f["digest"])
    write_tar(k + "-absent.tar", img)
img = oci_image([base, win])
img.drop_blob(win["digest"])
write_tar("ordinary-absent.tar", img)
EOF

for k in docker-foreign oci-nondist; do
	case_ "$k-absent"
	lb image --input "$T/img/$k-absent.tar" -f json
	expect_rc 0
	expect_err "foreign layer is not in the archive; not scanned"
	jcheck 'names == {"base"} and res["partial"] and res["layers"][1]["skipped"] and not res["layers"][0]["skipped"]'
	case_ "$k-present"
	lb image --input "$T/img/$k-present.tar" -f json
	expect_rc 0
	jcheck 'names == {"base"} and res["os"]["family"] == "lbtest" and not res["layers"][1]["skipped"]'
done

case_ ordinary-absent
lb image --input "$T/img/ordinary-absent.tar"
expect_missing

finish
