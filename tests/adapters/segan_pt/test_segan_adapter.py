"""segan-pt end to end through a Job and a JobContext: train (tiny), restore, resume, determinism."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from adapters.segan_pt.adapter import SeganPT  # noqa: E402
from core.adapter import JobContext, load_adapter  # noqa: E402
from core.atomic import read_jsonl  # noqa: E402
from core.audio_io import read_audio  # noqa: E402
from core.errors import ArhError  # noqa: E402

FAST = {"canvas": 1024, "hop": 512, "g_enc_depths": [4, 8, 8, 16], "d_fmaps": [4, 8, 8, 16], "batch_size": 4,
        "steps": 4, "valid_every": 2, "save_every": 2, "log_every": 2, "g_lr": 2e-3, "d_lr": 2e-3}


def _run(job):
    adapter = load_adapter(job.adapter)()
    ctx = JobContext(job, adapter, quiet=True)
    (adapter.train if job.action == "train" else adapter.restore)(job, ctx)
    return ctx


def _cfg(**kw):
    return SeganPT.config("tiny", {**FAST, **kw})


def test_registered_and_described():
    d = load_adapter("segan-pt").describe()
    assert d["environment"] == "torch" and d["sample_rate"] == 16000 and d["trainable"]
    assert {"default", "tiny", "upstream-flags"} <= set(d["configs"])


def test_train_then_restore_writes_aligned_outputs(tmp_path, segan_dataset, make_job):
    _run(make_job(tmp_path, segan_dataset, "segan-pt", "train", _cfg()))
    ck = tmp_path / "ckpt"
    assert {"latest.json", "best.json"} <= {p.name for p in ck.iterdir()}
    record = json.loads((ck / "latest.json").read_text())
    assert record["step"] == 4 and record["config"]["canvas"] == 1024 and record["adapter"] == "segan-pt"
    assert set(record["optimizers"]) == {"G", "D"}
    log = read_jsonl(tmp_path / "run" / "train_log.jsonl")
    steps = [r for r in log if "g_l1_loss" in r]
    assert [r["step"] for r in steps] == [1, 2, 3, 4]
    assert any("valid_loss" in r for r in log)
    assert json.loads((tmp_path / "run" / "device.json").read_text())["train"]["device"] == "cpu"

    ctx = _run(make_job(tmp_path, segan_dataset, "segan-pt", "restore", _cfg()))
    for item in ctx.items("test"):
        y, sr = read_audio(ctx.output_path(item))
        assert sr == 16000 and len(y) == item.num_samples and np.isfinite(y).all()
    assert json.loads((tmp_path / "run" / "device.json").read_text())["restore"]["checkpoint"] == "best.json"

    # a rerun skips finished outputs
    first = ctx.output_path(ctx.items("test")[0])
    stamp = first.stat().st_mtime_ns
    _run(make_job(tmp_path, segan_dataset, "segan-pt", "restore", _cfg()))
    assert first.stat().st_mtime_ns == stamp


def test_training_and_restore_are_deterministic_on_cpu(tmp_path, segan_dataset, make_job):
    outs, losses = [], []
    for run in ("a", "b"):
        ck = tmp_path / f"ck-{run}"
        _run(make_job(tmp_path, segan_dataset, "segan-pt", "train", _cfg(init_noise_std=0.3), checkpoint=ck,
                      run=run, seed=7))
        _run(make_job(tmp_path, segan_dataset, "segan-pt", "restore", _cfg(), checkpoint=ck, run=run, seed=7))
        losses.append([(r["d_rl_loss"], r["g_l1_loss"]) for r in read_jsonl(tmp_path / run / "train_log.jsonl")
                       if "g_l1_loss" in r])
        outs.append({p.name: p.read_bytes() for p in (tmp_path / run / "out").iterdir()})
    assert losses[0] == losses[1] and len(losses[0]) == 4
    assert outs[0] == outs[1]


def test_resumed_training_reaches_the_same_weights(tmp_path, segan_dataset, make_job):
    from adapters.torch_common.checkpoint import load_checkpoint

    _run(make_job(tmp_path, segan_dataset, "segan-pt", "train", _cfg(), checkpoint=tmp_path / "straight", run="s"))
    # "interrupted" after 2 steps, then the same command with the full length
    _run(make_job(tmp_path, segan_dataset, "segan-pt", "train", _cfg(steps=2), checkpoint=tmp_path / "r", run="r"))
    _run(make_job(tmp_path, segan_dataset, "segan-pt", "train", _cfg(), checkpoint=tmp_path / "r", run="r"))
    a = load_checkpoint(tmp_path / "straight", "latest").tensors
    b = load_checkpoint(tmp_path / "r", "latest").tensors
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


def test_z_modes(tmp_path, segan_dataset, make_job):
    _run(make_job(tmp_path, segan_dataset, "segan-pt", "train", _cfg(steps=1)))
    got = {}
    for mode, seed, run in (("zeros", 0, "z0"), ("seeded", 0, "s0"), ("seeded", 0, "s0b"), ("seeded", 1, "s1")):
        ctx = _run(make_job(tmp_path, segan_dataset, "segan-pt", "restore", _cfg(z_mode=mode), run=run, seed=seed))
        got[run] = read_audio(ctx.output_path(ctx.items("test")[1]))[0]
    assert np.array_equal(got["s0"], got["s0b"])
    assert not np.array_equal(got["s0"], got["s1"]) and not np.array_equal(got["s0"], got["z0"])


def test_config_errors_are_clear(tmp_path, segan_dataset, make_job):
    with pytest.raises(ArhError, match="unknown config key.*'canvass'.*did you mean 'canvas'"):
        _run(make_job(tmp_path, segan_dataset, "segan-pt", "train", {**_cfg(), "canvass": 2}))
    with pytest.raises(ArhError, match="not a multiple of 2\\*\\*4"):
        _run(make_job(tmp_path, segan_dataset, "segan-pt", "train", _cfg(canvas=1000)))
    with pytest.raises(ArhError, match="no checkpoint 'best'"):
        _run(make_job(tmp_path, segan_dataset, "segan-pt", "restore", _cfg(), checkpoint=tmp_path / "empty"))
    with pytest.raises(ArhError, match="no training windows"):
        _run(make_job(tmp_path, segan_dataset, "segan-pt", "train", _cfg(canvas=8192, hop=4096)))


def test_arh_run_cli_trains_restores_and_scores(tmp_path, segan_dataset):
    from core.cli import main

    sets = [f"{k}={json.dumps(v)}" for k, v in {**FAST, "steps": 2}.items()]
    argv = ["-q", "run", "--adapter", "segan-pt", "--config", "tiny", "--dataset", str(segan_dataset),
            "--out", str(tmp_path / "run"), "--device", "cpu", "--metrics", "snr", "--workers", "1"]
    assert main(argv + [a for s in sets for a in ("--set", s)]) == 0
    assert sorted(p.name for p in (tmp_path / "run" / "outputs").rglob("*.wav")) == ["test-00.wav", "test-01.wav"]
    assert json.loads((tmp_path / "run" / "run.json").read_text())["state"] == "done"
