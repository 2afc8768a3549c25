"""What a dataset record says about the code and libraries that built it."""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path

import core
from core.hashing import stable_hash

CODE_DIRS = ("datasets", "degrade")  # folders of core/ whose sources change dataset bytes


def code_version() -> dict:
    """``core.__version__`` and a hash of every ``.py`` under core/datasets and core/degrade."""
    root = Path(__file__).resolve().parent.parent  # core/
    files = sorted(p for d in CODE_DIRS for p in (root / d).rglob("*.py") if "__pycache__" not in p.parts)
    digest = stable_hash([(p.relative_to(root).as_posix(), p.read_bytes().hex()) for p in files])
    return {"core": _core_version(), "source_hash": digest}


def _core_version() -> str:
    version = getattr(core, "__version__", None)  # None if core was imported as a namespace package
    return version or _version("arh") or "unknown"


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def tool_versions() -> dict:
    """Versions of Python and of the libraries that shape the samples (None when absent)."""
    import soundfile

    out = {"python": platform.python_version()}
    for dist in ("numpy", "scipy", "soxr", "lameenc", "soundfile", "pretty_midi", "espeakng-loader"):
        out[dist] = _version(dist)
    out["libsndfile"] = soundfile.__libsndfile_version__
    try:
        from core.datasets.default.speech import espeak_version

        out["espeak-ng"] = espeak_version()
    except Exception as e:  # optional for folder sources; record why it is missing
        out["espeak-ng"] = f"unavailable ({e})"
    return out
