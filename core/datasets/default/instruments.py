"""Instruments synthesised in numpy for rendering the default corpus's MIDI.

Each function returns one note as float32 ``(n,)`` at ``sr`` Hz, already faded
out, with ``n`` = note duration plus a short release. Randomness (pluck
excitation, drum noise) comes only from the ``rng`` passed in.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

RELEASE = 0.08  # seconds of fade after note-off


def _time(dur: float, sr: int, tail: float = RELEASE) -> np.ndarray:
    return np.arange(int(round((dur + tail) * sr))) / sr


def _release(t: np.ndarray, dur: float, attack: float = 0.004) -> np.ndarray:
    """Linear attack, hold until ``dur``, then a quick exponential fade (no clicks)."""
    env = np.minimum(1.0, t / attack) if attack > 0 else np.ones_like(t)
    after = t > dur
    env[after] *= np.exp(-(t[after] - dur) / (RELEASE / 5))
    return env


def pluck(freq: float, dur: float, sr: int, rng: np.random.Generator, velocity: float = 0.8,
          t60: float = 1.5, brightness: float = 0.5) -> np.ndarray:
    """Karplus-Strong plucked string: a noise burst in a damped, averaging delay loop."""
    period = max(2, int(round(sr / freq - 0.5)))
    t = _time(dur, sr)
    n = len(t)
    y = np.zeros(n + 1)  # y[0] is a zero pad so y[k - period - 1] exists for the first block
    # the burst is low-passed (one pole, cut-off 1.5..7.5 times the pitch as brightness goes 0..1)
    # so low harmonics dominate; filtering it circularly keeps it one period long, edge-free
    pole = float(np.exp(-2 * np.pi * freq * (1.5 + 6 * brightness) / sr))
    burst = rng.uniform(-1.0, 1.0, period)
    burst = lfilter([1.0 - pole], [1.0, -pole], np.tile(burst, 3))[2 * period:]
    burst = burst - burst.mean()
    burst /= max(np.abs(burst).max(), 1e-9)
    y[1:1 + min(period, n)] = burst[:n]
    gain = 10 ** (-3.0 / (t60 * sr / period))  # loss per trip round the loop
    k = period + 1
    while k < n + 1:
        m = min(period, n + 1 - k)
        y[k:k + m] = gain * 0.5 * (y[k - period:k - period + m] + y[k - period - 1:k - period - 1 + m])
        k += m
    out = y[1:] * _release(t, dur, attack=0.0) * velocity
    return out.astype(np.float32)


def fm(freq: float, dur: float, sr: int, velocity: float = 0.8, ratio: float = 1.0,
       index: float = 1.5, index_decay: float = 0.6, amp_decay: float = 1.5) -> np.ndarray:
    """Two-operator FM: ratio 1 sounds like an electric piano, ratio 3.5 like a bell."""
    t = _time(dur, sr)
    mod_index = index * np.exp(-t / index_decay)
    phase = 2 * np.pi * freq * t + mod_index * np.sin(2 * np.pi * ratio * freq * t)
    env = np.exp(-t / amp_decay) * _release(t, dur)
    return (np.sin(phase) * env * velocity).astype(np.float32)


def electric_piano(freq, dur, sr, velocity=0.8):
    return fm(freq, dur, sr, velocity, ratio=1.0, index=1.2 + velocity, index_decay=0.4, amp_decay=1.2)


def bell(freq, dur, sr, velocity=0.8):
    return fm(freq, dur, sr, velocity, ratio=3.5, index=2.5, index_decay=0.8, amp_decay=1.6)


ORGAN_DRAWBARS = ((1, 1.0), (2, 0.55), (3, 0.35), (4, 0.25), (6, 0.12), (8, 0.08))


def organ(freq: float, dur: float, sr: int, velocity: float = 0.8) -> np.ndarray:
    """Additive organ: a few harmonics (drawbars) with a gentle 6 Hz vibrato."""
    t = _time(dur, sr)
    vib = 1 + 0.002 * np.sin(2 * np.pi * 6.0 * t)
    phase = 2 * np.pi * freq * np.cumsum(vib) / sr
    y = sum(w * np.sin(h * phase) for h, w in ORGAN_DRAWBARS if h * freq < sr / 2)
    y = y / sum(w for _, w in ORGAN_DRAWBARS)
    return (y * _release(t, dur, attack=0.012) * velocity * 0.7).astype(np.float32)


def kick(sr: int, rng: np.random.Generator, velocity: float = 0.9) -> np.ndarray:
    """Sine whose pitch falls from about 150 Hz to 50 Hz, with a short click."""
    t = np.arange(int(0.35 * sr)) / sr
    f = 50 + 100 * np.exp(-t / 0.04)
    body = np.sin(2 * np.pi * np.cumsum(f) / sr) * np.exp(-t / 0.12)
    click = rng.uniform(-1, 1, len(t)) * np.exp(-t / 0.003) * 0.3
    return ((body + click) * velocity).astype(np.float32)


def snare(sr: int, rng: np.random.Generator, velocity: float = 0.7) -> np.ndarray:
    """Noise burst (brightened by differencing) over a 190 Hz tone."""
    t = np.arange(int(0.25 * sr)) / sr
    noise = np.diff(rng.uniform(-1, 1, len(t) + 1)) * 0.5
    y = noise * np.exp(-t / 0.07) * 0.8 + np.sin(2 * np.pi * 190 * t) * np.exp(-t / 0.04) * 0.5
    return (y * velocity).astype(np.float32)


def hat(sr: int, rng: np.random.Generator, velocity: float = 0.5, open_: bool = False) -> np.ndarray:
    """High-passed noise (second difference), short when closed, longer when open."""
    decay = 0.12 if open_ else 0.018
    t = np.arange(int((0.4 if open_ else 0.08) * sr)) / sr
    noise = np.diff(rng.uniform(-1, 1, len(t) + 2), n=2) * 0.25
    return (noise * np.exp(-t / decay) * velocity).astype(np.float32)
