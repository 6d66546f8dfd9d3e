#!/usr/bin/env bash
# Stops the baresip started by start.sh RUNDIR: SIGTERM to its process group (by the PID in
# RUNDIR/baresip.pid), SIGKILL after STOP_TIMEOUT seconds (default 5). Exits 0 when it is gone.
#
#   stop.sh RUNDIR
set -euo pipefail

say() { printf 'baresip/stop.sh: %s\n' "$*" >&2; }

if (($# != 1)); then
    say "usage: stop.sh RUNDIR"
    exit 2
fi
pidfile=$1/baresip.pid
timeout=${STOP_TIMEOUT:-5}
[[ -f $pidfile ]] || exit 0
pid=$(<"$pidfile")
if [[ ! $pid =~ ^[0-9]+$ ]]; then
    say "bad PID in $pidfile: $pid"
    exit 1
fi
# start.sh made it a process group leader: signal the group.
kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + timeout))
while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
        say "baresip ($pid) ignored SIGTERM for ${timeout}s: SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        sleep 0.1
        break
    fi
    sleep 0.05
done
if kill -0 "$pid" 2>/dev/null; then
    say "baresip ($pid) is still running"
    exit 1
fi
rm -f "$pidfile"
