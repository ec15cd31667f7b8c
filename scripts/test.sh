#!/usr/bin/env bash
# The one command that runs every check: lint, type-check, the renderer and desktop builds, the
# Vitest suite (unit + integration), the Playwright end-to-end flows in Debian's Chromium, the
# desktop scenarios in the Electron contract harness and the desktop smoke test.
# On a fresh machine it sets up what it needs first: Node 24 and the npm packages (node24.sh), and
# Debian's chromium and bubblewrap through apt when they are missing and this is root.
# Its last line is always "N passed, N failed" and it exits non-zero on any failure.
set -uo pipefail
export DEBIAN_FRONTEND=noninteractive ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# bubblewrap: the shell tool's sandbox (R4), whose tests run for real where it can create namespaces.
if { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/bwrap ]; } && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  echo "== installing Chromium and bubblewrap (apt)"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core bubblewrap > /tmp/baton-apt.log 2>&1 \
    || { echo "apt-get install chromium bubblewrap failed:"; tail -20 /tmp/baton-apt.log; }
fi
source "$(dirname "${BASH_SOURCE[0]}")/node24.sh"
rm -rf test-results/vitest.json test-results/playwright.json test-results/electron.json test-results/electron-harness.json
mkdir -p test-results
failed_steps=0
echo "== lint"; npx eslint . || failed_steps=$((failed_steps + 1))
echo "== type-check"; npx tsc -b || failed_steps=$((failed_steps + 1))
# Electron security scan (@doyensec/electronegativity): any high-severity finding fails the run.
echo "== security scan"; node tests/electron/security-scan.ts || failed_steps=$((failed_steps + 1))
echo "== renderer build"; npx vite build --config renderer/vite.config.ts --logLevel warn || failed_steps=$((failed_steps + 1))
# The desktop main process as built (out/main, out/preload, out/renderer): the packaged-archive
# check in the unit tests and the harness scenarios below run it.
echo "== desktop build (electron-vite)"; npx electron-vite build --logLevel warn || failed_steps=$((failed_steps + 1))
# The headless host as one bundle (out/host/main.js, issue 13): what the start command runs.
echo "== host build"; npx vite build --config electron/host/vite.config.ts --logLevel warn || failed_steps=$((failed_steps + 1))
echo "== unit and integration tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
vitest_status=$?
playwright_status=0
if [ -f playwright.config.ts ]; then
  echo "== end-to-end flows (Playwright + Chromium)"
  if [ -x /usr/bin/chromium ]; then
    npx playwright test   # playwright.config.ts writes test-results/playwright.json
    playwright_status=$?
  else
    echo "Chromium is missing (/usr/bin/chromium): install it with 'apt-get install -y chromium' (this script does, as root)."
    playwright_status=1
  fi
fi
harness_status=0
echo "== desktop scenarios (Electron contract harness: the built main process, real Chromium, real electron-updater)"
if [ -x /usr/bin/chromium ]; then
  npx playwright test -c tests/electron-harness/playwright.harness.config.ts   # writes test-results/electron-harness.json
  harness_status=$?
else
  echo "Chromium is missing (/usr/bin/chromium): the harness windows need it."
  harness_status=1
fi
echo "== desktop smoke (Electron; skips with its reason where no Electron binary can run)"
npx playwright test -c tests/electron/playwright.electron.config.ts || failed_steps=$((failed_steps + 1))
node scripts/summarize-tests.ts "$failed_steps" "$vitest_status" "$playwright_status" "$harness_status"
