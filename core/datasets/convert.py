"""Signal conversions for dataset builds: resampling (soxr), downmix, fixed-length windows.

Shapes: mono signals are ``(n,)`` float32; multichannel signals are ``(n, channels)``.
"""

from __future__ import annotations

import numpy as np
import soxr

from core.errors import ArhError

MIN_RATE = 4000  # Hz; below this nothing in the harness makes sense (and soxr ratios get extreme)


def resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    """Resample ``x`` (``(n,)`` or ``(n, ch)``) from ``sr_in`` to ``sr_out`` Hz with soxr VHQ.

    Returns float32; a copy of ``x`` when the rates are equal.
    """
    sr_in, sr_out = int(sr_in), int(sr_out)
    if sr_in <= 0 or sr_out <= 0:
        raise ArhError(f"cannot resample from {sr_in} Hz to {sr_out} Hz: rates must be positive")
    x = np.asarray(x, dtype=np.float32)
    if sr_in == sr_out:
        return x.copy()
    y = soxr.resample(x, sr_in, sr_out, quality="VHQ")
    return np.ascontiguousarray(y, dtype=np.float32)


def to_mono(x: np.ndarray) -> np.ndarray:
    """Average the channels of ``(n, ch)`` to ``(n,)`` float32; ``(n,)`` is returned as float32."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        return x
    if x.ndim != 2:
        raise ArhError(f"expected audio of shape (n,) or (n, channels), got {x.shape}")
    if x.shape[1] == 1:
        return np.ascontiguousarray(x[:, 0])
    return np.ascontiguousarray(x.mean(axis=1, dtype=np.float64).astype(np.float32))


def segment(x: np.ndarray, length: int, hop: int | None = None,
            pad_last: bool = True) -> list[tuple[int, np.ndarray]]:
    """Cut ``x`` (``(n,)``) into windows of ``length`` samples every ``hop`` (default ``length``).

    Returns ``[(start_sample, window), ...]``. A final partial window (audio not
    covered by the full ones, or a signal shorter than ``length``) is zero-padded
    when ``pad_last``, else dropped.
    """
    length = int(length)
    hop = length if hop is None else int(hop)
    if length <= 0 or hop <= 0:
        raise ArhError(f"segment length and hop must be positive (got length={length}, hop={hop})")
    x = np.asarray(x)
    n = len(x)
    out = [(s, x[s:s + length]) for s in range(0, n - length + 1, hop)]
    covered = out[-1][0] + length if out else 0
    if pad_last and covered < n:
        start = out[-1][0] + hop if out else 0
        tail = x[start:]
        out.append((start, np.concatenate([tail, np.zeros(length - len(tail), dtype=x.dtype)])))
    return out


def segment_length(value: str | int | float, rate: int) -> int:
    """Window length in samples from ``16384`` (samples) or ``"2s"`` / ``"0.55s"`` (seconds at ``rate``)."""
    if isinstance(value, (int, np.integer)):
        n = int(value)
    else:
        text = str(value).strip().lower()
        try:
            n = round(float(text[:-1]) * rate) if text.endswith("s") else int(text)
        except ValueError:
            raise ArhError(f"bad segment length {value!r}: give samples (16384) or seconds (2s, 0.55s)") from None
    if n <= 0:
        raise ArhError(f"segment length {value!r} gives {n} samples at {rate} Hz; it must be positive")
    return n
