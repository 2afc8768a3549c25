"""Any folder of audio files (wav, flac, ogg, mp3), searched recursively.

Item id = path relative to the folder without its extension, posix separators
(``sub/dir/file.wav`` -> ``sub/dir/file``). Hidden files and non-audio files are
ignored; two files that map to the same id are reported and only the first (in
name order) is kept. Whether a file decodes is checked when the item is built.
"""

from __future__ import annotations

import os
from pathlib import Path

from core.audio_io import AUDIO_EXTENSIONS
from core.datasets.sources.base import RawItem, Scan, Skipped, Source, pick
from core.errors import ArhError


def audio_files(root: Path) -> list[Path]:
    """Audio files under ``root`` (recursive, following symlinked folders once, sorted by relative
    path, hidden entries skipped)."""
    out = []
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:  # a link cycle, or one folder reached twice
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            p = Path(dirpath) / name
            if not name.startswith(".") and p.suffix.lower() in AUDIO_EXTENSIONS and p.is_file():
                out.append(p)
    return sorted(out, key=lambda p: p.relative_to(root).as_posix())


class FolderSource(Source):
    name = "folder"

    def __init__(self, root: str | Path):
        self.root = Path(root).expanduser()
        if not self.root.is_dir():
            raise ArhError(f"source folder {self.root} does not exist or is not a folder "
                           "(give a folder of wav/flac/ogg/mp3 files, `default`, or `fsdd:PATH`)")

    def scan(self, limit: int | None = None) -> Scan:
        items: dict[str, RawItem] = {}
        skipped: list[Skipped] = []
        for p in audio_files(self.root):
            rel = p.relative_to(self.root).as_posix()
            item_id = rel[: -len(p.suffix)]
            if item_id in items:
                skipped.append(Skipped(str(p), f"same id {item_id!r} as {items[item_id].origin}",
                                       "rename one of the two files", item_id))
                continue
            items[item_id] = RawItem(item_id, str(p.resolve()), self.name, rel)
        if not items and not skipped:
            raise ArhError(f"no audio files ({', '.join(AUDIO_EXTENSIONS)}) found under {self.root}")
        keep = pick(list(items), limit)
        return Scan([items[i] for i in sorted(keep)], skipped)

    def describe(self) -> dict:
        return {"spec": str(self.root), "kind": self.name, "root": str(self.root.resolve())}
