"""Original SEGAN speed: harness driver vs per-file main.py, original vs segan-pt, training steps.

Measured in one run on the same CPU and inputs:
1. restore of N files through the harness driver (one session) vs N invocations
   of upstream ``main.py --test_wav`` (graph rebuilt and weights reloaded per file);
2. the original's restore real-time factor vs ``segan-pt`` with the same weights
   ported (``adapters.segan_pt.port``), when torch is importable;
3. upstream training step time at batch 2 and 16 (from upstream's own per-step
   lines, a few steps each).
Needs ARH_SEGAN_SRC (a clean checkout at the pinned commit) and a segan-tf
checkpoint folder (``arh run --adapter segan-tf`` writes one). Results:
benchmarks/results/segan_tf_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from adapters.segan_tf.adapter import DRIVER  # noqa: E402
from adapters.segan_tf.flags import to_argv  # noqa: E402
from adapters.segan_tf.upstream import locate  # noqa: E402
from benchmarks.bench_record import save  # noqa: E402
from core.audio_io import read_audio, write_wav  # noqa: E402
from core.envs.manifest import load_environment  # noqa: E402
from core.envs.venv import VenvBackend  # noqa: E402


def env_python(variant: str) -> list[str]:
    env = load_environment("segan-tf")
    v = env.variant(variant)
    backend = VenvBackend()
    backend.prepare(env, v, quiet=True)
    return backend.python(env, v)


def legacy(py: list[str], src: Path, script: Path, compat: bool) -> list[str]:
    if compat:
        return py + ["-m", "adapters.tfcompat", "--legacy-root", str(src), "--legacy-root", str(DRIVER.parent),
                     str(script)]
    return py + [str(script)]


def run(cmd: list[str], cwd: Path, log: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PYTHONDONTWRITEBYTECODE": "1",
           "TF_CPP_MIN_LOG_LEVEL": "2"}
    t0 = time.perf_counter()
    with open(log, "ab") as f:
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=f, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}), see {log}: {' '.join(cmd[:6])} ...")
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--checkpoint", required=True, help="segan-tf checkpoint folder (holds arh_segan.json)")
    ap.add_argument("--dataset", required=True, help="dataset folder; its first N test/valid/train items are used")
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--variant", default="tf2-compat")
    ap.add_argument("--skip-train", action="store_true")
    ap.add_argument("--only-train", action="store_true",
                    help="only the training-step figures (written to segan_tf_train_step.json)")
    args = ap.parse_args()
    src = locate()
    ckpt = Path(args.checkpoint).resolve()
    meta = json.loads((ckpt / "arh_segan.json").read_text())
    compat = args.variant != "exact"
    py = env_python(args.variant)
    if args.only_train:
        with tempfile.TemporaryDirectory() as tmp:
            figures = {"variant": args.variant, "upstream": str(src),
                       "train_step": train_steps(py, src, compat, Path(tmp), meta)}
        print(f"written to {save('segan_tf_train_step', figures)}")
        return 0
    from core.datasets.manifest import read_manifest

    items = sorted(read_manifest(args.dataset), key=lambda it: (it.split != "test", it.id))[: args.files]
    figures: dict = {"variant": args.variant, "files": len(items), "upstream": str(src), "weights": meta["weights"]}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        jobs, seconds = [], 0.0
        for n, it in enumerate(items):
            x, sr = read_audio(Path(args.dataset) / it.degraded)
            assert sr == 16000, "use a 16 kHz dataset"
            seconds += len(x) / sr
            write_wav(tmp / "in" / f"{n:03d}.wav", x.clip(-1, 1), 16000, subtype="PCM_16")
            jobs.append([str(tmp / "in" / f"{n:03d}.wav"), str(tmp / "drv" / f"{n:03d}.wav"), f"{n:03d}"])
        figures["audio_seconds"] = seconds
        flags = dict(meta["flags"], save_path=str(ckpt))
        (tmp / "flags.json").write_text(json.dumps(flags))
        (tmp / "jobs.json").write_text(json.dumps(jobs))
        log = tmp / "log.txt"
        t_driver = run(legacy(py, src, DRIVER, compat) + ["--src", str(src), "--save_path", str(ckpt), "--weights",
                                                           meta["weights"], "--jobs", str(tmp / "jobs.json"),
                                                           "--flags", str(tmp / "flags.json"), "--z", "zeros"],
                       tmp, log)
        print(f"driver: {len(jobs)} files in {t_driver:.1f} s", flush=True)
        (tmp / "main").mkdir()
        t_main = 0.0
        for inp, _, name in jobs:
            argv = to_argv(dict(flags, test_wav=inp, weights=meta["weights"], save_clean_path=str(tmp / "main")))
            t_main += run(legacy(py, src, src / "main.py", compat) + argv, tmp, log)
            print(f"main.py --test_wav {name}: cumulative {t_main:.1f} s", flush=True)
        figures["restore"] = {"driver_s": t_driver, "main_py_s": t_main, "speedup": t_main / t_driver,
                              "driver_rtf": seconds / t_driver, "main_py_rtf": seconds / t_main}
        print(f"driver {t_driver:.1f} s vs {len(jobs)} x main.py {t_main:.1f} s: {t_main / t_driver:.1f}x", flush=True)
        try:
            figures["segan_pt"] = segan_pt_rtf(ckpt, meta, jobs, seconds)
            print(f"segan-pt with ported weights: RTF {figures['segan_pt']['rtf']:.2f} vs original driver "
                  f"{seconds / t_driver:.2f}", flush=True)
        except ImportError as e:
            figures["segan_pt"] = {"skipped": f"torch not importable here: {e}"}
        if not args.skip_train:
            figures["train_step"] = train_steps(py, src, compat, tmp, meta)
    print(f"written to {save('segan_tf_speed', figures)}")
    return 0


def segan_pt_rtf(ckpt: Path, meta: dict, jobs: list, seconds: float) -> dict:
    """segan-pt restore speed with the upstream weights ported (same files, z = 0), and its parity.

    The checkpoint's variables are read by ``$ARH_TF_PYTHON`` (else the
    tf2-compat venv's Python), converted and saved as a segan-pt checkpoint
    (not timed); timed: loading that checkpoint, then restoring every file as
    the segan-pt adapter does (``input_scale = upstream_int16``, z = 0). Each
    output is compared with the driver's (also z = 0) for the same file.
    """
    import torch

    from adapters.segan_pt.adapter import SeganPT
    from adapters.segan_pt.infer import restore_signal
    from adapters.segan_pt.model import build_generator
    from adapters.segan_pt.port_checkpoint import port_tf_checkpoint
    from adapters.torch_common.checkpoint import load_checkpoint
    from adapters.torch_common.device import setup_torch

    tf_python = os.environ.get("ARH_TF_PYTHON") or env_python("tf2-compat")[0]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        port_tf_checkpoint(ckpt / meta["weights"], Path(tmp) / "ported", python=tf_python, generator_only=True)
        port_s = time.perf_counter() - t0
        device = setup_torch("cpu", onednn=False)
        t0 = time.perf_counter()
        ck = load_checkpoint(Path(tmp) / "ported", "best")
        cfg = SeganPT.config(ck.config, {"z_mode": "zeros"})
        gen = build_generator(cfg)
        gen.load_state_dict(ck.module_state("G"), strict=True)
        gen.eval()
        load_s = time.perf_counter() - t0
    worst = 0.0
    t0 = time.perf_counter()
    outputs = []
    for inp, _, _ in jobs:
        x, _ = read_audio(inp)
        outputs.append(restore_signal(gen, x, cfg, None, device))
    dt = time.perf_counter() - t0
    for y, (_, drv_out, _) in zip(outputs, jobs, strict=True):
        ref, _ = read_audio(drv_out)
        worst = max(worst, float(np.abs(y - ref).max()))
    return {"seconds": dt, "rtf": seconds / dt, "load_s": load_s, "rtf_with_load": seconds / (dt + load_s),
            "port_s": port_s, "threads": torch.get_num_threads(), "onednn": False,
            "input_scale": cfg["input_scale"], "z": "zeros", "max_abs_diff_vs_driver": worst}


STEP = re.compile(r", time/batch = ([\d.]+)")  # not the running mean "mtime/batch"


def train_steps(py: list[str], src: Path, compat: bool, tmp: Path, meta: dict) -> dict:
    """Upstream per-step time at batch 2 and 16 (median of the steps after the first)."""
    out = {}
    rng = np.random.default_rng(0)
    data = tmp / "train"
    for d in ("clean", "noisy"):
        (data / d).mkdir(parents=True)
    for n in range(6):  # 6 files x ~4 s -> enough 16384-sample windows for 3 steps at batch 16
        x = (0.1 * rng.standard_normal(64000)).astype(np.float32)
        write_wav(data / "clean" / f"{n}.wav", x, 16000, subtype="PCM_16")
        write_wav(data / "noisy" / f"{n}.wav", x + 0.05 * rng.standard_normal(64000).astype(np.float32), 16000,
                  subtype="PCM_16")
    cfg = data / "e2e.cfg"
    cfg.write_text(f'[segan]\nnoisy="{data / "noisy"}/"\nclean="{data / "clean"}/"\n')
    log = tmp / "train.log"
    run(legacy(py, src, src / "make_tfrecords.py", compat) + ["--cfg", str(cfg), "--save_path", str(data),
                                                              "--out_file", "segan.tfrecords", "--force-gen"], tmp, log)
    for batch in (2, 16):
        flags = dict(meta["flags"], batch_size=batch, epoch=1 if batch == 16 else 1, save_freq=100000,
                     save_path=str(tmp / f"ck{batch}"), e2e_dataset=str(data / "segan.tfrecords"),
                     synthesis_path=str(tmp / "syn"))
        blog = tmp / f"train{batch}.log"
        run(legacy(py, src, src / "main.py", compat) + to_argv(flags), tmp, blog)
        times = [float(m.group(1)) for m in STEP.finditer(blog.read_text(errors="replace"))]
        out[f"batch_{batch}"] = {"steps": len(times), "first_s": times[0] if times else None,
                                 "median_after_first_s": float(np.median(times[1:])) if len(times) > 1 else None}
        print(f"train batch {batch}: {out[f'batch_{batch}']}", flush=True)
    return out


if __name__ == "__main__":
    sys.exit(main())
