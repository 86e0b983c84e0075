#!/bin/bash
# t0308-json.sh - index.json, image indexes, manifests, configs and docker
# manifest.json are parsed strictly (CVE-2014-8179: parse exactly the
# bytes hashed; CVE-2016-4425: jansson and "[" * 100000): truncation,
# duplicate keys, nesting 100,000 deep, numbers too big, invalid UTF-8,
# NUL bytes, a BOM, trailing bytes, wrong types and documents over the
# size cap are each exit 65 with an error naming the document. No crash,
# no hang.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
t = Tar().file("etc/os-release", OS_RELEASE).file("lib/apk/db/installed", apk_db(("p", "1"))).end()
base = oci_image([t])
docs = {
    "index.json": json.loads(base.index),
    "manifest": json.loads(base.manifest),
    "config": json.loads(base.config),
    "index": {"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": json.loads(base.index)["manifests"]},
    "manifest.json": json.loads(docker_image([t])["manifest.json"]),
}

def variants(doc):
    v = jdump(doc)
    out = {
        "truncated": v[:len(v) // 2],
        "truncated-1": v[:-1],
        "empty": b"",
        "spaces": b"   \n",
        "null": b"null",
        "string": b'"hello"',
        "number": b"12",
        "bom": b"\xef\xbb\xbf" + v,
        "trailing": v + b"{}",
        "trailing-garbage": v + b" xyz",
        "deep-array": b"[" * 100000 + b"]" * 100000,
        "deep-object": b'{"a":' * 100000 + b"1" + b"}" * 100000,
        "deep-unclosed": b"[" * 100000,
        "too-big": v[:-1] + b',"pad":"' + b"x" * (8 << 20) + b'"}' if v.startswith(b"{")
                   else b"[" + v[1:-1] + b',"' + b"x" * (8 << 20) + b'"]',
        "single-quotes": v.replace(b'"', b"'"),
        "comment": b"/* x */" + v,
    }
    if isinstance(doc, dict):
        k0 = next(iter(doc))
        out["dup-key-first"] = b"{" + jdump(k0) + b":" + jdump(doc[k0]) + b"," + v[1:]
        out["dup-key-last"] = v[:-1] + b"," + jdump(k0) + b":" + jdump(doc[k0]) + b"}"
        out["bad-utf8"] = v[:-1] + b',"x":"\xff\xfe"}'
        out["overlong-utf8"] = v[:-1] + b',"x":"\xc0\xaf"}'
        out["surrogate-utf8"] = v[:-1] + b',"x":"\xed\xa0\x80"}'
        out["lone-surrogate-escape"] = v[:-1] + b',"x":"\\ud800"}'
        out["nul-escape"] = v[:-1] + b',"x\\u0000y":"z"}'
        out["raw-nul"] = v[:-1] + b',"x":"a\x00b"}'
        out["raw-control"] = v[:-1] + b',"x":"a\x01\x1bb"}'
        out["huge-int"] = v[:-1] + b',"x":123456789012345678901234567890}'
        out["huge-float"] = v[:-1] + b',"x":1e400}'
        out["nan"] = v[:-1] + b',"x":NaN}'
        out["deep-inside"] = v[:-1] + b',"x":' + b"[" * 100000 + b"]" * 100000 + b"}"
    else:
        out["bad-utf8"] = v[:-1] + b',"\xff\xfe"]'
        out["huge-int"] = v[:-1] + b",123456789012345678901234567890]"
        out["dup-key"] = b'[{"Config":"a","Config":"b"}]'
    return out

def image_with(kind, raw):
    if kind == "index.json":
        return oci_image([t], index_fn=lambda i: raw)
    if kind == "manifest":
        return oci_image([t], manifest_fn=lambda m: raw)
    if kind == "config":
        return oci_image([t], config_fn=lambda c: raw)
    if kind == "manifest.json":
        return docker_image([t], manifest_fn=lambda m: raw)
    img = oci_image([t])
    d, n = img.put_blob(raw)
    img.files["index.json"] = jdump({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                                     "manifests": [{"mediaType": MT_OCI_INDEX, "digest": d, "size": n}]})
    return img

# wrong types: valid JSON, wrong shapes
wrong = {
    "index.json": {"manifests-object": {"manifests": {}}, "manifests-string": {"manifests": "x"},
                   "manifests-null-only": {"schemaVersion": 2, "manifests": None},
                   "desc-not-object": {"manifests": [1, "x", None, []]},
                   "mediatype-number": {"manifests": [dict(docs["index.json"]["manifests"][0], mediaType=1)]},
                   "size-string": {"manifests": [dict(docs["index.json"]["manifests"][0], size="12")]},
                   "size-float": {"manifests": [dict(docs["index.json"]["manifests"][0], size=12.5)]},
                   "array": [docs["index.json"]]},
    "manifest": {"layers-object": dict(docs["manifest"], layers={}),
                 "layers-strings": dict(docs["manifest"], layers=["x"]),
                 "layer-size-string": dict(docs["manifest"], layers=[dict(docs["manifest"]["layers"][0], size="1")]),
                 "layer-size-huge": dict(docs["manifest"], layers=[dict(docs["manifest"]["layers"][0], size=2**63 - 1)]),
                 "config-array": dict(docs["manifest"], config=[]),
                 "config-no-digest": dict(docs["manifest"], config={"mediaType": MT_OCI_CONFIG, "size": 2}),
                 "no-layers": {k: v for k, v in docs["manifest"].items() if k != "layers"},
                 "is-also-index": dict(docs["manifest"], manifests=[]),
                 "mediatype-index": dict(docs["manifest"], mediaType=MT_OCI_INDEX)},
    "config": {"rootfs-string": dict(docs["config"], rootfs="x"),
               "diff-ids-object": dict(docs["config"], rootfs={"diff_ids": {}}),
               "diff-ids-numbers": dict(docs["config"], rootfs={"diff_ids": [1]}),
               "diff-ids-short": dict(docs["config"], rootfs={"diff_ids": []}),
               "diff-ids-long": dict(docs["config"], rootfs={"diff_ids": docs["config"]["rootfs"]["diff_ids"] * 2}),
               "history-string": dict(docs["config"], history="x"),
               "history-numbers": dict(docs["config"], history=[1, None, {"created_by": 5}]),
               "array": [docs["config"]]},
    "index": {"manifests-object": {"manifests": {}}, "desc-numbers": {"manifests": [1, 2]}},
    "manifest.json": {"object": docs["manifest.json"][0], "empty": [],
                      "layers-string": [dict(docs["manifest.json"][0], Layers="x")],
                      "layers-numbers": [dict(docs["manifest.json"][0], Layers=[1])],
                      "config-number": [dict(docs["manifest.json"][0], Config=1)],
                      "repotags-string": [dict(docs["manifest.json"][0], RepoTags="x")],
                      "repotags-numbers": [dict(docs["manifest.json"][0], RepoTags=[1, None])],
                      "entries-numbers": [1, 2]},
}
# shapes that are odd but readable: the scan goes on (warnings at most)
readable = {"config-history-string", "config-history-numbers", "manifest.json-repotags-string",
            "manifest.json-repotags-numbers"}
# CVE-2021-41190: a document that is both a manifest and an index, or
# whose mediaType contradicts its descriptor, is ambiguous
ambiguous = {"manifest-is-also-index", "manifest-mediatype-index"}
cases = []
for kind, doc in docs.items():
    for name, raw in variants(doc).items():
        k = "%s-%s" % (kind, name)
        img = image_with(kind, raw)
        write_tar(k + ".tar", img)
        cases.append((k, kind, 65))
    for name, obj in wrong[kind].items():
        k = "%s-%s" % (kind, name)
        write_tar(k + ".tar", image_with(kind, jdump(obj)))
        cases.append((k, "ambiguous" if k in ambiguous else kind, 0 if k in readable else 65))
# a layout directory's index.json too
write_dir("layout-trunc", oci_image([t], index_fn=lambda i: base.index[:30]))
write("cases.txt", "".join("%s %s %d\n" % c for c in cases))
EOF

while read -r k kind rc; do
	case_ "$k"
	lb image --input "$T/img/$k.tar" -f json
	[ "$kind" = ambiguous ] || expect_rc "$rc"
	if [ "$rc" = 65 ]; then
		case $kind in
		index.json) expect_err "index\.json|no image manifest|manifest sha256:.*size" ;;
		manifest.json) expect_err "manifest\.json|config|holds [0-9]+ images" ;;
		manifest) expect_err "manifest sha256:|no image manifest|config|layer sha256:" ;;
		ambiguous)
			expect_rc 65
			expect_err "not that of an image manifest" ;;
		config) expect_err "config|diff ID" ;;
		index) expect_err "index sha256:|no image manifest" ;;
		esac
	else
		jcheck 'names == {"p"}'
	fi
done <"$T/img/cases.txt"

case_ layout-truncated-index
lb image --input "$T/img/layout-trunc"
expect_rc 65
expect_err "malformed index\.json"

finish
