"""The job document: what crosses process and container boundaries.

A job is plain JSON (no pickles) so that a Python 2.7 driver, a container or a
venv interpreter can read it. Paths inside a job are absolute on the side that
runs it (the docker backend rewrites them to mount points).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.atomic import write_json
from core.errors import ArhError

JOB_SCHEMA_VERSION = 1
ACTIONS = ("train", "restore")

# Exit codes of the in-environment side (``python -m adapters JOB``).
EXIT_OK = 0
EXIT_ADAPTER_ERROR = 1
EXIT_BAD_JOB = 2
EXIT_INTERRUPTED = 130


@dataclass
class Job:
    """One action of one adapter on one dataset split."""

    adapter: str
    action: str  # "train" or "restore"
    dataset: str  # dataset folder (holds manifest.jsonl and dataset.json)
    split: str  # split to restore ("test") or to train on ("train"; "valid" is used for validation)
    output_dir: str  # restore: <output_dir>/<id>.wav; train: scratch space
    run_dir: str  # logs, status file, training log
    checkpoint: str | None = None  # checkpoint folder: written by train, read by restore
    config: dict = field(default_factory=dict)
    seed: int = 0
    device: str = "auto"  # "auto" (cuda when present), "cpu", "cuda"
    ids: list[str] | None = None  # restrict to these item ids
    schema_version: int = JOB_SCHEMA_VERSION

    def validate(self) -> None:
        if self.action not in ACTIONS:
            raise ArhError(f"job field 'action' is {self.action!r}; expected one of {ACTIONS}")
        if not Path(self.dataset, "manifest.jsonl").exists():
            raise ArhError(
                f"job field 'dataset' is {self.dataset!r}, which has no manifest.jsonl; "
                "build one with `arh data build`"
            )
        if self.schema_version != JOB_SCHEMA_VERSION:
            raise ArhError(f"job schema_version {self.schema_version} is not supported "
                           f"(this harness reads {JOB_SCHEMA_VERSION})")

    def to_dict(self) -> dict:
        return asdict(self)

    def save(self, path: str | Path) -> Path:
        write_json(path, self.to_dict())
        return Path(path)

    @classmethod
    def from_dict(cls, d: dict) -> Job:
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(d) - known)
        if unknown:
            raise ArhError(f"job has unknown field(s) {unknown}; known fields: {sorted(known)}")
        missing = [k for k in ("adapter", "action", "dataset", "split", "output_dir", "run_dir") if k not in d]
        if missing:
            raise ArhError(f"job is missing field(s) {missing}")
        return cls(**d)

    @classmethod
    def load(cls, path: str | Path) -> Job:
        try:
            d = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as e:
            raise ArhError(f"cannot read job file {path}: {e}") from e
        if not isinstance(d, dict):
            raise ArhError(f"job file {path} must hold a JSON object")
        return cls.from_dict(d)
