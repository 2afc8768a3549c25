"""Fixtures for the segan-pt tests (the dataset writer is shared: tests/adapters/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adapters.conftest import _make_dataset


@pytest.fixture
def segan_dataset(tmp_path) -> Path:
    """16 kHz: 2 training items, 1 validation item, 2 test items of odd lengths."""
    return _make_dataset(tmp_path / "data", 16000, {"train": [5000, 4200], "valid": [3000], "test": [1501, 2501]})


@pytest.fixture(autouse=True)
def _one_torch_thread(monkeypatch):
    """One CPU thread: fast and repeatable on a busy 2-core machine."""
    import torch

    monkeypatch.setenv("ARH_TORCH_THREADS", "1")
    torch.set_num_threads(1)
