import numpy as np
import pytest

from core.datasets.default.noises import NOISE_KINDS, NOISE_RATE, make_noise
from core.errors import UnknownNameError


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_each_noise_kind(kind):
    x = make_noise(kind, seconds=0.5)
    assert x.dtype == np.float32 and len(x) == NOISE_RATE // 2
    assert np.isfinite(x).all() and abs(np.abs(x).max() - 10 ** (-3 / 20)) < 1e-4
    assert np.array_equal(x, make_noise(kind, seconds=0.5))


def test_unknown_noise():
    with pytest.raises(UnknownNameError, match="Did you mean 'pink'"):
        make_noise("pinkk")
