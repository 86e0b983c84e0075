#!/bin/bash
# t0302-outer-archive.sh - the outer archive (docker save, OCI archive) and
# the layout directory are attacker input too (GHSA-hpxr-w9w7-g4gv in
# stereoscope): member names with ".." or absolute paths, links out of the
# archive, devices and duplicates. lifebelt indexes the archive in memory
# and reads members in place, so nothing is ever created from a name, and
# links resolve inside the archive (or the layout directory) only.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
T = os.environ["LB_T"]
v = T + "/victim"
t = Tar().file("etc/os-release", OS_RELEASE).file("lib/apk/db/installed", apk_db(("pkg", "1"))).end()
img = oci_image([t])
dimg = docker_image([t])
bad = (Tar().file("../" * 12 + v[1:] + "/outer-rel", b"pwned")
       .file(v + "/outer-abs", b"pwned")
       .file(T + "/cwd/in-cwd", b"pwned")
       .symlink("evil", v).file("evil/through-link", b"pwned")
       .hardlink("hl", "../../../../../etc/passwd")
       .hardlink("hl2", "/etc/passwd")
       .add("dev-null", type="chr", devmajor=1, devminor=3)
       .add("fifo", type="fifo"))
write_tar("oci-bad.tar", img, extra=bad)
write_tar("docker-bad.tar", dimg, extra=bad)
write_tar("oci-bad-first.tar", img, first=bad)

# links into the host: every path resolves inside the archive, where
# etc/passwd is absent, so the image is unreadable (not the host file)
def relink(files, name, target, keep=None):
    f = dict(files)
    f.pop(name)
    if keep:
        f[keep] = files[name]
    return f, Tar().symlink(name, target)
f, x = relink(img.files, "index.json", "../../../../../../etc/passwd")
write_tar("index-to-host.tar", f, extra=x)
f, x = relink(img.files, "index.json", "/etc/passwd")
write_tar("index-to-host-abs.tar", f, extra=x)
# the same link with the target inside the archive works
f, x = relink(img.files, "index.json", "../../../../etc/passwd", keep="etc/passwd")
write_tar("index-in-archive.tar", f, extra=x)
lblob = "blobs/sha256/" + img.layers[0]["digest"][7:]
f, x = relink(img.files, lblob, "/etc/passwd")
write_tar("blob-to-host.tar", f, extra=x)
f, x = relink(img.files, lblob, "../../../../../../../" + lblob, keep=lblob + ".real")
write_tar("blob-self.tar", f, extra=x)
# a docker save whose manifest.json points out of the archive
def outside(m):
    m[0]["Config"] = "../../../../../etc/passwd"
    return m
write_tar("docker-config-host.tar", docker_image([t], manifest_fn=outside))
def outside_layer(m):
    m[0]["Layers"] = ["/etc/passwd"]
    return m
write_tar("docker-layer-host.tar", docker_image([t], manifest_fn=outside_layer))
def hard_layer(m):
    m[0]["Layers"] = ["hl"]
    return m
write_tar("docker-layer-hardlink.tar", docker_image([t], manifest_fn=hard_layer),
          extra=Tar().hardlink("hl", "../../../../etc/passwd"))

# docker save stores an identical layer once and links the second to it
# ("<id2>/layer.tar -> ../<id1>/layer.tar"): a ".." inside the archive
d = docker_image([t, t])
lt = sorted(n for n in d if n.endswith("/layer.tar"))
m = json.loads(d["manifest.json"])
second = [p for p in m[0]["Layers"] if p != m[0]["Layers"][0]][0] if len(set(m[0]["Layers"])) > 1 else None
d.pop(second)
write_tar("docker-dedup-link.tar", d, extra=Tar().symlink(second, "../" + m[0]["Layers"][0]))

# duplicates: the later member wins, as when a runtime extracts the archive
g = dict(img.files)
first = Tar().file("index.json", b"{ this is not json").file(lblob, b"garbage")
write_tar("dup-later-wins.tar", g, first=first)
write_tar("dup-later-bad.tar", g, extra=Tar().file("index.json", b"[1, 2"))
# the index member as a device or fifo
f = dict(img.files); f.pop("index.json")
write_tar("index-fifo.tar", f, extra=Tar().add("index.json", type="fifo"))
write_tar("index-dev.tar", f, extra=Tar().add("index.json", type="chr", devmajor=1, devminor=5))

# layout directories with links out of the directory
write_dir("layout-host", img)
os.remove("layout-host/index.json")
os.symlink("/etc/passwd", "layout-host/index.json")
write_dir("layout-blob-out", img)
os.makedirs("elsewhere", exist_ok=True)
os.rename("layout-blob-out/" + lblob, "elsewhere/blob")
os.symlink(os.path.abspath("elsewhere/blob"), "layout-blob-out/" + lblob)
write_dir("layout-blob-rel", img)
os.rename("layout-blob-rel/" + lblob, "layout-blob-rel/real-blob")
os.symlink("../../real-blob", "layout-blob-rel/" + lblob)
write_dir("layout-dev", img)
os.remove("layout-dev/" + lblob)
os.symlink("/dev/zero", "layout-dev/" + lblob)
write_dir("layout-fifo", img)
os.remove("layout-fifo/" + lblob)
os.mkfifo("layout-fifo/" + lblob)
EOF

for k in oci-bad docker-bad oci-bad-first; do
	case_ "$k"
	lb image --input "$T/img/$k.tar" -f json
	expect_rc 0
	expect_err "ignoring member '\.\./\.\./.*outer-rel' whose path leaves the archive"
	jcheck 'names == {"pkg"}'
done

for k in index-to-host index-to-host-abs; do
	case_ "$k"
	lb image --input "$T/img/$k.tar"
	expect_rc 65
	expect_err "is not a container image"
	expect_no_err "root:|near 'root"
done
case_ index-in-archive
lb image --input "$T/img/index-in-archive.tar" -f json
expect_rc 0
jcheck 'names == {"pkg"}'

for k in blob-to-host blob-self docker-config-host docker-layer-host docker-layer-hardlink; do
	case_ "$k"
	lb image --input "$T/img/$k.tar"
	expect_missing
done

case_ docker-dedup-link
lb image --input "$T/img/docker-dedup-link.tar" -f json
expect_rc 0
jcheck 'names == {"pkg"} and len(res["layers"]) == 2'

case_ dup-later-wins
lb image --input "$T/img/dup-later-wins.tar" -f json
expect_rc 0
jcheck 'names == {"pkg"}'
case_ dup-later-bad
lb image --input "$T/img/dup-later-bad.tar"
expect_rc 65
expect_err "malformed index.json"

for k in index-fifo index-dev; do
	case_ "$k"
	lb image --input "$T/img/$k.tar"
	expect_rc 65
	expect_err "is not a container image"
done

case_ layout-index-to-host
lb image --input "$T/img/layout-host"
expect_rc 65
expect_no_err "root:|near 'root"
case_ layout-blob-outside
lb image --input "$T/img/layout-blob-out"
expect_missing
case_ layout-blob-relative-link
lb image --input "$T/img/layout-blob-rel" -f json
expect_rc 0
jcheck 'names == {"pkg"}'
for k in layout-dev layout-fifo; do
	case_ "$k"
	lb image --input "$T/img/$k"
	expect_missing
done

# the input itself: a fifo (no writer: must not block), a device
case_ input-fifo
mkfifo "$T/img/input.fifo"
lb image --input "$T/img/input.fifo"
expect_rc 65
expect_err "neither a file nor a directory"
case_ input-dev
lb image --input /dev/zero
expect_rc 65
expect_err "neither a file nor a directory"

finish
