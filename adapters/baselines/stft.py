"""STFT helpers shared by the spectral baselines (scipy, Hann window, perfect reconstruction)."""

from __future__ import annotations

import numpy as np
from scipy import signal


def frame_size(sr: int, ms: float = 32.0) -> int:
    """Power-of-two frame length closest to ``ms`` milliseconds at ``sr``."""
    return int(2 ** round(np.log2(sr * ms / 1000.0)))


def stft(x: np.ndarray, n: int) -> np.ndarray:
    """Complex STFT (freq, frames) with Hann window, hop n/4."""
    _, _, z = signal.stft(x, nperseg=n, noverlap=3 * n // 4, window="hann", boundary="even", padded=True)
    return z


def istft(z: np.ndarray, n: int, length: int) -> np.ndarray:
    """Inverse of :func:`stft`, cut or padded to ``length`` samples."""
    _, y = signal.istft(z, nperseg=n, noverlap=3 * n // 4, window="hann", boundary=True)
    y = y[:length]
    if len(y) < length:
        y = np.pad(y, (0, length - len(y)))
    return y.astype(np.float32)
