"""Where arh keeps caches: ``$ARH_HOME`` (default ``~/.cache/arh``)."""

from __future__ import annotations

import os
from pathlib import Path


def arh_home() -> Path:
    """The cache root; created on first use."""
    home = Path(os.environ.get("ARH_HOME") or Path.home() / ".cache" / "arh").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def repo_root() -> Path:
    """The harness checkout (the folder holding ``core/`` and ``environments/``)."""
    return Path(__file__).resolve().parent.parent
