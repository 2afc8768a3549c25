"""Cutting signals into windows (training) and chunks (inference), numpy only.

Shapes: signals are ``(n,)`` float32; window stacks are ``(count, width)``.
"""

from __future__ import annotations

import numpy as np

from core.errors import ArhError


def frame_windows(x: np.ndarray, window: int, hop: int, pad_short: bool) -> np.ndarray:
    """Windows of ``window`` samples every ``hop`` samples, complete windows only.

    Like SEGAN's ``make_tfrecords.slice_signal``, a trailing partial window is
    dropped. A signal shorter than one window gives no window, or one
    zero-padded window when ``pad_short``.
    """
    if window <= 0 or hop <= 0:
        raise ArhError(f"window ({window}) and hop ({hop}) must be positive sample counts")
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    if len(x) < window:
        if not pad_short:
            return np.zeros((0, window), np.float32)
        return np.pad(x, (0, window - len(x)))[None, :]
    starts = range(0, len(x) - window + 1, hop)
    return np.stack([x[s:s + window] for s in starts]).astype(np.float32, copy=False)


def chunk_signal(x: np.ndarray, chunk: int) -> np.ndarray:
    """Consecutive chunks of ``chunk`` samples, the last one zero-padded: ``(ceil(n / chunk), chunk)``
    (SEGAN's inference canvases)."""
    if chunk <= 0:
        raise ArhError(f"chunk ({chunk}) must be a positive sample count")
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    count = max(1, -(-len(x) // chunk))
    padded = np.zeros(count * chunk, np.float32)
    padded[:len(x)] = x
    return padded.reshape(count, chunk)


def join_chunks(chunks: np.ndarray, length: int) -> np.ndarray:
    """Inverse of :func:`chunk_signal`: concatenate and cut to ``length``."""
    return np.ascontiguousarray(np.asarray(chunks, dtype=np.float32).reshape(-1)[:length])


def context_spans(length: int, chunk: int, context: int) -> list[tuple[int, int, int, int]]:
    """Spans for chunked inference of a stride-1 network with receptive radius ``context``.

    Returns ``(lo, hi, keep_from, keep_to)`` per chunk: run the network on
    ``x[lo:hi]`` and keep ``out[keep_from:keep_to]``. Context never reaches
    past the signal ends, so the network pads the ends itself, layer by layer,
    exactly as when it runs on the whole signal: the kept pieces concatenated
    equal whole-signal inference. Interior spans all have width
    ``chunk + 2 * context`` (batchable); spans at the ends are shorter.
    """
    if chunk <= 0 or context < 0:
        raise ArhError(f"chunk ({chunk}) must be positive and context ({context}) non-negative")
    spans = []
    for start in range(0, length, chunk):
        end = min(start + chunk, length)
        lo, hi = max(0, start - context), min(length, end + context)
        spans.append((lo, hi, start - lo, end - lo))
    return spans
