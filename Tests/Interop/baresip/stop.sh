#!/usr/bin/env bash
# Stops the baresip that start.sh started in RUNDIR, by the PID in RUNDIR/baresip.pid (its
# process group: SIGTERM, then SIGKILL after STOP_TIMEOUT seconds, default 5; see
# ../peer-process.sh). A missing PID file or a process already gone is not an error.
# STOP_SIGNAL=KILL kills it at once instead: it vanishes without a BYE.
#
#   stop.sh RUNDIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../peer-process.sh"

if (($# != 1)); then
    printf 'baresip/stop.sh: usage: stop.sh RUNDIR\n' >&2
    exit 2
fi
stop_group "$1/baresip.pid" baresip "${STOP_TIMEOUT:-5}"
