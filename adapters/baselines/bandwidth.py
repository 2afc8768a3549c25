"""The ``bandext`` baseline: the best one can do for bandwidth without learning.

Definition: the input is already at the target rate (band-limited
interpolation by soxr happened when the dataset was built or the context
resampled it). The effective cut-off is the highest STFT bin whose long-term
power is within ``detect_db`` of the spectral peak. Above it, the spectrum is
filled by spectral translation (as in spectral band replication): the band of
width ``w`` just below the cut-off is copied upwards, repeatedly, magnitude and
phase, attenuated by ``slope_db`` per copy, and faded in over two bins. A
signal with no detectable cut-off is returned unchanged.
"""

from __future__ import annotations

import numpy as np

from adapters.baselines.stft import frame_size, istft, stft
from core.adapter import Adapter, JobContext
from core.job import Job
from core.progress import track


def detect_cutoff_bin(power: np.ndarray, detect_db: float) -> int:
    """Highest bin whose mean power is within ``detect_db`` dB of the peak bin's."""
    spec = power.mean(axis=1) + 1e-20
    level = 10 * np.log10(spec / spec.max())
    above = np.nonzero(level > -detect_db)[0]
    return int(above[-1]) + 1 if len(above) else power.shape[0]


def extend_bandwidth(x: np.ndarray, sr: int, detect_db: float = 60.0, slope_db: float = 9.0,
                     width_fraction: float = 0.5) -> np.ndarray:
    """Fill the empty band above the detected cut-off; same length, float32."""
    n = frame_size(sr)
    z = stft(x.astype(np.float64), n)
    nbins = z.shape[0]
    kc = detect_cutoff_bin(np.abs(z) ** 2, detect_db)
    if kc >= nbins - 2 or kc < 8:
        return x.astype(np.float32)
    w = max(4, int(kc * width_fraction))
    out = z.copy()
    k, copy = kc, 1
    while k < nbins:
        span = min(w, nbins - k)
        gain = 10 ** (-slope_db * copy / 20)
        out[k:k + span] = z[kc - w:kc - w + span] * gain
        k += span
        copy += 1
    fade = np.linspace(0.0, 1.0, 3)[1:, None]
    out[kc:kc + 2] = z[kc:kc + 2] * (1 - fade) + out[kc:kc + 2] * fade
    return istft(out, n, len(x))


class BandExtension(Adapter):
    """Spectral-translation bandwidth extension above the detected cut-off (no learning)."""

    name = "bandext"
    environment = "numpy"
    sample_rate = 0  # any rate
    tasks = ("bandwidth", "codec")
    trainable = False
    configs = {"default": {"detect_db": 60.0, "slope_db": 9.0, "width_fraction": 0.5}, "tiny": {}}

    def restore(self, job: Job, ctx: JobContext) -> None:
        cfg = self.config(job.config)
        for item in track(ctx.pending(), "bandext", quiet=ctx.quiet):
            x = ctx.load_degraded(item, rate=item.sample_rate)
            y = extend_bandwidth(x, item.sample_rate, cfg["detect_db"], cfg["slope_db"], cfg["width_fraction"])
            ctx.write_output(item, y, rate=item.sample_rate)
