"""Additive noise: ``noise`` (many kinds), ``hum`` and ``crackle``, at an SNR or a level."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.audio_io import read_audio
from core.degrade import noise_gen
from core.degrade.mixing import add_at, check_snr_or_level
from core.degrade.params import Param, ParamError
from core.degrade.resampling import resample
from core.degrade.transform import transform
from core.errors import ArhError

NOISE_KINDS = ("white", "pink", "brown", "babble", "hum", "crackle", "file")
_SNR = Param("snr", "float", None, "dB: 10*log10(sum x^2 / sum noise^2) over the item", low=-100.0, high=200.0)
_LEVEL = Param("level", "float", None, "noise RMS in dBFS (RMS 1.0 = 0 dBFS); the old-film "
               "'30 RMS' on a 16-bit scale is 20*log10(30/32768) = -60.77", low=-300.0, high=20.0)

_FILES: dict[tuple, np.ndarray] = {}

BABBLE_TALKERS = 6  # voices in babble when `talkers` is not given


def load_noise_file(path: str, sr: int) -> np.ndarray:
    """A noise recording as mono float32 at ``sr`` Hz (soxr HQ if needed), cached per file and rate."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ArhError(f"noise file {str(p)!r} does not exist (noise:kind=file,file=<path>; "
                       "relative paths are relative to the current directory)")
    st = p.stat()
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size, sr)
    if key not in _FILES:
        data, file_sr = read_audio(p, mono=True)
        data = resample(data, file_sr, sr)
        if not np.any(data):
            raise ArhError(f"noise file {str(p)!r} is silent (all zeros)")
        _FILES[key] = data
    return _FILES[key]


def _validate_noise(kw: dict) -> None:
    check_snr_or_level(kw)
    if (kw["kind"] == "file") != (kw["file"] is not None):
        raise ParamError("kind=file needs file=<path to a wav/flac/ogg>, and file= is only used with kind=file")


@transform(
    "noise",
    Param("kind", "str", doc="white, pink, brown, babble, hum, crackle or file", choices=NOISE_KINDS),
    _SNR,
    _LEVEL,
    Param("file", "path", None, "noise recording for kind=file (looped from a random offset)"),
    Param("talkers", "int", None, "number of voices for kind=babble (unset: 6)", low=1, high=100),
    validate=_validate_noise,
)
def noise(x, sr, rng, *, kind, snr, level, file, talkers):
    """Additive noise y = x + g*v, with g such that the SNR 10*log10(sum x^2 / sum (g*v)^2)
    equals `snr` exactly, or the RMS of g*v is `level` dBFS exactly. v is from
    core.degrade.noise_gen: white, pink (1/f), brown (1/f^2), babble (`talkers` voices from the
    default corpus' speech), hum (50 Hz, 5 harmonics), crackle (20 events/s); or kind=file: the
    recording at `file` (mono, resampled to the input rate), looped and read from a uniform
    random offset. No clipping. A silent item with snr= is an error (use level=)."""
    n = x.size
    if kind == "white":
        v = noise_gen.white(n, rng)
    elif kind == "pink":
        v = noise_gen.pink(n, rng)
    elif kind == "brown":
        v = noise_gen.brown(n, rng)
    elif kind == "babble":
        v = noise_gen.babble(n, sr, rng, talkers=talkers or BABBLE_TALKERS)
    elif kind == "hum":
        v = noise_gen.hum(n, sr)
    elif kind == "crackle":
        v = noise_gen.crackle(n, sr, rng)
    else:
        rec = load_noise_file(file, sr)
        start = int(rng.integers(rec.size))
        v = rec[(start + np.arange(n)) % rec.size]
    return add_at(x, v, snr=snr, level=level, what=f"{kind} noise")


def _check_hum(sr: int, kw: dict) -> None:
    if kw["freq"] >= sr / 2:
        raise ArhError(f"hum freq={kw['freq']:g} Hz is at or above the Nyquist frequency ({sr / 2:g} Hz)")


@transform(
    "hum",
    Param("freq", "float", 50.0, "mains frequency in Hz (50 Europe/Asia, 60 Americas)", low=1.0),
    Param("harmonics", "int", 5, "number of harmonics including the fundamental", low=1, high=100),
    _SNR,
    _LEVEL,
    validate=check_snr_or_level,
    check_rate=_check_hum,
)
def hum(x, sr, rng, *, freq, harmonics, snr, level):
    """Mains hum added at `snr` dB or `level` dBFS (exact, as in noise): v = sum over
    h = 1..harmonics (below sr/2) of (1/h)*sin(2*pi*h*freq*t + pi/4) (noise_gen.hum)."""
    return add_at(x, noise_gen.hum(x.size, sr, freq=freq, harmonics=harmonics),
                  snr=snr, level=level, what="hum")


@transform(
    "crackle",
    Param("density", "float", 20.0, "impulsive events per second", low=1e-3, high=1e5),
    _SNR,
    _LEVEL,
    validate=check_snr_or_level,
)
def crackle(x, sr, rng, *, density, snr, level):
    """Clicks and crackle added at `snr` dB or `level` dBFS (exact, as in noise): Poisson
    events (`density` per second, at least 1) with random sign and heavy-tailed amplitude
    1 + Pareto(1.5), each decaying as exp(-t / 0.25 ms) (noise_gen.crackle)."""
    return add_at(x, noise_gen.crackle(x.size, sr, rng, density=density),
                  snr=snr, level=level, what="crackle")
