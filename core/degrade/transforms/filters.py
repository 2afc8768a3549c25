"""Band-limiting transforms: ``lowpass``, ``highpass`` (IIR) and ``bandcut`` (FFT brick wall)."""

from __future__ import annotations

import numpy as np
from scipy import fft as sfft
from scipy.signal import butter, cheby1, sosfilt, sosfiltfilt

from core.degrade.params import Param
from core.degrade.transform import transform
from core.errors import ArhError


def _below_nyquist(sr: int, kw: dict) -> None:
    if kw["cutoff"] >= sr / 2:
        raise ArhError(f"cutoff={kw['cutoff']:g} Hz is at or above the Nyquist frequency "
                       f"({sr / 2:g} Hz) of {sr} Hz audio; choose a cutoff below {sr / 2:g} Hz")


def design(kind: str, cutoff: float, sr: int, order: int, filter: str, ripple: float) -> np.ndarray:
    """Second-order sections of a Butterworth or Chebyshev type I ``kind`` (lowpass/highpass) filter."""
    if filter == "butter":
        return butter(order, cutoff, btype=kind, fs=sr, output="sos")
    return cheby1(order, ripple, cutoff, btype=kind, fs=sr, output="sos")


def run_sos(sos: np.ndarray, x: np.ndarray, zero_phase: bool) -> np.ndarray:
    """Filter ``x`` in float64: forward-backward (``sosfiltfilt``, odd extension shortened for
    short inputs) when ``zero_phase``, else causal ``sosfilt``; returns float32."""
    x64 = np.asarray(x, dtype=np.float64)
    if zero_phase:
        padlen = min(3 * (2 * len(sos) + 1), x64.size - 1)
        y = sosfiltfilt(sos, x64, padlen=padlen)
    else:
        y = sosfilt(sos, x64)
    return np.asarray(y, dtype=np.float32)


_IIR_PARAMS = (
    Param("cutoff", "float", doc="cutoff frequency in Hz (-3 dB for butter, ripple edge for cheby1)", low=1e-3),
    Param("order", "int", 8, "filter order (doubled in effect when zero_phase)", low=1, high=32),
    Param("filter", "str", "butter", "butter (Butterworth) or cheby1 (Chebyshev type I)", choices=("butter", "cheby1")),
    Param("ripple", "float", 1.0, "pass-band ripple in dB (cheby1 only)", low=0.01, high=20.0),
    Param("zero_phase", "bool", True, "true: forward-backward filtering (no delay); false: causal", per_item=False),
)


@transform("lowpass", *_IIR_PARAMS, check_rate=_below_nyquist)
def lowpass(x, sr, rng, *, cutoff, order, filter, ripple, zero_phase):
    """Low-pass IIR filter: scipy.signal.butter(order, cutoff, 'lowpass', fs=sr) (or cheby1 with
    `ripple` dB) as second-order sections, applied with sosfiltfilt when zero_phase (magnitude
    response squared, no delay) else sosfilt. Computed in float64."""
    return run_sos(design("lowpass", cutoff, sr, order, filter, ripple), x, zero_phase)


@transform("highpass", *_IIR_PARAMS, check_rate=_below_nyquist)
def highpass(x, sr, rng, *, cutoff, order, filter, ripple, zero_phase):
    """High-pass IIR filter: scipy.signal.butter(order, cutoff, 'highpass', fs=sr) (or cheby1 with
    `ripple` dB) as second-order sections, applied with sosfiltfilt when zero_phase (magnitude
    response squared, no delay) else sosfilt. Computed in float64."""
    return run_sos(design("highpass", cutoff, sr, order, filter, ripple), x, zero_phase)


@transform(
    "bandcut",
    Param("cutoff", "float", doc="Hz; everything above is removed. a/b/c picks one per item "
          "(old-film data: 150/250/500/1000/1500/2000/3000)", low=1e-3),
    check_rate=_below_nyquist,
)
def bandcut(x, sr, rng, *, cutoff):
    """Brick-wall band cut: real FFT of the whole item (length n, float64), every bin with
    frequency k*sr/n > cutoff set to zero, inverse FFT to n samples. Zero phase; the item's
    DFT has exactly no energy above the cut (the filter is circular: ringing near the cut
    frequency spreads over the item and wraps at its ends)."""
    n = x.size
    spec = sfft.rfft(np.asarray(x, dtype=np.float64))
    freqs = np.arange(spec.size) * (sr / n)
    spec[freqs > cutoff] = 0.0
    return np.asarray(sfft.irfft(spec, n), dtype=np.float32)
