"""Deterministic train/valid/test splits by stable hash, with a minimum of one item per split.

Groups (e.g. all segments of one file) are ordered by a stable hash of their key
and cut into consecutive runs whose sizes follow the fractions (largest
remainder), each split with a non-zero fraction getting at least one group as
soon as there are enough groups. Adding or removing groups can move others
between splits; the same set of groups always gives the same split.
"""

from __future__ import annotations

import math

from core.datasets.manifest import SPLITS
from core.errors import ArhError
from core.hashing import stable_hash

DEFAULT_FRACTIONS = (0.8, 0.1, 0.1)
# Who gets a group first when there are fewer groups than splits.
PRIORITY = ("train", "test", "valid")


def parse_fractions(value: str | tuple | list | None) -> tuple[float, float, float]:
    """``"0.8,0.1,0.1"`` (train, valid, test) -> normalised floats; checks the values."""
    if value is None:
        return DEFAULT_FRACTIONS
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        nums = tuple(float(p) for p in parts)
    except (TypeError, ValueError):
        raise ArhError(f"bad split fractions {value!r}: give three numbers train,valid,test such as 0.8,0.1,0.1") from None
    if len(nums) != 3 or any(not math.isfinite(f) or f < 0 for f in nums) or sum(nums) <= 0:
        raise ArhError(f"bad split fractions {value!r}: need three non-negative numbers (train,valid,test) "
                       "with a positive sum, such as 0.8,0.1,0.1")
    total = sum(nums)
    return tuple(f / total for f in nums)  # type: ignore[return-value]


def split_counts(n: int, fractions: tuple[float, float, float]) -> dict[str, int]:
    """How many of ``n`` groups go to each split: largest remainder, >= 1 for non-zero fractions."""
    frac = dict(zip(SPLITS, parse_fractions(fractions), strict=True))
    active = [s for s in SPLITS if frac[s] > 0]
    if n < len(active):
        order = [s for s in PRIORITY if s in active]
        return {s: int(s in order[:n]) for s in SPLITS}
    raw = {s: n * frac[s] for s in SPLITS}
    counts = {s: math.floor(raw[s]) for s in SPLITS}
    leftover = n - sum(counts.values())
    for s in sorted(SPLITS, key=lambda s: (-(raw[s] - counts[s]), SPLITS.index(s)))[:leftover]:
        counts[s] += 1
    for s in active:  # every active split gets at least one group, taken from the largest
        if counts[s] == 0:
            donor = max(active, key=lambda d: (counts[d], -SPLITS.index(d)))
            counts[donor] -= 1
            counts[s] = 1
    return counts


def assign_splits(keys: list[str], fractions=DEFAULT_FRACTIONS, salt: str = "split") -> dict[str, str]:
    """Map each distinct group key to ``train``/``valid``/``test`` (independent of the build seed)."""
    unique = sorted(set(keys), key=lambda k: (stable_hash(salt, k), k))
    counts = split_counts(len(unique), fractions)
    out: dict[str, str] = {}
    pos = 0
    for s in SPLITS:
        for k in unique[pos:pos + counts[s]]:
            out[k] = s
        pos += counts[s]
    return out
