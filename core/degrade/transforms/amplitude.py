"""Amplitude transforms: ``gain``, ``clip`` and ``quantize``."""

from __future__ import annotations

import numpy as np

from core.degrade.params import Param, ParamError
from core.degrade.transform import transform


@transform("gain", Param("db", "float", doc="gain in dB (negative attenuates)", low=-200.0, high=200.0))
def gain(x, sr, rng, *, db):
    """Gain: y = x * 10**(db/20). No clipping (follow with clip to limit)."""
    return (np.asarray(x, dtype=np.float64) * 10.0 ** (db / 20.0)).astype(np.float32)


def _one_of_threshold_percentile(kw: dict) -> None:
    if (kw["threshold"] is None) == (kw["percentile"] is None):
        raise ParamError("give exactly one of threshold=<amplitude, 0 < t <= 1> or "
                         f"percentile=<of |x|, 0 < p <= 100> (got threshold={kw['threshold']}, "
                         f"percentile={kw['percentile']})")


@transform(
    "clip",
    Param("threshold", "float", None, "clipping level as linear amplitude (1.0 = full scale)", low=1e-6, high=1.0),
    Param("percentile", "float", None, "clipping level as this percentile of |x| over the item", low=1e-6, high=100.0),
    validate=_one_of_threshold_percentile,
)
def clip(x, sr, rng, *, threshold, percentile):
    """Hard clipping: y = min(max(x, -t), t) with t = `threshold`, or t = the `percentile`-th
    percentile of |x| over the item (numpy linear interpolation), so that fraction of samples
    stays unclipped."""
    t = threshold if threshold is not None else float(np.percentile(np.abs(x), percentile))
    return np.clip(x, -t, t).astype(np.float32)


@transform(
    "quantize",
    Param("bits", "int", doc="word length in bits (16 = CD)", low=2, high=24),
    Param("dither", "bool", False, "add TPDF dither of +-1 LSB before rounding", per_item=False),
)
def quantize(x, sr, rng, *, bits, dither):
    """Uniform quantization to `bits`-bit two's-complement: step q = 2**-(bits-1);
    y = clip(round((x + d)/q)*q, -1, 1 - q), d = 0, or with dither TPDF noise
    (u1 - u2)*q, u1, u2 ~ U[0, 1) from the item's generator."""
    q = 2.0 ** -(bits - 1)
    x64 = np.asarray(x, dtype=np.float64)
    if dither:
        x64 = x64 + (rng.random(x64.size) - rng.random(x64.size)) * q
    return np.clip(np.round(x64 / q) * q, -1.0, 1.0 - q).astype(np.float32)
