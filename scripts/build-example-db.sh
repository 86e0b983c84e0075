#!/bin/bash
# build-example-db.sh - builds examples/lifebelt.db, the small vulnerability
# database shipped with the repository so that the README's first command
# shows findings offline, from the shared feeds that know the example
# image (examples/alpine-3.7.tar: the Alpine 3.7.3 root plus a Go binary):
#
#   alpine-secdb  ../shared/testdata/vulndb/alpine-secdb/json   every branch v3.3-v3.11
#   osv           ../shared/testdata/vulndb/osv-go              the Go vulnerability database
#   nvd           ../shared/testdata/vulndb/nvd                 CVSS vectors and scores
#   cve5          ../shared/testdata/vulndb/cve                 CVSS from CVE JSON 5
#
# Usage: scripts/build-example-db.sh [OUTPUT]      (default examples/lifebelt.db)
# Environment: LIFEBELT (default build/release/lifebelt, else build/dev/lifebelt),
# LB_SHARED (default ../shared), SOURCE_DATE_EPOCH (default 1704067200,
# 2024-01-01, the example image's own date: the build time stored in the
# database, so that the same feeds give the same file).
set -eu
cd "$(dirname "$0")/.."

out=${1:-examples/lifebelt.db}
shared=${LB_SHARED:-../shared}
feeds=$shared/testdata/vulndb
lifebelt=${LIFEBELT:-}
if [ -z "$lifebelt" ]; then
	for b in build/release/lifebelt build/dev/lifebelt; do
		if [ -x "$b" ]; then
			lifebelt=$b
			break
		fi
	done
fi
if [ -z "$lifebelt" ] || [ ! -x "$lifebelt" ]; then
	echo "build-example-db.sh: no lifebelt binary; build one first (cmake --build --preset release)" >&2
	exit 1
fi
for d in alpine-secdb/json osv-go nvd cve; do
	if [ ! -d "$feeds/$d" ]; then
		echo "build-example-db.sh: missing feed folder '$feeds/$d' (set LB_SHARED)" >&2
		exit 1
	fi
done

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
"$lifebelt" db build \
	--source "alpine-secdb:$feeds/alpine-secdb/json" \
	--source "osv:$feeds/osv-go" \
	--source "nvd:$feeds/nvd" \
	--source "cve5:$feeds/cve" \
	-o "$out"
"$lifebelt" db info --db "$out"
