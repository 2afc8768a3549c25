"""Test signals for the metric tests, generated (no files committed)."""

from __future__ import annotations

import numpy as np
import pytest

from core.hashing import rng_for


def speech_like(sr: int = 16000, seconds: float = 3.0, seed: int = 0) -> np.ndarray:
    """Syllable-like bursts: gliding harmonic tones with formant-shaped amplitudes and
    Hann envelopes, separated by short pauses with a -60 dB noise floor. float32, peak ~0.5."""
    rng = rng_for(seed, "speech_like", f"{sr}:{seconds}")
    n = int(sr * seconds)
    x = np.zeros(n)
    t0 = int(0.1 * sr)
    while t0 < n - int(0.2 * sr):
        dur = int(rng.uniform(0.15, 0.3) * sr)
        dur = min(dur, n - t0)
        t = np.arange(dur) / sr
        f0 = rng.uniform(100, 200) * (1 + rng.uniform(-0.2, 0.2) * t / t[-1])
        phase = 2 * np.pi * np.cumsum(f0) / sr
        formants = rng.uniform([500, 1200, 2500], [800, 1800, 3200])
        seg = np.zeros(dur)
        for h in range(1, int(min(4000, sr / 2 - 200) / 200) + 1):
            freq = h * f0.mean()
            gain = sum(np.exp(-((freq - f) / 200.0) ** 2) for f in formants) + 0.05
            seg += gain / h**0.5 * np.sin(h * phase + rng.uniform(0, 2 * np.pi))
        seg *= np.hanning(dur)
        seg += 0.02 * rng.standard_normal(dur) * np.hanning(dur)  # breath / fricative noise
        x[t0:t0 + dur] += seg
        t0 += dur + int(rng.uniform(0.05, 0.15) * sr)
    x /= np.abs(x).max() / 0.5
    x += 1e-3 * 0.5 * rng.standard_normal(n)  # -60 dB floor: no digital silence
    return x.astype(np.float32)


def add_noise_at_snr(x: np.ndarray, snr_db: float, seed: int = 1) -> np.ndarray:
    """x plus white noise scaled so that 10 log10(sum x^2 / sum noise^2) == snr_db (in float64)."""
    rng = rng_for(seed, "noise", str(snr_db))
    noise = rng.standard_normal(x.size)
    noise *= np.sqrt(np.sum(x.astype(np.float64) ** 2) / np.sum(noise**2) / 10 ** (snr_db / 10))
    return (x + noise).astype(np.float32)


@pytest.fixture(scope="session")
def make_speech():
    """The speech_like generator: make_speech(sr, seconds, seed)."""
    return speech_like


@pytest.fixture(scope="session")
def make_noisy():
    """The add_noise_at_snr helper: make_noisy(x, snr_db, seed)."""
    return add_noise_at_snr


@pytest.fixture(scope="session")
def speech16k() -> np.ndarray:
    return speech_like(16000, 3.0, seed=0)


@pytest.fixture(scope="session")
def noisy16k(speech16k) -> np.ndarray:
    return add_noise_at_snr(speech16k, 5.0)
