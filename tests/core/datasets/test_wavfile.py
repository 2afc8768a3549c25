import numpy as np
import soundfile as sf

from core.datasets.wavfile import float_wav_bytes, write_float_wav


def test_float_wav_roundtrip_and_stable_bytes(tmp_path):
    x = np.random.default_rng(0).standard_normal((500, 2)).astype(np.float32) * 0.1
    write_float_wav(tmp_path / "a.wav", x, 22050)
    y, sr = sf.read(tmp_path / "a.wav", dtype="float32")
    assert sr == 22050 and np.array_equal(x, y)
    assert sf.info(str(tmp_path / "a.wav")).subtype == "FLOAT"
    first = (tmp_path / "a.wav").read_bytes()
    write_float_wav(tmp_path / "a.wav", x, 22050)
    assert (tmp_path / "a.wav").read_bytes() == first == float_wav_bytes(x, 22050)


def test_refuses_nan(tmp_path):
    import pytest

    from core.errors import AudioError

    with pytest.raises(AudioError):
        write_float_wav(tmp_path / "n.wav", np.array([0.0, np.nan], dtype=np.float32), 8000)
    assert not (tmp_path / "n.wav").exists()
