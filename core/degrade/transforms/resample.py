"""``resample``: band-limit by resampling down and back up (soxr)."""

from __future__ import annotations

from core.degrade.params import Param
from core.degrade.resampling import SOXR_QUALITIES, fit_length, resample
from core.degrade.transform import transform
from core.errors import ArhError


def _check_rate(sr: int, kw: dict) -> None:
    if kw["rate"] >= sr:
        raise ArhError(f"rate={kw['rate']} Hz is not below the input rate {sr} Hz, so nothing would be "
                       f"removed; choose rate < {sr}")


@transform(
    "resample",
    Param("rate", "int", doc="intermediate (low) rate in Hz; a/b/c picks one per item", low=100),
    Param("quality", "str", "HQ", "soxr quality: QQ, LQ, MQ, HQ or VHQ", choices=SOXR_QUALITIES),
    check_rate=_check_rate,
)
def resample_round_trip(x, sr, rng, *, rate, quality):
    """Resample down to `rate` Hz and back up to the input rate with soxr (`quality`,
    linear-phase, delay-compensated), then cut or zero-pad to the input length. Removes
    everything above about rate/2 (the soxr anti-alias filter's pass band)."""
    return fit_length(resample(resample(x, sr, rate, quality), rate, sr, quality), x.size)
