"""The job protocol through a real subprocess: outputs, status file, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import soundfile as sf

from core.job import EXIT_ADAPTER_ERROR, EXIT_BAD_JOB, Job
from core.paths import repo_root


def _run(job_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "adapters", str(job_path)], capture_output=True, text=True,
                          cwd=repo_root(), env={"PYTHONPATH": str(repo_root()), "ARH_QUIET": "1",
                                                "PATH": "/usr/bin:/bin"})


def test_job_round_trip_in_subprocess(tiny_dataset, tmp_path):
    job = Job(adapter="identity", action="restore", dataset=str(tiny_dataset), split="test",
              output_dir=str(tmp_path / "run" / "outputs"), run_dir=str(tmp_path / "run"))
    path = job.save(tmp_path / "job.json")
    assert Job.load(path) == job
    proc = _run(path)
    assert proc.returncode == 0, proc.stderr
    status = json.loads((tmp_path / "run" / "status" / "restore.json").read_text())
    assert status["state"] == "done" and status["peak_memory_mb"] > 0 and status["seconds"] >= 0
    for line in (tiny_dataset / "manifest.jsonl").read_text().splitlines():
        item = json.loads(line)
        out = tmp_path / "run" / "outputs" / f"{item['id']}.wav"
        assert out.exists() == (item["split"] == "test")
        if item["split"] == "test":
            a, _ = sf.read(out, dtype="float32")
            b, _ = sf.read(tiny_dataset / item["degraded"], dtype="float32")
            assert np.array_equal(a, b)


def test_bad_job_exit_code(tiny_dataset, tmp_path):
    path = tmp_path / "job.json"
    path.write_text(json.dumps({"adapter": "identity", "action": "restore", "dataset": str(tiny_dataset),
                                "split": "test", "output_dir": str(tmp_path / "o"), "run_dir": str(tmp_path),
                                "bogus": 1}))
    proc = _run(path)
    assert proc.returncode == EXIT_BAD_JOB
    assert "bogus" in proc.stderr
    job = Job(adapter="no-such-adapter", action="restore", dataset=str(tiny_dataset), split="test",
              output_dir=str(tmp_path / "o"), run_dir=str(tmp_path / "r"))
    proc = _run(job.save(tmp_path / "job2.json"))
    assert proc.returncode == EXIT_BAD_JOB
    status = json.loads((tmp_path / "r" / "status" / "restore.json").read_text())
    assert status["state"] == "failed" and "Available" in status["error"]


def test_adapter_error_exit_code(tiny_dataset, tmp_path):
    # identity is not trainable: asking it to train is the adapter refusing, exit 1 with a reason
    job = Job(adapter="identity", action="train", dataset=str(tiny_dataset), split="train",
              output_dir=str(tmp_path / "o"), run_dir=str(tmp_path / "r"), checkpoint=str(tmp_path / "ck"))
    proc = _run(job.save(tmp_path / "job.json"))
    assert proc.returncode == EXIT_ADAPTER_ERROR
    status = json.loads((tmp_path / "r" / "status" / "train.json").read_text())
    assert "not trainable" in status["error"] and status["traceback"]
