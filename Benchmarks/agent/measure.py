#!/usr/bin/env python3
"""Resident memory and CPU of `intercom` next to baresip's, on loopback, without Kamailio.

    Benchmarks/agent/measure.py INTERCOM_BINARY [--codec opus|pcmu] [--seconds 20]
                                [--only intercom|baresip] [--snapshots DIR] [--no-processing]

1. Starts the agent (a temporary YAML config: UDP on 127.0.0.1, WAV microphone looped, no
   control interface, no real-time priority) and reads its
   resident memory (VmRSS) after 5 s idle. The loudspeaker is the null device (as a sound card
   would be: nothing kept in memory).
2. Starts a baresip caller (Tests/Interop/baresip/start.sh: headless, a sine as microphone),
   dials the agent through ctrl_tcp, and while the call is up for SECONDS (from 2 s after it was
   established) samples the agent's VmRSS every 0.5 s (call_rss_kb: the median, what the call
   holds once it runs; call_peak_rss_kb: the highest) and its CPU time (utime + stime from
   /proc/PID/stat). Beside each VmRSS,
   RssAnon: the anonymous part, which stays resident whatever the kernel needs (no swap here);
   the rest is file pages (code, constants) the kernel may drop and fault back in. For the
   agent, late_periods: the audio periods of that call its engine finished after their deadline
   (from its call.audio log line).
3. Does the same with a second baresip as the callee (answermode=auto) instead of the agent:
   the same measures of that baresip, idle and in the call.
4. Call set-up: a raw SIP INVITE with an SDP offer over UDP to each callee, the time until its
   200 OK (median of 5, each call then ACKed and ended with BYE).
`--no-processing` turns the agent's echo cancellation and noise suppression off, which is what
baresip runs here (Debian's baresip 1.0.0 has no echo canceller module): the same work on both
sides. Prints one JSON line per callee. `--only` measures one callee. `--snapshots DIR` copies each
callee's /proc/PID/smaps, status and thread names into DIR when idle and midway through the call
(DIR/CALLEE-CODEC-idle.smaps, ...-call.smaps, ...), for a per-mapping breakdown.
"""
import json, os, random, shutil, socket, struct, subprocess, sys, tempfile, time, wave

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
BARESIP = os.path.join(REPO, "Tests", "Interop", "baresip")
TICK = os.sysconf("SC_CLK_TCK")
# Idle means settled: the agent gives its start-up pages back 2 s after it has started
# (ReadOnlyPages, SettledPageRelease), baresip's memory does not change after its start.
IDLE_SECONDS = 5


def free_port(kind=socket.SOCK_DGRAM, even=True):
    while True:
        port = random.randrange(20000, 60000, 2 if even else 1)
        ok = True
        for k in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            for p in (port, port + 1):
                s = socket.socket(socket.AF_INET, k)
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                finally:
                    s.close()
        if ok:
            return port


def rss_kb(pid, field="VmRSS"):
    """VmRSS (all resident pages), or RssAnon (the anonymous ones: heap, stacks, relocated
    data, which the kernel cannot drop without swap) from /proc/PID/status [kB]."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


class Control:
    """baresip's ctrl_tcp: netstring-framed JSON."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buffer = b""

    def send(self, command, params=""):
        body = json.dumps({"command": command, "params": params, "token": "m"}).encode()
        self.sock.sendall(str(len(body)).encode() + b":" + body + b",")

    def wait_for(self, event_type, seconds=10):
        deadline = time.time() + seconds
        while time.time() < deadline:
            while b":" in self.buffer:
                length, rest = self.buffer.split(b":", 1)
                n = int(length)
                if len(rest) < n + 1:
                    break
                message, self.buffer = json.loads(rest[:n]), rest[n + 1:]
                if message.get("type") == event_type:
                    return message
            self.sock.settimeout(max(0.1, deadline - time.time()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                break
            self.buffer += chunk
        raise RuntimeError(f"no {event_type} from baresip")


def start_baresip(rundir, sip_port, ctrl_port, account):
    out = subprocess.run([os.path.join(BARESIP, "start.sh"), rundir, str(sip_port), str(ctrl_port), account],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return int(out.stdout.strip().splitlines()[-1])


def stop_baresip(rundir):
    subprocess.run([os.path.join(BARESIP, "stop.sh"), rundir], capture_output=True)


def setup_time(port, codec):
    """Median INVITE -> 200 OK of 5 raw calls to 127.0.0.1:port [ms]."""
    pt, name = ("111", "opus/48000/2") if codec == "opus" else ("0", "PCMU/8000")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    local = sock.getsockname()[1]
    times = []
    for n in range(5):
        call = f"setup{n}-{random.randrange(1 << 30)}@127.0.0.1"
        sdp = (f"v=0\r\no=m 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               f"m=audio {local + 2} RTP/AVP {pt}\r\na=rtpmap:{pt} {name}\r\na=sendrecv\r\n")
        def request(method, branch, cseq, extra="", body=""):
            return (f"{method} sip:callee@127.0.0.1:{port} SIP/2.0\r\n"
                    f"Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK{branch};rport\r\n"
                    f"From: <sip:m@127.0.0.1:{local}>;tag=m{n}\r\nTo: <sip:callee@127.0.0.1:{port}>{extra}\r\n"
                    f"Call-ID: {call}\r\nCSeq: {cseq} {method}\r\nMax-Forwards: 70\r\n"
                    f"Contact: <sip:m@127.0.0.1:{local}>\r\n"
                    + (f"Content-Type: application/sdp\r\n" if body else "")
                    + f"Content-Length: {len(body)}\r\n\r\n{body}").encode()
        start = time.perf_counter()
        sock.sendto(request("INVITE", f"i{n}{random.randrange(1 << 30)}", 1, body=sdp), ("127.0.0.1", port))
        to_tag = ""
        while True:
            data = sock.recv(65536).decode(errors="replace")
            status = int(data.split(" ", 2)[1])
            if status >= 200:
                elapsed = (time.perf_counter() - start) * 1000
                for line in data.split("\r\n"):
                    if line.lower().startswith(("to:", "t:")) and "tag=" in line:
                        to_tag = ";tag=" + line.split("tag=")[1].split(";")[0]
                break
        if status == 200:
            times.append(elapsed)
            sock.sendto(request("ACK", f"a{n}{random.randrange(1 << 30)}", 1, extra=to_tag), ("127.0.0.1", port))
            time.sleep(0.2)
            sock.sendto(request("BYE", f"b{n}{random.randrange(1 << 30)}", 2, extra=to_tag), ("127.0.0.1", port))
            try:
                sock.recv(65536)
            except socket.timeout:
                pass
        time.sleep(0.3)
    times.sort()
    return round(times[len(times) // 2], 2) if times else None


def snapshot(pid, directory, name):
    """Copies /proc/PID/smaps and status, and the thread names, to DIRECTORY/NAME.*."""
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    for part in ("smaps", "status"):
        with open(f"/proc/{pid}/{part}") as source, open(os.path.join(directory, f"{name}.{part}"), "w") as copy:
            copy.write(source.read())
    with open(os.path.join(directory, f"{name}.threads"), "w") as copy:
        for task in sorted(os.listdir(f"/proc/{pid}/task")):
            with open(f"/proc/{pid}/task/{task}/comm") as comm:
                copy.write(f"{task} {comm.read()}")


def measure_call(callee_pid, callee_uri, codec, seconds, workdir, snapshots=None, name=""):
    caller_sip, caller_ctrl = free_port(), free_port(socket.SOCK_STREAM, even=False)
    rundir = os.path.join(workdir, "caller")
    start_baresip(rundir, caller_sip, caller_ctrl, f"<sip:caller@127.0.0.1:{caller_sip}>;regint=0;audio_codecs={codec}")
    try:
        control = Control(caller_ctrl)
        control.send("dial", callee_uri)
        control.wait_for("CALL_ESTABLISHED", 15)
        time.sleep(2)
        ticks, wall, samples, anon, taken = cpu_ticks(callee_pid), time.time(), [], 0, False
        while time.time() - wall < seconds:
            samples.append(rss_kb(callee_pid))
            anon = max(anon, rss_kb(callee_pid, "RssAnon"))
            if not taken and time.time() - wall >= seconds / 2:
                snapshot(callee_pid, snapshots, f"{name}-call")
                taken = True
            time.sleep(0.5)
        used = (cpu_ticks(callee_pid) - ticks) / TICK
        cpu = 100 * used / (time.time() - wall)
        control.send("hangup")
        time.sleep(1)
        return sorted(samples)[len(samples) // 2], max(samples), anon, round(cpu, 2)
    finally:
        stop_baresip(rundir)


def agent_config(port, codec, capture, playback, processing="true", level="info"):
    """The agent's YAML for these measurements: UDP on loopback, every caller answered at once,
    no real-time priority, no control interface."""
    return f"""log:
  level: {level}
sip:
  listen:
    - {{transport: udp, address: 127.0.0.1, port: {port}}}
  advertise: 127.0.0.1
answer:
  delayMs: 0
  maxCalls: 4
audio:
  capture: {capture}
  playback: {playback}
  realtimePriority: null
  codecs: [{codec}]
  echoCancellation: {processing}
  noiseSuppression: {processing}
control:
  enabled: false
"""


def late_periods(log_path):
    """The audio periods the agent's engine finished after their deadline in the last call, from
    its `call.audio` log line (info level), or None when there is none."""
    late = None
    for line in open(log_path, errors="replace"):
        if "call.audio:" in line and "late audio periods" in line:
            late = int(line.split("late audio periods")[0].split()[-1])
    return late


class SkipCallee(Exception):
    pass


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    binary = os.path.abspath(args[0])
    codec = args[args.index("--codec") + 1] if "--codec" in args else "opus"
    seconds = float(args[args.index("--seconds") + 1]) if "--seconds" in args else 20
    only = args[args.index("--only") + 1] if "--only" in args else None
    snapshots = os.path.abspath(args[args.index("--snapshots") + 1]) if "--snapshots" in args else None
    processing = "false" if "--no-processing" in args else "true"
    workdir = tempfile.mkdtemp(prefix="intercom-measure-")
    try:
        with wave.open(os.path.join(workdir, "mic.wav"), "wb") as w:
            w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
            import math
            w.writeframes(b"".join(struct.pack("<h", int(6000 * math.sin(2 * math.pi * 440 * i / 48000))) for i in range(48000 * 2)))
        port = free_port()
        config = os.path.join(workdir, "intercom.yaml")
        with open(config, "w") as f:
            f.write(agent_config(port, codec, f"wav-loop:{workdir}/mic.wav", '"null"', processing))
        log = open(os.path.join(workdir, "intercom.log"), "w")
        agent = None if only == "baresip" else subprocess.Popen([binary, "run", "--config", config], stdout=log, stderr=subprocess.STDOUT)
        try:
            if agent is None:
                raise SkipCallee
            time.sleep(IDLE_SECONDS)
            idle, idle_anon = rss_kb(agent.pid), rss_kb(agent.pid, "RssAnon")
            snapshot(agent.pid, snapshots, f"intercom-{codec}-idle")
            try:
                setup = setup_time(port, codec)
            except Exception:
                log.flush()
                sys.stderr.write(open(os.path.join(workdir, "intercom.log")).read()[-3000:])
                raise
            rss, peak, anon, cpu = measure_call(agent.pid, f"sip:intercom@127.0.0.1:{port}", codec, seconds, workdir,
                                     snapshots, f"intercom-{codec}")
            log.flush()
            print(json.dumps({"callee": "intercom", "codec": codec, "processing": processing == "true", "idle_rss_kb": idle, "call_rss_kb": rss, "call_peak_rss_kb": peak,
                              "idle_anon_kb": idle_anon, "call_anon_kb": anon,
                              "call_cpu_percent": cpu, "setup_ms": setup,
                              "late_periods": late_periods(os.path.join(workdir, "intercom.log"))}))
        except SkipCallee:
            pass
        finally:
            if agent is not None:
                agent.terminate()
                agent.wait(10)
        if only == "intercom":
            return
        # baresip as the callee, the same way.
        callee_sip, callee_ctrl = free_port(), free_port(socket.SOCK_STREAM, even=False)
        rundir = os.path.join(workdir, "callee")
        pid = start_baresip(rundir, callee_sip, callee_ctrl,
                            f"<sip:callee@127.0.0.1:{callee_sip}>;regint=0;answermode=auto;audio_codecs={codec}")
        try:
            time.sleep(IDLE_SECONDS)
            idle, idle_anon = rss_kb(pid), rss_kb(pid, "RssAnon")
            snapshot(pid, snapshots, f"baresip-{codec}-idle")
            setup = setup_time(callee_sip, codec)
            rss, peak, anon, cpu = measure_call(pid, f"sip:callee@127.0.0.1:{callee_sip}", codec, seconds, workdir,
                                     snapshots, f"baresip-{codec}")
            print(json.dumps({"callee": "baresip", "codec": codec, "idle_rss_kb": idle, "call_rss_kb": rss, "call_peak_rss_kb": peak,
                              "idle_anon_kb": idle_anon, "call_anon_kb": anon,
                              "call_cpu_percent": cpu, "setup_ms": setup}))
        finally:
            stop_baresip(rundir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
