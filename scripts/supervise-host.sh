#!/usr/bin/env bash
# The headless host's supervisor (SPEC L30, L33): runs `node electron/host/main.ts` (or its bundle) and
#   - starts it again at once after a restart drain (EXIT_CODES.relaunch),
#   - stops after a quit, a forced quit, a bad command line or a start that cannot succeed
#     (EXIT_CODES.quit / forced / usage / startFailed: starting again cannot help),
#   - recovers any other exit (a crash: an uncaught exception, SIGKILL, SIGSEGV, …) by starting it
#     again after a backoff (1 s, doubling up to 30 s; back to 1 s once a launch ran for a minute),
#     and gives up after CRASH_LIMIT crashes within CRASH_WINDOW_S seconds, saying why and leaving the
#     store as it is for inspection (the next start runs its integrity check, L14).
# The exit codes come from shared/lifecycle.ts (one table). The host keeps its address in the data
# dir (host.json), so every launch is reachable at the same URL and open windows reconnect.
# Signals sent to this script are passed on, so SIGTERM/SIGINT quit and SIGUSR1 restarts through the
# drain exactly as if sent to the host.
#
#   bash scripts/supervise-host.sh [host flags...]      (scripts/start.sh runs it with Node 24 on PATH)
#
# R4: no secret in any process environment. Any process of the user can read
# /proc/<pid>/environ, which is the environment a process was started with (unsetting a variable
# does not change it). So this script runs in two stages:
#   1. started with the user's environment, it reads the secrets in it (the names and value shapes
#      of electron/core/agent/tools/command-environment.ts, asked of Node so there is one table),
#      then replaces itself (exec, same pid) with stage 2, started without them; they cross the exec
#      on descriptor 3, a pipe;
#   2. holds them in unexported shell variables, and hands them to each host it launches on a fresh
#      pipe (descriptor 3, named by BATON_HANDOFF_FD), never through the environment.
set -uo pipefail
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
cd "$(dirname "$self")/.."

say() { echo "[start] $*" >&2; }

held=()   # NAME=value entries, in this shell's memory only

if [ "${BATON_SUPERVISOR_STAGE:-}" != clean ]; then
  while IFS= read -r -d '' entry; do [ -n "$entry" ] && held+=("$entry"); done < <(node electron/host/secret-handoff.ts --print-secrets)
  for entry in ${held[@]+"${held[@]}"}; do unset "${entry%%=*}"; done
  export BATON_SUPERVISOR_STAGE=clean
  exec bash "$self" "$@" 3< <(printf '%s\0' ${held[@]+"${held[@]}"})
fi

export -n BATON_SUPERVISOR_STAGE
if { true <&3; } 2>/dev/null; then
  while IFS= read -r -d '' entry; do [ -n "$entry" ] && held+=("$entry"); done <&3
  exec 3<&-
fi

# No token is made here: the host keeps its port and token in the data dir (host.json, SPEC L33), so
# every relaunch, and running the start command again, serves the same URL. A BATON_ACCESS_TOKEN
# handed in still overrides it for the launches of this session.

# One table of exit codes (shared/lifecycle.ts), read once.
eval "$(node --input-type=module -e "import { EXIT_CODES } from './shared/lifecycle.ts'; for (const [name, code] of Object.entries(EXIT_CODES)) console.log('EXIT_' + name + '=' + code);")" \
  || { say "Could not read Baton's exit codes (shared/lifecycle.ts)."; exit 1; }
# The host as one bundle (out/host/main.js, `npm run build:host`) when no source or dependency is
# newer than it: it starts several times faster (issue 13). Otherwise the sources, never a stale build.
host_main=electron/host/main.ts
if [ -f out/host/main.js ] && [ -z "$(find electron shared package-lock.json -newer out/host/main.js -print -quit 2>/dev/null)" ]; then
  host_main=out/host/main.js
fi
CRASH_LIMIT="${BATON_CRASH_LIMIT:-5}"
CRASH_WINDOW_S="${BATON_CRASH_WINDOW_S:-120}"
BACKOFF_MAX_S=30
HEALTHY_AFTER_S=60
crashes=()     # when recent crashes happened (seconds since the epoch)
backoff=1
quitting=no

child=""
forward() { [ "$1" = USR1 ] || quitting=yes; [ -n "$child" ] && kill "-$1" "$child" 2>/dev/null; }
trap 'forward TERM' TERM
trap 'forward INT' INT
trap 'forward HUP' HUP
trap 'forward USR1' USR1

while true; do
  started=$(date +%s)
  BATON_HANDOFF_FD=3 node "$host_main" "$@" 3< <(printf '%s\0' ${held[@]+"${held[@]}"}) &
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
  ran_for=$(( $(date +%s) - started ))
  case "$status" in
    "$EXIT_relaunch")
      # The host quits when a quit joins its restart drain (joinExit); a quit that reached this
      # script only as the host was already exiting for the restart still wins.
      if [ "$quitting" = yes ]; then exit "$EXIT_quit"; fi
      say "Baton asked to be restarted; starting it again."
      continue ;;
    "$EXIT_quit" | "$EXIT_forced" | "$EXIT_usage" | "$EXIT_startFailed")
      exit "$status" ;;
  esac
  # A crash. A person who asked Baton to quit meanwhile gets their quit, not a relaunch.
  if [ "$quitting" = yes ]; then exit "$status"; fi
  now=$(date +%s)
  recent=(); for at in ${crashes[@]+"${crashes[@]}"}; do [ $(( now - at )) -lt "$CRASH_WINDOW_S" ] && recent+=("$at"); done
  crashes=(${recent[@]+"${recent[@]}"} "$now")
  if [ "${#crashes[@]}" -ge "$CRASH_LIMIT" ]; then
    say "Baton stopped unexpectedly ${#crashes[@]} times within ${CRASH_WINDOW_S} seconds (last exit status $status); not starting it again. Its data is left as it is for inspection; run the start command again when ready."
    exit "$status"
  fi
  if [ "$ran_for" -ge "$HEALTHY_AFTER_S" ]; then backoff=1; fi
  say "Baton stopped unexpectedly (exit status $status); starting it again in ${backoff} s."
  sleep "$backoff" & wait $! 2>/dev/null
  [ "$quitting" = yes ] && exit "$status"
  backoff=$(( backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : backoff * 2 ))
done
