"""Pairs of (reference, estimate) files matched by id, never by sorted order.

An id is a file's path relative to its folder, without extension, with ``/``
separators (``spk1/utt03`` for ``spk1/utt03.wav``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.audio_io import AUDIO_EXTENSIONS
from core.datasets.manifest import read_manifest
from core.errors import ArhError

ROLES = ("restored", "degraded")


@dataclass(frozen=True)
class Pair:
    """One scoring job. ``role`` is "restored" (model output) or "degraded" (no-restoration baseline)."""

    id: str
    reference_path: str
    estimate_path: str
    role: str = "restored"


def audio_files_by_id(folder: str | Path) -> dict[str, Path]:
    """id -> file for every audio file under ``folder`` (recursive)."""
    root = Path(folder)
    if not root.is_dir():
        raise ArhError(f"{root} is not a folder")
    out: dict[str, Path] = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS and not p.name.startswith("."):
            key = p.relative_to(root).with_suffix("").as_posix()
            if key in out:
                raise ArhError(f"two files in {root} have id {key!r}: {out[key].name} and {p.name}; "
                               "keep one format per id")
            out[key] = p
    return out


def read_ids(path: str | Path) -> list[str]:
    """Ids from a text file, one per line (blank lines and '#' comments ignored)."""
    p = Path(path)
    if not p.exists():
        raise ArhError(f"ids file {p} does not exist")
    ids = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines()]
    return [i for i in ids if i and not i.startswith("#")]


def pairs_from_dirs(ref_dir: str | Path, est_dir: str | Path, ids: list[str] | None = None,
                    role: str = "restored") -> tuple[list[Pair], list[str], list[str]]:
    """Pair files of two folders by id.

    Returns ``(pairs, unmatched_ref, unmatched_est)``: ids with a reference but no
    estimate, and ids with an estimate but no reference. With ``ids`` only those
    are considered; an id found in neither folder is an error.
    """
    refs = audio_files_by_id(ref_dir)
    ests = audio_files_by_id(est_dir)
    if ids is not None:
        wanted = list(dict.fromkeys(ids))
        nowhere = [i for i in wanted if i not in refs and i not in ests]
        if nowhere:
            shown = ", ".join(nowhere[:10]) + (" ..." if len(nowhere) > 10 else "")
            raise ArhError(f"{len(nowhere)} requested id(s) found in neither {ref_dir} nor {est_dir}: {shown}")
        refs = {i: refs[i] for i in wanted if i in refs}
        ests = {i: ests[i] for i in wanted if i in ests}
    pairs = [Pair(i, str(refs[i]), str(ests[i]), role) for i in sorted(refs) if i in ests]
    return pairs, sorted(set(refs) - set(ests)), sorted(set(ests) - set(refs))


def _find_estimate(est_dir: Path, item_id: str) -> Path:
    for ext in AUDIO_EXTENSIONS:
        p = est_dir / f"{item_id}{ext}"
        if p.exists():
            return p
    return est_dir / f"{item_id}.wav"  # missing: the engine records a failure naming this path


def pairs_from_dataset(dataset_dir: str | Path, est_dir: str | Path | None = None, split: str | None = "test",
                       role: str | None = None) -> list[Pair]:
    """Pairs for one split of a built dataset; the clean file is always the reference.

    With ``est_dir`` the estimate of item ``id`` is ``est_dir/<id>.<ext>`` (role
    "restored"); a missing output stays in the list and is recorded as failed,
    never dropped. Without ``est_dir`` the degraded twin is the estimate (role
    "degraded": the no-restoration baseline). ``split=None`` takes every split.
    """
    root = Path(dataset_dir)
    items = [it for it in read_manifest(root) if split is None or it.split == split]
    if not items:
        raise ArhError(f"{root} has no items in split {split!r}; choose another --split")
    if est_dir is None:
        role = role or "degraded"
        return [Pair(it.id, str(root / it.clean), str(root / it.degraded), role) for it in items]
    est = Path(est_dir)
    if not est.is_dir():
        raise ArhError(f"estimates folder {est} does not exist")
    role = role or "restored"
    return [Pair(it.id, str(root / it.clean), str(_find_estimate(est, it.id)), role) for it in items]


def unmatched_estimates(dataset_dir: str | Path, est_dir: str | Path) -> list[str]:
    """Ids of audio files in ``est_dir`` that are not items of the dataset (any split)."""
    known = {it.id for it in read_manifest(dataset_dir)}
    return sorted(set(audio_files_by_id(est_dir)) - known)
