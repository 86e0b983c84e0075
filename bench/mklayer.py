#!/usr/bin/python3
"""Writes layer tarballs for the benchmarks (stdlib only).

  mklayer.py tree OUT.tar BUDGET_MB DIR...   files from DIRs (host), up to BUDGET_MB
  mklayer.py tiny OUT.tar COUNT              COUNT tiny files in nested dirs
"""
import io, os, sys, tarfile

def tree(out, budget, dirs):
    total = 0
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        for d in dirs:
            for root, subdirs, files in os.walk(d):
                subdirs.sort()
                for f in sorted(files):
                    p = os.path.join(root, f)
                    try:
                        st = os.lstat(p)
                    except OSError:
                        continue
                    if not (os.path.isfile(p) or os.path.islink(p)):
                        continue
                    if total + st.st_size > budget:
                        return total
                    try:
                        t.add(p, arcname="app" + p, recursive=False)
                    except OSError:
                        continue
                    total += st.st_size
    return total

def tiny(out, count):
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
        made = set()
        for i in range(count):
            d = "data/%03d/%03d" % (i // 1000000, (i // 1000) % 1000)
            if d not in made:
                for k in range(1, len(d.split("/")) + 1):
                    sub = "/".join(d.split("/")[:k])
                    if sub not in made:
                        ti = tarfile.TarInfo(sub)
                        ti.type = tarfile.DIRTYPE
                        ti.mode = 0o755
                        t.addfile(ti)
                        made.add(sub)
            body = b"x%d\n" % i
            ti = tarfile.TarInfo("%s/f%d" % (d, i))
            ti.size = len(body)
            t.addfile(ti, io.BytesIO(body))

if __name__ == "__main__":
    if sys.argv[1] == "tree":
        n = tree(sys.argv[2], int(sys.argv[3]) << 20, sys.argv[4:])
        print("packed %d MB" % (n >> 20))
    elif sys.argv[1] == "tiny":
        tiny(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)
