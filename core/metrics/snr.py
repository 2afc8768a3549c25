"""Signal-to-noise ratios: SNR, segmental SNR and scale-invariant SDR, in dB."""

from __future__ import annotations

import numpy as np

from core.metrics.frames import FRAME_MS, num_frames, windowed_frames
from core.metrics.metric import Metric, MetricFailure, PairCache

# Identical signals have an infinite ratio, which JSON cannot hold. SNR and SI-SDR
# are clamped to +-100 dB: an error 100 dB below the signal is far beneath 16-bit
# quantisation of speech (about 80-90 dB), so a record of exactly 100.0 means
# "numerically identical", and the record says ``capped: true``.
DB_CAP = 100.0
SEGSNR_MIN, SEGSNR_MAX = -10.0, 35.0


def _ratio_db(signal_energy: float, noise_energy: float) -> float:
    if noise_energy == 0.0:
        return np.inf
    if signal_energy == 0.0:
        return -np.inf
    return float(10.0 * np.log10(signal_energy / noise_energy))


def snr_db(reference: np.ndarray, estimate: np.ndarray, sr: int, cache: PairCache) -> float:
    """10 log10(sum ref^2 / sum (ref - est)^2), in float64; +inf for identical signals."""
    r = np.asarray(reference, dtype=np.float64)
    e = np.asarray(estimate, dtype=np.float64)
    return _ratio_db(float(np.dot(r, r)), float(np.sum((r - e) ** 2)))


def sisdr_db(reference: np.ndarray, estimate: np.ndarray, sr: int, cache: PairCache) -> float:
    """Scale-invariant SDR (Le Roux et al. 2019) of zero-mean signals, in dB."""
    r = np.asarray(reference, dtype=np.float64)
    e = np.asarray(estimate, dtype=np.float64)
    r = r - r.mean()
    e = e - e.mean()
    rr = float(np.dot(r, r))
    if rr == 0.0:
        raise MetricFailure("sisdr", "reference is constant (zero after removing its mean)")
    if not np.any(e):
        raise MetricFailure("sisdr", "estimate is constant (zero after removing its mean); SI-SDR is 0/0")
    target = (float(np.dot(e, r)) / rr) * r
    return _ratio_db(float(np.dot(target, target)), float(np.sum((e - target) ** 2)))


def segsnr_frames(reference: np.ndarray, estimate: np.ndarray, sr: int) -> np.ndarray:
    """Per-frame SNR in dB, clamped to [-10, 35] (frame conventions in core.metrics.frames)."""
    if num_frames(reference.size, sr) == 0:
        raise MetricFailure("segsnr", f"shorter than one {FRAME_MS:.0f} ms frame plus one hop "
                                      f"({reference.size} samples at {sr} Hz)")
    rf = windowed_frames(reference, sr)
    ef = windowed_frames(estimate, sr)
    signal = np.sum(rf**2, axis=1)
    noise = np.sum((rf - ef) ** 2, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = 10.0 * np.log10(signal / noise)
    # An error-free frame is +inf (even a silent one: nothing was distorted); a silent
    # reference frame with error is -inf. Both end at the clamps.
    ratio[noise == 0.0] = SEGSNR_MAX
    ratio[(signal == 0.0) & (noise > 0.0)] = SEGSNR_MIN
    return np.clip(ratio, SEGSNR_MIN, SEGSNR_MAX)


def segsnr_db(reference: np.ndarray, estimate: np.ndarray, sr: int, cache: PairCache) -> float:
    return cache.get(("segsnr", sr), lambda: float(np.mean(segsnr_frames(reference, estimate, sr))))


SNR = Metric(
    name="snr",
    definition="10 log10(sum ref^2 / sum (ref - est)^2), clamped to +-100 dB.",
    fn=snr_db, higher_is_better=True, unit="dB",
    details=("10 log10(sum ref^2 / sum (ref - est)^2) over all samples (no mean removal, no scaling); "
             f"clamped to [-{DB_CAP:.0f}, {DB_CAP:.0f}] dB, so identical signals record {DB_CAP:.0f}."),
    implementation="arh", reference="textbook definition", ideal=DB_CAP, cap=(-DB_CAP, DB_CAP),
)

SISDR = Metric(
    name="sisdr",
    definition="Scale-invariant SDR of zero-mean signals (Le Roux 2019), clamped to +-100 dB.",
    fn=sisdr_db, higher_is_better=True, unit="dB",
    details=("Scale-invariant SDR: with zero-mean r and e, s = (<e,r>/<r,r>) r and "
             "SI-SDR = 10 log10(|s|^2 / |e - s|^2); unchanged by scaling the estimate; "
             f"clamped to [-{DB_CAP:.0f}, {DB_CAP:.0f}] dB (identical signals record {DB_CAP:.0f})."),
    implementation="arh", reference="Le Roux, Wisdom, Erdogan, Hershey, ICASSP 2019 (SDR - half-baked or well done?)",
    ideal=DB_CAP, cap=(-DB_CAP, DB_CAP),
)

SEGSNR = Metric(
    name="segsnr",
    definition="Mean per-frame SNR, 30 ms Hann frames, 75% overlap, each clamped to [-10, 35] dB.",
    fn=segsnr_db, higher_is_better=True, unit="dB",
    details=("Segmental SNR as in the Hu & Loizou composite-measure code: 30 ms Hann-windowed frames, "
             "75% overlap, per-frame 10 log10(sum r^2 / sum (r - e)^2) clamped to [-10, 35] dB "
             "(error-free frames count as 35, silent reference frames with error as -10), mean over "
             "all frames."),
    implementation="arh", reference="Hu & Loizou, IEEE TASLP 16(1), 2008; Loizou, Speech Enhancement (2007)",
    ideal=SEGSNR_MAX, params={"frame_ms": FRAME_MS, "overlap": 0.75, "window": "hann (no zero end points)",
                              "clamp_db": [SEGSNR_MIN, SEGSNR_MAX]},
)

METRICS = (SNR, SISDR, SEGSNR)
