"""Frame conventions of the Hu & Loizou composite-measure code (segSNR, LLR, WSS).

Frames are 30 ms long (``round(0.030 * sr)`` samples), the hop is a quarter of
that (75 % overlap), each frame is multiplied by the Hann window
``0.5 * (1 - cos(2 pi k / (N + 1)))``, k = 1..N (no zero end points), and the
number of frames is ``floor((len - N) / hop)`` (the reference code's count,
which leaves out a last frame that would end exactly on the final sample).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

FRAME_MS = 30.0


def frame_length(sr: int) -> int:
    """Samples in one 30 ms frame at ``sr`` Hz."""
    return int(round(FRAME_MS * sr / 1000.0))


def hop_length(sr: int) -> int:
    return frame_length(sr) // 4


def hann_no_zeros(n: int) -> np.ndarray:
    """The reference code's Hann window of length ``n`` (float64)."""
    k = np.arange(1, n + 1, dtype=np.float64)
    return 0.5 * (1.0 - np.cos(2.0 * np.pi * k / (n + 1)))


def num_frames(length: int, sr: int) -> int:
    n, hop = frame_length(sr), hop_length(sr)
    return max(0, (length - n) // hop)


def windowed_frames(x: np.ndarray, sr: int) -> np.ndarray:
    """Windowed frames of ``x`` as float64, shape ``(num_frames, frame_length)``."""
    n, hop = frame_length(sr), hop_length(sr)
    count = num_frames(x.size, sr)
    if count == 0:
        return np.zeros((0, n))
    view = sliding_window_view(np.asarray(x, dtype=np.float64), n)[: count * hop : hop]
    return view * hann_no_zeros(n)
