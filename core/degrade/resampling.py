"""Rate conversion (soxr, linear phase, no delay) and exact-length fitting for transforms."""

from __future__ import annotations

import numpy as np
import soxr

SOXR_QUALITIES = ("QQ", "LQ", "MQ", "HQ", "VHQ")


def resample(x: np.ndarray, sr_in: int, sr_out: int, quality: str = "HQ") -> np.ndarray:
    """``x`` at ``sr_in`` Hz -> float32 at ``sr_out`` Hz (soxr ``quality``); same array if rates match."""
    if sr_in == sr_out:
        return np.asarray(x, dtype=np.float32)
    return np.asarray(soxr.resample(np.asarray(x, dtype=np.float32), sr_in, sr_out, quality=quality),
                      dtype=np.float32)


def fit_length(y: np.ndarray, n: int) -> np.ndarray:
    """Cut or zero-pad ``y`` to exactly ``n`` samples (float32, contiguous)."""
    y = np.asarray(y, dtype=np.float32)
    if y.size >= n:
        return np.ascontiguousarray(y[:n])
    return np.pad(y, (0, n - y.size))
