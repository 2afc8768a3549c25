"""The metric contract: what a metric declares, how it is called, how it fails.

Every metric compares a reference and an estimate, both float32 1-D arrays at
the same rate. :class:`Metric` checks the inputs, resamples them when the
metric's algorithm is defined only at other rates, runs the computation and
checks the result; anything that makes the value meaningless raises
:class:`MetricFailure` with the reason (never a default number).
"""

from __future__ import annotations

import importlib.metadata
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from core.errors import ArhError
from core.metrics.resample import RESAMPLER, resample_to

# A metric's computation: (reference, estimate, rate in Hz, per-pair cache) -> value.
MetricFn = Callable[[np.ndarray, np.ndarray, int, "PairCache"], float]


class MetricFailure(ArhError):
    """A metric cannot produce a meaningful value for this pair; ``reason`` says why."""

    def __init__(self, metric: str, reason: str):
        self.metric = metric
        self.reason = reason
        super().__init__(f"{metric}: {reason}")


class PairCache:
    """Values shared by the metrics of one (reference, estimate) pair.

    Keys name a quantity and the rate it was computed at, e.g. ``("pesq", "wb", 16000)``;
    the composite measures reuse PESQ, LLR, WSS and segSNR this way, and every
    metric that resamples to one rate shares one resampling. Failures are cached
    too, so a dependent metric fails with the same reason.
    """

    def __init__(self) -> None:
        self._store: dict[tuple, tuple[bool, object]] = {}

    def get(self, key: tuple, compute: Callable[[], object]):
        if key not in self._store:
            try:
                self._store[key] = (True, compute())
            except MetricFailure as e:
                self._store[key] = (False, e)
        ok, value = self._store[key]
        if not ok:
            raise value  # type: ignore[misc]
        return value


def package_version(dist: str) -> str:
    """Installed version of distribution ``dist`` ("not installed" if absent)."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


@dataclass(frozen=True)
class Metric:
    """One registered metric.

    ``rates`` are the input rates the algorithm is defined at (``None``: any
    rate); inputs at other rates are resampled to ``resample_to`` with soxr
    (quality VHQ) before ``fn`` runs. ``implementation`` is a distribution name
    (``pesq``, ``pystoi``) whose installed version is recorded, or ``"arh"`` for
    formulas implemented here (then ``reference`` cites the formula and
    ``formula_version`` changes whenever the computation does).
    """

    name: str
    fn: MetricFn
    higher_is_better: bool
    unit: str
    definition: str  # one line
    implementation: str
    reference: str
    rates: tuple[int, ...] | None = None
    resample_to: int | None = None
    requires_equal_length: bool = True
    requires_nonsilent_reference: bool = True
    ideal: float | None = None  # value for an estimate identical to the reference
    cap: tuple[float, float] | None = None  # values are clamped to this range (see definition)
    default_only_at: tuple[int, ...] | None = None  # restricts the default set (see default_for)
    details: str = ""  # the precise definition: frames, windows, constants, edge cases
    imports: tuple[str, ...] = ()  # modules fn imports lazily (the engine preloads them)
    formula_version: int = 1
    params: dict = field(default_factory=dict)
    notes: str = ""

    def scoring_rate(self, sr: int) -> int:
        """Rate the metric is computed at for inputs at ``sr``."""
        if self.rates is None or sr in self.rates:
            return sr
        assert self.resample_to is not None, f"{self.name}: resample_to is required when rates is set"
        return self.resample_to

    def default_for(self, sr: int) -> bool:
        """Whether the metric belongs to the default set for data at ``sr``.

        Metrics that would have to *upsample* the data are left out (scores of
        band-limited, upsampled audio mislead); a metric with ``default_only_at``
        (pesq_nb) is included only at those rates.
        """
        if self.default_only_at is not None:
            return sr in self.default_only_at
        return self.scoring_rate(sr) <= sr

    def describe(self) -> dict:
        """JSON-able description, stored with every score record."""
        if self.rates is None:
            resampling = "none: computed at the input rate"
        else:
            resampling = (f"inputs at rates other than {', '.join(map(str, self.rates))} Hz are resampled to "
                          f"{self.resample_to} Hz with {RESAMPLER} before scoring")
        d = {
            "name": self.name,
            "definition": self.definition,
            "details": self.details,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "implementation": self.implementation,
            "version": package_version("arh" if self.implementation == "arh" else self.implementation),
            "reference": self.reference,
            "native_rates": list(self.rates) if self.rates is not None else "any",
            "resample_to": self.resample_to,
            "resampling": resampling,
            "requires_equal_length": self.requires_equal_length,
            "ideal": self.ideal,
            "cap": list(self.cap) if self.cap else None,
            "params": dict(self.params),
        }
        if self.implementation == "arh":
            d["formula_version"] = self.formula_version
        if self.notes:
            d["notes"] = self.notes
        return d

    def __call__(self, reference: np.ndarray, estimate: np.ndarray, sr: int,
                 cache: PairCache | None = None) -> float:
        """Score ``estimate`` against ``reference`` (1-D float arrays at ``sr`` Hz)."""
        cache = PairCache() if cache is None else cache
        check_pair(self, reference, estimate, sr)
        rate = self.scoring_rate(sr)
        if rate != sr:
            reference, estimate = cache.get(("resampled", rate), lambda: (
                resample_to(reference, sr, rate), resample_to(estimate, sr, rate)))
        value = float(self.fn(reference, estimate, rate, cache))
        if self.cap is not None and not math.isnan(value):
            value = min(max(value, self.cap[0]), self.cap[1])  # +-inf (identical signals) included
        if not math.isfinite(value):
            raise MetricFailure(self.name, f"computation produced {value} (inputs were finite; "
                                           "report this pair, it is a bug or a degenerate signal)")
        return value

    def is_capped(self, value: float | None) -> bool:
        """True when ``value`` sits on a clamp bound (e.g. SNR of identical signals)."""
        return value is not None and self.cap is not None and value in self.cap


def check_pair(metric: Metric, reference: np.ndarray, estimate: np.ndarray, sr: int) -> None:
    """Raise MetricFailure for inputs the metric cannot score."""
    for role, x in (("reference", reference), ("estimate", estimate)):
        if x.ndim != 1:
            raise MetricFailure(metric.name, f"{role} must be 1-D (mono), got shape {x.shape}")
        if x.size == 0:
            raise MetricFailure(metric.name, f"{role} has 0 samples")
        bad = int(np.count_nonzero(~np.isfinite(x)))
        if bad:
            raise MetricFailure(metric.name, f"{role} contains NaN or Inf ({bad} of {x.size} samples)")
    if sr <= 0:
        raise MetricFailure(metric.name, f"invalid sample rate {sr}")
    if metric.requires_equal_length and reference.size != estimate.size:
        raise MetricFailure(metric.name, (
            f"length mismatch: reference {reference.size} samples, estimate {estimate.size} samples; "
            "sample-wise metrics need equal lengths (score with --align / align=True to compensate a "
            "constant lag and trim both to their overlap)"))
    if metric.requires_nonsilent_reference and not np.any(reference):
        raise MetricFailure(metric.name, "reference is digital silence (all zeros); the metric is undefined")
