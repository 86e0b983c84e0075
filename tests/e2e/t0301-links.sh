#!/bin/bash
# t0301-links.sh - symlinks and hard links inside layers resolve inside the
# image root, never on the host (docker cp 2014, CVE-2018-15664; ORAS and
# CPython tarfile hard link escapes). Absolute and ".."-laden targets are
# taken relative to the image root (chroot semantics), as a runtime sees
# them, so `etc/os-release -> ../../../../etc/os-release` never reads the
# host's os-release.
. "$LB_SRCDIR/tests/e2e/hostile-lib.sh"

hpy <<'EOF'
T = os.environ["LB_T"]
v = T + "/victim"
def img(name, t):
    write_tar(name, oci_image([t.end()]))

# the classic: a link that climbs out of the root to the host's file; in
# the image it names itself, a loop, so there is no OS
img("self.tar", Tar().dir("etc/").symlink("etc/os-release", "../../../../etc/os-release"))
# climbing out and back in lands on the image's own file
img("inside.tar", Tar().file("usr/lib/os-release", OS_RELEASE)
    .symlink("etc/os-release", "../../../../../../usr/lib/os-release"))
img("absolute.tar", Tar().file("usr/lib/os-release", OS_RELEASE)
    .symlink("etc/os-release", "/usr/lib/os-release"))
# host-only paths
img("proc.tar", Tar().symlink("etc/os-release", "/proc/self/root/etc/os-release")
    .symlink("lib/apk/db/installed", "/proc/self/cwd/../../../../var/lib/dpkg/status"))
# a directory link out of the root, then files below it
img("dirlink.tar", Tar().symlink("lib", "../../../../../../" + v[1:])
    .file("lib/apk/db/installed", apk_db(("through-link", "1")))
    .symlink("escape", v).file("escape/poc.txt", b"pwned\n"))
# scalibr escape.tar: a trampoline that resolves to "." then climbs
img("trampoline.tar", Tar().symlink("/escape", "trampoline/" + "../" * 8 + v[1:])
    .symlink("/trampoline/", ".").file("/escape/poc.txt", b"pwned\n"))
# the same climbing to the image root: containerd (fs.RootPath) extracts
# escape/lib/apk/db/installed to lib/apk/db/installed
img("trampoline-root.tar", Tar().symlink("/escape", "trampoline/" + "../" * 8)
    .symlink("/trampoline/", ".")
    .file("/escape/lib/apk/db/installed", apk_db(("via-trampoline", "1"))))
# merged /usr: a lower layer has lib -> usr/lib, an upper one writes
# lib/apk/db/installed, which a runtime puts in usr/lib/apk/db/
write_tar("merged-usr.tar", oci_image([
    Tar().dir("usr/").dir("usr/lib/").symlink("lib", "usr/lib").end(),
    Tar().dir("lib/").dir("lib/apk/").dir("lib/apk/db/")
    .file("lib/apk/db/installed", apk_db(("merged-usr", "1"))).end()]))
# hard links: an absolute target and one climbing out resolve in the image
img("hard.tar", Tar().file("usr/lib/os-release", OS_RELEASE)
    .hardlink("etc/os-release", "../../../../usr/lib/os-release")
    .hardlink("lib/apk/db/installed", "/etc/passwd"))
img("hard-abs.tar", Tar().file("usr/lib/os-release", OS_RELEASE)
    .hardlink("etc/os-release", "/usr/lib/os-release"))
# a hard link to the host's file: nothing of the host is read
img("hard-host.tar", Tar().hardlink("etc/os-release", "../../../../../../etc/os-release")
    .hardlink("lib/apk/db/installed", v + "/../../../../etc/passwd"))
# symlink loops and long chains stop (40 hops, as Linux)
t = Tar().file("usr/lib/os-release", OS_RELEASE)
for i in range(100):
    t.symlink("l%d" % i, "l%d" % (i + 1))
t.symlink("l100", "/usr/lib/os-release").symlink("etc/os-release", "/l0")
img("chain.tar", t)
img("loop.tar", Tar().symlink("etc/os-release", "a").symlink("etc/a", "b").symlink("etc/b", "/etc/os-release")
    .symlink("lib", "lib/.").symlink("usr/lib/os-release", "../../usr/lib/os-release"))
EOF

case_ self-loop
lb image --input "$T/img/self.tar" -f json
expect_rc 0
jcheck 'res["os"] is None' "the host's os-release was read"

for k in inside absolute hard hard-abs; do
	case_ "resolve-$k"
	lb image --input "$T/img/$k.tar" -f json
	expect_rc 0
	jcheck 'res["os"] and res["os"]["family"] == "lbtest" and names == set()'
done
case_ hard-warns
lb image --input "$T/img/hard.tar" -f json
expect_err "hard link 'etc/os-release' points outside the image root; read as a link to '/usr/lib/os-release'"

for k in proc hard-host loop; do
	case_ "not-host-$k"
	lb image --input "$T/img/$k.tar" -f json
	expect_rc 0
	jcheck 'res["os"] is None and names == set()'
done

case_ dirlink
lb image --input "$T/img/dirlink.tar" -f json
expect_rc 0
jcheck 'names == set()'

case_ trampoline
lb image --input "$T/img/trampoline.tar" -f json
expect_rc 0

# Members below a symlinked directory: a runtime writes them where the
# link points, so that is where the package database is.
case_ trampoline-root
lb image --input "$T/img/trampoline-root.tar" -f json
expect_rc 0
known_bug "members under a symlinked parent are not captured (fsview/walker)"
jcheck 'names == {"via-trampoline"}'
case_ merged-usr
lb image --input "$T/img/merged-usr.tar" -f json
expect_rc 0
known_bug "members under a symlinked parent are not captured (fsview/walker)"
jcheck 'names == {"merged-usr"}'

case_ long-chain
lb image --input "$T/img/chain.tar" -f json
expect_rc 0

finish
