#!/usr/bin/env bash
# The headless host's supervisor (SPEC L30): runs `node electron/host/main.ts`, relaunches it after a
# restart (exit code 75) and stops otherwise. Signals sent to this script are passed on, so
# SIGTERM/SIGINT quit and SIGUSR1 restarts through the drain exactly as if sent to the host.
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

child=""
forward() { [ -n "$child" ] && kill "-$1" "$child" 2>/dev/null; }
trap 'forward TERM' TERM
trap 'forward INT' INT
trap 'forward HUP' HUP
trap 'forward USR1' USR1

while true; do
  BATON_HANDOFF_FD=3 node electron/host/main.ts "$@" 3< <(printf '%s\0' ${held[@]+"${held[@]}"}) &
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
