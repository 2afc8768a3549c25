"""Log-spectral distance, as defined in the audio super-resolution literature."""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from core.metrics.metric import Metric, MetricFailure, PairCache

POWER_EPS = 1e-10  # added to |X|^2 before log10 (power of float audio in [-1, 1])
_CHUNK_FRAMES = 256  # frames per FFT batch, to bound memory on long files


def lsd_fft_size(sr: int) -> int:
    """STFT size: 2048 at 44.1 kHz scaled by rate, rounded to a power of two (1024 at 16 kHz)."""
    return int(2 ** round(math.log2(2048 * sr / 44100)))


def _log_power(frames: np.ndarray, window: np.ndarray) -> np.ndarray:
    spec = np.fft.rfft(frames * window, axis=1)
    return np.log10(spec.real**2 + spec.imag**2 + POWER_EPS)


def lsd(reference: np.ndarray, estimate: np.ndarray, sr: int, cache: PairCache) -> float:
    """mean over frames of sqrt(mean over bins of (log10 P_ref - log10 P_est)^2)."""
    n = lsd_fft_size(sr)
    hop = n // 4
    if reference.size < n:
        raise MetricFailure("lsd", f"shorter than one STFT frame ({reference.size} < {n} samples at {sr} Hz)")
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)  # periodic Hann
    rv = sliding_window_view(np.asarray(reference, dtype=np.float64), n)[::hop]
    ev = sliding_window_view(np.asarray(estimate, dtype=np.float64), n)[::hop]
    per_frame = []
    for start in range(0, rv.shape[0], _CHUNK_FRAMES):
        d = _log_power(rv[start:start + _CHUNK_FRAMES], window) - _log_power(ev[start:start + _CHUNK_FRAMES], window)
        per_frame.append(np.sqrt(np.mean(d**2, axis=1)))
    return float(np.mean(np.concatenate(per_frame)))


LSD = Metric(
    name="lsd",
    definition="mean_t sqrt(mean_f (log10 P_ref - log10 P_est)^2), STFT 1024 at 16 kHz (2048 at 44.1k), hop n/4.",
    fn=lsd, higher_is_better=False, unit="log10 power (bels)",
    details=("Log-spectral distance: P = |STFT|^2 with a periodic Hann window of n_fft samples "
             "(2048 at 44.1 kHz scaled by rate and rounded to a power of two: 512 at 8 kHz, 1024 at "
             "16-22.05 kHz, 2048 at 44.1-48 kHz), hop n_fft/4, no padding (frames inside the signal "
             f"only); LSD = mean_t sqrt(mean_f (log10(P_ref + {POWER_EPS:g}) - log10(P_est + "
             f"{POWER_EPS:g}))^2) over all bins 0..n_fft/2, without the 10x (dB) factor, as in the "
             "audio super-resolution papers. Not normalised for gain: a gain g on the estimate adds "
             "about |2 log10 g| (a gain error is an error)."),
    implementation="arh", reference="Kuleshov, Enam, Ermon, 'Audio super resolution using neural networks', "
                                    "ICLR workshop 2017 (LSD definition)",
    ideal=0.0, params={"n_fft": "2**round(log2(2048*sr/44100))", "hop": "n_fft/4", "window": "hann (periodic)",
                       "power_eps": POWER_EPS, "gain_normalised": False, "log": "log10, no 10x factor"},
)

METRICS = (LSD,)
