"""Markdown reports comparing runs (per dataset and adapter, degraded vs restored)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from core.runner.tables import _fmt, load_summary, markdown_table

REPORT_METRICS = ("pesq_wb", "stoi", "sisdr", "lsd")


def _cell(m: dict | None) -> str:
    if not m:
        return "n/a"
    d, r, diff = m.get("degraded"), m.get("restored"), m.get("difference")
    sign = "+" if isinstance(diff, float) and diff >= 0 else ""
    return f"{_fmt(d, 2)} → {_fmt(r, 2)} ({sign}{_fmt(diff, 2)})"


def markdown_report(run_dirs: list[str | Path], metrics: tuple[str, ...] = REPORT_METRICS,
                    title: str = "arh report") -> str:
    """One table: a row per (dataset, adapter), a column per metric as 'degraded → restored (Δ)'."""
    rows, provenance = [], []
    for d in run_dirs:
        s = load_summary(d)
        run = json.loads((Path(d) / "run.json").read_text(encoding="utf-8"))
        ds = run.get("dataset", {})
        rows.append([Path(ds.get("path", "?")).name, f"`{ds.get('spec')}`", s.get("adapter", "?")]
                    + [_cell(s.get("metrics", {}).get(m)) for m in metrics])
        h = run.get("harness", {})
        provenance.append(f"- {s.get('adapter')} on {Path(ds.get('path', '?')).name}: run `{run.get('run_id')}`, "
                          f"env {run['environment']['name']}/{run['environment']['variant']} "
                          f"(lock {str(run['environment'].get('lock_hash'))[:12]}), dataset hash "
                          f"{str(ds.get('hash'))[:12]}, harness {str(h.get('revision'))[:10]}"
                          f"{' (dirty)' if h.get('dirty') else ''}, folder `{d}`")
    units = []
    for m in metrics:
        units.append(m)
    text = [f"# {title}", "", f"Generated {time.strftime('%Y-%m-%d %H:%M:%S')}. Each cell: degraded input → "
            "restored output (difference), mean over the test split. Arrows: higher is better for PESQ, "
            "STOI and SI-SDR; lower is better for LSD.", "",
            markdown_table(["dataset", "degradation", "adapter", *units], rows), "## Provenance", "",
            *provenance, ""]
    return "\n".join(text)
