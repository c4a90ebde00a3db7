#!/usr/bin/env bash
# Proves that `make check-imports` enforces the table of ARCHITECTURE.md:
# the real table passes the real imports; a table with a rule removed, an
# import the table forbids and a package without a row each fail.
set -euo pipefail
cd "$(dirname "$0")/.."
m=github.com/standortatlas/standortatlas
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go list -f '{{.ImportPath}} {{join .Imports " "}}' ./... >"$tmp/imports"
check() { awk -f .ci/check-imports.awk "$1" "$2" >"$tmp/out" 2>&1; }
fail=0
expect_fail() { # name table imports
	if check "$2" "$3"; then echo "check-imports-test: $1: passed, must fail"; fail=1; else echo "check-imports-test: $1: fails as it must: $(head -1 "$tmp/out")"; fi
}
if ! check ARCHITECTURE.md "$tmp/imports"; then cat "$tmp/out"; echo "check-imports-test: the real imports fail the real table"; exit 1; fi
# 1. The web row no longer allows atlas/analysis (which web imports).
sed 's/^\(| `atlas\/web` |.*|\) `atlas`, `atlas\/analysis`,/\1 `atlas`,/' ARCHITECTURE.md >"$tmp/arch-web"
cmp -s ARCHITECTURE.md "$tmp/arch-web" && { echo "check-imports-test: could not edit the atlas/web row"; exit 1; }
expect_fail "table without atlas/web → atlas/analysis" "$tmp/arch-web" "$tmp/imports"
# 2. atlas/web imports the tile encoder, which its row does not allow.
{ cat "$tmp/imports"; echo "$m/atlas/web $m/atlas $m/tiles"; } >"$tmp/imports-tiles"
expect_fail "atlas/web importing tiles" ARCHITECTURE.md "$tmp/imports-tiles"
# 3. The domain imports the HTTP layer.
{ cat "$tmp/imports"; echo "$m/atlas $m/geo $m/atlas/web"; } >"$tmp/imports-cycle"
expect_fail "atlas importing atlas/web" ARCHITECTURE.md "$tmp/imports-cycle"
# 4. A new top-level package without a row.
{ cat "$tmp/imports"; echo "$m/util $m/atlas"; } >"$tmp/imports-new"
expect_fail "package without a row" ARCHITECTURE.md "$tmp/imports-new"
exit $fail
