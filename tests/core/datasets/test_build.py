import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from core.datasets import build as build_mod
from core.datasets.build import build_dataset
from core.datasets.manifest import SPLITS, read_dataset_info, read_manifest
from core.datasets.wavfile import float_wav_bytes
from core.errors import ArhError, AudioError

SPEC = "mp3:bitrate=32k"


def files(root: Path) -> dict[str, bytes]:
    """Contract files of a dataset (everything but dataset.json and the .build state)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and not rel.startswith(".build") and rel != "dataset.json":
            out[rel] = p.read_bytes()
    return out


def test_contract(tiny_folder, tmp_path):
    out = build_dataset(str(tiny_folder), 16000, SPEC, 3, out=tmp_path / "ds", workers=1)
    info = read_dataset_info(out)
    for key in ("schema_version", "hash", "spec", "chain", "seed", "sample_rate", "segmentation", "counts",
                "durations_s", "code_version", "tool_versions", "skipped", "created", "split_fractions"):
        assert key in info, key
    assert info["seed"] == 3 and info["sample_rate"] == 16000 and info["spec"].startswith("mp3:bitrate=32000")
    assert info["chain"][0]["name"] == "mp3"
    for tool in ("numpy", "soxr", "lameenc", "soundfile", "libsndfile", "espeak-ng"):
        assert info["tool_versions"][tool]
    assert info["code_version"]["source_hash"]
    items = read_manifest(out)
    assert sorted(it.id for it in items) == sorted(
        ["utt0", "utt1", "utt2", "utt3", "utt4", "sub/a", "sub/deeper/b", "sub/c"])
    assert {it.split for it in items} == set(SPLITS)
    assert info["counts"]["total"] == len(items) == sum(info["counts"][s] for s in SPLITS)
    for it in items:
        c, sr_c = sf.read(out / it.clean, dtype="float32")
        d, sr_d = sf.read(out / it.degraded, dtype="float32")
        assert sr_c == sr_d == it.sample_rate == 16000
        assert len(c) == len(d) == it.num_samples == 4000  # 0.25 s at any source rate -> 16 kHz
        assert it.clean == f"clean/{it.id}.wav" and it.degraded == f"degraded/{it.id}.wav"
        assert not np.array_equal(c, d)
    b = next(it for it in items if it.id == "sub/deeper/b")
    assert b.origin == "sub/deeper/b.ogg" and b.meta["orig_rate"] == 8000 and b.source == "folder"


def test_same_inputs_same_hash_and_bytes_any_worker_count(tiny_folder, tmp_path):
    a = build_dataset(str(tiny_folder), 16000, SPEC, 0, out=tmp_path / "a", workers=1)
    b = build_dataset(str(tiny_folder), 16000, SPEC, 0, out=tmp_path / "b", workers=2)
    assert read_dataset_info(a)["hash"] == read_dataset_info(b)["hash"]
    fa, fb = files(a), files(b)
    assert fa == fb and len(fa) == 2 * 8 + 1
    c = build_dataset(str(tiny_folder), 16000, SPEC, 1, out=tmp_path / "c", workers=1)
    assert read_dataset_info(c)["hash"] != read_dataset_info(a)["hash"]  # the seed is part of the hash


def test_seed_changes_random_degradations_only(tiny_folder, tmp_path):
    noisy = "noise:kind=white,snr=20"
    a = files(build_dataset(str(tiny_folder), 16000, noisy, 0, out=tmp_path / "a", workers=1, limit=2))
    b = files(build_dataset(str(tiny_folder), 16000, noisy, 1, out=tmp_path / "b", workers=1, limit=2))
    some = next(k for k in a if k.startswith("clean/"))
    assert a[some] == b[some]
    assert a[some.replace("clean/", "degraded/")] != b[some.replace("clean/", "degraded/")]


def test_default_out_is_under_arh_home_by_hash(tiny_folder):
    out = build_dataset(str(tiny_folder), 16000, SPEC, 0, workers=1, limit=3)
    from core.paths import arh_home

    assert out == arh_home() / "datasets" / read_dataset_info(out)["hash"]
    assert len(read_manifest(out)) == 3


def test_resume_redoes_only_missing_work(tiny_folder, tmp_path, monkeypatch):
    out = build_dataset(str(tiny_folder), 16000, SPEC, 0, out=tmp_path / "ds", workers=1)
    before = files(out)
    (out / "degraded" / "utt2.wav").unlink()
    calls = []
    real = build_mod.process_item
    monkeypatch.setattr(build_mod, "process_item", lambda task: calls.append(task.item.id) or real(task))
    build_dataset(str(tiny_folder), 16000, SPEC, 0, out=out, workers=1)
    assert calls == ["utt2"]
    assert files(out) == before


def test_resume_after_a_crash_mid_build(tiny_folder, tmp_path):
    out = build_dataset(str(tiny_folder), 16000, SPEC, 0, out=tmp_path / "ds", workers=1)
    before = files(out)
    created = read_dataset_info(out)["created"]
    # as if killed: no manifest/record yet, three items done, a torn record line, a missing file
    log = out / ".build" / "items.jsonl"
    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[:3]) + "\n" + lines[3][:20])
    (out / "dataset.json").unlink()
    (out / "manifest.jsonl").unlink()
    (out / "clean" / "sub" / "c.wav").unlink()
    build_dataset(str(tiny_folder), 16000, SPEC, 0, out=out, workers=2)
    assert files(out) == before
    assert read_dataset_info(out)["created"] >= created


def test_out_folder_with_another_dataset_is_refused(tiny_folder, tmp_path):
    out = build_dataset(str(tiny_folder), 16000, SPEC, 0, out=tmp_path / "ds", workers=1)
    with pytest.raises(ArhError, match="other inputs"):
        build_dataset(str(tiny_folder), 16000, SPEC, 5, out=out, workers=1)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.txt").write_text("x")
    with pytest.raises(ArhError, match="not empty"):
        build_dataset(str(tiny_folder), 16000, SPEC, 0, out=tmp_path / "junk", workers=1)


def test_preset_gives_the_rate_and_missing_rate_is_an_error(tiny_folder, tmp_path):
    out = build_dataset(str(tiny_folder), None, "casey-mp3", 0, out=tmp_path / "ds", workers=1, limit=3)
    info = read_dataset_info(out)
    assert info["sample_rate"] == 16000 and info["spec_input"] == "casey-mp3"
    with pytest.raises(ArhError, match="--rate"):
        build_dataset(str(tiny_folder), None, SPEC, 0, out=tmp_path / "x")
    with pytest.raises(ArhError, match="--rate"):
        build_dataset(str(tiny_folder), 3000, SPEC, 0, out=tmp_path / "y")


def test_segments_share_windows_and_stay_in_one_split(tmp_path, make_wav):
    root = tmp_path / "src"
    for k in range(4):
        make_wav(root / f"f{k}.wav", seconds=0.6, seed=k)  # 9600 samples
    out = build_dataset(str(root), 16000, SPEC, 0, out=tmp_path / "ds", segment=4000, workers=1)
    items = read_manifest(out)
    assert sorted(it.id for it in items if it.meta["source_id"] == "f0") == ["f0/0000", "f0/0001", "f0/0002"]
    assert all(it.num_samples == 4000 for it in items)
    for k in range(4):
        assert len({it.split for it in items if it.meta["source_id"] == f"f{k}"}) == 1
    last = next(it for it in items if it.id == "f1/0002")
    assert last.meta["start"] == 8000
    c, _ = sf.read(out / last.clean, dtype="float32")
    assert not c[1600:].any()  # padded tail
    assert read_dataset_info(out)["segmentation"] == {"length": 4000, "hop": 4000, "pad_last": True}
    dropped = build_dataset(str(root), 16000, SPEC, 0, out=tmp_path / "ds2", segment="0.25s", pad_last=False,
                            workers=1)
    assert sorted(it.id for it in read_manifest(dropped) if it.meta["source_id"] == "f0") == ["f0/0000", "f0/0001"]


def _bad_files(root: Path, make_wav) -> dict[str, str]:
    """Write one file per kind of bad input; returns {file name: expected words in the problem}."""
    for k in range(3):
        make_wav(root / f"good{k}.wav", seed=k)
    good = (root / "good0.wav").read_bytes()
    (root / "empty.wav").write_bytes(b"")
    (root / "truncated.wav").write_bytes(good[:30])
    (root / "text.wav").write_text("this is not audio\n" * 20)
    x = np.full(1000, 0.1, dtype=np.float32)
    x[500] = np.nan
    (root / "nan.wav").write_bytes(float_wav_bytes(x, 16000))
    sf.write(str(root / "zero_length.wav"), np.zeros((0, 1), dtype=np.float32), 16000)
    sf.write(str(root / "silence.wav"), np.zeros(4000, dtype=np.float32), 16000)
    make_wav(root / "quad.wav", channels=4)
    make_wav(root / "low_rate.wav", sr=2000)
    return {"empty.wav": "empty", "truncated.wav": "decode", "text.wav": "decode", "nan.wav": "NaN",
            "zero_length.wav": "0 samples", "silence.wav": "silent", "low_rate.wav": "2000 Hz"}


def test_bad_inputs_are_reported_and_skipped(tmp_path, make_wav, capsys):
    root = tmp_path / "src"
    expected = _bad_files(root, make_wav)
    out = build_dataset(str(root), 16000, SPEC, 0, out=tmp_path / "ds", workers=2)
    info = read_dataset_info(out)
    problems = {Path(s["file"]).name: s["problem"] for s in info["skipped"]}
    assert set(problems) == set(expected)
    for name, words in expected.items():
        assert words in problems[name], (name, problems[name])
    assert sorted(it.id for it in read_manifest(out)) == ["good0", "good1", "good2", "quad"]
    assert any("quad.wav: 4 channels downmixed" in n for n in info["notes"])
    err = capsys.readouterr().err
    for name in expected:
        assert name in err


def test_strict_fails_on_the_first_bad_file(tmp_path, make_wav):
    root = tmp_path / "src"
    for k in range(3):
        make_wav(root / f"good{k}.wav", seed=k)
    sf.write(str(root / "silence.wav"), np.zeros(4000, dtype=np.float32), 16000)
    with pytest.raises(AudioError, match="silence.wav: silent"):
        build_dataset(str(root), 16000, SPEC, 0, out=tmp_path / "ds", strict=True, workers=2)


def test_nothing_usable_is_an_error(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    (root / "a.wav").write_bytes(b"")
    with pytest.raises(ArhError, match="no usable items.*empty"):
        build_dataset(str(root), 16000, SPEC, 0, out=tmp_path / "ds", workers=1)


def test_default_speech_subset(tmp_path):
    out = build_dataset("default:speech", 16000, SPEC, 0, out=tmp_path / "ds", workers=1, limit=3)
    items = read_manifest(out)
    assert len(items) == 3 and {it.split for it in items} == set(SPLITS)
    assert all(it.id.startswith("speech/") and it.meta["kind"] == "speech" and it.meta["orig_rate"] == 22050
               for it in items)
    info = read_dataset_info(out)
    assert info["source"]["kind"] == "default" and "smoke" in info["source"]["note"]
    assert set(info["durations_by_kind_s"]) == {"speech"}


def test_fsdd_build_keeps_customary_split(tmp_path, make_wav):
    root = tmp_path / "rec"
    for digit in range(2):
        for index in (0, 1, 7, 8, 9, 10):
            make_wav(root / f"{digit}_theo_{index}.wav", seconds=0.1, sr=8000, seed=index)
    out = build_dataset(f"fsdd:{root}", 8000, SPEC, 0, out=tmp_path / "ds", workers=1)
    items = read_manifest(out)
    assert all((it.split == "test") == (it.meta["index"] < 5) for it in items)
    assert {it.split for it in items} == set(SPLITS)
    assert read_dataset_info(out)["split_method"] == "source"


def test_arctic_contract(shared_data, tmp_path):
    root = shared_data / "speech" / "arctic"
    out = build_dataset(str(root), 16000, SPEC, 0, out=tmp_path / "arctic", workers=2)
    items = read_manifest(out)
    assert sorted(it.id for it in items) == sorted(p.relative_to(root).with_suffix("").as_posix()
                                                   for p in root.rglob("*.wav"))
    for it in items:
        c = sf.info(str(out / it.clean))
        d = sf.info(str(out / it.degraded))
        assert c.frames == d.frames == it.num_samples and c.samplerate == d.samplerate == 16000
    info = json.loads((out / "dataset.json").read_text())
    assert info["skipped"] == [] and info["counts"]["test"] >= 1


def test_group_by_metadata_key(tmp_path, make_wav):
    root = tmp_path / "rec"
    for speaker in ("ann", "bob", "cid", "dee"):
        for index in (5, 6):
            make_wav(root / f"1_{speaker}_{index}.wav", seconds=0.1, sr=8000, seed=index)
    with pytest.raises(ArhError, match="no such metadata"):
        build_dataset(str(root), 8000, SPEC, 0, out=tmp_path / "x", group_by="speaker", workers=1)
    from core.datasets.sources import FsddSource

    class NoSplit(FsddSource):  # FSDD metadata, but let the builder split by speaker
        def scan(self, limit=None):
            scan = super().scan(limit)
            for it in scan.items:
                it.split = None
            return scan

    out = build_dataset(NoSplit(root), 8000, SPEC, 0, out=tmp_path / "ds", group_by="speaker", workers=1)
    items = read_manifest(out)
    for speaker in ("ann", "bob", "cid", "dee"):
        assert len({it.split for it in items if it.meta["speaker"] == speaker}) == 1
    assert {it.split for it in items} == set(SPLITS)
