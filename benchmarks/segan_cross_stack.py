"""Compat layer vs the original stack: one upstream checkpoint, restored under two variants.

Restores the same test split with the same segan-tf checkpoint under variant A
(default ``exact``: Python 2.7 + TF 0.12.1 in Docker) and variant B (default
``tf2-compat``: Python 3.11 + TF 2.21 through adapters.tfcompat), z fed
explicitly (seeded per item) so both draw the same latent, and records the
largest absolute sample difference. Target: <= 1e-4.
Needs ARH_SEGAN_SRC, a built dataset and a checkpoint folder from
`arh run --adapter segan-tf`. Results: benchmarks/results/segan_cross_stack.json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from benchmarks.bench_record import save  # noqa: E402
from core.audio_io import read_audio  # noqa: E402
from core.runner.run import RunSpec, run  # noqa: E402

BACKEND = {"exact": "docker", "exact-cuda8": "docker", "tf1-nv": "docker", "tf2-compat": "venv",
           "tf2-compat-gpu": "docker"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--a", default="exact")
    ap.add_argument("--b", default="tf2-compat")
    ap.add_argument("--backend-a")
    ap.add_argument("--backend-b")
    args = ap.parse_args()
    outs = {}
    for tag, variant, backend in (("a", args.a, args.backend_a), ("b", args.b, args.backend_b)):
        d = Path(args.out) / variant
        run(RunSpec(adapter="segan-tf", dataset=args.dataset, out=str(d), variant=variant,
                    backend=backend or BACKEND[variant], checkpoint=args.checkpoint, config="tiny",
                    metrics=("sisdr",), quiet=True))
        outs[tag] = d / "outputs"
    diffs = {}
    for p in sorted(outs["a"].rglob("*.wav")):
        rel = p.relative_to(outs["a"])
        xa, _ = read_audio(p)
        xb, _ = read_audio(outs["b"] / rel)
        diffs[rel.as_posix()] = float(np.max(np.abs(xa - xb)))
    worst = max(diffs.values())
    print(f"{args.a} vs {args.b}: max abs difference {worst:.3g} over {len(diffs)} files "
          f"({'within' if worst <= 1e-4 else 'ABOVE'} the 1e-4 target)")
    print(f"written to {save('segan_cross_stack', {'a': args.a, 'b': args.b, 'checkpoint': args.checkpoint, 'max_abs_diff': worst, 'per_file': diffs, 'target': 1e-4})}")
    return 0 if worst <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
