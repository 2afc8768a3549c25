"""Scoring throughput: the harness's parallel engine versus a plain serial loop, same run, same data.

Data: real 16 kHz speech from ``../shared/data/speech`` (librispeech, arctic,
librivox, and ljspeech resampled from 22.05 kHz with soxr VHQ; FSDD is 8 kHz and
skipped). With fewer than ``--min-pairs`` files, the longest are cut into ~3 s
pieces until there are enough. Each clean file is degraded with
``core.degrade`` ("mp3:bitrate=32k | noise:kind=white,snr=10"; white noise at
10 dB from numpy if core.degrade is unavailable) so values are non-trivial.

Both sides compute the full metric set on every pair:

* serial: one process, a plain loop that reads both files, calls ``pesq.pesq``
  (wb, nb) and ``pystoi.stoi`` (STOI, ESTOI) directly and the harness's metric
  functions for the rest (composites reuse the direct PESQ value, as the engine
  reuses its own);
* engine: ``core.metrics.engine.score_pairs`` with ``--workers`` processes
  (alignment guard, JSONL records and all).

Values must be identical (exact float equality). Target: ratio >= 1.8 on 2 cores.
The machine may be shared; load averages before and after are recorded.

    python benchmarks/scoring_throughput.py [--workers 2] [--min-pairs 40]

Writes benchmarks/results/scoring_throughput.json.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.bench_record import save  # noqa: E402
from core.audio_io import read_audio, write_wav  # noqa: E402
from core.hashing import rng_for, stable_hash  # noqa: E402
from core.metrics import PairCache, get_metric, metric_names  # noqa: E402
from core.metrics.engine import Pair, score_pairs, values_by_key  # noqa: E402
from core.metrics.resample import resample_to  # noqa: E402
from core.metrics.stoi_metric import PYSTOI_SEED  # noqa: E402

RATE = 16000
SPEC = "mp3:bitrate=32k | noise:kind=white,snr=10"
SHARED_SPEECH = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "speech"
CORPORA = ("librispeech", "arctic", "librivox", "ljspeech")
PIECE_S = 3.0


def load_speech(root: Path, min_pairs: int) -> tuple[list[tuple[str, np.ndarray]], int]:
    """(id, 16 kHz float32 signal) items and the number of source files."""
    items = []
    for corpus in CORPORA:
        for p in sorted((root / corpus).glob("*")):
            if p.suffix.lower() in (".wav", ".ogg", ".flac"):
                x, sr = read_audio(p)
                items.append((f"{corpus}/{p.stem}", resample_to(x, sr, RATE)))
    if not items:
        raise SystemExit(f"no speech found under {root}; pass --data DIR (the shared data's speech folder)")
    n_files = len(items)
    while len(items) < min_pairs:  # cut the longest item into ~3 s pieces
        items.sort(key=lambda it: -it[1].size)
        name, x = items.pop(0)
        piece = int(PIECE_S * RATE)
        if x.size < 2 * piece:
            raise SystemExit(f"not enough material for {min_pairs} pairs")
        items += [(f"{name}#{k}", x[i:i + piece]) for k, i in enumerate(range(0, x.size - piece + 1, piece))]
    return sorted(items), n_files


def degrade(items, folder: Path) -> tuple[list[Pair], str]:
    try:
        from core.degrade import parse_spec

        chain = parse_spec(SPEC)

        def apply(x, item_id):
            return chain.apply(x, sr=RATE, seed=0, item_id=item_id)

        how = f"core.degrade: {SPEC}"
    except Exception as e:  # noqa: BLE001 - fall back to plain noise, and say so
        def apply(x, item_id):
            noise = rng_for(0, item_id, "bench-noise").standard_normal(x.size)
            noise *= np.sqrt(np.sum(x.astype(np.float64) ** 2) / np.sum(noise**2) / 10.0)
            return (x + noise).astype(np.float32)

        how = f"numpy white noise at 10 dB SNR (core.degrade unavailable: {e})"
    pairs = []
    for item_id, x in items:
        safe = item_id.replace("/", "__").replace("#", "_")
        write_wav(folder / "clean" / f"{safe}.wav", x, RATE)
        write_wav(folder / "degraded" / f"{safe}.wav", apply(x, item_id), RATE)
        pairs.append(Pair(safe, str(folder / "clean" / f"{safe}.wav"), str(folder / "degraded" / f"{safe}.wav"),
                          "degraded"))
    return pairs, how


def serial_loop(pairs: list[Pair], names: list[str]) -> dict:
    """The plain way: one process, packages called directly, harness functions for the rest."""
    from pesq import pesq
    from pystoi import stoi

    def direct(name: str, ref: np.ndarray, est: np.ndarray, sr: int) -> float:
        if name in ("pesq_wb", "pesq_nb"):
            return float(pesq(sr, ref, est, name[-2:]))
        if name == "estoi":  # ESTOI draws epsilon noise from numpy's global RNG; seed it as arh does
            np.random.seed(PYSTOI_SEED)
        return float(stoi(ref, est, sr, extended=name == "estoi"))

    out = {}
    for p in pairs:
        ref, sr = read_audio(p.reference_path)
        est, _ = read_audio(p.estimate_path)
        cache = PairCache()
        for name in names:
            if name in ("pesq_wb", "pesq_nb", "stoi", "estoi"):
                value = direct(name, ref, est, sr)
                if name == "pesq_wb":  # the composites reuse it, as the engine does
                    cache.get(("pesq", "wb", sr), lambda v=value: v)
            else:
                value = get_metric(name)(ref, est, sr, cache)
            out[(p.id, p.role, name)] = value
    return out


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=SHARED_SPEECH, help="speech folder (default ../shared/data/speech)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--min-pairs", type=int, default=40)
    args = ap.parse_args(argv)

    names = metric_names()
    items, n_files = load_speech(args.data, args.min_pairs)
    audio_s = sum(x.size for _, x in items) / RATE
    with tempfile.TemporaryDirectory(prefix="arh-score-bench-") as tmp:
        pairs, how = degrade(items, Path(tmp))
        # Warm-up outside the timings: imports (scipy.signal through pystoi) and first-call costs.
        serial_loop(pairs[:1], names)
        load_before = os.getloadavg()
        t0, c0 = time.perf_counter(), time.process_time()
        serial = serial_loop(pairs, names)
        serial_s, serial_cpu = time.perf_counter() - t0, time.process_time() - c0
        t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
        records = score_pairs(pairs, names, out=Path(tmp) / "scores.jsonl", workers=args.workers, quiet=True)
        engine_s = time.perf_counter() - t0
        engine_cpu = time.process_time() - c0 + _children_cpu() - k0  # workers are reaped at pool shutdown
        load_after = os.getloadavg()
    engine = values_by_key(records)
    mismatches = [f"{k}: serial {serial.get(k)!r} engine {engine.get(k)!r}"
                  for k in sorted(set(serial) | set(engine)) if serial.get(k) != engine.get(k)]
    cores = len(os.sched_getaffinity(0))
    figures = {
        "definition_hash": stable_hash(names, SPEC, args.workers, args.min_pairs, PIECE_S),
        "cpu_count": os.cpu_count(), "usable_cores": cores,
        "n_files": n_files, "n_pairs": len(pairs), "audio_seconds": round(audio_s, 2),
        "metrics": names, "degradation": how, "workers": args.workers,
        "serial_seconds": round(serial_s, 3), "engine_seconds": round(engine_s, 3),
        "ratio": round(serial_s / engine_s, 3), "target_ratio": 1.8,
        "serial_pairs_per_s": round(len(pairs) / serial_s, 3), "engine_pairs_per_s": round(len(pairs) / engine_s, 3),
        "serial_cpu_seconds": round(serial_cpu, 3), "engine_cpu_seconds": round(engine_cpu, 3),
        "engine_cpu_overhead": round(engine_cpu / serial_cpu, 3),
        "identical": not mismatches, "mismatches": mismatches[:10],
        "failed_records": sum(1 for r in records if r["status"] != "ok"),
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in load_after],
        "shared_machine": max(load_before[0], load_after[0]) > cores + 0.5,
    }
    path = save("scoring_throughput", figures,
                packages=("numpy", "scipy", "soundfile", "soxr", "pesq", "pystoi"))
    print(f"{len(pairs)} pairs ({n_files} files, {audio_s:.0f} s of audio), {len(names)} metrics each")
    print(f"serial loop : {serial_s:8.2f} s  ({len(pairs) / serial_s:.2f} pairs/s)")
    print(f"engine x{args.workers}   : {engine_s:8.2f} s  ({len(pairs) / engine_s:.2f} pairs/s)")
    print(f"ratio       : {serial_s / engine_s:.2f}x (target >= 1.8 on 2 cores); values identical: {not mismatches}")
    print(f"CPU seconds : serial {serial_cpu:.1f}, engine {engine_cpu:.1f} (all processes)")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} on {cores} cores -> {path}")
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
