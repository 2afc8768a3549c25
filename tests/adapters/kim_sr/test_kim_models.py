"""The kim-* networks: shapes, identity start, receptive field, chunked inference, overfitting a batch."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from adapters.kim_sr.adapter import KimDRRN, KimProposed, KimResNet  # noqa: E402
from adapters.kim_sr.infer import restore_signal  # noqa: E402
from adapters.kim_sr.models import build_model, count_params  # noqa: E402
from core.errors import ArhError  # noqa: E402

ADAPTERS = [KimResNet, KimDRRN, KimProposed]


def _randomize_exit(model):
    """Give the zero-initialised last convolution weights, so the network is not the identity."""
    torch.manual_seed(3)
    for name, p in model.named_parameters():
        if name.startswith(("tail", "exit")):
            p.data.normal_(0, 0.05)
    return model


@pytest.mark.parametrize("cls", ADAPTERS, ids=lambda c: c.name)
def test_shapes_and_identity_at_init(cls):
    torch.manual_seed(0)
    model = build_model(cls.arch, cls.config("tiny")).eval()
    for n in (2000, 1999, 37):
        x = torch.randn(2, 1, n)
        y = model(x)
        assert y.shape == x.shape
        assert torch.equal(y, x)  # last conv starts at zero: untrained model is the identity


@pytest.mark.parametrize("cls", ADAPTERS, ids=lambda c: c.name)
def test_receptive_radius_is_exact(cls):
    model = _randomize_exit(build_model(cls.arch, cls.config("tiny"))).eval().double()
    x = torch.zeros(1, 1, 401, dtype=torch.float64)
    base = model(x)
    x[0, 0, 200] = 1.0
    changed = torch.nonzero((model(x) - base).abs()[0, 0] > 0).flatten()
    r = model.receptive_radius
    assert changed.min().item() >= 200 - r and changed.max().item() <= 200 + r
    assert changed.max().item() - changed.min().item() == 2 * r  # the bound is reached


@pytest.mark.parametrize("cls", ADAPTERS, ids=lambda c: c.name)
def test_chunked_restore_equals_whole_signal(cls):
    model = _randomize_exit(build_model(cls.arch, cls.config("tiny"))).eval()
    x = np.random.default_rng(0).uniform(-0.5, 0.5, 5003).astype(np.float32)
    with torch.no_grad():
        whole = model(torch.from_numpy(x)[None, None])[0, 0].numpy()
    for chunk, batch in ((700, 3), (5003, 1), (10000, 4)):
        got = restore_signal(model, x, chunk, batch, torch.device("cpu"))
        assert got.shape == x.shape
        np.testing.assert_allclose(got, whole, atol=1e-5)


def test_default_parameter_counts():
    assert KimResNet.param_count() == 628_993
    assert KimDRRN.param_count() == 77_505
    assert KimProposed.param_count() == 520_129
    # DRRN shares unit weights: more recursion adds normalisation parameters only
    deeper = count_params(build_model("drrn", KimDRRN.config("default", {"units": 25})))
    assert deeper - KimDRRN.param_count() == 16 * 2 * 2 * 64


def test_bad_sizes_are_rejected():
    with pytest.raises(ArhError, match="odd"):
        build_model("resnet", KimResNet.config("tiny", {"kernel": 8}))
    with pytest.raises(ArhError, match="power of two"):
        build_model("proposed", KimProposed.config("tiny", {"branches": 3}))


@pytest.mark.parametrize("cls", ADAPTERS, ids=lambda c: c.name)
def test_a_few_steps_on_a_fixed_batch_reduce_mse(cls):
    """Honest overfit check on one batch of (degraded, clean) windows."""
    torch.manual_seed(0)
    model = build_model(cls.arch, cls.config("tiny"))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    t = torch.arange(2000) / 44100
    clean = torch.stack([0.3 * torch.sin(2 * torch.pi * f * t) for f in (440.0, 1234.0, 3000.0, 7000.0)])[:, None]
    degraded = clean + 0.05 * torch.randn(clean.shape)
    losses = []
    for _ in range(25):
        loss = torch.nn.functional.mse_loss(model(degraded), clean)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0], losses
