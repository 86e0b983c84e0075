#!/bin/bash
# t0310-million-entries.sh - a layer of 1,000,000 members costs time, not
# memory: the walker keeps facts (files analyzers asked for, links,
# whiteouts), not every member (issue 2: "a layer with millions of entries
# must not cost millions of records"). Also the superlinear case of
# GHSA-rp3h-jf77-q9p4 (containerd): many small layers with whiteouts over
# a large lower layer must not multiply.
# RSS limits are skipped in sanitizer builds, which use more memory.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

LB_RSS_FILE=$T/rss
# sanitizer builds check memory safety, not scale: a tenth of the members
scale=1
[ "$LB_ASAN" = 1 ] && scale=10
hpy "$scale" <<'EOF'
scale = int(ARGS[0])
base = layer(Tar().file("lib/apk/db/installed", apk_db(("p", "1"))).end())
write_tar("files.tar", oci_image([base, many_entries_layer(1000000 // scale, "files")]))
for kind, n in [("dirs", 300000), ("symlinks", 300000), ("whiteouts", 600000)]:
    write_tar(kind + ".tar", oci_image([base, many_entries_layer(n // scale, kind)]))
# 50,000 links below, then 500 layers each with one whiteout
wl = [layer(Tar().file(".wh.nothing-%d" % i, b"").end()) for i in range(500)]
write_tar("whiteout-layers.tar", oci_image([base, many_entries_layer(50000, "symlinks")] + wl))
EOF

for k in files dirs; do
	case_ "many-$k"
	LB_TIMEOUT=300 lb image --input "$T/img/$k.tar" -f json
	expect_rc 0
	jcheck 'names == {"p"}'
	expect_cpu_under 30
	expect_rss_under 65536
done

# 300,000 links or 600,000 whiteouts: at a few hundred bytes each, 100 MB
for k in symlinks whiteouts; do
	case_ "many-$k"
	lb image --input "$T/img/$k.tar" -f json
	expect_rc 0
	jcheck 'names == {"p"}'
	known_bug "each link or whiteout costs a few hundred bytes, and their cap is per layer (LB_MAX_SYMLINKS; whiteouts have none)"
	expect_rss_under 65536
done

case_ whiteout-layers
[ "$LB_ASAN" = 1 ] && finish
LB_TIMEOUT=15
# sealing is one pass over the entries, whatever the layers with whiteouts
lb image --input "$T/img/whiteout-layers.tar" -f json
[ "$RC" = 124 ] || { expect_rc 0; jcheck 'names == {"p"}'; }

finish
