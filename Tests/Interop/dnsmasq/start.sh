#!/usr/bin/env bash
# Starts a dnsmasq for one interop test (dnsmasq.conf next to this script, plus the records
# file given) in the background and waits, for at most START_TIMEOUT seconds (default 10),
# until it answers on UDP 127.0.0.1:PORT.
#
#   start.sh RUNDIR PORT RECORDS
#
# RECORDS is a dnsmasq configuration fragment with the test's records (srv-host=,
# host-record=, ...). RUNDIR (created if missing) gets dnsmasq.pid and dnsmasq.log. Prints
# the PID on success; on failure prints the log to stderr, stops what it started and exits
# non-zero. Stop with stop.sh RUNDIR. DNSMASQ overrides the binary.
set -euo pipefail

say() { printf 'dnsmasq/start.sh: %s\n' "$*" >&2; }

if (($# != 3)); then
    say "usage: start.sh RUNDIR PORT RECORDS"
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../peer-process.sh"
rundir=$1
port=$2
records=$3
timeout=${START_TIMEOUT:-10}
dnsmasq=${DNSMASQ:-$(command -v dnsmasq || echo /usr/sbin/dnsmasq)}

if [[ ! -x $dnsmasq ]]; then
    say "dnsmasq is not installed; 'make test' installs the Debian package 'dnsmasq-base'"
    exit 3
fi
if [[ ! $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    say "bad port: $port"
    exit 2
fi
if [[ ! -r $records ]]; then
    say "cannot read $records"
    exit 2
fi
mkdir -p "$rundir"
rundir=$(cd "$rundir" && pwd)
log=$rundir/dnsmasq.log
rm -f "$rundir/dnsmasq.pid"

# --keep-in-foreground: the PID is dnsmasq's, the leader of its own group; --user=root keeps
# it from switching to a user that may not exist here and cannot read RUNDIR.
start_detached "$log" "$dnsmasq" --keep-in-foreground --conf-file="$here/dnsmasq.conf" \
    --conf-file="$records" --port="$port" --user=root --group=root --pid-file= --log-facility=-
pid=$DETACHED_PID
echo "$pid" >"$rundir/dnsmasq.pid"

bound() {
    local hex
    hex=$(printf '0100007F:%04X' "$port")
    awk -v local="$hex" '$2 == local && $4 == "07" { found = 1 } END { exit !found }' /proc/net/udp
}

deadline=$((SECONDS + timeout))
while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
        say "dnsmasq exited during start-up; its log ($log):"
        cat "$log" >&2
        rm -f "$rundir/dnsmasq.pid"
        exit 1
    fi
    if bound; then
        echo "$pid"
        exit 0
    fi
    if ((SECONDS >= deadline)); then
        say "dnsmasq did not listen on 127.0.0.1:$port within ${timeout}s; its log ($log):"
        cat "$log" >&2
        "$here/stop.sh" "$rundir" >&2 || true
        exit 1
    fi
    sleep 0.05
done
