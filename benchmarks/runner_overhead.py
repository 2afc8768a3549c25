"""Harness overhead: restoring N files through `arh run` vs calling the same function in a loop.

Both sides restore the same test items (read degraded, process, write WAV).
The runner side is the restore phase of a run (job file, subprocess start,
status file, atomic writes, resampling checks); scoring is excluded. Target:
<= 3 % overhead beyond the restore work. Results: benchmarks/results/runner_overhead.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.bench_record import save  # noqa: E402
from core.atomic import write_json  # noqa: E402
from core.audio_io import read_audio, write_wav  # noqa: E402
from core.datasets.manifest import ManifestItem, read_manifest, write_manifest  # noqa: E402
from core.runner.run import RunSpec, run  # noqa: E402


def make_dataset(root: Path, n: int, seconds: float, sr: int = 16000) -> Path:
    rng = np.random.default_rng(0)
    items = []
    t = np.arange(int(seconds * sr)) / sr
    for i in range(n):
        x = (0.3 * np.sin(2 * np.pi * (120 + i) * t) * (np.sin(2 * np.pi * 1.1 * t) > 0)).astype(np.float32)
        y = x + 0.05 * rng.standard_normal(len(x)).astype(np.float32)
        iid = f"utt{i:03d}"
        write_wav(root / "clean" / f"{iid}.wav", x, sr)
        write_wav(root / "degraded" / f"{iid}.wav", y, sr)
        items.append(ManifestItem(iid, "test", f"clean/{iid}.wav", f"degraded/{iid}.wav", sr, len(x)))
    write_manifest(root / "manifest.jsonl", items)
    write_json(root / "dataset.json", {"schema_version": 1, "hash": f"bench-{n}-{seconds}", "rate": sr,
                                       "spec": "noise", "seed": 0})
    return root


def direct(adapter: str, ds: Path, out: Path) -> float:
    from adapters.baselines.wiener import wiener_denoise

    t0 = time.perf_counter()
    for it in read_manifest(ds):
        x, sr = read_audio(ds / it.degraded)
        y = x if adapter == "identity" else wiener_denoise(x, sr)
        write_wav(out / f"{it.id}.wav", y, sr)
    return time.perf_counter() - t0


def via_runner(adapter: str, ds: Path, out: Path) -> float:
    run(RunSpec(adapter=adapter, dataset=str(ds), out=str(out), metrics=("snr",), quiet=True))
    phases = json.loads((out / "run.json").read_text())["phases"]
    return phases["restore"]["seconds"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--repeats", type=int, default=6)
    args = ap.parse_args()
    figures = {"files": args.files, "seconds_per_file": args.seconds, "repeats": args.repeats, "adapters": {}}
    with tempfile.TemporaryDirectory() as tmp:
        ds = make_dataset(Path(tmp) / "ds", args.files, args.seconds)
        for adapter in ("identity", "wiener"):
            d, r = [], []
            direct(adapter, ds, Path(tmp) / f"warm-{adapter}")  # imports and page cache, not timed
            for k in range(args.repeats):  # interleaved, order alternating, to share machine noise fairly
                pair = [("d", direct), ("r", via_runner)] if k % 2 == 0 else [("r", via_runner), ("d", direct)]
                for tag, fn in pair:
                    (d if tag == "d" else r).append(fn(adapter, ds, Path(tmp) / f"{tag}-{adapter}-{k}"))
            fig = {"direct_s": min(d), "runner_restore_s": min(r), "direct_all": d, "runner_all": r,
                   "direct_median_s": float(np.median(d)), "runner_median_s": float(np.median(r)),
                   "overhead_s": min(r) - min(d), "overhead_pct": 100 * (min(r) - min(d)) / min(d),
                   "overhead_pct_median": 100 * (np.median(r) - np.median(d)) / np.median(d)}
            figures["adapters"][adapter] = fig
            print(f"{adapter:>9}: direct {fig['direct_s']:.2f} s, via arh run {fig['runner_restore_s']:.2f} s "
                  f"(min of {args.repeats}): overhead {fig['overhead_s']:.2f} s ({fig['overhead_pct']:.1f} %); "
                  f"medians {fig['direct_median_s']:.2f} vs {fig['runner_median_s']:.2f} s "
                  f"({fig['overhead_pct_median']:.1f} %)")
    print(f"written to {save('runner_overhead', figures)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
