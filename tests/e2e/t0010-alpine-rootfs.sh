#!/bin/bash
# t0010-alpine-rootfs: every real Alpine minirootfs of shared/testdata,
# packed by mkimage into every image kind lifebelt reads (docker save
# legacy and Docker 25+ layouts, OCI layout directory, OCI archive) with
# every layer compression (gzip, zstd, none), and as a plain directory:
# the package list must be exactly the expected one each time.
. "$(dirname "$0")/lib.sh"
skip_unless_shared
need_cmd zstd tar gzip

ROOTFS=$LB_TESTDATA/rootfs/alpine
set -- "$ROOTFS"/alpine-minirootfs-*-x86_64.tar.gz
[ -f "$1" ] || bail "no minirootfs tarballs in $ROOTFS"
say "$# minirootfs tarballs"

# scan_expect WHAT VERSION EXPECTED_SORTED KIND INPUT...: one scan, all
# of its facts checked at once (one python per scan keeps this quick)
scan_expect() {
	local what=$1 ver=$2 exp=$3 kind=$4
	shift 4
	lb "$@" --format json
	if [ "$LB_RC" != 0 ]; then
		fail "$what: scan" "exit $LB_RC" "$(head -c 1500 "$T/err")"
		return
	fi
	{
		echo "os alpine $ver"
		echo "kind $kind partial False warnings 0"
		if [ "$kind" != rootfs ]; then
			echo "layers of packages [0]"
			echo "diffId $DIFFID"
		fi
		sed 's/^/pkg /' "$exp"
	} >"$T/want"
	jq_py '["os %s %s" % (r[0]["os"]["family"], r[0]["os"]["version"]),
		"kind %s partial %s warnings %d" % (r[0]["source"]["kind"], r[0]["partial"], len(r[0]["warnings"]))] +
		(["layers of packages %s" % sorted(set(p["layer"] for p in r[0]["packages"])),
		  "diffId " + r[0]["layers"][0]["diffId"]] if r[0]["source"]["kind"] != "rootfs" else []) +
		sorted("pkg %s %s" % (p["name"], p["version"]) for p in r[0]["packages"])' >"$T/got"
	check_same "$what: os, packages (exactly the expected list) and layer" "$T/want" "$T/got"
}

for tgz in "$@"; do
	base=$(basename "$tgz" .tar.gz)
	ver=${base#alpine-minirootfs-}
	ver=${ver%-x86_64}
	exp=$T/$base.expected
	sort "$ROOTFS/expected/$base.packages.txt" >"$exp"
	[ -s "$exp" ] || bail "no expected package list for $base"
	D=$T/$ver
	mkdir -p "$D"
	say "--- $base: $(wc -l <"$exp") packages expected"

	# the layer is the tarball itself, byte-for-byte (diff ID = sha256 of the plain tar)
	DIFFID=sha256:$(gzip -dc "$tgz" | sha256sum | cut -d' ' -f1)
	for c in gzip zstd none; do
		mkimage --layer "$tgz" --tag "alpine:$ver" --level 1 \
			--docker-archive "$D/docker-$c.tar" --docker-compression "$c" \
			--oci "$D/oci-$c" --oci-archive "$D/oci-$c.oci.tar" --compression "$c"
		scan_expect "$ver docker-archive legacy ($c layers)" "$ver" "$exp" docker-archive \
			image --input "$D/docker-$c.tar"
		scan_expect "$ver oci layout ($c layers)" "$ver" "$exp" oci-layout image --input "$D/oci-$c"
		scan_expect "$ver oci archive ($c layers)" "$ver" "$exp" oci-archive \
			image --input "$D/oci-$c.oci.tar"
		check_json "$ver oci archive ($c): the manifest's layer media type" \
			'r[0]["layers"][0]["mediaType"]' \
			"application/vnd.oci.image.layer.v1.tar$(case $c in gzip) echo +gzip ;; zstd) echo +zstd ;; esac)"
		rm -rf "$D/oci-$c" "$D/oci-$c.oci.tar"
	done
	# Docker 25+ save: an OCI layout plus manifest.json in one tar
	mkimage --layer "$tgz" --tag "alpine:$ver" --docker-archive "$D/docker25.tar" --docker-layout oci
	scan_expect "$ver docker-archive Docker 25 layout" "$ver" "$exp" docker-archive \
		image --input "$D/docker25.tar"
	check_json "$ver docker 25: ref from the index annotation or RepoTags" \
		'r[0]["source"]["ref"] in ("docker.io/library/alpine:'"$ver"'", "alpine:'"$ver"'")' true
	check_json "$ver docker 25: the layer digest is known" 'r[0]["layers"][0]["digest"][:7]' sha256:
	# Docker schema2 media types in an OCI layout
	mkimage --layer "$tgz" --tag "alpine:$ver" --level 1 --media-types docker --oci "$D/oci-docker"
	scan_expect "$ver oci layout with docker media types" "$ver" "$exp" oci-layout \
		image --input "$D/oci-docker"
	check_json "$ver docker media type reported" 'r[0]["layers"][0]["mediaType"]' \
		application/vnd.docker.image.rootfs.diff.tar.gzip
	# a whole docker save compressed, as `docker save | gzip` / zstd give
	gzip -1 -c "$D/docker-none.tar" >"$D/docker.tar.gz"
	scan_expect "$ver docker save | gzip" "$ver" "$exp" docker-archive image --input "$D/docker.tar.gz"
	zstd -q -1 -c "$D/docker-none.tar" >"$D/docker.tar.zst"
	scan_expect "$ver docker save | zstd" "$ver" "$exp" docker-archive image --input "$D/docker.tar.zst"
	rm -f "$D"/docker*.tar*
	# the extracted root filesystem
	mkdir "$D/root"
	tar -xzf "$tgz" -C "$D/root" --no-same-owner 2>"$T/tar.err" || bail "cannot extract $tgz: $(cat "$T/tar.err")"
	scan_expect "$ver rootfs DIR" "$ver" "$exp" rootfs rootfs "$D/root"
	check_json "$ver rootfs: db path" 'sorted(set(p["dbPath"] for p in r[0]["packages"]))' lib/apk/db/installed
	bad=$(purl_check "$T/out")
	check_eq "$ver: every purl parses back" "" "$bad"
	rm -rf "$D"
done

finish
