"""Stable hashes and per-item random generators (never ``hash()`` or pickle)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np


def stable_hash(*parts: object, digest_size: int = 16) -> str:
    """Hex blake2b of the JSON encoding of ``parts`` (stable across runs and machines)."""
    data = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.blake2b(data, digest_size=digest_size).hexdigest()


def seed_for(seed: int, item_id: str, step: str) -> int:
    """64-bit integer seed derived from (global seed, item id, step name)."""
    h = hashlib.blake2b(f"{seed}\x00{item_id}\x00{step}".encode(), digest_size=8)
    return int.from_bytes(h.digest(), "little")


def rng_for(seed: int, item_id: str, step: str) -> np.random.Generator:
    """Generator for one item and one step: results never depend on order or workers."""
    return np.random.default_rng(seed_for(seed, item_id, step))


def file_digest(path: str | Path, chunk: int = 1 << 20) -> str:
    """blake2b hex digest (32 hex chars) of a file's bytes."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def array_digest(x: np.ndarray) -> str:
    """blake2b hex digest of an array's dtype, shape and bytes."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{x.dtype.str}{x.shape}".encode())
    h.update(np.ascontiguousarray(x).tobytes())
    return h.hexdigest()
