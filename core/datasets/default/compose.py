"""Short pieces written as MIDI (pretty_midi): chords, melody, bass and drums from a style.

Everything sits on a sixteenth-note grid; the only randomness is the melody and
small rhythm choices, drawn from ``core.hashing.rng_for(seed, piece, "compose")``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.hashing import rng_for

SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10),
          "dorian": (0, 2, 3, 5, 7, 9, 10)}

# Drum patterns, General MIDI note -> one step string per bar (16 steps in 4/4, 12 in 3/4):
# 36 kick, 38 snare, 42 closed hat, 46 open hat; any character but "." is a hit.
DRUMS = {
    "none": {},
    "light": {36: "x.......x.......", 42: "x...x...x...x..."},
    "backbeat": {36: "x.....x.x.......", 38: "....x.......x...", 42: "x.x.x.x.x.x.x.x.",
                 46: "..............o."},
    "waltz": {36: "x...........", 42: "....x...x..."},
}


@dataclass(frozen=True)
class Style:
    """What a piece is made of. Degrees are 0-based scale steps (0 = I, 5 = vi)."""

    tempo: float
    beats: int  # beats per bar (quarter notes)
    bars: int
    root: int  # MIDI note of the key's tonic (around middle C)
    scale: str
    progression: tuple[int, ...]  # one chord degree per bar, repeated to fill the piece
    melody: int  # General MIDI program numbers (0-based)
    chords: int
    bass: int
    chord_style: str  # "block", "arpeggio", "stabs" or "waltz"
    drums: str = "none"
    melody_density: float = 0.6  # chance a melody step starts a note


PIECES: dict[str, Style] = {
    "folk-pluck": Style(100, 4, 6, 55, "major", (0, 4, 5, 3, 0, 4), 25, 25, 33, "arpeggio", "light"),
    "ballad-keys": Style(72, 4, 4, 60, "major", (5, 3, 0, 4), 11, 4, 32, "block", "none", 0.45),
    "chorale-organ": Style(66, 4, 4, 53, "major", (0, 3, 4, 0), 19, 19, 19, "block", "none", 0.35),
    "groove-minor": Style(112, 4, 8, 57, "minor", (0, 5, 2, 6), 11, 4, 33, "stabs", "backbeat", 0.5),
    "waltz-bells": Style(150, 3, 12, 62, "major", (0, 3, 4, 0, 5, 1, 4, 0), 14, 24, 32, "waltz", "waltz", 0.55),
    "dorian-jam": Style(96, 4, 6, 50, "dorian", (0, 3, 0, 3, 6, 4), 4, 25, 33, "arpeggio", "backbeat", 0.6),
}


def chord_notes(style: Style, degree: int, octave: int = 0, voices: int = 3) -> list[int]:
    """MIDI notes of the diatonic chord on ``degree`` (stacked thirds)."""
    scale = SCALES[style.scale]
    out = []
    for k in range(voices):
        step = degree + 2 * k
        out.append(style.root + 12 * (octave + step // 7) + scale[step % 7])
    return out


def compose(name: str, seed: int = 0, bars: int | None = None):
    """The piece ``name`` from :data:`PIECES` as a ``pretty_midi.PrettyMIDI`` (``bars`` overrides length)."""
    import pretty_midi

    style = PIECES[name]
    bars = bars or style.bars
    rng = rng_for(seed, f"music/{name}", "compose")
    sixteenth = 60.0 / style.tempo / 4
    steps_per_bar = 4 * style.beats
    pm = pretty_midi.PrettyMIDI(initial_tempo=style.tempo, resolution=480)
    if style.beats != 4:
        pm.time_signature_changes.append(pretty_midi.TimeSignature(style.beats, 4, 0.0))
    parts = {role: pretty_midi.Instrument(program=prog, name=role)
             for role, prog in (("chords", style.chords), ("bass", style.bass), ("melody", style.melody))}

    def add(role: str, pitch: int, step: float, length: float, velocity: int) -> None:
        start, end = step * sixteenth, (step + length) * sixteenth
        parts[role].notes.append(pretty_midi.Note(velocity=int(velocity), pitch=int(pitch), start=start, end=end))

    degree_prev = style.progression[0]
    melody_degree = 7 + degree_prev  # one octave above the tonic, in scale steps
    scale = SCALES[style.scale]
    for bar in range(bars):
        degree = style.progression[bar % len(style.progression)]
        base = bar * steps_per_bar
        chord = chord_notes(style, degree)
        # accompaniment
        if style.chord_style == "block":
            for p in chord_notes(style, degree, voices=4 if style.chords in range(16, 24) else 3):
                add("chords", p, base, steps_per_bar, 70)
        elif style.chord_style == "arpeggio":
            order = chord + [chord[0] + 12, chord[2], chord[1]]
            for k in range(steps_per_bar // 2):
                add("chords", order[k % len(order)], base + 2 * k, 3, 60 + 10 * (k % 4 == 0))
        elif style.chord_style == "stabs":
            for s in (2, 6, 10, 14):
                for p in chord:
                    add("chords", p, base + s, 1.5, 75)
        elif style.chord_style == "waltz":
            for beat in range(1, style.beats):
                for p in chord:
                    add("chords", p + 12, base + 4 * beat, 3, 62)
        # bass: root on the downbeat, fifth half-way (quarters for the waltz)
        bass_root = chord[0] - 24 if chord[0] - 24 >= 28 else chord[0] - 12
        if style.chord_style == "waltz":
            add("bass", bass_root, base, 4, 80)
        elif style.chord_style == "stabs":
            for k, s in enumerate((0, 3, 6, 8, 11, 14)):
                add("bass", bass_root + (12 if k == 3 else 0), s + base, 2, 85)
        else:
            half = steps_per_bar // 2
            add("bass", bass_root, base, half, 85)
            add("bass", bass_root + 7, base + half, half, 75)
        # melody: a random walk on the scale that lands on chord tones on strong beats
        step = 0
        while step < steps_per_bar:
            length = int(rng.choice([2, 2, 4, 4, 6, 8] if style.tempo < 90 else [1, 2, 2, 2, 4, 4]))
            length = min(length, steps_per_bar - step)
            if rng.random() < style.melody_density or step == 0:
                melody_degree += int(rng.choice([-2, -1, -1, 0, 1, 1, 2]))
                melody_degree = int(np.clip(melody_degree, 4, 14))
                if step % 4 == 0:  # strong position: nearest chord tone
                    tones = [degree + 2 * k + 7 * o for k in range(3) for o in (0, 1, 2)]
                    melody_degree = min(tones, key=lambda d: (abs(d - melody_degree), d))
                pitch = style.root + 12 * (melody_degree // 7) + scale[melody_degree % 7]
                add("melody", pitch, base + step, length, 70 + int(rng.integers(0, 25)))
            step += length
        # drums
        pattern = DRUMS[style.drums]
        if pattern:
            drums = parts.setdefault("drums", pretty_midi.Instrument(program=0, is_drum=True, name="drums"))
            for note, hits in pattern.items():
                for s, ch in enumerate(hits[:steps_per_bar]):
                    if ch != ".":
                        drums.notes.append(pretty_midi.Note(
                            velocity=90 if s % 4 == 0 else 65, pitch=note,
                            start=(base + s) * sixteenth, end=(base + s + 1) * sixteenth))
    pm.instruments.extend(parts.values())
    return pm
