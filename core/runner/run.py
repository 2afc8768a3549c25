"""``arh run``: train when needed, restore the test split, score, record provenance.

A run folder holds::

    run.json          provenance and per-phase state/timings (rewritten atomically)
    jobs/<action>.json  the job documents sent to the environment
    status/<action>.json  written by the in-environment side
    logs/             job logs
    checkpoint/       when the run trained (``.arh-complete`` marks a finished training)
    outputs/<id>.wav  restored test items
    results.jsonl     one record per (item, role, metric)
    summary.json      per metric: degraded, restored, difference, CI

Rerunning the same command resumes: finished phases are skipped, finished
outputs and scores are kept, partial files never look finished.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from core import __version__
from core.adapter import Adapter, load_adapter
from core.atomic import write_json, write_text
from core.datasets.manifest import read_dataset_info, read_manifest
from core.envs.backend import ExecRequest, get_backend
from core.envs.manifest import load_environment
from core.errors import ArhError
from core.hashing import stable_hash
from core.job import EXIT_BAD_JOB, EXIT_INTERRUPTED, Job
from core.runner.provenance import git_revision, host_info

RUN_SCHEMA_VERSION = 1
DEFAULT_METRICS = ("pesq_wb", "stoi", "estoi", "sisdr", "snr", "segsnr", "lsd", "mae")


class RunFailed(ArhError):
    """A phase of a run failed; the message names the phase, the status file and the log."""


@dataclass
class RunSpec:
    """Everything that defines one run (one adapter on one dataset)."""

    adapter: str
    dataset: str
    out: str
    backend: str = "local"
    variant: str | None = None
    config: str | dict = "default"
    config_overrides: dict = field(default_factory=dict)
    seed: int = 0
    train: bool | None = None  # None: train when the adapter is trainable and no checkpoint is given
    checkpoint: str | None = None
    metrics: tuple[str, ...] = DEFAULT_METRICS
    device: str = "auto"
    workers: int | None = None
    quiet: bool = False


def _dataset_hash(info: dict) -> str | None:
    return info.get("hash") or info.get("dataset_hash")


def _resolve_config(cls: type[Adapter], spec: RunSpec) -> dict:
    cfg = spec.config
    if isinstance(cfg, str) and cfg not in cls.configs and Path(cfg).suffix in (".json", ".toml"):
        path = Path(cfg)
        if not path.exists():
            raise ArhError(f"config file {cfg} does not exist")
        if path.suffix == ".json":
            cfg = json.loads(path.read_text(encoding="utf-8"))
        else:
            import tomllib

            cfg = tomllib.loads(path.read_text(encoding="utf-8"))
    return cls.config(cfg, spec.config_overrides)


class Run:
    """One run folder; :meth:`execute` performs (or resumes) every phase."""

    def __init__(self, spec: RunSpec):
        self.spec = spec
        self.dir = Path(spec.out).resolve()
        self.dataset = Path(spec.dataset).resolve()
        self.cls = load_adapter(spec.adapter)
        self.env = load_environment(self.cls.environment)
        self.variant = self.env.variant(spec.variant)
        self.config = _resolve_config(self.cls, spec)
        self.dataset_info = read_dataset_info(self.dataset)
        self.items = read_manifest(self.dataset)
        self.test_ids = sorted(it.id for it in self.items if it.split == "test")
        if not self.test_ids:
            raise ArhError(f"dataset {self.dataset} has no test items; rebuild it with a test fraction > 0")
        self.identity = {
            "adapter": spec.adapter, "dataset_hash": _dataset_hash(self.dataset_info),
            "environment": self.env.name, "variant": self.variant.name, "config": self.config,
            "seed": spec.seed, "checkpoint": spec.checkpoint, "train": spec.train,
        }
        self.run_id = stable_hash(self.identity)[:16]
        self.record: dict = {}

    # -- bookkeeping -------------------------------------------------------------
    def _load_or_start_record(self) -> None:
        path = self.dir / "run.json"
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            if old.get("run_id") != self.run_id:
                raise ArhError(
                    f"{self.dir} already holds a different run (run_id {old.get('run_id')}, adapter "
                    f"{old.get('adapter', {}).get('name')}); choose another --out or delete that folder")
            self.record = old
            self.record["resumed"] = self.record.get("resumed", 0) + 1
        else:
            self.record = {
                "schema_version": RUN_SCHEMA_VERSION, "run_id": self.run_id, "identity": self.identity,
                "adapter": self.cls.describe(), "config": self.config, "seed": self.spec.seed,
                "device_requested": self.spec.device, "backend": self.spec.backend,
                "environment": {"name": self.env.name, "variant": self.variant.name,
                                "manifest_hash": self.env.manifest_hash(),
                                "lock_hash": self.env.lock_hash(self.variant.name),
                                "python": self.variant.python, "framework": self.variant.framework,
                                "cuda": self.variant.cuda},
                "dataset": {"path": str(self.dataset), "hash": _dataset_hash(self.dataset_info),
                            "spec": self.dataset_info.get("spec"), "seed": self.dataset_info.get("seed"),
                            "rate": self.dataset_info.get("rate"), "test_items": len(self.test_ids)},
                "harness": {"version": __version__, **git_revision()},
                "metrics": list(self.spec.metrics), "phases": {}, "started": time.time(), "resumed": 0,
            }
        self.record["host"] = host_info()
        self.record["state"] = "running"
        self._save()

    def _save(self) -> None:
        write_json(self.dir / "run.json", self.record)

    def _phase(self, name: str, **fields) -> None:
        self.record["phases"].setdefault(name, {}).update(fields)
        self._save()

    # -- phases -----------------------------------------------------------------
    def _job(self, action: str, split: str, checkpoint: str | None) -> Job:
        return Job(adapter=self.spec.adapter, action=action, dataset=str(self.dataset), split=split,
                   output_dir=str(self.dir / ("outputs" if action == "restore" else "work")),
                   run_dir=str(self.dir), checkpoint=checkpoint, config=self.config, seed=self.spec.seed,
                   device=self.spec.device)

    def _run_job(self, backend, job: Job) -> None:
        job_path = job.save(self.dir / "jobs" / f"{job.action}.json")
        req = ExecRequest(read_only=[str(self.dataset)], read_write=[str(self.dir)],
                          network=False, log_path=str(self.dir / "logs" / f"{job.action}.out"),
                          quiet=self.spec.quiet, gpu=self.spec.device != "cpu",
                          env={"ARH_QUIET": "1"} if self.spec.quiet else {})
        if job.checkpoint and not str(job.checkpoint).startswith(str(self.dir)):
            (req.read_write if job.action == "train" else req.read_only).append(str(job.checkpoint))
        (self.dir / "logs").mkdir(parents=True, exist_ok=True)
        if getattr(self.cls, "host_side", False):
            from core.job_exec import execute

            code = execute(job, quiet=self.spec.quiet, backend=backend, env=self.env, variant=self.variant,
                           request=req)
        else:
            code = backend.run_job(job_path, self.env, self.variant, req)
        status_file = self.dir / "status" / f"{job.action}.json"
        status = json.loads(status_file.read_text()) if status_file.exists() else {}
        if code == EXIT_INTERRUPTED:
            raise KeyboardInterrupt
        if code != 0:
            what = "bad job" if code == EXIT_BAD_JOB else "adapter error"
            err = status.get("error") or f"exit code {code} and no status file (the environment did not start?)"
            raise RunFailed(f"{job.action} of {self.spec.adapter!r} failed ({what}): {err}\n"
                            f"  status: {status_file}\n  log: {req.log_path}")
        self._phase(job.action, peak_memory_mb=status.get("peak_memory_mb"),
                    job_seconds=status.get("seconds"), resampling=status.get("resampling"),
                    provenance=status.get("provenance") or {})

    def _needs_training(self) -> bool:
        if self.spec.checkpoint:
            return False
        if self.spec.train is False:
            if self.cls.trainable:
                raise ArhError(f"adapter {self.spec.adapter!r} needs weights: pass --checkpoint DIR or allow "
                               f"training (drop --no-train)")
            return False
        if not self.cls.trainable:
            if self.spec.train:
                raise ArhError(f"adapter {self.spec.adapter!r} is not trainable; drop --train")
            return False
        return True

    def execute(self) -> dict:
        """Run or resume every phase; returns the summary dict."""
        self.dir.mkdir(parents=True, exist_ok=True)
        self._load_or_start_record()
        backend = get_backend(self.spec.backend)
        t = time.monotonic()
        try:
            prov = backend.prepare(self.env, self.variant, quiet=self.spec.quiet)
            self.record["backend_provenance"] = prov
            self._phase("prepare", seconds=time.monotonic() - t, state="done")

            checkpoint = self.spec.checkpoint
            if self._needs_training():
                checkpoint = str(self.dir / "checkpoint")
                marker = Path(checkpoint) / ".arh-complete"
                if marker.exists():
                    self._phase("train", state="done", skipped="finished in an earlier attempt")
                else:
                    t = time.monotonic()
                    self._phase("train", state="running")
                    self._run_job(backend, self._job("train", "train", checkpoint))
                    write_text(marker, json.dumps({"finished": time.time()}))
                    self._phase("train", state="done", seconds=time.monotonic() - t)
            self.record["checkpoint"] = checkpoint

            t = time.monotonic()
            self._remove_stale_temporaries()
            missing = self._missing_outputs()
            if missing:
                self._phase("restore", state="running", pending=len(missing))
                self._run_job(backend, self._job("restore", "test", checkpoint))
                missing = self._missing_outputs()
                if missing:
                    raise RunFailed(f"restore of {self.spec.adapter!r} finished without outputs for "
                                    f"{len(missing)} test item(s), e.g. {missing[:3]}")
                self._phase("restore", state="done", seconds=time.monotonic() - t, items=len(self.test_ids))
            else:
                self._phase("restore", state="done", skipped="all outputs present")

            t = time.monotonic()
            self._phase("score", state="running")
            summary = self._score()
            self._phase("score", state="done", seconds=time.monotonic() - t)
            self.record.update(state="done", ended=time.time())
            self._save()
            return summary
        except KeyboardInterrupt:
            self.record.update(state="interrupted")
            self._save()
            raise
        except Exception as e:
            self.record.update(state="failed", error=str(e), ended=time.time())
            self._save()
            raise

    def _remove_stale_temporaries(self) -> None:
        """Delete temporary files an interrupted attempt left (atomic writes use ``.<name>.*.tmp*``)."""
        for folder in (self.dir / "outputs", self.dir / "checkpoint"):
            if folder.exists():
                for p in folder.rglob(".*.tmp*"):
                    if p.is_file():
                        p.unlink()

    def _missing_outputs(self) -> list[str]:
        return [i for i in self.test_ids if not (self.dir / "outputs" / f"{i}.wav").exists()]

    def _score(self) -> dict:
        from core.metrics.engine import compare, pairs_from_dataset, score_pairs, summarize

        pairs = pairs_from_dataset(self.dataset, est_dir=self.dir / "outputs", split="test", role="restored")
        pairs += pairs_from_dataset(self.dataset, est_dir=None, split="test", role="degraded")
        records = score_pairs(pairs, list(self.spec.metrics), out=self.dir / "results.jsonl",
                              workers=self.spec.workers, quiet=self.spec.quiet,
                              extra={"run_id": self.run_id, "adapter": self.spec.adapter,
                                     "variant": self.variant.name,
                                     "dataset_hash": _dataset_hash(self.dataset_info)})
        summary = {"schema_version": RUN_SCHEMA_VERSION, "run_id": self.run_id, "adapter": self.spec.adapter,
                   "dataset": str(self.dataset), "dataset_hash": _dataset_hash(self.dataset_info),
                   "per_role": summarize(records)}
        summary["metrics"] = compare(summary["per_role"], records)
        write_json(self.dir / "summary.json", summary)
        return summary


def run(spec: RunSpec) -> dict:
    """Execute (or resume) one run; returns its summary."""
    return Run(spec).execute()
