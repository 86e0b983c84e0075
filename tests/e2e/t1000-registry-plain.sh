#!/bin/bash
# t1000-registry-plain: scanning images straight from a real registry
# (Debian's docker-registry on 127.0.0.1, no auth, plain HTTP) filled with
# skopeo: by tag and by digest, a multi-platform index (default platform,
# --platform OS/ARCH, all, absent), a zstd-layered image, Docker schema2
# media types, registry list and registry scan. The expected answers are
# the scans of the same OCI layouts on disk (tested against references in
# t0020 and t0050), which must be identical apart from the source.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/registry-lib.sh"
reg_need

A=$LB_TESTDATA/rootfs/alpine
A37=$A/alpine-minirootfs-3.7.3-x86_64.tar.gz
A320=$A/alpine-minirootfs-3.20.3-x86_64.tar.gz
A316=$A/alpine-minirootfs-3.16.9-x86_64.tar.gz
for f in "$A37" "$A320" "$A316"; do [ -f "$f" ] || bail "missing $f"; done
HOST=$("$LIFEBELT" --help | sed -n 's/.*else the host.s, \([^)]*\)).*/\1/p')
[ -n "$HOST" ] || HOST=linux/amd64

mkdir -p "$T/base/etc"
echo "shared base" >"$T/base/etc/motd"
mkimage --tag multi:1 --layer "$T/base" --level 1 \
	--platform linux/amd64 --layer "$A37" --platform linux/arm64/v8 --layer "$A320" --oci "$T/multi"
mkimage --tag z:1 --layer "$A316" --compression zstd --oci "$T/z"
mkimage --tag d:1 --layer "$A37" --media-types docker --oci "$T/d"
reg_start plain
reg_push "$T/multi" team/multi:1
reg_push "$T/z" team/z:1
reg_push "$T/d" other/d:2

# the packages and source of a report, for comparing registry and disk
summ() { jq_py '[x["source"].get("platform","") + " " + x["os"]["version"] + " " + str(len(x["packages"])) + " " + ",".join(sorted(p["purl"] for p in x["packages"])) for x in r]' "$1"; }

lb image --input "$T/multi" --format json --platform all
cp "$T/out" "$T/disk-multi.json"
lb image "$REG/team/multi:1" --insecure --format json --platform all
check_rc "multi-platform index from the registry, --platform all" 0
check_json "one result per platform" '[x["source"]["platform"] + " " + x["os"]["version"] for x in r]' \
	"linux/amd64 3.7.3
linux/arm64/v8 3.20.3"
summ "$T/disk-multi.json" >"$T/want"
summ "$T/out" >"$T/got"
check_same "same packages as the scan of the layout on disk" "$T/want" "$T/got"
check_json "source kind is registry" 'sorted(set(x["source"]["kind"] for x in r))' registry
check_json "the reference names the image" 'r[0]["source"]["ref"]' "$REG/team/multi:1"
check_json "layer digests are the blobs' digests" \
	'sorted(set(l["digest"] for x in r for l in x["layers"]))' \
	"$(jq_py 'sorted(set(l["digest"] for x in r for l in x["layers"]))' "$T/disk-multi.json")"

lb image "$REG/team/multi:1" --insecure --format json
check_rc "default platform" 0
check_json "the host's platform is chosen" 'len(r)' 1
case $HOST in linux/amd64) check_json "amd64 gets Alpine 3.7.3" 'r[0]["os"]["version"]' 3.7.3 ;; esac
lb image "$REG/team/multi:1" --insecure --format json --platform linux/arm64
check_rc "--platform linux/arm64" 0
check_json "arm64 gets Alpine 3.20.3" 'r[0]["os"]["version"]' 3.20.3
lb image "$REG/team/multi:1" --insecure --platform linux/s390x
check_rc "a platform the index does not have" 66
check_grep "the error lists the platforms there are" 'linux/arm64/v8' "$T/err"

# by digest: the manifest is fetched by digest and verified
dg=$(skopeo inspect --raw --tls-verify=false "docker://$REG/team/z:1" | sha256sum | cut -c1-64)
lb image "$REG/team/z@sha256:$dg" --insecure --format json
check_rc "by digest" 0
check_json "zstd layers stream and decompress" 'r[0]["os"]["version"]' 3.16.9
check_json "manifest digest" 'r[0]["source"]["manifestDigest"]' "sha256:$dg"
lb image --input "$T/z" --format json
summ "$T/out" >"$T/want"
lb image "$REG/team/z@sha256:$dg" --insecure --format json
summ "$T/out" >"$T/got"
check_same "zstd image: same packages as on disk" "$T/want" "$T/got"
lb image "$REG/team/z@sha256:$(printf %064d 0)" --insecure
check_rc "an unknown digest" 66
lb image "$REG/team/nothere:1" --insecure
check_rc "an unknown repository" 66
check_grep "the error names the manifest" "nothere:1.*not found" "$T/err"

lb image "$REG/other/d:2" --insecure --format json
check_rc "Docker schema2 media types" 0
check_json "schema2 image scanned" 'r[0]["os"]["version"]' 3.7.3

# without --insecure a plain-HTTP registry is refused, with a hint
lb image "$REG/team/z:1"
check_rc "plain HTTP without --insecure" 74
check_grep "the error suggests --insecure" 'insecure' "$T/err"
lb image 'Bad Ref!'
check_rc "an invalid reference" 64

# listing: the catalog and the tags
lb registry list "$REG" --insecure
check_rc "registry list HOST" 0
check_eq "every repository and tag" "$REG/other/d:2
$REG/team/multi:1
$REG/team/z:1" "$(cat "$T/out")"
lb registry list "$REG/team/z" --insecure
check_eq "registry list HOST/REPO lists its tags" "$REG/team/z:1" "$(cat "$T/out")"
reg_push "$T/z" team/z:1.1
reg_push "$T/z" team/z:latest
lb registry list "$REG/team" --insecure
check_eq "registry list HOST/NAMESPACE" "$REG/team/multi:1
$REG/team/z:1
$REG/team/z:1.1
$REG/team/z:latest" "$(cat "$T/out")"

lb registry list "$REG/nosuch" --insecure
check_rc "registry list of a repository that is not there" 66
check_grep "the error names it" "no repository 'nosuch'" "$T/err"

# scan a namespace: every tag once per digest
LB_ARGV=()
"$LIFEBELT" registry scan "$REG/team" --insecure --scanners none >"$T/out" 2>"$T/err"
LB_RC=$?
check_rc "registry scan HOST/NAMESPACE" 0
check_grep "multi scanned" "^$REG/team/multi:1 .* 13 .* ok" "$T/out"
check_grep "z:1 scanned" "^$REG/team/z:1 .* 14 .* ok" "$T/out"
check_grep "tags of the same digest are scanned once" "^$REG/team/z:latest .*same as $REG/team/z:1" "$T/out"
check_no_grep "other namespaces are not scanned" "other/d" "$T/out"
check_grep "summary line" "^4 images in 2 repositories, 0 failed" "$T/out"
"$LIFEBELT" registry scan "$REG/team" --insecure --scanners none --format json >"$T/out" 2>"$T/err"
LB_RC=$?
check_rc "registry scan --format json" 0
check_json "one result per scanned image (z:1.1 and z:latest are z:1)" '[x["source"]["ref"] for x in r]' "$REG/team/multi:1
$REG/team/z:1"
"$LIFEBELT" registry scan "$REG/team/z" --insecure --scanners none -o "$T/scan.txt" >"$T/out" 2>"$T/err"
check_grep "-o FILE gets the summary" "^3 images in 1 repositories, 0 failed" "$T/scan.txt"
check_eq "nothing on standard output, no temporary file left" "" "$(cat "$T/out"; ls "$T"/scan.txt.* 2>/dev/null)"
"$LIFEBELT" registry scan "$REG/team/z" --insecure --scanners none >"$T/out" 2>"$T/err"
LB_RC=$?
check_rc "registry scan HOST/REPO" 0
check_grep "a repository's own tags" "^3 images in 1 repositories, 0 failed" "$T/out"
"$LIFEBELT" registry scan "$REG/team" --insecure --scanners none --platform linux/s390x >"$T/out" 2>"$T/err"
LB_RC=$?
check_rc "registry scan where an image fails" 65
check_grep "the failure is in the summary, the others are scanned" "^$REG/team/multi:1 .*error: not found" "$T/out"
check_grep "the summary counts them (z has no s390x either)" "^4 images in 2 repositories, 2 failed" "$T/out"
finish
