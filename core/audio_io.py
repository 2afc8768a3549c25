"""Reading and writing audio files, with checks that name the file and the problem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from core.atomic import atomic_path
from core.errors import AudioError

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3")


def read_audio(path: str | Path, mono: bool = True) -> tuple[np.ndarray, int]:
    """Read a file as float32 in [-1, 1]; returns (samples, rate).

    Shape is ``(n,)`` when ``mono`` (channels averaged), else ``(n, channels)``.
    Raises :class:`AudioError` for unreadable, empty or non-finite files.
    """
    p = Path(path)
    if not p.exists():
        raise AudioError(p, "file does not exist")
    if p.stat().st_size == 0:
        raise AudioError(p, "file is empty (0 bytes)")
    try:
        x, sr = sf.read(str(p), dtype="float32", always_2d=True)
    except Exception as e:  # soundfile raises several types; report the reason
        raise AudioError(p, f"cannot decode audio: {e}", "check the file is a valid wav/flac/ogg/mp3") from e
    if x.shape[0] == 0:
        raise AudioError(p, "audio has 0 samples")
    if not np.isfinite(x).all():
        raise AudioError(p, "audio contains NaN or Inf samples")
    if mono:
        x = x.mean(axis=1) if x.shape[1] > 1 else x[:, 0]
    return np.ascontiguousarray(x, dtype=np.float32), int(sr)


def audio_info(path: str | Path) -> tuple[int, int, int]:
    """(sample_rate, num_samples, channels) from the file header."""
    info = sf.info(str(path))
    return int(info.samplerate), int(info.frames), int(info.channels)


def write_wav(path: str | Path, x: np.ndarray, sr: int, subtype: str = "FLOAT") -> None:
    """Write ``x`` (shape ``(n,)`` or ``(n, ch)``) as WAV atomically.

    ``subtype`` is a soundfile subtype: ``FLOAT`` (32-bit float) or ``PCM_16``
    (samples rounded to the nearest integer of ``x * 32768``, clipped).
    Float files are written byte-reproducibly (libsndfile stamps the time into
    a PEAK chunk, so it is not used for them).
    """
    x = np.asarray(x, dtype=np.float32)
    if not np.isfinite(x).all():
        raise AudioError(path, "refusing to write NaN or Inf samples")
    if subtype == "FLOAT":
        from core.datasets.wavfile import float_wav_bytes

        with atomic_path(path) as tmp:
            tmp.write_bytes(float_wav_bytes(x, sr))
        return
    if subtype == "PCM_16":
        # round to nearest on the v / 32768 scale ourselves: libsndfile's float->int conversion
        # truncates, and readers (e.g. upstream SEGAN) must see the same integers as our resampling
        x = np.clip(np.round(x.astype(np.float64) * 32768.0), -32768, 32767).astype(np.int16)
    with atomic_path(path) as tmp:
        sf.write(str(tmp), x, int(sr), subtype=subtype, format="WAV")
