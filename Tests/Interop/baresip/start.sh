#!/usr/bin/env bash
# Starts a headless baresip for the SwiftSIP interop tests and waits, for at most
# START_TIMEOUT seconds (default 10), until its ctrl_tcp socket accepts connections.
#
#   start.sh RUNDIR SIPPORT CTRLPORT ACCOUNT
#
# RUNDIR (created if missing) gets the config folder baresip runs with (config, accounts, from
# config.template next to this script), baresip.pid and baresip.log. baresip listens for SIP on
# 127.0.0.1:SIPPORT (UDP and TCP; it also binds SIPPORT+1 for TLS, so give instances even ports
# two apart) and takes ctrl_tcp commands (netstring JSON) on 127.0.0.1:CTRLPORT. ACCOUNT is one
# line of baresip's accounts file, for example
#   <sip:gate@127.0.0.1:5070>;auth_pass=gate-secret;answermode=auto;regint=60
# It has no sound card: by default it sends a 440 Hz sine (ausine) and plays into a bridge that
# nothing reads (aubridge). BARESIP overrides the binary. Optional, from the environment:
#   AUDIO_SOURCE    baresip's audio_source (default ausine,440), e.g. aufile,/path/mic.wav (a
#                   16-bit mono WAV; aufile sends it once, at its own rate, then stops)
#   AUDIO_SRATE     ausrc_srate and auplay_srate [Hz] (default 48000)
#   AUDIO_CHANNELS  ausrc_channels and auplay_channels (default 2)
#   RECORD_DIR      load the sndfile filter: each call's decoded received audio goes to
#                   RECORD_DIR/dump-TIMESTAMP-dec.wav and its sent audio to …-enc.wav (created) Prints the PID on success; on failure prints
# the log to stderr, stops what it started and exits non-zero. Stop with stop.sh RUNDIR.
set -euo pipefail

say() { printf 'baresip/start.sh: %s\n' "$*" >&2; }

if (($# != 4)); then
    say "usage: start.sh RUNDIR SIPPORT CTRLPORT ACCOUNT"
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../peer-process.sh"
rundir=$1
sipport=$2
ctrlport=$3
account=$4
timeout=${START_TIMEOUT:-10}
baresip=${BARESIP:-$(command -v baresip || echo /usr/bin/baresip)}

if [[ ! -x $baresip ]]; then
    say "baresip is not installed; 'make test' installs the Debian package 'baresip'"
    exit 3
fi
for port in "$sipport" "$ctrlport"; do
    if [[ ! $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65534)); then
        say "bad port: $port"
        exit 2
    fi
done
if [[ ! -d /usr/lib/baresip/modules ]]; then
    say "no /usr/lib/baresip/modules: is the Debian package 'baresip' complete?"
    exit 3
fi

audio_source=${AUDIO_SOURCE:-ausine,440}
audio_srate=${AUDIO_SRATE:-48000}
audio_channels=${AUDIO_CHANNELS:-2}
record_dir=${RECORD_DIR:-}
if [[ ! $audio_srate =~ ^[0-9]+$ || ! $audio_channels =~ ^[12]$ ]]; then
    say "bad AUDIO_SRATE ($audio_srate) or AUDIO_CHANNELS ($audio_channels)"
    exit 2
fi
if [[ $audio_source == aufile,* && ! -r ${audio_source#aufile,} ]]; then
    say "AUDIO_SOURCE: cannot read ${audio_source#aufile,}"
    exit 2
fi
# The values go into sed replacements: no |, & or backslash, no newline.
for value in "$audio_source" "$record_dir"; do
    if [[ $value == *[\|\&\\]* || $value == *$'\n'* ]]; then
        say "AUDIO_SOURCE and RECORD_DIR may not contain |, & or a backslash: $value"
        exit 2
    fi
done
record_prefix='#'
if [[ -n $record_dir ]]; then
    mkdir -p "$record_dir"
    record_dir=$(cd "$record_dir" && pwd)
    record_prefix=''
fi

mkdir -p "$rundir"
rundir=$(cd "$rundir" && pwd)
log=$rundir/baresip.log
rm -f "$rundir/baresip.pid"
sed -e "s/@SIPPORT@/$sipport/g" -e "s/@CTRLPORT@/$ctrlport/g" \
    -e "s|@AUDIO_SOURCE@|$audio_source|g" -e "s/@AUDIO_SRATE@/$audio_srate/g" \
    -e "s/@AUDIO_CHANNELS@/$audio_channels/g" -e "s|@RECORD@|$record_prefix|g" \
    -e "s|@RECORD_DIR@|${record_dir:-none}|g" "$here/config.template" >"$rundir/config"
printf '%s\n' "$account" >"$rundir/accounts"
: >"$rundir/contacts"

start_detached "$log" "$baresip" -f "$rundir"
pid=$DETACHED_PID
echo "$pid" >"$rundir/baresip.pid"

# Whether baresip itself listens on 127.0.0.1:port (TCP). Another program listening there
# would accept the tests' connections in its place (seen in CI: ctrl_tcp's bind failed on a
# port taken by another test's peer, and the test talked to that peer), so the socket's inode
# must be one of baresip's descriptors.
listening() {
    local hex inode
    hex=$(printf '0100007F:%04X' "$1")
    inode=$(awk -v local="$hex" '$2 == local && $4 == "0A" { print $10; exit }' /proc/net/tcp)
    [[ -n $inode ]] || return 1
    local fd
    for fd in /proc/"$pid"/fd/*; do
        [[ $(readlink "$fd" 2>/dev/null) == "socket:[$inode]" ]] && return 0
    done
    return 1
}

deadline=$((SECONDS + timeout))
while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
        say "baresip exited during start-up; its log ($log):"
        cat "$log" >&2
        rm -f "$rundir/baresip.pid"
        exit 1
    fi
    if listening "$ctrlport" && listening "$sipport"; then
        echo "$pid"
        exit 0
    fi
    if grep -q 'Address already in use' "$log" 2>/dev/null; then
        say "a port of baresip's is taken (SIP $sipport or ctrl_tcp $ctrlport); its log ($log):"
        cat "$log" >&2
        "$here/stop.sh" "$rundir" >&2 || true
        exit 1
    fi
    if ((SECONDS >= deadline)); then
        say "baresip did not listen on 127.0.0.1:$ctrlport within ${timeout}s; its log ($log):"
        cat "$log" >&2
        "$here/stop.sh" "$rundir" >&2 || true
        exit 1
    fi
    sleep 0.05
done
