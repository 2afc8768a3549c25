"""The adapter contract: one abstract class every model implements.

An adapter module must not import a framework at module level (import torch or
tensorflow inside ``train``/``restore``), so listing adapters stays cheap and
``import core`` never pulls a framework in. Adapters are found through the
table ``ADAPTERS`` in the ``adapters`` package ("name" -> "module:Class"),
which is the only list of names; the CLI, nox sessions and docs read it.
"""

from __future__ import annotations

import abc
import importlib
import json
import sys
import time
from pathlib import Path
from typing import ClassVar

import numpy as np

from core.atomic import append_jsonl
from core.audio_io import read_audio, write_wav
from core.datasets.manifest import ManifestItem, read_manifest
from core.errors import ArhError
from core.job import Job
from core.registry import did_you_mean


class Adapter(abc.ABC):
    """A restoration model as the harness sees it.

    Class attributes to declare: ``name``, ``environment`` (folder in
    ``environments/``), ``sample_rate`` (native rate; the context resamples
    in and out), ``tasks`` (e.g. ``("denoise", "codec")``), ``trainable`` and
    ``configs`` (at least ``"default"`` and ``"tiny"``; tiny = minutes on a
    2-core CPU). ``sample_rate = 0`` means the adapter works at any rate.
    """

    name: ClassVar[str]
    environment: ClassVar[str]
    sample_rate: ClassVar[int]
    tasks: ClassVar[tuple[str, ...]]
    trainable: ClassVar[bool] = True
    # host_side: the adapter runs in the harness's interpreter and starts commands in its
    # environment with ctx.env_exec (for code that cannot import core, e.g. Python 2.7).
    host_side: ClassVar[bool] = False
    configs: ClassVar[dict[str, dict]] = {"default": {}, "tiny": {}}

    def train(self, job: Job, ctx: JobContext) -> None:
        """Train on ``job.split`` (and "valid"), writing a checkpoint into ``job.checkpoint``."""
        raise ArhError(f"adapter {self.name!r} is not trainable")

    @abc.abstractmethod
    def restore(self, job: Job, ctx: JobContext) -> None:
        """Write one output per item of ``ctx.items()`` with ``ctx.write_output``.

        Items whose output already exists (``ctx.pending()`` skips them) are
        finished work from an interrupted run.
        """

    @classmethod
    def config(cls, name_or_dict: str | dict | None, overrides: dict | None = None) -> dict:
        """Resolve a named configuration (or a dict) on top of ``default``."""
        base = dict(cls.configs.get("default", {}))
        if isinstance(name_or_dict, dict):
            base.update(name_or_dict)
        elif name_or_dict and name_or_dict != "default":
            if name_or_dict not in cls.configs:
                raise ArhError(f"adapter {cls.name!r} has no config {name_or_dict!r}. "
                               f"{did_you_mean(name_or_dict, list(cls.configs))}")
            base.update(cls.configs[name_or_dict])
        base.update(overrides or {})
        return base

    @classmethod
    def describe(cls) -> dict:
        return {"name": cls.name, "environment": cls.environment, "sample_rate": cls.sample_rate,
                "tasks": list(cls.tasks), "trainable": cls.trainable, "configs": sorted(cls.configs),
                "doc": (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""}


def adapter_table(package: str = "adapters") -> dict[str, str]:
    """The registry: adapter name -> "module:Class" (read from ``<package>.ADAPTERS``)."""
    mod = importlib.import_module(package)
    table = getattr(mod, "ADAPTERS", None)
    if not isinstance(table, dict):
        raise ArhError(f"package {package!r} has no ADAPTERS table")
    return table


def adapter_names() -> list[str]:
    return sorted(adapter_table())


def load_adapter(name: str) -> type[Adapter]:
    """Import and return the adapter class registered as ``name``."""
    table = adapter_table()
    if name not in table:
        raise ArhError(f"Unknown adapter {name!r}. {did_you_mean(name, list(table))}")
    module_name, cls_name = table[name].split(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    if getattr(cls, "name", None) != name:
        raise ArhError(f"adapter table maps {name!r} to {table[name]} whose name is {cls.name!r}")
    return cls


class JobContext:
    """What an adapter gets to do its work: items, audio I/O at its native rate, logs."""

    def __init__(self, job: Job, adapter: type[Adapter] | Adapter, quiet: bool = False):
        self.job = job
        self.adapter = adapter
        self.quiet = quiet
        self.dataset_dir = Path(job.dataset)
        self.run_dir = Path(job.run_dir)
        self.output_dir = Path(job.output_dir)
        self._items = read_manifest(self.dataset_dir)
        self._log_file = self.run_dir / "logs" / f"{job.action}.log"
        self._log_file.parent.mkdir(parents=True, exist_ok=True)
        self.resampled: list[str] = []  # notes on resampling, stored in the status file
        self._env = None  # (backend, environment, variant, base request) for host-side adapters
        self.provenance: dict = {}  # adapter-specific provenance, stored in the status file and run.json

    def attach_environment(self, backend, env, variant, request) -> None:
        self._env = (backend, env, variant, request)

    @property
    def variant(self):
        """The environment variant a host-side adapter's commands run in (None otherwise)."""
        return self._env[2] if self._env else None

    def harness_path(self, relative: str) -> str:
        """Path of a harness file as commands in the environment see it (containers mount it elsewhere)."""
        if self._env is None:
            from core.paths import repo_root

            return str(repo_root() / relative)
        return f"{self._env[0].harness_root().rstrip('/')}/{relative}"

    def env_exec(self, argv: list[str], read_only: list[str] = (), read_write: list[str] = (),
                 network: bool = False, workdir: str | None = None, env: dict | None = None) -> int:
        """Run ``argv`` in the adapter's environment (``"python"`` first = its interpreter)."""
        if self._env is None:
            raise ArhError(f"adapter {self.job.adapter!r} runs commands in its environment, "
                           "but this job was not started by the runner (use `arh run`)")
        import dataclasses

        backend, environment, variant, base = self._env
        req = dataclasses.replace(base, read_only=list(base.read_only) + list(read_only),
                                  read_write=list(base.read_write) + list(read_write),
                                  network=network, workdir=workdir, env={**base.env, **(env or {})})
        return backend.exec(argv, environment, variant, req)

    # -- items -------------------------------------------------------------
    def items(self, split: str | None = None) -> list[ManifestItem]:
        """Items of ``split`` (default: the job's), restricted to ``job.ids`` if set, sorted by id."""
        split = split or self.job.split
        ids = set(self.job.ids) if self.job.ids else None
        out = [it for it in self._items if it.split == split and (ids is None or it.id in ids)]
        return sorted(out, key=lambda it: it.id)

    def output_path(self, item: ManifestItem) -> Path:
        return self.output_dir / f"{item.id}.wav"

    def pending(self, split: str | None = None) -> list[ManifestItem]:
        """Items whose output file does not exist yet (resume skips finished ones)."""
        return [it for it in self.items(split) if not self.output_path(it).exists()]

    # -- audio ---------------------------------------------------------------
    def _load(self, item: ManifestItem, which: str, rate: int | None) -> np.ndarray:
        x, sr = read_audio(self.dataset_dir / getattr(item, which))
        rate = rate or self.adapter.sample_rate or sr
        if sr != rate:
            from core.datasets.convert import resample

            x = resample(x, sr, rate)
            note = f"{which} {sr} Hz -> {rate} Hz (soxr VHQ)"
            if note not in self.resampled:
                self.resampled.append(note)
        return x

    def load_degraded(self, item: ManifestItem, rate: int | None = None) -> np.ndarray:
        """Degraded input as float32 mono at ``rate`` (default: the adapter's native rate)."""
        return self._load(item, "degraded", rate)

    def load_clean(self, item: ManifestItem, rate: int | None = None) -> np.ndarray:
        """Clean reference as float32 mono at ``rate`` (default: the adapter's native rate)."""
        return self._load(item, "clean", rate)

    def write_output(self, item: ManifestItem, y: np.ndarray, rate: int | None = None) -> Path:
        """Write a restored signal: resampled to the dataset rate, cut/padded to the input length."""
        rate = rate or self.adapter.sample_rate or item.sample_rate
        y = np.asarray(y, dtype=np.float32).reshape(-1)
        if rate != item.sample_rate:
            from core.datasets.convert import resample

            y = resample(y, rate, item.sample_rate)
            note = f"output {rate} Hz -> {item.sample_rate} Hz (soxr VHQ)"
            if note not in self.resampled:
                self.resampled.append(note)
        n = item.num_samples
        y = y[:n] if len(y) >= n else np.pad(y, (0, n - len(y)))
        path = self.output_path(item)
        write_wav(path, y, item.sample_rate)
        return path

    # -- logging ---------------------------------------------------------------
    def log(self, message: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {message}"
        with open(self._log_file, "a", encoding="utf-8") as f:
            f.write(line + "\n")
        if not self.quiet:
            print(line, file=sys.stderr, flush=True)

    def log_step(self, record: dict) -> None:
        """Append one training-log record (step, losses, ...) to ``RUN_DIR/train_log.jsonl``."""
        append_jsonl(self.run_dir / "train_log.jsonl", {"time": time.time(), **record})

    def checkpoint_dir(self) -> Path:
        if not self.job.checkpoint:
            raise ArhError(f"job for adapter {self.job.adapter!r} has no 'checkpoint' folder")
        p = Path(self.job.checkpoint)
        p.mkdir(parents=True, exist_ok=True)
        return p

    def device(self) -> str:
        """The device name the job asked for ("auto" is left to the adapter to resolve)."""
        return self.job.device


def describe_all() -> list[dict]:
    """Descriptions of every registered adapter (imports adapter modules, not frameworks)."""
    return [load_adapter(n).describe() for n in adapter_names()]


def dumps(obj: object) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, default=str)
