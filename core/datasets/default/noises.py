"""Noises of the default corpus: white, pink, brown, mains hum, babble and crackle.

A few seconds each at 16 kHz, from ``core.degrade.noise_gen`` (babble mixes
espeak-ng speech from :func:`speech.babble_material`), peak-normalised to -3 dBFS.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.hashing import rng_for

NOISE_RATE = 16000
NOISE_SECONDS = 5.0
NOISE_KINDS = ("babble", "brown", "crackle", "hum", "pink", "white")
PEAK_DBFS = -3.0


def make_noise(kind: str, seed: int = 0, seconds: float = NOISE_SECONDS, sr: int = NOISE_RATE) -> np.ndarray:
    """``seconds`` of noise ``kind`` as float32 ``(n,)`` at ``sr`` Hz."""
    from core.degrade import noise_gen

    n = int(round(seconds * sr))
    rng = rng_for(seed, f"noise/{kind}", "generate")
    if kind in ("white", "pink", "brown"):
        x = getattr(noise_gen, kind)(n, rng)
    elif kind == "hum":
        x = noise_gen.hum(n, sr)
    elif kind == "crackle":
        x = noise_gen.crackle(n, sr, rng)
    elif kind == "babble":
        from core.datasets.default.speech import babble_material

        x = noise_gen.babble(n, sr, rng, talkers=6, speech=babble_material(sr))
    else:
        from core.errors import UnknownNameError
        from core.registry import did_you_mean

        raise UnknownNameError(f"Unknown default noise {kind!r}. {did_you_mean(kind, list(NOISE_KINDS))}")
    x = np.asarray(x, dtype=np.float64)
    peak = np.abs(x).max()
    return (x * (10 ** (PEAK_DBFS / 20) / peak if peak > 0 else 1.0)).astype(np.float32)


def write_noise(kind: str, wav_path: str | Path, seed: int = 0) -> np.ndarray:
    from core.datasets.wavfile import write_float_wav

    x = make_noise(kind, seed)
    write_float_wav(wav_path, x, NOISE_RATE)
    return x
