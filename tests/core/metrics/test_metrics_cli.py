"""``arh score`` and ``arh metrics list``."""

from __future__ import annotations

import json

import pytest

from core.atomic import read_jsonl, write_jsonl
from core.audio_io import write_wav
from core.cli import main


def test_metrics_list_table_and_json(capsys):
    assert main(["metrics", "list"]) == 0
    out = capsys.readouterr().out
    assert "pesq_wb" in out and "fingerprint_ber" in out and "MOS-LQO" in out
    assert main(["metrics", "list", "--json"]) == 0
    descs = json.loads(capsys.readouterr().out)
    assert descs["stoi"]["implementation"] == "pystoi" and descs["lsd"]["higher_is_better"] is False


def test_score_folders_writes_records_and_summary(tmp_path, make_speech, make_noisy, capsys):
    ref, est = tmp_path / "ref", tmp_path / "est"
    for i in range(3):
        x = make_speech(16000, 1.5, seed=i)
        write_wav(ref / f"u{i}.wav", x, 16000)
        if i < 2:
            write_wav(est / f"u{i}.wav", make_noisy(x, 10.0, seed=i), 16000)
    (tmp_path / "ids.txt").write_text("u0\nu1\nu2\n")
    out = tmp_path / "res" / "scores.jsonl"
    rc = main(["-q", "score", "--ref", str(ref), "--est", str(est), "--metrics", "snr,mae",
               "--ids", str(tmp_path / "ids.txt"), "--workers", "1", "--out", str(out)])
    assert rc == 0
    captured = capsys.readouterr()
    assert "u2" in captured.err  # unmatched reference listed
    assert "snr" in captured.out
    assert len(read_jsonl(out)) == 4
    summary = json.loads((tmp_path / "res" / "scores.summary.json").read_text())
    assert summary["per_role"]["restored"]["snr"]["count_ok"] == 2
    assert summary["metric_info"]["snr"]["unit"] == "dB" and summary["comparison"] is None


def test_score_dataset_scores_the_degraded_baseline_too(tmp_path, make_speech, make_noisy, capsys):
    root, outputs = tmp_path / "ds", tmp_path / "outputs"
    lines = []
    for i in range(2):
        x = make_speech(16000, 1.5, seed=i)
        write_wav(root / "clean" / f"u{i}.wav", x, 16000)
        write_wav(root / "degraded" / f"u{i}.wav", make_noisy(x, 0.0, seed=i), 16000)
        write_wav(outputs / f"u{i}.wav", make_noisy(x, 15.0, seed=i), 16000)
        lines.append({"id": f"u{i}", "split": "test", "clean": f"clean/u{i}.wav",
                      "degraded": f"degraded/u{i}.wav", "sample_rate": 16000, "num_samples": x.size})
    write_jsonl(root / "manifest.jsonl", lines)
    out = tmp_path / "s.jsonl"
    rc = main(["-q", "score", "--dataset", str(root), "--est", str(outputs), "--metrics", "snr,sisdr",
               "--workers", "1", "--out", str(out), "--strict"])
    assert rc == 0
    out_text = capsys.readouterr().out
    assert "difference" in out_text and "degraded" in out_text
    summary = json.loads((tmp_path / "s.summary.json").read_text())
    comp = summary["comparison"]["snr"]
    assert comp["paired_n"] == 2
    assert comp["difference"] == pytest.approx(comp["restored"] - comp["degraded"])
    assert comp["difference"] > 10 and comp["improved"]
    roles = {(r["role"], r["id"]) for r in read_jsonl(out)}
    assert roles == {("degraded", "u0"), ("degraded", "u1"), ("restored", "u0"), ("restored", "u1")}


def test_score_without_inputs_is_a_clear_error(tmp_path, capsys):
    assert main(["score", "--out", str(tmp_path / "x.jsonl")]) == 2
    assert "--ref DIR and --est DIR" in capsys.readouterr().err
