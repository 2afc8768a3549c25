"""kim-* adapters end to end through a Job and a JobContext: train (tiny), restore, resume, determinism."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from adapters.kim_sr.adapter import KimDRRN  # noqa: E402
from core.adapter import JobContext, load_adapter  # noqa: E402
from core.atomic import read_jsonl  # noqa: E402
from core.audio_io import read_audio  # noqa: E402
from core.errors import ArhError  # noqa: E402

NAMES = ["kim-resnet", "kim-drrn", "kim-proposed"]
FAST = {"steps": 4, "valid_every": 2, "save_every": 2, "log_every": 2, "batch_size": 4, "infer_chunk": 1500,
        "lr": 1e-3}


def _run(job):
    adapter = load_adapter(job.adapter)()
    ctx = JobContext(job, adapter, quiet=True)
    (adapter.train if job.action == "train" else adapter.restore)(job, ctx)
    return ctx


def _cfg(name, **kw):
    return load_adapter(name).config("tiny", {**FAST, **kw})


@pytest.mark.parametrize("name", NAMES)
def test_train_then_restore(name, tmp_path, kim_dataset, make_job):
    d = load_adapter(name).describe()
    assert d["sample_rate"] == 44100 and d["environment"] == "torch" and {"default", "tiny"} <= set(d["configs"])
    _run(make_job(tmp_path, kim_dataset, name, "train", _cfg(name)))
    record = json.loads((tmp_path / "ckpt" / "latest.json").read_text())
    assert record["step"] == 4 and record["adapter"] == name and record["arch"] == name.split("-")[1]
    log = read_jsonl(tmp_path / "run" / "train_log.jsonl")
    assert [r["step"] for r in log if "loss" in r] == [1, 2, 3, 4]
    valid = [r for r in log if "valid_loss" in r]
    assert len(valid) == 2 and all(r["valid_mse_input"] > 0 for r in valid)
    ctx = _run(make_job(tmp_path, kim_dataset, name, "restore", _cfg(name)))
    for item in ctx.items("test"):
        y, sr = read_audio(ctx.output_path(item))
        x, _ = read_audio(ctx.dataset_dir / item.degraded)
        assert sr == 44100 and len(y) == item.num_samples and np.isfinite(y).all()
        assert np.abs(y - x).max() < 0.5  # near-identity start, a few steps: output stays close to the input
    assert json.loads((tmp_path / "run" / "device.json").read_text())["restore"]["device"] == "cpu"


def test_deterministic_and_checkpoint_round_trip(tmp_path, kim_dataset, make_job):
    outs, losses = [], []
    for run in ("a", "b"):
        ck = tmp_path / f"ck-{run}"
        _run(make_job(tmp_path, kim_dataset, "kim-drrn", "train", _cfg("kim-drrn"), checkpoint=ck, run=run, seed=5))
        losses.append([r["loss"] for r in read_jsonl(tmp_path / run / "train_log.jsonl") if "loss" in r])
        _run(make_job(tmp_path, kim_dataset, "kim-drrn", "restore", _cfg("kim-drrn"), checkpoint=ck, run=run))
        outs.append({p.name: p.read_bytes() for p in (tmp_path / run / "out").iterdir()})
    assert losses[0] == losses[1]
    assert outs[0] == outs[1]
    # a different seed trains differently
    _run(make_job(tmp_path, kim_dataset, "kim-drrn", "train", _cfg("kim-drrn"), checkpoint=tmp_path / "c", run="c",
                  seed=6))
    assert [r["loss"] for r in read_jsonl(tmp_path / "c" / "train_log.jsonl") if "loss" in r] != losses[0]
    # checkpoint -> fresh model gives the restored outputs exactly
    from adapters.kim_sr.infer import restore_signal
    from adapters.kim_sr.models import build_model
    from adapters.torch_common.checkpoint import load_checkpoint

    ck = load_checkpoint(tmp_path / "ck-a", "best")
    model = build_model("drrn", ck.config)
    model.load_state_dict(ck.module_state("model"))
    x, _ = read_audio(kim_dataset / "degraded" / "test-01.wav")
    y = restore_signal(model.eval(), x, 1500, 4, torch.device("cpu"))
    assert np.array_equal(y, read_audio(tmp_path / "a" / "out" / "test-01.wav")[0])


def test_resume_reaches_the_same_weights(tmp_path, kim_dataset, make_job):
    from adapters.torch_common.checkpoint import load_checkpoint

    name = "kim-proposed"
    _run(make_job(tmp_path, kim_dataset, name, "train", _cfg(name), checkpoint=tmp_path / "s", run="s"))
    _run(make_job(tmp_path, kim_dataset, name, "train", _cfg(name, steps=2), checkpoint=tmp_path / "r", run="r"))
    _run(make_job(tmp_path, kim_dataset, name, "train", _cfg(name), checkpoint=tmp_path / "r", run="r"))
    a, b = load_checkpoint(tmp_path / "s", "latest").tensors, load_checkpoint(tmp_path / "r", "latest").tensors
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    # finished: running again changes nothing
    before = (tmp_path / "r" / "latest.json").read_text()
    _run(make_job(tmp_path, kim_dataset, name, "train", _cfg(name), checkpoint=tmp_path / "r", run="r"))
    assert (tmp_path / "r" / "latest.json").read_text() == before


def test_architecture_change_refuses_to_resume(tmp_path, kim_dataset, make_job):
    _run(make_job(tmp_path, kim_dataset, "kim-resnet", "train", _cfg("kim-resnet", steps=2)))
    with pytest.raises(ArhError, match="different architecture.*channels"):
        _run(make_job(tmp_path, kim_dataset, "kim-resnet", "train", _cfg("kim-resnet", channels=4)))


def test_corrupted_checkpoint_is_detected(tmp_path, kim_dataset, make_job):
    _run(make_job(tmp_path, kim_dataset, "kim-resnet", "train", _cfg("kim-resnet", steps=2)))
    pt = next((tmp_path / "ckpt").glob("best-*.pt"))
    pt.write_bytes(pt.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ArhError, match="does not match the digest"):
        _run(make_job(tmp_path, kim_dataset, "kim-resnet", "restore", _cfg("kim-resnet")))


def test_unknown_key_and_device(tmp_path, kim_dataset, make_job):
    with pytest.raises(ArhError, match="unknown config key.*'chanels'"):
        _run(make_job(tmp_path, kim_dataset, "kim-drrn", "train", {**KimDRRN.config("tiny"), "chanels": 4}))
    job = make_job(tmp_path, kim_dataset, "kim-drrn", "train", _cfg("kim-drrn"))
    job.device = "tpu"
    with pytest.raises(ArhError, match="'device' is 'tpu'"):
        _run(job)


def test_arh_run_cli_trains_restores_and_scores(tmp_path, kim_dataset):
    from core.cli import main

    sets = [f"{k}={json.dumps(v)}" for k, v in {**FAST, "steps": 2}.items()]
    argv = ["-q", "run", "--adapter", "kim-resnet", "--config", "tiny", "--dataset", str(kim_dataset),
            "--out", str(tmp_path / "run"), "--device", "cpu", "--metrics", "snr", "--workers", "1"]
    assert main(argv + [a for s in sets for a in ("--set", s)]) == 0
    assert sorted(p.name for p in (tmp_path / "run" / "outputs").rglob("*.wav")) == ["test-00.wav", "test-01.wav"]
    assert json.loads((tmp_path / "run" / "run.json").read_text())["state"] == "done"
