"""The harness's metric values agree with the reference packages and with independent formulas."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import solve_toeplitz, toeplitz

from core.audio_io import read_audio
from core.metrics import get_metric
from core.metrics.llr import llr_frames
from core.metrics.resample import resample_to
from core.metrics.wss import critical_band_filters, fft_size, wss_frames


@pytest.fixture
def babble(shared_data):
    d = shared_data / "noise" / "pesq_babble"
    ref, sr = read_audio(d / "speech.wav")
    deg, sr2 = read_audio(d / "speech_bab_0dB.wav")
    assert sr == sr2 == 16000
    return ref, deg, sr


@pytest.mark.parametrize("mode", ["wb", "nb"])
def test_pesq_matches_package_called_directly(babble, mode):
    from pesq import pesq

    ref, deg, sr = babble
    direct = pesq(sr, ref, deg, mode)
    ours = get_metric(f"pesq_{mode}")(ref, deg, sr)
    assert ours == pytest.approx(direct, abs=1e-6)
    assert 1.0 < ours < 2.5  # 0 dB babble is poor, not failed


def test_pesq_nb_at_44k_is_pesq_on_soxr_resampled_8k(speech16k):
    from pesq import pesq

    x = resample_to(speech16k, 16000, 44100)
    y = (x + 0.01 * np.sin(np.arange(x.size) * 0.05)).astype(np.float32)
    direct = pesq(8000, resample_to(x, 44100, 8000), resample_to(y, 44100, 8000), "nb")
    assert get_metric("pesq_nb")(x, y, 44100) == pytest.approx(direct, abs=1e-6)


@pytest.mark.parametrize("extended", [False, True])
def test_stoi_matches_pystoi_called_directly(babble, extended):
    from pystoi import stoi

    ref, deg, sr = babble
    direct = stoi(ref, deg, sr, extended=extended)
    assert get_metric("estoi" if extended else "stoi")(ref, deg, sr) == pytest.approx(direct, abs=1e-9)


def _sisdr_independent(r, e):
    r, e = r - r.mean(), e - e.mean()
    s = np.dot(e, r) / np.dot(r, r) * r
    return 10 * np.log10(np.sum(s**2) / np.sum((e - s) ** 2))


def test_sisdr_matches_two_line_formula(babble, speech16k, noisy16k):
    ref, deg, sr = babble
    for r, e in ((ref, deg), (speech16k, noisy16k)):
        r64, e64 = r.astype(np.float64), e.astype(np.float64)
        assert get_metric("sisdr")(r, e, sr) == pytest.approx(_sisdr_independent(r64, e64), abs=1e-9)


def _frames(x, sr):
    w = round(0.03 * sr)
    hop = w // 4
    win = 0.5 * (1 - np.cos(2 * np.pi * np.arange(1, w + 1) / (w + 1)))
    return [x[i * hop:i * hop + w] * win for i in range(int(len(x) / hop - w / hop))]


def test_llr_matches_lpc_solved_with_scipy(speech16k, noisy16k):
    """Per-frame LLR with LPC from scipy's Toeplitz solver (not our Levinson recursion)."""
    r = speech16k.astype(np.float64)
    e = noisy16k.astype(np.float64)
    expected = []
    for fr, fe in zip(_frames(r, 16000), _frames(e, 16000), strict=True):
        ac_r = np.array([np.dot(fr[: fr.size - k], fr[k:]) for k in range(17)])
        ac_e = np.array([np.dot(fe[: fe.size - k], fe[k:]) for k in range(17)])
        a_r = np.concatenate([[1.0], -solve_toeplitz(ac_r[:16], ac_r[1:])])
        a_e = np.concatenate([[1.0], -solve_toeplitz(ac_e[:16], ac_e[1:])])
        t = toeplitz(ac_r)
        expected.append(np.clip(np.log((a_e @ t @ a_e) / (a_r @ t @ a_r)), 0, 2))
    np.testing.assert_allclose(llr_frames(r, e, 16000), expected, atol=1e-7)


def test_wss_matches_loop_implementation(speech16k, noisy16k):
    """Per-frame WSS from a plain loop over bands (peak search written out band by band)."""
    sr = 16000
    n_fft = fft_size(sr)
    filt = critical_band_filters(sr)
    expected = []
    for fr, fe in zip(_frames(speech16k.astype(np.float64), sr), _frames(noisy16k.astype(np.float64), sr),
                      strict=True):
        levels, weights = [], []
        for f in (fr, fe):
            p = np.abs(np.fft.fft(f, n_fft)[: n_fft // 2]) ** 2
            e = 10 * np.log10(np.maximum(filt @ p, 1e-10))
            s = np.diff(e)
            peak = np.empty(24)
            for i in range(24):
                if s[i] > 0:  # rising: walk right; the reference code keeps the band before the stop
                    n = i
                    while n < 24 and s[n] > 0:
                        n += 1
                    peak[i] = e[n - 1]
                else:  # falling: walk left to the first rise; the band after it is the peak
                    n = i
                    while n >= 0 and s[n] <= 0:
                        n -= 1
                    peak[i] = e[n + 1]
            w = 20 / (20 + e.max() - e[:24]) * 1 / (1 + peak - e[:24])
            levels.append(s)
            weights.append(w)
        w = (weights[0] + weights[1]) / 2
        expected.append(np.sum(w * (levels[0] - levels[1]) ** 2) / np.sum(w))
    np.testing.assert_allclose(wss_frames(speech16k, noisy16k, sr), expected, rtol=1e-9, atol=1e-9)


def test_composites_follow_published_regressions(speech16k, noisy16k):
    from core.metrics import PairCache

    cache = PairCache()
    v = {n: get_metric(n)(speech16k, noisy16k, 16000, cache)
         for n in ("pesq_wb", "llr", "wss", "segsnr", "csig", "cbak", "covl")}
    clamp = lambda x: min(max(x, 1.0), 5.0)  # noqa: E731
    assert v["csig"] == pytest.approx(clamp(3.093 - 1.029 * v["llr"] + 0.603 * v["pesq_wb"] - 0.009 * v["wss"]))
    assert v["cbak"] == pytest.approx(clamp(1.634 + 0.478 * v["pesq_wb"] - 0.007 * v["wss"] + 0.063 * v["segsnr"]))
    assert v["covl"] == pytest.approx(clamp(1.594 + 0.805 * v["pesq_wb"] - 0.512 * v["llr"] - 0.007 * v["wss"]))
