#!/bin/bash
# t0306-bombs.sh - decompression bombs (CVE-2017-14992 "gzip bombing") are
# streamed: 1 GiB of zeros squeezed into a few MB of gzip or zstd costs
# time, not memory. Peak RSS is measured with /usr/bin/time and must stay
# under 64 MB when nothing is kept; a package database that is a bomb is
# kept only up to its cap and flagged; and bombs in many layers must not
# add up past the per-image capture budget (LB_MAX_CAPTURE).
# RSS limits are skipped in sanitizer builds, which use more memory.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

LB_RSS_FILE=$T/rss
GiB=$((1 << 30))

hpy "$GiB" <<'EOF'
n = int(ARGS[0])
write_tar("gz-bomb.tar", oci_image([zeros_layer("bomb.bin", n, "gzip")]))
write_tar("zst-bomb.tar", oci_image([zeros_layer("bomb.bin", n, "zstd")]))
write_tar("pkgdb-bomb.tar", oci_image([zeros_layer("lib/apk/db/installed", n, "gzip",
                                                   body=apk_db(("before-bomb", "1")))]))
# the outer archive as a bomb: it is inflated to the scratch folder
write("outer-bomb.tar.gz", gz_stream_zeros(n // 4, prefix=archive_bytes(oci_image([Tar().end()]))))
# 12 layers, each a 64 MiB package database made of zeros: 5 MB of image
ls = [zeros_layer("lib/apk/db/installed", 64 << 20, "gzip", body=apk_db(("layer%d" % i, "1")))
      for i in range(12)]
write_tar("many-pkgdb-bombs.tar", oci_image(ls))
EOF

for k in gz-bomb zst-bomb; do
	case_ "$k"
	lb image --input "$T/img/$k.tar" -f json
	expect_rc 0
	jcheck 'names == set()'
	expect_rss_under 65536
done

case_ pkgdb-bomb
lb image --input "$T/img/pkgdb-bomb.tar" -f json
expect_rc 0
jcheck 'res["partial"] and "truncated" in warnings and "lib/apk/db/installed" in warnings'
# the view takes the walker's buffer: a kept file is not held twice
expect_rss_under 100000

case_ outer-bomb
lb image --input "$T/img/outer-bomb.tar.gz" -f json
expect_rc 0
expect_rss_under 65536

# 12 x 64 MiB of kept files pass LB_MAX_CAPTURE (192 MiB for the whole
# image): a clear error naming the layer and the file, memory bounded
case_ many-pkgdb-bombs
lb image --input "$T/img/many-pkgdb-bombs.tar" -f json
expect_rc 65
expect_err "cannot keep 'lib/apk/db/installed'.*pass 192 MiB"
expect_rss_under 300000

finish
