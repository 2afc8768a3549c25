"""Band limits: energy above the cut is at least 40 dB below the in-band energy density."""

from __future__ import annotations

import numpy as np
import pytest

from core.degrade import parse_spec


def _white(sr, seconds=1.0, seed=0):
    return (0.1 * np.random.default_rng(seed).standard_normal(int(sr * seconds))).astype(np.float32)


def _density_db(y, sr, lo, hi):
    """Mean power per DFT bin between lo and hi Hz, in dB."""
    spec = np.abs(np.fft.rfft(y.astype(np.float64))) ** 2
    f = np.fft.rfftfreq(y.size, 1 / sr)
    m = (f >= lo) & (f <= hi)
    return 10 * np.log10(spec[m].mean() + 1e-300)


@pytest.mark.parametrize("cut", [150, 250, 500, 1000, 1500, 2000, 3000])
def test_bandcut_removes_everything_above_the_cut(cut):
    sr = 48000
    y = parse_spec(f"bandcut:cutoff={cut}").apply(_white(sr), sr, 0, "a")
    inband = _density_db(y, sr, 20, cut)
    assert _density_db(y, sr, cut + 1, sr / 2) < inband - 40
    # also on short windows (Hann, 4096) a little above the cut
    seg = y[10000:14096] * np.hanning(4096)
    s = np.abs(np.fft.rfft(seg)) ** 2
    f = np.fft.rfftfreq(4096, 1 / sr)
    assert 10 * np.log10(s[f > cut * 1.1 + 100].mean()) < 10 * np.log10(s[(f > 20) & (f < cut)].mean()) - 40


@pytest.mark.parametrize("spec", ["lowpass:cutoff=4000", "lowpass:cutoff=4000,filter=cheby1,ripple=1",
                                  "lowpass:cutoff=4000,zero_phase=false"])
def test_lowpass_stop_band(spec):
    sr = 16000
    y = parse_spec(spec).apply(_white(sr), sr, 0, "a")
    inband = _density_db(y, sr, 20, 3000)
    # Butterworth order 8 (squared by zero phase): >= 40 dB down from 1.5 x cutoff on
    assert _density_db(y, sr, 6000, 8000) < inband - 40
    assert _density_db(y, sr, 20, 3000) > _density_db(_white(sr), sr, 20, 3000) - 1.0  # pass band kept


def test_highpass_stop_band():
    sr = 16000
    y = parse_spec("highpass:cutoff=1000").apply(_white(sr), sr, 0, "a")
    assert _density_db(y, sr, 1, 600) < _density_db(y, sr, 2000, 7000) - 40


def test_resample_and_telephone_band_limits():
    sr = 16000
    y = parse_spec("resample:rate=8000").apply(_white(sr), sr, 0, "a")
    assert _density_db(y, sr, 4300, 8000) < _density_db(y, sr, 20, 3500) - 40
    t = parse_spec("telephone").apply(_white(sr, seed=1) * 3, sr, 0, "a")
    band = _density_db(t, sr, 500, 3000)
    assert _density_db(t, sr, 4100, 8000) < band - 40
    assert _density_db(t, sr, 1, 100) < band - 20


def test_zero_phase_filters_do_not_shift_the_signal(tone):
    from .conftest import xcorr_lag

    x = tone(16000, 1.0)
    for spec in ["lowpass:cutoff=2000", "bandcut:cutoff=1500", "telephone", "resample:rate=6000"]:
        assert xcorr_lag(parse_spec(spec).apply(x, 16000, 0, "a"), x) == 0, spec
