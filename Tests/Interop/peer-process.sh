# Process handling shared by the interop peers' start.sh and stop.sh (Kamailio, baresip):
# source it, then call the functions.
#
#   start_detached LOG PROGRAM [ARGUMENT...]   starts PROGRAM as the leader of a new process
#                                             group, stdin from /dev/null, stdout and stderr to
#                                             LOG, descriptors above 2 closed and the signal
#                                             mask cleared; sets DETACHED_PID.
#   stop_group PIDFILE NAME [TIMEOUT]         stops the group whose leader's PID is in PIDFILE:
#                                             SIGTERM to the leader, SIGKILL to what of the
#                                             group still runs after TIMEOUT seconds (default
#                                             5); only processes whose command is NAME are
#                                             signalled (the PID file may be stale and the
#                                             number reused). A missing PID file or a process
#                                             already gone is not an error; removes PIDFILE.
#                                             With STOP_SIGNAL=KILL the whole group gets
#                                             SIGKILL at once: a crash, not a shutdown.

start_detached() {
    local log=$1
    shift
    # The peer must not inherit the caller's descriptors (a test runner's sockets and pipes).
    local fd
    for fd in /proc/$$/fd/*; do
        fd=${fd##*/}
        if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    # setsid: a process group of its own (its PGID is its PID), so stop_group reaches its
    # children. A test runner may block signals (SIGTERM among them) and a child inherits the
    # mask, which would make the peer deaf to stop_group: perl (perl-base is Essential in
    # Debian) clears the mask and execs the peer in the same process, so $! is the peer.
    setsid perl -MPOSIX -e 'sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die "sigprocmask: $!\n";
        exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n"' "$@" </dev/null >"$log" 2>&1 &
    DETACHED_PID=$!
}

# The live (not zombie) processes of group $1 whose command is $2.
group_members() {
    local group=$1 name=$2 stat
    local -a fields
    for stat in /proc/[0-9]*/stat; do
        { read -r -a fields <"$stat"; } 2>/dev/null || continue
        # fields: pid (comm) state ppid pgrp ...; the peers' command names have no spaces.
        [[ ${fields[4]:-} == "$group" && ${fields[2]:-} != Z && ${fields[2]:-} != X ]] || continue
        [[ ${fields[1]:-} == "($name)" ]] && echo "${fields[0]}"
    done
}

stop_group() {
    local pidfile=$1 name=$2 timeout=${3:-5} pid member deadline
    [[ -f $pidfile ]] || return 0
    pid=$(<"$pidfile")
    if [[ ! $pid =~ ^[0-9]+$ ]] || ((pid <= 1)); then
        printf '%s: bad PID file %s\n' "$name" "$pidfile" >&2
        return 1
    fi
    if [[ ${STOP_SIGNAL:-TERM} == KILL ]]; then
        for member in $(group_members "$pid" "$name"); do kill -KILL "$member" 2>/dev/null || true; done
        deadline=$((SECONDS + timeout))
        while [[ -n $(group_members "$pid" "$name") ]] && ((SECONDS < deadline)); do sleep 0.05; done
    elif [[ -n $(group_members "$pid" "$name") ]]; then
        if [[ " $(group_members "$pid" "$name" | tr '\n' ' ') " == *" $pid "* ]]; then
            # The leader stops its children (signalling them too can make its shutdown slow).
            kill -TERM "$pid" 2>/dev/null || true
        else
            for member in $(group_members "$pid" "$name"); do kill -TERM "$member" 2>/dev/null || true; done
        fi
        deadline=$((SECONDS + timeout))
        while [[ -n $(group_members "$pid" "$name") ]]; do
            if ((SECONDS >= deadline)); then
                printf '%s: group %s still running after %ss; sending SIGKILL\n' "$name" "$pid" "$timeout" >&2
                for member in $(group_members "$pid" "$name"); do kill -KILL "$member" 2>/dev/null || true; done
                break
            fi
            sleep 0.05
        done
    fi
    rm -f "$pidfile"
}
