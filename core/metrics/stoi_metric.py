"""STOI and extended STOI through the ``pystoi`` package."""

from __future__ import annotations

import warnings

import numpy as np

from core.metrics.metric import Metric, MetricFailure, PairCache

PYSTOI_SEED = 0  # numpy global-RNG seed set around pystoi calls (see _stoi)


def _stoi(reference: np.ndarray, estimate: np.ndarray, sr: int, extended: bool) -> float:
    from pystoi import stoi

    name = "estoi" if extended else "stoi"
    # pystoi's ESTOI adds machine-epsilon noise drawn from numpy's *global* RNG, so two
    # calls on the same input differ in the last bit. Seed it for the call (and give the
    # caller's state back) so that scores are reproducible bit for bit.
    state = np.random.get_state()
    np.random.seed(PYSTOI_SEED)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = float(stoi(reference, estimate, sr, extended=extended))
        except Exception as e:  # pystoi raises bare Exception / numpy errors on degenerate input
            raise MetricFailure(name, f"pystoi failed: {type(e).__name__}: {e}") from e
        finally:
            np.random.set_state(state)
    for w in caught:
        # pystoi warns and returns 1e-5 when fewer than 30 non-silent 25.6 ms frames
        # (about 0.4 s of speech at 10 kHz) remain: that number is not a score.
        if issubclass(w.category, RuntimeWarning) and "Not enough STFT frames" in str(w.message):
            raise MetricFailure(name, (
                "too short for STOI: fewer than 30 non-silent frames (about 0.4 s of active speech) "
                "remain after pystoi removes frames 40 dB below the loudest; pystoi would return 1e-5"))
    return value


def _stoi_fn(reference, estimate, sr, cache: PairCache):
    return _stoi(reference, estimate, sr, extended=False)


def _estoi_fn(reference, estimate, sr, cache: PairCache):
    return _stoi(reference, estimate, sr, extended=True)


_COMMON = ("pystoi resamples both signals to 10 kHz internally (its own resampler, not soxr), drops "
           "frames more than 40 dB below the loudest reference frame, and needs at least 30 of them "
           "(about 0.4 s of active speech); arh does no resampling itself. numpy's global RNG "
           f"(used by pystoi's ESTOI for epsilon-scale noise) is seeded with {PYSTOI_SEED} during the call.")

STOI = Metric(
    name="stoi",
    definition="Short-Time Objective Intelligibility (Taal 2011) via pystoi (10 kHz internally), 0 to 1.",
    fn=_stoi_fn, higher_is_better=True, unit="score (0-1)",
    details=("Short-Time Objective Intelligibility: mean correlation of clipped one-third-octave "
             "envelopes over 384 ms segments (Taal et al. 2011), 0 to 1. " + _COMMON),
    implementation="pystoi", imports=("pystoi",),
    reference="Taal, Hendriks, Heusdens, Jensen, IEEE TASLP 19(7), 2011",
    rates=None, ideal=1.0, params={"extended": False, "internal_rate": 10000},
)

ESTOI = Metric(
    name="estoi",
    definition="Extended STOI (Jensen & Taal 2016) via pystoi (10 kHz internally), 0 to 1.",
    fn=_estoi_fn, higher_is_better=True, unit="score (0-1)",
    details=("Extended STOI: like STOI but with row- and column-normalised spectral-envelope segments "
             "(Jensen & Taal 2016), robust to modulated maskers; nominally 0 to 1. " + _COMMON),
    implementation="pystoi", imports=("pystoi",),
    reference="Jensen & Taal, IEEE/ACM TASLP 24(11), 2016",
    rates=None, ideal=1.0, params={"extended": True, "internal_rate": 10000, "numpy_global_seed": PYSTOI_SEED},
)

METRICS = (STOI, ESTOI)
