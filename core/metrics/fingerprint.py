"""Bit error rate between Haitsma-Kalker audio fingerprints (arh's own implementation).

Fingerprint: at 5 kHz, frames of 2048 samples (0.41 s) every 64 samples (overlap
31/32), periodic Hann window, power spectrum summed in 33 bands spaced
logarithmically from 300 to 2000 Hz (band m holds bins with edge_m <= f <
edge_m+1). Bit F(n, m), m = 0..31, is 1 when
E(n,m) - E(n,m+1) - (E(n-1,m) - E(n-1,m+1)) > 0, so each frame after the first
gives 32 bits. BER is the fraction of bits that differ.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from core.metrics.metric import Metric, MetricFailure, PairCache

RATE = 5000
FRAME = 2048
HOP = 64
BANDS = 33
LOW_HZ, HIGH_HZ = 300.0, 2000.0
_CHUNK_FRAMES = 256


def band_matrix() -> np.ndarray:
    """(FRAME/2 + 1, 33) 0/1 matrix mapping rfft bins to bands."""
    edges = LOW_HZ * (HIGH_HZ / LOW_HZ) ** (np.arange(BANDS + 1) / BANDS)
    freqs = np.arange(FRAME // 2 + 1) * RATE / FRAME
    band = np.searchsorted(edges, freqs, side="right") - 1  # edge_m <= f < edge_m+1 -> m
    out = np.zeros((freqs.size, BANDS))
    inside = (band >= 0) & (band < BANDS)
    out[np.nonzero(inside)[0], band[inside]] = 1.0
    return out


def fingerprint_bits(x: np.ndarray) -> np.ndarray:
    """Fingerprint of ``x`` (1-D, 5 kHz): boolean array of shape ``(frames - 1, 32)``."""
    if x.size < FRAME + HOP:
        raise MetricFailure("fingerprint_ber", (
            f"too short for a fingerprint: {x.size} samples at {RATE} Hz, need at least {FRAME + HOP} "
            f"({(FRAME + HOP) / RATE:.2f} s) for two frames"))
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(FRAME) / FRAME)
    bands = band_matrix()
    view = sliding_window_view(np.asarray(x, dtype=np.float64), FRAME)[::HOP]
    energy = []
    for start in range(0, view.shape[0], _CHUNK_FRAMES):
        spec = np.fft.rfft(view[start:start + _CHUNK_FRAMES] * window, axis=1)
        energy.append((spec.real**2 + spec.imag**2) @ bands)
    e = np.concatenate(energy)
    d = e[:, :-1] - e[:, 1:]  # (frames, 32) band-energy differences
    return (d[1:] - d[:-1]) > 0


def fingerprint_ber(reference: np.ndarray, estimate: np.ndarray, sr: int, cache: PairCache) -> float:
    if sr != RATE:
        raise MetricFailure("fingerprint_ber", f"expects {RATE} Hz input, got {sr} (the registry resamples)")
    return float(np.mean(fingerprint_bits(reference) != fingerprint_bits(estimate)))


FINGERPRINT_BER = Metric(
    name="fingerprint_ber",
    definition="Bit error rate between Haitsma-Kalker fingerprints (5 kHz, 33 bands 300-2000 Hz, 32 bits/frame).",
    fn=fingerprint_ber, higher_is_better=False, unit="fraction of bits",
    details=("Bit error rate between Haitsma-Kalker fingerprints: 5 kHz, 2048-sample frames (0.41 s) "
             "every 64 samples (overlap 31/32), Hann window, 33 log-spaced bands 300-2000 Hz, bit "
             "F(n,m) = 1 if E(n,m)-E(n,m+1)-(E(n-1,m)-E(n-1,m+1)) > 0, 32 bits per frame; BER = "
             "fraction of differing bits (0 identical, about 0.5 unrelated)."),
    implementation="arh", reference="Haitsma & Kalker, 'A highly robust audio fingerprinting system', "
                                    "ISMIR 2002",
    rates=(RATE,), resample_to=RATE, ideal=0.0,
    params={"rate": RATE, "frame": FRAME, "hop": HOP, "bands": BANDS, "band_hz": [LOW_HZ, HIGH_HZ],
            "window": "hann (periodic)", "bits_per_frame": BANDS - 1},
)

METRICS = (FINGERPRINT_BER,)
