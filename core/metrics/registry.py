"""The metric registry: every metric family module contributes its ``METRICS`` tuple."""

from __future__ import annotations

from core.metrics import (
    composite,
    fingerprint,
    llr,
    lsd,
    pesq_metric,
    snr,
    stoi_metric,
    waveform_error,
    wss,
)
from core.metrics.metric import Metric
from core.registry import Registry

# Order of families = display order of `arh metrics list` and of score tables.
FAMILIES = (pesq_metric, stoi_metric, snr, lsd, waveform_error, llr, wss, composite, fingerprint)

METRICS: Registry[Metric] = Registry("metric")
_ORDER: list[str] = []
for _family in FAMILIES:
    for _metric in _family.METRICS:
        METRICS.add(_metric.name, _metric)
        _ORDER.append(_metric.name)


def get_metric(name: str) -> Metric:
    """The metric called ``name``; unknown names raise UnknownNameError with suggestions."""
    return METRICS.get(name)


def metric_names() -> list[str]:
    """All metric names in display order."""
    return list(_ORDER)


def default_metrics(rates: set[int] | list[int]) -> list[str]:
    """Metrics in the default set for data at every one of ``rates`` (see Metric.default_for)."""
    return [n for n in _ORDER if all(METRICS.get(n).default_for(int(r)) for r in rates)]


def resolve_metrics(spec: str | list[str] | tuple[str, ...] | None, rates: set[int] | list[int]) -> list[str]:
    """Metric names from a comma-separated string or list ("all" = every metric; None = defaults)."""
    if spec is None:
        return default_metrics(rates)
    names = [s.strip() for s in spec.split(",")] if isinstance(spec, str) else list(spec)
    names = [n for n in names if n]
    if names == ["all"]:
        return metric_names()
    for n in names:
        get_metric(n)  # raises with "Did you mean ...?"
    return list(dict.fromkeys(names))


def describe_all() -> dict[str, dict]:
    """name -> JSON-able description of every registered metric."""
    return {n: METRICS.get(n).describe() for n in _ORDER}
