#!/usr/bin/env bash
# Stops the dnsmasq that start.sh started in RUNDIR, by the PID in RUNDIR/dnsmasq.pid (see
# ../peer-process.sh). A missing PID file or a process already gone is not an error.
#
#   stop.sh RUNDIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../peer-process.sh"

if (($# != 1)); then
    printf 'dnsmasq/stop.sh: usage: stop.sh RUNDIR\n' >&2
    exit 2
fi
stop_group "$1/dnsmasq.pid" dnsmasq "${STOP_TIMEOUT:-5}"
