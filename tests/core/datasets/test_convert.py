import numpy as np
import pytest

from core.datasets.convert import resample, segment, segment_length, to_mono
from core.errors import ArhError


def test_resample_length_dtype_and_identity():
    x = np.sin(np.arange(16000) / 10).astype(np.float32)
    y = resample(x, 16000, 8000)
    assert y.dtype == np.float32 and abs(len(y) - 8000) <= 1
    same = resample(x, 16000, 16000)
    assert np.array_equal(same, x) and same is not x
    assert resample(np.stack([x, x], 1), 16000, 22050).shape[1] == 2
    with pytest.raises(ArhError):
        resample(x, 0, 16000)


def test_resample_keeps_a_tone():
    sr = 44100
    x = np.sin(2 * np.pi * 1000 * np.arange(sr) / sr).astype(np.float32)
    y = resample(x, sr, 16000)
    spec = np.abs(np.fft.rfft(y))
    assert abs(np.argmax(spec) * 16000 / len(y) - 1000) < 2


def test_to_mono_averages_channels():
    x = np.array([[1.0, 0.0, 0.5, -0.5]] * 3, dtype=np.float32)
    assert np.allclose(to_mono(x), 0.25)
    assert to_mono(x[:, :1]).shape == (3,)


@pytest.mark.parametrize("n,length,hop,pad,expect", [
    (10, 4, None, True, [(0, 4), (4, 4), (8, 4)]),
    (10, 4, None, False, [(0, 4), (4, 4)]),
    (10, 4, 2, True, [(0, 4), (2, 4), (4, 4), (6, 4)]),
    (3, 4, None, True, [(0, 4)]),
    (3, 4, None, False, []),
    (8, 4, None, True, [(0, 4), (4, 4)]),
])
def test_segment_windows(n, length, hop, pad, expect):
    x = np.arange(1, n + 1, dtype=np.float32)
    out = segment(x, length, hop, pad)
    assert [(s, len(w)) for s, w in out] == expect
    for s, w in out:
        real = x[s:s + length]
        assert np.array_equal(w[:len(real)], real) and not w[len(real):].any()


def test_segment_length_parsing():
    assert segment_length("16384", 16000) == 16384
    assert segment_length(2000, 8000) == 2000
    assert segment_length("0.55s", 16000) == 8800
    assert segment_length("2s", 22050) == 44100
    for bad in ("abc", "0", "-2s"):
        with pytest.raises(ArhError):
            segment_length(bad, 16000)
