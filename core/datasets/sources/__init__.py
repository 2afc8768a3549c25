"""Sources of clean audio: the built-in default corpus, any folder, FSDD.

``open_source(spec)`` turns a command-line source string into a :class:`Source`:

- ``default`` (speech and music), ``default:speech``, ``default:music``,
  ``default:noise``, or a ``+`` combination such as ``default:speech+noise``;
- ``fsdd:PATH``: a Free Spoken Digit Dataset recordings folder;
- ``folder:PATH`` or just ``PATH``: any folder of wav/flac/ogg/mp3 files.
"""

from __future__ import annotations

from pathlib import Path

from core.datasets.sources.base import RawItem, Scan, Skipped, Source
from core.datasets.sources.folder import FolderSource
from core.datasets.sources.fsdd import FsddSource
from core.errors import ArhError
from core.registry import did_you_mean

SCHEMES = ("default", "fsdd", "folder")

__all__ = ["RawItem", "Scan", "Skipped", "Source", "FolderSource", "FsddSource", "open_source"]


def open_source(spec: str | Source, workers: int | None = None, quiet: bool | None = None) -> Source:
    """The :class:`Source` named by ``spec`` (a Source passes through unchanged).

    ``workers`` and ``quiet`` apply to generating the default corpus.
    """
    if isinstance(spec, Source):
        return spec
    spec = str(spec).strip()
    scheme, _, rest = spec.partition(":")
    if scheme == "default":
        from core.datasets.default.source import DefaultSource

        return DefaultSource(rest or None, workers=workers, quiet=quiet)
    if scheme == "fsdd":
        return FsddSource(rest)
    if scheme == "folder":
        return FolderSource(rest)
    if Path(spec).expanduser().is_dir():
        return FolderSource(spec)
    if rest and len(scheme) > 1 and not Path(scheme).exists():
        raise ArhError(f"unknown source kind {scheme!r} in {spec!r}. {did_you_mean(scheme, list(SCHEMES))}")
    raise ArhError(f"source {spec!r} is neither a folder nor a known source; use `default`, "
                   "`default:speech`, `fsdd:PATH` or a folder of audio files")
