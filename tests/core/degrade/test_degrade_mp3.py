"""MP3: the decoded signal is sample-aligned (lag 0), as long as the input, and keeps its level."""

from __future__ import annotations

import numpy as np
import pytest

from core.audio_io import read_audio
from core.degrade import parse_spec
from core.degrade.resampling import resample
from core.degrade.transforms.mp3 import calibrate, encode_rate

from .conftest import harmonic_tone, xcorr_lag


def _snr(x, y):
    x64, e = x.astype(np.float64), (y.astype(np.float64) - x)
    return 10 * np.log10(np.sum(x64 ** 2) / np.sum(e ** 2))


@pytest.mark.parametrize("sr, spec", [
    (16000, "mp3:bitrate=32k"),
    (16000, "mp3:bitrate=8k"),            # LAME resamples to an 8 kHz stream
    (44100, "mp3:bitrate=32k"),           # 22.05 kHz stream, resampled back
    (44100, "mp3:bitrate=32k,mp3_rate=input"),
    (44100, "mp3:bitrate=128k"),
    (48000, "mp3:bitrate=64k"),
    (10000, "mp3:bitrate=32k"),           # not an MPEG rate: via 11025 Hz
])
def test_mp3_is_aligned_same_length_and_level(sr, spec):
    x = harmonic_tone(sr, 1.3)
    y = parse_spec(spec).apply(x, sr, seed=0, item_id="tone")
    assert y.shape == x.shape and y.dtype == np.float32
    assert xcorr_lag(y, x) == 0
    # one sample off would cost far more than the codec does at these rates
    assert _snr(x, y) > _snr(x[:-1], y[1:]) + 3 and _snr(x, y) > _snr(x[1:], y[:-1]) + 3
    gain = float(np.dot(x, y) / np.dot(x, x))
    assert gain == pytest.approx(1.0, abs=0.03)


def test_keep_level_false_shows_lames_input_scaling():
    x = harmonic_tone(16000, 1.0)
    raw = parse_spec("mp3:bitrate=64k,keep_level=false").apply(x, 16000, 0, "a")
    kept = parse_spec("mp3:bitrate=64k").apply(x, 16000, 0, "a")
    cal = calibrate(16000, 64, 5, "auto")
    assert cal.delay == 1105 and cal.stream_rate == 16000  # LAME 3.100 + mpg123 figures
    assert cal.gain == pytest.approx(0.95, abs=0.005)
    assert np.allclose(kept, raw / cal.gain, atol=1e-5)


def test_mp3_degrades_at_low_bitrate_more_than_at_high():
    x = harmonic_tone(16000, 1.0)
    lo = parse_spec("mp3:bitrate=16k").apply(x, 16000, 0, "a")
    hi = parse_spec("mp3:bitrate=128k").apply(x, 16000, 0, "a")
    assert _snr(x, hi) > _snr(x, lo) + 6


def test_mp3_clips_before_encoding_and_handles_tiny_inputs():
    loud = np.full(3000, 3.0, np.float32)
    y = parse_spec("mp3:bitrate=32k").apply(loud, 16000, 0, "a")
    assert np.isfinite(y).all() and np.abs(y).max() < 1.3
    for n in (1, 50, 1152):
        assert parse_spec("mp3").apply(np.zeros(n, np.float32), 16000, 0, "a").shape == (n,)


def test_encode_rate_picks_nearest_mpeg_rate():
    assert encode_rate(16000) == 16000 and encode_rate(10000) == 11025 and encode_rate(96000) == 48000


def test_mp3_alignment_on_real_speech(shared_data):
    files = sorted((shared_data / "speech" / "librispeech").glob("*"))
    x, sr = read_audio(files[0])
    x = resample(x, sr, 16000)[: 16000 * 4]
    y = parse_spec("casey-mp3").apply(x, 16000, 0, "speech")
    assert y.shape == x.shape and xcorr_lag(y, x) == 0
    assert _snr(x, y) > 10
