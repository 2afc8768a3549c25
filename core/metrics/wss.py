"""Weighted spectral slope distance (Klatt 1982) as used by Hu & Loizou (2008)."""

from __future__ import annotations

import numpy as np

from core.metrics.frames import FRAME_MS, frame_length, num_frames, windowed_frames
from core.metrics.llr import KEEP_FRACTION, lowest_fraction_mean
from core.metrics.metric import Metric, MetricFailure, PairCache

K_MAX = 20.0  # Klatt's global-peak weight constant
K_LOCMAX = 1.0  # Klatt's local-peak weight constant
# 25 critical bands: centre frequencies and bandwidths in Hz (published values of the
# composite-measure code, after Klatt 1982).
CENTRE_HZ = np.array([
    50.0, 120.0, 190.0, 260.0, 330.0, 400.0, 470.0, 540.0, 617.372, 703.378, 798.717, 904.128, 1020.38,
    1148.30, 1288.72, 1442.54, 1610.70, 1794.16, 1993.93, 2211.08, 2446.71, 2701.97, 2978.04, 3276.17,
    3597.63])
BANDWIDTH_HZ = np.array([
    70.0, 70.0, 70.0, 70.0, 70.0, 70.0, 70.0, 77.3724, 86.0056, 95.3398, 105.411, 116.256, 127.914,
    140.423, 153.823, 168.154, 183.457, 199.776, 217.153, 235.631, 255.255, 276.072, 298.126, 321.465,
    346.136])
_BANDS = CENTRE_HZ.size


def fft_size(sr: int) -> int:
    """Smallest power of two >= twice the 30 ms frame (1024 at 16 kHz)."""
    return int(2 ** np.ceil(np.log2(2 * frame_length(sr))))


def critical_band_filters(sr: int) -> np.ndarray:
    """Gaussian-shaped band weights over FFT bins 0..n_fft/2-1, shape ``(25, n_fft/2)``.

    Each filter peaks at its centre bin (rounded down), has equal area up to the
    bandwidth normalisation, and is set to zero below its -30 dB point.
    """
    half = fft_size(sr) // 2
    nyquist = sr / 2.0
    bins = np.arange(half)
    centre = np.floor(CENTRE_HZ / nyquist * half)
    width = BANDWIDTH_HZ / nyquist * half
    norm = np.log(BANDWIDTH_HZ[0]) - np.log(BANDWIDTH_HZ)
    filt = np.exp(-11.0 * ((bins[None, :] - centre[:, None]) / width[:, None]) ** 2 + norm[:, None])
    floor = np.exp(-30.0 / (2.0 * 2.303))
    return np.where(filt > floor, filt, 0.0)


def _band_db(frames: np.ndarray, sr: int) -> np.ndarray:
    n_fft = fft_size(sr)
    spec = np.fft.fft(frames, n_fft, axis=1)[:, : n_fft // 2]
    energy = (spec.real**2 + spec.imag**2) @ critical_band_filters(sr).T
    return 10.0 * np.log10(np.maximum(energy, 1e-10))


def _nearest_peak(e: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Level of the spectral peak each band's slope leads to, shape ``(frames, 24)``.

    Rising slope: walk right while the slope rises and take the band *before* the
    one where it stops; falling or flat slope: walk left to the first rising
    slope and take the band after it. This reproduces the reference
    implementation's search exactly (including its right-hand convention).
    """
    frames, n = slope.shape
    nxt = np.empty((frames, n + 1), dtype=np.int64)  # first j >= k with slope[j] <= 0, else n
    nxt[:, n] = n
    for k in range(n - 1, -1, -1):
        nxt[:, k] = np.where(slope[:, k] <= 0, k, nxt[:, k + 1])
    prv = np.empty((frames, n), dtype=np.int64)  # last j <= k with slope[j] > 0, else -1
    last = np.full(frames, -1, dtype=np.int64)
    for k in range(n):
        last = np.where(slope[:, k] > 0, k, last)
        prv[:, k] = last
    right = np.take_along_axis(e, nxt[:, :n] - 1, axis=1)
    left = np.take_along_axis(e, prv + 1, axis=1)
    return np.where(slope > 0, right, left)


def wss_frames(reference: np.ndarray, estimate: np.ndarray, sr: int) -> np.ndarray:
    """Per-frame weighted spectral slope distance (>= 0)."""
    if num_frames(reference.size, sr) == 0:
        raise MetricFailure("wss", f"shorter than one {FRAME_MS:.0f} ms frame plus one hop "
                                   f"({reference.size} samples at {sr} Hz)")
    e_ref = _band_db(windowed_frames(reference, sr), sr)
    e_est = _band_db(windowed_frames(estimate, sr), sr)
    s_ref = np.diff(e_ref, axis=1)
    s_est = np.diff(e_est, axis=1)

    def weights(e: np.ndarray, slope: np.ndarray) -> np.ndarray:
        lower = e[:, :-1]
        w_max = K_MAX / (K_MAX + e.max(axis=1, keepdims=True) - lower)
        w_loc = K_LOCMAX / (K_LOCMAX + _nearest_peak(e, slope) - lower)
        return w_max * w_loc

    w = 0.5 * (weights(e_ref, s_ref) + weights(e_est, s_est))
    return np.sum(w * (s_ref - s_est) ** 2, axis=1) / np.sum(w, axis=1)


def wss_value(reference: np.ndarray, estimate: np.ndarray, sr: int, cache: PairCache) -> float:
    """Mean of the lowest 95 % of per-frame WSS values (cached per pair and rate)."""
    return cache.get(("wss", sr), lambda: lowest_fraction_mean(wss_frames(reference, estimate, sr)))


WSS = Metric(
    name="wss",
    definition="Klatt weighted spectral slope, 25 critical bands, Kmax=20, Klocmax=1, lowest-95% mean.",
    fn=wss_value, higher_is_better=False, unit="WSS (dB^2)",
    details=("Weighted spectral slope distance: 30 ms Hann frames, 75% overlap, power spectrum "
             "(FFT of 2^ceil(log2(2 x frame)) points) through 25 Gaussian critical-band filters, band "
             "levels in dB (floor 1e-10), slopes between adjacent bands compared with Klatt's weights "
             "(Kmax=20 global-peak, Klocmax=1 nearest-local-peak, averaged over reference and "
             "estimate), normalised by the weight sum per frame; mean of the lowest 95% of frames."),
    implementation="arh", reference="Klatt, ICASSP 1982; Hu & Loizou, IEEE TASLP 16(1), 2008",
    rates=(8000, 16000), resample_to=16000, ideal=0.0,
    params={"bands": _BANDS, "k_max": K_MAX, "k_locmax": K_LOCMAX, "frame_ms": FRAME_MS, "overlap": 0.75,
            "keep_lowest_fraction": KEEP_FRACTION},
)

METRICS = (WSS,)
