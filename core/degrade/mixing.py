"""Adding noise at an exact SNR (relative to the signal) or an absolute level (dBFS RMS).

SNR in dB is ``10*log10(sum(x**2) / sum(noise**2))`` over the whole item.
Level in dBFS RMS is ``20*log10(rms(noise))`` with full scale = amplitude 1.0,
so a full-scale square wave is 0 dBFS and a full-scale sine -3.01 dBFS.
"""

from __future__ import annotations

import numpy as np

from core.degrade.params import ParamError
from core.errors import ArhError


def _energy(v: np.ndarray) -> float:
    """sum(v**2) in float64, without BLAS (its threads stall on a busy machine)."""
    return float(np.einsum("i,i->", v, v))


def check_snr_or_level(kwargs: dict) -> None:
    """``validate`` hook: exactly one of ``snr`` and ``level`` must be set."""
    snr, level = kwargs.get("snr"), kwargs.get("level")
    if (snr is None) == (level is None):
        raise ParamError(
            "give exactly one of snr=<dB relative to the signal's RMS> or "
            f"level=<dBFS RMS of the noise> (got snr={snr}, level={level})"
        )


def add_at(x: np.ndarray, noise: np.ndarray, snr: float | None = None,
           level: float | None = None, what: str = "noise") -> np.ndarray:
    """Return ``x + g*noise`` (float32) with ``g`` set so the added noise has SNR ``snr`` dB
    against ``x`` or RMS ``level`` dBFS. Exactly one of ``snr``/``level``. No clipping."""
    x64 = np.asarray(x, dtype=np.float64)
    n64 = np.asarray(noise, dtype=np.float64)
    pn = _energy(n64)
    if pn == 0.0:
        raise ArhError(f"the {what} is all zeros for this item, so it cannot be scaled to a level")
    if snr is not None:
        px = _energy(x64)
        if px == 0.0:
            raise ArhError(
                f"snr={snr:g} dB is relative to the signal's RMS, but this item is silent (all zeros); "
                f"use level=<dBFS> for an absolute {what} level, or leave silent items out"
            )
        g = np.sqrt(px / (pn * 10.0 ** (snr / 10.0)))
    elif level is not None:
        g = 10.0 ** (level / 20.0) / np.sqrt(pn / n64.size)
    else:
        raise ParamError("give snr= or level=")
    return (x64 + g * n64).astype(np.float32)
