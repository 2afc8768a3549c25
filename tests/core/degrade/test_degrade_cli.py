"""``arh degrade``: one-file round trip, listing, and clear errors."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from core.cli import main
from core.degrade import TRANSFORMS, parse_spec
from core.degrade.presets import PRESETS

from .conftest import harmonic_tone

SPEC = "mp3:bitrate=32k | noise:kind=white,snr=10"


def test_round_trip_one_file(tmp_path):
    x = harmonic_tone(16000, 0.6)
    src, out = tmp_path / "utt_7.wav", tmp_path / "out" / "deg.wav"
    out.parent.mkdir()
    sf.write(src, x, 16000, subtype="FLOAT")
    assert main(["degrade", str(src), str(out), "--spec", SPEC, "--seed", "4"]) == 0
    y, sr = sf.read(out, dtype="float32")
    assert sr == 16000 and y.shape == x.shape
    # the id defaults to the file stem, so the library call gives the same bytes
    assert np.array_equal(y, parse_spec(SPEC).apply(x, 16000, 4, "utt_7"))
    other = tmp_path / "other.wav"
    assert main(["degrade", str(src), str(other), "--spec", SPEC, "--seed", "4", "--id", "x"]) == 0
    assert not np.array_equal(sf.read(other, dtype="float32")[0], y)


def test_list_shows_transforms_params_and_presets(capsys):
    assert main(["degrade", "--list"]) == 0
    text = capsys.readouterr().out
    for name in TRANSFORMS.names():
        assert f"  {name}: " in text
    for name in PRESETS:
        assert name in text
    assert "cutoff=<required>" in text and "bitrate=32000" in text


def test_errors_are_reported_not_raised(tmp_path, capsys):
    src = tmp_path / "a.wav"
    sf.write(src, harmonic_tone(8000, 0.2), 8000)
    assert main(["degrade", str(src), str(tmp_path / "b.wav"), "--spec", "lowpas:cutoff=100"]) == 2
    assert "Did you mean 'lowpass'" in capsys.readouterr().err
    assert main(["degrade", str(src), str(tmp_path / "b.wav"), "--spec", "casey-mp3"]) == 2
    err = capsys.readouterr().err
    assert "16000 Hz" in err and "8000 Hz" in err
    assert main(["degrade", str(src), str(tmp_path / "b.wav"), "--spec", "telephone"]) == 0
    assert main(["degrade", str(src)]) == 2
    assert main(["degrade", str(tmp_path / "missing.wav"), str(tmp_path / "b.wav"), "--spec", "gain:db=1"]) == 2
    assert "does not exist" in capsys.readouterr().err
