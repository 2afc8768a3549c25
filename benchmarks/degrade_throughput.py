"""Degradation throughput: seconds of audio degraded per second of wall time, one process.

Input: 16 kHz speech, from the built-in default corpus (espeak-ng speech) when
``core.datasets.default`` can build it, else the real speech in
``../shared/data/speech`` resampled to 16 kHz. Every chain is applied item by
item through ``Chain.apply`` (what a dataset build does), single process, so
the figure is per core. One-time set-up (MP3 codec calibration) happens in a
warm-up pass and is timed separately. Each chain runs ``--passes`` passes over
the material; the best pass is reported (the machine may be shared), with the
median beside it. Target: the MP3 chain at >= 200x real time per core.

    python benchmarks/degrade_throughput.py [--passes 3] [--max-seconds 240]

Writes benchmarks/results/degrade_throughput.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

from benchmarks.bench_record import save  # noqa: E402
from core.audio_io import read_audio  # noqa: E402
from core.degrade import parse_spec  # noqa: E402
from core.degrade.resampling import resample  # noqa: E402
from core.hashing import stable_hash  # noqa: E402

RATE = 16000
CHAINS = {
    "mp3": "mp3:bitrate=32k",
    "lowpass": "lowpass:cutoff=4000",
    "noise": "noise:kind=white,snr=10",
    "3-step": "mp3:bitrate=32k | lowpass:cutoff=4000 | noise:kind=white,snr=10",
    "mp3-q7": "mp3:bitrate=32k,quality=7",  # informative: LAME's fast mode (default is quality=5)
}
SHARED_SPEECH = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "speech"


def default_corpus_speech(max_seconds: float) -> tuple[list[np.ndarray], str]:
    """Speech items of the default corpus at 16 kHz (generated and cached on first use)."""
    from core.datasets.default.source import DefaultSource

    items, total = [], 0.0
    for raw in DefaultSource("speech", quiet=True).scan().items:
        x, sr = read_audio(raw.path, mono=True)
        items.append(resample(x, sr, RATE))
        total += items[-1].size / RATE
        if total >= max_seconds:
            break
    return items, "default corpus speech (espeak-ng, core.datasets.default), resampled to 16 kHz"


def shared_speech(max_seconds: float) -> tuple[list[np.ndarray], str]:
    """Real speech from ../shared/data/speech (librispeech, arctic, librivox, ljspeech) at 16 kHz."""
    files = []
    for sub in ("librispeech", "arctic", "librivox", "ljspeech"):
        files += sorted((SHARED_SPEECH / sub).glob("*.*"))
    items, total = [], 0.0
    for f in files:
        if f.suffix.lower() not in (".wav", ".ogg", ".flac"):
            continue
        x, sr = read_audio(f, mono=True)
        items.append(resample(x, sr, RATE))
        total += items[-1].size / RATE
        if total >= max_seconds:
            break
    if not items:
        raise SystemExit(f"no input: the default corpus failed and {SHARED_SPEECH} has no speech")
    return items, f"real speech from {SHARED_SPEECH} (librispeech, arctic, librivox, ljspeech), resampled to 16 kHz"


def load_material(max_seconds: float, source: str) -> tuple[list[np.ndarray], str]:
    if source in ("auto", "default"):
        try:
            return default_corpus_speech(max_seconds)
        except Exception as e:  # any failure to build the corpus: say so and fall back
            if source == "default":
                raise
            print(f"default corpus unavailable ({type(e).__name__}: {e}); using shared speech",
                  file=sys.stderr)
    return shared_speech(max_seconds)


def time_chain(spec: str, items: list[np.ndarray], passes: int) -> dict:
    chain = parse_spec(spec)
    t0 = time.perf_counter()
    chain.apply(items[0], RATE, seed=0, item_id="warm-up")  # MP3 calibration happens here
    warm = time.perf_counter() - t0
    audio = sum(x.size for x in items) / RATE
    walls, cpus = [], []
    for p in range(passes):
        t0, c0 = time.perf_counter(), time.process_time()
        for i, x in enumerate(items):
            chain.apply(x, RATE, seed=p, item_id=f"item{i}")
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    best = min(walls)
    return {"spec": chain.canonical(), "items": len(items), "audio_seconds": round(audio, 3),
            "wall_seconds": round(best, 4), "x_realtime": round(audio / best, 1),
            "wall_seconds_median": round(statistics.median(walls), 4),
            "x_realtime_median": round(audio / statistics.median(walls), 1),
            "cpu_seconds": round(min(cpus), 4), "x_realtime_cpu": round(audio / min(cpus), 1),
            "passes": passes, "warm_up_seconds": round(warm, 4)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passes", type=int, default=3, help="timed passes per chain (best is reported)")
    ap.add_argument("--max-seconds", type=float, default=240.0, help="audio material to use, seconds")
    ap.add_argument("--input", choices=("auto", "default", "shared"), default="auto",
                    help="auto: default corpus, falling back to ../shared/data/speech")
    args = ap.parse_args(argv)

    items, described = load_material(args.max_seconds, args.input)
    print(f"input: {described}: {len(items)} items, {sum(x.size for x in items) / RATE:.1f} s")
    results = {}
    for name, spec in CHAINS.items():
        results[name] = time_chain(spec, items, args.passes)

    print(f"\n{'chain':<8} {'audio s':>8} {'wall s':>8} {'x real time':>12} {'(median)':>9} "
          f"{'x per CPU s':>12}  spec")
    for name, r in results.items():
        print(f"{name:<8} {r['audio_seconds']:>8.1f} {r['wall_seconds']:>8.3f} {r['x_realtime']:>12.1f} "
              f"{r['x_realtime_median']:>9.1f} {r['x_realtime_cpu']:>12.1f}  {CHAINS[name]}")
    load = os.getloadavg()[0]
    print(f"load average (1 min) {load:.2f} on {os.cpu_count()} cores: wall figures are lower when "
          "other processes share the cores; 'x per CPU s' counts this process's CPU time only")
    mp3 = results["mp3"]["x_realtime"]
    print(f"\nMP3 target >= 200x real time per core: {'met' if mp3 >= 200 else 'NOT met'} ({mp3:.0f}x)")

    definition = {"chains": CHAINS, "rate": RATE, "passes": args.passes, "max_seconds": args.max_seconds}
    path = save("degrade_throughput", {
        "definition": definition,
        "definition_hash": stable_hash(definition),
        "input": {"description": described, "items": len(items),
                  "audio_seconds": round(sum(x.size for x in items) / RATE, 3), "rate": RATE},
        "single_process": True,
        "load_average_1min": os.getloadavg()[0],
        "libsndfile": sf.__libsndfile_version__,
        "chains": results,
        "target": {"chain": "mp3", "min_x_realtime": 200, "met": mp3 >= 200},
    }, packages=("numpy", "scipy", "soundfile", "soxr", "lameenc"))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
