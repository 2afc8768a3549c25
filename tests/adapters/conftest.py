"""Fixtures shared by the adapter tests: tiny generated datasets (clean/degraded WAVs + manifest) and jobs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.atomic import write_json
from core.audio_io import write_wav
from core.datasets.manifest import ManifestItem, write_manifest
from core.job import Job


def _make_dataset(root: Path, rate: int, lengths: dict[str, list[int]], noise: float = 0.05, seed: int = 0) -> Path:
    """One item per length per split: clean = two tones, degraded = clean + white noise (+ dataset.json)."""
    rng = np.random.default_rng(seed)
    items = []
    for split, lens in lengths.items():
        for i, n in enumerate(lens):
            t = np.arange(n) / rate
            f = 150.0 + 90.0 * i + 40.0 * len(split)
            clean = (0.3 * np.sin(2 * np.pi * f * t) + 0.1 * np.sin(2 * np.pi * 3.1 * f * t)).astype(np.float32)
            degraded = (clean + noise * rng.standard_normal(n)).astype(np.float32)
            item_id = f"{split}-{i:02d}"
            write_wav(root / "clean" / f"{item_id}.wav", clean, rate)
            write_wav(root / "degraded" / f"{item_id}.wav", degraded, rate)
            items.append(ManifestItem(id=item_id, split=split, clean=f"clean/{item_id}.wav",
                                      degraded=f"degraded/{item_id}.wav", sample_rate=rate, num_samples=n))
    write_manifest(root / "manifest.jsonl", items)
    write_json(root / "dataset.json", {"schema_version": 1, "hash": f"torch-test-{rate}-{seed}", "rate": rate,
                                       "spec": f"noise:kind=white,std={noise}", "seed": seed})
    return root


def _make_job(base: Path, dataset: Path, adapter: str, action: str, config: dict, *, seed: int = 0,
              checkpoint: Path | None = None, run: str = "run") -> Job:
    return Job(adapter=adapter, action=action, dataset=str(dataset), split="train" if action == "train" else "test",
               output_dir=str(base / run / "out"), run_dir=str(base / run),
               checkpoint=str(checkpoint or base / "ckpt"), config=config, seed=seed, device="cpu")


@pytest.fixture
def make_dataset():
    return _make_dataset


@pytest.fixture
def make_job():
    return _make_job
