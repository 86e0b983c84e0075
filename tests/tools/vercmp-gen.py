#!/usr/bin/python3
"""vercmp-gen.py - deterministic random version pairs for the differential
tests of the version comparators (tests/e2e/t0500-vercmp-reference.sh).

    vercmp-gen.py ECOSYSTEM COUNT [SEED]  >  pairs      ("A<TAB>B" lines)

Each ecosystem has a small grammar that favours the corners of its rules:
separators, case, leading zeros, long numbers, pre/post-release words,
and versions that are almost valid. Half the pairs compare a version with
a mutation of itself, so that comparisons reach deep into the strings.
Standard library only; the same seed always gives the same pairs.
"""
import random
import sys


def pick(r, *xs):
    return r.choice(xs)


def num(r, big=False, zeros=True):
    k = r.random()
    if not zeros and k >= 0.8 and k < 0.9:
        k = 0.95
    if big and k < 0.05:
        return str(r.randrange(10 ** 9, 10 ** 25))
    if k < 0.5:
        return str(r.randrange(0, 4))
    if k < 0.8:
        return str(r.randrange(0, 30))
    if k < 0.9:
        return "0" + str(r.randrange(0, 10))
    return str(r.randrange(0, 100000))


def word(r, words):
    w = r.choice(words)
    k = r.random()
    if k < 0.1:
        return w.upper()
    if k < 0.15:
        return w.capitalize()
    return w


# --- deb ---------------------------------------------------------------

def deb(r):
    def part(n, chars):
        s = ""
        for _ in range(n):
            k = r.random()
            if k < 0.45:
                s += num(r)
            elif k < 0.65:
                s += r.choice("abcxyzABZ")
            elif k < 0.97:
                s += r.choice(chars)
            else:
                s += r.choice(["_", "!", "é", "%"])
        return s
    up = num(r) + part(r.randrange(0, 6), ".+~.~" + (":" if r.random() < 0.1 else ""))
    if r.random() < 0.15:
        up += "-" + part(r.randrange(0, 3), ".+~")   # a '-' inside upstream
    v = up
    if r.random() < 0.5:
        v += "-" + part(r.randrange(1, 4), ".+~")
    if r.random() < 0.25:
        v = pick(r, "0", "1", "2", "00", "10") + ":" + v
    if r.random() < 0.03:
        v = pick(r, "", " ", "-", ":", "a:", "-1:", "1:", "9999999999:", "+1:") + v
    if r.random() < 0.02:
        v = pick(r, "1 2", "1.0-", "~", "a") if r.random() < 0.5 else v + " "
    return v


# --- rpm ---------------------------------------------------------------

def rpm(r):
    def part(n):
        s = ""
        for _ in range(n):
            k = r.random()
            if k < 0.4:
                s += num(r, True)
            elif k < 0.6:
                s += r.choice(["a", "b", "rc", "git", "el", "fc", "Z", "p"])
            elif k < 0.98:
                s += r.choice("._+~^~^.")
            else:
                s += r.choice(["%", "{", "}", "@", "-", ":", "é"])
        return s
    v = part(r.randrange(1, 7))
    if r.random() < 0.6:
        v += "-" + part(r.randrange(1, 4))
    if r.random() < 0.3:
        v = pick(r, "0", "1", "2", "00", "") + ":" + v
    return v


# --- apk (no reference tool; kept for the unit tables) -------------------

def apk(r):
    v = num(r)
    for _ in range(r.randrange(0, 4)):
        v += "." + num(r)
    if r.random() < 0.2:
        v += r.choice("abcz")
    for _ in range(r.randrange(0, 2)):
        v += "_" + r.choice(["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"])
        if r.random() < 0.6:
            v += num(r)
    if r.random() < 0.1:
        v += "~" + "".join(r.choice("0123456789abcdef") for _ in range(r.randrange(1, 8)))
    if r.random() < 0.6:
        v += "-r" + num(r)
    return v


# --- pypi --------------------------------------------------------------

def pypi(r):
    sep = lambda: pick(r, "", "", ".", "-", "_")
    v = ""
    if r.random() < 0.05:
        v += pick(r, "v", "V")
    if r.random() < 0.1:
        v += num(r) + "!"
    v += num(r, True)
    for _ in range(r.randrange(0, 4)):
        v += "." + num(r)
    if r.random() < 0.4:
        v += sep() + word(r, ["a", "b", "c", "rc", "alpha", "beta", "pre", "preview"])
        v += sep() + (num(r) if r.random() < 0.8 else "")
    if r.random() < 0.3:
        if r.random() < 0.3:
            v += "-" + num(r)
        else:
            v += sep() + word(r, ["post", "rev", "r"]) + sep() + (num(r) if r.random() < 0.8 else "")
    if r.random() < 0.3:
        v += sep() + word(r, ["dev"]) + sep() + (num(r) if r.random() < 0.8 else "")
    if r.random() < 0.15:
        v += "+" + ".".join(pick(r, "abc", "1", "02", "ubuntu", "X", "a1") for _ in range(r.randrange(1, 4)))
        if r.random() < 0.2:
            v += pick(r, "-x", "_y", ".", "+")
    if r.random() < 0.05:
        v = pick(r, " ", "\t", "") + v + pick(r, " ", "", "\n"[:0])
    if r.random() < 0.04:
        v += pick(r, ".", "-", "x", ".post.dev.", "a.b", "!")
    return v


# --- semver: npm, cargo, golang ---------------------------------------

def ident(r, numeric_leading_zero=True):
    k = r.random()
    if k < 0.37:
        return num(r, zeros=False)
    if k < 0.4 and numeric_leading_zero:
        return "0" + num(r)
    if k < 0.85:
        return pick(r, "alpha", "beta", "rc", "a", "b", "A", "pre", "x-y", "-", "1a", "a1", "0a", "z")
    return pick(r, "", "a_b", "é") if r.random() < 0.2 else "beta"


def semver_core(r, big):
    if big and r.random() < 0.05:
        return ".".join(pick(r, "9007199254740991", "9007199254740992", "18446744073709551615",
                             "18446744073709551616", "0", "1") for _ in range(3))
    return ".".join(num(r, zeros=r.random() < 0.1) for _ in range(3))


def npm(r, flavour="npm"):
    v = semver_core(r, flavour != "cargo")
    if r.random() < 0.5:
        v += "-" + ".".join(ident(r) for _ in range(r.randrange(1, 4)))
    if r.random() < 0.2:
        v += "+" + ".".join(pick(r, "build", "001", "sha.1", "x-y", "") for _ in range(r.randrange(1, 3)))
    if r.random() < 0.1:
        v = pick(r, "v", "v", "=", "V", " ") + v
    if r.random() < 0.03:
        v = pick(r, "1.2", "1", "1.2.3.4", "1.2.3-", "1.2.3+", "1.2.3-a..b", "01.2.3", "1.02.3", "x")
    if flavour == "npm" and r.random() < 0.01:
        v = "1.2.3-" + "a" * r.randrange(240, 270)
    return v


def cargo(r):
    v = npm(r, "cargo")
    # keep within what node-semver also accepts (its numbers stop at 2^53)
    return v


def golang(r):
    k = r.random()
    if k < 0.1:
        v = "v" + num(r)
        if r.random() < 0.5:
            v += "." + num(r)
    elif k < 0.25:
        # pseudo-versions: vX.0.0-yyyymmddhhmmss-abcdefabcdef, vX.Y.(Z+1)-0.yyyy..., vX.Y.Z-pre.0.yyyy...
        ts = "%04d%02d%02d%02d%02d%02d" % (r.randrange(2018, 2025), r.randrange(1, 13), r.randrange(1, 29),
                                            r.randrange(0, 24), r.randrange(0, 60), r.randrange(0, 60))
        h = "".join(r.choice("0123456789abcdef") for _ in range(12))
        v = pick(r, "v0.0.0-%s-%s" % (ts, h), "v1.2.4-0.%s-%s" % (ts, h), "v1.2.3-pre.0.%s-%s" % (ts, h))
    else:
        v = "v" + npm(r, "golang").lstrip("v=V ")
        if r.random() < 0.1:
            v += "+incompatible"
    if r.random() < 0.1:
        v = v[1:]                 # lifebelt takes golang versions without the "v"
    if r.random() < 0.02:
        v = "v" + "9" * r.randrange(20, 40) + ".0.0"
    return v


# --- gem ---------------------------------------------------------------

def gem(r):
    v = num(r, True)
    for _ in range(r.randrange(0, 4)):
        v += "." + (num(r) if r.random() < 0.7 else
                    pick(r, "a", "b", "pre", "rc1", "beta2", "A", "x9", "0a"))
    if r.random() < 0.2:
        v += "-" + ".".join(pick(r, "pre", "1", "a-b", "rc", "x") for _ in range(r.randrange(1, 3)))
    if r.random() < 0.05:
        v = pick(r, " ", "\t", "") + v + pick(r, " ", "\n", "")
    if r.random() < 0.04:
        v = pick(r, "", " ", "a", "1.", ".1", "1..2", "1-", "1_2", "1.0 a", "1--")
    return v


# --- maven -------------------------------------------------------------

def maven(r):
    words = ["alpha", "beta", "milestone", "rc", "cr", "snapshot", "ga", "final", "release",
             "sp", "a", "b", "m", "x", "foo", "jre", "SNAPSHOT", "RC", "Final"]
    v = num(r, True)
    for _ in range(r.randrange(0, 6)):
        v += pick(r, ".", ".", "-", "")
        k = r.random()
        if k < 0.5:
            v += num(r, True) if r.random() < 0.9 else "0" * r.randrange(9, 21)
        elif k < 0.95:
            v += word(r, words)
        else:
            v += pick(r, "_", "+", "", "..", "--")
    return v


# --- nuget (no reference tool; kept for the unit tables) -----------------

def nuget(r):
    v = ".".join(num(r) for _ in range(r.randrange(1, 5)))
    if r.random() < 0.4:
        v += "-" + ".".join(ident(r) for _ in range(r.randrange(1, 3)))
    if r.random() < 0.2:
        v += "+" + pick(r, "build", "001", "a.b")
    return v


# --- composer ----------------------------------------------------------

def composer(r):
    k = r.random()
    if k < 0.1:
        v = pick(r, "%04d%s%02d%s%02d" % (r.randrange(2000, 2030), pick(r, "", "-", ".", ":"), r.randrange(1, 13),
                                         pick(r, "", "-", "."), r.randrange(1, 29)),
                 "%d" % r.randrange(100000, 10 ** 12))
    elif k < 0.15:
        v = pick(r, "1.x", "2.3.x", "v1.X", "1.2.*", "1.2.3.4", "foo", "1.2.3.4.5") + pick(r, "-dev", ".dev", "dev", "-DEV")
    elif k < 0.18:
        v = pick(r, "dev-master", "master", "trunk", "default", "dev-1.x", "DEV-foo")
    else:
        v = pick(r, "", "", "v", "V") + num(r)
        for _ in range(r.randrange(0, 5)):
            v += "." + num(r, True)
    if r.random() < 0.5:
        v += pick(r, "", "-", ".", "_", "-", "")
        v += word(r, ["stable", "beta", "b", "RC", "rc", "alpha", "a", "patch", "pl", "p"])
        if r.random() < 0.7:
            v += pick(r, "", ".", "-") + num(r)
            if r.random() < 0.2:
                v += pick(r, ".", "-") + num(r)
    if r.random() < 0.2:
        v += pick(r, "-dev", ".dev", "dev", "-DEV")
    if r.random() < 0.05:
        v += pick(r, "@dev", "@stable", "@RC", "@beta", "@foo")
    if r.random() < 0.05:
        v += "+" + pick(r, "build.1", "sha-abc", "x y")
    if r.random() < 0.03:
        v += pick(r, " as 1.0.0", " as dev-foo", "  as  2.0")
    if r.random() < 0.03:
        v = pick(r, " ", "\t") + v + pick(r, " ", "")
    return v


GENERATORS = {
    "deb": deb, "rpm": rpm, "apk": apk, "pypi": pypi, "npm": npm, "cargo": cargo,
    "golang": golang, "gem": gem, "maven": maven, "nuget": nuget, "composer": composer,
}


def mutate(r, v, gen):
    if not v or r.random() < 0.2:
        return gen(r)
    i = r.randrange(0, len(v) + 1)
    k = r.random()
    if k < 0.3:
        return v[:i] + gen(r)[:r.randrange(0, 4)] + v[i:]
    if k < 0.5:
        return v[:i] + v[i + 1:]
    if k < 0.7 and i < len(v) and v[i].isdigit():
        return v[:i] + str((int(v[i]) + r.choice([1, 9])) % 10) + v[i + 1:]
    if k < 0.85:
        return v[:i] + gen(r)[-r.randrange(1, 5):]
    return v


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in GENERATORS:
        print("usage: vercmp-gen.py ECOSYSTEM COUNT [SEED]", file=sys.stderr)
        return 64
    eco, count = sys.argv[1], int(sys.argv[2])
    seed = sys.argv[3] if len(sys.argv) == 4 else "lifebelt"
    r = random.Random(eco + ":" + seed)
    gen = GENERATORS[eco]
    pool = [gen(r) for _ in range(64)]
    out = []
    for i in range(count):
        k = r.random()
        if k < 0.5:
            a = r.choice(pool) if r.random() < 0.5 else gen(r)
            b = mutate(r, a, gen)
        elif k < 0.9:
            a, b = r.choice(pool), r.choice(pool)
        else:
            a, b = gen(r), gen(r)
        if r.random() < 0.5:
            a, b = b, a
        if i % 97 == 0:
            b = a                  # equal strings
        # the protocol carries neither tabs nor line ends inside a version
        clean = lambda v: v.replace("\t", " ").replace("\n", " ").replace("\r", " ")
        out.append(clean(a) + "\t" + clean(b) + "\n")
    sys.stdout.buffer.write("".join(out).encode("utf-8", "surrogateescape"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
