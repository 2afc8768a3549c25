"""``telephone``: narrow-band telephone channel (8 kHz, 300-3400 Hz, 8-bit mu-law)."""

from __future__ import annotations

import numpy as np
from scipy.signal import butter

from core.degrade.params import Param, ParamError
from core.degrade.resampling import fit_length, resample
from core.degrade.transform import transform
from core.degrade.transforms.filters import run_sos
from core.errors import ArhError

PHONE_RATE = 8000
MU = 255.0


def _validate(kw: dict) -> None:
    if not kw["low"] < kw["high"] < PHONE_RATE / 2:
        raise ParamError(f"need 0 < low < high < {PHONE_RATE // 2} Hz, got low={kw['low']:g}, high={kw['high']:g}")


def _check_rate(sr: int, kw: dict) -> None:
    if sr < PHONE_RATE:
        raise ArhError(f"telephone needs audio at {PHONE_RATE} Hz or more, got {sr} Hz; resample the "
                       f"input to {PHONE_RATE} Hz or higher first, or use lowpass/highpass at this rate")


def mu_law(x: np.ndarray, bits: int) -> np.ndarray:
    """Compress with mu=255, quantize to 2**bits mid-rise levels over [-1, 1], expand (float64)."""
    c = np.sign(x) * np.log1p(MU * np.minimum(np.abs(x), 1.0)) / np.log1p(MU)
    levels = 2 ** bits
    idx = np.clip(np.floor((c + 1.0) * 0.5 * levels), 0, levels - 1)
    c_hat = (idx + 0.5) / levels * 2.0 - 1.0
    return np.sign(c_hat) * np.expm1(np.abs(c_hat) * np.log1p(MU)) / MU


@transform(
    "telephone",
    Param("low", "float", 300.0, "lower band edge in Hz", low=1.0),
    Param("high", "float", 3400.0, "upper band edge in Hz (below 4000)", low=1.0),
    Param("order", "int", 4, "Butterworth band-pass order (zero phase, so doubled in effect)", low=1, high=16),
    Param("bits", "int", 8, "mu-law code word size in bits", low=2, high=16),
    validate=_validate,
    check_rate=_check_rate,
)
def telephone(x, sr, rng, *, low, high, order, bits):
    """Telephone channel: soxr (HQ) to 8000 Hz; Butterworth band-pass `low`-`high` Hz of
    `order`, zero phase (sosfiltfilt); mu-law (mu=255) companding with `bits`-bit mid-rise
    quantization of the compressed value over [-1, 1] (samples clipped to [-1, 1]); soxr back
    to the input rate, cut or zero-padded to the input length."""
    x8 = resample(x, sr, PHONE_RATE).astype(np.float64)
    sos = butter(order, [low, high], btype="bandpass", fs=PHONE_RATE, output="sos")
    band = run_sos(sos, x8, zero_phase=True).astype(np.float64)
    coded = mu_law(band, bits).astype(np.float32)
    return fit_length(resample(coded, PHONE_RATE, sr), x.size)
