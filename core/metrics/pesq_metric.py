"""PESQ (ITU-T P.862 / P.862.2) through the ``pesq`` package, reported as MOS-LQO."""

from __future__ import annotations

import numpy as np

from core.metrics.metric import Metric, MetricFailure, PairCache

# Value the pesq package returns for an estimate identical to the reference
# (the top of the P.862.1 / P.862.2 MOS-LQO mapping curves).
PESQ_WB_MAX = 4.644
PESQ_NB_MAX = 4.549


def pesq_value(reference: np.ndarray, estimate: np.ndarray, sr: int, mode: str, cache: PairCache) -> float:
    """PESQ MOS-LQO for ``mode`` 'wb' (16 kHz) or 'nb' (8 or 16 kHz), cached per pair."""
    return cache.get(("pesq", mode, sr), lambda: _pesq(reference, estimate, sr, mode))


def _pesq(reference: np.ndarray, estimate: np.ndarray, sr: int, mode: str) -> float:
    from pesq import PesqError, pesq

    name = f"pesq_{mode}"
    if not np.any(estimate):
        raise MetricFailure(name, "estimate is digital silence (all zeros); PESQ is undefined for it "
                                  "(the pesq package's C code produces NaN and raises ValueError)")
    try:
        # RAISE_EXCEPTION (the default, spelled out): the C code's error codes become typed
        # exceptions; RETURN_VALUES would hand back negative codes that look like scores.
        return float(pesq(sr, reference, estimate, mode, on_error=PesqError.RAISE_EXCEPTION))
    except PesqError as e:  # NoUtterancesError, BufferTooShortError, ...
        msg = e.args[0].decode() if e.args and isinstance(e.args[0], bytes) else str(e)
        raise MetricFailure(name, f"pesq raised {type(e).__name__}: {msg}") from e
    except ValueError as e:  # NaN inside the C code on degenerate signals
        raise MetricFailure(name, f"pesq failed on a degenerate signal: {e}") from e


def _wb(reference, estimate, sr, cache):
    return pesq_value(reference, estimate, sr, "wb", cache)


def _nb(reference, estimate, sr, cache):
    return pesq_value(reference, estimate, sr, "nb", cache)


PESQ_WB = Metric(
    name="pesq_wb",
    definition="Wide-band PESQ (ITU-T P.862.2), MOS-LQO, pesq package mode 'wb' at 16 kHz.",
    fn=_wb, higher_is_better=True, unit="MOS-LQO",
    details=("Wide-band PESQ (ITU-T P.862.2) reported as MOS-LQO (about 1.04 to 4.64), computed by the "
             "pesq package in mode 'wb' at 16 kHz; PESQ aligns the signals in time itself, so unequal "
             "lengths are allowed."),
    implementation="pesq", imports=("pesq",),
    reference="ITU-T P.862 (2001) with P.862.2 (2007) wide-band extension",
    rates=(16000,), resample_to=16000, requires_equal_length=False, ideal=PESQ_WB_MAX,
    params={"mode": "wb", "output": "MOS-LQO (P.862.2 mapping)"},
)

PESQ_NB = Metric(
    name="pesq_nb",
    definition="Narrow-band PESQ (ITU-T P.862 + P.862.1 mapping), MOS-LQO, pesq package mode 'nb' at 8/16 kHz.",
    fn=_nb, higher_is_better=True, unit="MOS-LQO",
    details=("Narrow-band PESQ (ITU-T P.862) reported as MOS-LQO via the P.862.1 mapping (about 1.02 "
             "to 4.55), computed by the pesq package in mode 'nb' at 8 or 16 kHz (P.862 accepts both); "
             "other rates are resampled to 8 kHz. Unequal lengths are allowed (PESQ aligns)."),
    implementation="pesq", imports=("pesq",),
    reference="ITU-T P.862 (2001) with P.862.1 (2003) MOS-LQO mapping",
    rates=(8000, 16000), resample_to=8000, requires_equal_length=False, ideal=PESQ_NB_MAX,
    default_only_at=(8000,),
    params={"mode": "nb", "output": "MOS-LQO (P.862.1 mapping)"},
    notes="In the default metric set only for 8 kHz data; at 16 kHz and above pesq_wb covers it.",
)

METRICS = (PESQ_WB, PESQ_NB)
