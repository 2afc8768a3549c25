"""The scoring engine: records, failures, determinism across workers, resume, pairing, summaries."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import soundfile as sf

from core.atomic import read_jsonl, write_jsonl
from core.audio_io import write_wav
from core.errors import ArhError
from core.metrics.engine import (
    RECORD_SCHEMA_VERSION,
    Pair,
    compare,
    pairs_from_dataset,
    pairs_from_dirs,
    score_pairs,
    summarize,
    values_by_key,
)

FAST = ["snr", "sisdr", "mae", "lsd"]


@pytest.fixture
def folders(tmp_path, make_speech, make_noisy):
    """ref/ and est/ with ids a, b, sub/c (paired), ref-only r_only, est-only e_only."""
    ref, est = tmp_path / "ref", tmp_path / "est"
    for i, item in enumerate(["a", "b", "sub/c"]):
        x = make_speech(16000, 2.0, seed=i)
        write_wav(ref / f"{item}.wav", x, 16000)
        write_wav(est / f"{item}.wav", make_noisy(x, 5.0 + 5 * i, seed=i), 16000)
    write_wav(ref / "r_only.wav", make_speech(16000, 1.0, seed=9), 16000)
    write_wav(est / "e_only.wav", make_speech(16000, 1.0, seed=9), 16000)
    return ref, est


def test_pairs_by_id_report_unmatched(folders):
    ref, est = folders
    pairs, unmatched_ref, unmatched_est = pairs_from_dirs(ref, est)
    assert [p.id for p in pairs] == ["a", "b", "sub/c"]
    assert all(p.reference_path.endswith(f"ref/{p.id}.wav") and p.estimate_path.endswith(f"est/{p.id}.wav")
               for p in pairs)
    assert unmatched_ref == ["r_only"] and unmatched_est == ["e_only"]
    pairs, _, _ = pairs_from_dirs(ref, est, ids=["b", "r_only"])
    assert [p.id for p in pairs] == ["b"]
    with pytest.raises(ArhError, match="neither"):
        pairs_from_dirs(ref, est, ids=["nope"])


def test_pairing_ignores_sort_order(tmp_path, make_speech):
    """Names that sort differently in the two folders still pair by id."""
    ref, est = tmp_path / "ref", tmp_path / "est"
    write_wav(ref / "x1.wav", make_speech(16000, 1.0, seed=1), 16000)
    write_wav(ref / "x2.wav", make_speech(16000, 1.0, seed=2), 16000)
    write_wav(est / "x2.flac", make_speech(16000, 1.0, seed=2), 16000)  # wav content, flac name is fine for sf
    write_wav(est / "x1.wav", make_speech(16000, 1.0, seed=1), 16000)
    pairs, _, _ = pairs_from_dirs(ref, est)
    assert {(p.id, p.estimate_path.rsplit("/", 1)[1]) for p in pairs} == {("x1", "x1.wav"), ("x2", "x2.flac")}


def test_records_have_the_documented_fields(folders):
    ref, est = folders
    pairs, _, _ = pairs_from_dirs(ref, est)
    recs = score_pairs(pairs, FAST, workers=1, extra={"run_id": "r1"})
    assert len(recs) == len(pairs) * len(FAST)
    r = recs[0]
    for key in ("schema_version", "id", "role", "metric", "value", "status", "error", "unit", "higher_is_better",
                "metric_info", "metric_hash", "alignment", "sample_rate", "scored_rate", "capped", "run_id"):
        assert key in r, key
    assert r["schema_version"] == RECORD_SCHEMA_VERSION and r["status"] == "ok" and r["role"] == "restored"
    assert r["metric_info"]["implementation"] and r["alignment"]["ok"] is True
    json.dumps(recs)
    assert [(x["id"], x["metric"]) for x in recs][:4] == [("a", m) for m in FAST]


def test_one_and_two_workers_give_identical_values(folders, tmp_path):
    ref, est = folders
    pairs, _, _ = pairs_from_dirs(ref, est)
    names = ["pesq_wb", "stoi", "estoi", "sisdr", "segsnr", "llr", "wss", "csig", "fingerprint_ber"]
    one = values_by_key(score_pairs(pairs, names, out=tmp_path / "one.jsonl", workers=1))
    two = values_by_key(score_pairs(pairs, names, out=tmp_path / "two.jsonl", workers=2))
    assert one == two and all(v is not None for v in one.values())
    assert (tmp_path / "one.jsonl").read_text().count("\n") == len(one)


def test_nan_estimate_and_missing_file_are_failed_records(tmp_path, make_speech):
    x = make_speech(16000, 1.0, seed=1)
    write_wav(tmp_path / "ref.wav", x, 16000)
    bad = x.copy()
    bad[10] = np.nan
    sf.write(str(tmp_path / "nan.wav"), bad, 16000, subtype="FLOAT")
    pairs = [Pair("n", str(tmp_path / "ref.wav"), str(tmp_path / "nan.wav")),
             Pair("m", str(tmp_path / "ref.wav"), str(tmp_path / "missing.wav"))]
    recs = score_pairs(pairs, FAST, workers=1)
    assert len(recs) == 2 * len(FAST)
    for r in recs:
        assert r["status"] == "failed" and r["value"] is None
    assert all("NaN" in r["error"] for r in recs if r["id"] == "n")
    assert all("does not exist" in r["error"] for r in recs if r["id"] == "m")
    s = summarize(recs)["restored"]["snr"]
    assert s["count_ok"] == 0 and s["failures"] == 2 and s["mean"] is None


def test_length_mismatch_fails_without_align_and_scores_with_it(tmp_path, make_speech, capsys):
    x = make_speech(16000, 2.0, seed=1)
    write_wav(tmp_path / "ref.wav", x, 16000)
    write_wav(tmp_path / "est.wav", np.concatenate([np.zeros(30, np.float32), x]), 16000)
    pairs = [Pair("late", str(tmp_path / "ref.wav"), str(tmp_path / "est.wav"))]
    recs = {r["metric"]: r for r in score_pairs(pairs, ["snr", "pesq_wb"], workers=1)}
    assert recs["snr"]["status"] == "failed" and "length mismatch" in recs["snr"]["error"]
    assert recs["pesq_wb"]["status"] == "ok"  # PESQ aligns by itself
    assert recs["snr"]["alignment"]["lag_samples"] == 30
    assert "late" in capsys.readouterr().err
    recs = {r["metric"]: r for r in score_pairs(pairs, ["snr"], workers=1, align=True)}
    assert recs["snr"]["status"] == "ok" and recs["snr"]["value"] == 100.0 and recs["snr"]["capped"]
    assert recs["snr"]["alignment"]["applied_lag_samples"] == 30


def test_resume_skips_done_records_and_recomputes_stale_ones(folders, tmp_path, make_speech):
    ref, est = folders
    pairs, _, _ = pairs_from_dirs(ref, est)
    out = tmp_path / "scores.jsonl"
    first = values_by_key(score_pairs(pairs, ["snr", "mae"], out=out, workers=1))
    # Change an estimate: a resumed run must not recompute (the records exist) ...
    write_wav(est / "a.wav", make_speech(16000, 2.0, seed=42), 16000)
    again = score_pairs(pairs, ["snr", "mae"], out=out, workers=1)
    assert values_by_key(again) == first
    # ... but a record whose metric description changed is recomputed.
    recs = read_jsonl(out)
    for r in recs:
        if r["id"] == "a" and r["metric"] == "snr":
            r["metric_hash"] = "old"
    write_jsonl(out, recs)
    third = values_by_key(score_pairs(pairs, ["snr", "mae", "sisdr"], out=out, workers=1))
    assert third[("a", "restored", "snr")] != first[("a", "restored", "snr")]
    assert third[("a", "restored", "mae")] == first[("a", "restored", "mae")]
    assert len(read_jsonl(out)) == 3 * len(pairs)


def test_resume_after_a_torn_last_line(folders, tmp_path):
    ref, est = folders
    pairs, _, _ = pairs_from_dirs(ref, est)
    out = tmp_path / "scores.jsonl"
    score_pairs(pairs, ["mae"], out=out, workers=1)
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:1]) + "\n" + lines[1][:25])  # crash mid-append
    score_pairs(pairs, ["mae", "snr"], out=out, workers=1)
    recs = read_jsonl(out)
    assert len(recs) == 2 * len(pairs) and all(r["status"] == "ok" for r in recs)


def test_resume_keeps_records_of_other_pairs(folders, tmp_path):
    ref, est = folders
    pairs, _, _ = pairs_from_dirs(ref, est)
    out = tmp_path / "scores.jsonl"
    score_pairs(pairs, ["mae"], out=out, workers=1)
    score_pairs(pairs[:1], ["mae"], out=out, workers=1)
    assert len(read_jsonl(out)) == len(pairs)


def _dataset(tmp_path, make_speech, make_noisy):
    root = tmp_path / "ds"
    lines = []
    for i, split in enumerate(["test", "test", "train"]):
        x = make_speech(16000, 2.0, seed=i)
        write_wav(root / "clean" / f"u{i}.wav", x, 16000)
        write_wav(root / "degraded" / f"u{i}.wav", make_noisy(x, 0.0, seed=i), 16000)
        lines.append({"id": f"u{i}", "split": split, "clean": f"clean/u{i}.wav", "degraded": f"degraded/u{i}.wav",
                      "sample_rate": 16000, "num_samples": x.size})
    write_jsonl(root / "manifest.jsonl", lines)
    return root


def test_dataset_pairs_and_comparison(tmp_path, make_speech, make_noisy):
    root = _dataset(tmp_path, make_speech, make_noisy)
    out_dir = tmp_path / "outputs"
    for i in (0,):  # u1's output is missing: it must show up as failed, not vanish
        x = make_speech(16000, 2.0, seed=i)
        write_wav(out_dir / f"u{i}.wav", make_noisy(x, 20.0, seed=i), 16000)
    base = pairs_from_dataset(root, None, "test")
    restored = pairs_from_dataset(root, out_dir, "test")
    assert [p.role for p in base] == ["degraded"] * 2 and [p.role for p in restored] == ["restored"] * 2
    assert all(p.reference_path.endswith(f"clean/{p.id}.wav") for p in base + restored)
    recs = score_pairs(base + restored, ["snr", "mae"], workers=1)
    summary = summarize(recs)
    assert summary["degraded"]["snr"]["count_ok"] == 2
    assert summary["restored"]["snr"]["count_ok"] == 1 and summary["restored"]["snr"]["failures"] == 1
    table = compare(summary)
    assert table["snr"]["restored"] > table["snr"]["degraded"] and table["snr"]["improved"]
    assert table["mae"]["improved"] and table["mae"]["difference"] < 0
    assert {"degraded", "restored", "difference", "restored_ci95", "restored_n", "restored_failed"} <= set(table["snr"])
    paired = compare(summary, recs)["snr"]
    assert paired["paired_n"] == 1 and paired["ci_method"].startswith("paired")


def test_summary_statistics_use_the_t_distribution():
    from scipy import stats

    values = [1.0, 2.0, 4.0, 7.0]
    recs = [{"id": str(i), "role": "restored", "metric": "snr", "value": v, "status": "ok", "unit": "dB",
             "higher_is_better": True} for i, v in enumerate(values)]
    recs.append({"id": "x", "role": "restored", "metric": "snr", "value": None, "status": "failed",
                 "error": "boom", "unit": "dB", "higher_is_better": True})
    s = summarize(recs)["restored"]["snr"]
    half = stats.t.ppf(0.975, 3) * np.std(values, ddof=1) / math.sqrt(4)
    assert s["mean"] == pytest.approx(3.5) and s["ci95"] == pytest.approx(half)
    assert s["count_ok"] == 4 and s["failures"] == 1 and s["failure_reasons"] == {"boom": 1}


def test_duplicate_pairs_are_rejected(folders):
    ref, est = folders
    pairs, _, _ = pairs_from_dirs(ref, est)
    with pytest.raises(ArhError, match="duplicate"):
        score_pairs(pairs + pairs[:1], FAST, workers=1)
