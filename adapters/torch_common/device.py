"""Choosing the torch device and recording which one a job used."""

from __future__ import annotations

import os
import platform
from pathlib import Path

from core.atomic import write_json
from core.errors import ArhError

DEVICE_CHOICES = ("auto", "cpu", "cuda")


def resolve_device(requested: str | None):
    """A ``torch.device`` for ``requested``: "auto" is cuda when available, else cpu.

    "cuda" (or "cuda:N") on a machine without a usable GPU is an error, never a
    silent fallback to the CPU.
    """
    import torch

    req = (requested or "auto").strip().lower()
    if req == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if req == "cpu":
        return torch.device("cpu")
    if req.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ArhError(f"job field 'device' is {requested!r} but torch {torch.__version__} sees no CUDA GPU; "
                           "use device 'auto' or 'cpu', or run on a GPU host (docker backend with --gpus)")
        return torch.device(req)
    raise ArhError(f"job field 'device' is {requested!r}; expected one of {DEVICE_CHOICES} (or 'cuda:N')")


def apply_thread_setting() -> int:
    """Set torch's CPU thread count from ``ARH_TORCH_THREADS`` when given; returns the count in use.

    On a busy machine fewer threads than cores can be many times faster
    (OpenMP threads spin while waiting for each other).
    """
    import torch

    value = os.environ.get("ARH_TORCH_THREADS", "").strip()
    if value:
        try:
            n = int(value)
        except ValueError:
            raise ArhError(f"ARH_TORCH_THREADS is {value!r}; expected a positive integer") from None
        if n < 1:
            raise ArhError(f"ARH_TORCH_THREADS is {value!r}; expected a positive integer")
        torch.set_num_threads(n)
    return torch.get_num_threads()


def apply_onednn_setting(default: bool = True) -> bool:
    """Switch torch's oneDNN (mkldnn) CPU kernels on or off; returns the state in use.

    ``ARH_TORCH_ONEDNN=0|1`` overrides ``default``. Why an adapter may default
    to off: with torch 2.11.0 on a 2-thread AVX-512 host, oneDNN forward and
    backward convolutions with many channels and few time steps (SEGAN's
    2048 -> 512 transposed convolution over 8 steps, 512 -> 1024 convolution
    over 16) returned different, wrong values from run to run (errors up to ~9
    on unit-scale outputs), and torch's native kernels were faster for those
    shapes. For 64-channel convolutions over thousands of steps (kim-*) oneDNN
    was repeatable, accurate and 10x faster than the native kernels.
    """
    import torch

    value = os.environ.get("ARH_TORCH_ONEDNN", "").strip()
    if value not in ("", "0", "1"):
        raise ArhError(f"ARH_TORCH_ONEDNN is {value!r}; expected 0 or 1")
    enabled = default if value == "" else value == "1"
    torch.backends.mkldnn.enabled = enabled
    return enabled


def setup_torch(requested: str | None, onednn: bool = True):
    """Everything a torch job does first: thread count, oneDNN choice, device, deterministic kernels."""
    from adapters.torch_common.seeding import set_determinism

    apply_thread_setting()
    apply_onednn_setting(onednn)
    device = resolve_device(requested)
    set_determinism(device)
    return device


def device_info(device) -> dict:
    """What ran the job: device, torch/CUDA versions, GPU name, CPU threads."""
    import torch

    info = {
        "device": str(device),
        "torch": torch.__version__,
        "torch_cuda": torch.version.cuda,
        "cuda_available": bool(torch.cuda.is_available()),
        "cpu": platform.processor() or platform.machine(),
        "cpu_threads": torch.get_num_threads(),
        "onednn": bool(torch.backends.mkldnn.enabled),
        "cpu_count": os.cpu_count(),
    }
    if device.type == "cuda":
        idx = device.index if device.index is not None else torch.cuda.current_device()
        props = torch.cuda.get_device_properties(idx)
        info.update(gpu_name=props.name, gpu_capability=f"{props.major}.{props.minor}",
                    gpu_memory_gib=round(props.total_memory / 2**30, 1),
                    cudnn=torch.backends.cudnn.version())
    return info


def record_device(ctx, device, action: str, extra: dict | None = None) -> dict:
    """Log the device and write ``RUN_DIR/device.json`` (one entry per action)."""
    info = {**device_info(device), **(extra or {})}
    path = Path(ctx.run_dir) / "device.json"
    existing = {}
    if path.exists():
        import json

        try:
            existing = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            existing = {}
    existing[action] = info
    write_json(path, existing)
    name = f" ({info['gpu_name']})" if "gpu_name" in info else ""
    ctx.log(f"{action}: device {info['device']}{name}, torch {info['torch']}, {info['cpu_threads']} CPU threads")
    return info
