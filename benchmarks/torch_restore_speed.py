"""Restore speed of the torch models at their default sizes: real-time factor and parameter counts.

Real-time factor (RTF) = seconds of audio restored per second of wall time
(> 1 is faster than real time). Each model restores ``--seconds`` of noise-like
audio at its native rate (segan-pt 16 kHz, kim-* 44.1 kHz) with randomly
initialised weights (speed does not depend on the values), through the same
inference code the adapters use; the best of ``--repeats`` timed runs after one
warm-up counts. Runs on the CPU, and on CUDA too when a GPU is visible.

    python benchmarks/torch_restore_speed.py [--seconds 20] [--repeats 2] [--models segan-pt,kim-drrn]

Writes ``benchmarks/results/torch_restore_speed.json`` (via ``benchmarks.bench_record``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_record import save  # noqa: E402

MODELS = ("segan-pt", "kim-resnet", "kim-drrn", "kim-proposed")


def build(name: str, device):
    """(restore function x -> y, native rate, parameter counts) for one model at its default size."""
    import torch

    from adapters.torch_common.device import apply_onednn_setting
    from core.adapter import load_adapter

    cls = load_adapter(name)
    cfg = cls.config("default")
    torch.manual_seed(0)
    if name == "segan-pt":
        from adapters.segan_pt.adapter import ONEDNN
        from adapters.segan_pt.infer import restore_signal

        apply_onednn_setting(ONEDNN)
        from adapters.segan_pt.model import build_generator

        G = build_generator(cfg).to(device).eval()
        params = {"total": sum(p.numel() for p in G.parameters()), **cls.param_counts("default")}
        rng = np.random.default_rng(0)
        return (lambda x: restore_signal(G, x, cfg, rng, device)), cls.sample_rate, params
    from adapters.kim_sr.infer import restore_signal
    from adapters.kim_sr.models import build_model

    apply_onednn_setting(True)

    model = build_model(cls.arch, cfg).to(device).eval()
    params = {"total": sum(p.numel() for p in model.parameters())}
    return (lambda x: restore_signal(model, x, cfg["infer_chunk"], cfg["infer_batch"], device)), cls.sample_rate, params


def measure(name: str, device, seconds: float, repeats: int) -> dict:
    import torch

    fn, rate, params = build(name, device)
    x = (0.1 * np.random.default_rng(1).standard_normal(int(seconds * rate))).astype(np.float32)
    fn(x[: rate])  # warm-up (allocations, kernel selection)
    walls = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        y = fn(x)
        if device.type == "cuda":
            torch.cuda.synchronize()
        walls.append(time.perf_counter() - t0)
        assert y.shape == x.shape and np.isfinite(y).all()
    best = min(walls)
    return {"params": params, "sample_rate": rate, "onednn": bool(torch.backends.mkldnn.enabled),
            "audio_seconds": seconds, "wall_seconds": walls, "rtf": round(seconds / best, 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--models", default=",".join(MODELS))
    args = ap.parse_args(argv)

    import torch

    from adapters.torch_common.device import apply_thread_setting
    load = list(os.getloadavg())
    threads = apply_thread_setting()
    devices = [torch.device("cpu")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    runs = []
    for device in devices:
        models = {}
        for name in [m for m in args.models.split(",") if m]:
            print(f"{name} on {device} ...", file=sys.stderr, flush=True)
            models[name] = measure(name, device, args.seconds, args.repeats)
            print(f"  params {models[name]['params']['total']:,}  RTF {models[name]['rtf']}", file=sys.stderr)
        entry = {"device": str(device), "models": models}
        if device.type == "cuda":
            entry["gpu"] = torch.cuda.get_device_name(0)
        runs.append(entry)
    figures = {
        "cpu_threads": threads,
        "load_average_at_start": load, "torch": torch.__version__,
        "torch_cuda": torch.version.cuda, "seconds": args.seconds, "repeats": args.repeats,
        "weights": "random init (default configs)", "runs": runs,
    }
    path = save("torch_restore_speed", figures, packages=("numpy", "scipy", "torch", "torchaudio"))
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
