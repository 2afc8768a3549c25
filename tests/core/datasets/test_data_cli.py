from core.cli import main
from core.datasets.manifest import read_manifest
from core.datasets.summary import summary_table


def test_build_then_info(tiny_folder, tmp_path, capsys):
    out = tmp_path / "ds"
    rc = main(["data", "build", "--source", str(tiny_folder), "--rate", "16000", "--degrade", "mp3:bitrate=32k",
               "--seed", "2", "--out", str(out), "--split", "0.6,0.2,0.2", "--segment", "0.1s", "--drop-last",
               "--workers", "1"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert printed.strip().splitlines()[-1] == str(out)
    assert "train" in printed and "mp3:bitrate=32000" in printed
    items = read_manifest(out)
    assert all(it.num_samples == 1600 for it in items) and len(items) == 8 * 2
    assert main(["data", "info", str(out)]) == 0
    info = capsys.readouterr().out
    assert info == summary_table(out)
    for word in ("valid", "test", "total", "16000 Hz", "seed", "hash"):
        assert word in info


def test_user_errors_exit_2_with_a_message(tmp_path, capsys):
    assert main(["data", "build", "--source", str(tmp_path / "nope"), "--rate", "16000",
                 "--degrade", "mp3:bitrate=32k"]) == 2
    assert "neither a folder" in capsys.readouterr().err
    assert main(["data", "info", str(tmp_path)]) == 2
    assert "dataset.json" in capsys.readouterr().err
