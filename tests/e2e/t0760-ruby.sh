#!/bin/bash
# t0760-ruby: Ruby gems in images. Installed gems are the
# specifications/*.gemspec files of each gem home; Gemfile.lock and
# gems.locked are declared gems. Checked against Ruby itself
# (Gem::Specification.load on this machine's real installed tree, from
# Debian's ruby packages), against what syft's and osv-scalibr's tests
# expect for shared/testdata/pkgdb/ruby, and across layers (whiteouts).
. "$(dirname "$0")/lib.sh"
skip_unless_shared

P=$LB_TESTDATA/pkgdb/ruby
[ -d "$P" ] || bail "missing $P"

# --- layer 0: a real installed tree, Ruby as the oracle --------------------
# Debian's libruby3.1 ships the default gems' and the bundled gems'
# specifications; rubygems-integration holds those of Debian's ruby-*
# packages.
L0=$T/l0
mkdir -p "$L0"
real=0
for d in /usr/lib/ruby/gems/*/specifications /usr/share/rubygems-integration/all/specifications; do
	[ -d "$d" ] || continue
	mkdir -p "$L0/${d#/}"
	cp -r "$d/." "$L0/${d#/}/"
	real=1
done
if [ "$real" = 0 ] || ! command -v ruby >/dev/null 2>&1; then
	# Debian's ruby is part of this kind of machine: CI must have it
	[ "${CI:-}" = true ] && bail "needs Debian's ruby (/usr/lib/ruby/gems/*/specifications, ruby)"
	say "no Debian ruby here: the real-tree checks are skipped"
	real=0
	touch "$L0/.keep"
fi

# --- layer 1: the fixtures --------------------------------------------------
L1=$T/l1
S=$L1/usr/local/bundle/specifications
mkdir -p "$S" "$L1/usr/local/bundle/gems/rss-0.2.9" "$L1/srv/app" "$L1/srv/app2"
cp "$P/syft-bundler.gemspec" "$S/bundler-2.1.4.gemspec"
cp "$P/syft-formatador.gemspec" "$S/formatador-1.1.0.gemspec"
cp "$P/scalibr-gemspec/rss-0.2.9.gemspec" "$S/rss-0.2.9.gemspec"
cp "$P/scalibr-gemspec/yaml-0.2.1.gemspec" "$S/yaml-0.2.1.gemspec"
cp "$P/scalibr-gemspec/badspec.gemspec" "$S/broken-1.0.gemspec"
# a gem's own source gemspec is Ruby code, not an installed gem
cp "$P/scalibr-gemspec/rss-0.2.9.gemspec" "$L1/usr/local/bundle/gems/rss-0.2.9/rss.gemspec"
cp "$P/syft-Gemfile.lock" "$L1/srv/app/Gemfile.lock"
cp "$P/scalibr-gemfilelock/rails.lock" "$L1/srv/app2/Gemfile.lock"
chmod -R u+w "$L1"

# --- layer 2: deletions and one more lockfile -------------------------------
L2=$T/l2
mkdir -p "$L2/srv/app3"
cp "$P/scalibr-gemfilelock/has-local-gem.lock" "$L2/srv/app3/gems.locked"
chmod -R u+w "$L2"

mkimage --layer "$L0" --layer "$L1" --layer "$L2" \
	--delete usr/local/bundle/specifications/yaml-0.2.1.gemspec --delete srv/app2 \
	--oci "$T/img"
lb image --input "$T/img" -f json
check_rc "scan of the ruby image" 0
cp "$T/out" "$T/img.json"
J=$T/img.json

# gems as "name|version|arch|license" for one folder
lb_gems() { # lb_gems PREFIX [FILE]
	jq_py 'sorted("%s|%s|%s|%s" % (p["name"], p["version"], p["arch"], p["license"])
		for p in r[0]["packages"] if p["dbPath"].startswith("'"$1"'"))' "${2:-$J}"
}

if [ "$real" = 1 ]; then
	# Gem::Specification.load evaluates each file as RubyGems does
	ruby -e '
	ARGV.each do |f|
	  s = Gem::Specification.load(f) or next
	  plat = s.platform.to_s
	  lic = s.licenses.reject(&:empty?)
	  puts [s.name, s.version.to_s, plat == "ruby" ? "None" : plat,
	        lic.empty? ? "None" : lic.join(", ")].join("|")
	end' $(find "$L0" -name '*.gemspec' | sort) | sort >"$T/want-real"
	n=$(wc -l <"$T/want-real")
	[ "$n" -gt 20 ] || bail "only $n gems in the real tree"
	say "the real tree has $n gemspecs"
	{ lb_gems usr/lib/ruby; lb_gems usr/share/rubygems-integration; } | sort >"$T/got-real"
	check_same "real tree: every gemspec = Gem::Specification.load (name, version, platform, licenses)" \
		"$T/want-real" "$T/got-real"
	check_json "real tree: installed, from layer #0" \
		'sorted(set("%s %s #%s" % (p["type"], p["declared"], p["layer"]) for p in r[0]["packages"]
			if p["dbPath"].startswith(("usr/lib/", "usr/share/"))))' "gem False #0" "$J"
	check_json "real tree: default gems are found too (specifications/default/)" \
		'[p["name"] + " " + p["version"] for p in r[0]["packages"]
			if p["dbPath"].startswith("usr/lib/ruby/gems/") and "/default/" in p["dbPath"] and p["name"] == "json"]' \
		"$(ruby -e 'puts "json " + Gem::Specification.load(Dir["/usr/lib/ruby/gems/*/specifications/default/json-*.gemspec"][0]).version.to_s')" "$J"
fi

# --- layer 1 fixtures ------------------------------------------------------
check_same "specifications of layer #1: bundler, formatador, rss; yaml deleted by layer #2" \
	<(printf '%s\n' "bundler|2.1.4|None|MIT" "formatador|1.1.0|None|MIT" "rss|0.2.9|None|BSD-2-Clause") \
	<(lb_gems usr/local/bundle/specifications)
check_json "specifications of layer #1: installed, layer #1, purl pkg:gem/NAME@VERSION" \
	'sorted(set("%s %s %s" % (p["declared"], p["layer"], p["purl"] == "pkg:gem/%s@%s" % (p["name"], p["version"]))
		for p in r[0]["packages"] if p["dbPath"].startswith("usr/local/")))' "False 1 True" "$J"
check_json "a gem's own source .gemspec is not an installed gem" \
	'[p["name"] for p in r[0]["packages"] if "/gems/rss-0.2.9/" in p["dbPath"]]' "" "$J"
check_json "one warning, naming the broken gemspec; the report is partial" \
	'[r[0]["partial"], len(r[0]["warnings"]), "usr/local/bundle/specifications/broken-1.0.gemspec" in r[0]["warnings"][0]]' \
	"true
1
true" "$J"

# --- lockfiles ---------------------------------------------------------------
check_json "srv/app/Gemfile.lock: 52 declared gems (syft's test), layer #1" \
	'[len([p for p in r[0]["packages"] if p["dbPath"] == "srv/app/Gemfile.lock"]),
	  sorted(set("%s %s" % (p["declared"], p["layer"]) for p in r[0]["packages"] if p["dbPath"] == "srv/app/Gemfile.lock"))]' \
	"52
[\"True 1\"]" "$J"
check_json "srv/app/Gemfile.lock: PATH and GIT gems too" \
	'sorted(p["name"] + " " + p["version"] for p in r[0]["packages"]
		if p["dbPath"] == "srv/app/Gemfile.lock" and p["name"] in ("google-cloud-errors", "turbolinks"))' \
	"google-cloud-errors 1.3.0
turbolinks 3.0.0" "$J"
check_json "srv/app2 was deleted by layer #2" \
	'[p for p in r[0]["packages"] if p["dbPath"].startswith("srv/app2/")]' "" "$J"
check_json "srv/app3/gems.locked: 30 gems, layer #2" \
	'[len([p for p in r[0]["packages"] if p["dbPath"] == "srv/app3/gems.locked"]),
	  sorted(set(p["layer"] for p in r[0]["packages"] if p["dbPath"] == "srv/app3/gems.locked"))]' \
	"30
[2]" "$J"
check_json "a platform gem: version without the platform, which is its arch and purl qualifier" \
	'[(p["version"], p["arch"], p["purl"]) for p in r[0]["packages"] if p["name"] == "nokogiri"]' \
	'["1.13.3", "x86_64-linux", "pkg:gem/nokogiri@1.13.3?platform=x86_64-linux"]' "$J"
# lib.sh's purl_check knows arch= only: check the others with it
"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for res in d["results"]:
    res["packages"] = [p for p in res["packages"] if not p.get("arch")]
json.dump(d, open(sys.argv[2], "w"))' "$J" "$T/noarch.json"
bad=$(purl_check "$T/noarch.json")
check_eq "every other purl parses back to type/name/version" "" "$bad"

# --- the real tree as a root folder gives the same -----------------------------
if [ "$real" = 1 ]; then
	lb rootfs "$L0" -f json
	check_rc "rootfs scan of the real tree" 0
	check_same "rootfs: the same gems as Ruby reads" "$T/want-real" \
		<({ lb_gems usr/lib/ruby "$T/out"; lb_gems usr/share/rubygems-integration "$T/out"; } | sort)
	check_json "rootfs: not partial" 'r[0]["partial"]' false
fi

# --- matching: purl type gem reads OSV's RubyGems advisories ---------------------
mkdir -p "$T/osv"
cat >"$T/osv/GHSA-t076-0001.json" <<'EOF'
{"id": "GHSA-t076-0001", "modified": "2024-01-01T00:00:00Z", "summary": "test advisory",
 "affected": [{"package": {"ecosystem": "RubyGems", "name": "nokogiri"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.13.4"}]}]},
  {"package": {"ecosystem": "RubyGems", "name": "rack"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.5.0"}, {"fixed": "1.5.3"}]}]}]}
EOF
lb db build --source "osv:$T/osv" -o "$T/osv.db"
check_rc "a database with a RubyGems advisory" 0
LB_SCANNERS=default lb image --input "$T/img" --db "$T/osv.db" -f json
check_rc "vulnerability scan of the ruby image" 0
check_json "the platform gem and a lockfile's gem are matched by name and version" \
	'sorted("%s %s %s" % (v["id"], v["pkgName"], v["installedVersion"]) for v in r[0]["vulnerabilities"])' \
	"GHSA-t076-0001 nokogiri 1.13.3
GHSA-t076-0001 rack 1.5.2"

finish
