from pathlib import Path

import pytest

from core.datasets.sources import FolderSource, FsddSource, open_source
from core.errors import ArhError


def test_folder_ids_are_relative_paths_without_extension(tiny_folder, make_wav):
    (tiny_folder / "notes.txt").write_text("not audio")
    make_wav(tiny_folder / ".hidden" / "x.wav")
    make_wav(tiny_folder / "UPPER.WAV")
    make_wav(tiny_folder / "utt0.flac")  # same id as utt0.wav
    scan = FolderSource(tiny_folder).scan()
    ids = [it.id for it in scan.items]
    assert ids == sorted(["utt0", "utt1", "utt2", "utt3", "utt4", "sub/a", "sub/deeper/b", "sub/c", "UPPER"])
    by_id = {it.id: it for it in scan.items}
    assert by_id["sub/deeper/b"].origin == "sub/deeper/b.ogg"
    assert Path(by_id["sub/a"].path).is_absolute() and by_id["sub/a"].source == "folder"
    assert all(it.split is None for it in scan.items)
    assert len(scan.skipped) == 1 and "utt0" in scan.skipped[0].problem
    x, sr = by_id["sub/a"].load()
    assert sr == 22050 and x.ndim == 2


def test_folder_limit_is_a_stable_subset(tiny_folder):
    a = [it.id for it in FolderSource(tiny_folder).scan(limit=3).items]
    b = [it.id for it in FolderSource(tiny_folder).scan(limit=3).items]
    assert a == b and len(a) == 3 and a == sorted(a)


def test_open_source_forms(tiny_folder, tmp_path):
    assert isinstance(open_source(str(tiny_folder)), FolderSource)
    assert isinstance(open_source(f"folder:{tiny_folder}"), FolderSource)
    assert isinstance(open_source(f"fsdd:{tiny_folder}"), FsddSource)
    with pytest.raises(ArhError, match="Did you mean 'fsdd'"):
        open_source("fsd:/nowhere")
    with pytest.raises(ArhError, match="neither a folder"):
        open_source(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ArhError, match="no audio files"):
        FolderSource(tmp_path / "empty").scan()


def test_fsdd_metadata_and_customary_split(tmp_path, make_wav):
    root = tmp_path / "recordings"
    for digit in range(3):
        for speaker in ("jackson", "nicolas"):
            for index in range(8):
                make_wav(root / f"{digit}_{speaker}_{index}.wav", seconds=0.05, sr=8000, seed=index)
    make_wav(root / "hello.wav", seconds=0.05, sr=8000)
    scan = open_source(f"fsdd:{root}").scan()
    assert len(scan.items) == 48
    assert [s.file for s in scan.skipped] == [str(root / "hello.wav")]
    assert "does not match" in scan.skipped[0].problem
    it = next(i for i in scan.items if i.id == "2_nicolas_6")
    assert it.meta["digit"] == 2 and it.meta["speaker"] == "nicolas" and it.meta["index"] == 6
    splits = {i.id: i.split for i in scan.items}
    assert all(splits[i.id] == "test" for i in scan.items if i.meta["index"] < 5)
    train_or_valid = [i for i in scan.items if i.meta["index"] >= 5]
    assert all(splits[i.id] in ("train", "valid") for i in train_or_valid)
    assert {splits[i.id] for i in train_or_valid} == {"train", "valid"}
    again = {i.id: i.split for i in open_source(f"fsdd:{root}").scan().items}
    assert again == splits
    small = FsddSource(root).scan(limit=10).items
    assert len(small) == 10 and {i.split for i in small} == {"train", "valid", "test"}


def test_rawitem_load_reports_bad_file(tmp_path):
    from core.datasets.sources import RawItem
    from core.errors import AudioError

    p = tmp_path / "x.wav"
    p.write_bytes(b"")
    with pytest.raises(AudioError, match="empty"):
        RawItem("x", str(p), "folder", "x.wav").load()


def test_folder_follows_symlinked_folders_once(tmp_path, make_wav):
    real = tmp_path / "real"
    make_wav(real / "a.wav")
    root = tmp_path / "src"
    root.mkdir()
    (root / "linked").symlink_to(real, target_is_directory=True)
    (real / "loop").symlink_to(real, target_is_directory=True)  # a cycle must not loop forever
    ids = [it.id for it in FolderSource(root).scan().items]
    assert ids == ["linked/a"]
