"""Container overhead: the same restore job through ``local`` and ``docker`` in one run.

Restores a synthetic 100-file dataset (1 s each at 16 kHz; seeded noise bursts)
with one adapter (``segan-pt`` when registered and ``--checkpoint`` is given,
else ``wiener``) through both backends, alternating the order, ``--repeats``
times each, and compares median wall-clock seconds (container start included).
Target: the docker run within 5 % of the local one. Also checks that both
backends wrote identical bytes, and lists the size of every arh image.
Writes ``benchmarks/results/container_overhead.json``.

    python benchmarks/container_overhead.py [--files 100] [--repeats 3] [--adapter wiener]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_record import save  # noqa: E402
from core.adapter import adapter_table, load_adapter  # noqa: E402
from core.audio_io import write_wav  # noqa: E402
from core.datasets.manifest import ManifestItem, write_manifest  # noqa: E402
from core.envs.backend import ExecRequest  # noqa: E402
from core.envs.docker_backend import LABEL, DockerBackend, docker_client  # noqa: E402
from core.envs.local import LocalBackend  # noqa: E402
from core.envs.manifest import load_environment  # noqa: E402
from core.hashing import rng_for  # noqa: E402
from core.job import Job  # noqa: E402

TARGET_PERCENT = 5.0


def make_dataset(root: Path, files: int, rate: int = 16000) -> Path:
    """``files`` one-second items: a tone with seeded noise (degraded) and the tone (clean)."""
    items = []
    t = np.arange(rate) / rate
    for i in range(files):
        item_id = f"utt{i:04d}"
        clean = (0.3 * np.sin(2 * np.pi * (200 + 3 * i) * t)).astype(np.float32)
        noisy = clean + 0.05 * rng_for(0, item_id, "bench").standard_normal(rate).astype(np.float32)
        write_wav(root / "clean" / f"{item_id}.wav", clean, rate)
        write_wav(root / "degraded" / f"{item_id}.wav", noisy, rate)
        items.append(ManifestItem(id=item_id, split="test", clean=f"clean/{item_id}.wav",
                                  degraded=f"degraded/{item_id}.wav", sample_rate=rate, num_samples=rate))
    write_manifest(root / "manifest.jsonl", items)
    return root


def run_once(backend, env, variant, dataset: Path, work: Path, adapter: str, checkpoint: str | None) -> float:
    """Seconds for one restore job through ``backend`` (fresh output folder)."""
    shutil.rmtree(work, ignore_errors=True)
    job = Job(adapter=adapter, action="restore", dataset=str(dataset), split="test",
              output_dir=str(work / "outputs"), run_dir=str(work), checkpoint=checkpoint, device="cpu")
    job_path = job.save(work / "jobs" / "restore.json")
    req = ExecRequest(read_only=[str(dataset)] + ([checkpoint] if checkpoint else []), read_write=[str(work)],
                      quiet=True, log_path=str(work.parent / f"{work.name}.log"), env={"ARH_QUIET": "1"})
    t0 = time.perf_counter()
    code = backend.run_job(job_path, env, variant, req)
    seconds = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"{backend.name} restore failed (exit {code}); log: {req.log_path}")
    return seconds


def image_sizes() -> dict[str, float]:
    """MiB of every arh image (environments and offline bases) in the engine."""
    out = {}
    for image in docker_client().images.list():
        labels = image.labels or {}
        if any(t.startswith(("arh/", "arh-base/")) for t in image.tags) or f"{LABEL}env" in labels:
            for tag in image.tags:
                out[tag] = round(image.attrs.get("Size", 0) / 2**20, 1)
    return dict(sorted(out.items()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--files", type=int, default=100)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--adapter", default=None, help="default: segan-pt with --checkpoint, else wiener")
    p.add_argument("--checkpoint", default=None)
    p.add_argument("--local-in-process", action="store_true",
                   help="let the local side run in-process (warm imports); default: a fresh interpreter per "
                        "job on both sides, so only the container itself is measured")
    args = p.parse_args(argv)
    if not args.local_in_process:
        os.environ["ARH_LOCAL_ISOLATE"] = "1"
    adapter = args.adapter or ("segan-pt" if "segan-pt" in adapter_table() and args.checkpoint else "wiener")
    env = load_environment(load_adapter(adapter).environment)
    variant = env.variant()
    local, docker = LocalBackend(), DockerBackend()
    local.prepare(env, variant, quiet=True)
    prov = docker.prepare(env, variant, quiet=True)
    times: dict[str, list[float]] = {"local": [], "docker": []}
    with tempfile.TemporaryDirectory(prefix="arh-overhead-") as tmp:
        dataset = make_dataset(Path(tmp) / "dataset", args.files)
        for r in range(args.repeats):
            order = [("local", local), ("docker", docker)]
            for name, backend in order if r % 2 == 0 else order[::-1]:
                times[name].append(run_once(backend, env, variant, dataset, Path(tmp) / name, adapter,
                                            args.checkpoint))
                print(f"{name:>6} run {r + 1}: {times[name][-1]:.2f} s", file=sys.stderr)
        same = all((Path(tmp) / "local" / "outputs" / f.name).read_bytes() == f.read_bytes()
                   for f in (Path(tmp) / "docker" / "outputs").glob("*.wav"))
    med = {k: statistics.median(v) for k, v in times.items()}
    overhead = 100.0 * (med["docker"] - med["local"]) / med["local"]
    figures = {"adapter": adapter, "environment": env.name, "variant": variant.name, "files": args.files,
               "repeats": args.repeats, "seconds": times, "median_seconds": med,
               "docker_overhead_percent": round(overhead, 2), "target_percent": TARGET_PERCENT,
               "within_target": overhead <= TARGET_PERCENT, "outputs_identical": same,
               "local_mode": "in-process" if args.local_in_process else "subprocess (python -m adapters JOB)",
               "image": prov["image"], "image_id": prov["image_id"], "image_sizes_mb": image_sizes()}
    path = save("container_overhead", figures)
    print(f"{adapter} on {args.files} files: local {med['local']:.2f} s, docker {med['docker']:.2f} s "
          f"({overhead:+.1f} %, target <= {TARGET_PERCENT:.0f} %); outputs identical: {same}; wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
