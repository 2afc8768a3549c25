"""Training of the kim-* networks: MSE on waveform windows, Adam, seeded batches."""

from __future__ import annotations

import numpy as np
import torch

from adapters.kim_sr.models import build_model
from adapters.torch_common.batches import batch_indices
from adapters.torch_common.data import load_pair_windows, require_windows
from adapters.torch_common.loop import TrainParts
from adapters.torch_common.seeding import torch_seed


class KimTraining:
    """Model, optimizer and data of one training job; ``parts()`` hands them to the shared loop."""

    def __init__(self, ctx, job, cfg: dict, arch: str, device, name: str, rate: int):
        self.cfg, self.device, self.seed, self.name = cfg, device, job.seed, name
        torch.manual_seed(torch_seed(job.seed, "train", name))
        self.model = build_model(arch, cfg).to(device)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg["lr"])
        w, hop = cfg["window"], cfg["hop"]
        self.train_data = load_pair_windows(ctx, job.split, rate, w, hop, True)
        require_windows(self.train_data, job.split, name, w)
        self.valid_data = load_pair_windows(ctx, "valid", rate, w, w, True, max_windows=cfg["valid_max_windows"])
        self.total_steps = int(cfg["steps"])
        ctx.log(f"{name}: {len(self.train_data)} training windows of {w} samples ({self.train_data.seconds:.1f} s), "
                f"{len(self.valid_data)} validation windows, {self.total_steps} steps")

    def step(self, step: int) -> dict:
        idx = batch_indices(len(self.train_data), self.cfg["batch_size"], step, self.seed, self.name)
        x = torch.from_numpy(self.train_data.degraded[idx])[:, None, :].to(self.device)
        y = torch.from_numpy(self.train_data.clean[idx])[:, None, :].to(self.device)
        self.model.train()
        loss = torch.nn.functional.mse_loss(self.model(x), y)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        if self.cfg["grad_clip"]:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg["grad_clip"])
        self.opt.step()
        return {"loss": loss.item()}

    def validate(self) -> dict:
        """Mean squared error on the validation windows, and that of the unprocessed input."""
        data, bs = self.valid_data, self.cfg["infer_batch"]
        total = 0.0
        self.model.eval()
        with torch.no_grad():
            for b in range(0, len(data), bs):
                x = torch.from_numpy(data.degraded[b:b + bs])[:, None, :].to(self.device)
                y = torch.from_numpy(data.clean[b:b + bs])[:, None, :].to(self.device)
                total += (self.model(x) - y).square().sum().item()
        self.model.train()
        n = data.clean.size
        return {"valid_loss": total / n,
                "valid_mse_input": float(np.square(data.degraded.astype(np.float64) - data.clean).mean())}

    def parts(self) -> TrainParts:
        return TrainParts(modules={"model": self.model}, optimizers={"model": self.opt}, step_fn=self.step,
                          valid_fn=self.validate if len(self.valid_data) else None)
