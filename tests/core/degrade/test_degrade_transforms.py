"""Every transform keeps length, dtype and finiteness; each one's definition holds on simple cases."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from core.degrade import TRANSFORMS, parse_spec
from core.degrade.transforms.telephone import mu_law
from core.errors import ArhError

# One example per registered transform; the test below fails if a new one has none.
EXAMPLES = {
    "bandcut": "bandcut:cutoff=1000",
    "clip": "clip:percentile=90",
    "crackle": "crackle:density=30,snr=15",
    "gain": "gain:db=-6",
    "highpass": "highpass:cutoff=300,filter=cheby1,ripple=0.5",
    "hum": "hum:freq=60,snr=20",
    "lowpass": "lowpass:cutoff=3000,zero_phase=false",
    "mp3": "mp3:bitrate=24k",
    "noise": "noise:kind=pink/brown/white/hum/crackle,snr=5",
    "packet_loss": "packet_loss:rate=0.3",
    "quantize": "quantize:bits=8,dither=true",
    "resample": "resample:rate=4000,quality=VHQ",
    "telephone": "telephone",
}


def test_every_transform_has_an_example():
    assert sorted(EXAMPLES) == TRANSFORMS.names()


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("sr, n", [(16000, 16000), (44100, 9001), (8000, 7)])
def test_length_dtype_finite(name, sr, n, tone):
    x = tone(sr, n / sr) if n > 100 else np.linspace(-0.5, 0.5, n, dtype=np.float32)
    chain = parse_spec(EXAMPLES[name])
    try:
        chain.check_rate(sr)
    except ArhError:
        assert name in ("bandcut", "lowpass", "resample") and sr == 8000
        return
    y = chain.apply(x, sr, seed=1, item_id="t")
    assert y.dtype == np.float32 and y.shape == x.shape and np.isfinite(y).all()
    assert not np.shares_memory(x, y)


def test_input_is_not_modified(tone):
    x = tone(16000, 0.5)
    before = x.copy()
    parse_spec("gain:db=6 | clip:threshold=0.3 | noise:kind=white,snr=3").apply(x, 16000, 0, "a")
    assert np.array_equal(x, before)


def test_bad_inputs_are_refused():
    chain = parse_spec("gain:db=1")
    with pytest.raises(ArhError, match="shape"):
        chain.apply(np.zeros((10, 2), np.float32), 16000, 0, "a")
    with pytest.raises(ArhError, match="NaN"):
        chain.apply(np.array([0.0, np.nan], np.float32), 16000, 0, "a")
    with pytest.raises(ArhError, match="0 samples"):
        chain.apply(np.zeros(0, np.float32), 16000, 0, "a")


@pytest.mark.parametrize("spec, sr, fragment", [
    ("telephone", 4000, "8000 Hz or more"),
    ("lowpass:cutoff=8000", 16000, "Nyquist"),
    ("bandcut:cutoff=150/9000", 16000, "Nyquist"),
    ("resample:rate=16000", 16000, "not below"),
    ("hum:freq=60,snr=10", 100, "Nyquist"),
    ("mp3:bitrate=8k,mp3_rate=input", 44100, "cannot have bitrate 8k"),
])
def test_rate_errors_name_step_and_fix(spec, sr, fragment):
    chain = parse_spec("gain:db=0 | " + spec)
    with pytest.raises(ArhError) as e:
        chain.apply(np.full(2000, 0.1, np.float32), sr, 0, "a")
    assert "step 2" in str(e.value) and fragment in str(e.value)


def test_gain_clip_quantize_definitions():
    x = np.array([-0.9, -0.2, 0.0, 0.1, 0.5, 0.99], np.float32)
    y = parse_spec("gain:db=-6").apply(x, 8000, 0, "a")
    assert np.allclose(y, x * 10 ** (-6 / 20), atol=1e-7)
    assert np.array_equal(parse_spec("clip:threshold=0.3").apply(x, 8000, 0, "a"),
                          np.clip(x, -0.3, 0.3))
    q = parse_spec("quantize:bits=3").apply(x, 8000, 0, "a")
    assert np.allclose(q, [-1.0, -0.25, 0.0, 0.0, 0.5, 0.75])
    many = np.linspace(-1, 1, 1001, dtype=np.float32)
    assert np.percentile(np.abs(many), 50) == pytest.approx(
        np.abs(parse_spec("clip:percentile=50").apply(many, 8000, 0, "a")).max(), abs=1e-6)


def test_packet_loss_zeroes_whole_frames():
    x = np.ones(16000, np.float32)
    assert np.array_equal(parse_spec("packet_loss:rate=0").apply(x, 16000, 0, "a"), x)
    assert not parse_spec("packet_loss:rate=1").apply(x, 16000, 0, "a").any()
    y = parse_spec("packet_loss:rate=0.5,frame_ms=20").apply(x, 16000, 0, "a")
    frames = y.reshape(-1, 320)
    assert set(frames.min(axis=1)) <= {0.0, 1.0} and np.array_equal(frames.min(axis=1), frames.max(axis=1))
    assert 10 < int((frames[:, 0] == 0).sum()) < 40  # 50 frames, p = 0.5


def test_mu_law_is_8_bit_companding():
    x = np.linspace(-1, 1, 20001)
    y = mu_law(x, 8)
    assert len(np.unique(np.round(y, 9))) == 256
    small = np.abs(x) < 0.01
    assert np.max(np.abs(y - x)[small]) < 0.0005  # fine steps near zero
    assert np.max(np.abs(y - x)) < 0.05


def test_noise_file_is_looped_from_a_random_offset(tmp_path):
    rec = np.random.default_rng(5).standard_normal(3000).astype(np.float32) * 0.1
    path = tmp_path / "hiss.wav"
    sf.write(path, rec, 8000, subtype="FLOAT")
    chain = parse_spec(f"noise:kind=file,file={path},level=-20")
    x = np.zeros(8000, np.float32)
    a, b = chain.apply(x, 8000, 0, "a"), chain.apply(x, 8000, 0, "b")
    assert np.sqrt(np.mean(a.astype(np.float64) ** 2)) == pytest.approx(0.1, rel=1e-4)
    assert not np.array_equal(a, b)
    assert np.allclose(a[:3000], np.roll(a[3000:6000], 0), atol=1e-6)  # period = file length


def test_missing_noise_file_is_a_clear_error(tmp_path):
    chain = parse_spec(f"noise:kind=file,file={tmp_path / 'nope.wav'},snr=5")
    with pytest.raises(ArhError, match="does not exist"):
        chain.apply(np.ones(100, np.float32), 8000, 0, "a")
