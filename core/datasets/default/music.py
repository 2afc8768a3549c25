"""Music of the default corpus: short MIDI pieces rendered with numpy instruments.

Each piece of :data:`compose.PIECES` (10-20 s, different styles and tempos) is
written as MIDI with pretty_midi, then every note is rendered by a synthesised
instrument chosen from its General MIDI program (Karplus-Strong pluck for
guitars and basses, FM for pianos and bells, additive organ, noise-burst drums),
mixed in stereo at 44.1 kHz and peak-normalised to -1 dBFS. Deterministic: the
same seed gives the same samples.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from core.atomic import atomic_path
from core.datasets.default import instruments as ins
from core.datasets.default.compose import PIECES, compose
from core.hashing import rng_for

MUSIC_RATE = 44100
PEAK_DBFS = -1.0
PAN = {"chords": -0.35, "melody": 0.35, "bass": 0.0, "drums": 0.0}  # -1 left .. +1 right
LEVEL = {"chords": 0.45, "melody": 0.6, "bass": 0.7, "drums": 0.55}


def _note(program: int, freq: float, dur: float, sr: int, vel: float, rng: np.random.Generator) -> np.ndarray:
    """One note rendered by the instrument that stands in for GM ``program``."""
    family = program // 8
    if family == 0:  # pianos
        return ins.electric_piano(freq, dur, sr, vel)
    if family == 1:  # chromatic percussion: celesta, vibraphone, bells
        return ins.bell(freq, dur, sr, vel)
    if family == 2:  # organs
        return ins.organ(freq, dur, sr, vel)
    if family == 4:  # basses: darker, longer strings
        return ins.pluck(freq, dur, sr, rng, vel, t60=2.0, brightness=0.3)
    return ins.pluck(freq, dur, sr, rng, vel, t60=1.2, brightness=0.6)  # guitars and the rest


def _drum(pitch: int, sr: int, vel: float, rng: np.random.Generator) -> np.ndarray:
    if pitch in (35, 36):
        return ins.kick(sr, rng, vel)
    if pitch in (38, 40):
        return ins.snare(sr, rng, vel)
    return ins.hat(sr, rng, vel * 0.8, open_=pitch == 46)


def render(pm, sr: int = MUSIC_RATE, seed: int = 0, name: str = "piece") -> np.ndarray:
    """Render a PrettyMIDI object to float32 ``(n, 2)`` peak-normalised to :data:`PEAK_DBFS`."""
    total = int((pm.get_end_time() + 2.0) * sr)
    mix = np.zeros((total, 2))
    for k, inst in enumerate(pm.instruments):
        rng = rng_for(seed, f"music/{name}", f"render/{k}")
        track = np.zeros(total)
        for note in sorted(inst.notes, key=lambda n: (n.start, n.pitch)):
            vel = note.velocity / 127
            if inst.is_drum:
                y = _drum(note.pitch, sr, vel, rng)
            else:
                freq = 440.0 * 2 ** ((note.pitch - 69) / 12)
                y = _note(inst.program, freq, note.end - note.start, sr, vel, rng)
            start = int(round(note.start * sr))
            y = y[: total - start]
            track[start:start + len(y)] += y
        pan = PAN.get(inst.name, 0.0)
        angle = (pan + 1) * np.pi / 4  # constant-power pan
        level = LEVEL.get(inst.name, 0.5)
        mix[:, 0] += track * level * np.cos(angle)
        mix[:, 1] += track * level * np.sin(angle)
    # trim the silent tail left for ringing notes, keep 50 ms of room
    loud = np.flatnonzero(np.abs(mix).max(axis=1) > 1e-4)
    end = min(total, (loud[-1] + 1 + int(0.05 * sr)) if len(loud) else total)
    mix = mix[:end]
    peak = np.abs(mix).max()
    if peak > 0:
        mix *= 10 ** (PEAK_DBFS / 20) / peak
    return mix.astype(np.float32)


def piece_names() -> list[str]:
    return sorted(PIECES)


def piece_meta(name: str) -> dict:
    s = PIECES[name]
    return {"kind": "music", "style": name, "tempo": s.tempo, "meter": f"{s.beats}/4",
            "scale": s.scale, "bars": s.bars}


def write_piece(name: str, wav_path: str | Path, seed: int = 0, bars: int | None = None) -> np.ndarray:
    """Compose ``name``, save its MIDI next to ``wav_path`` (``.mid``), render and save the audio."""
    from core.datasets.wavfile import write_float_wav

    pm = compose(name, seed, bars)
    wav_path = Path(wav_path)
    with atomic_path(wav_path.with_suffix(".mid")) as tmp:
        pm.write(str(tmp))
    audio = render(pm, MUSIC_RATE, seed, name)
    write_float_wav(wav_path, audio, MUSIC_RATE)
    return audio
