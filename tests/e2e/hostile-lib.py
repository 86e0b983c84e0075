#!/usr/bin/python3
"""hostile-lib.py - crafts hostile container images for tests/e2e/t03xx-*.sh.

Standard library only (tarfile, json, gzip, hashlib, zlib). Run as

    /usr/bin/python3 hostile-lib.py - <<'EOF'
    ... python using the helpers below ...
    EOF

which executes stdin with these helpers in scope (extra arguments are in
ARGS, the environment in os.environ), or as

    /usr/bin/python3 hostile-lib.py seeds tests/fuzz/corpus

which writes the seed corpora of the image fuzz targets. Everything written goes below the
paths the snippet names; nothing here touches the network or the host.

Layers are built from raw tar bytes so that a test can say exactly which
headers a member has (ustar fields, PAX records, GNU long names, raw
garbage). Images are described as a dict {relative path: bytes} and then
written out as an OCI layout directory, an OCI archive, or a docker-save
archive.
"""
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zlib

BLOCK = 512

MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_OCI_LAYER = {"gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
                "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
                "none": "application/vnd.oci.image.layer.v1.tar"}
MT_DOCKER_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"


def sha256(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def jdump(o):
    """Compact JSON bytes, as registries and mkimage write them."""
    return json.dumps(o, separators=(",", ":"), sort_keys=False).encode()


# --- tar at the byte level -------------------------------------------------

def _octal(n, width):
    s = ("%0*o" % (width - 1, n)).encode()
    if len(s) > width - 1:
        raise ValueError("%d does not fit an octal field of %d" % (n, width))
    return s + b"\0"


TYPES = {"file": b"0", "hardlink": b"1", "symlink": b"2", "chr": b"3", "blk": b"4",
         "dir": b"5", "fifo": b"6", "pax": b"x", "paxg": b"g", "gnulong": b"L",
         "gnulonglink": b"K"}


def header(name, size=0, type="file", link="", mode=None, uid=0, gid=0, mtime=0,
           devmajor=0, devminor=0, prefix=b"", checksum=None):
    """One 512-byte ustar header. name/link may be str or bytes (raw, e.g.
    non-UTF-8); they are cut to the ustar fields, longer ones need PAX."""
    if isinstance(name, str):
        name = name.encode("utf-8", "surrogateescape")
    if isinstance(link, str):
        link = link.encode("utf-8", "surrogateescape")
    if mode is None:
        mode = 0o755 if type in ("dir", "symlink") else 0o644
    h = bytearray(BLOCK)
    h[0:100] = name[:100].ljust(100, b"\0")
    h[100:108] = _octal(mode, 8)
    h[108:116] = _octal(uid, 8)
    h[116:124] = _octal(gid, 8)
    h[124:136] = _octal(size, 12)
    h[136:148] = _octal(mtime, 12)
    h[148:156] = b" " * 8
    h[156:157] = TYPES[type] if type in TYPES else type
    h[157:257] = link[:100].ljust(100, b"\0")
    h[257:265] = b"ustar\x0000"
    h[329:337] = _octal(devmajor, 8)
    h[337:345] = _octal(devminor, 8)
    h[345:500] = prefix[:155].ljust(155, b"\0")
    cs = sum(h) if checksum is None else checksum
    h[148:156] = ("%06o" % cs).encode() + b"\0 "
    return bytes(h)


def pad(data):
    return data + b"\0" * ((-len(data)) % BLOCK)


def pax_records(records):
    """PAX extended header data: 'LEN key=value\\n' with LEN counting itself."""
    out = b""
    for k, v in records.items():
        if isinstance(k, str):
            k = k.encode()
        if isinstance(v, str):
            v = v.encode("utf-8", "surrogateescape")
        elif isinstance(v, int):
            v = str(v).encode()
        body = b" " + k + b"=" + v + b"\n"
        n = len(body) + 1
        while len(str(n).encode()) + len(body) != n:
            n = len(str(n).encode()) + len(body)
        out += str(n).encode() + body
    return out


class Tar:
    """A tar stream assembled member by member with full control."""

    def __init__(self):
        self.parts = []

    def raw(self, b):
        self.parts.append(b)
        return self

    def pax(self, records, g=False):
        d = pax_records(records)
        self.parts.append(header("PaxHeaders/x", len(d), "paxg" if g else "pax"))
        self.parts.append(pad(d))
        return self

    def gnulong(self, name, link=False):
        if isinstance(name, str):
            name = name.encode("utf-8", "surrogateescape")
        d = name + b"\0"
        self.parts.append(header("././@LongLink", len(d), "gnulonglink" if link else "gnulong"))
        self.parts.append(pad(d))
        return self

    def add(self, name, data=b"", type="file", link="", mode=None, pax=None,
            size=None, **kw):
        """Adds a member; pax records (dict) go in an 'x' header before it.
        size overrides the ustar size field (the data written stays data)."""
        if isinstance(data, str):
            data = data.encode()
        if pax:
            self.pax(pax)
        hs = len(data) if size is None else size
        self.parts.append(header(name, hs, type, link, mode, **kw))
        if data:
            self.parts.append(pad(data))
        return self

    def file(self, name, data=b"", **kw):
        return self.add(name, data, "file", **kw)

    def dir(self, name, **kw):
        return self.add(name, b"", "dir", **kw)

    def symlink(self, name, target, **kw):
        return self.add(name, b"", "symlink", target, **kw)

    def hardlink(self, name, target, **kw):
        return self.add(name, b"", "hardlink", target, **kw)

    def end(self):
        return b"".join(self.parts) + b"\0" * (2 * BLOCK)

    def bytes(self):
        return self.end()


def tar_of(files):
    """A plain tar of {name: bytes} (sorted), with tarfile (PAX format)."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name in sorted(files):
            data = files[name]
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mode = 0o644
            tf.addfile(ti, io.BytesIO(data))
    return bio.getvalue()


# --- package databases -----------------------------------------------------

def apk_db(*pkgs):
    """lib/apk/db/installed text for packages given as (name, version) or
    dicts of apk keys."""
    out = []
    for p in pkgs:
        if isinstance(p, tuple):
            p = {"P": p[0], "V": p[1]}
        st = {"P": "", "V": "", "A": "x86_64", "o": None}
        st.update(p)
        lines = []
        for k, v in st.items():
            if v is None:
                continue
            if isinstance(v, str):
                v = v.encode("utf-8", "surrogateescape")
            lines.append(k.encode() + b":" + v)
        out.append(b"\n".join(lines) + b"\n")
    return b"\n".join(out) + b"\n"


def dpkg_status(*pkgs):
    out = []
    for name, version in pkgs:
        if isinstance(name, str):
            name = name.encode("utf-8", "surrogateescape")
        if isinstance(version, str):
            version = version.encode()
        out.append(b"Package: " + name + b"\nStatus: install ok installed\n"
                   b"Architecture: amd64\nVersion: " + version + b"\n")
    return b"\n".join(out)


OS_RELEASE = b'ID=lbtest\nVERSION_ID=1.0\nPRETTY_NAME="lifebelt hostile test"\n'


# --- compression -------------------------------------------------------------

def gz(data, level=6):
    """Deterministic gzip (no name, mtime 0)."""
    bio = io.BytesIO()
    with gzip.GzipFile(fileobj=bio, mode="wb", compresslevel=level, mtime=0) as g:
        g.write(data)
    return bio.getvalue()


def zst(data):
    """zstd through the zstd CLI (stdlib has none)."""
    exe = shutil.which("zstd")
    if not exe:
        raise SystemExit("hostile-lib: the zstd command is needed")
    return subprocess.run([exe, "-q", "-c", "-3", "--no-progress"], input=data,
                          stdout=subprocess.PIPE, check=True).stdout


def compress(data, comp):
    if comp == "gzip":
        return gz(data)
    if comp == "zstd":
        return zst(data)
    return data


def gz_stream_zeros(nbytes, prefix=b"", suffix=b"", level=1):
    """gzip of prefix + nbytes zeros + suffix, built in chunks (bombs)."""
    co = zlib.compressobj(level, zlib.DEFLATED, 31)
    out = [co.compress(prefix)]
    chunk = b"\0" * (1 << 20)
    left = nbytes
    while left:
        n = min(left, len(chunk))
        out.append(co.compress(chunk[:n]))
        left -= n
    out.append(co.compress(suffix))
    out.append(co.flush())
    return b"".join(out)


def zst_stream_zeros(nbytes, prefix=b"", suffix=b""):
    """zstd of prefix + nbytes zeros + suffix through the zstd CLI, fed in
    chunks so that the zeros never sit in memory."""
    exe = shutil.which("zstd")
    if not exe:
        raise SystemExit("hostile-lib: the zstd command is needed")
    import tempfile
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen([exe, "-q", "-c", "-1", "--no-progress"], stdin=subprocess.PIPE, stdout=out)
        p.stdin.write(prefix)
        chunk = b"\0" * (1 << 20)
        left = nbytes
        while left:
            n = min(left, len(chunk))
            p.stdin.write(chunk[:n])
            left -= n
        p.stdin.write(suffix)
        p.stdin.close()
        if p.wait() != 0:
            raise SystemExit("hostile-lib: zstd failed")
        out.seek(0)
        return out.read()


def zeros_layer(name, nbytes, comp="gzip", body=b""):
    """A layer holding one member of nbytes (body, then zeros), compressed
    in a streaming way: a decompression bomb."""
    h = header(name, nbytes)
    tail = b"\0" * ((-nbytes) % BLOCK) + b"\0" * (2 * BLOCK)
    hh = hashlib.sha256(h + body)
    chunk = b"\0" * (1 << 20)
    left = nbytes - len(body)
    while left:
        n = min(left, len(chunk))
        hh.update(chunk[:n])
        left -= n
    hh.update(tail)
    if comp == "gzip":
        blob = gz_stream_zeros(nbytes - len(body), prefix=h + body, suffix=tail)
    else:
        blob = zst_stream_zeros(nbytes - len(body), prefix=h + body, suffix=tail)
    return {"blob": blob, "digest": sha256(blob), "size": len(blob),
            "diff_id": "sha256:" + hh.hexdigest(), "mediaType": MT_OCI_LAYER[comp]}


def many_entries_layer(n, kind="files", comp="gzip"):
    """A layer of n members written header by header (seconds for a
    million): "files" (empty), "symlinks", "whiteouts", "dirs"."""
    co = zlib.compressobj(1, zlib.DEFLATED, 31)
    hs = hashlib.sha256()
    out = []
    batch = []

    def emit(b):
        hs.update(b)
        out.append(co.compress(b))
    for i in range(n):
        d = "d%03d/" % (i % 1000)
        if kind == "files":
            batch.append(header(d + "f%07d" % i, 0))
        elif kind == "symlinks":
            batch.append(header(d + "l%07d" % i, 0, "symlink", "/target/%d" % i))
        elif kind == "whiteouts":
            batch.append(header(d + ".wh.w%07d" % i, 0))
        elif kind == "dirs":
            batch.append(header(d + "s%07d/" % i, 0, "dir"))
        if len(batch) >= 10000:
            emit(b"".join(batch))
            batch = []
    emit(b"".join(batch) + b"\0" * (2 * BLOCK))
    out.append(co.flush())
    blob = b"".join(out)
    return {"blob": blob, "digest": sha256(blob), "size": len(blob),
            "diff_id": "sha256:" + hs.hexdigest(), "mediaType": MT_OCI_LAYER["gzip"]}


# --- images ---------------------------------------------------------------

class Image:
    """An OCI image as files {path: bytes}, with the descriptors kept so a
    test can break them. Build with oci_image()."""

    def __init__(self):
        self.files = {"oci-layout": jdump({"imageLayoutVersion": "1.0.0"})}
        self.layers = []        # [{"digest", "size", "diff_id", "mediaType", "blob"}]
        self.config = None      # bytes
        self.manifest = None    # bytes
        self.index = None       # bytes (index.json)

    def put_blob(self, data):
        d = sha256(data)
        self.files["blobs/sha256/" + d[7:]] = data
        return d, len(data)

    def drop_blob(self, digest):
        del self.files["blobs/sha256/" + digest[7:]]


def layer(tarbytes, comp="gzip"):
    blob = compress(tarbytes, comp)
    return {"blob": blob, "digest": sha256(blob), "size": len(blob),
            "diff_id": sha256(tarbytes), "mediaType": MT_OCI_LAYER[comp]}


def oci_image(layers, comp="gzip", config=None, config_fn=None, manifest_fn=None,
              index_fn=None, tag="latest", arch="amd64"):
    """layers: list of tar bytes (or dicts from layer()). The *_fn hooks get
    the document as a Python object and return the new object, or bytes
    for a raw (possibly malformed) document."""
    img = Image()
    ls = [l if isinstance(l, dict) else layer(l, comp) for l in layers]
    for l in ls:
        if l.get("blob") is not None:
            img.put_blob(l["blob"])
    img.layers = ls
    cfg = {"architecture": arch, "os": "linux",
           "rootfs": {"type": "layers", "diff_ids": [l["diff_id"] for l in ls]},
           "history": [{"created_by": "hostile layer %d" % i} for i in range(len(ls))]}
    if config:
        cfg.update(config)
    if config_fn:
        cfg = config_fn(cfg)
    img.config = cfg if isinstance(cfg, bytes) else jdump(cfg)
    cd, cs = img.put_blob(img.config)
    man = {"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
           "config": {"mediaType": MT_OCI_CONFIG, "digest": cd, "size": cs},
           "layers": [{"mediaType": l["mediaType"], "digest": l["digest"], "size": l["size"]}
                      for l in ls]}
    if manifest_fn:
        man = manifest_fn(man)
    img.manifest = man if isinstance(man, bytes) else jdump(man)
    md, ms = img.put_blob(img.manifest)
    idx = {"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
           "manifests": [{"mediaType": MT_OCI_MANIFEST, "digest": md, "size": ms,
                          "annotations": {"org.opencontainers.image.ref.name": tag}}]}
    if index_fn:
        idx = index_fn(idx)
    img.index = idx if isinstance(idx, bytes) else jdump(idx)
    img.files["index.json"] = img.index
    return img


def docker_image(layers, config=None, config_fn=None, manifest_fn=None,
                 tag="hostile:latest", comp="none"):
    """A legacy `docker save` archive's files: <id>/layer.tar, <hex>.json,
    manifest.json, repositories."""
    files = {}
    ls = [l if isinstance(l, bytes) else l for l in layers]
    diff_ids = [sha256(l) for l in ls]
    cfg = {"architecture": "amd64", "os": "linux",
           "rootfs": {"type": "layers", "diff_ids": diff_ids},
           "history": [{"created_by": "hostile layer %d" % i} for i in range(len(ls))]}
    if config:
        cfg.update(config)
    if config_fn:
        cfg = config_fn(cfg)
    cb = cfg if isinstance(cfg, bytes) else jdump(cfg)
    cname = hashlib.sha256(cb).hexdigest() + ".json"
    files[cname] = cb
    paths = []
    for i, l in enumerate(ls):
        lid = hashlib.sha256(b"%d" % i + diff_ids[i].encode()).hexdigest()
        files[lid + "/layer.tar"] = compress(l, comp)
        files[lid + "/VERSION"] = b"1.0"
        paths.append(lid + "/layer.tar")
    man = [{"Config": cname, "RepoTags": [tag], "Layers": paths}]
    if manifest_fn:
        man = manifest_fn(man)
    files["manifest.json"] = man if isinstance(man, bytes) else jdump(man)
    name, _, t = tag.rpartition(":")
    files["repositories"] = jdump({name: {t: paths[-1].split("/")[0] if paths else ""}})
    return files


def files_of(img):
    return img.files if isinstance(img, Image) else img


def write_dir(path, img):
    """Writes an OCI layout directory."""
    for rel, data in files_of(img).items():
        p = os.path.join(path, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)


def archive_bytes(img, extra=None, first=None):
    """A tar of the image's files (an OCI archive or a docker save).
    first: Tar members put before, extra: Tar members put after the files."""
    t = Tar()
    if first is not None:
        t.parts.extend(first.parts)
    dirs = set()
    for rel in sorted(files_of(img)):
        parts = rel.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i]) + "/"
            if d not in dirs:
                dirs.add(d)
                t.dir(d)
        t.file(rel, files_of(img)[rel])
    if extra is not None:
        t.parts.extend(extra.parts)
    return t.end()


def write_tar(path, img, extra=None, first=None, comp="none"):
    data = compress(archive_bytes(img, extra, first), comp)
    with open(path, "wb") as f:
        f.write(data)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def clean(name):
    """A member name as containerd places it: filepath.Clean, with ".."
    stopping at the root and no leading "/"."""
    return os.path.normpath("/" + name).lstrip("/")


def tarfile_view(tarbytes):
    """What Python's tarfile (like Go archive/tar) sees: {clean name: data
    or ('symlink', target) ...}, later duplicates winning."""
    out = {}
    with tarfile.open(fileobj=io.BytesIO(tarbytes), mode="r:") as tf:
        for m in tf:
            name = clean(m.name)
            if m.isfile():
                out[name] = tf.extractfile(m).read()
            elif m.issym():
                out[name] = ("symlink", m.linkname)
            elif m.islnk():
                out[name] = ("hardlink", m.linkname)
            else:
                out[name] = (m.type.decode(errors="replace"),)
    return out


# --- fuzz seeds ------------------------------------------------------------

# the config of tests/fuzz/fuzz_oci_layout_json.c, byte for byte
FUZZ_EMPTY_LAYER = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
FUZZ_CONFIG = ('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["'
               + FUZZ_EMPTY_LAYER + '"]},"history":[{"created_by":"fuzz"}]}').encode()


def fuzz_seeds(top):
    """Writes the seed corpora of fuzz_layer, fuzz_gzip, fuzz_zstd,
    fuzz_image_archive and fuzz_oci_layout_json below top (the
    tests/fuzz/corpus folder). Deterministic except for zstd versions."""
    def out(name, fn, data):
        d = os.path.join(top, name)
        os.makedirs(d, exist_ok=True)
        write(os.path.join(d, fn), data)

    db = apk_db(("musl", "1.2.4-r2"), {"P": "busybox", "V": "1.36.1-r5", "o": "busybox"})
    dp = dpkg_status(("libc6", "2.36-9"), ("bash", "5.2.15-2"))
    inner = header("lib/apk/db/installed", len(db)) + pad(db)
    layers = {
        "basic": Tar().dir("etc/").file("etc/os-release", OS_RELEASE).file("lib/apk/db/installed", db),
        "dpkg": Tar().file("var/lib/dpkg/status", dp).file("var/lib/dpkg/info/bash.list", b"/bin/bash\n")
                     .file("var/lib/dpkg/status.d/base", dp),
        "links": Tar().file("usr/lib/os-release", OS_RELEASE).symlink("etc/os-release", "../usr/lib/os-release")
                      .symlink("lib", "usr/lib").file("usr/lib/apk/db/installed", db)
                      .hardlink("lib/apk/db/installed", "usr/lib/apk/db/installed")
                      .symlink("loop", "loop").symlink("up", "../../../../etc"),
        "whiteouts": Tar().file("lib/apk/db/.wh.installed").file("etc/.wh..wh..opq").file(".wh.")
                          .file("etc/.wh..wh..opqX").file("lib/apk/db/installed", db),
        "pax": Tar().pax({"size": len(inner)}).add("innocent", b"", size=0).raw(inner)
                    .pax({"path": "etc/os-release", "linkpath": "x"}).file("a", OS_RELEASE)
                    .gnulong("usr/lib/" + "d" * 120 + "/os-release").file("b", OS_RELEASE),
        "special": Tar().add("dev/null", type="chr", devmajor=1, devminor=3).add("p", type="fifo")
                        .add("x/", type="dir", size=len(inner)).raw(inner)
                        .file("../../etc/os-release", OS_RELEASE).file("/lib/apk/db/installed", db),
    }
    # files the streaming analyzers read: a jar, a nested jar, an executable
    import zipfile
    def jar(entries):
        bio = io.BytesIO()
        with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in entries.items():
                z.writestr(zipfile.ZipInfo(n, (1980, 1, 1, 0, 0, 0)), d)
        return bio.getvalue()
    inner_jar = jar({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\r\nImplementation-Title: inner\r\n"
                                             b"Implementation-Version: 2.0\r\n\r\n"})
    app_jar = jar({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\r\n\r\n",
                   "META-INF/maven/org.example/app/pom.properties":
                   b"groupId=org.example\nartifactId=app\nversion=1.2.3\n",
                   "BOOT-INF/lib/inner-2.0.jar": inner_jar})
    elf = (b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\x02\0\x3e\0\x01\0\0\0" + b"\0" * 8
           + (64).to_bytes(8, "little") + b"\0" * 8 + b"\0" * 4 + (64).to_bytes(2, "little")
           + (56).to_bytes(2, "little") + b"\0" * 8 + b"Go build ID: \"x\"\n\xff Go buildinf:" + b"\0" * 32)
    layers["streamed"] = (Tar().file("app/app.jar", app_jar).file("usr/bin/tool", elf, mode=0o755)
                          .file("app/App.deps.json", b'{"targets":{},"libraries":{"x/1.0":{"type":"package"}}}'))
    for k, t in layers.items():
        b = t.end()
        out("layer", k + ".tar", b)
    out("layer", "basic.tar.gz", gz(layers["basic"].end()))
    out("layer", "dpkg.tar.zst", zst(layers["dpkg"].end()))
    out("layer", "empty", b"")
    out("layer", "zeros.tar", b"\0" * 1024)

    g = gz(b"hello gzip\n" * 20)
    out("gzip", "one.gz", g)
    out("gzip", "multi.gz", gz(b"a" * 100) + gz(b"") + gz(b"b" * 300))
    out("gzip", "trailing-zeros.gz", g + b"\0" * 64)
    out("gzip", "stored.gz", gz(bytes(range(256)), level=0))
    out("gzip", "named.gz", b"\x1f\x8b\x08\x1c\0\0\0\0\0\x03\x04\0ab" + b"name\0comment\0" + g[10:])
    out("gzip", "truncated.gz", g[:-5])
    z = zst(b"hello zstd\n" * 20)
    out("zstd", "one.zst", z)
    out("zstd", "frames.zst", zst(b"a" * 100) + zst(b"") + zst(b"b" * 300))
    out("zstd", "skippable.zst", b"\x50\x2a\x4d\x18\x04\0\0\0abcd" + z)
    out("zstd", "truncated.zst", z[:-3])

    t = layers["basic"].end()
    out("image_archive", "docker.tar", archive_bytes(docker_image([t], tag="seed:1")))
    d = docker_image([layers["links"].end()], tag="seed:2")
    cname = [n for n in d if n.endswith(".json") and n != "manifest.json"][0]
    d["config.json"] = d.pop(cname)      # not named by its digest: mutations reach it
    d["manifest.json"] = d["manifest.json"].replace(cname.encode(), b"config.json")
    out("image_archive", "docker-named-config.tar", archive_bytes(d))
    out("image_archive", "oci.tar", archive_bytes(oci_image([t], comp="none")))
    out("image_archive", "two-images.tar", archive_bytes(docker_image([t], manifest_fn=lambda m: m * 2)))

    cd = sha256(FUZZ_CONFIG)
    man = {"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
           "config": {"mediaType": MT_OCI_CONFIG, "digest": cd, "size": len(FUZZ_CONFIG)},
           "layers": [{"mediaType": MT_OCI_LAYER["none"], "digest": FUZZ_EMPTY_LAYER, "size": 1024}]}
    mb = jdump(man)
    idx = {"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": [
        {"mediaType": MT_OCI_MANIFEST, "digest": sha256(mb), "size": len(mb),
         "platform": {"os": "linux", "architecture": "amd64"},
         "annotations": {"org.opencontainers.image.ref.name": "1"}}]}
    out("oci_layout_json", "index-json", b"\0" + jdump(idx))
    out("oci_layout_json", "manifest", b"\1" + mb)
    out("oci_layout_json", "config", b"\2" + FUZZ_CONFIG)
    out("oci_layout_json", "config-history", b"\2" + FUZZ_CONFIG[:-1] + b',"config":{"Env":["A=1"]}}')
    out("oci_layout_json", "index", b"\3" + jdump(idx))
    out("oci_layout_json", "index-nested", b"\3" + jdump({"schemaVersion": 2, "manifests": [
        {"mediaType": MT_OCI_INDEX, "digest": sha256(jdump(idx)), "size": len(jdump(idx))}]}))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "-":
        ARGS = sys.argv[2:]
        src = sys.stdin.read()
        exec(compile(src, "<test snippet>", "exec"), globals())
    elif len(sys.argv) == 3 and sys.argv[1] == "seeds":
        fuzz_seeds(sys.argv[2])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)
