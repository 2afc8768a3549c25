"""The training loop shared by the torch adapters: resume, per-step logs, validation, latest/best checkpoints.

An adapter supplies ``step_fn(step) -> {loss name: value}`` (one optimisation
iteration, 0-based ``step``; all randomness drawn from generators listed in
``TrainParts.generators`` or derived from ``step``) and ``valid_fn() ->
{"valid_loss": value, ...}``. Because batches and noise are functions of the
step and saved RNG states, a run interrupted after a checkpoint and resumed
reaches the same weights as an uninterrupted one.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

from adapters.torch_common.checkpoint import (
    apply_checkpoint,
    checkpoint_exists,
    load_checkpoint,
    save_checkpoint,
)
from adapters.torch_common.config import model_config_mismatch
from core.errors import ArhError
from core.progress import Progress


@dataclass
class TrainParts:
    """What the loop saves and calls."""

    modules: dict  # name -> nn.Module (all saved in both checkpoints)
    optimizers: dict  # name -> torch.optim.Optimizer (saved in ``latest`` only)
    step_fn: Callable[[int], dict]
    valid_fn: Callable[[], dict] | None = None  # None: no validation data
    generators: dict = field(default_factory=dict)  # name -> torch.Generator


@dataclass
class LoopSettings:
    total_steps: int
    valid_every: int
    save_every: int
    log_every: int = 50
    model_keys: tuple[str, ...] = ()  # config keys that fix the architecture (must match to resume)


def run_training(ctx, adapter_name: str, config: dict, parts: TrainParts, settings: LoopSettings,
                 extra_record: dict | None = None) -> dict:
    """Train to ``settings.total_steps`` iterations, resuming from ``latest`` if present; returns a summary."""
    ckdir = ctx.checkpoint_dir()
    start, best, train_seconds = 0, math.inf, 0.0
    if checkpoint_exists(ckdir, "latest"):
        ck = load_checkpoint(ckdir, "latest")
        diff = model_config_mismatch(ck.config, config, settings.model_keys)
        if diff:
            raise ArhError(f"checkpoint folder {ckdir} holds a {adapter_name} model with a different architecture "
                           f"({', '.join(f'{k}: saved {a!r}, asked {b!r}' for k, (a, b) in diff.items())}); "
                           "use a new checkpoint folder or the saved configuration")
        apply_checkpoint(ck, modules=parts.modules, optimizers=parts.optimizers, generators=parts.generators)
        start = ck.step
        best = float(ck.record.get("best_valid_loss", math.inf))
        train_seconds = float(ck.record.get("train_seconds", 0.0))
        ctx.log(f"resuming {adapter_name} from {ck.path.name} at step {start}")
    if start >= settings.total_steps:
        ctx.log(f"{adapter_name}: already trained ({start} >= {settings.total_steps} steps); nothing to do")
        return {"steps": start, "best_valid_loss": best, "resumed_from": start}

    def record(step: int) -> dict:
        return {"adapter": adapter_name, "best_valid_loss": best if math.isfinite(best) else None,
                "train_seconds": train_seconds, **(extra_record or {})}

    def save(name: str, step: int, with_optim: bool) -> None:
        save_checkpoint(ckdir, name, modules=parts.modules,
                        optimizers=parts.optimizers if with_optim else None,
                        generators=parts.generators if with_optim else None,
                        config=config, step=step, extra=record(step))

    last_losses: dict = {}
    t_loop = time.monotonic()
    with Progress(settings.total_steps - start, f"train {adapter_name}", unit="steps") as progress:
        for step in range(start, settings.total_steps):
            t0 = time.monotonic()
            losses = {k: float(v) for k, v in parts.step_fn(step).items()}
            train_seconds += time.monotonic() - t0
            bad = [k for k, v in losses.items() if not math.isfinite(v)]
            if bad:
                raise ArhError(f"{adapter_name}: training diverged at step {step + 1} ({', '.join(bad)} not finite); "
                               "lower the learning rate in the config or check the data for silence/clipping")
            done = step + 1
            steps_per_s = (done - start) / max(time.monotonic() - t_loop, 1e-9)
            ctx.log_step({"step": done, **losses, "steps_per_s": round(steps_per_s, 4)})
            last_losses = losses
            if done % settings.log_every == 0 or done == settings.total_steps:
                ctx.log(f"step {done}/{settings.total_steps} "
                        + " ".join(f"{k}={v:.5g}" for k, v in losses.items()) + f" ({steps_per_s:.2f} steps/s)")
            if parts.valid_fn is not None and (done % settings.valid_every == 0 or done == settings.total_steps):
                metrics = {k: float(v) for k, v in parts.valid_fn().items()}
                improved = metrics["valid_loss"] < best
                if improved:
                    best = metrics["valid_loss"]
                ctx.log_step({"step": done, **metrics, "best": improved})
                ctx.log(f"step {done}: " + " ".join(f"{k}={v:.5g}" for k, v in metrics.items())
                        + (" (best)" if improved else ""))
                if improved:
                    save("best", done, with_optim=False)
            if done % settings.save_every == 0 or done == settings.total_steps:
                if parts.valid_fn is None:
                    save("best", done, with_optim=False)  # no validation data: the latest weights are the best known
                save("latest", done, with_optim=True)
            progress.advance()
    return {"steps": settings.total_steps, "best_valid_loss": best if math.isfinite(best) else None,
            "last_losses": last_losses, "resumed_from": start, "train_seconds": round(train_seconds, 3)}
