#!/usr/bin/env bash
# Starts the SwiftSIP interop Kamailio (kamailio.cfg next to this script) in the background and
# waits, for at most START_TIMEOUT seconds (default 10), until it listens on UDP and TCP
# 127.0.0.1:PORT (and on the TLS and WebSocket ports when asked) and answers on its ctl socket.
#
#   start.sh RUNDIR [PORT]
#   TLS_PORT=5071 WS_PORT=5072 start.sh RUNDIR [PORT]
#
# RUNDIR (created if missing) gets kamailio.pid, kamailio.log (stderr and stdout of Kamailio)
# and the ctl socket kamailio_ctl (`kamcmd -s unix:RUNDIR/kamailio_ctl ul.dump`). PORT defaults
# to 5070. KAMAILIO and KAMCMD override the binaries. Prints the PID on success; on failure
# prints the log to stderr, stops what it started and exits non-zero. Stop with stop.sh RUNDIR.
#
# Optional, from the environment:
#   TLS_PORT      also listen for SIP over TLS on tls:127.0.0.1:TLS_PORT (tls.cfg, copied to
#                 RUNDIR/tls.cfg with the certificate folder filled in)
#   TLS_CERT_DIR  the folder with server.pem, server-key.pem and ca.pem (default
#                 Tests/SIPStackTests/Fixtures/tls)
#   TLS_REQUIRE_CLIENT_CERT  1: the TLS listener requires a client certificate from ca.pem
#   WS_PORT       also accept SIP over WebSocket on tcp:127.0.0.1:WS_PORT (websocket.cfg)
#   DIGEST_ALGORITHM  MD5 (the default) or SHA-256: the algorithm of Kamailio's digest
#                 challenges (the auth module's `algorithm`; it then verifies only that one)
#   MAX_EXPIRES   the longest registration Kamailio grants [s] (10 or more; default 3600)
set -euo pipefail

say() { printf 'kamailio/start.sh: %s\n' "$*" >&2; }

if (($# < 1 || $# > 2)); then
    say "usage: start.sh RUNDIR [PORT]"
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../peer-process.sh"
rundir=$1
port=${2:-5070}
timeout=${START_TIMEOUT:-10}
kamailio=${KAMAILIO:-$(command -v kamailio || echo /usr/sbin/kamailio)}
kamcmd=${KAMCMD:-$(command -v kamcmd || echo /usr/sbin/kamcmd)}

if [[ ! -x $kamailio || ! -x $kamcmd ]]; then
    say "kamailio or kamcmd is not installed; 'make test' installs the Debian package 'kamailio'"
    exit 3
fi
valid_port() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= 65535)); }
if ! valid_port "$port"; then
    say "bad port: $port"
    exit 2
fi
tls_port=${TLS_PORT:-}
ws_port=${WS_PORT:-}
certdir=${TLS_CERT_DIR:-$here/../../SIPStackTests/Fixtures/tls}
for extra in "$tls_port" "$ws_port"; do
    if [[ -n $extra ]] && ! valid_port "$extra"; then
        say "bad port: $extra"
        exit 2
    fi
done
if [[ -n $tls_port ]]; then
    if [[ ! -r $certdir/server.pem || ! -r $certdir/server-key.pem || ! -r $certdir/ca.pem ]]; then
        say "TLS_CERT_DIR ($certdir) lacks server.pem, server-key.pem or ca.pem"
        exit 2
    fi
    certdir=$(cd "$certdir" && pwd)
fi

mkdir -p "$rundir"
rundir=$(cd "$rundir" && pwd)
log=$rundir/kamailio.log
ctl=$rundir/kamailio_ctl
rm -f "$rundir/kamailio.pid" "$ctl"

defines=(-A "SIPPORT=$port" -A "CTLSOCK=\"unix:$ctl\"")
if [[ -n $tls_port ]]; then
    # The tls module resolves relative paths against the config's folder and ignores its
    # certificate modparams once it has a config file: give it a copy with absolute paths.
    verify_client=no
    [[ ${TLS_REQUIRE_CLIENT_CERT:-} == 1 ]] && verify_client=yes
    sed -e "s|%CERTDIR%|$certdir|g" -e "s|%VERIFY_CLIENT%|$verify_client|g" "$here/tls.cfg" >"$rundir/tls.cfg"
    defines+=(-A WITH_TLS -A "TLSPORT=$tls_port" -A "TLSCFG=\"$rundir/tls.cfg\"")
fi
if [[ -n $ws_port ]]; then
    defines+=(-A WITH_WS -A "WSPORT=$ws_port")
fi
case ${DIGEST_ALGORITHM:-MD5} in
MD5) ;;
SHA-256) defines+=(-A 'DIGEST_ALGORITHM="SHA-256"') ;;
*)
    say "bad DIGEST_ALGORITHM: $DIGEST_ALGORITHM (MD5 or SHA-256)"
    exit 2
    ;;
esac
if [[ -n ${MAX_EXPIRES:-} ]]; then
    if [[ ! $MAX_EXPIRES =~ ^[0-9]+$ ]] || ((MAX_EXPIRES < 10)); then
        say "bad MAX_EXPIRES: $MAX_EXPIRES (10 or more)"
        exit 2
    fi
    defines+=(-A "MAX_EXPIRES=$MAX_EXPIRES")
fi

# No stdin; -DD keeps it in the foreground, so the PID is Kamailio's main process, the leader
# of its own process group (Kamailio signals its whole group when it shuts down).
start_detached "$log" "$kamailio" -DD -E -f "$here/kamailio.cfg" -m 32 -M 4 -w "$rundir" \
    "${defines[@]}"
pid=$DETACHED_PID
echo "$pid" >"$rundir/kamailio.pid"

# Whether a socket of /proc/net/FILE is bound to 127.0.0.1:PORT (state 0A = LISTEN for TCP,
# 07 = unconnected for UDP); PORT defaults to the SIP port.
bound() {
    local file=$1 state=$2 hex
    hex=$(printf '0100007F:%04X' "${3:-$port}")
    awk -v local="$hex" -v state="$state" '$2 == local && $4 == state { found = 1 } END { exit !found }' "$file"
}

deadline=$((SECONDS + timeout))
while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
        say "kamailio exited during start-up; its log ($log):"
        cat "$log" >&2
        rm -f "$rundir/kamailio.pid"
        exit 1
    fi
    if bound /proc/net/udp 07 && bound /proc/net/tcp 0A &&
        { [[ -z $tls_port ]] || bound /proc/net/tcp 0A "$tls_port"; } &&
        { [[ -z $ws_port ]] || bound /proc/net/tcp 0A "$ws_port"; } && [[ -S $ctl ]] &&
        "$kamcmd" -s "unix:$ctl" core.version >/dev/null 2>&1; then
        echo "$pid"
        exit 0
    fi
    if ((SECONDS >= deadline)); then
        say "kamailio did not listen on 127.0.0.1:$port${tls_port:+ (TLS $tls_port)}${ws_port:+ (WS $ws_port)} within ${timeout}s; its log ($log):"
        cat "$log" >&2
        "$here/stop.sh" "$rundir" >&2 || true
        exit 1
    fi
    sleep 0.05
done
