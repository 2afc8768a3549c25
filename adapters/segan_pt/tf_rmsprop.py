"""RMSProp as TensorFlow 0.12 implements it (upstream SEGAN's optimizer).

Differences from ``torch.optim.RMSprop``: the mean-square slot starts at
**ones** (not zeros), epsilon sits **inside** the square root, and the decay
default is 0.9 (torch's alpha default is 0.99)::

    ms  <- decay * ms + (1 - decay) * g**2
    mom <- momentum * mom + lr * g / sqrt(ms + epsilon)
    w   <- w - mom
"""

from __future__ import annotations

import torch
from torch.optim import Optimizer


class TFRMSprop(Optimizer):
    """``tf.train.RMSPropOptimizer(lr, decay=0.9, momentum=0.0, epsilon=1e-10)``."""

    def __init__(self, params, lr: float, decay: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-10):
        if lr <= 0 or not 0.0 <= decay < 1.0 or momentum < 0 or epsilon < 0:
            raise ValueError(f"bad RMSProp settings lr={lr} decay={decay} momentum={momentum} epsilon={epsilon}")
        super().__init__(params, {"lr": lr, "decay": decay, "momentum": momentum, "epsilon": epsilon})

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, decay, momentum, eps = group["lr"], group["decay"], group["momentum"], group["epsilon"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad
                state = self.state[p]
                if not state:
                    state["ms"] = torch.ones_like(p)
                    state["mom"] = torch.zeros_like(p)
                ms, mom = state["ms"], state["mom"]
                ms.mul_(decay).addcmul_(g, g, value=1.0 - decay)
                mom.mul_(momentum).addcdiv_(g, torch.sqrt(ms + eps), value=lr)
                p.sub_(mom)
        return loss
