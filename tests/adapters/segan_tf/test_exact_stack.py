"""Cross-stack check (opt-in): weights trained by the fixture on the exact stack (Python 2.7 +
TensorFlow 0.12.1, no compat layer) restore to the same output under tfcompat on TF 2.

Enable with ``ARH_TF012_PYTHON=/path/to/python2.7`` (an interpreter with tensorflow 0.12.1,
numpy and scipy, i.e. the segan-tf ``exact`` stack).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from .conftest import run_legacy, tfcompat_cmd

pytest.importorskip("tensorflow")
pytestmark = [pytest.mark.tf, pytest.mark.slow]


def run_native(python: str, cmd: list[str], cwd: Path) -> str:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([python, *cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc.stdout + proc.stderr


@pytest.fixture
def tf012_python() -> str:
    """The exact-stack interpreter from ``$ARH_TF012_PYTHON`` (skips before the fixture run is built)."""
    python = os.environ.get("ARH_TF012_PYTHON")
    if not python:
        pytest.skip("set ARH_TF012_PYTHON to a Python 2.7 interpreter with tensorflow 0.12.1, numpy and scipy "
                    "(the segan-tf exact stack) to run the cross-stack check")
    return python


def test_exact_stack_checkpoint_restores_identically_under_tfcompat(tf012_python, fixture_run, tmp_path):
    from scipy.io import wavfile

    from adapters.segan_tf.adapter import DRIVER
    from adapters.segan_tf.flags import to_argv

    src, out = fixture_run["repo"], fixture_run["out"]
    meta = json.loads((out / "checkpoint" / "arh_segan.json").read_text())
    flags = dict(meta["flags"], save_path=str(tmp_path / "ckpt27"), synthesis_path=str(tmp_path / "syn"))
    log = run_native(tf012_python, [str(src / "main.py"), *to_argv(flags)], cwd=tmp_path)
    assert "0/1 (epoch 0)" in log
    (tmp_path / "flags.json").write_text(json.dumps(flags))
    wav = out / "work" / "segan_restore" / "in" / "spk0__utt00.wav"
    results = {}
    for stack in ("exact", "tfcompat"):
        jobs = tmp_path / f"jobs_{stack}.json"
        jobs.write_text(json.dumps([[str(wav), str(tmp_path / stack / wav.name), "spk0/utt00"]]))
        args = ["--src", str(src), "--save_path", flags["save_path"], "--weights", "SEGAN-1", "--jobs", str(jobs),
                "--flags", str(tmp_path / "flags.json"), "--z", "seeded"]
        if stack == "exact":
            run_native(tf012_python, [str(DRIVER), *args], cwd=tmp_path)
        else:
            run_legacy(tfcompat_cmd(DRIVER, *args, roots=(src, DRIVER.parent)), cwd=tmp_path)
        results[stack] = wavfile.read(str(tmp_path / stack / wav.name))[1]
    diff = float(np.abs(results["exact"] - results["tfcompat"]).max())
    print(f"exact stack vs tfcompat (same weights, same z): max abs difference {diff:.3g}")
    assert results["exact"].shape == results["tfcompat"].shape == (19200,)
    assert diff <= 1e-5
    assert subprocess.run(["git", "-C", str(src), "status", "--porcelain", "--untracked-files=all"],
                          capture_output=True, text=True, check=True).stdout == ""
