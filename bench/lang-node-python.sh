#!/bin/bash
# bench/lang-node-python.sh - what the Node and Python analyzers add to a scan
# (issue 4: at most +25% over the same image without language analysis).
#
# The image: Alpine 3.20, then a layer with a node_modules of
# BENCH_NODE_PKGS (default 5,000) generated packages of 10 files each
# (package.json, sources, a README, a nested esm/package.json; every 10th
# scoped, every 20th with its own nested node_modules), and a layer with
# BENCH_PY_DISTS (default 1,000) pip-style site-packages entries of 8 files
# each (dist-info METADATA, RECORD, top_level.txt, ...), plus a
# package-lock.json and a requirements.txt naming them all. Source files are
# ~4 KB, about what real node_modules hold on average.
#
# Three release builds of this tree scan it with --no-cache, taking turns
# run by run; each figure is the median of BENCH_RUNS (default 5) runs,
# page cache dropped before each run when run as root (a cold scan), else warm:
#   all     the analyzer table as it is
#   no-mine the table without node and python
#   no-lang the table with the OS analyzers only (os, dpkg, apk)
# Environment: LB_SHARED (default ../shared), BENCH_WORK (default build/bench-lang),
#   BENCH_NODE_SOURCES (a folder of real .js/.md files for the sources;
#   default npm's own node_modules), BENCH_NODE_NPM=1 (scan a real
#   `npm ci` of bench/npm-app instead of the generated tree).
#
# Figures (2026-11-29, the project's 2-core Debian 12 machine, load 1-1.5,
# gcc 12 Release, cold; CPU = user + system; added = against OS only):
#   image                          all analyzers     OS only           added
#   BENCH_NODE_NPM=1 (real npm ci) 1.08 s, 1.58 cpu  1.09 s, 1.58 cpu  -1% elapsed, +0% cpu
#   generated, real file contents  0.61 s, 0.91 cpu  0.52 s, 0.84 cpu  +17% elapsed, +8% cpu
#   generated, one line repeated   0.48 s, 0.55 cpu  0.36 s, 0.42 cpu  +33% elapsed, +31% cpu
# (BENCH_RUNS 7, 9, 9). Met for real contents, not for the degenerate tree
# whose layer costs nothing to inflate: bench/README.md, "Language packages".
set -euo pipefail
shopt -s inherit_errexit    # a failed build inside $(release ...) stops the bench
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${LB_SHARED:-$repo/../shared}
work=${BENCH_WORK:-$repo/build/bench-lang}
runs=${BENCH_RUNS:-5}
npkgs=${BENCH_NODE_PKGS:-5000}
ndists=${BENCH_PY_DISTS:-1000}
py=/usr/bin/python3
mkimage=$shared/tools/mkimage
alpine=$shared/testdata/rootfs/alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz
[ -x "$mkimage" ] && [ -f "$alpine" ] || { echo "bench: needs $mkimage and $alpine (../shared)" >&2; exit 1; }
mkdir -p "$work"
work=$(cd "$work" && pwd)

# build NAME KEEP_REGEX: a release build of a copy of this tree whose
# analyzer table keeps the entries matching KEEP_REGEX ("" keeps all)
build() {
	local name=$1 keep=$2 src=$work/src-$1
	rm -rf "$src"
	mkdir -p "$src"
	# what CMakeLists.txt builds from: the sources and the bundled rules
	for d in CMakeLists.txt src rules cmake; do
		[ ! -e "$repo/$d" ] || cp -a "$repo/$d" "$src/"
	done
	if [ -n "$keep" ]; then
		"$py" - "$src/src/analyze/analyzers.c" "$keep" <<'EOF'
import re, sys
path, keep = sys.argv[1], re.compile(sys.argv[2])
text = open(path).read()
head, rest = text.split("lb_analyzers[] = {", 1)
table, tail = rest.split("};", 1)
lines = [l for l in table.split("\n") if not l.strip().startswith("&lb_an_") or keep.search(l)]
open(path, "w").write(head + "lb_analyzers[] = {" + "\n".join(lines) + "};" + tail)
EOF
	fi
	cmake -S "$src" -B "$work/build-$name" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
		-DLB_WERROR=OFF >/dev/null
	cmake --build "$work/build-$name" --target lifebelt -j 2 >/dev/null
	echo "$work/build-$name/lifebelt"
}

# the image, made once
# the contents of the sources, READMEs and licenses: real files, those of
# npm's own node_modules on this machine (about 1,000 .js files of 6 KB on
# average, as npm installs them), cycled; a text repeated over and over
# when there is none (gzip then squeezes the layer 40 times, not the 4 to
# 5 times of real JavaScript, and the walk costs next to nothing)
realsrc=${BENCH_NODE_SOURCES:-$(npm root -g 2>/dev/null || true)/npm/node_modules}
[ -d "$realsrc" ] || realsrc=
img=$work/img-$npkgs-$ndists${realsrc:+-real}
if [ "${BENCH_NODE_NPM:-0}" = 1 ]; then
	# a real install instead: `npm ci` of bench/npm-app (React, Next.js,
	# MUI, webpack, Babel, ESLint, Jest, TypeScript, Express, aws-sdk:
	# 1,467 packages, 55,296 files, 683 MB; the npm registry must be
	# reachable), on Alpine, no Python layer
	img=$work/img-npm
	if [ ! -d "$img" ]; then
		rm -rf "$work/npm-layer"
		mkdir -p "$work/npm-layer/srv/app"
		cp "$repo/bench/npm-app/package.json" "$repo/bench/npm-app/package-lock.json" "$work/npm-layer/srv/app/"
		(cd "$work/npm-layer/srv/app" &&
			npm ci --ignore-scripts --no-audit --no-fund --legacy-peer-deps >"$work/npm.log" 2>&1) ||
			{ tail -5 "$work/npm.log" >&2; exit 1; }
		"$py" "$mkimage" --layer "$alpine" --layer "$work/npm-layer" --tag bench-npm:1 --oci "$img" \
			--force >/dev/null
		rm -rf "$work/npm-layer"
	fi
fi
if [ ! -d "$img" ]; then
	"$py" - "$work" "$npkgs" "$ndists" "$realsrc" <<'EOF'
import glob, io, json, os, sys, tarfile
work, npkgs, ndists, realsrc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def contents(patterns):
    files = sorted(f for p in patterns for f in glob.glob(os.path.join(realsrc, "**", p), recursive=True)
                   if os.path.isfile(f)) if realsrc else []
    return [open(f, encoding="utf-8", errors="replace").read() for f in files]
real_js, real_txt = contents(["*.js"]), contents(["*.md", "LICENSE*"])
# and Python sources: Debian's own, when there
pyroot = "/usr/lib/python3/dist-packages"
real_py = [open(f, encoding="utf-8", errors="replace").read() for f in
           sorted(glob.glob(pyroot + "/**/*.py", recursive=True))[:2000] if os.path.isfile(f)] if realsrc else []

def add(t, path, text):
    b = text.encode()
    ti = tarfile.TarInfo(path)
    ti.size = len(b)
    ti.mode = 0o644
    ti.mtime = 1700000000
    t.addfile(ti, io.BytesIO(b))

src = "module.exports = function () { return 42; };\n" * 90   # ~4 KB, a typical JS file
app = "srv/app/"
lock = {"name": "bench", "lockfileVersion": 3, "requires": True, "packages": {"": {"name": "bench"}}}
with tarfile.open(work + "/node.tar", "w", format=tarfile.PAX_FORMAT) as t:
    for i in range(npkgs):
        name = "@scope%d/pkg-%d" % (i % 7, i) if i % 10 == 0 else "pkg-%d" % i
        ver = "%d.%d.%d" % (1 + i % 5, i % 13, i % 7)
        d = app + "node_modules/" + name + "/"
        meta = {"name": name, "version": ver, "license": "MIT", "description": "bench package " * 10,
                "main": "index.js", "repository": {"type": "git", "url": "https://example.com/x.git"},
                "dependencies": {"pkg-%d" % ((i + 1) % npkgs): "^1.0.0"}}
        add(t, d + "package.json", json.dumps(meta, indent=2))
        for k, f in enumerate(("index.js", "lib/a.js", "lib/b.js", "lib/c.js", "dist/bundle.min.js")):
            add(t, d + f, real_js[(i * 5 + k) % len(real_js)] if real_js else src)
        add(t, d + "README.md", real_txt[(2 * i) % len(real_txt)] if real_txt else "# %s\n\n" % name + "text " * 200)
        add(t, d + "LICENSE", real_txt[(2 * i + 1) % len(real_txt)] if real_txt else "MIT License\n" + "permission " * 100)
        add(t, d + "esm/package.json", '{ "type": "module", "sideEffects": false }\n')
        lock["packages"]["node_modules/" + name] = {"version": ver, "license": "MIT"}
        if i % 20 == 1:
            nd = d + "node_modules/inner-%d/" % i
            add(t, nd + "package.json", json.dumps({"name": "inner-%d" % i, "version": "0.1.0"}))
            lock["packages"]["node_modules/%s/node_modules/inner-%d" % (name, i)] = {"version": "0.1.0"}
    add(t, app + "package-lock.json", json.dumps(lock, indent=2))
req = []
with tarfile.open(work + "/python.tar", "w", format=tarfile.PAX_FORMAT) as t:
    sp = "usr/lib/python3.12/site-packages/"
    for i in range(ndists):
        name, ver = "dist_%d" % i, "%d.%d" % (1 + i % 9, i % 31)
        di = sp + "%s-%s.dist-info/" % (name, ver)
        add(t, di + "METADATA", "Metadata-Version: 2.1\nName: %s\nVersion: %s\nLicense: MIT\n"
            "Classifier: License :: OSI Approved :: MIT License\n\n" % (name, ver) + "desc " * 300)
        add(t, di + "RECORD", "%s/__init__.py,sha256=x,10\n" % name * 5)
        add(t, di + "WHEEL", "Wheel-Version: 1.0\n")
        add(t, di + "INSTALLER", "pip\n")
        add(t, di + "top_level.txt", name + "\n")
        add(t, sp + name + "/__init__.py", real_py[(2 * i) % len(real_py)] if real_py else src)
        add(t, sp + name + "/core.py", real_py[(2 * i + 1) % len(real_py)] if real_py else src)
        add(t, sp + name + "/notes.txt", "notes\n")
        req.append("%s==%s" % (name, ver))
    add(t, "srv/app/requirements.txt", "\n".join(req) + "\n")
EOF
	"$py" "$mkimage" --layer "$alpine" --layer "$work/node.tar" --layer "$work/python.tar" \
		--tag bench-lang:1 --oci "$img" --force >/dev/null
	rm -f "$work/node.tar" "$work/python.tar"
fi

all=$(build all "")
nomine=$(build no-mine '&lb_an_(?!node|python)')
nolang=$(build no-lang '&lb_an_(os|dpkg|apk),')

. "$repo/bench/lang-lib.sh"
"$all" image --input "$img" -f json -o "$work/all.json" -q
"$py" - "$work/all.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))["results"][0]["packages"]
c = lambda t, d: sum(1 for x in p if x["type"] == t and x["declared"] == d)
print("image: %d npm installed + %d declared, %d pypi installed + %d declared" %
      (c("npm", False), c("npm", True), c("pypi", False), c("pypi", True)))
EOF
in_turns "$img"
pct() { echo "($1 / $2 - 1) * 100" | bc -l; }
printf '%-22s %7s %6s %8s\n' "" elapsed cpu peak
printf '%-22s %6.2fs %5.2fs %5d MB\n' "all analyzers" "$e_all" "$c_all" $((m_all / 1024))
printf '%-22s %6.2fs %5.2fs %5d MB   node+python add %+.0f%% elapsed, %+.0f%% cpu\n' \
	"without node, python" "$e_nomine" "$c_nomine" $((m_nomine / 1024)) \
	"$(pct "$e_all" "$e_nomine")" "$(pct "$c_all" "$c_nomine")"
printf '%-22s %6.2fs %5.2fs %5d MB   language analysis adds %+.0f%% elapsed, %+.0f%% cpu\n' \
	"OS analyzers only" "$e_nolang" "$c_nolang" $((m_nolang / 1024)) \
	"$(pct "$e_all" "$e_nolang")" "$(pct "$c_all" "$c_nolang")"
