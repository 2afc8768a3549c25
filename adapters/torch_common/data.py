"""Training data for the torch adapters: (degraded, clean) windows paired by item id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from adapters.torch_common.windows import frame_windows
from core.errors import ArhError
from core.progress import track


@dataclass
class PairWindows:
    """Aligned window stacks ``(count, width)`` float32 and the item id of each window."""

    degraded: np.ndarray
    clean: np.ndarray
    ids: list[str] = field(default_factory=list)
    seconds: float = 0.0  # audio duration the windows were cut from

    def __len__(self) -> int:
        return int(self.degraded.shape[0])


def load_pair_windows(ctx, split: str, rate: int, window: int, hop: int, pad_short: bool,
                      transform: Callable[[np.ndarray], np.ndarray] | None = None,
                      max_windows: int | None = None) -> PairWindows:
    """Cut every item of ``split`` into windows at ``rate`` Hz (degraded input, clean target).

    ``transform`` maps a window stack to a new one (e.g. SEGAN's pre-emphasis,
    applied per window as upstream does). ``max_windows`` keeps that many
    windows spread evenly over the split (validation).
    """
    deg, cln, ids = [], [], []
    seconds = 0.0
    items = ctx.items(split)
    for item in track(items, f"load {split} windows"):
        x = ctx.load_degraded(item, rate)
        y = ctx.load_clean(item, rate)
        if len(x) != len(y):
            raise ArhError(f"item {item.id!r}: degraded has {len(x)} samples but clean has {len(y)} at {rate} Hz; "
                           "the dataset is not sample-aligned (rebuild it with `arh data build`)")
        seconds += len(x) / rate
        wx = frame_windows(x, window, hop, pad_short)
        wy = frame_windows(y, window, hop, pad_short)
        deg.append(wx)
        cln.append(wy)
        ids.extend([item.id] * len(wx))
    if not ids:
        return PairWindows(np.zeros((0, window), np.float32), np.zeros((0, window), np.float32), [], seconds)
    d = np.concatenate(deg)
    c = np.concatenate(cln)
    if transform is not None:
        d, c = transform(d), transform(c)
    if max_windows is not None and len(d) > max_windows:
        keep = np.unique(np.linspace(0, len(d) - 1, max_windows).round().astype(int))
        d, c, ids = d[keep], c[keep], [ids[i] for i in keep]
    return PairWindows(np.ascontiguousarray(d, np.float32), np.ascontiguousarray(c, np.float32), ids, seconds)


def require_windows(windows: PairWindows, split: str, adapter: str, window: int) -> None:
    """Raise a clear error when a split gave no training windows."""
    if len(windows) == 0:
        raise ArhError(f"adapter {adapter!r}: split {split!r} gave no training windows of {window} samples "
                       "(no items, or every item is shorter than one window); add data to the split or "
                       "use a config with a smaller window (e.g. --config tiny)")
