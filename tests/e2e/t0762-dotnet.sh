#!/bin/bash
# t0762-dotnet: NuGet packages in images. <app>.deps.json is installed
# evidence (libraries of type "package" that deploy assets in the runtime
# target, and a self-contained app's "runtimepack"); packages.lock.json is
# declared. Checked against a plain reading of shared/testdata/pkgdb/dotnet
# with the same rules, across layers, with a broken file warned about.
. "$(dirname "$0")/lib.sh"
skip_unless_shared

P=$LB_TESTDATA/pkgdb/dotnet
[ -d "$P" ] || bail "missing $P"

L0=$T/l0 L1=$T/l1 L2=$T/l2
mkdir -p "$L0/app" "$L0/opt/selfcontained" "$L1/src/App" "$L1/app2" "$L1/app3" "$L2"
cp "$P/syft-TestLibrary.deps.json" "$L0/app/TestLibrary.deps.json"
# a self-contained app, as "dotnet publish -r linux-x64 --self-contained"
# lays it out: the runtime pack is a library of its own
cat >"$L0/opt/selfcontained/Tool.deps.json" <<'EOF'
{
  "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0/linux-x64", "signature": ""},
  "compilationOptions": {},
  "targets": {
    ".NETCoreApp,Version=v8.0": {},
    ".NETCoreApp,Version=v8.0/linux-x64": {
      "Tool/1.0.0": {
        "dependencies": {"Newtonsoft.Json": "13.0.3", "Microsoft.CodeAnalysis.Analyzers": "3.3.4"},
        "runtime": {"Tool.dll": {}}
      },
      "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.1": {
        "runtime": {"System.Private.CoreLib.dll": {"assemblyVersion": "8.0.0.0", "fileVersion": "8.0.123.58001"}},
        "native": {"libcoreclr.so": {"fileVersion": "0.0.0.0"}}
      },
      "Newtonsoft.Json/13.0.3": {
        "runtime": {"lib/net6.0/Newtonsoft.Json.dll": {"assemblyVersion": "13.0.0.0", "fileVersion": "13.0.3.27908"}}
      },
      "Microsoft.CodeAnalysis.Analyzers/3.3.4": {}
    }
  },
  "libraries": {
    "Tool/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
    "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.1": {"type": "runtimepack", "serviceable": false, "sha512": ""},
    "Newtonsoft.Json/13.0.3": {"type": "package", "serviceable": true, "sha512": "sha512-x",
      "path": "newtonsoft.json/13.0.3", "hashPath": "newtonsoft.json.13.0.3.nupkg.sha512"},
    "Microsoft.CodeAnalysis.Analyzers/3.3.4": {"type": "package", "serviceable": true, "sha512": "sha512-y",
      "path": "microsoft.codeanalysis.analyzers/3.3.4", "hashPath": "microsoft.codeanalysis.analyzers.3.3.4.nupkg.sha512"}
  }
}
EOF
cp "$P/syft-packages.lock.json" "$L1/src/App/packages.lock.json"
cp "$P/scalibr-depsjson/valid" "$L1/app2/Valid.deps.json"
cp "$P/scalibr-depsjson/invalid" "$L1/app3/Broken.deps.json"
chmod -R u+w "$L0" "$L1"

mkimage --layer "$L0" --layer "$L1" --layer "$L2" --delete app2 --oci "$T/img"
lb image --input "$T/img" -f json
check_rc "scan of the dotnet image" 0
J=$T/out

# a plain reading with the documented rules: name|version|declared
want_deps() { # want_deps FILE
	"$PY" - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
rt = d.get("runtimeTarget", {})
rt = rt if isinstance(rt, str) else rt.get("name")
target = d.get("targets", {}).get(rt)
out = set()
for key, lib in d["libraries"].items():
    t = lib.get("type", "").lower()
    if t not in ("package", "runtimepack"):
        continue
    if target is not None and key in target and not any(target[key].get(k) for k in ("runtime", "runtimeTargets", "native")):
        continue
    name, ver = key.split("/", 1)
    if t == "runtimepack" and name.startswith("runtimepack."):
        name = name[len("runtimepack."):]
    out.add("%s|%s|False" % (name, ver))
print("\n".join(sorted(out)))
EOF
}
want_lock() { # want_lock FILE
	"$PY" - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
out = set()
for tfm in d["dependencies"].values():
    for name, e in tfm.items():
        if e.get("type") != "Project":
            out.add("%s|%s|True" % (name, e["resolved"]))
print("\n".join(sorted(out)))
EOF
}
got() { # got DBPATH
	jq_py 'sorted("%s|%s|%s" % (p["name"], p["version"], p["declared"])
		for p in r[0]["packages"] if p["dbPath"] == "'"$1"'")'
}

check_same "TestLibrary.deps.json: the packages that deploy something" \
	<(want_deps "$L0/app/TestLibrary.deps.json") <(got app/TestLibrary.deps.json)
check_json "TestLibrary.deps.json: 10 of its 12 package libraries, layer #0; no project" \
	'[len([p for p in r[0]["packages"] if p["dbPath"] == "app/TestLibrary.deps.json"]),
	  sorted(set(p["layer"] for p in r[0]["packages"] if p["dbPath"] == "app/TestLibrary.deps.json")),
	  [p["name"] for p in r[0]["packages"] if p["name"] in ("TestLibrary", "TestCommon")]]' \
	"10
[0]
[]"
check_same "self-contained Tool.deps.json" \
	<(want_deps "$L0/opt/selfcontained/Tool.deps.json") <(got opt/selfcontained/Tool.deps.json)
check_json "self-contained: the runtime pack is the .NET runtime's NuGet package" \
	'[p["purl"] for p in r[0]["packages"] if p["dbPath"] == "opt/selfcontained/Tool.deps.json"]' \
	"pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@8.0.1
pkg:nuget/Newtonsoft.Json@13.0.3"
check_same "packages.lock.json: every framework's packages once, declared" \
	<(want_lock "$L1/src/App/packages.lock.json") <(got src/App/packages.lock.json)
check_json "packages.lock.json: 9 packages, layer #1" \
	'[len([p for p in r[0]["packages"] if p["dbPath"] == "src/App/packages.lock.json"]),
	  sorted(set(p["layer"] for p in r[0]["packages"] if p["dbPath"] == "src/App/packages.lock.json"))]' \
	"9
[1]"
check_json "app2 was deleted by layer #2" '[p for p in r[0]["packages"] if p["dbPath"].startswith("app2/")]' ""
check_json "one warning, naming the broken deps.json; partial" \
	'[r[0]["partial"], len(r[0]["warnings"]), "app3/Broken.deps.json" in r[0]["warnings"][0]]' \
	"true
1
true"
bad=$(purl_check "$J")
check_eq "every purl parses back to type/name/version" "" "$bad"


# --- matching: NuGet names compare without case ----------------------------------
mkdir -p "$T/osv"
cat >"$T/osv/GHSA-t076-0003.json" <<'EOF'
{"id": "GHSA-t076-0003", "modified": "2024-01-01T00:00:00Z", "summary": "test advisory",
 "affected": [{"package": {"ecosystem": "NuGet", "name": "newtonsoft.json"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "13.0.2"}]}]},
  {"package": {"ecosystem": "NuGet", "name": "Microsoft.NETCore.App.Runtime.linux-x64"},
   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "8.0.0"}, {"fixed": "8.0.2"}]}]}]}
EOF
lb db build --source "osv:$T/osv" -o "$T/osv.db"
check_rc "a database with NuGet advisories" 0
LB_SCANNERS=default lb image --input "$T/img" --db "$T/osv.db" -f json
check_rc "vulnerability scan of the dotnet image" 0
check_json "Newtonsoft.Json 13.0.1 (13.0.3 is fixed) and the self-contained app's runtime" \
	'sorted("%s %s %s %s" % (v["id"], v["pkgName"], v["installedVersion"], r[0]["packages"][v["package"]]["dbPath"])
		for v in r[0]["vulnerabilities"])' \
	"GHSA-t076-0003 Microsoft.NETCore.App.Runtime.linux-x64 8.0.1 opt/selfcontained/Tool.deps.json
GHSA-t076-0003 Newtonsoft.Json 13.0.1 app/TestLibrary.deps.json"

finish
