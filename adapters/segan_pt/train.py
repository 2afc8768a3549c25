"""SEGAN training: least-squares GAN with L1, TF-style RMSProp, D input noise schedule (upstream ``model.py``).

One iteration (``step``) is upstream's: one D update on one batch, then one G
update on the *next* batch (each ``sess.run`` of upstream dequeues its own
batch; ``separate_g_batch=False`` uses one batch for both). Upstream's epoch
counts iterations: ``epoch = step // (windows // batch_size)``.
"""

from __future__ import annotations

import numpy as np
import torch

from adapters.segan_pt.emphasis import condition
from adapters.segan_pt.model import build_discriminator, build_generator
from adapters.segan_pt.tf_rmsprop import TFRMSprop
from adapters.torch_common.batches import batch_indices, batches_per_pass
from adapters.torch_common.data import PairWindows, load_pair_windows, require_windows
from adapters.torch_common.loop import TrainParts
from adapters.torch_common.seeding import make_generator, torch_seed


def noise_std_at(epoch: int, cfg: dict) -> float:
    """D input noise std after ``epoch`` finished epochs (upstream: decay once per epoch from
    ``denoise_epoch`` on, switched off for good once below ``denoise_lbound``)."""
    std = float(cfg["init_noise_std"])
    for e in range(1, epoch + 1):
        if e >= cfg["denoise_epoch"]:
            std *= cfg["noise_decay"]
            if std < cfg["denoise_lbound"]:
                return 0.0
    return std


def l1_weight_at(epoch: int, cfg: dict) -> float:
    """G's L1 weight: ``l1_weight`` until ``l1_remove_epoch``, then 0 (upstream)."""
    return 0.0 if epoch >= cfg["l1_remove_epoch"] else float(cfg["l1_weight"])


def window_transform(cfg: dict):
    """Per-window conditioning of training data (upstream pre-emphasises each 16384-sample record)."""
    return lambda w: condition(w, cfg["input_scale"], cfg["preemph"])


class SeganTraining:
    """G, D, optimizers and data for one training job; ``parts()`` hands them to the shared loop."""

    def __init__(self, ctx, job, cfg: dict, device, name: str = "segan-pt"):
        self.cfg, self.device, self.seed, self.name = cfg, device, job.seed, name
        torch.manual_seed(torch_seed(job.seed, "train", name))
        self.G = build_generator(cfg).to(device)
        self.D = build_discriminator(cfg).to(device)
        self.opt_g = TFRMSprop(self.G.parameters(), cfg["g_lr"], cfg["rmsprop_decay"], 0.0, cfg["rmsprop_epsilon"])
        self.opt_d = TFRMSprop(self.D.parameters(), cfg["d_lr"], cfg["rmsprop_decay"], 0.0, cfg["rmsprop_epsilon"])
        self.noise_gen = make_generator(torch_seed(job.seed, "train-noise", name))
        canvas, rate = cfg["canvas"], 16000
        self.train_data = load_pair_windows(ctx, job.split, rate, canvas, cfg["hop"], False, window_transform(cfg))
        require_windows(self.train_data, job.split, name, canvas)
        self.valid_data = load_pair_windows(ctx, "valid", rate, canvas, cfg["hop"], False, window_transform(cfg),
                                            max_windows=cfg["valid_max_windows"])
        self.iters_per_epoch = batches_per_pass(len(self.train_data), cfg["batch_size"])
        self.total_steps = int(cfg["steps"]) if cfg.get("steps") else int(cfg["epochs"]) * self.iters_per_epoch
        ctx.log(f"{name}: {len(self.train_data)} training windows of {canvas} samples "
                f"({self.train_data.seconds:.1f} s), {len(self.valid_data)} validation windows, "
                f"{self.iters_per_epoch} iterations per epoch, {self.total_steps} iterations")

    def _batch(self, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        idx = batch_indices(len(self.train_data), self.cfg["batch_size"], k, self.seed, self.name)
        noisy = torch.from_numpy(self.train_data.degraded[idx])[:, None, :].to(self.device)
        clean = torch.from_numpy(self.train_data.clean[idx])[:, None, :].to(self.device)
        return noisy, clean

    def _z(self, batch: int) -> torch.Tensor:
        shape = self.G.z_shape(batch, self.cfg["canvas"])
        return torch.randn(shape, generator=self.noise_gen).to(self.device)

    def step(self, step: int) -> dict:
        cfg = self.cfg
        epoch = step // self.iters_per_epoch
        std = noise_std_at(epoch, cfg)
        real_target = 1.0 - float(cfg["d_label_smooth"])
        self.G.train()
        self.D.train()
        # D update: real pair [clean, noisy] vs fake pair [G(noisy), noisy]
        noisy, clean = self._batch(2 * step if cfg["separate_g_batch"] else step)
        with torch.no_grad():
            fake = self.G(noisy, self._z(noisy.shape[0]))
        real_pair = torch.cat([clean, noisy], dim=1)
        d_real, d_fake = self.D(real_pair, [real_pair, torch.cat([fake, noisy], dim=1)], std, self.noise_gen)
        d_rl = (d_real - real_target).square().mean()
        d_fk = d_fake.square().mean()
        self.opt_d.zero_grad(set_to_none=True)
        (d_rl + d_fk).backward()
        self.opt_d.step()
        # G update
        if cfg["separate_g_batch"]:
            noisy, clean = self._batch(2 * step + 1)
        fake = self.G(noisy, self._z(noisy.shape[0]))
        self.D.requires_grad_(False)
        (d_fake_g,) = self.D(torch.cat([clean, noisy], dim=1), [torch.cat([fake, noisy], dim=1)], std, self.noise_gen)
        self.D.requires_grad_(True)
        g_adv = (d_fake_g - 1.0).square().mean()
        l1 = (fake - clean).abs().mean()
        g_l1 = l1_weight_at(epoch, cfg) * l1
        self.opt_g.zero_grad(set_to_none=True)
        (g_adv + g_l1).backward()
        self.opt_g.step()
        return {"d_rl_loss": d_rl.item(), "d_fk_loss": d_fk.item(), "g_adv_loss": g_adv.item(),
                "g_l1_loss": g_l1.item(), "l1": l1.item(), "epoch": epoch, "noise_std": std}

    def validate(self) -> dict:
        """Mean L1 between G(noisy) and clean on the validation windows (pre-emphasised domain),
        with the same z at every validation."""
        data: PairWindows = self.valid_data
        gen = make_generator(torch_seed(self.seed, "valid", self.name))
        total, count = 0.0, 0
        self.G.eval()
        with torch.no_grad():
            for b in range(0, len(data), self.cfg["infer_batch"]):
                noisy = torch.from_numpy(data.degraded[b:b + self.cfg["infer_batch"]])[:, None, :].to(self.device)
                clean = torch.from_numpy(data.clean[b:b + self.cfg["infer_batch"]])[:, None, :].to(self.device)
                z = torch.randn(self.G.z_shape(noisy.shape[0], self.cfg["canvas"]), generator=gen).to(self.device)
                total += (self.G(noisy, z) - clean).abs().sum().item()
                count += clean.numel()
        self.G.train()
        return {"valid_loss": total / count,
                "valid_l1_noisy": float(np.abs(data.degraded - data.clean).mean())}

    def parts(self) -> TrainParts:
        return TrainParts(modules={"G": self.G, "D": self.D}, optimizers={"G": self.opt_g, "D": self.opt_d},
                          step_fn=self.step, valid_fn=self.validate if len(self.valid_data) else None,
                          generators={"noise": self.noise_gen})
