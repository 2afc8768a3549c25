"""Shared pieces for the segan-tf tests: the fixture "upstream" as a git repository, a tiny
dataset, and one tiny run of the adapter through the runner against that fixture."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.atomic import write_json
from core.audio_io import write_wav
from core.datasets.manifest import ManifestItem, write_manifest

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture_segan"
REPO = HERE.parents[2]
SR = 16000
# id -> (split, seconds). Train: 1.5 s + 2.0 s = 1 + 2 windows of 2**14 (hop 2**13), so with
# batch 2 Python 2 classic division gives 1 batch per epoch (true division would give 1.5).
ITEMS = {"spk0/utt00": ("test", 1.2), "spk0/utt01": ("train", 1.5), "spk1/utt02": ("test", 0.7),
         "spk1/utt03": ("train", 2.0), "spk1/utt04": ("valid", 1.1)}


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), "-c", "user.name=arh-test", "-c", "user.email=arh@test",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def make_fixture_repo(dest: Path) -> tuple[Path, str]:
    """Copy the fixture's Python files into ``dest``, make it a one-commit git repo; (path, commit)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed (the segan-tf adapter verifies upstream with git)")
    dest.mkdir(parents=True)
    for f in FIXTURE.glob("*.py"):
        shutil.copy2(f, dest / f.name)
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    git(dest, "add", ".")
    git(dest, "commit", "-q", "-m", "fixture upstream")
    return dest, git(dest, "rev-parse", "HEAD")


def make_dataset(root: Path, seed: int = 0) -> Path:
    """Harmonic 'speech' with white noise at 5 dB SNR, in the dataset on-disk contract."""
    rng = np.random.default_rng(seed)
    items = []
    for iid, (split, seconds) in ITEMS.items():
        n = int(seconds * SR)
        t = np.arange(n) / SR
        f0 = 120 + 40 * rng.random()
        x = sum((0.5 / k) * np.sin(2 * np.pi * k * f0 * t + rng.random() * 6) for k in range(1, 8))
        x = (0.3 * x * (np.sin(2 * np.pi * 2 * t) > -0.3)).astype(np.float32)
        noise = rng.standard_normal(n).astype(np.float32)
        noise *= np.sqrt((x ** 2).sum() / (noise ** 2).sum() / 10 ** 0.5)
        write_wav(root / "clean" / f"{iid}.wav", x, SR)
        write_wav(root / "degraded" / f"{iid}.wav", np.clip(x + noise, -1, 1), SR)
        items.append(ManifestItem(id=iid, split=split, clean=f"clean/{iid}.wav", degraded=f"degraded/{iid}.wav",
                                  sample_rate=SR, num_samples=n, source="test"))
    write_manifest(root / "manifest.jsonl", items)
    write_json(root / "dataset.json", {"schema_version": 1, "hash": f"segan-tf-test-{seed}", "rate": SR,
                                       "spec": "noise:kind=white,snr=5", "seed": seed})
    return root


def tfcompat_cmd(script: Path, *args: str, roots: tuple[Path, ...] = ()) -> list[str]:
    cmd = [sys.executable, "-m", "adapters.tfcompat"]
    for r in roots:
        cmd += ["--legacy-root", str(r)]
    return cmd + [str(script), *args]


def run_legacy(cmd: list[str], cwd: Path, graph_seed: int | None = None, timeout: int = 600) -> str:
    """Run a command under tfcompat with the harness importable; returns stdout+stderr, asserts rc 0."""
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1")
    for k in ("ARH_TFCOMPAT_DISABLE", "ARH_TFCOMPAT_AUDIT", "ARH_TFCOMPAT_GRAPH_SEED"):
        env.pop(k, None)
    if graph_seed is not None:
        env["ARH_TFCOMPAT_GRAPH_SEED"] = str(graph_seed)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{cmd[:6]} exited {proc.returncode}:\n{out[-4000:]}"
    return out


def local_tf2_compat_or_skip() -> None:
    """Skip unless this interpreter can serve as the local backend for segan-tf/tf2-compat."""
    pytest.importorskip("tensorflow")
    from core.envs.local import LocalBackend
    from core.envs.manifest import load_environment
    from core.errors import ArhError

    env = load_environment("segan-tf")
    try:
        LocalBackend().prepare(env, env.variant("tf2-compat"), quiet=True)
    except ArhError as e:
        pytest.skip(f"this interpreter cannot run segan-tf/tf2-compat locally: {e}")


def use_fixture_upstream(mp: pytest.MonkeyPatch, repo: Path, commit: str) -> None:
    """Make the adapter accept ``repo`` as upstream: pin its commit, point ARH_SEGAN_SRC at it."""
    from adapters.segan_tf import upstream

    mp.setattr(upstream, "pinned", lambda: ("https://example.invalid/segan-fixture", commit))
    mp.setenv("ARH_SEGAN_SRC", str(repo))
    mp.delenv("ARH_TFCOMPAT_GRAPH_SEED", raising=False)
    mp.delenv("ARH_TFCOMPAT_DISABLE", raising=False)


@pytest.fixture(scope="session")
def fixture_run(tmp_path_factory):
    """One tiny train + restore + score of segan-tf (tf2-compat, local backend) on the fixture upstream.

    Returns a dict: repo, commit, dataset, out, spec, summary, seconds.
    """
    import time

    local_tf2_compat_or_skip()
    from core.runner.run import RunSpec, run

    base = tmp_path_factory.mktemp("segan_fixture_run")
    repo, commit = make_fixture_repo(base / "upstream")
    dataset = make_dataset(base / "ds")
    out = base / "run"
    spec = RunSpec(adapter="segan-tf", dataset=str(dataset), out=str(out), backend="local", variant="tf2-compat",
                   config="tiny", metrics=("sisdr", "snr"), quiet=True)
    with pytest.MonkeyPatch.context() as mp:
        use_fixture_upstream(mp, repo, commit)
        t0 = time.monotonic()
        summary = run(spec)
        seconds = time.monotonic() - t0
    return {"repo": repo, "commit": commit, "dataset": dataset, "out": out, "spec": spec,
            "summary": summary, "seconds": seconds}


@pytest.fixture
def fixture_upstream(fixture_run, monkeypatch):
    """``fixture_run``'s dict, with the fixture upstream pinned and selected for this test."""
    use_fixture_upstream(monkeypatch, fixture_run["repo"], fixture_run["commit"])
    return fixture_run
