#!/usr/bin/env python3
"""Generates an echo-canceller test room in the score_aec.py layout.

    make_room.py OUT_DIR --rt60 S --bulk-ms MS --echo-db DB --noise-dbfs DB [--seed N]
                 [--signals ../shared/aec-signals]

Takes the far-end speech (echo_only/far.wav, double_talk/far.wav) and the near-end speech
(double_talk/near.wav) of the reference sets and builds a new echo path the way gen_aec.py
does: `bulk` zeros, then Gaussian white noise under an exponential envelope of the given RT60
(-60 dB at RT60), 1.2*RT60 long, scaled so the echo power is `echo-db` re the far power. The
near speech is rescaled so its active RMS equals the echo's active RMS (0 dB signal-to-echo
ratio, as gen_aec.py), and white Gaussian noise of `noise-dbfs` is added. Writes
OUT_DIR/{echo_only,double_talk}/{far,mic,echo[,near]}.wav + meta.json and OUT_DIR/rir.wav.
Deterministic for a given seed (numpy default_rng).
"""
import argparse, json, os
import numpy as np
from scipy.io import wavfile
from scipy.signal import fftconvolve

FS = 16000


def rd(p):
    fs, x = wavfile.read(p)
    assert fs == FS, p
    return x.astype(np.float64) / 32768.0


def rms_db(x):
    return 10 * np.log10(np.mean(x ** 2) + 1e-20)


def active_rms_db(x):
    fr = x[: len(x) // 320 * 320].reshape(-1, 320)
    e = np.mean(fr ** 2, axis=1)
    thr = np.max(e) * 1e-4
    return 10 * np.log10(np.mean(e[e > thr]))


def write16(path, x):
    wavfile.write(path, FS, np.clip(np.round(x * 32768.0), -32768, 32767).astype(np.int16))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--rt60", type=float, required=True, help="seconds")
    ap.add_argument("--bulk-ms", type=float, required=True)
    ap.add_argument("--echo-db", type=float, required=True, help="echo power re far power")
    ap.add_argument("--noise-dbfs", type=float, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--signals", default=os.path.normpath(os.path.join(here, "../../../shared/aec-signals")))
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    far = rd(os.path.join(a.signals, "double_talk/far.wav"))
    near_ref = rd(os.path.join(a.signals, "double_talk/near.wav"))
    ref_meta = json.load(open(os.path.join(a.signals, "double_talk/meta.json")))
    n = len(far)

    bulk = int(round(a.bulk_ms * FS / 1000))
    tail = int(round(1.2 * a.rt60 * FS))
    tt = np.arange(tail) / FS
    h = np.zeros(bulk + tail)
    h[bulk:] = rng.standard_normal(tail) * np.exp(-3 * np.log(10) * tt / a.rt60)
    echo = fftconvolve(far, h)[:n]
    g = 10 ** ((a.echo_db - (rms_db(echo) - rms_db(far))) / 20)
    h *= g
    echo *= g
    near = near_ref * 10 ** ((active_rms_db(echo) - active_rms_db(near_ref)) / 20)
    noise = rng.standard_normal(n) * 10 ** (a.noise_dbfs / 20)

    os.makedirs(a.out, exist_ok=True)
    wavfile.write(os.path.join(a.out, "rir.wav"), FS, h.astype(np.float32))
    common = dict(fs=FS, duration_s=n / FS, seed=a.seed, rt60_s=a.rt60, bulk_delay_ms=a.bulk_ms,
                  rir_len_samples=len(h), echo_level_db=a.echo_db, noise_dbfs=a.noise_dbfs,
                  far_rms_dbfs=round(rms_db(far), 2), echo_rms_dbfs=round(rms_db(echo), 2),
                  convergence_s=2.0, generator="Benchmarks/aec-rooms/make_room.py")
    for name, nr in (("echo_only", None), ("double_talk", near)):
        d = os.path.join(a.out, name)
        os.makedirs(d, exist_ok=True)
        mic = echo + noise + (nr if nr is not None else 0)
        assert np.max(np.abs(mic)) < 1.0, "clipping"
        write16(os.path.join(d, "far.wav"), far)
        write16(os.path.join(d, "mic.wav"), mic)
        write16(os.path.join(d, "echo.wav"), echo)
        meta = dict(common, set=name, near_segments_s=[])
        if nr is not None:
            write16(os.path.join(d, "near.wav"), nr)
            meta["near_segments_s"] = ref_meta.get("near_segments_s", [])
        with open(os.path.join(d, "meta.json"), "w") as f:
            json.dump(meta, f, indent=1)


if __name__ == "__main__":
    main()
