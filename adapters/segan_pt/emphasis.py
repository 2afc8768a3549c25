"""SEGAN's signal conditioning, numpy only: pre-/de-emphasis and upstream's int16 scaling.

Matches upstream ``data_loader.pre_emph`` (first sample kept, ``x[n] - c x[n-1]``
in float32), ``data_loader.de_emph`` (``y[n] = c y[n-1] + x[n]``) and the
``(2/65535) (v - 32767) + 1`` mapping of 16-bit samples ``v`` in ``main.py`` and
``read_and_decode``.
"""

from __future__ import annotations

import numpy as np

INPUT_SCALES = ("float", "upstream_int16")


def pre_emphasis(x: np.ndarray, coeff: float) -> np.ndarray:
    """Pre-emphasis along the last axis (float32), identity when ``coeff <= 0``."""
    x = np.asarray(x, dtype=np.float32)
    if coeff <= 0:
        return x.copy()
    y = np.empty_like(x)
    y[..., :1] = x[..., :1]
    y[..., 1:] = x[..., 1:] - np.float32(coeff) * x[..., :-1]
    return y


def de_emphasis(y: np.ndarray, coeff: float) -> np.ndarray:
    """Inverse of :func:`pre_emphasis` along the last axis (IIR in float64, returned as float32)."""
    from scipy.signal import lfilter  # scipy.signal is slow to import; only restore needs it

    y = np.asarray(y, dtype=np.float32)
    if coeff <= 0:
        return y.copy()
    return lfilter([1.0], [1.0, -float(coeff)], y.astype(np.float64), axis=-1).astype(np.float32)


def upstream_int16_scale(x: np.ndarray) -> np.ndarray:
    """Map float samples read as ``v / 32768`` to upstream's ``(2 v + 1) / 65535`` (v = 16-bit integer).

    Differs from ``v / 32768`` by a 1/65535 offset and a 65536/65535 gain; use it
    to feed the model exactly what upstream feeds it for 16-bit input.
    """
    v = np.clip(np.round(np.asarray(x, dtype=np.float64) * 32768.0), -32768, 32767).astype(np.float32)
    # float32 arithmetic with float32 constants, as numpy 1.x evaluates upstream's expression
    return np.float32(2.0 / 65535.0) * (v - np.float32(32767.0)) + np.float32(1.0)


def condition(x: np.ndarray, input_scale: str, coeff: float) -> np.ndarray:
    """Input scaling then pre-emphasis, as upstream does before the generator."""
    if input_scale == "upstream_int16":
        x = upstream_int16_scale(x)
    elif input_scale != "float":
        raise ValueError(f"input_scale {input_scale!r} is not one of {INPUT_SCALES}")
    return pre_emphasis(x, coeff)
