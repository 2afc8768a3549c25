"""The venv backend builds a real venv from a small lock file, reuses it, and runs a job in it."""

from __future__ import annotations

import json
from importlib import metadata

import pytest

from core.envs.backend import ExecRequest
from core.envs.manifest import load_environment
from core.envs.venv import VenvBackend
from core.errors import ArhError
from core.job import Job

LOCK_PACKAGES = ("numpy", "soundfile", "cffi", "pycparser", "typing_extensions")


def _write_env(root, lock_lines):
    d = root / "tinyenv"
    d.mkdir(parents=True)
    (d / "environment.toml").write_text(
        'name = "tinyenv"\ndefault_variant = "cpu"\n[variants.cpu]\npython = "3.11"\n'
        f'framework = {{ numpy = "{metadata.version("numpy")}" }}\nlock = "cpu.lock"\n')
    (d / "cpu.lock").write_text("\n".join(lock_lines) + "\n")
    return load_environment("tinyenv", root=root)


@pytest.mark.slow
def test_venv_built_from_lock_runs_job_and_is_reused(tiny_dataset, tmp_path):
    env = _write_env(tmp_path / "envs", [f"{p}=={metadata.version(p)}" for p in LOCK_PACKAGES])
    variant = env.variant()
    backend = VenvBackend()
    prov = backend.prepare(env, variant, quiet=True)
    venv = backend.venv_dir(env, variant)
    assert (venv / ".arh-ready").exists() and prov["lock_hash"] == env.lock_hash()
    stamp = (venv / ".arh-ready").stat().st_mtime_ns
    backend.prepare(env, variant, quiet=True)  # reused, not rebuilt
    assert (venv / ".arh-ready").stat().st_mtime_ns == stamp

    job = Job(adapter="identity", action="restore", dataset=str(tiny_dataset), split="test",
              output_dir=str(tmp_path / "run" / "outputs"), run_dir=str(tmp_path / "run"))
    log = tmp_path / "job.log"
    code = backend.run_job(job.save(tmp_path / "job.json"), env, variant, ExecRequest(quiet=True, log_path=str(log)))
    assert code == 0, log.read_text()
    status = json.loads((tmp_path / "run" / "status" / "restore.json").read_text())
    assert status["executable"].startswith(str(venv))
    assert len(list((tmp_path / "run" / "outputs").rglob("*.wav"))) == 3


def test_bad_lock_is_rejected_with_line(tmp_path):
    from core.envs.manifest import read_lock

    env = _write_env(tmp_path / "envs", ["numpy>=1"])
    with pytest.raises(ArhError, match="cpu.lock:1: .*exact pin"):
        read_lock(env.lock_path())
