"""End to end: the legacy-style fixture (Python 2 + TF 0.12 code) makes data, trains, saves,
and restores in a new process through ``python -m adapters.tfcompat``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
pytestmark = [pytest.mark.tf, pytest.mark.slow]

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "legacy_fixture"
REPO = HERE.parents[2]

EXPECTED_VARIABLES = {
    "g_net/W_out": [1, 1, 8, 1],
    "g_net/conv_0/W": [5, 1, 1, 8],
    "g_net/conv_0/BatchNorm/beta": [8],
    "g_net/conv_0/BatchNorm/moving_mean": [8],
    "g_net/conv_0/BatchNorm/moving_variance": [8],
    "g_net/conv_1/W": [5, 1, 8, 8],
    "g_net/conv_1/BatchNorm/beta": [8],
    "g_net/conv_1/BatchNorm/moving_mean": [8],
    "g_net/conv_1/BatchNorm/moving_variance": [8],
    "g_net/gain/weights": [4096, 1],
    "g_net/gain/biases": [1],
}


def make_fixture_wavs(folder: Path) -> None:
    """Two 16 kHz int16 clean/noisy pairs: 1000 + 1200 samples = 2 + 3 windows of 512 (hop 256)."""
    from scipy.io import wavfile

    rng = np.random.default_rng(0)
    for sub in ("clean", "noisy"):
        (folder / sub).mkdir(parents=True)
    for i, n in enumerate((1000, 1200)):
        clean = 0.3 * np.sin(2 * np.pi * 300 * np.arange(n) / 16000.0)
        noisy = clean + 0.05 * rng.standard_normal(n)
        wavfile.write(str(folder / "clean" / f"u{i}.wav"), 16000, (clean * 32767).astype(np.int16))
        wavfile.write(str(folder / "noisy" / f"u{i}.wav"), 16000, (noisy * 32767).astype(np.int16))


def run_fixture(*args: str, cwd: Path, audit: Path | None = None) -> str:
    cmd = [sys.executable, "-m", "adapters.tfcompat"]
    if audit is not None:
        cmd += ["--audit-json", str(audit)]
    cmd += [str(FIXTURE / "main.py"), *args]
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("ARH_TFCOMPAT_DISABLE", None)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc.stdout


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    work = tmp_path_factory.mktemp("fixture")
    make_fixture_wavs(work / "data")
    records = work / "tiny.tfrecords"
    out = run_fixture("--mode", "make_data", "--data_dir", str(work / "data"), "--records", str(records), cwd=work)
    assert "wrote 5 examples" in out
    audit = work / "audit_train.json"
    out = run_fixture("--mode", "train", "--records", str(records), "--save_path", str(work / "ckpt"),
                      "--use_bias", "False", cwd=work, audit=audit)
    return work, out, json.loads(audit.read_text())


def test_training_follows_python2_arithmetic_and_flags(trained):
    work, out, _ = trained
    assert "batches per epoch: 2" in out  # 5 / 2 == 2 (classic division)
    assert "use_bias = False" in out  # --use_bias False (argparse semantics)
    assert (work / "ckpt" / "tiny-4.index").exists()  # 2 epochs x 2 batches


def test_checkpoint_has_tf012_names_and_optimizer_slots(trained):
    work, _, _ = trained
    found = dict(tf.train.list_variables(str(work / "ckpt" / "tiny-4")))
    trainable = [n for n in EXPECTED_VARIABLES if "moving_" not in n]
    expected = dict(EXPECTED_VARIABLES)
    for name in trainable:
        expected[name + "/RMSProp"] = EXPECTED_VARIABLES[name]
        expected[name + "/RMSProp_1"] = EXPECTED_VARIABLES[name]
    assert found == expected


def test_training_audit_records_the_remedies(trained):
    _, _, audit = trained
    rem = audit["remedies"]
    for name in ("concat_old_order", "split_old_order", "optimizer_slot_reuse", "flags_argparse",
                 "old_div", "tf_renamed_apis", "contrib_layers"):
        assert rem[name]["applied"] >= 1, name
    for name in ("print_statement", "except_comma", "raise_comma", "octal_literal", "py2_builtins"):
        assert rem[name]["rewritten"] >= 1, name
    assert rem["old_div"]["applied_at"] == ["main.py:76"]
    assert rem["flags_argparse"]["applied_at"] == ["argv: --use_bias False"]


def test_restore_in_a_new_process(trained):
    from scipy.io import wavfile

    work, _, _ = trained
    out = run_fixture("--mode", "restore", "--save_path", str(work / "ckpt"), "--weights", "tiny-4",
                      "--use_bias", "False", "--test_wav", str(work / "data" / "noisy" / "u1.wav"),
                      "--save_clean_path", str(work / "clean"), cwd=work)
    assert "cleaned u1.wav: 1200 samples, 3 chunks" in out
    rate, y = wavfile.read(str(work / "clean" / "u1.wav"))
    assert rate == 16000 and y.shape == (1200,) and y.dtype == np.float32
    assert np.all(np.isfinite(y)) and np.abs(y).max() > 0


def test_fixture_tree_stays_clean(trained):
    assert not list(FIXTURE.rglob("__pycache__")) and not list(FIXTURE.rglob("*.pyc"))
