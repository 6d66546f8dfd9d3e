#!/usr/bin/env python3
"""Writes the link order of the agent's functions: what an idle agent and a call run first, then
what only start-up runs, so that each set sits on as few pages as possible.

    Benchmarks/agent/order_symbols.py INTERCOM_BINARY OUT_FILE [--codec pcmu|opus]

The kernel maps a file's pages 64 KB around each fault: in a build linked in source order, the
few hundred functions a call runs are spread over most of the 27 MB of code, and a call kept
about 13 MB of it resident. Linked in this order (`ld.lld --symbol-ordering-file`, with every
function in its own section: `make release`), they share a few hundred KB.

How: the binary (a copy without DWARF, which valgrind 3.19 cannot read) runs under callgrind
with measure.py's configuration, but with ALSA devices (ALSA's own `null` PCM), the path a
board runs. Once it listens, `callgrind_control --dump` closes the start-up
part; then measure.py's five raw calls and a 10 s call from baresip, and a graceful stop, make
the second part. OUT_FILE gets the mangled names of the binary's functions run in the second
part (sorted by name, which keeps a type's methods together), then those run only in the first.
Run it again when the code has changed much: a name that no longer exists is skipped by the
linker, a new function is placed in source order (both only cost pages, never correctness).
"""
import glob, os, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import measure  # noqa: E402


def functions(dump, binary):
    """The binary's functions named in one callgrind dump."""
    names, object_name = set(), None
    for line in open(dump):
        if line.startswith("ob="):
            object_name = line[3:].strip()
        elif line.startswith("fn=") and object_name == binary:
            names.add(line[3:].strip())
    return names


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__)
        sys.exit(2)
    binary, out = os.path.abspath(args[0]), os.path.abspath(args[1])
    codec = args[args.index("--codec") + 1] if "--codec" in args else "pcmu"
    work = tempfile.mkdtemp(prefix="intercom-order-")
    try:
        plain = os.path.join(work, "intercom")
        subprocess.run(["objcopy", "--strip-debug", binary, plain], check=True)
        port = measure.free_port()
        config = os.path.join(work, "intercom.yaml")
        with open(config, "w") as f:
            f.write(measure.agent_config(port, codec, "alsa:null", "alsa:null", level="notice"))
        prefix = os.path.join(work, "callgrind.out")
        log_path = os.path.join(work, "intercom.log")
        with open(log_path, "w") as log:
            agent = subprocess.Popen(
                ["valgrind", "--tool=callgrind", "--dump-instr=no", "--compress-strings=no", "--compress-pos=no",
                 "--demangle=no", f"--callgrind-out-file={prefix}", plain, "run", "--config", config],
                stdout=log, stderr=subprocess.STDOUT)
            deadline = time.time() + 180
            while "listening for SIP" not in open(log_path).read():
                if agent.poll() is not None or time.time() > deadline:
                    raise RuntimeError("the agent did not start under valgrind:\n" + open(log_path).read()[-2000:])
                time.sleep(1)
            time.sleep(5)  # the first idle release
            subprocess.run(["callgrind_control", "--dump=startup", str(agent.pid)], check=True, capture_output=True)
            measure.setup_time(port, codec)
            measure.measure_call(agent.pid, f"sip:intercom@127.0.0.1:{port}", codec, 10, work)
            agent.terminate()
            agent.wait(120)
        dumps = sorted(glob.glob(prefix + "*"), key=os.path.getmtime)
        if len(dumps) < 2:
            raise RuntimeError(f"expected two callgrind dumps, found {dumps}")
        startup = functions(dumps[0], plain)
        steady = set()
        for dump in dumps[1:]:
            steady |= functions(dump, plain)
        with open(out, "w") as f:
            for name in sorted(steady) + sorted(startup - steady):
                f.write(name + "\n")
        print(f"{len(steady)} functions in the idle agent and a call, {len(startup - steady)} at start-up only -> {out}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
