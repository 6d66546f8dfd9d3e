#!/usr/bin/env bash
# Stops the Kamailio that start.sh started in RUNDIR, by the PID in RUNDIR/kamailio.pid (its
# process group: SIGTERM to the main process, SIGKILL to what still runs after STOP_TIMEOUT
# seconds, default 5; see ../peer-process.sh). A missing PID file or a process already gone is
# not an error. STOP_SIGNAL=KILL kills the whole group at once instead (a crash).
#
#   stop.sh RUNDIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../peer-process.sh"

if (($# != 1)); then
    printf 'kamailio/stop.sh: usage: stop.sh RUNDIR\n' >&2
    exit 2
fi
stop_group "$1/kamailio.pid" kamailio "${STOP_TIMEOUT:-5}"
