"""Objective metrics and the scoring engine.

``core.metrics.registry`` lists the metrics (each declares unit, direction, rates,
implementation and version); ``core.metrics.engine`` scores (reference,
estimate) pairs found by id, in parallel, into versioned JSONL records that
resume; ``core.metrics.cli`` provides ``arh score`` and ``arh metrics list``.
"""

from core.metrics.metric import Metric, MetricFailure, PairCache
from core.metrics.registry import default_metrics, describe_all, get_metric, metric_names

__all__ = ["Metric", "MetricFailure", "PairCache", "default_metrics", "describe_all", "get_metric",
           "metric_names"]
