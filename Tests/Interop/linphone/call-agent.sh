#!/usr/bin/env bash
# Calls a running-from-scratch `intercom` from linphonec on loopback, the way the README tells a
# newcomer to, and checks that audio went both ways. Not part of `make test` (linphone-cli pulls
# in a large part of Qt); run it by hand after changes to SIP, SDP or RTP:
#
#   Tests/Interop/linphone/call-agent.sh [INTERCOM_BINARY]     (default .build/release/intercom)
#
# Needs linphone-cli (apt-get install linphone-cli) and python3. The agent listens on
# 127.0.0.1:AGENT_PORT (default 5070) with 880 Hz beeps as its microphone and a WAV file as its
# loudspeaker; linphonec (SIP 5072, RTP 23072, its own HOME in a temporary folder) calls
# sip:intercom@127.0.0.1:AGENT_PORT with "soundcard use files", plays 523 Hz beeps and records
# what it hears. Passes when the agent answered, each side's recording holds the other side's
# tone (most of its energy at that frequency), and the agent exits on SIGTERM. Exit 0 on pass,
# 1 on a failed check (the logs are printed), 2 on bad usage, 3 when a program is missing.
set -euo pipefail

say() { printf 'linphone/call-agent.sh: %s\n' "$*" >&2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
intercom=${1:-$repo/.build/release/intercom}
port=${AGENT_PORT:-5070}
[[ -x $intercom ]] || { say "no executable $intercom (swift build -c release --product intercom)"; exit 2; }
command -v linphonec >/dev/null || { say "linphonec is not installed: apt-get install linphone-cli"; exit 3; }
command -v python3 >/dev/null || { say "python3 is needed for the checks"; exit 3; }

work=$(mktemp -d /tmp/linphone-call.XXXXXX)
agent_pid=
linphone_pid=
cleanup() {
    exec 3>&- 2>/dev/null || true
    [[ -n $linphone_pid ]] && kill "$linphone_pid" 2>/dev/null || true
    [[ -n $agent_pid ]] && kill -KILL "$agent_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    say "FAILED: $*"
    say "agent log:"; sed 's/^/  /' "$work/agent.log" >&2 || true
    say "linphonec output:"; sed 's/^/  /' "$work/linphonec.log" >&2 || true
    exit 1
}

python3 - "$work" <<'PY'
import math, struct, sys, wave
# Beeps (300 ms on, 200 ms off) rather than a steady tone: a noise suppressor rightly learns a
# steady tone as background noise and takes it out.
for name, frequency in (("door", 880), ("visitor", 523)):
    with wave.open(f"{sys.argv[1]}/{name}.wav", "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * i / 16000)) if i % 8000 < 4800 else 0)
                               for i in range(16000 * 12)))
PY
cat >"$work/agent.yaml" <<YAML
sip:
  listen:
    - transport: udp
      address: 127.0.0.1
      port: $port
audio:
  capture: wav-loop:$work/door.wav
  playback: wav:$work/heard.wav
control:
  enabled: false
YAML
"$intercom" check-config "$work/agent.yaml" >/dev/null || fail "the agent's configuration does not load"
"$intercom" run --config "$work/agent.yaml" >"$work/agent.log" 2>&1 &
agent_pid=$!
for _ in $(seq 50); do grep -q "listening for SIP over UDP" "$work/agent.log" && break; sleep 0.1; done
grep -q "listening for SIP over UDP" "$work/agent.log" || fail "the agent did not start"

mkdir -p "$work/home/.local/share/linphone"
printf '[sip]\nsip_port=5072\nguess_hostname=0\n[rtp]\naudio_rtp_port=23072\n' >"$work/linphonerc"
mkfifo "$work/commands"
# Read-write, so that linphonec never sees the end of its input between two commands.
HOME=$work/home linphonec -c "$work/linphonerc" -d 0 0<>"$work/commands" >"$work/linphonec.log" 2>&1 &
linphone_pid=$!
exec 3>"$work/commands"
command() { printf '%s\n' "$1" >&3; }
wait_output() {
    local text=$1 tries=${2:-50}
    for _ in $(seq "$tries"); do grep -q "$text" "$work/linphonec.log" && return 0; sleep 0.1; done
    fail "linphonec did not print '$text'"
}
sleep 1
command "ports sip 5072"
command "soundcard use files"
command "call sip:intercom@127.0.0.1:$port"
wait_output "connected" 100
command "play $work/visitor.wav"
command "record $work/recorded.wav"
sleep 5
command "terminate"
wait_output "ended"
command "quit"
for _ in $(seq 50); do kill -0 "$linphone_pid" 2>/dev/null || break; sleep 0.1; done
linphone_pid=
grep -q "call.answered:" "$work/agent.log" || fail "the agent did not answer"
for _ in $(seq 30); do grep -q "call.ended:" "$work/agent.log" && break; sleep 0.1; done
grep -q "call.ended:" "$work/agent.log" || fail "the agent did not see the call end"
kill -TERM "$agent_pid"
for _ in $(seq 50); do kill -0 "$agent_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$agent_pid" 2>/dev/null && fail "the agent did not exit within 5 s of SIGTERM"
agent_pid=

python3 - "$work" <<'PY' || fail "audio did not go both ways"
import math, struct, sys
def samples(path):
    data = open(path, "rb").read()
    rate, channels = struct.unpack("<I", data[24:28])[0], struct.unpack("<H", data[22:24])[0]
    at = 12
    while at + 8 <= len(data):
        chunk, size = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
        if chunk == b"data":
            body = data[at + 8:]  # linphonec may leave the size unset while it writes
            count = len(body) // (2 * channels)
            return rate, struct.unpack(f"<{count * channels}h", body[:count * channels * 2])[::channels]
        at += 8 + size
    return rate, ()
def share(x, rate, frequency, q=8.0):
    """The part of x's energy a band-pass filter centred on frequency (0 dB peak, Q 8) keeps."""
    w = 2 * math.pi * frequency / rate
    alpha = math.sin(w) / (2 * q)
    b0, b2, a0, a1, a2 = alpha, -alpha, 1 + alpha, -2 * math.cos(w), 1 - alpha
    x1 = x2 = y1 = y2 = 0.0
    kept = 0.0
    for v in x:
        y = (b0 * v + b2 * x2 - a1 * y1 - a2 * y2) / a0
        x2, x1, y2, y1 = x1, v, y1, y
        kept += y * y
    return kept / (sum(v * v for v in x) or 1)
ok = True
for name, heard, other in (("agent's loudspeaker", "heard.wav", 523), ("linphonec's recording", "recorded.wav", 880)):
    rate, x = samples(f"{sys.argv[1]}/{heard}")
    x = x[rate // 2:]  # past the first half second
    seconds = len(x) / rate if rate else 0
    fraction = share(x, rate, other) if x else 0
    rms = (sum(v * v for v in x) / len(x)) ** 0.5 if x else 0
    print(f"{name}: {seconds:.1f} s, rms {rms:.0f}, {fraction:.0%} of its energy at {other} Hz")
    ok = ok and seconds > 2 and rms > 50 and fraction > 0.5
sys.exit(0 if ok else 1)
PY
echo "linphone/call-agent.sh: passed"
