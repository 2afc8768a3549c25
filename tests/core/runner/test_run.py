"""`arh run` end to end on a tiny dataset: provenance, scores, resume, matrix isolation."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from core.atomic import read_jsonl
from core.cli import main
from core.paths import repo_root
from core.runner.matrix import run_matrix
from core.runner.run import RunSpec, run
from tests.core.runner.conftest import make_dataset

METRICS = ("sisdr", "snr", "stoi")


def _records_by_key(run_dir):
    recs = read_jsonl(run_dir / "results.jsonl")
    keys = [(r["id"], r["role"], r["metric"]) for r in recs]
    return recs, keys


def test_run_writes_contract_and_provenance(tiny_dataset, tmp_path):
    out = tmp_path / "run"
    summary = run(RunSpec(adapter="wiener", dataset=str(tiny_dataset), out=str(out), metrics=METRICS, quiet=True))
    rj = json.loads((out / "run.json").read_text())
    assert rj["state"] == "done"
    for key in ("run_id", "adapter", "environment", "harness", "dataset", "config", "seed", "host", "phases",
                "backend_provenance", "started", "ended"):
        assert key in rj, key
    assert rj["environment"]["lock_hash"] and rj["dataset"]["hash"] == "test-0-6-5.0"
    assert {"prepare", "restore", "score"} <= set(rj["phases"])
    assert rj["host"]["cpu"] and "revision" in rj["harness"]
    assert sorted(p.relative_to(out / "outputs").as_posix() for p in (out / "outputs").rglob("*.wav")) == [
        "spk0/utt00.wav", "spk0/utt02.wav", "spk0/utt04.wav"]
    recs, keys = _records_by_key(out)
    assert len(keys) == len(set(keys)) == 3 * 2 * len(METRICS)
    # the Wiener filter must beat the noisy input by at least 2 dB SI-SDR at 5 dB SNR white noise
    assert summary["metrics"]["sisdr"]["difference"] >= 2.0, summary["metrics"]["sisdr"]
    assert json.loads((out / "summary.json").read_text())["run_id"] == rj["run_id"]


def test_resume_after_crash_mid_restore(tiny_dataset, tmp_path):
    out = tmp_path / "run"
    spec = RunSpec(adapter="identity", dataset=str(tiny_dataset), out=str(out), metrics=METRICS, quiet=True)
    run(spec)
    before = {p.name: p.read_bytes() for p in (out / "outputs").rglob("*.wav")}
    # simulate a crash: one output missing, a partial temp file, a torn last results line, state running
    victim = next((out / "outputs").rglob("utt02.wav"))
    victim.unlink()
    (victim.parent / ".utt02.wav.abc.tmp.wav").write_bytes(b"RIFF partial")
    lines = (out / "results.jsonl").read_text().splitlines()
    (out / "results.jsonl").write_text("\n".join(lines[: len(lines) // 2]) + "\n" + lines[-1][:20])
    rj = json.loads((out / "run.json").read_text())
    rj["state"] = "running"
    (out / "run.json").write_text(json.dumps(rj))
    run(spec)
    after = {p.name: p.read_bytes() for p in (out / "outputs").rglob("*.wav")}
    assert after == before
    recs, keys = _records_by_key(out)
    assert len(keys) == len(set(keys)) == 3 * 2 * len(METRICS)
    rj = json.loads((out / "run.json").read_text())
    assert rj["state"] == "done" and rj["resumed"] == 1


def test_kill_9_then_rerun_completes_every_item_once(tmp_path):
    ds = make_dataset(tmp_path / "ds", n=24, seconds=3.0)
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "core.cli", "-q", "run", "--adapter", "wiener", "--dataset", str(ds),
           "--out", str(out), "--metrics", ",".join(METRICS)]
    env = {**os.environ, "PYTHONPATH": str(repo_root())}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((out / "outputs").rglob("*.wav"))) >= 2:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # kill -9 the runner and its job subprocess
    proc.wait()
    assert subprocess.run(cmd, env=env, capture_output=True).returncode == 0
    outputs = sorted(p.relative_to(out / "outputs").as_posix() for p in (out / "outputs").rglob("*") if p.is_file())
    assert outputs == sorted(f"spk0/utt{i:02d}.wav" for i in range(0, 24, 2)), outputs  # no temp files left
    recs, keys = _records_by_key(out)
    assert len(keys) == len(set(keys)) == 12 * 2 * len(METRICS)


def test_matrix_failing_cell_does_not_stop_others(tiny_dataset, tmp_path):
    specs = [RunSpec(adapter="identity", dataset=str(tmp_path / "missing"), out=str(tmp_path / "a"), quiet=True,
                     metrics=METRICS),
             RunSpec(adapter="identity", dataset=str(tiny_dataset), out=str(tmp_path / "b"), quiet=True,
                     metrics=METRICS)]
    results = run_matrix(specs)
    assert [r.ok for r in results] == [False, True]
    assert "manifest" in results[0].error or "dataset" in results[0].error
    assert (tmp_path / "b" / "summary.json").exists()


def test_cli_run_and_results_show(tiny_dataset, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["-q", "run", "--adapter", "identity", "--dataset", str(tiny_dataset), "--out", str(out),
                 "--metrics", "sisdr,snr"]) == 0
    capsys.readouterr()
    assert main(["results", "show", str(out)]) == 0
    text = capsys.readouterr().out
    assert "sisdr" in text and "degraded" in text
    # the same folder with a different adapter is refused, not mixed
    assert main(["-q", "run", "--adapter", "wiener", "--dataset", str(tiny_dataset), "--out", str(out)]) == 2


def test_list_adapters(capsys):
    assert main(["list", "adapters"]) == 0
    text = capsys.readouterr().out
    for name in ("identity", "wiener", "bandext"):
        assert name in text


@pytest.mark.parametrize("what", ["environments"])
def test_list_environments(what, capsys):
    assert main(["list", what]) == 0
    assert "numpy" in capsys.readouterr().out
