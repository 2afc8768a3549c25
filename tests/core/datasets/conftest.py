"""Tiny audio fixtures for dataset tests (generated, never committed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf


def tone(n: int, sr: int, freq: float = 220.0, seed: int = 0) -> np.ndarray:
    """A quiet tone plus a little noise: non-silent, deterministic, float32 ``(n,)``."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / sr
    return (0.3 * np.sin(2 * np.pi * freq * t) + 0.01 * rng.standard_normal(n)).astype(np.float32)


@pytest.fixture
def make_wav():
    """``make_wav(path, seconds=0.25, sr=16000, channels=1, seed=0, fmt=None)`` -> Path."""

    def make(path: Path, seconds: float = 0.25, sr: int = 16000, channels: int = 1, seed: int = 0,
             fmt: str | None = None) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        n = int(seconds * sr)
        x = np.stack([tone(n, sr, 200 + 50 * c + 10 * seed, seed + c) for c in range(channels)], axis=1)
        sf.write(str(path), x, sr, format=fmt)
        return path

    return make


@pytest.fixture
def tiny_folder(tmp_path, make_wav) -> Path:
    """Eight short mono files at mixed rates in nested folders."""
    root = tmp_path / "src"
    for k in range(5):
        make_wav(root / f"utt{k}.wav", seed=k)
    make_wav(root / "sub" / "a.flac", sr=22050, seed=7)
    make_wav(root / "sub" / "deeper" / "b.ogg", sr=8000, seed=8)
    make_wav(root / "sub" / "c.wav", sr=44100, seed=9)
    return root
