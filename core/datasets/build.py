"""Build a dataset: clean and degraded twins of every source item, a manifest and a record.

Writes the on-disk contract described in :mod:`core.datasets.manifest`::

    DIR/dataset.json  DIR/manifest.jsonl  DIR/clean/<id>.wav  DIR/degraded/<id>.wav

plus ``DIR/.build/`` (resume state). Segmented items get ids ``<source id>/<nnnn>``
(window number) and ``meta.start`` (first sample). The dataset hash covers the sources'
content digests, the canonical chain, seed, rate, segmentation, split settings
and the code version; the same inputs give the same hash and byte-identical
files whatever the number of workers. An interrupted build resumes: items whose
done-record and files exist are not redone.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from core.atomic import append_jsonl, read_jsonl, write_json
from core.datasets.convert import MIN_RATE, segment_length
from core.datasets.manifest import SPLITS, ManifestItem, read_dataset_info, write_manifest
from core.datasets.process import ItemTask, clean_rel, degraded_rel, process_item
from core.datasets.provenance import code_version, tool_versions
from core.datasets.sources import Skipped, Source, open_source
from core.datasets.split import assign_splits, parse_fractions
from core.errors import ArhError, AudioError
from core.hashing import file_digest, stable_hash
from core.paths import arh_home
from core.progress import track

DATASET_SCHEMA_VERSION = 1
GROUP_CHOICES = ("origin", "segment")  # or any metadata key, e.g. "speaker"


def resolve_spec(spec: str, rate: int | None) -> tuple[str, int, object]:
    """(canonical spec, rate, Chain) from a spec or preset name; the preset's rate fills a missing rate."""
    from core.degrade import parse_spec
    from core.degrade.presets import resolve

    spec_str, preset_rate = resolve(str(spec))
    rate = rate if rate is not None else preset_rate
    if rate is None:
        raise ArhError(f"no sample rate: --degrade {spec!r} is not a preset with a rate; pass --rate HZ "
                       "(for example --rate 16000)")
    if int(rate) != rate or rate < MIN_RATE:
        raise ArhError(f"--rate {rate!r} is not usable: give a whole number of Hz >= {MIN_RATE} (e.g. 16000)")
    chain = parse_spec(spec_str)
    chain.check_rate(int(rate))
    return chain.canonical(), int(rate), chain


def _segmentation(segment, hop, pad_last: bool, rate: int) -> dict | None:
    if segment in (None, "", 0):
        return None
    length = segment_length(segment, rate)
    hop_n = segment_length(hop, rate) if hop not in (None, "", 0) else length
    return {"length": length, "hop": hop_n, "pad_last": bool(pad_last)}


def _check_out(out: Path, dataset_hash: str) -> None:
    """Refuse to mix a build into a folder that holds a different dataset."""
    state = out / ".build" / "state.json"
    for path in (out / "dataset.json", state):
        if path.exists():
            other = json.loads(path.read_text(encoding="utf-8")).get("hash")
            if other != dataset_hash:
                raise ArhError(f"{out} holds a dataset built from other inputs (hash {other}, this build "
                               f"{dataset_hash}); choose another --out or delete {out}")
            return
    if out.exists() and any(out.iterdir()):
        raise ArhError(f"{out} is not empty and is not an arh dataset; choose an empty or new --out folder")


def _item_done(rec: dict | None, digest: str, out: Path) -> bool:
    if not rec or rec.get("digest") != digest or "segments" not in rec:
        return False
    return all((out / clean_rel(s["id"])).exists() and (out / degraded_rel(s["id"])).exists()
               for s in rec["segments"])


def build_dataset(source: str | Source, rate: int | None, spec: str, seed: int = 0,
                  out: str | Path | None = None, split=(0.8, 0.1, 0.1), segment=None,
                  strict: bool = False, workers: int | None = None, quiet: bool | None = None, *,
                  limit: int | None = None, hop=None, pad_last: bool = True,
                  group_by: str = "origin") -> Path:
    """Build (or resume) a dataset and return its folder.

    ``source``: ``default``, ``default:speech``, ``fsdd:PATH``, a folder, or a Source.
    ``rate``: target rate in Hz (None: the preset's). ``spec``: degradation spec or
    preset name. ``segment``: window length (samples, or ``"2s"``), ``hop`` likewise
    (default: the length), ``pad_last``: zero-pad the last partial window (else drop).
    ``split``: fractions train,valid,test used unless the source defines splits;
    ``group_by``: ``origin`` (segments of one file stay together), ``segment``, or a
    metadata key such as ``speaker``. ``strict``: fail on the first bad file instead
    of skipping it. ``limit``: use at most this many source items (chosen by hash).
    """
    from core.parallel import pmap_unordered

    spec_canon, rate, chain = resolve_spec(spec, rate)
    fractions = parse_fractions(split)
    seg = _segmentation(segment, hop, pad_last, rate)
    src = open_source(source, workers=workers, quiet=quiet)
    scan = src.scan(limit)
    skipped: list[Skipped] = list(scan.skipped)
    if strict and skipped:
        raise AudioError(skipped[0].file, skipped[0].problem, skipped[0].fix)
    items = scan.items
    if not items:
        raise ArhError(f"source {src.describe()['spec']} has no usable items")
    if group_by not in GROUP_CHOICES:
        for it in items:
            _group_key(it, it.id, group_by)  # raises a clear error before any work is done
    digests = {it.id: file_digest(it.path) for it in track(items, "hashing sources", quiet=quiet)}
    code = code_version()
    identity = {
        "schema_version": DATASET_SCHEMA_VERSION,
        "items": [[it.id, digests[it.id], it.source, it.origin, it.split, it.meta] for it in items],
        "chain": chain.to_data(), "seed": int(seed), "rate": rate, "segmentation": seg,
        "split": list(fractions), "group_by": group_by, "code": code,
    }
    dataset_hash = stable_hash(identity)
    out = Path(out) if out is not None else arh_home() / "datasets" / dataset_hash
    _check_out(out, dataset_hash)
    build_dir = out / ".build"
    build_dir.mkdir(parents=True, exist_ok=True)
    write_json(build_dir / "state.json", {"hash": dataset_hash})
    stop_file = build_dir / "stop"
    stop_file.unlink(missing_ok=True)
    records = {r["raw_id"]: r for r in read_jsonl(build_dir / "items.jsonl") if "raw_id" in r}

    t0 = time.monotonic()
    done = {it.id: records[it.id] for it in items if _item_done(records.get(it.id), digests[it.id], out)}
    tasks = [ItemTask(it, digests[it.id], rate, spec_canon, int(seed), str(out),
                      seg["length"] if seg else None, seg["hop"] if seg else None,
                      seg["pad_last"] if seg else True, str(stop_file))
             for it in items if it.id not in done]
    for task, rec in pmap_unordered(process_item, tasks, workers, "building dataset", quiet=quiet):
        if rec.get("cancelled"):
            continue
        if "skipped" in rec:
            s = rec["skipped"]
            if strict:
                stop_file.touch()
                raise AudioError(s["file"], s["problem"], s["fix"])
            skipped.append(Skipped(s["file"], s["problem"], s["fix"], s["id"]))
            continue
        append_jsonl(build_dir / "items.jsonl", rec)
        done[task.item.id] = rec

    skipped.sort(key=lambda s: (s.file, s.problem))  # completion order must not show in the record
    by_id = {it.id: it for it in items}
    kept = [by_id[i] for i in sorted(done)]
    if not kept:
        first = skipped[0].message() if skipped else "no items"
        raise ArhError(f"no usable items in {src.describe()['spec']}; first problem: {first}")
    manifest = _manifest(kept, done, rate, fractions, group_by)
    write_manifest(out / "manifest.jsonl", manifest)
    info = _record(out, dataset_hash, identity, src, spec, spec_canon, manifest, skipped, done, kept)
    info["build_seconds"] = round(time.monotonic() - t0, 3)
    write_json(out / "dataset.json", info)
    stop_file.unlink(missing_ok=True)
    for s in skipped:
        print(f"arh: skipped {s.message()}", file=sys.stderr)
    return out


def _group_key(item, seg_id: str, group_by: str) -> str:
    if group_by == "origin":
        return item.id
    if group_by == "segment":
        return seg_id
    if group_by not in item.meta:
        raise ArhError(f"--group-by {group_by!r}: item {item.id!r} has no such metadata "
                       f"(it has {', '.join(sorted(item.meta)) or 'none'}); use origin or segment")
    return f"{group_by}={item.meta[group_by]}"


def _manifest(kept, done: dict, rate: int, fractions, group_by: str) -> list[ManifestItem]:
    rows = [(it, seg) for it in kept for seg in done[it.id]["segments"]]
    keys = {seg["id"]: _group_key(it, seg["id"], group_by) for it, seg in rows}
    hashed = assign_splits([keys[seg["id"]] for it, seg in rows if it.split is None], fractions)
    manifest = []
    for it, seg in rows:
        rec = done[it.id]
        meta = dict(it.meta)
        meta.update({"source_id": it.id, "orig_rate": rec["orig_rate"], "orig_channels": rec["orig_channels"]})
        if seg["id"] != it.id:
            meta["start"] = seg["start"]
        if rec.get("notes"):
            meta["notes"] = list(rec["notes"])
        manifest.append(ManifestItem(
            id=seg["id"], split=it.split or hashed[keys[seg["id"]]], clean=clean_rel(seg["id"]),
            degraded=degraded_rel(seg["id"]), sample_rate=rate, num_samples=seg["num_samples"], channels=1,
            source=it.source, origin=it.origin, meta=meta))
    return manifest


def _record(out: Path, dataset_hash: str, identity: dict, src: Source, spec_input: str, spec_canon: str,
            manifest: list[ManifestItem], skipped: list[Skipped], done: dict, kept) -> dict:
    rate = identity["rate"]
    counts = {s: sum(1 for m in manifest if m.split == s) for s in SPLITS}
    seconds = {s: round(sum(m.num_samples for m in manifest if m.split == s) / rate, 3) for s in SPLITS}
    by_kind: dict[str, float] = {}
    for m in manifest:
        kind = str(m.meta.get("kind", "audio"))
        by_kind[kind] = by_kind.get(kind, 0.0) + m.num_samples / rate
    created = None
    if (out / "dataset.json").exists():
        created = read_dataset_info(out).get("created")
    notes = [f"{it.origin}: {n}" for it in kept for n in done[it.id].get("notes", [])]
    empty = [s for s in SPLITS if counts[s] == 0]
    return {
        "schema_version": DATASET_SCHEMA_VERSION,
        "hash": dataset_hash,
        "spec": spec_canon,
        "spec_input": str(spec_input),
        "chain": identity["chain"],
        "seed": identity["seed"],
        "sample_rate": rate,
        "segmentation": identity["segmentation"],
        "split_fractions": dict(zip(SPLITS, identity["split"], strict=True)),
        "split_method": "source" if any(it.split for it in kept) else f"hash ({identity['group_by']})",
        "group_by": identity["group_by"],
        "source": src.describe(),
        "counts": {**counts, "total": len(manifest)},
        "source_items": len(kept),
        "durations_s": {**seconds, "total": round(sum(seconds.values()), 3)},
        "durations_by_kind_s": {k: round(v, 3) for k, v in sorted(by_kind.items())},
        "code_version": identity["code"],
        "tool_versions": tool_versions(),
        "skipped": [s.to_dict() for s in skipped],
        "notes": notes,
        "warnings": [f"split {s!r} is empty" for s in empty],
        "created": created or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
