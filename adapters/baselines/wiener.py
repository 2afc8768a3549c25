"""The ``wiener`` baseline: a decision-directed Wiener filter (Scalart & Filho 1996 style).

Definition: STFT with a 32 ms Hann frame, hop 1/4. The noise power spectrum
is the mean power of the lowest-energy ``noise_quantile`` fraction of frames
(assumes some speech pauses, as in the SEGAN paper's Wiener comparison). The a
priori SNR follows the decision-directed rule
``xi = alpha * G_prev^2 * |Y_prev|^2 / N + (1 - alpha) * max(gamma - 1, 0)``
with ``gamma = |Y|^2 / N``; the gain ``G = xi / (1 + xi)`` is floored at
``gain_floor_db``. No training.
"""

from __future__ import annotations

import numpy as np

from adapters.baselines.stft import frame_size, istft, stft
from core.adapter import Adapter, JobContext
from core.job import Job
from core.progress import track


def wiener_denoise(x: np.ndarray, sr: int, alpha: float = 0.98, noise_quantile: float = 0.1,
                   gain_floor_db: float = -25.0) -> np.ndarray:
    """Denoise a mono float signal; returns the same length, float32."""
    n = frame_size(sr)
    z = stft(x.astype(np.float64), n)
    power = np.abs(z) ** 2
    frame_energy = power.sum(axis=0)
    k = max(1, int(np.ceil(noise_quantile * power.shape[1])))
    quiet_frames = np.argsort(frame_energy)[:k]
    noise = power[:, quiet_frames].mean(axis=1) + 1e-12
    floor = 10 ** (gain_floor_db / 20)
    gains = np.empty_like(power)
    prev = np.zeros(power.shape[0])
    for t in range(power.shape[1]):
        gamma = power[:, t] / noise
        xi = alpha * prev / noise + (1 - alpha) * np.maximum(gamma - 1.0, 0.0)
        g = np.maximum(xi / (1.0 + xi), floor)
        gains[:, t] = g
        prev = (g ** 2) * power[:, t]
    return istft(z * gains, n, len(x))


class Wiener(Adapter):
    """Decision-directed Wiener filter with a noise estimate from low-energy frames."""

    name = "wiener"
    environment = "numpy"
    sample_rate = 0  # any rate
    tasks = ("denoise",)
    trainable = False
    configs = {"default": {"alpha": 0.98, "noise_quantile": 0.1, "gain_floor_db": -25.0}, "tiny": {}}

    def restore(self, job: Job, ctx: JobContext) -> None:
        cfg = self.config(job.config)
        for item in track(ctx.pending(), "wiener", quiet=ctx.quiet):
            x = ctx.load_degraded(item, rate=item.sample_rate)
            y = wiener_denoise(x, item.sample_rate, cfg["alpha"], cfg["noise_quantile"], cfg["gain_floor_db"])
            ctx.write_output(item, y, rate=item.sample_rate)
