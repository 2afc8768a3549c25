"""Seeds for torch derived from ``core.hashing.seed_for`` and deterministic-kernel settings."""

from __future__ import annotations

from core.hashing import seed_for


def torch_seed(seed: int, item_id: str, step: str) -> int:
    """A non-negative 63-bit seed (torch.manual_seed rejects values >= 2**63)."""
    return seed_for(seed, item_id, step) & ((1 << 63) - 1)


def set_determinism(device) -> None:
    """Ask torch for deterministic kernels on CUDA (warn-only where an op has none).

    On the CPU the kernels these adapters use (native convolutions with oneDNN
    off, matmul, batch norm, element-wise ops) are deterministic already, and
    ``torch.use_deterministic_algorithms`` would only cost an import of
    ``torch._dynamo`` (seconds per job process); a fixed seed gives identical
    losses and outputs (tested). On CUDA, cuBLAS also needs
    ``CUBLAS_WORKSPACE_CONFIG`` set before its first call; it is set here when absent.
    """
    import os

    import torch

    if device.type != "cuda":
        return
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    torch.use_deterministic_algorithms(True, warn_only=True)


def make_generator(seed: int):
    """A CPU ``torch.Generator`` seeded with ``seed`` (draw on CPU, then move: same numbers on any device)."""
    import torch

    g = torch.Generator(device="cpu")
    g.manual_seed(seed)
    return g
