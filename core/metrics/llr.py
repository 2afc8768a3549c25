"""Log-likelihood ratio (LPC distance) of Hu & Loizou (2008)."""

from __future__ import annotations

import math

import numpy as np

from core.metrics.frames import FRAME_MS, num_frames, windowed_frames
from core.metrics.metric import Metric, MetricFailure, PairCache

LLR_MAX = 2.0
KEEP_FRACTION = 0.95
# Frames whose Levinson recursion breaks down (tonal or nearly silent frames: a
# reflection coefficient reaches +-1) are redone with lag 0 scaled by 1 + 1e-9, a
# white floor 90 dB down; ordinary frames are computed exactly as published.
_WHITE_FLOOR = 1e-9


def lpc_order(sr: int) -> int:
    """LPC order of the reference code: 10 below 10 kHz, 16 above."""
    return 10 if sr < 10000 else 16


def lowest_fraction_mean(values: np.ndarray, fraction: float = KEEP_FRACTION) -> float:
    """Mean of the lowest ``round(fraction * n)`` values (round half up, as in the reference code)."""
    keep = max(1, int(math.floor(values.size * fraction + 0.5)))
    return float(np.mean(np.sort(values)[:keep]))


def autocorrelation(frames: np.ndarray, order: int) -> np.ndarray:
    """Lags 0..order of each frame, shape ``(frames, order + 1)``."""
    n = frames.shape[1]
    return np.stack([np.sum(frames[:, : n - k] * frames[:, k:], axis=1) for k in range(order + 1)], axis=1)


def lpc_from_autocorrelation(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Levinson-Durbin for every row of ``r``; returns (``[1, -a_1, ..., -a_p]`` rows, ok).

    ``ok`` is False for rows where the recursion broke down (|reflection| >= 1 or
    non-finite). Rows with ``r[0] == 0`` (silent frames) get the flat predictor
    ``[1, 0, ..., 0]`` and count as ok.
    """
    frames, p1 = r.shape
    order = p1 - 1
    silent = r[:, 0] <= 0.0
    r = np.where(silent[:, None], np.eye(1, p1), r)
    a = np.zeros((frames, order))
    err = r[:, 0].copy()
    ok = np.ones(frames, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i in range(order):
            acc = r[:, i + 1] - np.sum(a[:, :i] * r[:, i:0:-1], axis=1)
            k = acc / err
            ok &= np.isfinite(k) & (np.abs(k) < 1.0)
            a_prev = a[:, :i].copy()
            a[:, i] = k
            a[:, :i] = a_prev - k[:, None] * a_prev[:, ::-1]
            err = (1.0 - k * k) * err
    return np.concatenate([np.ones((frames, 1)), -a], axis=1), ok


def _robust_lpc(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LPC rows and the autocorrelation actually used (white floor only where needed)."""
    a, ok = lpc_from_autocorrelation(r)
    if not ok.all():
        r = r.copy()
        r[~ok, 0] *= 1.0 + _WHITE_FLOOR
        a[~ok], ok_again = lpc_from_autocorrelation(r[~ok])
        if not ok_again.all():
            raise MetricFailure("llr", f"LPC analysis is singular in {int((~ok_again).sum())} frame(s) "
                                       "even with a -90 dB white floor")
    return a, r


def llr_frames(reference: np.ndarray, estimate: np.ndarray, sr: int) -> np.ndarray:
    """Per-frame LLR, clipped to [0, 2]; frames of digital silence in the reference are left out."""
    if num_frames(reference.size, sr) == 0:
        raise MetricFailure("llr", f"shorter than one {FRAME_MS:.0f} ms frame plus one hop "
                                   f"({reference.size} samples at {sr} Hz)")
    order = lpc_order(sr)
    r_ref = autocorrelation(windowed_frames(reference, sr), order)
    r_est = autocorrelation(windowed_frames(estimate, sr), order)
    active = r_ref[:, 0] > 0.0  # LPC of a silent reference frame is undefined
    if not np.any(active):
        raise MetricFailure("llr", "every reference frame is digital silence")
    r_ref, r_est = r_ref[active], r_est[active]
    a_ref, r_ref = _robust_lpc(r_ref)
    a_est, _ = _robust_lpc(r_est)
    idx = np.abs(np.arange(order + 1)[:, None] - np.arange(order + 1)[None, :])
    toeplitz = r_ref[:, idx]  # (frames, p+1, p+1) autocorrelation matrix of the reference
    num = np.einsum("fj,fjk,fk->f", a_est, toeplitz, a_est)
    den = np.einsum("fj,fjk,fk->f", a_ref, toeplitz, a_ref)
    return np.clip(np.log(num / den), 0.0, LLR_MAX)


def llr_value(reference: np.ndarray, estimate: np.ndarray, sr: int, cache: PairCache) -> float:
    """Mean of the lowest 95 % of per-frame LLRs (cached per pair and rate)."""
    return cache.get(("llr", sr), lambda: lowest_fraction_mean(llr_frames(reference, estimate, sr)))


LLR = Metric(
    name="llr",
    definition="LPC log-likelihood ratio (order 10 at 8k, 16 at 16k), 30 ms frames, clip [0,2], lowest-95% mean.",
    fn=llr_value, higher_is_better=False, unit="LLR (0-2)",
    details=("Log-likelihood ratio log(a_e R_r a_e^T / a_r R_r a_r^T) between LPC vectors of the "
             "estimate (a_e) and reference (a_r), R_r the reference autocorrelation matrix; LPC order "
             "10 at 8 kHz, 16 at 16 kHz; 30 ms Hann frames, 75% overlap (composite-measure "
             "conventions); each frame clipped to [0, 2]; mean of the lowest 95% of frames. Frames "
             "where the reference is digital silence are left out (LPC undefined)."),
    implementation="arh", reference="Hu & Loizou, 'Evaluation of objective quality measures for speech "
                                    "enhancement', IEEE TASLP 16(1), 2008",
    rates=(8000, 16000), resample_to=16000, ideal=0.0,
    params={"lpc_order": {"8000": 10, "16000": 16}, "frame_ms": FRAME_MS, "overlap": 0.75,
            "clip": [0.0, LLR_MAX], "keep_lowest_fraction": KEEP_FRACTION,
            "lag0_white_floor_if_singular": _WHITE_FLOOR},
)

METRICS = (LLR,)
