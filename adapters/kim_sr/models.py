"""1-D CNNs for audio super-resolution on raw waveforms (Kim, Ryu, Jeong): ResNet, DRRN and the proposed net.

All map ``(B, 1, T) -> (B, 1, T)`` with stride-1 "same" convolutions (odd
kernel, zero padding), learn the residual (the input is added to the output),
and start as the identity: the last convolution is initialised to zero, so an
untrained model returns its input. ``receptive_radius`` is how many samples on
each side influence one output sample; chunked inference with at least that
much context equals whole-signal inference.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from core.errors import ArhError

ARCHS = ("resnet", "drrn", "proposed")


def _conv(c_in: int, c_out: int, kernel: int) -> nn.Conv1d:
    conv = nn.Conv1d(c_in, c_out, kernel, padding=kernel // 2)
    nn.init.kaiming_normal_(conv.weight, mode="fan_in", nonlinearity="relu")
    nn.init.zeros_(conv.bias)
    return conv


def _zero_conv(c_in: int, kernel: int) -> nn.Conv1d:
    conv = nn.Conv1d(c_in, 1, kernel, padding=kernel // 2)
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return conv


def _norm(kind: str, channels: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm1d(channels)
    if kind == "none":
        return nn.Identity()
    raise ArhError(f"kim-* config: norm {kind!r} must be 'batch' or 'none'")


class ResBlock(nn.Module):
    """conv -> ReLU -> conv, plus the block input (EDSR-style, no normalisation)."""

    def __init__(self, channels: int, kernel: int):
        super().__init__()
        self.conv1 = _conv(channels, channels, kernel)
        self.conv2 = _conv(channels, channels, kernel)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv2(F.relu(self.conv1(x)))


class KimResNet(nn.Module):
    """Image-SR ResNet made 1-D: head conv, ``blocks`` residual blocks, a conv, a long skip from the
    head, an output conv, and the global skip from the input."""

    def __init__(self, channels: int, kernel: int, blocks: int):
        super().__init__()
        self.head = _conv(1, channels, kernel)
        self.blocks = nn.Sequential(*[ResBlock(channels, kernel) for _ in range(blocks)])
        self.body_end = _conv(channels, channels, kernel)
        self.tail = _zero_conv(channels, kernel)
        self.receptive_radius = (2 * blocks + 3) * (kernel // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h0 = self.head(x)
        return x + self.tail(self.body_end(self.blocks(h0)) + h0)


class PreActConv(nn.Module):
    """norm -> ReLU -> conv (DRRN's pre-activation layer)."""

    def __init__(self, c_in: int, c_out: int, kernel: int, norm: str):
        super().__init__()
        self.norm = _norm(norm, c_in)
        self.conv = _conv(c_in, c_out, kernel)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.relu(self.norm(x)))


class KimDRRN(nn.Module):
    """DRRN (Tai, Yang, Liu, CVPR 2017) made 1-D.

    ``recursive_blocks`` blocks; each starts with its own conv giving ``h0`` and
    applies ``units`` residual units ``h <- G(h) + h0`` whose two convolutions are
    shared by every unit of the block (normalisation layers are per unit, as
    their statistics differ per recursion). Output: a pre-activated conv to
    one channel plus the input.
    """

    def __init__(self, channels: int, kernel: int, recursive_blocks: int, units: int, norm: str):
        super().__init__()
        self.units = units
        self.entry = nn.ModuleList(
            _conv(1, channels, kernel) if b == 0 else PreActConv(channels, channels, kernel, norm)
            for b in range(recursive_blocks))
        self.conv_a = nn.ModuleList(_conv(channels, channels, kernel) for _ in range(recursive_blocks))
        self.conv_b = nn.ModuleList(_conv(channels, channels, kernel) for _ in range(recursive_blocks))
        self.norm_a = nn.ModuleList(nn.ModuleList(_norm(norm, channels) for _ in range(units))
                                    for _ in range(recursive_blocks))
        self.norm_b = nn.ModuleList(nn.ModuleList(_norm(norm, channels) for _ in range(units))
                                    for _ in range(recursive_blocks))
        self.exit_norm = _norm(norm, channels)
        self.exit = _zero_conv(channels, kernel)
        self.receptive_radius = (recursive_blocks * (1 + 2 * units) + 1) * (kernel // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x
        for b, entry in enumerate(self.entry):
            h0 = entry(h)
            h = h0
            for u in range(self.units):
                a = self.conv_a[b](F.relu(self.norm_a[b][u](h)))
                h = self.conv_b[b](F.relu(self.norm_b[b][u](a))) + h0
        return x + self.exit(F.relu(self.exit_norm(h)))


class ResUnit(nn.Module):
    """DRRN's residual unit with its own weights: ``x + conv(ReLU(norm(conv(ReLU(norm(x))))))``."""

    def __init__(self, channels: int, kernel: int, norm: str):
        super().__init__()
        self.a = PreActConv(channels, channels, kernel, norm)
        self.b = PreActConv(channels, channels, kernel, norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.b(self.a(x))


class KimProposed(nn.Module):
    """The proposed net: ``branches`` residual units in parallel on the initial features, their results
    summed pairwise; each sum goes through its own unit and the pairwise summing repeats until one map
    is left; then a final unit and one convolution to the output, plus the input.

    With ``branches = 4``: 4 parallel units -> 2 sums -> 2 units -> 1 sum -> final unit -> conv.
    """

    def __init__(self, channels: int, kernel: int, branches: int, norm: str):
        super().__init__()
        if branches < 2 or branches & (branches - 1):
            raise ArhError(f"kim-proposed config: branches {branches} must be a power of two >= 2")
        self.entry = _conv(1, channels, kernel)
        levels, n = [], branches
        while n >= 2:
            levels.append(nn.ModuleList(ResUnit(channels, kernel, norm) for _ in range(n)))
            n //= 2
        self.levels = nn.ModuleList(levels)
        self.final = ResUnit(channels, kernel, norm)
        self.exit = PreActConv(channels, 1, kernel, norm)
        nn.init.zeros_(self.exit.conv.weight)
        nn.init.zeros_(self.exit.conv.bias)
        self.receptive_radius = (1 + 2 * len(levels) + 2 + 1) * (kernel // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h0 = self.entry(x)
        maps = [unit(h0) for unit in self.levels[0]]
        maps = [maps[i] + maps[i + 1] for i in range(0, len(maps), 2)]
        for level in self.levels[1:]:
            maps = [unit(m) for unit, m in zip(level, maps, strict=True)]
            maps = [maps[i] + maps[i + 1] for i in range(0, len(maps), 2)]
        return x + self.exit(self.final(maps[0]))


def build_model(arch: str, cfg: dict) -> nn.Module:
    """The network for ``arch`` ("resnet", "drrn", "proposed") sized by ``cfg``."""
    kernel, channels = int(cfg["kernel"]), int(cfg["channels"])
    if kernel < 1 or kernel % 2 == 0:
        raise ArhError(f"kim-{arch} config: kernel {kernel} must be odd (same-length convolutions)")
    if arch == "resnet":
        return KimResNet(channels, kernel, int(cfg["blocks"]))
    if arch == "drrn":
        return KimDRRN(channels, kernel, int(cfg["recursive_blocks"]), int(cfg["units"]), cfg["norm"])
    if arch == "proposed":
        return KimProposed(channels, kernel, int(cfg["branches"]), cfg["norm"])
    raise ArhError(f"unknown kim architecture {arch!r}; expected one of {ARCHS}")


def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
