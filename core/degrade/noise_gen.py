"""Pure noise generators shared by the ``noise`` transforms and the default corpus.

Every generator returns float32 of shape ``(n,)``. ``white``, ``pink``,
``brown``, ``crackle`` and ``babble`` are zero mean with RMS exactly 1 over the
``n`` samples; ``hum`` has RMS exactly 1. Randomness comes only from the
``rng`` passed in (use :func:`core.hashing.rng_for`).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

from core.errors import ArhError

# Leak of the integrator that makes brown noise: a pole at 0.998 gives a 1/f^2
# spectrum above about (1 - 0.998) * sr / (2*pi) (5 Hz at 16 kHz) and keeps the
# signal from drifting like a pure random walk.
BROWN_LEAK = 0.998
CRACKLE_TAU_S = 0.25e-3  # decay time constant of one click (seconds)
CRACKLE_PARETO_SHAPE = 1.5  # heavy tail: many faint crackles, a few loud clicks
CRACKLE_MAX_AMP = 50.0  # cap on one click's amplitude relative to the faintest


def _unit(x: np.ndarray, zero_mean: bool = True) -> np.ndarray:
    """Remove the mean (optionally) and scale to RMS 1, computed in float64; float32 out."""
    x = np.asarray(x, dtype=np.float64)
    if zero_mean and x.size > 1:
        x = x - x.mean()
    rms = float(np.sqrt(np.einsum("i,i->", x, x) / x.size)) if x.size else 0.0
    if rms == 0.0:
        return x.astype(np.float32)
    return (x * (1.0 / rms)).astype(np.float32)


def _check_n(n: int) -> int:
    if int(n) != n or n < 1:
        raise ArhError(f"noise length must be a positive whole number of samples, got {n!r}")
    return int(n)


def white(n: int, rng: np.random.Generator) -> np.ndarray:
    """Gaussian white noise: i.i.d. N(0, 1) float32 samples (numpy's ziggurat), then mean removed
    and scaled to RMS 1."""
    return _unit(rng.standard_normal(_check_n(n), dtype=np.float32))


def pink(n: int, rng: np.random.Generator) -> np.ndarray:
    """Pink (1/f power) noise: complex Gaussian spectrum scaled by 1/sqrt(k) for DFT bins
    k >= 1 (DC set to 0), inverse real FFT of length n, scaled to RMS 1."""
    n = _check_n(n)
    if n < 3:
        return white(n, rng)
    k = np.arange(n // 2 + 1, dtype=np.float64)
    spec = rng.standard_normal(k.size) + 1j * rng.standard_normal(k.size)
    spec[0] = 0.0
    spec[1:] /= np.sqrt(k[1:])
    return _unit(np.fft.irfft(spec, n))


def brown(n: int, rng: np.random.Generator) -> np.ndarray:
    """Brown (1/f^2 power) noise: white N(0, 1) through the leaky integrator
    y[t] = 0.998*y[t-1] + w[t], mean removed, scaled to RMS 1."""
    n = _check_n(n)
    w = rng.standard_normal(n)
    return _unit(lfilter([1.0], [1.0, -BROWN_LEAK], w))


def hum(n: int, sr: int, freq: float = 50.0, harmonics: int = 5) -> np.ndarray:
    """Mains hum: sum over h = 1..harmonics (those below sr/2) of (1/h)*sin(2*pi*h*freq*t + pi/4),
    t = i/sr, scaled to RMS 1 over the n samples (deterministic: no rng)."""
    n = _check_n(n)
    if freq <= 0 or freq >= sr / 2:
        raise ArhError(f"hum frequency {freq} Hz must be between 0 and the Nyquist frequency {sr / 2} Hz")
    if harmonics < 1:
        raise ArhError(f"hum needs at least 1 harmonic, got {harmonics}")
    t = np.arange(n, dtype=np.float64) / sr
    x = np.zeros(n)
    for h in range(1, int(harmonics) + 1):
        if h * freq >= sr / 2:
            break
        x += np.sin(2 * np.pi * h * freq * t + np.pi / 4) / h
    return _unit(x, zero_mean=False)


def crackle(n: int, sr: int, rng: np.random.Generator, density: float = 20.0) -> np.ndarray:
    """Clicks and crackle (worn record / film): impulsive events, zero mean, RMS 1.

    Event count ~ Poisson(density * n / sr), at least 1; positions uniform;
    each event has a random sign and amplitude 1 + Pareto(1.5) (capped at 50),
    so most are faint crackles and a few are loud clicks; every event is shaped
    by the one-sided decay exp(-t / 0.25 ms) (5 time constants long).
    """
    n = _check_n(n)
    if density <= 0:
        raise ArhError(f"crackle density must be > 0 events per second, got {density}")
    count = max(1, int(rng.poisson(density * n / sr)))
    pos = rng.integers(0, n, size=count)
    amp = np.minimum(1.0 + rng.pareto(CRACKLE_PARETO_SHAPE, size=count), CRACKLE_MAX_AMP)
    amp *= rng.choice([-1.0, 1.0], size=count)
    train = np.zeros(n)
    np.add.at(train, pos, amp)
    tau = CRACKLE_TAU_S * sr
    kernel = np.exp(-np.arange(max(1, int(np.ceil(5 * tau)))) / max(tau, 1e-9))
    x = np.convolve(train, kernel)[:n]
    return _unit(x)


_BABBLE_MATERIAL: dict[int, list[np.ndarray]] = {}


def _default_speech(sr: int) -> list[np.ndarray]:
    """Speech from the default corpus (``core.datasets.default.speech.babble_material``), cached per rate."""
    if sr not in _BABBLE_MATERIAL:
        try:
            from core.datasets.default.speech import babble_material
        except ModuleNotFoundError as e:
            if e.name and "core.datasets.default.speech".startswith(e.name):
                raise ArhError(
                    "babble needs speech material: the default speech corpus "
                    "(core.datasets.default.speech) is not available in this checkout; "
                    "pass recorded babble instead with noise:kind=file,file=<path.wav>"
                ) from None
            raise
        _BABBLE_MATERIAL[sr] = list(babble_material(sr))
    return _BABBLE_MATERIAL[sr]


def babble(n: int, sr: int, rng: np.random.Generator, talkers: int = 6,
           speech: list[np.ndarray] | None = None) -> np.ndarray:
    """Babble: ``talkers`` simultaneous voices, zero mean, RMS 1.

    Each talker is a stream of utterances drawn uniformly (with replacement)
    from ``speech`` (1-D arrays at ``sr``), the first entered at a uniform
    random offset, concatenated without gaps to n samples and scaled to RMS 1;
    the streams are summed and the sum scaled to RMS 1. ``speech=None`` uses
    the default corpus' synthetic speech at ``sr``.
    """
    n = _check_n(n)
    if talkers < 1:
        raise ArhError(f"babble needs at least 1 talker, got {talkers}")
    material = _default_speech(sr) if speech is None else list(speech)
    material = [np.asarray(s, dtype=np.float64).reshape(-1) for s in material]
    material = [s for s in material if s.size and np.any(s)]
    if not material:
        raise ArhError("babble needs speech material: got no non-silent utterances")
    if not all(np.isfinite(s).all() for s in material):
        raise ArhError("babble speech material contains NaN or Inf samples")
    total = np.zeros(n)
    for _ in range(int(talkers)):
        parts, have = [], 0
        first = material[int(rng.integers(len(material)))]
        start = int(rng.integers(first.size))
        parts.append(first[start:])
        have += first.size - start
        while have < n:
            u = material[int(rng.integers(len(material)))]
            parts.append(u)
            have += u.size
        stream = np.concatenate(parts)[:n]
        rms = np.sqrt(np.mean(stream * stream))
        if rms > 0:
            total += stream / rms
    return _unit(total)


__all__ = ["white", "pink", "brown", "hum", "crackle", "babble"]
