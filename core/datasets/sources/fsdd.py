"""Free Spoken Digit Dataset folder (``fsdd:PATH``): files ``{digit}_{speaker}_{index}.wav``.

Metadata: ``digit`` (int), ``speaker``, ``index``. Customary split: index 0-4 is
test, the rest train; a valid split is carved out of train by stable hash of the
id (about ``VALID_FRACTION``, at least one item) so every split has items.
Files whose names do not follow the pattern are reported and skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.datasets.sources.base import RawItem, Scan, Skipped, Source, pick
from core.datasets.sources.folder import audio_files
from core.errors import ArhError
from core.hashing import stable_hash

NAME = re.compile(r"^(?P<digit>[0-9])_(?P<speaker>[A-Za-z0-9-]+)_(?P<index>[0-9]+)$")
TEST_INDICES = range(5)
VALID_FRACTION = 0.1


class FsddSource(Source):
    name = "fsdd"

    def __init__(self, root: str | Path):
        self.root = Path(root).expanduser()
        if not self.root.is_dir():
            raise ArhError(f"FSDD folder {self.root} does not exist; give `fsdd:PATH` where PATH holds "
                           "the recordings ({digit}_{speaker}_{index}.wav)")

    def scan(self, limit: int | None = None) -> Scan:
        items: list[RawItem] = []
        skipped: list[Skipped] = []
        for p in audio_files(self.root):
            rel = p.relative_to(self.root).as_posix()
            m = NAME.match(p.stem)
            if not m or p.suffix.lower() != ".wav":
                skipped.append(Skipped(str(p), "name does not match {digit}_{speaker}_{index}.wav",
                                       "rename it or use the plain folder source", rel))
                continue
            meta = {"digit": int(m["digit"]), "speaker": m["speaker"], "index": int(m["index"]),
                    "kind": "speech"}
            split = "test" if int(m["index"]) in TEST_INDICES else "train"
            items.append(RawItem(p.stem, str(p.resolve()), self.name, rel, meta, split))
        ids = [it.id for it in items]
        if len(set(ids)) != len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise ArhError(f"FSDD folder {self.root} has the same file name in several sub-folders: "
                           f"{', '.join(dup[:5])}; point fsdd: at one recordings folder")
        if not items:
            raise ArhError(f"no FSDD recordings ({{digit}}_{{speaker}}_{{index}}.wav) under {self.root}")
        keep = pick_per_split(items, limit)
        items = sorted((it for it in items if it.id in keep), key=lambda it: it.id)
        carve_valid(items)
        return Scan(items, skipped)

    def describe(self) -> dict:
        return {"spec": f"fsdd:{self.root}", "kind": self.name, "root": str(self.root.resolve())}


def pick_per_split(items: list[RawItem], limit: int | None) -> set[str]:
    """Ids to keep under ``limit``, shared between test and train in proportion (>= 1 each)."""
    if limit is None or limit >= len(items):
        return {it.id for it in items}
    test = [it.id for it in items if it.split == "test"]
    train = [it.id for it in items if it.split != "test"]
    n_test = min(len(test), max(1, round(limit * len(test) / len(items)))) if test and limit > 1 else 0
    return pick(test, n_test) | pick(train, limit - n_test)


def carve_valid(items: list[RawItem], fraction: float = VALID_FRACTION) -> None:
    """Move about ``fraction`` of the train items (by stable hash, at least one) to valid."""
    train = sorted((it for it in items if it.split == "train"), key=lambda it: stable_hash("valid", it.id))
    if len(train) < 2:
        return
    for it in train[: max(1, round(len(train) * fraction))]:
        it.split = "valid"
