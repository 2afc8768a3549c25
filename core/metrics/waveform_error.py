"""Sample-wise waveform errors: MSE, RMSE and MAE (amplitudes in full scale, [-1, 1])."""

from __future__ import annotations

import numpy as np

from core.metrics.metric import Metric, PairCache


def _diff(reference: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    return np.asarray(reference, dtype=np.float64) - np.asarray(estimate, dtype=np.float64)


def mse(reference, estimate, sr, cache: PairCache) -> float:
    """mean (ref - est)^2."""
    return float(np.mean(_diff(reference, estimate) ** 2))


def rmse(reference, estimate, sr, cache: PairCache) -> float:
    """sqrt(mean (ref - est)^2)."""
    return float(np.sqrt(mse(reference, estimate, sr, cache)))


def mae(reference, estimate, sr, cache: PairCache) -> float:
    """mean |ref - est|."""
    return float(np.mean(np.abs(_diff(reference, estimate))))


_COMMON = dict(implementation="arh", reference="textbook definition", ideal=0.0, higher_is_better=False,
               requires_nonsilent_reference=False)

MSE = Metric(name="mse", fn=mse, unit="full scale^2",
             definition="Mean squared error over samples, mean((ref - est)^2), amplitudes in full scale.",
             **_COMMON)
RMSE = Metric(name="rmse", fn=rmse, unit="full scale",
              definition="Root mean squared error over samples, sqrt(mean((ref - est)^2)).", **_COMMON)
MAE = Metric(name="mae", fn=mae, unit="full scale",
             definition=("Mean absolute error over samples, mean(|ref - est|). The 1-D CNN audio "
                         "super-resolution paper's 'match ratio' is this mean absolute difference."),
             **_COMMON)

METRICS = (MSE, RMSE, MAE)
