"""A tiny dataset written directly in the on-disk contract (independent of the builder)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.atomic import write_json
from core.audio_io import write_wav
from core.datasets.manifest import ManifestItem, write_manifest


def voiced_bursts(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Speech-like test signal: harmonic bursts with a gliding pitch, separated by pauses."""
    t = np.arange(n) / sr
    f0 = 110 + 60 * rng.random() + 20 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / sr
    x = sum((0.6 / k) * np.sin(k * phase + rng.random() * 6) for k in range(1, 12))
    env = (np.sin(2 * np.pi * 1.3 * t + rng.random() * 6) > 0.1).astype(float)
    env = np.convolve(env, np.hanning(int(0.02 * sr)) / (0.01 * sr), mode="same")
    return (0.3 * x * env).astype(np.float32)


def make_dataset(root: Path, n: int = 6, sr: int = 16000, seconds: float = 1.5, snr_db: float = 5.0,
                 seed: int = 0) -> Path:
    """Write ``n`` items (half test, the rest train/valid) with white noise at ``snr_db``."""
    rng = np.random.default_rng(seed)
    items = []
    for i in range(n):
        x = voiced_bursts(int(seconds * sr), sr, rng)
        noise = rng.standard_normal(len(x)).astype(np.float32)
        noise *= np.sqrt((x ** 2).sum() / (noise ** 2).sum() / 10 ** (snr_db / 10))
        split = "test" if i % 2 == 0 else ("train" if i % 4 == 1 else "valid")
        iid = f"spk{i % 2}/utt{i:02d}"
        write_wav(root / "clean" / f"{iid}.wav", x, sr)
        write_wav(root / "degraded" / f"{iid}.wav", x + noise, sr)
        items.append(ManifestItem(id=iid, split=split, clean=f"clean/{iid}.wav", degraded=f"degraded/{iid}.wav",
                                  sample_rate=sr, num_samples=len(x), source="test"))
    write_manifest(root / "manifest.jsonl", items)
    write_json(root / "dataset.json", {"schema_version": 1, "hash": f"test-{seed}-{n}-{snr_db}", "rate": sr,
                                       "spec": f"noise:kind=white,snr={snr_db}", "seed": seed})
    return root


@pytest.fixture
def tiny_dataset(tmp_path) -> Path:
    return make_dataset(tmp_path / "ds")
