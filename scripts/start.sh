#!/usr/bin/env bash
# Starts Baton: the desktop app where an Electron binary and a display are available, otherwise the
# headless host (SPEC L30), which prints the address to open in a browser. The headless host runs
# under a small supervisor that relaunches it after a restart (exit code 75) and stops otherwise.
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

# ── headless host under a supervisor ─────────────────────────────────────────────────────────
# Signals sent to this script are passed on, so SIGTERM/SIGINT quit and SIGUSR1 restarts through
# the drain exactly as if they had been sent to the host itself.
# The host keeps its port and access token in the data dir (host.json, SPEC L33), so every relaunch,
# and running this script again, serves the same URL; no token needs to pass through here.

child=""
forward() { [ -n "$child" ] && kill "-$1" "$child" 2>/dev/null; }
trap 'forward TERM' TERM
trap 'forward INT' INT
trap 'forward HUP' HUP
trap 'forward USR1' USR1

while true; do
  node electron/host/main.ts "$@" &
  child=$!
  # --new-token is for the first launch only: a relaunch keeps the token the open windows hold (L33).
  kept=(); for arg in "$@"; do [ "$arg" = --new-token ] || kept+=("$arg"); done
  set -- ${kept[@]+"${kept[@]}"}
  # `wait` returns early when a trapped signal arrives; keep waiting until the host has exited.
  while true; do
    wait "$child"
    status=$?
    kill -0 "$child" 2>/dev/null || break
  done
  child=""
  if [ "$status" -eq 75 ]; then
    say "Baton asked to be restarted; starting it again."
    continue
  fi
  exit "$status"
done
