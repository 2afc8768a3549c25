"""SEGAN's pre-/de-emphasis and upstream's 16-bit scaling."""

from __future__ import annotations

import numpy as np

from adapters.segan_pt.emphasis import condition, de_emphasis, pre_emphasis, upstream_int16_scale


def test_pre_emphasis_keeps_first_sample_and_inverts():
    x = np.random.default_rng(0).uniform(-1, 1, 5000).astype(np.float32)
    p = pre_emphasis(x, 0.95)
    assert p.dtype == np.float32 and p[0] == x[0]
    np.testing.assert_allclose(p[1:], x[1:] - np.float32(0.95) * x[:-1], rtol=0, atol=0)
    np.testing.assert_allclose(de_emphasis(p, 0.95), x, atol=1e-5)
    assert np.array_equal(pre_emphasis(x, 0.0), x) and np.array_equal(de_emphasis(x, 0.0), x)


def test_emphasis_works_per_window_on_stacks():
    w = np.random.default_rng(1).uniform(-1, 1, (3, 100)).astype(np.float32)
    assert np.array_equal(pre_emphasis(w, 0.95)[1], pre_emphasis(w[1], 0.95))


def test_upstream_int16_scaling_maps_full_range_to_plus_minus_one():
    v = np.array([-32768, -1, 0, 1, 32767])
    got = upstream_int16_scale(v / 32768.0)
    np.testing.assert_allclose(got, (2 * v + 1) / 65535.0, atol=1e-7)
    assert got[0] == -1.0 and got[-1] == 1.0


def test_condition_is_scaling_then_pre_emphasis():
    x = (np.arange(-50, 50) / 100.0).astype(np.float32)
    assert np.array_equal(condition(x, "float", 0.95), pre_emphasis(x, 0.95))
    assert np.array_equal(condition(x, "upstream_int16", 0.95), pre_emphasis(upstream_int16_scale(x), 0.95))
