"""The ``identity`` baseline: returns the degraded input (the floor every model must beat)."""

from __future__ import annotations

from core.adapter import Adapter, JobContext
from core.job import Job
from core.progress import track


class Identity(Adapter):
    """Returns the degraded input unchanged, at the dataset's own rate (no resampling)."""

    name = "identity"
    environment = "numpy"
    sample_rate = 0  # 0: works at whatever rate the dataset has
    tasks = ("denoise", "bandwidth", "codec", "declip")
    trainable = False
    configs = {"default": {}, "tiny": {}}

    def restore(self, job: Job, ctx: JobContext) -> None:
        for item in track(ctx.pending(), "identity", quiet=ctx.quiet):
            x = ctx.load_degraded(item, rate=item.sample_rate)
            ctx.write_output(item, x, rate=item.sample_rate)
