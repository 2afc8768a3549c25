"""Shared fixtures: an isolated ARH_HOME per test session and the optional real-audio folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("ARH_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session", autouse=True)
def _arh_home(tmp_path_factory):
    """Keep caches of the test run out of the user's ~/.cache/arh (unless ARH_HOME is set)."""
    if "ARH_HOME" not in os.environ:
        os.environ["ARH_HOME"] = str(tmp_path_factory.mktemp("arh_home"))
    os.environ.setdefault("ARH_QUIET", "1")
    yield


@pytest.fixture
def shared_data() -> Path:
    """The real-audio folder ``../shared/data``; tests using it skip when it is absent."""
    if not SHARED_DATA.exists():
        pytest.skip(f"real audio not found at {SHARED_DATA} (set ARH_SHARED_DATA to its path)")
    return SHARED_DATA
