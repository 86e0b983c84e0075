#!/bin/bash
# t0307-digests.sh - every blob is verified: the compressed layer against
# its descriptor's digest and size, the uncompressed tar against the
# config's diff ID, config and manifests against their descriptors. Digest
# strings are checked against the OCI grammar before they are used as
# paths (CVE-2024-3727 in containers/image: "sha256:../../etc/passwd").
# Any failure is exit 65 with an error naming the part; nothing of the
# image is reported.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
t = Tar().file("etc/os-release", OS_RELEASE).file("lib/apk/db/installed", apk_db(("p", "1"))).end()
t2 = Tar().file("other", b"other content").end()
FAKE = "sha256:" + "ab" * 32
out = {}

def save(name, img, expect):
    write_tar(name + ".tar", img)
    out[name] = expect

# a blob stored under a digest that is not its own
def misplace(img, real, fake=FAKE):
    img.files["blobs/sha256/" + fake[7:]] = img.files.pop("blobs/sha256/" + real[7:])

img = oci_image([t], manifest_fn=lambda m: (m["layers"][0].update(digest=FAKE), m)[1])
misplace(img, img.layers[0]["digest"])
save("layer-digest", img, "layer %s: (digest mismatch|content does not match its digest)" % FAKE)
img = oci_image([t], config_fn=lambda c: (c["rootfs"]["diff_ids"].__setitem__(0, sha256(t2)), c)[1])
save("diff-id", img, "layer sha256:[0-9a-f]{64}: digest mismatch")
img = oci_image([t, t2], config_fn=lambda c: (c["rootfs"].update(diff_ids=c["rootfs"]["diff_ids"][::-1]), c)[1])
save("diff-ids-swapped", img, "layer sha256:[0-9a-f]{64}: digest mismatch")
img = oci_image([t], manifest_fn=lambda m: (m["config"].update(digest=FAKE), m)[1])
cfg = sha256(img.config)
misplace(img, cfg)
save("config-digest", img, "config %s: content does not match its digest" % FAKE)
img = oci_image([t], index_fn=lambda i: (i["manifests"][0].update(digest=FAKE), i)[1])
misplace(img, sha256(img.manifest))
save("manifest-digest", img, "manifest %s: content does not match its digest" % FAKE)
# sizes
for what, delta in [("plus", 1), ("minus", -1), ("zero", None)]:
    def fix(m, delta=delta):
        l = m["layers"][0]
        l["size"] = 0 if delta is None else l["size"] + delta
        return m
    save("layer-size-" + what, oci_image([t], manifest_fn=fix),
         "layer sha256:[0-9a-f]{64}: (digest mismatch|content does not match its digest)")
    def cfix(m, delta=delta):
        m["config"]["size"] = 0 if delta is None else m["config"]["size"] + delta
        return m
    save("config-size-" + what, oci_image([t], manifest_fn=cfix), "config sha256:[0-9a-f]{64}: content does not match")
    def ifix(i, delta=delta):
        i["manifests"][0]["size"] = 0 if delta is None else i["manifests"][0]["size"] + delta
        return i
    save("manifest-size-" + what, oci_image([t], index_fn=ifix), "manifest sha256:[0-9a-f]{64}: content does not match")

# invalid digest strings, wherever a digest is read
bad = {"dotdot": "sha256:../../../../etc/passwd", "upper": "sha256:" + "AB" * 32,
       "md5": "md5:d41d8cd98f00b204e9800998ecf8427e", "sha512": "sha512:" + "ab" * 64,
       "short": "sha256:" + "a" * 63, "long": "sha256:" + "a" * 65, "empty": "",
       "no-algo": "ab" * 32, "slash": "sha256:" + "a" * 31 + "/" + "a" * 32, "number": 42}
for k, d in bad.items():
    save("bad-layer-" + k, oci_image([t], manifest_fn=lambda m, d=d: (m["layers"][0].update(digest=d), m)[1]),
         "layer 0 has no valid sha256 digest")
    save("bad-config-" + k, oci_image([t], manifest_fn=lambda m, d=d: (m["config"].update(digest=d), m)[1]),
         "config: invalid or unsupported digest|invalid or unsupported digest")
    save("bad-manifest-" + k, oci_image([t], index_fn=lambda i, d=d: (i["manifests"][0].update(digest=d), i)[1]),
         "invalid or unsupported digest|no image manifest")
    save("bad-diffid-" + k, oci_image([t], config_fn=lambda c, d=d: (c["rootfs"]["diff_ids"].__setitem__(0, d), c)[1]),
         "diff ID 0 is not a sha256 digest")

# legacy docker save: the config is named by its digest, layers by diff ID
files = docker_image([t])
cname = [n for n in files if n.endswith(".json") and n != "manifest.json"][0]
files[cname] = files[cname].replace(b'"amd64"', b'"arm64"')
write_tar("docker-config-digest.tar", files)
out["docker-config-digest"] = "config '%s': content does not match its digest" % cname
files = docker_image([t])
lname = [n for n in files if n.endswith("layer.tar")][0]
files[lname] = t2
write_tar("docker-diff-id.tar", files)
out["docker-diff-id"] = "layer sha256:[0-9a-f]{64}: digest mismatch"
write("cases.json", json.dumps(out))

# missing blobs
for what in ["layer", "config", "manifest"]:
    img = oci_image([t])
    d = {"layer": img.layers[0]["digest"], "config": sha256(img.config), "manifest": sha256(img.manifest)}[what]
    img.drop_blob(d)
    write_tar("missing-%s.tar" % what, img)
    # the blob path taken by a directory
    img.files["blobs/sha256/" + d[7:] + "/x"] = b"x"
    write_tar("dir-%s.tar" % what, img)
files = docker_image([t])
files.pop([n for n in files if n.endswith("layer.tar")][0])
write_tar("missing-docker-layer.tar", files)

# a negative size must not turn the size check off
img = oci_image([t], index_fn=lambda i: (i["manifests"][0].update(size=-1), i)[1])
write_tar("manifest-size-negative.tar", img)
img = oci_image([t], manifest_fn=lambda m: (m["config"].update(size=-1), m)[1])
write_tar("config-size-negative.tar", img)
EOF

while read -r k re; do
	case_ "$k"
	lb image --input "$T/img/$k.tar" -f json
	expect_rc 65
	expect_err "$re"
	[ -s "$T/out" ] && fail "a report was written" || pass
done < <("$HPY" -c 'import json,sys; [print(k, v) for k, v in json.load(open(sys.argv[1])).items()]' "$T/img/cases.json")

for k in missing-layer missing-config missing-manifest dir-layer dir-config dir-manifest missing-docker-layer; do
	case_ "$k"
	lb image --input "$T/img/$k.tar"
	expect_missing
done

for k in manifest-size-negative config-size-negative; do
	case_ "$k"
	lb image --input "$T/img/$k.tar"
	expect_rc 65
	expect_err "no valid size"
done

finish
