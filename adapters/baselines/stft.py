"""STFT helpers shared by the spectral baselines (numpy only, Hann window, hop n/4).

Written with numpy rather than ``scipy.signal`` because importing
``scipy.signal`` costs seconds per job process, more than the restore work of
many small files. Analysis: periodic Hann window, frames every n/4 samples
over the signal padded by n/2 at both ends (reflect). Synthesis: weighted
overlap-add with the same window divided by the summed squared window, which
reconstructs the input exactly when the spectrum is unchanged.
"""

from __future__ import annotations

import numpy as np


def frame_size(sr: int, ms: float = 32.0) -> int:
    """Power-of-two frame length closest to ``ms`` milliseconds at ``sr``."""
    return int(2 ** round(np.log2(sr * ms / 1000.0)))


def _window(n: int) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


def stft(x: np.ndarray, n: int) -> np.ndarray:
    """Complex STFT, shape (n/2 + 1 frequencies, frames)."""
    hop = n // 4
    pad = n // 2
    xp = np.pad(np.asarray(x, dtype=np.float64), (pad, pad + hop), mode="reflect" if len(x) > pad else "constant")
    frames = 1 + (len(xp) - n) // hop
    idx = np.arange(n)[None, :] + hop * np.arange(frames)[:, None]
    return np.fft.rfft(xp[idx] * _window(n), axis=1).T


def istft(z: np.ndarray, n: int, length: int) -> np.ndarray:
    """Inverse of :func:`stft`, cut or padded to ``length`` samples (float32)."""
    hop = n // 4
    pad = n // 2
    w = _window(n)
    frames = np.fft.irfft(z.T, n=n, axis=1) * w
    total = n + hop * (frames.shape[0] - 1)
    y = np.zeros(total)
    norm = np.zeros(total)
    for i, f in enumerate(frames):
        y[i * hop:i * hop + n] += f
        norm[i * hop:i * hop + n] += w ** 2
    y = y / np.maximum(norm, 1e-12)
    y = y[pad:pad + length]
    if len(y) < length:
        y = np.pad(y, (0, length - len(y)))
    return y.astype(np.float32)
