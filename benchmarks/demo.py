"""The demo (`nox -s demo`): default corpus -> degraded datasets -> baselines -> report.

Builds the built-in default corpus (synthetic speech; for smoke runs, not for
judging model quality), three degraded datasets at 16 kHz (MP3 32 kbps,
white noise at 5 dB SNR, low-pass at 4 kHz), runs the classical baselines on
each through the runner and writes a Markdown report.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.atomic import write_text
from core.datasets.build import build_dataset
from core.datasets.summary import summary_table
from core.report import markdown_report
from core.runner.matrix import cell_dir, run_matrix
from core.runner.run import RunSpec

DATASETS = {
    "speech-mp3-32k": "mp3:bitrate=32k",
    "speech-white-5db": "noise:kind=white,snr=5",
    "speech-lowpass-4k": "lowpass:cutoff=4000",
}
ADAPTERS = ("identity", "wiener", "bandext")
METRICS = ("pesq_wb", "stoi", "sisdr", "lsd")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default="out/demo")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--adapters", default=",".join(ADAPTERS))
    args = ap.parse_args()
    out = Path(args.out).resolve()
    t0 = time.monotonic()
    datasets = {}
    for name, spec in DATASETS.items():
        print(f"\n== dataset {name}: default speech at 16 kHz, degraded with {spec!r}", flush=True)
        datasets[name] = build_dataset("default:speech", 16000, spec, args.seed, out=out / "data" / name)
        print(summary_table(datasets[name]))
    specs = [RunSpec(adapter=a, dataset=str(d), out=cell_dir(out / "runs", str(d), a), metrics=METRICS,
                     seed=args.seed) for d in datasets.values() for a in args.adapters.split(",")]
    results = run_matrix(specs)
    ok = [r.out for r in results if r.ok]
    report = markdown_report(ok, METRICS, title="arh demo: classical baselines on the default corpus")
    failed = [r for r in results if not r.ok]
    if failed:
        report += "\n## Failed cells\n\n" + "\n".join(f"- {r.adapter} on {r.dataset}: {r.error}" for r in failed)
    write_text(out / "report.md", report)
    print("\n" + report)
    print(f"demo finished in {time.monotonic() - t0:.0f} s; report written to {out / 'report.md'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
