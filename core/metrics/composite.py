"""Composite measures CSIG, CBAK, COVL (Hu & Loizou 2008), on a 1-5 scale.

PESQ choice: Hu & Loizou fitted their regressions with the *raw* narrow-band
P.862 score. The ``pesq`` package returns only MOS-LQO; the speech-enhancement
results that followed SEGAN on the VoiceBank-DEMAND set (whose noisy-input PESQ
of 1.97 is the wide-band value) are computed with Python code such as CMGAN's
``compute_metrics.py``, which feeds wide-band P.862.2 MOS-LQO into the same
coefficients. arh follows that practice: the PESQ term is ``pesq_wb`` at 16 kHz.
Numbers are therefore comparable to those papers, not to the 2008 Matlab toolkit.
"""

from __future__ import annotations

from core.metrics.llr import KEEP_FRACTION, llr_value
from core.metrics.metric import Metric, MetricFailure, PairCache
from core.metrics.pesq_metric import pesq_value
from core.metrics.snr import segsnr_db
from core.metrics.wss import wss_value

COMPOSITE_RATE = 16000
SCALE = (1.0, 5.0)


def _components(name: str, reference, estimate, sr: int, cache: PairCache, parts: tuple[str, ...]) -> dict:
    getters = {
        "pesq": lambda: pesq_value(reference, estimate, sr, "wb", cache),
        "llr": lambda: llr_value(reference, estimate, sr, cache),
        "wss": lambda: wss_value(reference, estimate, sr, cache),
        "segsnr": lambda: segsnr_db(reference, estimate, sr, cache),
    }
    out = {}
    for part in parts:
        try:
            out[part] = getters[part]()
        except MetricFailure as e:
            raise MetricFailure(name, f"needs {e.metric}, which failed: {e.reason}") from e
    return out


def _clamp(x: float) -> float:
    return min(max(x, SCALE[0]), SCALE[1])


def csig(reference, estimate, sr, cache: PairCache) -> float:
    c = _components("csig", reference, estimate, sr, cache, ("pesq", "llr", "wss"))
    return _clamp(3.093 - 1.029 * c["llr"] + 0.603 * c["pesq"] - 0.009 * c["wss"])


def cbak(reference, estimate, sr, cache: PairCache) -> float:
    c = _components("cbak", reference, estimate, sr, cache, ("pesq", "wss", "segsnr"))
    return _clamp(1.634 + 0.478 * c["pesq"] - 0.007 * c["wss"] + 0.063 * c["segsnr"])


def covl(reference, estimate, sr, cache: PairCache) -> float:
    c = _components("covl", reference, estimate, sr, cache, ("pesq", "llr", "wss"))
    return _clamp(1.594 + 0.805 * c["pesq"] - 0.512 * c["llr"] - 0.007 * c["wss"])


_PESQ_NOTE = ("PESQ term: wide-band P.862.2 MOS-LQO from the pesq package at 16 kHz (as in SEGAN-lineage "
              "evaluations), not the raw narrow-band P.862 score the coefficients were fitted with.")
_COMMON = dict(
    higher_is_better=True, unit="MOS (1-5)", implementation="arh", imports=("pesq",),
    reference="Hu & Loizou, 'Evaluation of objective quality measures for speech enhancement', "
              "IEEE TASLP 16(1), 2008",
    rates=(COMPOSITE_RATE,), resample_to=COMPOSITE_RATE, ideal=None,
    params={"pesq": "pesq_wb (P.862.2 MOS-LQO)", "llr": "llr at 16 kHz (order 16, lowest 95% mean)",
            "wss": "wss at 16 kHz (lowest 95% mean)", "segsnr": "segsnr (mean, frames clamped to [-10, 35])",
            "keep_lowest_fraction": KEEP_FRACTION, "clamp": list(SCALE)},
    notes=_PESQ_NOTE,
)

CSIG = Metric(
    name="csig",
    definition="Composite signal rating 3.093 - 1.029 LLR + 0.603 PESQ_wb - 0.009 WSS, clamped to [1, 5].",
    fn=csig,
    details=("Predicted signal-distortion rating: 3.093 - 1.029 LLR + 0.603 PESQ - 0.009 WSS, clamped to [1, 5]. "
             + _PESQ_NOTE),
    **_COMMON,
)
CBAK = Metric(
    name="cbak",
    definition="Composite background rating 1.634 + 0.478 PESQ_wb - 0.007 WSS + 0.063 segSNR, clamped to [1, 5].",
    fn=cbak,
    details=("Predicted background-intrusiveness rating: 1.634 + 0.478 PESQ - 0.007 WSS + 0.063 segSNR, clamped "
             "to [1, 5]. " + _PESQ_NOTE),
    **_COMMON,
)
COVL = Metric(
    name="covl",
    definition="Composite overall rating 1.594 + 0.805 PESQ_wb - 0.512 LLR - 0.007 WSS, clamped to [1, 5].",
    fn=covl,
    details=("Predicted overall-quality rating: 1.594 + 0.805 PESQ - 0.512 LLR - 0.007 WSS, clamped to [1, 5]. "
             + _PESQ_NOTE),
    **_COMMON,
)

METRICS = (CSIG, CBAK, COVL)
