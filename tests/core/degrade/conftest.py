"""Small synthetic signals for the degradation tests (generated, never read from disk)."""

from __future__ import annotations

import numpy as np
import pytest


def harmonic_tone(sr: int, seconds: float = 1.0, f0: float = 180.0, seed: int = 0) -> np.ndarray:
    """Speech-like test signal: gliding harmonic tone (7 partials) under a smooth envelope,
    plus a little noise so it has energy at every frequency; float32, peak about 0.5."""
    n = int(sr * seconds)
    t = np.arange(n) / sr
    f = f0 * (1.0 + 0.4 * t / seconds)
    phase = 2 * np.pi * np.cumsum(f) / sr
    x = sum(np.sin(h * phase) / h for h in range(1, 8) if h * f0 * 1.4 < sr / 2)
    env = 0.5 + 0.5 * np.sin(2 * np.pi * 3.0 * t) ** 2
    x = x * env * np.hanning(n) ** 0.25
    x = x / np.max(np.abs(x)) * 0.5
    x = x + 0.003 * np.random.default_rng(seed).standard_normal(n)
    return x.astype(np.float32)


def xcorr_lag(y: np.ndarray, x: np.ndarray, max_lag: int = 400) -> int:
    """Lag (samples) of the cross-correlation peak of y against x; positive = y delayed."""
    size = 1 << int(np.ceil(np.log2(len(x) + len(y))))
    cc = np.fft.irfft(np.fft.rfft(y, size) * np.conj(np.fft.rfft(x, size)), size)
    window = np.concatenate([cc[-max_lag:], cc[: max_lag + 1]])
    return int(np.argmax(window)) - max_lag


@pytest.fixture
def tone():
    return harmonic_tone
