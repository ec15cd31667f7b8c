#!/usr/bin/env bash
# The one command that runs every check: lint, type-check, then the whole test suite.
# Its last line is always "N passed, N failed" and it exits non-zero on any failure.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node24.sh"
mkdir -p test-results
failed_steps=0
echo "== lint"; npx eslint . || failed_steps=$((failed_steps + 1))
echo "== type-check"; npx tsc -b || failed_steps=$((failed_steps + 1))
echo "== tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
vitest_status=$?
node scripts/summarize-tests.ts test-results/vitest.json "$failed_steps" "$vitest_status"
