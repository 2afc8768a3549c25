"""The one resampler the metrics use when an algorithm is defined only at other rates."""

from __future__ import annotations

import importlib.metadata

import numpy as np

RESAMPLER = f"soxr {importlib.metadata.version('soxr')} (quality VHQ)"


def resample_to(x: np.ndarray, sr: int, target: int) -> np.ndarray:
    """``x`` (1-D float, ``sr`` Hz) resampled to ``target`` Hz with soxr VHQ; dtype kept (float32 in)."""
    if sr == target:
        return x
    import soxr

    y = soxr.resample(np.ascontiguousarray(x), sr, target, quality="VHQ")
    return np.ascontiguousarray(y, dtype=x.dtype)
