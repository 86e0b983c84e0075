#!/bin/sh
# test.sh - builds the dev preset and runs every test: unit (cmocka), end
# to end (tests/e2e), and the fuzzers' corpus replay. Extra arguments go to
# ctest, e.g. `scripts/test.sh -L e2e` or `scripts/test.sh -R t0010`.
#
# Tests that need ../shared (test data, mkimage), the network or a tool
# that is missing are skipped with a message, except when CI=true: then
# they fail.
set -eu
cd "$(dirname "$0")/.."

# ajv for the schema tests (tests/tools/package.json); npm needs the network
if { [ ! -f tests/tools/node_modules/ajv/package.json ] || [ ! -f tests/tools/node_modules/semver/package.json ] ||
    [ ! -f tests/tools/node_modules/ajv-draft-04/package.json ]; } &&
    command -v npm >/dev/null 2>&1; then
	echo "test.sh: npm ci --prefix tests/tools"
	npm ci --prefix tests/tools --no-audit --no-fund --loglevel=error ||
		echo "test.sh: warning: npm ci failed; the schema tests will be skipped" >&2
fi
cmake --preset dev
cmake --build --preset dev
ctest --preset dev "$@"
