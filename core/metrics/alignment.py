"""Alignment guard: detect a constant lag and length differences before scoring.

A codec (MP3 encoder delay), a model with a latency or a padding bug shifts the
estimate; every sample-wise metric is then computed on misaligned signals and
looks worse than it is, silently. The guard measures the lag with an FFT
cross-correlation limited to +-``max_lag_s`` and reports it with the record.
Policy (see docs of ``score_pairs``):

* lag found, ``align=False``: metrics are computed as they are, the record's
  ``alignment`` says ``ok: false`` and the engine prints the ids;
* different lengths, ``align=False``: metrics that need equal lengths fail with
  that reason (PESQ, which aligns by itself, still runs);
* ``align=True``: the estimate is shifted by the lag and both are trimmed to
  their overlap; the record holds the lag applied and the samples scored.

Lag convention: ``lag > 0`` means the estimate is late (``est[n + lag] ~ ref[n]``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

DEFAULT_MAX_LAG_S = 0.1
MIN_CORRELATION = 0.05  # below this the signals look unrelated and the lag is unknown
ANALYSIS_S = 60.0  # the lag is estimated on the first minute (it is assumed constant)


@dataclass
class Alignment:
    """What the guard found (and, with align=True, what it did); ``to_dict`` goes in records."""

    ok: bool
    reference_samples: int
    estimate_samples: int
    lag_samples: int | None
    lag_s: float | None
    correlation: float  # normalised cross-correlation at the chosen lag
    max_lag_samples: int
    problems: list[str] = field(default_factory=list)
    applied: bool = False
    applied_lag_samples: int | None = None
    scored_samples: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _xcorr(ref: np.ndarray, est: np.ndarray, max_lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Lags -max_lag..max_lag and sum_n ref[n] est[n + lag] / (|ref| |est|)."""
    n = int(2 ** np.ceil(np.log2(ref.size + est.size - 1)))
    spec = np.conj(np.fft.rfft(ref, n)) * np.fft.rfft(est, n)
    full = np.fft.irfft(spec, n)
    lags = np.arange(-max_lag, max_lag + 1)
    norm = np.sqrt(np.dot(ref, ref) * np.dot(est, est))
    values = full[lags % n] / norm if norm > 0 else np.zeros(lags.size)
    return lags, values


def check_alignment(reference: np.ndarray, estimate: np.ndarray, sr: int,
                    max_lag_s: float = DEFAULT_MAX_LAG_S) -> Alignment:
    """Measure lag and length difference of a pair (1-D arrays at ``sr`` Hz)."""
    limit = int(ANALYSIS_S * sr)
    ref = np.asarray(reference[:limit], dtype=np.float64)
    est = np.asarray(estimate[:limit], dtype=np.float64)
    max_lag = max(0, min(int(round(max_lag_s * sr)), ref.size - 1, est.size - 1))
    lags, c = _xcorr(ref, est, max_lag)
    best = int(np.argmax(c))
    zero = max_lag  # index of lag 0
    if c[zero] >= c[best] - 1e-6 * abs(c[best]):
        best = zero  # ties (periodic signals, numerical noise) resolve to no lag
    problems: list[str] = []
    lag: int | None = int(lags[best])
    if c[best] < MIN_CORRELATION:
        lag = None
        problems.append(f"signals look unrelated (peak correlation {c[best]:.3f} within +-{max_lag_s} s); "
                        "lag unknown")
    elif lag != 0:
        side = "late" if lag > 0 else "early"
        problems.append(f"estimate is {abs(lag)} samples ({abs(lag) / sr * 1000:.2f} ms) {side}")
    if -c.min() > max(c[best], MIN_CORRELATION):
        problems.append(f"estimate looks polarity-inverted (correlation {c.min():.3f})")
    if reference.size != estimate.size:
        problems.append(f"length differs: reference {reference.size} samples, estimate {estimate.size}")
    return Alignment(
        ok=not problems, reference_samples=int(reference.size), estimate_samples=int(estimate.size),
        lag_samples=lag, lag_s=None if lag is None else lag / sr, correlation=float(c[best]),
        max_lag_samples=max_lag, problems=problems,
    )


def apply_alignment(reference: np.ndarray, estimate: np.ndarray,
                    info: Alignment) -> tuple[np.ndarray, np.ndarray, Alignment]:
    """Shift the estimate by the measured lag (0 if unknown) and trim both to their overlap."""
    lag = info.lag_samples or 0
    if lag > 0:
        estimate = estimate[lag:]
    elif lag < 0:
        reference = reference[-lag:]
    n = min(reference.size, estimate.size)
    info.applied = True
    info.applied_lag_samples = lag
    info.scored_samples = int(n)
    return reference[:n], estimate[:n], info
