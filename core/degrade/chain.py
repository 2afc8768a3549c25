"""A degradation chain: an ordered list of (transform name, kwargs), applied per item.

The chain is data: :meth:`Chain.to_data` and :meth:`Chain.canonical` give the
same text for the same chain, with every default filled in. Step ``i``
(0-based) draws its randomness from
``core.hashing.rng_for(seed, item_id, f"{i}:{name}")``, so an item's output
depends only on (samples, rate, chain, seed, item id).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.degrade.params import ParamError, format_value
from core.degrade.transform import TRANSFORMS, expand_choices
from core.errors import ArhError
from core.hashing import rng_for, stable_hash


class StepError(ArhError):
    """A chain step could not run on an item (wrong rate, silent signal, ...)."""


class Chain:
    """Resolved degradation steps; build with :func:`core.degrade.parse_spec` or :meth:`from_data`."""

    def __init__(self, steps: list[tuple[str, dict[str, Any]]]):
        if not steps:
            raise ArhError("a degradation chain needs at least one step")
        resolved = []
        for i, (name, kwargs) in enumerate(steps):
            t = TRANSFORMS.get(name)
            try:
                resolved.append((name, t.resolve(dict(kwargs))))
            except ParamError as e:
                raise ParamError(f"step {i + 1} ({name}): {e}") from None
        self._steps = resolved

    # ---- data forms -------------------------------------------------------------
    @property
    def steps(self) -> list[tuple[str, dict[str, Any]]]:
        """``[(name, kwargs), ...]`` with every default filled in (copies)."""
        return [(n, {k: (list(v) if isinstance(v, list) else v) for k, v in kw.items()})
                for n, kw in self._steps]

    def to_data(self) -> list[dict[str, Any]]:
        """JSON-able ``[{"name": ..., "kwargs": {...}}, ...]``, defaults filled, stable."""
        return [{"name": n, "kwargs": kw} for n, kw in self.steps]

    @classmethod
    def from_data(cls, data: list[dict[str, Any]]) -> Chain:
        """Inverse of :meth:`to_data` (values are checked again)."""
        try:
            return cls([(d["name"], dict(d.get("kwargs") or {})) for d in data])
        except (TypeError, KeyError) as e:
            raise ArhError(f"degradation chain data must be a list of {{'name', 'kwargs'}} objects: {e}") from None

    def canonical(self) -> str:
        """Canonical spec text: ``name:k=v,... | ...``; parameters in declared order, unset ones left out."""
        parts = []
        for name, kw in self._steps:
            args = ",".join(f"{k}={format_value(v)}" for k, v in kw.items() if v is not None)
            parts.append(f"{name}:{args}" if args else name)
        return " | ".join(parts)

    def digest(self) -> str:
        """Stable hash of the chain's data form (for dataset hashes)."""
        return stable_hash(self.to_data())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Chain) and self.to_data() == other.to_data()

    def __hash__(self) -> int:
        return hash(self.canonical())

    def __len__(self) -> int:
        return len(self._steps)

    def __repr__(self) -> str:
        return f"Chain({self.canonical()!r})"

    __str__ = canonical

    # ---- running ----------------------------------------------------------------
    def check_rate(self, sr: int) -> None:
        """Raise :class:`StepError` if any step cannot run on audio at ``sr`` Hz."""
        if int(sr) != sr or sr <= 0:
            raise ArhError(f"sample rate must be a positive integer in Hz, got {sr!r}")
        for i, (name, kw) in enumerate(self._steps):
            t = TRANSFORMS.get(name)
            if t.check_rate is None:
                continue
            try:
                for variant in expand_choices(kw):
                    t.check_rate(int(sr), variant)
            except ArhError as e:
                raise StepError(f"step {i + 1} ({self._label(i)}) cannot run at {sr} Hz: {e}") from None

    def item_steps(self, seed: int, item_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The concrete steps for one item: per-item choices (``a/b/c``) resolved to one value."""
        return [(name, kw) for name, kw, _ in self._item_plan(seed, item_id)]

    def _item_plan(self, seed: int, item_id: str):
        for i, (name, kw) in enumerate(self._steps):
            rng = rng_for(seed, item_id, f"{i}:{name}")
            concrete = {}
            for k, v in kw.items():  # declared order: the draws are reproducible
                concrete[k] = v[int(rng.integers(len(v)))] if isinstance(v, list) else v
            yield name, concrete, rng

    def apply(self, x: np.ndarray, sr: int, seed: int, item_id: str) -> np.ndarray:
        """Degrade one item: float32 ``(n,)`` at ``sr`` Hz -> float32 ``(n,)``, sample-aligned.

        Raises :class:`StepError` naming the step when a transform cannot run
        (rate too low, SNR on a silent item, ...).
        """
        x = _check_input(x, item_id)
        self.check_rate(sr)
        n = x.shape[0]
        y = x
        for i, (name, kw, rng) in enumerate(self._item_plan(seed, item_id)):
            t = TRANSFORMS.get(name)
            try:
                y = t.func(y, int(sr), rng, **kw)
            except ArhError as e:
                raise StepError(f"item {item_id!r}, step {i + 1} ({self._label(i)}): {e}") from None
            if not (isinstance(y, np.ndarray) and y.dtype == np.float32 and y.shape == (n,)):
                raise RuntimeError(
                    f"bug in transform {name!r}: returned {getattr(y, 'dtype', type(y))} "
                    f"{getattr(y, 'shape', '')}, expected float32 ({n},)"
                )
            if not np.isfinite(y).all():
                raise RuntimeError(f"bug in transform {name!r}: produced NaN or Inf for item {item_id!r}")
        return y

    def _label(self, i: int) -> str:
        name, kw = self._steps[i]
        args = ",".join(f"{k}={format_value(v)}" for k, v in kw.items() if v is not None)
        return f"{name}:{args}" if args else name


def _check_input(x: np.ndarray, item_id: str) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 1:
        raise ArhError(f"item {item_id!r}: degradation needs mono samples of shape (n,), got shape {x.shape}; "
                       "mix down first (core.audio_io.read_audio(mono=True))")
    if x.shape[0] == 0:
        raise ArhError(f"item {item_id!r}: audio has 0 samples")
    if not np.issubdtype(x.dtype, np.floating):
        raise ArhError(f"item {item_id!r}: expected float samples in [-1, 1], got dtype {x.dtype}")
    x = np.ascontiguousarray(x, dtype=np.float32)
    if not np.isfinite(x).all():
        raise ArhError(f"item {item_id!r}: audio contains NaN or Inf samples")
    return x
