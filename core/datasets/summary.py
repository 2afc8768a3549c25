"""A plain-text summary of a built dataset (for ``arh data info``, ``arh data build`` and nox demo)."""

from __future__ import annotations

import io
from pathlib import Path

from core.datasets.manifest import SPLITS, read_dataset_info


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.2f} min" if seconds >= 60 else f"{seconds:.1f} s"


def summary_table(dataset_dir: str | Path, width: int = 100) -> str:
    """Counts and durations per split, rate, spec, hash and skipped files, as rendered text."""
    from rich.console import Console
    from rich.table import Table

    info = read_dataset_info(dataset_dir)
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False, highlight=False)
    head = Table(show_header=False, box=None, pad_edge=False)
    head.add_column(style="bold")
    head.add_column(overflow="fold")
    seg = info.get("segmentation")
    seg_text = (f"{seg['length']} samples, hop {seg['hop']}, last window "
                f"{'padded' if seg['pad_last'] else 'dropped'}") if seg else "whole files"
    for key, value in (("dataset", str(Path(dataset_dir))), ("hash", info.get("hash", "?")),
                       ("source", info.get("source", {}).get("spec", "?")),
                       ("degradation", info.get("spec", "?")), ("seed", str(info.get("seed"))),
                       ("sample rate", f"{info.get('sample_rate')} Hz"), ("segments", seg_text),
                       ("split", info.get("split_method", "?")), ("created", info.get("created", "?"))):
        head.add_row(key, value)
    console.print(head)

    table = Table(title=None)
    table.add_column("split")
    table.add_column("items", justify="right")
    table.add_column("duration", justify="right")
    counts, secs = info.get("counts", {}), info.get("durations_s", {})
    for s in (*SPLITS, "total"):
        table.add_row(s, str(counts.get(s, 0)), _minutes(secs.get(s, 0.0)))
    console.print(table)
    kinds = info.get("durations_by_kind_s") or {}
    if kinds:
        console.print("by kind: " + ", ".join(f"{k} {_minutes(v)}" for k, v in kinds.items()))
    if info.get("source", {}).get("note"):
        console.print(f"note: {info['source']['note']}")
    for w in info.get("warnings", []):
        console.print(f"warning: {w}")
    skipped = info.get("skipped", [])
    if skipped:
        console.print(f"skipped {len(skipped)} file(s):")
        for s in skipped:
            console.print(f"  {s['file']}: {s['problem']}" + (f" ({s['fix']})" if s.get("fix") else ""))
    notes = info.get("notes", [])
    if notes:
        console.print(f"notes ({len(notes)}):")
        for n in notes[:20]:
            console.print(f"  {n}")
        if len(notes) > 20:
            console.print(f"  ... and {len(notes) - 20} more (see dataset.json)")
    return "".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines())
