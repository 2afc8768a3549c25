"""The scoring engine: score (reference, estimate) pairs with many metrics, in parallel, resumably.

One task per pair reads both files inside the worker, runs the alignment guard
and computes every requested metric with a shared per-pair cache (so the
composites reuse PESQ, LLR, WSS and segSNR). Each (id, role, metric) becomes one
JSONL record; records are appended as they arrive (a crash loses nothing
finished) and the file is rewritten sorted at the end. Rerunning with the same
``out`` skips records already there whose metric description is unchanged.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from core.atomic import read_jsonl, write_jsonl
from core.audio_io import audio_info, read_audio
from core.errors import ArhError, AudioError
from core.hashing import stable_hash
from core.metrics.alignment import DEFAULT_MAX_LAG_S, apply_alignment, check_alignment
from core.metrics.metric import MetricFailure, PairCache
from core.metrics.pairing import Pair, pairs_from_dataset, pairs_from_dirs
from core.metrics.registry import get_metric, resolve_metrics
from core.metrics.summary import compare, summarize
from core.parallel import pmap_unordered

RECORD_SCHEMA_VERSION = 1

__all__ = ["Pair", "RECORD_SCHEMA_VERSION", "compare", "pairs_from_dataset", "pairs_from_dirs",
           "score_pairs", "summarize"]


@dataclass(frozen=True)
class _Task:
    pair: Pair
    metrics: tuple[str, ...]
    align: bool
    max_lag_s: float


def _score_task(task: _Task) -> dict:
    """Worker: read one pair and compute its metrics. Returns plain data (picklable)."""
    pair = task.pair
    out = {"sample_rate": None, "alignment": None, "results": {}}

    def fail_all(reason: str) -> dict:
        out["results"] = {n: (None, reason) for n in task.metrics}
        return out

    try:
        ref, sr = read_audio(pair.reference_path)
        est, sr_est = read_audio(pair.estimate_path)
    except AudioError as e:
        return fail_all(f"cannot read audio: {e}")
    if sr != sr_est:
        return fail_all(f"sample rates differ: reference {sr} Hz, estimate {sr_est} Hz; resample the "
                        "estimate to the reference rate before scoring")
    out["sample_rate"] = sr
    try:
        info = check_alignment(ref, est, sr, task.max_lag_s)
        if task.align:
            ref, est, info = apply_alignment(ref, est, info)
        out["alignment"] = info.to_dict()
    except Exception as e:  # noqa: BLE001 - recorded, never turned into a number
        return fail_all(f"internal error in the alignment guard: {type(e).__name__}: {e}")
    cache = PairCache()
    for name in task.metrics:
        try:
            out["results"][name] = (get_metric(name)(ref, est, sr, cache), None)
        except MetricFailure as e:
            out["results"][name] = (None, e.reason)
        except Exception as e:  # noqa: BLE001 - a bug must not abort a long run; it is recorded
            out["results"][name] = (None, f"internal error in {name}: {type(e).__name__}: {e}")
    return out


def _record(pair: Pair, name: str, value, error, result: dict, descriptions: dict, hashes: dict,
            extra: dict) -> dict:
    metric = get_metric(name)
    sr = result["sample_rate"]
    rec = {
        "schema_version": RECORD_SCHEMA_VERSION,
        "id": pair.id, "role": pair.role, "metric": name,
        "value": value, "status": "ok" if error is None else "failed", "error": error,
        "capped": metric.is_capped(value),
        "unit": metric.unit, "higher_is_better": metric.higher_is_better,
        "metric_info": descriptions[name], "metric_hash": hashes[name],
        "sample_rate": sr, "scored_rate": metric.scoring_rate(sr) if sr else None,
        "alignment": result["alignment"],
        "reference": pair.reference_path, "estimate": pair.estimate_path,
    }
    clash = set(extra) & set(rec)
    if clash:
        raise ArhError(f"extra fields {sorted(clash)} would overwrite record fields; rename them")
    rec.update(extra)
    return rec


def _preload(names: list[str]) -> None:
    """Import the metrics' packages once here, so forked workers inherit them instead of each
    paying the import (pystoi pulls in scipy.signal: seconds on a busy machine)."""
    import importlib

    for module in sorted({m for n in names for m in get_metric(n).imports} | {"soxr"}):
        importlib.import_module(module)


def _append_records(path: str | Path, records: list[dict]) -> None:
    """Append one pair's records with a single fsync (a crash loses at most that pair)."""
    text = "".join(json.dumps(r, sort_keys=True, default=str) + "\n" for r in records)
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _data_rates(pairs: list[Pair]) -> set[int]:
    rates = set()
    for p in pairs:
        try:
            rates.add(audio_info(p.reference_path)[0])
        except Exception:  # noqa: BLE001 - unreadable files fail later, with their reason
            continue
    return rates or {16000}


def _key(rec: dict) -> tuple[str, str, str]:
    return rec["id"], rec["role"], rec["metric"]


def sort_records(records: list[dict], order: list[str] | None = None) -> list[dict]:
    """Stable order: role, id, then metric in registry (or given) order."""
    rank = {n: i for i, n in enumerate(order or [])}
    return sorted(records, key=lambda r: (r["role"], r["id"], rank.get(r["metric"], len(rank)), r["metric"]))


def alignment_warnings(records: list[dict]) -> list[str]:
    """One line per (role, id) whose alignment guard found a problem."""
    seen: dict[tuple[str, str], str] = {}
    for r in records:
        a = r.get("alignment")
        if a and not a.get("ok", True):
            applied = (f" [aligned: lag {a['applied_lag_samples']} applied, {a['scored_samples']} samples scored]"
                       if a.get("applied") else "")
            seen.setdefault((r["role"], r["id"]), "; ".join(a.get("problems", [])) + applied)
    return [f"{role}/{i}: {msg}" for (role, i), msg in sorted(seen.items())]


def score_pairs(pairs: list[Pair], metrics: list[str] | str | None, out: str | Path | None = None,
                workers: int | None = None, align: bool = False, quiet: bool | None = None,
                extra: dict | None = None, max_lag_s: float = DEFAULT_MAX_LAG_S,
                retry_failed: bool = False) -> list[dict]:
    """Score every pair with every metric; returns the records of these pairs, sorted.

    ``metrics``: names (or a comma-separated string, or None for the default set
    at the data's rate). ``out``: JSONL file; existing records there for the
    same (id, role, metric) and the same metric description are kept and not
    recomputed (``retry_failed=True`` recomputes failed ones). ``align``: shift
    out a constant lag and trim to the overlap (see core.metrics.alignment).
    ``extra``: fields added to every new record (run id, adapter, ...).
    """
    pairs = list(pairs)
    counts = Counter((p.id, p.role) for p in pairs)
    dup = sorted(k for k, c in counts.items() if c > 1)
    if dup:
        raise ArhError(f"duplicate (id, role) pairs: {dup[:5]}; each id may appear once per role")
    names = resolve_metrics(metrics, _data_rates(pairs) if metrics is None else {16000})
    descriptions = {n: get_metric(n).describe() for n in names}
    hashes = {n: stable_hash(descriptions[n]) for n in names}
    extra = dict(extra or {})

    wanted = {(p.id, p.role, n) for p in pairs for n in names}
    kept_other: list[dict] = []
    done: dict[tuple[str, str, str], dict] = {}
    if out is not None:
        for rec in read_jsonl(out):
            k = _key(rec)
            if k not in wanted:
                kept_other.append(rec)
            elif rec.get("metric_hash") == hashes[k[2]] and (rec.get("status") == "ok" or not retry_failed):
                done[k] = rec  # a later line for the same key wins
            else:
                done.pop(k, None)  # stale description or a failure to retry: recompute
    tasks = []
    for p in pairs:
        todo = tuple(n for n in names if (p.id, p.role, n) not in done)
        if todo:
            tasks.append(_Task(p, todo, align, max_lag_s))
    # Longest first keeps every worker busy until the end (results do not depend on order).
    tasks.sort(key=lambda t: -_file_size(t.pair.reference_path))

    new: list[dict] = []
    if tasks:
        _preload(names)
        if out is not None:
            # Rewrite what is kept first: drops stale records and a torn last line left by a
            # crash, so the appends below start on a clean line.
            write_jsonl(out, sort_records(kept_other + list(done.values()), names))
        for task, result in pmap_unordered(_score_task, tasks, workers, "scoring", quiet=quiet):
            batch = [_record(task.pair, name, *result["results"][name], result, descriptions, hashes, extra)
                     for name in task.metrics]
            new += batch
            if out is not None:
                _append_records(out, batch)

    records = sort_records(list(done.values()) + new, names)
    if out is not None:
        write_jsonl(out, sort_records(kept_other + records, names))
    warnings = alignment_warnings(new)
    if warnings:
        hint = "" if align else " (scores of these pairs are affected; rerun with --align / align=True)"
        shown = "\n  ".join(warnings[:20]) + (f"\n  ... and {len(warnings) - 20} more" if len(warnings) > 20 else "")
        print(f"arh: warning: alignment guard flagged {len(warnings)} pair(s){hint}:\n  {shown}",
              file=sys.stderr)
    return records


def values_by_key(records: list[dict]) -> dict[tuple[str, str, str], float | None]:
    """(id, role, metric) -> value (None when failed); handy for comparing runs."""
    return {_key(r): (None if r["value"] is None else float(r["value"])) for r in records}
