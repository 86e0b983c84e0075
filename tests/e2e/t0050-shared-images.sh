#!/bin/bash
# t0050-shared-images: the small real-world image archives and layouts of
# shared/testdata/images (docker save in its variants, Docker 25, OCI
# layouts with unusual indexes, zstd, broken and hostile ones): exit codes,
# image facts read independently from the files, and the layer merge
# semantics made observable by renaming their members to paths lifebelt
# reports on (etc/alpine-release, etc/debian_version).
. "$(dirname "$0")/lib.sh"
skip_unless_shared
need_cmd zstd timeout sha256sum

I=$LB_TESTDATA/images
[ -d "$I/ggcr-tarball" ] || bail "missing $I"

# lbt ARGS: lb with a time limit (symlink cycles must not hang)
lbt() {
	lb_argv "$@"
	timeout 60 "$LIFEBELT" "${LB_ARGV[@]}" >"$T/out" 2>"$T/err"
	LB_RC=$?
	[ "$LB_RC" != 124 ] || echo "lifebelt $* timed out" >>"$T/err"
}

# docker_facts TAR [N]: facts of image N of a docker save, read with
# python: ref, platform, diff IDs, non-empty history created_by, image ID
docker_facts() {
	"$PY" - "$1" "${2:-0}" <<'EOF'
import hashlib, json, sys, tarfile
t = tarfile.open(sys.argv[1])
def read(name):
    for m in t.getmembers():
        if m.name.lstrip("./") == name.lstrip("./"):
            return t.extractfile(m).read()
    raise SystemExit("no member " + name)
e = json.loads(read("manifest.json"))[int(sys.argv[2])]
raw = read(e["Config"])
c = json.loads(raw)
print("ref", (e.get("RepoTags") or [None])[0])
print("platform", c["os"] + "/" + c["architecture"])
print("layers", len(e["Layers"]))
for d in c["rootfs"]["diff_ids"]:
    print("diffId", d)
for h in c.get("history", []):
    if not h.get("empty_layer"):
        print("createdBy", h.get("created_by"))
print("imageId", "sha256:" + hashlib.sha256(raw).hexdigest())
print("packages 0")
EOF
}
# lb_facts [RESULT]: the same facts from lifebelt's JSON ($T/out)
lb_facts() {
	jq_py '(lambda x: ["ref %s" % x["source"]["ref"], "platform " + x["source"]["platform"],
		"layers %d" % len(x["layers"])] +
		["diffId " + l["diffId"] for l in x["layers"]] +
		["createdBy %s" % l["createdBy"] for l in x["layers"] if l["createdBy"] is not None] +
		["imageId " + x["source"]["imageId"], "packages %d" % len(x["packages"])])(r['"${1:-0}"'])'
}
# docker_ok WHAT TAR [ARGS...]: scans a docker save; exit 0 and the facts
docker_ok() {
	local what=$1 tar=$2
	shift 2
	lbt image --input "$tar" --format json "$@"
	check_rc "$what" 0
	[ "$LB_RC" = 0 ] || return 0
	docker_facts "$tar" >"$T/want"
	lb_facts >"$T/got"
	check_same "$what: ref, platform, verified diff IDs, history, image ID" "$T/want" "$T/got"
}

# --- docker save archives that must scan --------------------------------
for f in scalibr-layerscanning/basic.tar scalibr-layerscanning/two-files.tar \
	scalibr-layerscanning/multiple-files.tar scalibr-layerscanning/single-file.tar \
	scalibr-layerscanning/overwrite-file.tar scalibr-layerscanning/symlink-basic.tar \
	scalibr-layerscanning/symlink-cycle.tar scalibr-layerscanning/symlink-depth-exceeded.tar \
	scalibr-layerscanning/symlink-attack.tar scalibr-layerscanning/symlink-dangling.tar \
	scalibr-unpack/dangling-symlinks.tar scalibr-unpack/symlinks.tar scalibr-unpack/permissions.tar \
	ggcr-mutate/whiteout_image.tar ggcr-mutate/overwritten_file.tar ggcr-mutate/source_image.tar \
	ggcr-tarball/test_image_1.tar ggcr-tarball/test_image_2.tar ggcr-tarball/test_load_manifest.tar; do
	docker_ok "$f" "$I/$f"
	check_json "$f: not partial" 'r[0]["partial"]' false
done
# gzip layers (*.tar.gz members) and a config named "sha256:<hex>"
docker_ok "whiteout_dir.tar (gzip layers in a docker save)" "$I/ggcr-mutate/whiteout_dir.tar"
check_json "whiteout_dir.tar: 4 layers" 'len(r[0]["layers"])' 4

# Docker 25: OCI layout + manifest.json, "RepoTags": null, "manifests": null
lbt image --input "$I/ggcr-tarball/hello-world-v25.tar" --format json
check_rc "hello-world-v25.tar (Docker 25 save)" 0
check_json "hello-world-v25: one layer, its digest from blobs/sha256" \
	'[l["digest"] for l in r[0]["layers"]]' sha256:12660636fe55438cc3ae7424da7ac56e845cdb52493ff9cf949c47a7f57f8b43
check_json "hello-world-v25: the config blob is the image ID" 'r[0]["source"]["imageId"]' \
	sha256:ee301c921b8aadc002973b2e0c3da17d701dcd994b606769a7e6eaa100b81d44
check_json "hello-world-v25: no tag" 'r[0]["source"]["ref"]' null

# --- several images in one archive --------------------------------------
lbt image --input "$I/ggcr-tarball/test_bundle.tar" --format json
check_rc "test_bundle.tar without --image" 64
check_grep "... lists test_image_1" 'test_image_1' "$T/err"
check_grep "... lists test_image_2" 'test_image_2' "$T/err"
lbt image --input "$I/ggcr-tarball/test_bundle.tar" --format json --image test_image_1
check_rc "test_bundle.tar --image test_image_1" 0
docker_facts "$I/ggcr-tarball/test_bundle.tar" 1 >"$T/want"
lb_facts >"$T/got"
check_same "test_bundle.tar --image test_image_1: its facts" "$T/want" "$T/got"
lbt image --input "$I/ggcr-tarball/test_bundle.tar" --format json --image test_image_2
check_rc "test_bundle.tar --image test_image_2 (gzip layer)" 0
docker_facts "$I/ggcr-tarball/test_bundle.tar" 0 >"$T/want"
lb_facts >"$T/got"
check_same "test_bundle.tar --image test_image_2: its facts" "$T/want" "$T/got"

lbt image --input "$I/ggcr-tarball/test_link.tar" --format json
check_rc "test_link.tar without --image" 64
check_grep "... lists bazel/v1/tarball:test_image_3" 'bazel/v1/tarball:test_image_3' "$T/err"
lbt image --input "$I/ggcr-tarball/test_link.tar" --format json --image bazel/v1/tarball:test_image_3
check_rc "test_link.tar --image ...:test_image_3" 0
docker_facts "$I/ggcr-tarball/test_link.tar" 1 >"$T/want"
lb_facts >"$T/got"
check_same "test_link.tar test_image_3: 2 layers, facts" "$T/want" "$T/got"
lbt image --input "$I/ggcr-tarball/test_link.tar" --format json --image test_image_1
check_json "test_link.tar --image test_image_1 (short name): 1 layer" 'len(r[0]["layers"])' 1

# --- not images, broken images: 65 with a message -------------------------
bad() { # bad WHAT FILE ERE: exit 65, stderr matches ERE, nothing on stdout
	lbt image --input "$2"
	check_rc "$1" 65
	check_grep "$1: the error says why" "$3" "$T/err"
	check_eq "$1: no report" "" "$(cat "$T/out")"
}
bad "empty.tar (10240 zero bytes)" "$I/scalibr-layerscanning/empty.tar" 'not a container image'
bad "content.tar (a plain tar)" "$I/ggcr-tarball/content.tar" 'not a container image'
bad "content.tar.zst (a zstd tar, not an image)" "$I/ggcr-zstd/content.tar.zst" 'not a container image'
bad "escape.tar (a bare layer tar)" "$I/scalibr-unpack/escape.tar" 'not a container image'
bad "null_manifest.tar" "$I/ggcr-tarball/null_manifest.tar" 'manifest\.json'
bad "no_manifest.tar (docker save v1)" "$I/ggcr-tarball/no_manifest.tar" 'v1'

# the config of source_image_with_empty_layer_history.tar was edited after
# it was named: its sha256 is not its file name
mkdir "$T/seh"
tar -xf "$I/ggcr-mutate/source_image_with_empty_layer_history.tar" -C "$T/seh"
cfg=$(jq_py 'd[0]["Config"]' "$T/seh/manifest.json")
real=$(sha256sum "$T/seh/$cfg" | cut -d' ' -f1)
check_eq "(the data: the config's sha256 differs from its name)" yes \
	"$([ "$real.json" != "$cfg" ] && echo yes)"
bad "source_image_with_empty_layer_history.tar: config digest mismatch" \
	"$I/ggcr-mutate/source_image_with_empty_layer_history.tar" "${cfg%.json}"
check_grep "... the error says it does not match" 'does not match' "$T/err"
# repaired (config renamed to its real digest), it scans; the history's
# empty_layer entry is skipped when matching created_by to layers
mv "$T/seh/$cfg" "$T/seh/$real.json"
"$PY" -c 'import json, sys
m = json.load(open(sys.argv[1])); m[0]["Config"] = sys.argv[2]
json.dump(m, open(sys.argv[1], "w"))' "$T/seh/manifest.json" "$real.json"
tar -C "$T/seh" -cf "$T/seh.tar" .
docker_ok "repaired source_image_with_empty_layer_history" "$T/seh.tar"
check_json "... created_by skips the empty_layer entry" '[l["createdBy"] for l in r[0]["layers"]]' "bazel build ..."

# --- OCI layouts ----------------------------------------------------------
O=$I/ggcr-oci-layout
lbt image --input "$O/test_index" --format json
check_rc "test_index (4 tagged descriptors) without a tag" 64
for t in 1 2 3 4; do check_grep "... lists tag $t" "^lifebelt: error: +$t\$" "$T/err"; done
M1=sha256:eebff607b1628d67459b0596643fc07de70d702eccf030f0bc7bb6fc2b278650
C1=sha256:6e0b05049ed9c17d02e1a55e80d6599dbfcce7f4f4b022e3c673e685789c470e
for t in 1 3 4; do
	case $t in 1) kind="an OCI manifest" ;; 3) kind="a nested OCI index" ;; 4) kind="a Docker manifest list" ;; esac
	lbt image --input "$O/test_index:$t" --format json
	check_rc "test_index:$t ($kind)" 0
	check_json "test_index:$t: manifest, config, one layer" \
		'[x["source"]["manifestDigest"] + " " + x["source"]["imageId"] + " %d" % len(x["layers"]) for x in r]' \
		"$M1 $C1 1"
	check_json "test_index:$t: the ref is the tag" 'r[0]["source"]["ref"]' "$t"
done
lbt image --input "$O/test_index:2" --format json
check_rc "test_index:2 (an unknown descriptor media type is no image)" 65
lbt image --input "$O/test_index@sha256:05f95b26ed10668b7183c1e2da98610e91372fa9f510046d4ce5812addad86b5" --format json
check_rc "test_index@DIGEST of the nested index" 0
check_json "... reaches its manifest" 'r[0]["source"]["manifestDigest"]' "$M1"
lbt image --input "$O/test_index_one_image" --format json
check_rc "test_index_one_image" 0
check_json "... one image, one layer, no packages" \
	'"%d %d %d" % (len(r), len(r[0]["layers"]), len(r[0]["packages"]))' "1 1 0"
check_json "... its manifest" 'r[0]["source"]["manifestDigest"]' \
	sha256:98ceaf93e482fe91b9bfd6bba07137c098e49ee2d55e69f09fb6c951e75e0e46
lbt image --input "$O/test_gc_index" --format json
check_rc "test_gc_index without a tag" 64
lbt image --input "$O/test_gc_index:1" --format json
check_json "test_gc_index:1 (unreferenced blobs are ignored)" 'r[0]["source"]["manifestDigest"]' "$M1"
lbt image --input "$O/test_index_media_type" --format json
check_rc "test_index_media_type (a Helm chart artifact, not a container image)" 65
check_grep "... the error names the config" 'sha256:ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356' "$T/err"

# --- zstd: the real content.tar.zst as a layer blob, byte for byte ---------
cmp -s <(zstd -dc "$I/ggcr-zstd/content.tar.zst") "$I/ggcr-zstd/content.tar" ||
	bail "content.tar.zst does not inflate to content.tar"
# zstd_layout DIR BLOB MEDIATYPE: an OCI layout whose one layer is BLOB
zstd_layout() {
	"$PY" - "$1" "$2" "$3" "$I/ggcr-zstd/content.tar" <<'EOF'
import hashlib, json, os, sys
root, blobf, mt, plain = sys.argv[1:5]
os.makedirs(root + "/blobs/sha256")
def blob(data):
    h = hashlib.sha256(data).hexdigest()
    open(root + "/blobs/sha256/" + h, "wb").write(data)
    return {"digest": "sha256:" + h, "size": len(data)}
layer = blob(open(blobf, "rb").read())
diff = "sha256:" + hashlib.sha256(open(plain, "rb").read()).hexdigest()
cfg = blob(json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff]},
    "history": [{"created_by": "zstd layer"}]}).encode())
man = blob(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": dict(cfg, mediaType="application/vnd.oci.image.config.v1+json"),
    "layers": [dict(layer, mediaType=mt)]}).encode())
json.dump({"schemaVersion": 2, "manifests": [dict(man, mediaType="application/vnd.oci.image.manifest.v1+json")]},
    open(root + "/index.json", "w"))
open(root + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
print(diff)
EOF
}
for mt in application/vnd.oci.image.layer.v1.tar+zstd application/vnd.docker.image.rootfs.diff.tar.zstd \
	application/vnd.oci.image.layer.v1.tar+gzip; do
	d=$T/zstd-$(echo "$mt" | tr -c 'a-z0-9\n' _)
	diff=$(zstd_layout "$d" "$I/ggcr-zstd/content.tar.zst" "$mt")
	lbt image --input "$d" --format json
	check_rc "content.tar.zst as a layer, media type $mt" 0
	check_json "... inflated and checked against the diff ID" 'r[0]["layers"][0]["diffId"]' "$diff"
done
# the same blob with one byte changed inside the compressed data (the blob
# digest is recomputed, so only the zstd stream itself is wrong)
"$PY" -c 'import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[len(b) // 2] ^= 0xff
open(sys.argv[2], "wb").write(b)' "$I/ggcr-zstd/content.tar.zst" "$T/corrupt.tar.zst"
zstd_layout "$T/zstd-corrupt" "$T/corrupt.tar.zst" application/vnd.oci.image.layer.v1.tar+zstd >/dev/null
lbt image --input "$T/zstd-corrupt" --format json
check_rc "a corrupt zstd layer is bad data" 65
check_grep "... the error names the layer" 'sha256:[0-9a-f]{64}' "$T/err"
check_eq "... no report" "" "$(cat "$T/out")"

# --- layer semantics, observed through renamed members --------------------
# remap SRC.tar OUTDIR MAPPING_JSON: rewrites each layer of a docker save,
# keeping entry order, types, "./" prefixes and whiteout markers, with
# member names (and link targets) renamed; writes OUTDIR/layerN.tar and
# OUTDIR/config.json (history kept); prints the layer count
remap() {
	"$PY" - "$@" <<'EOF'
import io, json, os, sys, tarfile
src, outdir, mapping = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
names, dirs, links = mapping.get("names", {}), mapping.get("dirs", {}), mapping.get("links", {})
t = tarfile.open(src)
man = json.load(t.extractfile("manifest.json"))[0]
os.makedirs(outdir)
json.dump(json.load(t.extractfile(man["Config"])), open(outdir + "/config.json", "w"))
def mapfull(full):
    if full in names:
        return names[full]
    for a, b in dirs.items():
        if full == a or full.startswith(a + "/"):
            return b + full[len(a):]
    return full
def mapname(n):
    pre = "./" if n.startswith("./") else ("/" if n.startswith("/") else "")
    rest = n[len(pre):]
    d, _, b = rest.rpartition("/")
    wh = ""
    if b.startswith(".wh.") and not b.startswith(".wh..wh."):
        wh, b = ".wh.", b[4:]
    m = mapfull((d + "/" if d else "") + b)
    md, _, mb = m.rpartition("/")
    return pre + (md + "/" if md else "") + wh + mb
for i, l in enumerate(man["Layers"]):
    lt = tarfile.open(fileobj=io.BytesIO(t.extractfile(l).read()))
    out = tarfile.open(outdir + "/layer%d.tar" % i, "w", format=lt.format)
    for m in lt.getmembers():
        data = lt.extractfile(m).read() if m.isfile() else None
        m.name = mapname(m.name)
        if m.issym() or m.islnk():
            m.linkname = links.get(m.linkname, mapname(m.linkname) if m.linkname.startswith("/") else m.linkname)
        out.addfile(m, io.BytesIO(data) if data is not None else None)
    out.close()
print(len(man["Layers"]))
EOF
}
# remapped NAME SRC MAPPING [LAYERS]: remaps SRC, repacks its first LAYERS
# layers (default all) with mkimage, scans; $T/out holds the report
remapped() {
	local n args=() i
	n=$(remap "$I/$2" "$T/$1" "$3") || bail "cannot remap $2"
	for ((i = 0; i < ${4:-$n}; i++)); do args+=(--layer "$T/$1/layer$i.tar"); done
	mkimage --config "$T/$1/config.json" "${args[@]}" --compression none --oci "$T/$1/img"
	lbt image --input "$T/$1/img" --format json
	[ "$LB_RC" = 0 ] || fail "$1: scan" "exit $LB_RC: $(head -c 1000 "$T/err")"
}
os_of='"%s %s" % (r[0]["os"]["family"], r[0]["os"]["version"]) if r[0]["os"] else "none"'

# whiteout_image: layer 0 has foo.txt and bar.txt, layer 1 "./.wh.foo.txt"
map='{"names": {"foo.txt": "etc/alpine-release", "bar.txt": "etc/debian_version"}}'
remapped wi0 ggcr-mutate/whiteout_image.tar "$map" 1
check_json "whiteout_image, layer 0 alone: foo.txt (as etc/alpine-release) is there" "$os_of" "alpine foo"
remapped wi ggcr-mutate/whiteout_image.tar "$map"
check_json "whiteout_image: './.wh.foo.txt' hides foo.txt; bar.txt remains" 'r[0]["os"]["family"]' debian
check_json "whiteout_image: (evidence)" 'r[0]["os"]["evidence"]' etc/debian_version

# overwritten_file: foo.txt, then a layer with bar.txt and foo.txt -> bar.txt
remapped of ggcr-mutate/overwritten_file.tar \
	'{"names": {"foo.txt": "etc/alpine-release", "bar.txt": "etc/debian_version"}, "links": {"bar.txt": "debian_version"}}'
check_json "overwritten_file: a later symlink replaces the file and is followed" "$os_of" "alpine bar"

# overwrite-file: sample.txt rewritten by layer 1
remapped ow scalibr-layerscanning/overwrite-file.tar '{"names": {"sample.txt": "etc/alpine-release"}}'
check_json "overwrite-file: the upper layer's content wins" "$os_of" "alpine overwritten sample text file"

# symlink-basic: dir1/sample.txt and four kinds of links to it; each link in
# turn becomes etc/alpine-release, the target etc/debian_version
for link in absolute-symlink relative-symlink relative-dot-symlink chain-symlink; do
	remapped "sb-$link" scalibr-layerscanning/symlink-basic.tar \
		'{"names": {"dir1/sample.txt": "etc/debian_version", "dir1/'"$link"'.txt": "etc/alpine-release"},
		  "dirs": {"dir1": "etc"}, "links": {"sample.txt": "debian_version", "./sample.txt": "./debian_version",
		  "absolute-symlink.txt": "absolute-symlink.txt"}}'
	check_json "symlink-basic: $link is followed" "$os_of" "alpine sample text"
done

# symlink-cycle: sample.txt -> chain -> absolute -> sample.txt
remapped cyc scalibr-layerscanning/symlink-cycle.tar \
	'{"names": {"dir1/sample.txt": "etc/alpine-release"}, "dirs": {"dir1": "etc"}}'
check_rc "symlink-cycle: the scan ends" 0
check_json "symlink-cycle: the looping file gives no OS" "$os_of" none

# symlink-depth-exceeded: symlink7 -> ... -> symlink1 -> sample.txt (7 hops)
remapped depth scalibr-layerscanning/symlink-depth-exceeded.tar \
	'{"names": {"dir1/sample.txt": "etc/debian_version", "dir1/symlink7.txt": "etc/alpine-release"}, "dirs": {"dir1": "etc"}}'
check_json "symlink-depth-exceeded: 7 hops are followed" "$os_of" "alpine sample text"

# a chain longer than the 40 hops Linux allows: not followed, and no hang
mkdir -p "$T/deep/etc"
echo 3.1.4 >"$T/deep/etc/debian_version"
ln -s debian_version "$T/deep/etc/l0"
for i in $(seq 1 45); do ln -s "l$((i - 1))" "$T/deep/etc/l$i"; done
ln -s l45 "$T/deep/etc/alpine-release"
mkimage --layer "$T/deep" --compression none --oci "$T/deep-img"
lbt image --input "$T/deep-img" --format json
check_rc "a 47-hop symlink chain: the scan ends" 0
check_json "... and is not followed past the limit" 'r[0]["os"]["family"]' debian

# symlink-attack and escape.tar: links that climb out of the root
lbt image --input "$I/scalibr-layerscanning/symlink-attack.tar" --format json
check_rc "symlink-attack.tar" 0
mkimage --layer "$I/scalibr-unpack/escape.tar" --compression none --oci "$T/escape"
lb_argv image --input "$T/escape" --format json
(cd "$T" && mkdir cwd && cd cwd && timeout 60 "$LIFEBELT" "${LB_ARGV[@]}" >"$T/out" 2>"$T/err")
LB_RC=$?
check_rc "escape.tar as a layer (absolute names, trampoline symlinks)" 0
check_eq "... nothing written in the working folder" "" "$(ls -A "$T/cwd")"
check_eq "... no poc.txt written in /tmp" no "$([ -e /tmp/poc.txt ] && echo yes || echo no)"
# (escape.tar is not a docker save: wrap its renamed copy by hand)
"$PY" - "$I/scalibr-unpack/escape.tar" "$T/esc.tar" <<'EOF'
import io, sys, tarfile
t = tarfile.open(sys.argv[1]); out = tarfile.open(sys.argv[2], "w", format=t.format)
for m in t.getmembers():
    data = t.extractfile(m).read() if m.isfile() else None
    if m.name == "/usr/share/doc/c/copyright":      # -> /escape/poc.txt -> trampolines -> ../../tmp
        m.name = "/etc/alpine-release"
    out.addfile(m, io.BytesIO(data) if data is not None else None)
out.close()
EOF
mkimage --layer "$T/esc.tar" --compression none --oci "$T/esc-img"
lbt image --input "$T/esc-img" --format json
check_rc "escape.tar with the trampoline link as etc/alpine-release" 0
check_json "... resolves inside the image: escape/poc.txt is a symlink chain to tmp/poc.txt, which is absent" \
	"$os_of" none

# rootfs DIR: symlinks that point out of the root must not read host files
R=$T/hostroot
mkdir -p "$R/root/etc" "$R/root/var/lib" "$R/secret" "$R/hostdpkg"
printf 'ID=evil\nVERSION_ID=6.6.6\nPRETTY_NAME="host file"\n' >"$R/secret/os-release"
echo 6.6.6 >"$R/secret/alpine-release"
printf 'Package: evil\nStatus: install ok installed\nVersion: 6.6.6\nArchitecture: all\n\n' >"$R/hostdpkg/status"
ln -s ../../secret/os-release "$R/root/etc/os-release"         # relative, climbs out
ln -s "$R/secret/alpine-release" "$R/root/etc/alpine-release"   # absolute host path
ln -s "$R/hostdpkg" "$R/root/var/lib/dpkg"                      # a directory outside
lbt rootfs "$R/root" --format json
check_rc "rootfs with links out of the root" 0
check_json "... the host's os-release and alpine-release are not read" "$os_of" none
check_json "... the host's dpkg status is not read" 'len(r[0]["packages"])' 0

finish
