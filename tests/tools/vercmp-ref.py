#!/usr/bin/python3
"""vercmp-ref.py - reference answers for the version comparators, from the
ecosystems' own code: dpkg (deb), python3-rpm (rpm), python3-packaging (pypi).

    vercmp-ref.py ECOSYSTEM < pairs

Same protocol as lb-vercmp: "A<TAB>B" lines in, one of < = > ! per line out.
Debian's python3-* modules load under /usr/bin/python3 only. Exit 77 when
the reference is not installed.
"""
import concurrent.futures
import re
import subprocess
import sys


def pairs():
    for line in sys.stdin.buffer.read().decode("utf-8", "surrogateescape").split("\n")[:-1]:
        a, _, b = line.partition("\t")
        yield a, b


def sign(r):
    return "<" if r < 0 else ">" if r > 0 else "="


def deb(a, b):
    # dpkg --compare-versions: exit 2 on a syntax error (not a warning);
    # an empty version is dpkg's "blank" version, invalid for lifebelt;
    # a NUL cannot reach dpkg (lifebelt rejects it)
    if a in ("", "<unknown>") or b in ("", "<unknown>") or "\0" in a + b:
        return "!"
    def run(op):
        return subprocess.run(["dpkg", "--compare-versions", "--", a, op, b],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}).returncode
    r = run("lt")
    if r == 2:
        return "!"
    if r == 0:
        return "<"
    return "=" if run("eq") == 0 else ">"


# rpmbuild's rule for Epoch, Version and Release (build/parsePreamble.c,
# ALLOWED_CHARS_VERREL): the part of "valid" that python3-rpm cannot say
VERREL = r"[A-Za-z0-9._+%{}~^]+"
RPM_VALID = re.compile(r"(?:[0-9]+:)?" + VERREL + r"(?:-" + VERREL + r")?")


def rpm_ref():
    import rpm

    def evr(s):
        v = rpm.ver(s)           # rpm's own split: parseEVR()
        return (v.e, v.v, v.r)

    def cmp(a, b):
        if not RPM_VALID.fullmatch(a) or not RPM_VALID.fullmatch(b):
            return "!"
        return sign(rpm.labelCompare(evr(a), evr(b)))
    return cmp


def pypi_ref():
    from packaging.version import InvalidVersion, Version

    def cmp(a, b):
        try:
            va, vb = Version(a), Version(b)
        except InvalidVersion:
            return "!"
        return sign((va > vb) - (va < vb))
    return cmp


def main():
    eco = sys.argv[1] if len(sys.argv) == 2 else ""
    try:
        if eco == "deb":
            if subprocess.run(["sh", "-c", "command -v dpkg"], stdout=subprocess.DEVNULL).returncode:
                raise ImportError("dpkg")
            ps = list(pairs())
            with concurrent.futures.ThreadPoolExecutor(4) as ex:
                out = list(ex.map(lambda p: deb(*p), ps))
        elif eco == "rpm":
            f = rpm_ref()
            out = [f(a, b) for a, b in pairs()]
        elif eco == "pypi":
            f = pypi_ref()
            out = [f(a, b) for a, b in pairs()]
        else:
            print("usage: vercmp-ref.py deb|rpm|pypi < pairs", file=sys.stderr)
            return 64
    except ImportError as e:
        print(f"vercmp-ref.py: the {eco} reference is not installed ({e})", file=sys.stderr)
        return 77
    sys.stdout.write("".join(o + "\n" for o in out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
