"""segan-tf through the runner (local backend, tf2-compat variant) against the fixture upstream:
make_tfrecords.py -> main.py (train) -> driver.py (restore) -> scoring, then a resumed run."""

from __future__ import annotations

import json
import math
import subprocess

import pytest
import soundfile as sf

pytest.importorskip("tensorflow")
pytestmark = [pytest.mark.tf, pytest.mark.slow]

ITEMS_TEST = ("spk0/utt00", "spk1/utt02")
ITEMS_TRAIN = ("spk0/utt01", "spk1/utt03")


def test_every_test_item_is_restored_at_full_length(fixture_run):
    from core.datasets.manifest import read_manifest

    out = fixture_run["out"]
    lengths = {it.id: it.num_samples for it in read_manifest(fixture_run["dataset"])}
    for iid in ITEMS_TEST:
        info = sf.info(str(out / "outputs" / f"{iid}.wav"))
        assert info.samplerate == 16000 and info.frames == lengths[iid], iid
        # the driver's own output (before the harness's cut/pad) already has the input's length
        raw = out / "work" / "segan_restore" / "out" / (iid.replace("/", "__") + ".wav")
        assert sf.info(str(raw)).frames == lengths[iid], raw
    assert sorted(p.name for p in (out / "outputs").rglob("*.wav")) == ["utt00.wav", "utt02.wav"]


def test_train_log_has_the_parsed_step_records(fixture_run):
    out = fixture_run["out"]
    records = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    # 3 windows, batch 2: one batch per epoch under Python 2 division, 1 epoch in the tiny config
    assert [(r["step"], r["epoch"]) for r in records] == [(0, 0)]
    for key in ("d_rl_loss", "d_fk_loss", "g_adv_loss", "g_l1_loss", "seconds"):
        assert math.isfinite(records[0][key]) and records[0][key] >= 0, key
    assert "0/1 (epoch 0), d_rl_loss = " in (out / "logs" / "train.out").read_text()
    meta = json.loads((out / "checkpoint" / "arh_segan.json").read_text())
    assert meta["weights"] == "SEGAN-1" and meta["steps"] == 1
    assert meta["train_items"] == list(ITEMS_TRAIN)
    assert meta["flags"]["bias_deconv"] is True and meta["flags"]["batch_size"] == 2


def test_run_json_records_upstream_variant_and_tfcompat_audit(fixture_run):
    run = json.loads((fixture_run["out"] / "run.json").read_text())
    assert run["state"] == "done" and run["environment"]["variant"] == "tf2-compat"
    train = run["phases"]["train"]["provenance"]
    restore = run["phases"]["restore"]["provenance"]
    for prov in (train, restore):
        assert prov["upstream"] == {"path": str(fixture_run["repo"]), "repo": "https://example.invalid/segan-fixture",
                                    "commit": fixture_run["commit"], "clean": True}
        assert prov["variant"] == "tf2-compat"
    assert set(train["tfcompat_audit"]) == {"make_tfrecords", "main"}
    assert set(restore["tfcompat_audit"]) == {"driver"}
    main = train["tfcompat_audit"]["main"]["remedies"]
    for name in ("old_div", "concat_old_order", "tf_renamed_apis", "optimizer_slot_reuse", "contrib_layers",
                 "flags_argparse"):
        assert main[name]["applied"] >= 1, name
    assert "model.py:" in main["old_div"]["applied_at"][0]
    assert main["print_statement"]["rewritten"] >= 1 and main["except_comma"]["rewritten"] == 1
    records = train["tfcompat_audit"]["make_tfrecords"]["remedies"]
    assert records["py2_dict_methods"]["applied"] == 1 and records["py2_builtins"]["rewritten"] >= 1
    # the adapter seeds the legacy graph from the run seed (RunSpec default 0), so upstream's own z repeats
    assert train["tfcompat_audit"]["main"]["graph_seed"] == run["seed"] == 0
    assert restore["z"] == "seeded" and restore["weights"] == "SEGAN-1"


def test_scores_for_both_roles(fixture_run):
    per_role = fixture_run["summary"]["per_role"]
    assert set(per_role) == {"degraded", "restored"}
    lines = (fixture_run["out"] / "results.jsonl").read_text().splitlines()
    assert len(lines) == 2 * 2 * len(ITEMS_TEST)  # 2 roles x 2 metrics x 2 items


def test_upstream_checkout_is_left_untouched(fixture_run):
    repo = fixture_run["repo"]
    status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--ignored", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert status == ""
    assert not list(fixture_run["out"].parent.rglob("__pycache__"))


def test_rerun_resumes_without_retraining(fixture_upstream):
    from core.runner.run import run

    out = fixture_upstream["out"]
    ckpt = out / "checkpoint" / "SEGAN-1.index"
    mtime = ckpt.stat().st_mtime_ns
    (out / "outputs" / "spk1" / "utt02.wav").unlink()
    train_log = (out / "train_log.jsonl").read_text()
    run(fixture_upstream["spec"])
    record = json.loads((out / "run.json").read_text())
    assert record["resumed"] == 1 and record["state"] == "done"
    assert record["phases"]["train"]["skipped"] == "finished in an earlier attempt"
    assert (out / "outputs" / "spk1" / "utt02.wav").exists()
    assert ckpt.stat().st_mtime_ns == mtime
    assert (out / "train_log.jsonl").read_text() == train_log
