"""Additive noise lands at the requested SNR (within 0.1 dB) or level, for every kind."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from core.degrade import noise_gen, parse_spec
from core.errors import ArhError

from .conftest import harmonic_tone


def _measured_snr(x, y):
    x64 = x.astype(np.float64)
    n = y.astype(np.float64) - x64
    return 10 * np.log10(np.sum(x64 ** 2) / np.sum(n ** 2))


@pytest.fixture
def fake_speech(monkeypatch):
    """Babble material for 16 kHz without the default corpus: harmonic 'utterances'."""
    material = [harmonic_tone(16000, 0.4 + 0.1 * i, f0=110 + 20 * i, seed=i) for i in range(8)]
    monkeypatch.setitem(noise_gen._BABBLE_MATERIAL, 16000, material)
    return material


@pytest.mark.parametrize("kind", ["white", "pink", "brown", "hum", "crackle", "babble", "file"])
@pytest.mark.parametrize("snr", [-5.0, 0.0, 10.0, 30.0])
def test_noise_snr_is_exact(kind, snr, fake_speech, tmp_path):
    sr = 16000
    x = harmonic_tone(sr, 0.8)
    extra = ""
    if kind == "file":
        path = tmp_path / "n.wav"
        sf.write(path, np.random.default_rng(3).standard_normal(5000) * 0.05, sr)
        extra = f",file={path}"
    y = parse_spec(f"noise:kind={kind},snr={snr}{extra}").apply(x, sr, 7, "item")
    assert abs(_measured_snr(x, y) - snr) < 0.1


@pytest.mark.parametrize("spec", ["hum:freq=50,snr=12", "hum:freq=60,harmonics=3,snr=12", "crackle:density=5,snr=12"])
def test_hum_and_crackle_snr_is_exact(spec):
    x = harmonic_tone(16000, 1.0)
    assert abs(_measured_snr(x, parse_spec(spec).apply(x, 16000, 0, "a")) - 12) < 0.1


@pytest.mark.parametrize("level", [-60.767, -30.0, -10.0])
def test_noise_level_is_exact_dbfs_rms(level):
    x = np.zeros(48000, np.float32)  # level works on silence, too
    y = parse_spec(f"noise:kind=white,level={level}").apply(x, 48000, 0, "a")
    rms = np.sqrt(np.mean(y.astype(np.float64) ** 2))
    assert 20 * np.log10(rms) == pytest.approx(level, abs=0.01)


def test_film_noise_level_is_30_rms_on_16_bit_scale():
    y = parse_spec("aksoy-film-1000").apply(np.zeros(48000, np.float32), 48000, 0, "a")
    rms16 = np.sqrt(np.mean(y.astype(np.float64) ** 2)) * 32768
    assert rms16 == pytest.approx(30.0, rel=1e-3)


@pytest.mark.parametrize("spec", ["noise:kind=white,snr=10", "hum:snr=3", "crackle:snr=3"])
def test_snr_on_silence_is_a_clear_error(spec):
    with pytest.raises(ArhError) as e:
        parse_spec(spec).apply(np.zeros(1000, np.float32), 16000, 0, "quiet")
    assert "silent" in str(e.value) and "level=" in str(e.value) and "quiet" in str(e.value)


@pytest.mark.parametrize("gen", ["white", "pink", "brown"])
def test_generators_zero_mean_unit_rms(gen):
    v = getattr(noise_gen, gen)(12345, np.random.default_rng(0))
    assert v.dtype == np.float32 and v.shape == (12345,)
    assert abs(float(v.mean())) < 1e-6
    assert np.sqrt(np.mean(v.astype(np.float64) ** 2)) == pytest.approx(1.0, abs=1e-5)


def test_generator_spectra_have_their_slopes():
    rng = np.random.default_rng(1)
    sr = 16000

    def slope(v):  # dB per octave between 200-400 Hz and 1600-3200 Hz
        p = np.abs(np.fft.rfft(v.astype(np.float64))) ** 2
        f = np.fft.rfftfreq(v.size, 1 / sr)
        lo = p[(f >= 200) & (f < 400)].mean()
        hi = p[(f >= 1600) & (f < 3200)].mean()
        return 10 * np.log10(hi / lo) / 3

    assert abs(slope(noise_gen.white(sr * 4, rng))) < 0.5
    assert slope(noise_gen.pink(sr * 4, rng)) == pytest.approx(-3.0, abs=0.5)
    assert slope(noise_gen.brown(sr * 4, rng)) == pytest.approx(-6.0, abs=0.7)


def test_hum_crackle_babble_generators(fake_speech):
    rng = np.random.default_rng(2)
    h = noise_gen.hum(16000, 16000, freq=60.0, harmonics=3)
    assert np.sqrt(np.mean(h.astype(np.float64) ** 2)) == pytest.approx(1.0, abs=1e-5)
    p = np.abs(np.fft.rfft(h)) ** 2
    assert set(np.argsort(p)[-3:]) == {60, 120, 180}  # 1 Hz bins
    c = noise_gen.crackle(16000, 16000, rng, density=10)
    assert np.sqrt(np.mean(c.astype(np.float64) ** 2)) == pytest.approx(1.0, abs=1e-5)
    assert np.mean(np.abs(c) > 0.5) < 0.2  # sparse: mostly near zero
    b = noise_gen.babble(20000, 16000, rng, talkers=4, speech=fake_speech)
    assert b.shape == (20000,) and np.sqrt(np.mean(b.astype(np.float64) ** 2)) == pytest.approx(1.0, abs=1e-5)


def test_babble_uses_the_default_corpus_or_says_what_to_do(monkeypatch):
    import importlib.util

    monkeypatch.delitem(noise_gen._BABBLE_MATERIAL, 16000, raising=False)
    try:
        available = importlib.util.find_spec("core.datasets.default.speech") is not None
    except ModuleNotFoundError:
        available = False
    if available:
        b = noise_gen.babble(4000, 16000, np.random.default_rng(0))
        assert b.shape == (4000,) and np.sqrt(np.mean(b.astype(np.float64) ** 2)) == pytest.approx(1.0, abs=1e-5)
    else:
        with pytest.raises(ArhError, match="file="):
            noise_gen.babble(100, 16000, np.random.default_rng(0))
    with pytest.raises(ArhError, match="no non-silent"):
        noise_gen.babble(100, 16000, np.random.default_rng(0), speech=[np.zeros(10)])
