#!/bin/bash
# t0305-compression.sh - broken gzip and zstd streams are integrity
# failures (exit 65, the error names the layer); what the formats allow is
# read: several gzip members (RFC 1952), thousands of empty members
# (CVE-2022-30631 blew Go's stack), zero padding after the last member,
# zstd skippable frames (containerd takes them for zstd too). The layer
# descriptors carry the digest of the broken blob, so it is the inflating
# that has to notice. The same for a compressed outer archive.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
t = (Tar().file("etc/os-release", OS_RELEASE).file("lib/apk/db/installed", apk_db(("p", "1")))
     .file("noise", os.urandom(300000)).end())
def with_blob(name, blob, comp):
    l = layer(t, comp)
    l.update(blob=blob, digest=sha256(blob), size=len(blob))
    img = oci_image([l])
    write_tar(name + ".tar", img)
    write(name + ".digest", l["digest"])
g = gz(t)
z = zst(t)
# a zstd frame whose header asks for a 2 GiB window (Window_Descriptor
# exponent 21), then one raw block
raw = b"hello"
bigwin = b"\x28\xb5\x2f\xfd" + b"\x00" + bytes([21 << 3]) + ((len(raw) << 3) | 1).to_bytes(3, "little") + raw
bad = {
    "gz-truncated": g[:len(g) // 2],
    "gz-truncated-trailer": g[:-4],
    "gz-header-only": g[:10],
    "gz-bad-crc": g[:-8] + bytes([g[-8] ^ 0xff]) + g[-7:],
    "gz-bad-isize": g[:-4] + b"\0\0\0\0",
    "gz-corrupt-deflate": g[:20] + bytes(b ^ 0x55 for b in g[20:200]) + g[200:],
    "gz-trailing-garbage": g + b"garbage!",
    "gz-second-member-truncated": g + gz(b"more")[:12],
    "zst-truncated": z[:len(z) // 2],
    "zst-corrupt": z[:20] + bytes(b ^ 0x55 for b in z[20:200]) + z[200:],
    "zst-trailing-garbage": z + b"garbage!",
    "zst-huge-window": bigwin,
}
good = {
    "gz-multi-member": gz(t[:1000]) + gz(t[1000:5000]) + gz(t[5000:]),
    "gz-empty-members": b"".join(gz(b"") for _ in range(20000)) + g + gz(b""),
    "gz-trailing-zeros": g + b"\0" * 1000,
    "zst-multi-frame": zst(t[:7000]) + zst(t[7000:]),
    "zst-skippable": b"\x50\x2a\x4d\x18" + (8).to_bytes(4, "little") + b"12345678" + z
                     + b"\x5f\x2a\x4d\x18" + (3).to_bytes(4, "little") + b"end",
}
for k, b in bad.items():
    with_blob("bad-" + k, b, "zstd" if k.startswith("zst") else "gzip")
for k, b in good.items():
    with_blob("good-" + k, b, "zstd" if k.startswith("zst") else "gzip")

# broken while a streaming analyzer reads a member (a jar, an executable):
# the analyzer may warn, but the layer is still an integrity failure
import zipfile
bio = io.BytesIO()
with zipfile.ZipFile(bio, "w", zipfile.ZIP_STORED) as z:
    z.writestr("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\n\r\n")
    z.writestr("blob.bin", os.urandom(400000))
ts = (Tar().file("lib/apk/db/installed", apk_db(("p", "1"))).file("app/big.jar", bio.getvalue())
      .file("usr/bin/tool", b"\x7fELF" + os.urandom(300000), mode=0o755).end())
gs = gz(ts)
for k, b in {"in-jar": gs[:len(gs) // 3], "in-exec": gs[:len(gs) * 5 // 6]}.items():
    l = layer(ts)
    l.update(blob=b, digest=sha256(b), size=len(b))
    write_tar("bad-streamed-" + k + ".tar", oci_image([l]))
    write("bad-streamed-" + k + ".digest", l["digest"])

# compressed outer archives, broken the same ways
arch = archive_bytes(oci_image([t]))
ga, za = gz(arch), zst(arch)
for k, b in {"gz-truncated": ga[:len(ga) // 2], "gz-bad-crc": ga[:-8] + bytes([ga[-8] ^ 1]) + ga[-7:],
             "gz-garbage": ga + b"garbage", "zst-truncated": za[:len(za) // 2]}.items():
    write("outer-bad-" + k + ".tar", b)
write("outer-good-gz.tar.gz", ga)
write("outer-good-zst.tar.zst", za)
write("outer-good-multi.tar.gz", gz(arch[:3000]) + gz(arch[3000:]))
EOF

for f in "$T"/img/bad-*.tar; do
	k=$(basename "$f" .tar)
	case_ "$k"
	lb image --input "$f"
	expect_rc 65
	expect_err "error: layer $(cat "$T/img/$k.digest"): (malformed input|unexpected end of data|limit exceeded)"
	expect_no_err "digest mismatch"
done

for f in "$T"/img/good-*.tar; do
	case_ "$(basename "$f" .tar)"
	lb image --input "$f" -f json
	expect_rc 0
	jcheck 'names == {"p"} and not res["partial"]'
done

for f in "$T"/img/outer-bad-*.tar; do
	case_ "$(basename "$f" .tar)"
	lb image --input "$f"
	expect_rc 65
	expect_err "cannot inflate '.*': (malformed input|unexpected end of data)"
done
for f in "$T"/img/outer-good-*; do
	case_ "$(basename "$f")"
	lb image --input "$f" -f json
	expect_rc 0
	jcheck 'names == {"p"}'
done

finish
