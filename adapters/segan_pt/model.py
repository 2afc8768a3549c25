"""SEGAN generator and discriminator (PyTorch), computing what upstream's TensorFlow graph computes.

Tensors are ``(batch, channels, time)``. Upstream works in ``(batch, time,
channels)`` with 2-D ops of width 1; the layouts map one to one (see
``adapters.segan_pt.port``). Details taken from upstream (santi-pdp/segan at
c88a08d) rather than the paper:

- strided convolutions use TF ``'SAME'`` padding: output ``ceil(T / stride)``,
  padding ``max((out - 1) * stride + k - T, 0)`` split as ``floor`` before and
  the rest after (14 before, 15 after for k = 31, stride 2);
- transposed convolutions are TF ``conv2d_transpose`` with ``'SAME'`` padding and
  output length ``2 T``: the full transposed convolution cropped from sample 14;
- PReLU has one alpha per channel, initialised to 0; the leaky alternative is
  ``max(x, 0.3 x)``;
- encoder skips are taken *before* the activation; the decoder concatenates
  ``[activated decoder output, skip]`` in that order; z is concatenated
  *before* the code: ``[z, code]``;
- the discriminator sees ``[clean or enhanced, noisy]`` as its two channels,
  gets Gaussian noise added to its input on every call, uses virtual batch
  norm whose reference batch is the real pair of the same iteration, then a
  width-1 convolution without bias, and a fully connected layer.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from core.errors import ArhError

LEAKY_SLOPE = 0.3


def tf_same_padding(length: int, kernel: int, stride: int) -> tuple[int, int]:
    """(before, after) padding of TF 'SAME' for a strided convolution over ``length`` samples."""
    out = -(-length // stride)
    total = max((out - 1) * stride + kernel - length, 0)
    return total // 2, total - total // 2


def trunc_normal_(t: torch.Tensor, std: float) -> torch.Tensor:
    """TF ``truncated_normal_initializer``: normal with draws beyond 2 std redrawn."""
    return nn.init.trunc_normal_(t, mean=0.0, std=std, a=-2 * std, b=2 * std)


class DownConv(nn.Module):
    """Strided 1-D convolution with TF 'SAME' padding (upstream ``ops.downconv``)."""

    def __init__(self, c_in: int, c_out: int, kernel: int = 31, stride: int = 2, bias: bool = True):
        super().__init__()
        self.kernel, self.stride = kernel, stride
        self.weight = nn.Parameter(trunc_normal_(torch.empty(c_out, c_in, kernel), 0.02))
        self.bias = nn.Parameter(torch.zeros(c_out)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        before, after = tf_same_padding(x.shape[-1], self.kernel, self.stride)
        return F.conv1d(F.pad(x, (before, after)), self.weight, self.bias, stride=self.stride)


class DeConv(nn.Module):
    """Transposed 1-D convolution, output ``stride * T`` samples (upstream ``ops.deconv``)."""

    def __init__(self, c_in: int, c_out: int, kernel: int = 31, stride: int = 2, bias: bool = True):
        super().__init__()
        self.kernel, self.stride = kernel, stride
        self.weight = nn.Parameter(trunc_normal_(torch.empty(c_in, c_out, kernel), 0.02))
        self.bias = nn.Parameter(torch.zeros(c_out)) if bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out_len = x.shape[-1] * self.stride
        before, _ = tf_same_padding(out_len, self.kernel, self.stride)
        full = F.conv_transpose1d(x, self.weight, None, stride=self.stride)
        y = full[..., before:before + out_len]
        return y if self.bias is None else y + self.bias[:, None]


class PReLU(nn.Module):
    """Per-channel PReLU with alphas initialised to 0 (upstream ``ops.prelu``)."""

    def __init__(self, channels: int):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.prelu(x, self.weight)


class Leaky(nn.Module):
    """``max(x, 0.3 x)`` (upstream ``ops.leakyrelu``)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(x, LEAKY_SLOPE)


def _activation(kind: str, channels: int) -> nn.Module:
    if kind == "prelu":
        return PReLU(channels)
    if kind == "leaky":
        return Leaky()
    raise ValueError(f"g_nl must be 'prelu' or 'leaky', got {kind!r}")


class Generator(nn.Module):
    """SEGAN's encoder-decoder G: ``(B, 1, T) -> (B, 1, T)``, z of shape ``(B, depths[-1], T / 2**L)``.

    ``forward(x, z)``; ``z=None`` means zeros (no noise). Parameter names:
    ``enc.i`` (weight ``(out, in, k)``), ``enc_act.i``, ``dec.i`` (weight
    ``(in, out, k)``), ``dec_act.i``.
    """

    def __init__(self, enc_depths: list[int], kernel: int = 31, nl: str = "prelu",
                 bias_downconv: bool = True, bias_deconv: bool = True):
        super().__init__()
        self.enc_depths = list(enc_depths)
        self.num_layers = len(self.enc_depths)
        chans = [1] + self.enc_depths
        self.enc = nn.ModuleList(DownConv(chans[i], chans[i + 1], kernel, 2, bias_downconv)
                                 for i in range(self.num_layers))
        self.enc_act = nn.ModuleList(_activation(nl, c) for c in self.enc_depths)
        dec_depths = self.enc_depths[:-1][::-1] + [1]
        c_in = 2 * self.enc_depths[-1]  # [z, code]
        dec = []
        for i, depth in enumerate(dec_depths):
            dec.append(DeConv(c_in, depth, kernel, 2, bias_deconv))
            if i < len(dec_depths) - 1:
                c_in = depth + self.enc_depths[-(i + 2)]  # [activated output, skip]
        self.dec = nn.ModuleList(dec)
        self.dec_act = nn.ModuleList(_activation(nl, d) for d in dec_depths[:-1])

    def z_shape(self, batch: int, length: int) -> tuple[int, int, int]:
        return batch, self.enc_depths[-1], length // 2 ** self.num_layers

    def forward(self, x: torch.Tensor, z: torch.Tensor | None = None) -> torch.Tensor:
        if x.shape[-1] % 2 ** self.num_layers:
            raise ValueError(f"generator input length {x.shape[-1]} is not a multiple of {2 ** self.num_layers}")
        skips = []
        h = x
        for i, (conv, act) in enumerate(zip(self.enc, self.enc_act, strict=True)):
            h = conv(h)
            if i < self.num_layers - 1:
                skips.append(h)  # upstream stores the skip before the activation
            h = act(h)
        if z is None:
            z = h.new_zeros(h.shape)
        h = torch.cat([z, h], dim=1)
        for i, deconv in enumerate(self.dec):
            h = deconv(h)
            if i < len(self.dec) - 1:
                h = self.dec_act[i](h)
                h = torch.cat([h, skips[-(i + 1)]], dim=1)
            else:
                h = torch.tanh(h)
        return h


class VBN(nn.Module):
    """Virtual batch norm parameters (upstream ``bnorm.VBN``): gamma ~ N(1, 0.02), beta = 0, eps 1e-5."""

    def __init__(self, channels: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.gamma = nn.Parameter(torch.randn(channels) * 0.02 + 1.0)
        self.beta = nn.Parameter(torch.zeros(channels))

    @staticmethod
    def stats(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-channel mean and mean square over batch and time."""
        return x.mean(dim=(0, 2), keepdim=True), x.square().mean(dim=(0, 2), keepdim=True)

    def normalize(self, x: torch.Tensor, mean: torch.Tensor, mean_sq: torch.Tensor) -> torch.Tensor:
        std = torch.sqrt(self.eps + mean_sq - mean.square())
        return (x - mean) / std * self.gamma[None, :, None] + self.beta[None, :, None]


class DBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, kernel: int, bias: bool):
        super().__init__()
        self.conv = DownConv(c_in, c_out, kernel, 2, bias)
        self.vbn = VBN(c_out)


class Discriminator(nn.Module):
    """SEGAN's D: pairs ``(B, 2, T)`` -> logits ``(B, 1)``.

    ``forward(reference, inputs, noise_std, generator)`` runs the reference
    batch (the real pair) first to get the VBN statistics of every layer, then
    each input batch with statistics mixed as ``1/(B+1)`` own + ``B/(B+1)``
    reference; returns one logit tensor per input. Gaussian noise of
    ``noise_std`` is added to every call's input, as upstream does.
    """

    def __init__(self, fmaps: list[int], canvas: int, kernel: int = 31, bias: bool = True):
        super().__init__()
        chans = [2] + list(fmaps)
        self.blocks = nn.ModuleList(DBlock(chans[i], chans[i + 1], kernel, bias) for i in range(len(fmaps)))
        self.logits_conv = nn.Conv1d(fmaps[-1], 1, 1, bias=False)
        trunc_normal_(self.logits_conv.weight.data, 0.02)
        self.fc_in = -(-canvas // 2 ** len(fmaps))
        self.fc = nn.Linear(self.fc_in, 1)
        nn.init.xavier_uniform_(self.fc.weight)  # tf.contrib.layers.fully_connected default
        nn.init.zeros_(self.fc.bias)

    @staticmethod
    def _noisy(x: torch.Tensor, std: float, generator: torch.Generator | None) -> torch.Tensor:
        if std <= 0:
            return x
        noise = torch.randn(x.shape, generator=generator, dtype=x.dtype, device="cpu").to(x.device)
        return x + std * noise

    def forward(self, reference: torch.Tensor, inputs: list[torch.Tensor], noise_std: float = 0.0,
                generator: torch.Generator | None = None) -> list[torch.Tensor]:
        ref = self._noisy(reference, noise_std, generator)
        hs = [self._noisy(x, noise_std, generator) for x in inputs]
        new_coeff = 1.0 / (reference.shape[0] + 1.0)
        for block in self.blocks:
            a_ref = block.conv(ref)
            m_ref, msq_ref = VBN.stats(a_ref)
            ref = F.leaky_relu(block.vbn.normalize(a_ref, m_ref, msq_ref), LEAKY_SLOPE)
            for j, h in enumerate(hs):
                a = block.conv(h)
                m, msq = VBN.stats(a)
                mean = new_coeff * m + (1.0 - new_coeff) * m_ref
                mean_sq = new_coeff * msq + (1.0 - new_coeff) * msq_ref
                hs[j] = F.leaky_relu(block.vbn.normalize(a, mean, mean_sq), LEAKY_SLOPE)
        return [self.fc(self.logits_conv(h)[:, 0, :]) for h in hs]


def build_generator(cfg: dict) -> Generator:
    return Generator(cfg["g_enc_depths"], cfg["kwidth"], cfg["g_nl"], cfg["bias_downconv"], cfg["bias_deconv"])


def build_discriminator(cfg: dict) -> Discriminator:
    return Discriminator(cfg["d_fmaps"], cfg["canvas"], cfg["kwidth"], cfg["bias_d_conv"])


def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def param_counts(cfg: dict) -> dict[str, int]:
    """Trainable parameters of G and D for a configuration (built on the meta device: no memory, no time)."""
    with torch.device("meta"):
        g = build_generator(cfg)
        d = build_discriminator(cfg)
    return {"generator": count_params(g), "discriminator": count_params(d)}


def check_canvas(cfg: dict) -> None:
    """The canvas must halve cleanly through every encoder layer of G and D."""
    for key in ("g_enc_depths", "d_fmaps"):
        n = 2 ** len(cfg[key])
        if cfg["canvas"] % n:
            raise ArhError(f"segan-pt config: canvas {cfg['canvas']} is not a multiple of 2**{len(cfg[key])} = {n} "
                           f"(one halving per entry of {key}); use e.g. canvas = {n * max(1, cfg['canvas'] // n)}")
