"""Which training windows form batch number k: a pure function of (seed, k), so runs resume exactly."""

from __future__ import annotations

import numpy as np

from core.hashing import rng_for


def batches_per_pass(num_windows: int, batch_size: int) -> int:
    """Full batches in one pass over the data (the last partial batch is dropped, as in SEGAN);
    at least 1 when there are fewer windows than a batch."""
    return max(1, num_windows // batch_size)


def batch_indices(num_windows: int, batch_size: int, k: int, seed: int, name: str) -> np.ndarray:
    """Window indices of global batch ``k``: pass ``k // per_pass`` uses its own seeded permutation.

    When there are fewer windows than ``batch_size``, the batch repeats windows
    (sampled without bias from the permutation) so its size stays fixed.
    """
    per_pass = batches_per_pass(num_windows, batch_size)
    p, pos = divmod(k, per_pass)
    perm = rng_for(seed, f"{name}:pass{p}", "batches").permutation(num_windows)
    if num_windows >= batch_size:
        return perm[pos * batch_size:(pos + 1) * batch_size]
    return np.resize(perm, batch_size)
