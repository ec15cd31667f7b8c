#!/usr/bin/env bash
# Starts Baton: the desktop app where an Electron binary and a display are available, otherwise the
# headless host (SPEC L30), which prints the address to open in a browser. The headless host runs
# under a small supervisor (scripts/supervise-host.sh) that relaunches it after a restart (exit
# code 75), stops otherwise, and keeps secrets out of every process environment (R4).
#
#   bash scripts/start.sh [--data-dir DIR] [--port N] [--host ADDR --allow-remote]
#
# Flags are passed to the headless host (see `node electron/host/main.ts --help` for the list).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node24.sh"   # Node 24 on PATH, npm ci when needed, cd to the repo

say() { echo "[start] $*" >&2; }

# ── the renderer ──────────────────────────────────────────────────────────────────────────────
build_renderer() {
  if [ ! -f renderer/vite.config.ts ]; then
    say "No renderer/vite.config.ts here; skipping the window build (the host will say how to build it)."
    return 0
  fi
  local built=renderer/dist/index.html
  if [ -f "$built" ] && [ -z "$(find renderer/src renderer/index.html renderer/vite.config.ts shared -newer "$built" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  say "Building the window (renderer/dist)..."
  if ! npx vite build --config renderer/vite.config.ts --logLevel warn >&2; then
    say "The window build failed; starting anyway (the page will say it is not built)."
  fi
}
build_renderer

# ── the headless host as one bundle (issue 13: a faster start); the supervisor runs the sources
# whenever the bundle is missing or older than them ────────────────────────────────────────────
build_host() {
  local built=out/host/main.js
  if [ -f "$built" ] && [ -z "$(find electron shared package-lock.json -newer "$built" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  say "Building the headless host (out/host)..."
  npx vite build --config electron/host/vite.config.ts --logLevel warn >&2 || say "The host build failed; running it from the sources."
}
# ── desktop, when it can run ─────────────────────────────────────────────────────────────────
electron_bin=node_modules/electron/dist/electron
why_headless=""
if [ ! -x "$electron_bin" ]; then
  why_headless="no Electron binary here ($electron_bin is missing)"
elif [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  why_headless="no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
elif ! node -e 'process.exit(require("./package.json").main ? 0 : 1)' 2>/dev/null; then
  why_headless="the desktop shell is not built (package.json has no \"main\")"
fi
if [ -z "$why_headless" ]; then
  if [ ! -f out/main/index.js ] || [ -n "$(find electron shared renderer/src -newer out/main/index.js -print -quit 2>/dev/null)" ]; then
    say "Building the desktop app (out/)..."
    npx electron-vite build >&2 || { say "The desktop build failed."; exit 1; }
  fi
  say "Starting the desktop app."
  exec "$electron_bin" . "$@"
fi
say "Running the headless host: $why_headless."
build_host

# ── headless host under a supervisor ─────────────────────────────────────────────────────────
# The supervisor relaunches the host after a restart (exit 75) and passes signals on; it also
# takes API keys and the access token out of every process environment (R4): see its header.
exec bash scripts/supervise-host.sh "$@"
