"""SEGAN network pieces against upstream's TensorFlow semantics (written out by hand here)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from adapters.segan_pt.adapter import SeganPT  # noqa: E402
from adapters.segan_pt.model import (  # noqa: E402
    DeConv,
    DownConv,
    Generator,
    PReLU,
    build_discriminator,
    build_generator,
    tf_same_padding,
)
from adapters.segan_pt.tf_rmsprop import TFRMSprop  # noqa: E402

SMALL = {"canvas": 1024, "g_enc_depths": [4, 8, 8, 16], "d_fmaps": [4, 8, 8, 16]}


def _tf_same_conv_numpy(x: np.ndarray, w: np.ndarray, stride: int) -> np.ndarray:
    """TF conv2d 'SAME' (cross-correlation) over time, x (C_in, T), w (C_out, C_in, k), loops only."""
    c_in, t = x.shape
    k = w.shape[2]
    out = -(-t // stride)
    total = max((out - 1) * stride + k - t, 0)
    xp = np.concatenate([np.zeros((c_in, total // 2)), x, np.zeros((c_in, total - total // 2))], axis=1)
    y = np.zeros((w.shape[0], out))
    for o in range(out):
        y[:, o] = np.einsum("oik,ik->o", w, xp[:, o * stride:o * stride + k])
    return y


def test_tf_same_padding_matches_tf_rule():
    assert tf_same_padding(16384, 31, 2) == (14, 15)
    assert tf_same_padding(8, 31, 2) == (14, 15)
    assert tf_same_padding(7, 31, 2) == (15, 15)  # odd length: out 4, total 30
    assert tf_same_padding(10, 1, 2) == (0, 0)


@pytest.mark.parametrize("length", [64, 63])
def test_downconv_is_tf_same_convolution(length):
    torch.manual_seed(0)
    conv = DownConv(3, 5, kernel=31, stride=2, bias=False)
    x = torch.randn(3, length)
    got = conv(x[None].double().float())[0].detach().numpy()
    want = _tf_same_conv_numpy(x.numpy().astype(np.float64), conv.weight.detach().numpy().astype(np.float64), 2)
    assert got.shape == want.shape == (5, -(-length // 2))
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_deconv_is_the_adjoint_of_the_same_convolution():
    """TF conv2d_transpose is the gradient (adjoint) of conv2d with the same kernel and padding."""
    torch.manual_seed(1)
    conv = DownConv(3, 6, kernel=31, stride=2, bias=False).double()
    deconv = DeConv(6, 3, kernel=31, stride=2, bias=False).double()
    deconv.weight.data.copy_(conv.weight.data)  # same layout: (conv out = deconv in, conv in = deconv out, k)
    x = torch.randn(2, 3, 40, dtype=torch.float64)
    y = torch.randn(2, 6, 20, dtype=torch.float64)
    lhs = (conv(x) * y).sum()
    rhs = (x * deconv(y)).sum()
    assert deconv(y).shape == x.shape
    assert torch.allclose(lhs, rhs, atol=1e-10)


def test_prelu_is_upstream_formula():
    act = PReLU(4)
    act.weight.data = torch.tensor([0.0, 0.1, -0.5, 2.0])
    x = torch.randn(3, 4, 7)
    alpha = act.weight[None, :, None]
    upstream = torch.relu(x) + alpha * (x - x.abs()) * 0.5
    assert torch.allclose(act(x), upstream, atol=1e-7)
    assert torch.equal(PReLU(5).weight, torch.zeros(5))  # alphas start at 0


@pytest.mark.parametrize("nl,bias", [("prelu", True), ("leaky", False)])
def test_generator_shapes_and_z(nl, bias):
    torch.manual_seed(0)
    cfg = SeganPT.config("tiny", {**SMALL, "g_nl": nl, "bias_downconv": bias, "bias_deconv": bias})
    G = build_generator(cfg)
    x = torch.randn(3, 1, 1024)
    assert G.z_shape(3, 1024) == (3, 16, 64)
    y = G(x, torch.randn(3, 16, 64))
    assert y.shape == x.shape and y.abs().max() <= 1.0  # tanh output
    assert not torch.allclose(G(x, torch.randn(3, 16, 64)), y)  # z matters
    assert torch.equal(G(x, None), G(x, torch.zeros(3, 16, 64)))  # None means zeros
    with pytest.raises(ValueError, match="multiple of 16"):
        G(torch.randn(1, 1, 1000))


def test_generator_concatenation_order():
    """Decoder input 0 is [z, code]; later inputs are [decoder output, encoder skip]."""
    G = Generator([4, 8, 16])
    assert [d.weight.shape[0] for d in G.dec] == [32, 8 + 8, 4 + 4]
    assert [d.weight.shape[1] for d in G.dec] == [8, 4, 1]


def test_discriminator_uses_reference_batch_statistics():
    torch.manual_seed(0)
    D = build_discriminator(SeganPT.config("tiny", SMALL))
    real = torch.randn(4, 2, 1024)
    other = torch.randn(4, 2, 1024) * 3
    (a,) = D(real, [other])
    (b,) = D(real * 0.5, [other])
    assert a.shape == (4, 1)
    assert not torch.allclose(a, b)  # the reference changes the normalisation of other batches
    (c, d) = D(real, [real, other])
    assert torch.allclose(d, a)


def test_parameter_counts_of_the_published_model():
    counts = SeganPT.param_counts("default")
    assert counts == {"generator": 73_100_049, "discriminator": 24_373_081}
    plain = SeganPT.param_counts("upstream-flags")  # leaky ReLU, no biases
    assert plain == {"generator": 73_092_048, "discriminator": 24_370_569}


def test_tf_rmsprop_first_steps():
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    opt = TFRMSprop([w], lr=0.1)
    g = torch.tensor([0.5, -1.0])
    w.grad = g.clone()
    opt.step()
    ms = 0.9 * 1.0 + 0.1 * g**2  # mean square starts at ones
    expected = torch.tensor([1.0, -2.0]) - 0.1 * g / torch.sqrt(ms + 1e-10)
    assert torch.allclose(w.data, expected)
    w.grad = g.clone()
    opt.step()
    ms2 = 0.9 * ms + 0.1 * g**2
    assert torch.allclose(w.data, expected - 0.1 * g / torch.sqrt(ms2 + 1e-10))


def test_a_few_gan_steps_on_a_fixed_batch_reduce_l1():
    """Honest overfit check: the SEGAN update (LSGAN + 100 L1, RMSProp) fits a fixed tiny batch."""
    torch.manual_seed(0)
    cfg = SeganPT.config("tiny", SMALL)
    G, D = build_generator(cfg), build_discriminator(cfg)
    opt_g, opt_d = TFRMSprop(G.parameters(), 2e-3), TFRMSprop(D.parameters(), 2e-3)
    t = torch.arange(1024) / 16000
    clean = (0.3 * torch.sin(2 * torch.pi * 440 * t)).repeat(4, 1, 1)
    noisy = clean + 0.05 * torch.randn(4, 1, 1024)
    l1s = []
    for _ in range(12):
        fake = G(noisy, torch.randn(G.z_shape(4, 1024)))
        real_pair = torch.cat([clean, noisy], 1)
        d_real, d_fake = D(real_pair, [real_pair, torch.cat([fake.detach(), noisy], 1)])
        opt_d.zero_grad()
        ((d_real - 1).square().mean() + d_fake.square().mean()).backward()
        opt_d.step()
        fake = G(noisy, torch.randn(G.z_shape(4, 1024)))
        (d_fake,) = D(real_pair, [torch.cat([fake, noisy], 1)])
        l1 = (fake - clean).abs().mean()
        opt_g.zero_grad()
        ((d_fake - 1).square().mean() + 100 * l1).backward()
        opt_g.step()
        l1s.append(l1.item())
    assert l1s[-1] < 0.6 * l1s[0], l1s
