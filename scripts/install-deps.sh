#!/bin/sh
# install-deps.sh - installs every Debian 12 package lifebelt needs to build,
# test and benchmark. The one list of packages: README.md and .ci/run both
# call this script. Runs apt-get as root (through sudo when not root).
#
#   scripts/install-deps.sh [--build-only]
#
# --build-only installs just what building and running lifebelt needs.
set -eu

# Building: compilers, CMake + Ninja, and one -dev package per
# pkg_check_modules() in CMakeLists.txt.
BUILD="build-essential pkg-config cmake ninja-build
	libarchive-dev libisal-dev libzstd-dev libjansson-dev libssl-dev
	libsqlite3-dev libyaml-dev libcurl4-openssl-dev
	libclamav-dev libyara-dev"
# Testing: cmocka (unit tests), clang and its sanitizer runtime (the asan
# and fuzz presets), python3 (mkimage and the end-to-end tests' helpers),
# zstd (mkimage's zstd layers), debootstrap (the Debian root filesystem
# test), node + npm (schema validation with ajv, tests/tools), isal (igzip,
# the baseline of bench/), ca-certificates (npm and the Debian mirror).
# The version comparators are checked against the ecosystems' own tools:
# dpkg, python3-rpm, python3-packaging (python3-yaml reads the PyPA advisories
# for the Python vulnerability reference), ruby (Gem::Version), node's semver
# (tests/tools), Maven's ComparableVersion (maven + a JDK), Go's x/mod
# semver and Composer's semver under PHP. time (/usr/bin/time) measures
# peak memory in the hostile-input tests; rpm (rpmbuild) and db5.3-util
# (db5.3_load) build the RPM test databases; busybox-static is a real
# busybox binary for the busybox-only image test.
# clamav (sigtool, clamscan) makes the malware tests' own signatures and
# is bench/malware.sh's baseline; freshclam is never run.
# The registry tests run a real registry (docker-registry) filled with
# skopeo, with htpasswd (apache2-utils) users, openssl certificates and a
# token server signing with python3-cryptography.
TEST="docker-registry skopeo apache2-utils openssl python3-cryptography
	clang libclang-rt-14-dev libcmocka-dev python3 zstd isal debootstrap
	ca-certificates gzip tar coreutils time
	python3-rpm python3-packaging python3-yaml python3-apt ruby maven default-jdk-headless
	php-cli php-composer-semver golang-go golang-golang-x-mod-dev unzip rpm db5.3-util clamav
	busybox-static"

pkgs=$BUILD
if [ "${1:-}" != --build-only ]; then
	pkgs="$pkgs $TEST"
	# node and npm may come from elsewhere (e.g. NodeSource's nodejs, which
	# bundles npm and conflicts with Debian's npm): only add what is missing
	command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
	command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
fi

SUDO=
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "install-deps.sh: run as root (or install sudo)" >&2
		exit 1
	fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps.sh: apt-get install" $pkgs
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends $pkgs; } >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "install-deps.sh: apt-get failed" >&2
	exit 1
fi
echo "install-deps.sh: done"
