#!/usr/bin/env bash
# Stops the Kamailio that start.sh started in RUNDIR, by the PID in RUNDIR/kamailio.pid. start.sh
# runs it with setsid, so that PID is also its process group: SIGTERM goes to the main process
# (which stops its children; signalling them too makes its shutdown wait seconds), and SIGKILL
# to whatever of the group still runs after STOP_TIMEOUT seconds (default 5). A missing PID
# file or a process already gone is not an error. Removes the PID file.
#
#   stop.sh RUNDIR
set -euo pipefail

say() { printf 'kamailio/stop.sh: %s\n' "$*" >&2; }

if (($# != 1)); then
    say "usage: stop.sh RUNDIR"
    exit 2
fi
pidfile=$1/kamailio.pid
timeout=${STOP_TIMEOUT:-5}
[[ -f $pidfile ]] || exit 0
pid=$(<"$pidfile")
if [[ ! $pid =~ ^[0-9]+$ ]] || ((pid <= 1)); then
    say "bad PID file $pidfile"
    exit 1
fi

# The live (not zombie) processes of group $pid that are kamailio: the PID file may be stale
# and the numbers reused, so nothing else is signalled.
members() {
    local stat comm
    for stat in /proc/[0-9]*/stat; do
        { read -r -a fields <"$stat"; } 2>/dev/null || continue
        # fields: pid (comm) state ppid pgrp ...; comm has no spaces for kamailio.
        [[ ${fields[4]:-} == "$pid" && ${fields[2]:-} != Z && ${fields[2]:-} != X ]] || continue
        comm=${fields[1]:-}
        [[ $comm == "(kamailio)" ]] && echo "${fields[0]}"
    done
}

signal_all() {
    local member
    for member in $(members); do kill "-$1" "$member" 2>/dev/null || true; done
}

if [[ -n $(members) ]]; then
    if [[ " $(members | tr '\n' ' ') " == *" $pid "* ]]; then
        kill -TERM "$pid" 2>/dev/null || true
    else
        signal_all TERM
    fi
    deadline=$((SECONDS + timeout))
    while [[ -n $(members) ]]; do
        if ((SECONDS >= deadline)); then
            say "kamailio group $pid still running after ${timeout}s; sending SIGKILL"
            signal_all KILL
            break
        fi
        sleep 0.05
    done
fi
rm -f "$pidfile"
