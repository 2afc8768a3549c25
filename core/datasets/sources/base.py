"""What a source yields: raw items (one audio file each) and the files it had to skip."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field

import numpy as np

from core.audio_io import read_audio
from core.hashing import stable_hash


@dataclass
class RawItem:
    """One source file before conversion.

    ``id`` is stable and unique within the source (posix separators, no extension);
    ``path`` is the absolute file path; ``origin`` the path relative to the source
    root; ``split`` a split the source itself prescribes (None: split by hash).
    """

    id: str
    path: str
    source: str
    origin: str
    meta: dict = field(default_factory=dict)
    split: str | None = None

    def load(self) -> tuple[np.ndarray, int]:
        """Samples as float32 ``(n, channels)`` and the file's rate; AudioError if unusable."""
        return read_audio(self.path, mono=False)


@dataclass
class Skipped:
    """A file a build could not use, and why (``fix`` says what to do, when known)."""

    file: str
    problem: str
    fix: str = ""
    id: str = ""

    def to_dict(self) -> dict:
        return {"file": self.file, "id": self.id, "problem": self.problem, "fix": self.fix}

    def message(self) -> str:
        return f"{self.file}: {self.problem}" + (f" ({self.fix})" if self.fix else "")


@dataclass
class Scan:
    """Result of listing a source: usable items (sorted by id) and skipped files."""

    items: list[RawItem]
    skipped: list[Skipped] = field(default_factory=list)


class Source(abc.ABC):
    """A corpus of audio files. ``name`` is written into every manifest item (``source``)."""

    name: str

    @abc.abstractmethod
    def scan(self, limit: int | None = None) -> Scan:
        """List items (at most ``limit``, chosen by stable hash of the id, spread evenly)."""

    @abc.abstractmethod
    def describe(self) -> dict:
        """What the dataset record says about the source (spec string, root folder, ...)."""


def pick(ids: list[str], limit: int | None) -> set[str]:
    """At most ``limit`` ids, chosen by stable hash (not the first ones in name order)."""
    if limit is None or limit >= len(ids):
        return set(ids)
    return set(sorted(ids, key=lambda i: stable_hash("pick", i))[:max(0, limit)])
