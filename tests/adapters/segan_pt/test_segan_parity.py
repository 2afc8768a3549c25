"""Cross-framework fidelity: upstream SEGAN weights ported to segan-pt give upstream's outputs.

Fast (no TensorFlow): synthetic upstream variables -> ``port`` -> the ported
generator equals a numpy reference written from upstream's ops (TF 'SAME'
convolution, ``conv2d_transpose``, ``ops.prelu``/``ops.leakyrelu``, skip and z
concatenation order), and ``tf_vars`` round-trips a checkpoint through its
subprocess script (with a stand-in ``tensorflow`` module).

Slow parity (``ARH_SEGAN_SRC`` and a TensorFlow interpreter): train upstream
for one step through ``arh run --adapter segan-tf`` (tiny), restore the test
files with upstream's code (z = 0), port the checkpoint, restore the same files
with ``arh run --adapter segan-pt --checkpoint PORTED`` (z = 0, upstream int16
scaling); every output must agree within 1e-4.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from adapters.segan_pt.adapter import SeganPT  # noqa: E402
from adapters.segan_pt.model import build_generator  # noqa: E402
from adapters.segan_pt.port import convert_tf_checkpoint  # noqa: E402
from adapters.segan_pt.tf_vars import load_tf_checkpoint_vars, resolve_checkpoint_prefix  # noqa: E402
from core.errors import ArhError  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
PARITY_TOL = 1e-4
KW = 31  # upstream AEGenerator hard-codes kwidth = 31


# -- numpy reference of upstream's generator, on TF layouts ------------------------------------
def tf_conv_same(x: np.ndarray, W: np.ndarray, stride: int) -> np.ndarray:
    """``tf.nn.conv2d(padding='SAME')`` over time: x ``[T, in]``, W ``[k, 1, in, out]`` -> ``[ceil(T/s), out]``."""
    T, k = x.shape[0], W.shape[0]
    n_out = -(-T // stride)
    pad = max((n_out - 1) * stride + k - T, 0)
    xp = np.concatenate([np.zeros((pad // 2, x.shape[1])), x, np.zeros((pad - pad // 2, x.shape[1]))])
    return np.stack([np.einsum("ki,kio->o", xp[t * stride:t * stride + k], W[:, 0]) for t in range(n_out)])


def tf_conv_transpose_same(x: np.ndarray, W: np.ndarray, stride: int) -> np.ndarray:
    """``tf.nn.conv2d_transpose(padding='SAME')``, output ``stride * T``: the adjoint of :func:`tf_conv_same`.

    x ``[T, in]``, W ``[k, 1, out, in]``; input sample t, tap j lands on output ``t*s + j - pad_before``.
    """
    T, k, n_out = x.shape[0], W.shape[0], x.shape[0] * stride
    pad_before = max((T - 1) * stride + k - n_out, 0) // 2
    y = np.zeros((n_out, W.shape[2]))
    for t in range(T):
        for j in range(k):
            n = t * stride + j - pad_before
            if 0 <= n < n_out:
                y[n] += W[j, 0] @ x[t]
    return y


def upstream_prelu(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0) + alpha * (x - np.abs(x)) * 0.5  # ops.prelu


def reference_generator(v: dict, x: np.ndarray, z: np.ndarray, nl: str) -> np.ndarray:
    """upstream ``AEGenerator`` (g_type ae, deconv_type deconv) for one signal ``x [T]``, ``z [T/2^L, C]``."""
    act = (lambda h, name: upstream_prelu(h, v[f"g_ae/{name}/alpha"])) if nl == "prelu" \
        else (lambda h, name: np.maximum(h, 0.3 * h))  # ops.leakyrelu
    h, skips, n = x[:, None].astype(np.float64), [], 0
    while f"g_ae/enc_{n}/W" in v:
        n += 1
    for i in range(n):
        h = tf_conv_same(h, v[f"g_ae/enc_{i}/W"], 2) + v.get(f"g_ae/enc_{i}/b", 0)
        if i < n - 1:
            skips.append(h)
        h = act(h, f"enc_prelu_{i}")
    h = np.concatenate([z, h], axis=1)
    for i in range(n):
        h = tf_conv_transpose_same(h, v[f"g_ae/dec_{i}/W"], 2) + v.get(f"g_ae/dec_{i}/b", 0)
        if i < n - 1:
            h = np.concatenate([act(h, f"dec_prelu_{i}"), skips[-(i + 1)]], axis=1)
        else:
            h = np.tanh(h)
    return h[:, 0]


def synthetic_upstream_generator(depths: list[int], nl: str, biases: bool, seed: int = 0) -> dict:
    """Generator variables in upstream names and TF layouts, plus the entries real checkpoints carry."""
    rng = np.random.default_rng(seed)
    r = lambda *shape: rng.normal(0, 0.15, shape).astype(np.float32)  # noqa: E731
    v, chans = {}, [1] + depths
    for i in range(len(depths)):
        v[f"g_ae/enc_{i}/W"] = r(KW, 1, chans[i], chans[i + 1])
        if biases:
            v[f"g_ae/enc_{i}/b"] = r(chans[i + 1])
        if nl == "prelu":
            v[f"g_ae/enc_prelu_{i}/alpha"] = r(chans[i + 1])
    dec_out, c_in = depths[:-1][::-1] + [1], 2 * depths[-1]
    for i, out in enumerate(dec_out):
        v[f"g_ae/dec_{i}/W"] = r(KW, 1, out, c_in)
        if biases:
            v[f"g_ae/dec_{i}/b"] = r(out)
        if i < len(dec_out) - 1:
            if nl == "prelu":
                v[f"g_ae/dec_prelu_{i}/alpha"] = r(out)
            c_in = out + depths[-(i + 2)]
    v["g_ae/z/z"] = r(2, 4, depths[-1])
    v["g_ae/enc_0/W/RMSProp"] = r(KW, 1, 1, depths[0])
    v["Variable_1"] = np.float32(100.0)
    return v


@pytest.mark.parametrize("nl,biases", [("prelu", True), ("leaky", False)])
def test_ported_generator_equals_a_numpy_reference_of_upstream(nl, biases):
    depths, T = [3, 4, 5], 64  # 3 layers; T = 64 makes the 31-tap padding cover most of every layer
    v = synthetic_upstream_generator(depths, nl, biases)
    G = build_generator(SeganPT.config("tiny", {"g_enc_depths": depths, "g_nl": nl, "bias_downconv": biases,
                                                "bias_deconv": biases}))
    G.load_state_dict({k[2:]: t for k, t in convert_tf_checkpoint(v).items()}, strict=True)
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, (2, T)).astype(np.float32)
    z = rng.standard_normal((2, T // 8, depths[-1])).astype(np.float32)  # upstream z layout [B, T', C]
    with torch.no_grad():
        got = G(torch.from_numpy(x)[:, None, :], torch.from_numpy(z).transpose(1, 2))[:, 0].numpy()
    want = np.stack([reference_generator(v, x[b], z[b], nl) for b in range(2)])
    assert np.abs(want).max() > 0.1  # not a degenerate, saturated-to-zero case
    np.testing.assert_allclose(got, want, atol=1e-5)
    # z enters the output: zeros (segan-pt's z=None) is the reference with zero z
    with torch.no_grad():
        got0 = G(torch.from_numpy(x)[:, None, :], None)[:, 0].numpy()
    np.testing.assert_allclose(got0[0], reference_generator(v, x[0], 0 * z[0], nl), atol=1e-5)
    assert np.abs(got0 - got).max() > 1e-3


# -- tf_vars: script <-> host round trip with a stand-in tensorflow -------------------------------
FAKE_TF = '''
import numpy as np
__version__ = "0.0-fake"
VARS = {"g_ae/enc_0/W": np.arange(6, dtype=np.float32).reshape(3, 1, 1, 2), "Variable": np.float32(0.5),
        "g_ae/enc_0/W/RMSProp": np.ones((3, 1, 1, 2), np.float32), "d_model/x/b": np.array([1, 2], np.int64)}
class _Reader:
    def __init__(self, prefix):
        open(prefix + ".index").close()
    def get_variable_to_shape_map(self):
        return {k: list(np.shape(v)) for k, v in VARS.items()}
    def get_tensor(self, name):
        return VARS[name]
class _Train:
    NewCheckpointReader = _Reader
class _V1:
    train = _Train
class compat:
    v1 = _V1
'''


def _fake_tf_python(tmp_path: Path) -> Path:
    (tmp_path / "fake_tf" / "tensorflow").mkdir(parents=True)
    (tmp_path / "fake_tf" / "tensorflow" / "__init__.py").write_text(FAKE_TF)
    exe = tmp_path / "python_with_fake_tf"
    exe.write_text(f'#!/bin/sh\nPYTHONPATH="{tmp_path / "fake_tf"}" exec "{sys.executable}" "$@"\n')
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return exe


def test_tf_vars_round_trip_keeps_names_dtypes_and_skips_slots(tmp_path):
    ck = tmp_path / "ck"
    ck.mkdir()
    (ck / "SEGAN-7.index").write_text("")
    (ck / "checkpoint").write_text('model_checkpoint_path: "/elsewhere/SEGAN-7"\n')
    py = _fake_tf_python(tmp_path)
    got = load_tf_checkpoint_vars(ck, python=str(py))  # the folder resolves through its 'checkpoint' file
    assert sorted(got) == ["Variable", "d_model/x/b", "g_ae/enc_0/W"]
    assert got["g_ae/enc_0/W"].shape == (3, 1, 1, 2) and got["g_ae/enc_0/W"][2, 0, 0, 1] == 5
    assert got["d_model/x/b"].dtype == np.int64 and got["Variable"].shape == ()
    every = load_tf_checkpoint_vars(ck / "SEGAN-7", python=str(py), skip_optimizer=False)
    assert "g_ae/enc_0/W/RMSProp" in every
    assert not list(tmp_path.glob("arh_tf_vars_*"))


def test_tf_vars_errors_name_the_problem(tmp_path):
    with pytest.raises(ArhError, match="no TensorFlow checkpoint at .*SEGAN-3"):
        resolve_checkpoint_prefix(tmp_path / "SEGAN-3")
    with pytest.raises(ArhError, match="no arh_segan.json and no readable TF 'checkpoint' file"):
        resolve_checkpoint_prefix(tmp_path)
    (tmp_path / "SEGAN-3.index").write_text("")
    (tmp_path / "arh_segan.json").write_text(json.dumps({"weights": "SEGAN-3"}))
    assert resolve_checkpoint_prefix(tmp_path) == str(tmp_path / "SEGAN-3")
    with pytest.raises(ArhError, match="does that interpreter import tensorflow"):
        load_tf_checkpoint_vars(tmp_path, python=sys.executable)  # conftest's interpreter: no TF, or no files
    with pytest.raises(ArhError, match="cannot start"):
        load_tf_checkpoint_vars(tmp_path, python=str(tmp_path / "no-such-python"))


# -- the real thing: upstream trained and restored, ported, restored by segan-pt ------------------
def tf_python_or_skip() -> str:
    how = ("set ARH_SEGAN_SRC to a clean checkout of santi-pdp/segan at the pinned commit and ARH_TF_PYTHON to "
           "a Python 3.11 with tensorflow-cpu 2.21 and toml that can import this harness (the segan-tf tf2-compat "
           "environment, e.g. a venv with `pip install -e .`)")
    if not os.environ.get("ARH_SEGAN_SRC"):
        pytest.skip(f"segan-tf/segan-pt parity needs the upstream source: {how}")
    py = os.environ.get("ARH_TF_PYTHON") or (sys.executable if importlib.util.find_spec("tensorflow") else None)
    if not py:
        pytest.skip(f"segan-tf/segan-pt parity needs a TensorFlow interpreter: {how}")
    return py


def pcm16_dataset(root: Path) -> Path:
    """Harmonic 'speech' + noise, degraded files as 16-bit PCM, so both models read the very same samples."""
    from core.atomic import write_json
    from core.audio_io import write_wav
    from core.datasets.manifest import ManifestItem, write_manifest

    rng = np.random.default_rng(5)
    items = []
    # train: 1 + 2 windows of 16384 (one step at batch 2); test: 1 and 3 canvases, the last ones padded
    for iid, split, n in (("tr0", "train", 24000), ("tr1", "train", 32000), ("te0", "test", 9001),
                          ("te1", "test", 40000)):
        t = np.arange(n) / 16000
        clean = sum((0.4 / k) * np.sin(2 * np.pi * k * 140 * t + k) for k in range(1, 6)) * (np.sin(9 * t) > -0.5)
        write_wav(root / "clean" / f"{iid}.wav", clean.astype(np.float32), 16000)
        noisy = np.clip(clean + 0.1 * rng.standard_normal(n), -1, 1).astype(np.float32)
        write_wav(root / "degraded" / f"{iid}.wav", noisy, 16000, subtype="PCM_16")
        items.append(ManifestItem(id=iid, split=split, clean=f"clean/{iid}.wav", degraded=f"degraded/{iid}.wav",
                                  sample_rate=16000, num_samples=n, source="test"))
    write_manifest(root / "manifest.jsonl", items)
    write_json(root / "dataset.json", {"schema_version": 1, "hash": "segan-parity-5", "rate": 16000,
                                       "spec": "noise:kind=white,std=0.1", "seed": 5})
    return root


@pytest.mark.slow
@pytest.mark.tf
def test_segan_tf_and_ported_segan_pt_parity(tmp_path):
    from core.audio_io import read_audio
    from core.runner.run import RunSpec, run

    tf_python = tf_python_or_skip()
    dataset = pcm16_dataset(tmp_path / "ds")
    tf_run, pt_run, ported = tmp_path / "segan_tf", tmp_path / "segan_pt", tmp_path / "ported"
    try:
        env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1")
        env.pop("ARH_TFCOMPAT_GRAPH_SEED", None)
        proc = subprocess.run([tf_python, "-m", "core.cli", "run", "--adapter", "segan-tf", "--dataset", str(dataset),
                               "--out", str(tf_run), "--backend", "local", "--variant", "tf2-compat",
                               "--config", "tiny", "--set", "z=zeros", "--metrics", "snr"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1800)
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
        record = json.loads((tf_run / "run.json").read_text())
        assert record["phases"]["restore"]["provenance"]["z"] == "zeros"
        assert json.loads((tf_run / "checkpoint" / "arh_segan.json").read_text())["steps"] == 1

        from adapters.segan_pt.port_checkpoint import main as port_main

        assert port_main(["--tf-checkpoint", str(tf_run / "checkpoint"), "--out", str(ported),
                          "--python", tf_python, "--generator-only"]) == 0
        shutil.rmtree(tf_run / "checkpoint")  # 1.2 GB
        run(RunSpec(adapter="segan-pt", dataset=str(dataset), out=str(pt_run), backend="local", variant="cpu",
                    config={"z_mode": "zeros"}, train=False, checkpoint=str(ported), metrics=("snr",), quiet=True))
        worst = 0.0
        for iid, n in (("te0", 9001), ("te1", 40000)):
            y_tf, sr_tf = read_audio(tf_run / "outputs" / f"{iid}.wav")
            y_pt, sr_pt = read_audio(pt_run / "outputs" / f"{iid}.wav")
            assert sr_tf == sr_pt == 16000 and y_tf.shape == y_pt.shape == (n,)
            worst = max(worst, float(np.abs(y_tf - y_pt).max()))
            assert np.abs(y_tf).max() > 10 * PARITY_TOL  # the outputs are not (near) silence
        print(f"segan-tf vs ported segan-pt: max |difference| = {worst:.3g}")
        assert worst <= PARITY_TOL
        # control: another z gives another output, so the comparison above can fail
        seeded = tmp_path / "segan_pt_seeded"
        run(RunSpec(adapter="segan-pt", dataset=str(dataset), out=str(seeded), backend="local", variant="cpu",
                    config={"z_mode": "seeded"}, train=False, checkpoint=str(ported), metrics=("snr",), quiet=True))
        y_seeded, _ = read_audio(seeded / "outputs" / "te1.wav")
        assert float(np.abs(y_seeded - read_audio(tf_run / "outputs" / "te1.wav")[0]).max()) > 10 * PARITY_TOL
    finally:
        shutil.rmtree(tf_run / "checkpoint", ignore_errors=True)
        shutil.rmtree(ported, ignore_errors=True)
