#!/usr/bin/python3
"""vuln-ref.py - expected vulnerability findings computed WITHOUT lifebelt.

An independent reference for the end-to-end tests t0600 (Alpine), t0610
(Debian), t0640 (Python) and t0630: it shares no code with src/ (not the feed parsers, not the version
comparators, not the matcher), so a bug there cannot hide in the answer.

  vuln-ref.py apk-compare A B           prints <, = or >
  vuln-ref.py apk-selftest FILE...      checks the comparator against
                                        "A < B" / "A = B" / "A > B" lines
  vuln-ref.py alpine ROOT SECDB_DIR     prints "pkg<TAB>ID<TAB>fixed" for
                                        every finding the Alpine secdb
                                        branch of ROOT's release implies
  vuln-ref.py deb ROOT LIST...           the same for a Debian root against
                                        the tracker's DSA/DLA list files
                                        (dpkg order from python3-apt)
  vuln-ref.py deb-synth RELEASE VERSION_ID ROOT LIST...
                                        writes a Debian root whose dpkg
                                        status holds, for every source
                                        package the lists fix in RELEASE,
                                        binaries at, below and above each
                                        fixed version
  vuln-ref.py alpine-synth SECDB_DIR BRANCH ROOT
                                        writes a root whose apk database
                                        holds, for every origin the branch
                                        knows, packages at each fixed
                                        version, just below and just above
                                        it, far below and far above
  vuln-ref.py pypi ROOT OSV_PYPI_DIR     prints "name<TAB>version<TAB>record
                                        <TAB>aliases<TAB>fixed" for every
                                        PyPA advisory (OSV YAML) that affects
                                        a *.dist-info/METADATA or
                                        *.egg-info/PKG-INFO under ROOT:
                                        versions ordered by python3-packaging,
                                        OSV's evaluation of ECOSYSTEM ranges

The apk comparison follows apk-tools' src/version.c as Alpine ships it
today (token_first/token_next/token_cmp/apk_version_compare): tokens are
the initial number, ".N", one letter, "_suffix[N]", "~hash" and "-rN",
each allowed only after the kinds before it; numbers compare as numbers
except that a leading "0" after "." compares as a string (Gentoo);
pre-release suffixes (_alpha _beta _pre _rc) sort before the end of a
version, post-release ones (_cvs _svn _git _hg _p) after it; when one
version runs out first, the one whose next token kind comes later in the
list is the smaller. One deviation, from apk-tools 2.10: a number right
after a letter ("6.6.2p1-r0", which today's apk rejects) is a number.
"""
import json
import os
import re
import sys

# token kinds, in apk-tools' order (the order is part of the semantics)
(INITIAL_DIGIT, DIGIT, LETTER, SUFFIX, SUFFIX_NO, COMMIT_HASH, REVISION_NO,
 END, INVALID) = range(9)
# suffix values: pre-release ones below NONE, post-release ones above
SUFFIXES = {"alpha": 1, "beta": 2, "pre": 3, "rc": 4, "cvs": 6, "svn": 7, "git": 8, "hg": 9, "p": 10}
SUFFIX_NONE = 5


class _Tok:
    __slots__ = ("token", "suffix", "number", "value")


def _digits(t, s, i):
    j = i
    while j < len(s) and s[j].isdigit():
        j += 1
    t.value = s[i:j]
    t.number = int(t.value) if t.value else 0
    if not t.value:
        t.token = INVALID
    return j


def _first(s):
    t = _Tok()
    t.token, t.suffix = INITIAL_DIGIT, 0
    return t, _digits(t, s, 0)


def _next(t, s, i):
    """apk token_next(): the token at s[i]; returns the next index"""
    if i >= len(s):
        t.token = END
        return i
    c = s[i]
    if "a" <= c <= "z":
        if t.token > DIGIT:
            t.token = INVALID
            return i
        t.value, t.token = c, LETTER
        return i + 1
    if c == "." or c.isdigit():
        if c == ".":
            if t.token > DIGIT:
                t.token = INVALID
                return i
            i += 1
        if t.token in (INITIAL_DIGIT, DIGIT) or (t.token == LETTER and c != "."):
            # a digit after a letter ("6.6.2p1"): apk-tools before 2.12
            # read it as a number, and secdb and OSV data hold such versions
            t.token = DIGIT
        elif t.token == SUFFIX:
            t.token = SUFFIX_NO
        else:
            t.token = INVALID
            return i
        return _digits(t, s, i)
    if c == "_":
        if t.token > SUFFIX_NO:
            t.token = INVALID
            return i
        j = i + 1
        while j < len(s) and "a" <= s[j] <= "z":
            j += 1
        t.value = s[i + 1:j]
        t.suffix = SUFFIXES.get(t.value, 0)
        t.token = SUFFIX if t.suffix else INVALID
        return j
    if c == "~":
        if t.token >= COMMIT_HASH:
            t.token = INVALID
            return i
        j = i + 1
        while j < len(s) and s[j] in "0123456789abcdefABCDEF":
            j += 1
        t.value = s[i + 1:j]
        t.token = COMMIT_HASH if t.value else INVALID
        return j
    if c == "-":
        if t.token >= REVISION_NO or not s.startswith("-r", i):
            t.token = INVALID
            return i
        t.token = REVISION_NO
        return _digits(t, s, i + 2)
    t.token = INVALID
    return i


def _sign(x):
    return (x > 0) - (x < 0)


def _tcmp(a, b):
    """apk token_cmp()"""
    tk = a.token
    if tk == DIGIT and (a.value[:1] == "0" or b.value[:1] == "0"):
        tk = None       # a leading zero: plain string order, as Gentoo
    if tk in (DIGIT, INITIAL_DIGIT, SUFFIX_NO, REVISION_NO):
        return _sign(a.number - b.number)
    if tk == LETTER:
        return _sign(ord(a.value) - ord(b.value))
    if tk == SUFFIX:
        return _sign(a.suffix - b.suffix)
    # apk_blob_sort: bytes, then length
    x, y = a.value.encode(), b.value.encode()
    return (x > y) - (x < y)


def apk_valid(v):
    t, i = _first(v)
    while t.token < END:
        i = _next(t, v, i)
    return t.token == END


def apk_cmp(a, b):
    """-1, 0 or 1, as apk-tools' apk_version_compare()"""
    ta, ai = _first(a)
    tb, bi = _first(b)
    while ta.token == tb.token and ta.token < END:
        r = _tcmp(ta, tb)
        if r:
            return r
        ai = _next(ta, a, ai)
        bi = _next(tb, b, bi)
    if ta.token == tb.token:
        return 0
    if ta.token == SUFFIX and ta.suffix < SUFFIX_NONE:
        return -1
    if tb.token == SUFFIX and tb.suffix < SUFFIX_NONE:
        return 1
    if ta.token > tb.token:
        return -1
    if tb.token > ta.token:
        return 1
    return 0


def selftest(files):
    bad = n = 0
    for f in files:
        for line in open(f):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            a, op, b = line.split()
            want = {"<": -1, "=": 0, ">": 1}[op]
            n += 1
            if apk_cmp(a, b) != want or apk_cmp(b, a) != -want:
                bad += 1
                print("wrong: %s" % line)
    print("%d of %d comparisons right" % (n - bad, n))
    return 1 if bad else 0


def installed(root):
    """(name, version, origin) of lib/apk/db/installed, in file order"""
    pkgs, cur = [], {}
    with open(os.path.join(root, "lib/apk/db/installed"), encoding="utf-8") as f:
        for line in list(f) + [""]:
            line = line.rstrip("\n")
            if not line:
                if "P" in cur:
                    pkgs.append((cur["P"], cur["V"], cur.get("o", cur["P"])))
                cur = {}
            elif line[1:2] == ":":
                cur.setdefault(line[0], line[2:])
    return pkgs


CVE_RE = re.compile(r"CVE[-_ ](\d{4})-(\d{4,12})", re.I)
OTHER_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*$")


def entry_ids(text):
    """the IDs of one secfixes entry: every CVE in it ("CVE-2019-5060
    TALOS-2019-0844", "CVE_2019-2426", "CVE-2018-16301 (was fixed in
    libpcap)"); an entry without a CVE ("XSA-207") counts by its first
    ID-looking token"""
    cves = ["CVE-%s-%s" % m for m in CVE_RE.findall(text)]
    if cves:
        return cves
    for tok in re.split(r"[\s(),;]+", text):
        if OTHER_RE.match(tok) and "-" in tok and any(c.isdigit() for c in tok) and not tok.endswith("-"):
            return [tok]
    return []


def branch_fixes(secdb, branch):
    """origin -> [(fixed version, ID)] for one branch folder"""
    fixes = {}
    bdir = os.path.join(secdb, branch)
    for fn in sorted(os.listdir(bdir)):
        doc = json.load(open(os.path.join(bdir, fn)))
        assert doc["distroversion"] == branch, fn
        for p in doc["packages"]:
            for fixed, ids in (p["pkg"].get("secfixes") or {}).items():
                if fixed == "0":      # "not affected in this branch"
                    continue
                if not apk_valid(fixed):
                    # e.g. v3.7 git "2.15.r-r1": apk cannot order it, so no
                    # finding can rest on it (lifebelt warns instead)
                    continue
                if isinstance(ids, str):
                    ids = [ids]
                for i in ids or []:
                    for tok in entry_ids(str(i)):
                        fixes.setdefault(p["pkg"]["name"], []).append((fixed, tok))
    return fixes


def alpine(root, secdb):
    rel = open(os.path.join(root, "etc/alpine-release")).read().strip()
    branch = "v" + ".".join(rel.split(".")[:2])
    fixes = branch_fixes(secdb, branch)
    out = set()
    for name, ver, origin in installed(root):
        best = {}
        for fixed, cve in fixes.get(origin, []):
            if apk_cmp(ver, fixed) < 0:
                if cve not in best or apk_cmp(fixed, best[cve]) > 0:
                    best[cve] = fixed
        for cve, fixed in best.items():
            out.add((name, cve, fixed))
    for t in sorted(out):
        print("\t".join(t))
    return 0


def _around(v):
    """versions just below and just above an apk version"""
    m = re.match(r"^(.*)-r(\d+)$", v)
    if not m:
        return [v + "_rc1", v + "-r1"]
    up, rev = m.group(1), int(m.group(2))
    below = "%s-r%d" % (up, rev - 1) if rev > 0 else "%s_rc1-r0" % up
    return [below, "%s-r%d" % (up, rev + 1)]


def alpine_synth(secdb, branch, root):
    fixes = branch_fixes(secdb, branch)
    os.makedirs(os.path.join(root, "etc"), exist_ok=True)
    os.makedirs(os.path.join(root, "lib/apk/db"), exist_ok=True)
    with open(os.path.join(root, "etc/alpine-release"), "w") as f:
        f.write(branch[1:] + ".0\n")
    n = 0
    with open(os.path.join(root, "lib/apk/db/installed"), "w") as f:
        for origin in sorted(fixes):
            vers = {"0.0.1-r0", "99999-r0"}
            for fixed, _ in fixes[origin]:
                vers.add(fixed)
                vers.update(v for v in _around(fixed) if apk_valid(v))
            for k, v in enumerate(sorted(vers)):
                f.write("P:%s-t%d\nV:%s\nA:x86_64\no:%s\n\n" % (origin, k, v, origin))
                n += 1
    print(n)
    return 0


# --- Debian -------------------------------------------------------------

def _apt():
    import apt_pkg     # python3-apt: libapt-pkg's dpkg version order
    apt_pkg.init_system()
    return apt_pkg.version_compare


DSA_HEAD = re.compile(r"^\[[^]]*\] ((?:DSA|DLA)-\S+) ")
REL_LINE = re.compile(r"^\s+\[([a-z-]+)\] - (\S+) (\S+)")


def deb_lists(files, release):
    """source package -> [(fixed version, ID)] from data/DSA/list and
    data/DLA/list: "[date] DSA-N-1 pkg - ..." then "{CVE-...}" and
    "[release] - pkg version" lines; an advisory without a CVE counts by
    its own ID"""
    fixes = {}
    for fn in files:
        adv, cves = None, []
        for line in open(fn, encoding="utf-8", errors="replace"):
            m = DSA_HEAD.match(line)
            if m:
                adv, cves = m.group(1), []
                continue
            if adv is None:
                continue
            st = line.strip()
            if st.startswith("{") and st.endswith("}"):
                cves += [c for c in st[1:-1].split() if c.startswith("CVE-")]
                continue
            m = REL_LINE.match(line)
            if m and m.group(1) == release and not m.group(3).startswith("<"):
                for i in cves or [adv]:
                    fixes.setdefault(m.group(2), []).append((m.group(3), i))
    return fixes


def dpkg_status(root):
    """(name, version, source, source version) of var/lib/dpkg/status"""
    out, cur = [], {}
    for line in list(open(os.path.join(root, "var/lib/dpkg/status"), encoding="utf-8")) + [""]:
        line = line.rstrip("\n")
        if not line.strip():
            if "Package" in cur and "installed" in cur.get("Status", "installed"):
                src = cur.get("Source", cur["Package"]).split()
                sver = src[1].strip("()") if len(src) > 1 else cur["Version"]
                out.append((cur["Package"], cur["Version"], src[0], sver))
            cur = {}
        elif not line[0].isspace() and ":" in line:
            k, v = line.split(":", 1)
            cur[k] = v.strip()
    return out


def os_codename(root):
    for line in open(os.path.join(root, "etc/os-release")):
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip().strip('"')
    raise SystemExit("no VERSION_CODENAME")


def deb(root, files):
    vc = _apt()
    fixes = deb_lists(files, os_codename(root))
    out = set()
    for name, ver, src, sver in dpkg_status(root):
        best = {}
        for fixed, i in fixes.get(src, []):
            # the tracker lists source versions
            if vc(sver, fixed) < 0 and (i not in best or vc(fixed, best[i]) > 0):
                best[i] = fixed
        for i, fixed in best.items():
            out.add((name, i, fixed))
    for t in sorted(out):
        print("\t".join(t))
    return 0


def deb_synth(release, version_id, root, files):
    fixes = deb_lists(files, release)
    os.makedirs(os.path.join(root, "etc"), exist_ok=True)
    os.makedirs(os.path.join(root, "var/lib/dpkg"), exist_ok=True)
    with open(os.path.join(root, "etc/os-release"), "w") as f:
        f.write('NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="%s"\nVERSION_CODENAME=%s\n'
                % (version_id, release))
    n = 0
    with open(os.path.join(root, "var/lib/dpkg/status"), "w") as f:
        for src in sorted(fixes):
            vers = {"0.0.1-1", "99999-1"}
            for fixed, _ in fixes[src]:
                # "F~" sorts just before F, "F+z1" just after
                vers.update((fixed, fixed + "~", fixed + "+z1"))
            for k, v in enumerate(sorted(vers)):
                # binaries named apart from their source, as most are
                f.write("Package: %s-bin%d\nStatus: install ok installed\nArchitecture: amd64\n"
                        "Source: %s\nVersion: %s\nDescription: synthetic\n\n" % (src, k, src, v))
                n += 1
    print(n)
    return 0


def _pep503(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def python_installed(root):
    """(name, version) of every core metadata file under root"""
    out = []
    for d, _, files in os.walk(root):
        for fn in files:
            p = os.path.join(d, fn)
            if not ((fn == "METADATA" and d.endswith(".dist-info")) or
                    (fn == "PKG-INFO" and d.endswith(".egg-info"))):
                continue
            name = version = None
            for line in open(p, encoding="utf-8", errors="replace"):
                if not line.strip():
                    break           # the headers end at the first blank line
                k, _, v = line.partition(":")
                if k == "Name" and name is None:
                    name = v.strip()
                elif k == "Version" and version is None:
                    version = v.strip()
            if name and version:
                out.append((name, version))
    return sorted(out)


def pypi(root, osv_dir):
    """OSV "Evaluation" of the PyPA advisories, with packaging's Version"""
    import yaml
    from packaging.version import InvalidVersion, Version

    def ver(s):
        try:
            return Version(s)
        except InvalidVersion:
            return None

    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)   # every scalar a string
    for name, installed in python_installed(root):
        v = ver(installed)
        key = _pep503(name)
        folder = os.path.join(osv_dir, key)
        if v is None or not os.path.isdir(folder):
            continue
        for fn in sorted(os.listdir(folder)):
            if not fn.endswith((".yaml", ".yml", ".json")):
                continue
            rec = yaml.load(open(os.path.join(folder, fn)), Loader=loader)
            if rec.get("withdrawn"):
                continue
            hit, fixes = False, []
            for aff in rec.get("affected") or []:
                pkg = aff.get("package") or {}
                if pkg.get("ecosystem") != "PyPI" or _pep503(pkg.get("name", "")) != key:
                    continue
                if any(ver(x) == v for x in aff.get("versions") or [] if ver(x) is not None):
                    hit = True
                for rg in aff.get("ranges") or []:
                    if rg.get("type") != "ECOSYSTEM":
                        continue
                    # events in version order, "introduced: 0" first; a
                    # version packaging cannot read is left out
                    evs = []
                    for i, e in enumerate(rg.get("events") or []):
                        (kind, val), = e.items()
                        if kind == "introduced" and val == "0":
                            evs.append((0, None, i, kind, val))
                        elif kind in ("introduced", "fixed", "last_affected") and ver(val) is not None:
                            evs.append((1, ver(val), i, kind, val))
                    evs.sort(key=lambda x: (x[0], x[1] if x[1] is not None else Version("0"), x[2]))
                    vulnerable = False
                    for _, ev, _, kind, val in evs:
                        if kind == "introduced":
                            vulnerable = vulnerable or ev is None or v >= ev
                        elif kind == "fixed":
                            vulnerable = vulnerable and v < ev
                        else:
                            vulnerable = vulnerable and v <= ev
                    hit = hit or vulnerable
                    fixes += [(ev, val) for _, ev, _, kind, val in evs if kind == "fixed" and ev > v]
            if hit:
                fixed = min(fixes)[1] if fixes else "-"
                print("%s\t%s\t%s\t%s\t%s" % (name, installed, rec["id"],
                                              ",".join(sorted(rec.get("aliases") or [])) or "-", fixed))
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "apk-compare":
        print("<=>"[apk_cmp(argv[2], argv[3]) + 1])
        return 0
    if len(argv) >= 3 and argv[1] == "apk-selftest":
        return selftest(argv[2:])
    if len(argv) == 4 and argv[1] == "alpine":
        return alpine(argv[2], argv[3])
    if len(argv) >= 4 and argv[1] == "deb":
        return deb(argv[2], argv[3:])
    if len(argv) >= 6 and argv[1] == "deb-synth":
        return deb_synth(argv[2], argv[3], argv[4], argv[5:])
    if len(argv) == 5 and argv[1] == "alpine-synth":
        return alpine_synth(argv[2], argv[3], argv[4])
    if len(argv) == 4 and argv[1] == "pypi":
        return pypi(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
