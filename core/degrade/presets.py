"""Named degradation presets: the settings of the papers and theses the harness reproduces.

A preset is a spec string plus the sample rate it is defined at and the kind of
clean source it expects. ``parse_spec(name)`` accepts a preset name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """A named degradation: ``spec`` is applied to ``source_hint`` audio at ``rate`` Hz."""

    name: str
    description: str
    rate: int
    spec: str
    source_hint: str


# The old-film thesis adds white noise of "30 RMS". We read that as an RMS of 30
# on the 16-bit integer scale (full scale 32768): 20*log10(30/32768) dBFS.
FILM_NOISE_RMS_16BIT = 30
FILM_NOISE_DBFS = round(20 * math.log10(FILM_NOISE_RMS_16BIT / 32768), 3)  # -60.767
FILM_CUTS = (150, 250, 500, 1000, 1500, 2000, 3000)
_FILM_NOISE = f"noise:kind=white,level={FILM_NOISE_DBFS}"


def _presets() -> dict[str, Preset]:
    items = [
        Preset("casey-mp3", "MP3 at 32 kbps (LAME CBR, mono) on 16 kHz speech: the SEGAN-on-MP3 project",
               16000, "mp3:bitrate=32k", "speech 16 kHz"),
        Preset("kim-sr", "Low-rate version of CD audio: 44.1 kHz resampled down to 11.025 kHz and back (soxr)",
               44100, "resample:rate=11025", "music 44.1 kHz"),
        Preset("degner-sr", "Down-sampled to 8 kHz and back, pink background noise at 20 dB SNR, "
               "then MP3 at 32 kbps, on 16 kHz speech",
               16000, "resample:rate=8000 | noise:kind=pink,snr=20 | mp3:bitrate=32k", "speech 16 kHz"),
        Preset("kuhne-noise", "White noise at 10 dB SNR on 8 kHz spoken digits (FSDD), the DCAE/VAE "
               "denoising setup (SNR assumed)",
               8000, "noise:kind=white,snr=10", "fsdd"),
        Preset("aksoy-film", "Old-film sound: brick-wall band cut at 150...3000 Hz (one per item) plus "
               f"white noise of RMS 30 on the 16-bit scale ({FILM_NOISE_DBFS} dBFS), 48 kHz",
               48000, f"bandcut:cutoff={'/'.join(map(str, FILM_CUTS))} | {_FILM_NOISE}",
               "speech or music 48 kHz"),
    ]
    for cut in FILM_CUTS:
        items.append(Preset(
            f"aksoy-film-{cut}", f"Old-film sound: brick-wall band cut at {cut} Hz plus white noise of "
            f"RMS 30 on the 16-bit scale ({FILM_NOISE_DBFS} dBFS), 48 kHz",
            48000, f"bandcut:cutoff={cut} | {_FILM_NOISE}", "speech or music 48 kHz"))
    return {p.name: p for p in items}


PRESETS: dict[str, Preset] = _presets()


def resolve(spec_or_preset: str) -> tuple[str, int | None]:
    """``(spec string, preset rate)`` for a preset name, ``(spec, None)`` for a plain spec."""
    key = spec_or_preset.strip()
    if key in PRESETS:
        return PRESETS[key].spec, PRESETS[key].rate
    return spec_or_preset, None
