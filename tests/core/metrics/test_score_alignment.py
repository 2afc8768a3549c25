"""The alignment guard finds constant lags and length differences, and compensates on request."""

from __future__ import annotations

import numpy as np
import pytest

from core.metrics.alignment import apply_alignment, check_alignment


def _shift(x: np.ndarray, lag: int) -> np.ndarray:
    """Estimate that is ``lag`` samples late (lag > 0) or early (lag < 0), same length."""
    if lag >= 0:
        return np.concatenate([np.zeros(lag, x.dtype), x[: x.size - lag]])
    return np.concatenate([x[-lag:], np.zeros(-lag, x.dtype)])


def test_aligned_noisy_pair_is_ok(speech16k, noisy16k):
    info = check_alignment(speech16k, noisy16k, 16000)
    assert info.ok and info.lag_samples == 0 and info.problems == []
    assert info.max_lag_samples == 1600


@pytest.mark.parametrize("lag", [1, 37, -250, 1500])
def test_constant_lag_is_found(speech16k, noisy16k, lag):
    info = check_alignment(speech16k, _shift(noisy16k, lag), 16000)
    assert info.lag_samples == lag and not info.ok
    assert ("late" if lag > 0 else "early") in info.problems[0]


def test_lag_beyond_the_search_range_is_not_invented(speech16k, noisy16k):
    info = check_alignment(speech16k, _shift(noisy16k, 3000), 16000, max_lag_s=0.05)
    assert abs(info.lag_samples or 0) <= 800


def test_length_difference_is_reported(speech16k):
    longer = np.concatenate([speech16k, np.zeros(160, np.float32)])
    info = check_alignment(speech16k, longer, 16000)
    assert not info.ok and info.lag_samples == 0 and "length differs" in info.problems[0]


def test_unrelated_signals_have_unknown_lag(speech16k):
    noise = np.random.default_rng(0).standard_normal(speech16k.size).astype(np.float32)
    info = check_alignment(speech16k, noise, 16000)
    assert info.lag_samples is None and "unrelated" in info.problems[0]


def test_polarity_inversion_is_flagged(speech16k):
    info = check_alignment(speech16k, -speech16k, 16000)
    assert any("polarity" in p for p in info.problems)


@pytest.mark.parametrize("lag", [25, -25])
def test_apply_alignment_shifts_and_trims_to_the_overlap(speech16k, lag):
    est = _shift(speech16k, lag)
    est = np.concatenate([est, np.ones(10, np.float32)])  # and a longer tail
    ref2, est2, info = apply_alignment(speech16k, est, check_alignment(speech16k, est, 16000))
    assert info.applied and info.applied_lag_samples == lag
    assert ref2.size == est2.size == info.scored_samples
    overlap = slice(0, ref2.size - 30)
    np.testing.assert_array_equal(ref2[overlap], est2[overlap])
    assert info.to_dict()["applied_lag_samples"] == lag
