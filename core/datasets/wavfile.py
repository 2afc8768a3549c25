"""Byte-reproducible float32 WAV writing for dataset files.

libsndfile (behind ``soundfile``) stamps the wall-clock time into the PEAK
chunk of every float WAV it writes, so two writes of the same samples differ.
Dataset files must be byte-identical across rebuilds, so they are written here:
RIFF/WAVE, format 3 (IEEE float), 32-bit, a ``fact`` chunk, then the samples.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from core.atomic import atomic_path
from core.errors import AudioError


def float_wav_bytes(x: np.ndarray, sr: int) -> bytes:
    """The complete file for ``x`` (``(n,)`` or ``(n, ch)``) at ``sr`` Hz as little-endian float32."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    frames, channels = x.shape
    data = np.ascontiguousarray(x, dtype="<f4").tobytes()
    block = 4 * channels
    fmt = struct.pack("<HHIIHHH", 3, channels, int(sr), int(sr) * block, block, 32, 0)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"fact" + struct.pack("<II", 4, frames)
            + b"data" + struct.pack("<I", len(data)) + data)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def write_float_wav(path: str | Path, x: np.ndarray, sr: int) -> None:
    """Write ``x`` as a 32-bit float WAV atomically; refuses NaN/Inf samples."""
    x = np.asarray(x, dtype=np.float32)
    if not np.isfinite(x).all():
        raise AudioError(path, "refusing to write NaN or Inf samples")
    with atomic_path(path) as tmp:
        tmp.write_bytes(float_wav_bytes(x, sr))
