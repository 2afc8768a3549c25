"""One source file -> clean and degraded WAVs (worker side of a dataset build).

:func:`process_item` runs in pool workers: it loads the file, checks it (rate,
channels, silence), converts it to mono at the target rate (soxr VHQ), degrades
the whole signal with the chain (randomness from the item id, so workers and
order never matter), cuts clean and degraded with the same windows when
segmenting, and writes ``clean/<id>.wav`` and ``degraded/<id>.wav`` as
byte-reproducible float32 WAV. Problems with the input come back as a skip
record (file, problem, fix) instead of an exception, so the build can go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.datasets.convert import MIN_RATE, resample, segment, to_mono
from core.datasets.sources.base import RawItem
from core.datasets.wavfile import write_float_wav
from core.errors import ArhError, AudioError

_CHAINS: dict[str, object] = {}  # spec -> Chain, parsed once per worker process


@dataclass
class ItemTask:
    """Everything a worker needs for one raw item (picklable)."""

    item: RawItem
    digest: str
    rate: int
    spec: str
    seed: int
    out: str
    seg_len: int | None = None
    hop: int | None = None
    pad_last: bool = True
    stop_file: str = ""


def _chain(spec: str):
    if spec not in _CHAINS:
        from core.degrade import parse_spec

        _CHAINS[spec] = parse_spec(spec)
    return _CHAINS[spec]


def clean_rel(item_id: str) -> str:
    return f"clean/{item_id}.wav"


def degraded_rel(item_id: str) -> str:
    return f"degraded/{item_id}.wav"


def _skip(task: ItemTask, problem: str, fix: str = "") -> dict:
    return {"raw_id": task.item.id, "digest": task.digest,
            "skipped": {"file": task.item.path, "id": task.item.id, "problem": problem, "fix": fix}}


def process_item(task: ItemTask) -> dict:
    """Build one raw item; returns its done-record (``segments``) or a ``skipped`` record."""
    from core.degrade import StepError

    item = task.item
    if task.stop_file and Path(task.stop_file).exists():
        return {"raw_id": item.id, "cancelled": True}
    try:
        x, sr = item.load()
    except AudioError as e:
        return _skip(task, e.problem, e.fix)
    channels = int(x.shape[1])
    notes = []
    if sr < MIN_RATE:
        return _skip(task, f"sample rate {sr} Hz is below the minimum of {MIN_RATE} Hz",
                     "resample the file or leave it out")
    x = to_mono(x)
    if channels > 1:
        notes.append(f"{channels} channels downmixed to mono")
    if not np.any(x):
        return _skip(task, "silent: every sample is zero, so noise at a given SNR is undefined",
                     "remove the file from the source folder")
    try:
        x = resample(x, sr, task.rate)
    except Exception as e:  # soxr raises ValueError/RuntimeError for rates it cannot handle
        return _skip(task, f"cannot resample from {sr} Hz to {task.rate} Hz: {e}", "convert the file first")
    try:
        y = _chain(task.spec).apply(x, task.rate, task.seed, item.id)
    except StepError as e:
        return _skip(task, f"degradation failed: {e}")
    if y.shape != x.shape:
        raise ArhError(f"degradation {task.spec!r} changed the length of {item.id!r} "
                       f"({len(x)} -> {len(y)} samples); a chain must keep samples aligned")
    if task.seg_len:
        windows = list(zip(segment(x, task.seg_len, task.hop, task.pad_last),
                           segment(y, task.seg_len, task.hop, task.pad_last), strict=True))
        if not windows:
            return _skip(task, f"shorter ({len(x)} samples) than one segment of {task.seg_len} samples",
                         "use a shorter --segment or keep the padded last window")
        parts = [(f"{item.id}/{k:04d}", start, cx, dy) for k, ((start, cx), (_, dy)) in enumerate(windows)]
    else:
        parts = [(item.id, 0, x, y)]
    out = Path(task.out)
    segments = []
    for seg_id, start, cx, dy in parts:
        write_float_wav(out / clean_rel(seg_id), cx, task.rate)
        write_float_wav(out / degraded_rel(seg_id), dy, task.rate)
        segments.append({"id": seg_id, "start": int(start), "num_samples": int(len(cx))})
    return {"raw_id": item.id, "digest": task.digest, "orig_rate": int(sr), "orig_channels": channels,
            "converted_samples": int(x.shape[0]), "notes": notes, "segments": segments}
