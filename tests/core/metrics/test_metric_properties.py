"""Invariants every metric must satisfy, and honest failures."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from core.errors import UnknownNameError
from core.metrics import (
    MetricFailure,
    PairCache,
    default_metrics,
    describe_all,
    get_metric,
    metric_names,
)
from core.metrics.registry import resolve_metrics


def test_registry_lists_every_family_with_descriptions():
    names = metric_names()
    assert {"pesq_wb", "pesq_nb", "stoi", "estoi", "sisdr", "snr", "segsnr", "lsd", "mse", "rmse", "mae",
            "llr", "wss", "csig", "cbak", "covl", "fingerprint_ber"} == set(names)
    descs = describe_all()
    json.dumps(descs)  # JSON-able
    for name, d in descs.items():
        assert d["unit"] and d["definition"] and isinstance(d["higher_is_better"], bool), name
        assert d["version"] and d["version"] != "not installed", name
        assert d["resampling"], name
    assert descs["pesq_wb"]["implementation"] == "pesq" and "MOS-LQO" in descs["pesq_wb"]["unit"]
    assert "10 kHz" in descs["stoi"]["details"]
    assert "soxr" in descs["pesq_wb"]["resampling"] and "VHQ" in descs["pesq_wb"]["resampling"]
    assert "pesq_wb" in descs["csig"]["params"]["pesq"]


def test_unknown_metric_suggests_close_names():
    with pytest.raises(UnknownNameError, match="Did you mean 'pesq_wb'"):
        get_metric("pesq_wv")
    with pytest.raises(UnknownNameError):
        resolve_metrics("stoi,sidsr", {16000})


def test_default_set_never_upsamples():
    at8k = default_metrics({8000})
    assert "pesq_nb" in at8k and "pesq_wb" not in at8k and "csig" not in at8k and "llr" in at8k
    at16k = default_metrics({16000})
    assert "pesq_wb" in at16k and "csig" in at16k and "pesq_nb" not in at16k
    assert "pesq_wb" in default_metrics({44100}) and "pesq_wb" not in default_metrics({8000, 16000})


IDEAL = {"pesq_wb": 4.644, "pesq_nb": 4.549, "stoi": 1.0, "estoi": 1.0, "snr": 100.0, "sisdr": 100.0,
         "segsnr": 35.0, "lsd": 0.0, "mse": 0.0, "rmse": 0.0, "mae": 0.0, "llr": 0.0, "wss": 0.0,
         "csig": 5.0, "cbak": 5.0, "covl": 5.0, "fingerprint_ber": 0.0}


def test_identity_gives_the_ideal_value_for_every_metric(speech16k):
    assert set(IDEAL) == set(metric_names())
    cache = PairCache()
    for name in metric_names():
        value = get_metric(name)(speech16k, speech16k.copy(), 16000, cache)
        assert value == pytest.approx(IDEAL[name], abs=2e-3), name
        if get_metric(name).ideal is not None:
            assert get_metric(name).ideal == pytest.approx(IDEAL[name], abs=2e-3), name
    assert get_metric("snr").is_capped(get_metric("snr")(speech16k, speech16k, 16000))


def test_identity_at_8k_uses_native_rates(make_speech):
    x = make_speech(8000, 2.5, seed=3)
    for name in ("pesq_nb", "llr", "wss", "lsd", "fingerprint_ber", "segsnr"):
        assert get_metric(name)(x, x, 8000) == pytest.approx(IDEAL[name], abs=2e-3), name


def test_sisdr_is_scale_invariant_and_snr_is_not(speech16k, make_noisy):
    sisdr, snr = get_metric("sisdr"), get_metric("snr")
    est = make_noisy(speech16k, 20.0)
    base = sisdr(speech16k, est, 16000)
    for g in (0.1, 0.5, 3.0):
        assert sisdr(speech16k, (g * est).astype(np.float32), 16000) == pytest.approx(base, abs=1e-4)
    assert snr(speech16k, (0.5 * est).astype(np.float32), 16000) < snr(speech16k, est, 16000) - 10


@pytest.mark.parametrize("target", [-5.0, 0.0, 10.0, 30.0])
def test_noise_at_known_snr_gives_that_snr_back(speech16k, make_noisy, target):
    noisy = make_noisy(speech16k, target, seed=7)
    assert get_metric("snr")(speech16k, noisy, 16000) == pytest.approx(target, abs=0.1)


@pytest.fixture(scope="module")
def scores_by_snr(speech16k, make_noisy) -> dict[float, dict[str, float]]:
    """Every metric on the test speech with white noise at 0 dB and 20 dB SNR."""
    out = {}
    for snr in (0.0, 20.0):
        noisy, cache = make_noisy(speech16k, snr, seed=4), PairCache()
        out[snr] = {n: get_metric(n)(speech16k, noisy, 16000, cache) for n in metric_names()}
    return out


def test_ranges_on_degraded_speech(scores_by_snr):
    for v in scores_by_snr.values():
        assert 0.0 <= v["llr"] <= 2.0
        assert v["wss"] >= 0.0 and v["lsd"] > 0.0 and 0.0 < v["fingerprint_ber"] < 0.6
        for c in ("csig", "cbak", "covl"):
            assert 1.0 <= v[c] <= 5.0
        assert -10.0 <= v["segsnr"] <= 35.0 and 1.0 <= v["pesq_wb"] < 4.6 and 0 < v["stoi"] < 1


def test_quality_metrics_order_noise_levels(scores_by_snr):
    """More noise is worse for every metric, in its own direction."""
    worse, better = scores_by_snr[0.0], scores_by_snr[20.0]
    for name in metric_names():
        up = get_metric(name).higher_is_better
        assert (better[name] > worse[name]) if up else (better[name] < worse[name]), name


def test_lsd_gain_sensitivity_is_documented(speech16k):
    lsd = get_metric("lsd")
    assert lsd(speech16k, (0.1 * speech16k).astype(np.float32), 16000) == pytest.approx(2.0, abs=0.01)


def test_nan_estimate_fails_every_metric(speech16k):
    bad = speech16k.copy()
    bad[100] = np.nan
    for name in metric_names():
        with pytest.raises(MetricFailure, match="NaN or Inf"):
            get_metric(name)(speech16k, bad, 16000)


def test_length_mismatch_fails_sample_wise_metrics_but_not_pesq(speech16k):
    longer = np.concatenate([speech16k, np.zeros(100, np.float32)])
    for name in metric_names():
        m = get_metric(name)
        if m.requires_equal_length:
            with pytest.raises(MetricFailure, match="length mismatch"):
                m(speech16k, longer, 16000)
        else:
            assert math.isfinite(m(speech16k, longer, 16000))


def test_silent_reference_fails_where_undefined(speech16k):
    silent = np.zeros_like(speech16k)
    for name in ("snr", "sisdr", "pesq_wb", "stoi", "segsnr", "llr"):
        with pytest.raises(MetricFailure, match="silence"):
            get_metric(name)(silent, speech16k, 16000)
    assert get_metric("mse")(silent, speech16k, 16000) > 0  # defined: plain error energy


def test_too_short_for_stoi_is_a_failure_not_1e_minus_5(make_speech):
    x = make_speech(16000, 1.0, seed=5)[:5000]  # 0.31 s: fewer than 30 STOI frames
    with pytest.raises(MetricFailure, match="too short for STOI"):
        get_metric("stoi")(x, x, 16000)


def test_pesq_errors_become_failures_with_the_package_reason(speech16k):
    with pytest.raises(MetricFailure, match="BufferTooShortError"):
        get_metric("pesq_wb")(speech16k[:1000], speech16k[:1000], 16000)
    with pytest.raises(MetricFailure, match="digital silence"):
        get_metric("pesq_wb")(speech16k, np.zeros_like(speech16k), 16000)
    with pytest.raises(MetricFailure, match="NoUtterancesError"):
        get_metric("pesq_wb")(speech16k[:4000], speech16k[:4000], 16000)  # 0.25 s: no utterance found


def test_composite_failure_names_its_component(speech16k):
    with pytest.raises(MetricFailure, match="csig: needs pesq_wb, which failed"):
        get_metric("csig")(speech16k, np.zeros_like(speech16k), 16000)


def test_resampled_metrics_share_one_resampling_per_rate(speech16k, noisy16k):
    cache = PairCache()
    x = get_metric("pesq_wb")(speech16k, noisy16k, 16000, cache)
    assert ("resampled", 16000) not in cache._store  # native rate: nothing resampled
    get_metric("fingerprint_ber")(speech16k, noisy16k, 16000, cache)
    assert ("resampled", 5000) in cache._store
    assert get_metric("pesq_wb")(speech16k, noisy16k, 16000) == x


def test_estoi_is_reproducible_and_leaves_the_global_rng_alone(speech16k, noisy16k):
    """pystoi's ESTOI draws from numpy's global RNG; the metric seeds it and restores the caller's state."""
    np.random.seed(123)
    expected_next = np.random.random()
    np.random.seed(123)
    values = set()
    for _ in range(3):
        junk = [np.empty(n) for n in (3, 17, 101)]  # shift allocations around
        values.add(get_metric("estoi")(speech16k.copy(), noisy16k.copy(), 16000))
        del junk
    assert len(values) == 1
    assert np.random.random() == expected_next
