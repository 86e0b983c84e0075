#!/bin/bash
# t0020-formats-selection: choosing what to scan. Multi-platform images
# (nested and flat image indexes, OCI layout and OCI archive) with the
# default platform, --platform OS/ARCH, --platform all and a platform that
# is not there; archives and layouts holding several images (--image,
# DIR:TAG, DIR@sha256:DIGEST).
. "$(dirname "$0")/lib.sh"
skip_unless_shared

A=$LB_TESTDATA/rootfs/alpine
A37=$A/alpine-minirootfs-3.7.3-x86_64.tar.gz
A320=$A/alpine-minirootfs-3.20.3-x86_64.tar.gz
A316=$A/alpine-minirootfs-3.16.9-x86_64.tar.gz
for f in "$A37" "$A320" "$A316"; do [ -f "$f" ] || bail "missing $f"; done
HOST=$("$LIFEBELT" --help | sed -n 's/.*else the host.s, \([^)]*\)).*/\1/p')
[ -n "$HOST" ] || HOST=linux/amd64
say "host platform: $HOST"

# --- multi-platform ---------------------------------------------------
# a shared base layer (etc/motd), then per platform: amd64 = Alpine 3.7.3,
# arm64/v8 = Alpine 3.20.3, so the OS version tells which one was scanned
mkdir -p "$T/base/etc"
echo "shared base" >"$T/base/etc/motd"
for layout in nested flat; do
	mkimage --tag multi:1 --layer "$T/base" --created-by "COPY motd /etc/motd" --level 1 \
		--platform linux/amd64 --layer "$A37" --created-by "ADD amd64 rootfs" \
		--platform linux/arm64/v8 --layer "$A320" --created-by "ADD arm64 rootfs" \
		--index-layout "$layout" --oci "$T/multi-$layout" --oci-archive "$T/multi-$layout.oci.tar"
done
check_json "nested layout: index.json points to an index" \
	'd["manifests"][0]["mediaType"]' application/vnd.oci.image.index.v1+json "$T/multi-nested/index.json"
check_json "flat layout: index.json lists both platform manifests" \
	'[m["platform"]["architecture"] for m in d["manifests"]]' "amd64
arm64" "$T/multi-flat/index.json"

# platform_of EXPR: "platform osversion" of every result
plat_ver='[x["source"]["platform"] + " " + x["os"]["version"] for x in r]'
for input in "$T/multi-nested" "$T/multi-flat" "$T/multi-nested.oci.tar" "$T/multi-flat.oci.tar"; do
	what=$(basename "$input")
	lb image --input "$input" --format json
	if [ "$HOST" = linux/amd64 ]; then
		check_rc "$what: default platform" 0
		check_json "$what: default is the host's platform (linux/amd64, Alpine 3.7.3)" "$plat_ver" \
			"linux/amd64 3.7.3"
		check_json "$what: shared base + platform layer" \
			'[l["createdBy"] for l in r[0]["layers"]]' "COPY motd /etc/motd
ADD amd64 rootfs"
		check_json "$what: the packages come from layer #1" \
			'sorted(set(p["layer"] for p in r[0]["packages"]))' 1
	else
		say "host is $HOST: default platform check skipped"
	fi
	check_json "$what: manifest digest is reported" 'r[0]["source"]["manifestDigest"][:7] if r else ""' sha256:

	lb image --input "$input" --format json --platform linux/arm64
	check_rc "$what: --platform linux/arm64" 0
	check_json "$what: linux/arm64 selects arm64/v8 (Alpine 3.20.3)" "$plat_ver" "linux/arm64/v8 3.20.3"
	check_json "$what: arm64 layers" '[l["createdBy"] for l in r[0]["layers"]]' "COPY motd /etc/motd
ADD arm64 rootfs"
	lb image --input "$input" --format json --platform linux/arm64/v8
	check_json "$what: --platform linux/arm64/v8" "$plat_ver" "linux/arm64/v8 3.20.3"
	lb image --input "$input" --format json --platform linux/amd64
	check_json "$what: --platform linux/amd64" "$plat_ver" "linux/amd64 3.7.3"

	lb image --input "$input" --format json --platform all
	check_rc "$what: --platform all" 0
	check_json "$what: --platform all gives two results" "$plat_ver" "linux/amd64 3.7.3
linux/arm64/v8 3.20.3"
	check_json "$what: each result has its own packages" '[len(x["packages"]) for x in r]' "13
14"
	check_json "$what: the two share the base layer's diff ID" \
		'r[0]["layers"][0]["diffId"] == r[1]["layers"][0]["diffId"] and r[0]["layers"][1]["diffId"] != r[1]["layers"][1]["diffId"]' true
	lb image --input "$input" --format cyclonedx --platform all
	check_rc "$what: cyclonedx with --platform all" 0
	check_json "$what: cyclonedx holds both platforms' packages" \
		'len([c for c in d["components"] if c.get("purl", "").startswith("pkg:apk/")]) >= 27' true
	lb image --input "$input" --platform all
	check_rc "$what: table with --platform all" 0
	check_grep "$what: table shows both" 'Alpine Linux v3\.7' "$T/out"
	check_grep "$what: table shows both (2)" '3\.20\.3' "$T/out"

	lb image --input "$input" --format json --platform linux/s390x
	check_rc "$what: a platform that is not there" 66
	check_grep "$what: the error names the platform" 'linux/s390x' "$T/err"
	check_grep "$what: the error lists linux/amd64" 'linux/amd64' "$T/err"
	check_grep "$what: the error lists linux/arm64/v8" 'linux/arm64/v8' "$T/err"
	check_eq "$what: nothing on stdout" "" "$(cat "$T/out")"
	lb image --input "$input" --format json --platform linux/arm64/v7
	check_rc "$what: wrong variant" 66
done

# an index whose platforms do not include the host: the default is an
# error listing the choices
mkimage --tag other:1 --level 1 --platform linux/s390x --layer "$A37" \
	--platform linux/ppc64le --layer "$A320" --oci "$T/other"
lb image --input "$T/other" --format json
if [ "$HOST" = linux/s390x ] || [ "$HOST" = linux/ppc64le ]; then
	say "host platform is in the index; skipped"
else
	check_rc "no host platform in the index: an error" 66
	check_grep "... listing linux/s390x" 'linux/s390x' "$T/err"
	check_grep "... and linux/ppc64le" 'linux/ppc64le' "$T/err"
fi
lb image --input "$T/other" --format json --platform linux/ppc64le
check_json "--platform linux/ppc64le" "$plat_ver" "linux/ppc64le 3.20.3"
# a single-platform image that is not the host's is scanned as it is
mkimage --tag single:1 --arch arm --variant v7 --layer "$A316" --oci "$T/arm"
lb image --input "$T/arm" --format json
check_rc "a single foreign-platform image is scanned by default" 0
check_json "... and reports its platform" "$plat_ver" "linux/arm/v7 3.16.9"

# --- several images in one docker archive -----------------------------
mkimage --tag one/alpine:3.7 --tag one/alpine:latest --layer "$A37" --docker-archive "$T/one.tar"
mkimage --tag registry.example.com/two/alpine:3.20 --layer "$A320" --docker-archive "$T/two.tar"
"$PY" - "$T/one.tar" "$T/two.tar" "$T/both.tar" <<'EOF'
import io, json, sys, tarfile
out = tarfile.open(sys.argv[3], "w", format=tarfile.PAX_FORMAT)
manifest, seen = [], set()
for src in sys.argv[1:3]:
    t = tarfile.open(src)
    for m in t.getmembers():
        if m.name == "manifest.json":
            manifest += json.load(t.extractfile(m))
        elif m.name == "repositories" or m.name in seen:
            continue
        else:
            seen.add(m.name)
            out.addfile(m, t.extractfile(m) if m.isfile() else None)
data = json.dumps(manifest).encode()
ti = tarfile.TarInfo("manifest.json"); ti.size = len(data)
out.addfile(ti, io.BytesIO(data))
out.close()
EOF
lb image --input "$T/both.tar" --format json
check_rc "docker archive with two images and no --image: usage error" 64
check_grep "... the error lists one/alpine:3.7" 'one/alpine:3\.7' "$T/err"
check_grep "... and registry.example.com/two/alpine:3.20" 'registry\.example\.com/two/alpine:3\.20' "$T/err"
check_grep "... and says how to choose" 'with -{2}image' "$T/err"
check_eq "... nothing on stdout" "" "$(cat "$T/out")"
lb image --input "$T/both.tar" --format json --image one/alpine:3.7
check_rc "--image one/alpine:3.7" 0
check_json "... picks Alpine 3.7.3" '[x["os"]["version"] + " " + x["source"]["ref"] for x in r]' "3.7.3 one/alpine:3.7"
lb image --input "$T/both.tar" --format json --image one/alpine:latest
check_json "--image by its second RepoTag" '[x["os"]["version"] for x in r]' 3.7.3
lb image --input "$T/both.tar" --format json --image registry.example.com/two/alpine:3.20
check_rc "--image with a registry name" 0
check_json "... picks Alpine 3.20.3" '[x["os"]["version"] for x in r]' 3.20.3
lb image --input "$T/both.tar" --format json --image one/alpine:9.9
check_rc "--image that is not there" 66
check_grep "... lists the choices" 'registry\.example\.com/two/alpine:3\.20' "$T/err"

# --- several tags in one OCI layout: DIR:TAG, DIR@DIGEST, --image -----
mkimage --tag alpine:3.7 --layer "$A37" --level 1 --oci "$T/lay1"
mkimage --tag alpine:3.20 --layer "$A320" --level 1 --oci "$T/lay2"
cp -r "$T/lay1" "$T/layout"
cp -n "$T/lay2"/blobs/sha256/* "$T/layout/blobs/sha256/"
"$PY" -c '
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
a["manifests"] += b["manifests"]
json.dump(a, open(sys.argv[1], "w"))
' "$T/layout/index.json" "$T/lay2/index.json"
D320=$(jq_py 'd["manifests"][0]["digest"]' "$T/lay2/index.json")
lb image --input "$T/layout" --format json
check_rc "layout with two tags and no tag: usage error" 64
check_grep "... lists 3.7" '3\.7' "$T/err"
check_grep "... lists 3.20" '3\.20' "$T/err"
lb image --input "$T/layout:3.20" --format json
check_rc "DIR:TAG" 0
check_json "DIR:3.20 is Alpine 3.20.3" '[x["os"]["version"] for x in r]' 3.20.3
lb image --input "$T/layout:3.7" --format json
check_json "DIR:3.7 is Alpine 3.7.3" '[x["os"]["version"] for x in r]' 3.7.3
lb image --input "$T/layout" --image 3.20 --format json
check_json "--image TAG on a layout" '[x["os"]["version"] for x in r]' 3.20.3
lb image --input "$T/layout@$D320" --format json
check_rc "DIR@sha256:DIGEST" 0
check_json "DIR@DIGEST picks that manifest" '[x["os"]["version"] + " " + x["source"]["manifestDigest"] for x in r]' \
	"3.20.3 $D320"
lb image --input "$T/layout@sha256:$(printf '0%.0s' $(seq 64))" --format json
check_rc "DIR@DIGEST that is not there" 66
lb image --input "$T/layout:9.9" --format json
check_rc "DIR:TAG that is not there" 66
# an OCI archive of the same layout
tar -C "$T/layout" -cf "$T/layout.oci.tar" .
lb image --input "$T/layout.oci.tar" --image 3.7 --format json
check_rc "OCI archive with two tags, --image 3.7" 0
check_json "... is Alpine 3.7.3" '[x["source"]["kind"] + " " + x["os"]["version"] for x in r]' "oci-archive 3.7.3"

# --- Docker 25+ archive: --image with the full containerd name -----------
mkimage --tag alpine:3.16 --layer "$A316" --docker-archive "$T/d25.tar" --docker-layout oci
lb image --input "$T/d25.tar" --format json --image alpine:3.16
check_rc "docker 25 archive, --image alpine:3.16" 0
check_json "... matches docker.io/library/alpine:3.16" '[x["os"]["version"] for x in r]' 3.16.9
lb image --input "$T/d25.tar" --format json --image docker.io/library/alpine:3.16
check_json "... and the full name" '[x["os"]["version"] for x in r]' 3.16.9

finish
