"""kim-resnet, kim-drrn, kim-proposed: CNN restoration of low-bitrate / down-sampled CD audio (Kim, Ryu, Jeong).

No torch import at module level: the networks are imported inside ``train``/``restore``.
"""

from __future__ import annotations

import time
from typing import ClassVar

from adapters.torch_common.config import check_config
from core.adapter import Adapter
from core.errors import ArhError
from core.progress import Progress

COMMON = {
    # data: raw waveform chunks of 2000 samples at 44.1 kHz, low-quality input, original as target
    "window": 2000, "hop": 2000,
    # network
    "channels": 64, "kernel": 9,
    # training: MSE on the waveform
    "batch_size": 32, "lr": 1e-4, "grad_clip": 0.0, "steps": 20000,
    "valid_every": 500, "save_every": 500, "log_every": 100, "valid_max_windows": 512,
    # inference
    "infer_chunk": 8820, "infer_batch": 16, "checkpoint": "best",
}
TINY = {"channels": 8, "batch_size": 8, "steps": 30, "valid_every": 10, "save_every": 10, "log_every": 10,
        "valid_max_windows": 32}


class KimSR(Adapter):
    """Shared behaviour of the three kim-* adapters (one network each).

    Paper facts reproduced: CD audio (44.1 kHz, mono, 16-bit) whose low-bitrate
    or down-sampled version, brought back to 44.1 kHz, is the input and the
    original the target; 1-D CNNs on raw waveform chunks of 2000 samples; MSE
    loss on the waveform.

    Choices made here (the paper's exact layer sizes were not available to us;
    every one is a config key):

    - Width 64 channels, kernel 9 (a 1-D stand-in for the 3x3 image kernels,
      giving a receptive field of a few ms at 44.1 kHz).
    - kim-resnet: 8 residual blocks (conv, ReLU, conv, + input; no batch norm,
      as EDSR), head and tail convolutions, long skip from the head.
    - kim-drrn: DRRN_B1U9 (1 recursive block of 9 residual units, the 20-layer
      DRRN), shared unit weights, pre-activation (BN, ReLU, conv) as DRRN;
      batch norm per recursion.
    - kim-proposed: 4 parallel residual units on the initial features, summed
      pairwise (4 -> 2), each sum through its own unit, summed (2 -> 1), a final
      unit, one pre-activated convolution to the output.
    - All learn the residual (input added to the output) and start as the
      identity (last convolution initialised to zero).
    - Adam, lr 1e-4, batch 32, 20000 steps (DRRN's SGD with gradient clipping
      at lr 0.1 is unstable on waveforms; ``grad_clip`` is available).
    - Training windows do not overlap (``hop`` = 2000); a file shorter than a
      window is zero-padded to one window.
    - Inference runs the network on chunks of ``infer_chunk`` samples with
      receptive-field context on both sides, which equals whole-file processing.
    - oneDNN CPU kernels stay on (repeatable and about 10x faster than torch's
      native kernels for these shapes); ``ARH_TORCH_ONEDNN=0`` switches them off.
    """

    environment = "torch"
    sample_rate = 44100
    tasks = ("bandwidth", "codec")
    trainable = True
    arch: ClassVar[str]
    arch_keys: ClassVar[tuple[str, ...]]

    # -- configuration ---------------------------------------------------------
    @classmethod
    def model_keys(cls) -> tuple[str, ...]:
        return ("channels", "kernel") + cls.arch_keys

    def resolve_config(self, job) -> dict:
        cfg = check_config(self.name, self.config(job.config), self.configs["default"])
        if cfg["checkpoint"] not in ("best", "latest"):
            raise ArhError(f"{self.name} config: checkpoint {cfg['checkpoint']!r} must be 'best' or 'latest'")
        for key in ("window", "hop", "batch_size", "steps", "infer_chunk", "infer_batch"):
            if int(cfg[key]) < 1:
                raise ArhError(f"{self.name} config: {key} must be a positive integer, got {cfg[key]!r}")
        return cfg

    @classmethod
    def param_count(cls, config: str | dict = "default") -> int:
        """Trainable parameters of the network for a named configuration (or a dict of overrides)."""
        from adapters.kim_sr.models import build_model, count_params

        return count_params(build_model(cls.arch, cls.config(config)))

    # -- train -----------------------------------------------------------------
    def train(self, job, ctx) -> None:
        from adapters.kim_sr.models import count_params
        from adapters.kim_sr.train import KimTraining
        from adapters.torch_common.device import record_device, setup_torch
        from adapters.torch_common.loop import LoopSettings, run_training

        cfg = self.resolve_config(job)
        device = setup_torch(job.device)
        training = KimTraining(ctx, job, cfg, self.arch, device, self.name, self.sample_rate)
        params = count_params(training.model)
        record_device(ctx, device, "train", {"params": params})
        ctx.log(f"{self.name}: {params:,} parameters, receptive radius {training.model.receptive_radius} samples")
        summary = run_training(
            ctx, self.name, cfg, training.parts(),
            LoopSettings(total_steps=training.total_steps, valid_every=cfg["valid_every"],
                         save_every=cfg["save_every"], log_every=cfg["log_every"], model_keys=self.model_keys()),
            extra_record={"params": params, "arch": self.arch, "sample_rate": self.sample_rate},
        )
        ctx.log(f"{self.name}: training finished: {summary}")

    # -- restore ---------------------------------------------------------------
    def load_model(self, ctx, cfg: dict, device):
        """The network from the job's checkpoint folder (``best``, else ``latest``)."""
        from adapters.kim_sr.models import build_model
        from adapters.torch_common.checkpoint import load_job_checkpoint

        ck, eff = load_job_checkpoint(ctx, self.name, cfg, self.model_keys(), expect_adapter=True)
        model = build_model(self.arch, eff)
        model.load_state_dict(ck.module_state("model"), strict=True)
        ctx.log(f"{self.name}: loaded {ck.path.name} (step {ck.step})")
        return model.to(device).eval(), eff, ck

    def restore(self, job, ctx) -> None:
        from adapters.kim_sr.infer import restore_signal
        from adapters.kim_sr.models import count_params
        from adapters.torch_common.device import record_device, setup_torch

        cfg = self.resolve_config(job)
        device = setup_torch(job.device)
        model, eff, ck = self.load_model(ctx, cfg, device)
        record_device(ctx, device, "restore", {"checkpoint": ck.path.name, "checkpoint_step": ck.step,
                                               "params": count_params(model)})
        items = ctx.pending()
        done_before = len(ctx.items()) - len(items)
        if done_before:
            ctx.log(f"{self.name}: {done_before} outputs already exist; restoring the other {len(items)}")
        audio_s, t0 = 0.0, time.monotonic()
        with Progress(len(items), f"restore {self.name}") as progress:
            for item in items:
                x = ctx.load_degraded(item)
                ctx.write_output(item, restore_signal(model, x, int(eff["infer_chunk"]), int(eff["infer_batch"]),
                                                      device))
                audio_s += len(x) / self.sample_rate
                progress.advance()
        wall = time.monotonic() - t0
        if items:
            ctx.log(f"{self.name}: restored {len(items)} items, {audio_s:.1f} s of audio in {wall:.1f} s "
                    f"(real-time factor {audio_s / max(wall, 1e-9):.2f}) on {device}")


class KimResNet(KimSR):
    """Kim et al. 1-D ResNet (image-SR ResNet on raw 44.1 kHz waveforms, global skip)."""

    name = "kim-resnet"
    arch = "resnet"
    arch_keys = ("blocks",)
    configs = {"default": {**COMMON, "blocks": 8}, "tiny": {**TINY, "blocks": 2}}


class KimDRRN(KimSR):
    """Kim et al. 1-D DRRN (recursive residual blocks with shared weights, global skip)."""

    name = "kim-drrn"
    arch = "drrn"
    arch_keys = ("recursive_blocks", "units", "norm")
    configs = {"default": {**COMMON, "recursive_blocks": 1, "units": 9, "norm": "batch"},
               "tiny": {**TINY, "units": 2}}


class KimProposed(KimSR):
    """Kim et al. proposed net (parallel residual units summed pairwise, final unit, conv)."""

    name = "kim-proposed"
    arch = "proposed"
    arch_keys = ("branches", "norm")
    configs = {"default": {**COMMON, "branches": 4, "norm": "batch"}, "tiny": {**TINY, "branches": 2}}
