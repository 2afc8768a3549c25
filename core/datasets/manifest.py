"""Dataset manifest: one JSON line per item, files found by id (never by order).

On-disk dataset layout (the contract every adapter and the runner rely on)::

    DIR/dataset.json      hash, spec, seed, rate, counts, durations, tool versions
    DIR/manifest.jsonl    one ManifestItem per line
    DIR/clean/<id>.wav    reference signal
    DIR/degraded/<id>.wav degraded twin, same length and rate
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.atomic import write_jsonl
from core.errors import ArhError

MANIFEST_SCHEMA_VERSION = 1
SPLITS = ("train", "valid", "test")


@dataclass
class ManifestItem:
    """One utterance / excerpt and its degraded twin (paths relative to the dataset folder)."""

    id: str
    split: str
    clean: str
    degraded: str
    sample_rate: int
    num_samples: int
    channels: int = 1
    source: str = ""  # source name, e.g. "default:speech", "folder", "fsdd"
    origin: str = ""  # path of the source file (relative to the source root) or generator name
    meta: dict = field(default_factory=dict)  # speaker, digit, text, voice, segment start, ...

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ManifestItem:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in known})


def write_manifest(path: str | Path, items: list[ManifestItem]) -> None:
    """Write items sorted by id (stable bytes for identical inputs), atomically."""
    write_jsonl(path, [it.to_dict() for it in sorted(items, key=lambda it: it.id)])


def read_manifest(dataset_dir: str | Path) -> list[ManifestItem]:
    """Items of a built dataset; raises a clear error if the folder is not one."""
    path = Path(dataset_dir) / "manifest.jsonl"
    if not path.exists():
        raise ArhError(f"{dataset_dir} is not an arh dataset (no manifest.jsonl); "
                       "build one with `arh data build --source default --out DIR`")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(ManifestItem.from_dict(json.loads(line)))
            except (json.JSONDecodeError, TypeError) as e:
                raise ArhError(f"{path}:{n}: bad manifest line ({e})") from e
    return items


def read_dataset_info(dataset_dir: str | Path) -> dict:
    path = Path(dataset_dir) / "dataset.json"
    if not path.exists():
        raise ArhError(f"{dataset_dir} has no dataset.json; rebuild it with `arh data build`")
    return json.loads(path.read_text(encoding="utf-8"))
