"""Plain-text and Markdown tables of run summaries."""

from __future__ import annotations

import json
import math
from pathlib import Path

from core.errors import ArhError


def _fmt(v, digits: int = 3) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return str(v)
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def load_summary(run_dir: str | Path) -> dict:
    p = Path(run_dir) / "summary.json"
    if not p.exists():
        state = "unknown"
        rj = Path(run_dir) / "run.json"
        if rj.exists():
            state = json.loads(rj.read_text()).get("state", "unknown")
        raise ArhError(f"{run_dir} has no summary.json (run state: {state}); rerun `arh run` with the same "
                       "arguments to finish it")
    return json.loads(p.read_text(encoding="utf-8"))


def metric_rows(summary: dict, metrics: list[str] | None = None) -> list[dict]:
    """One row per metric: degraded mean, restored mean, difference, CI, failures."""
    rows = []
    for name, m in sorted(summary.get("metrics", {}).items()):
        if metrics and name not in metrics:
            continue
        rows.append({"metric": name, **m})
    return rows


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def run_table_markdown(summary: dict, metrics: list[str] | None = None) -> str:
    rows = []
    for r in metric_rows(summary, metrics):
        rows.append([r["metric"], r.get("unit", ""), "↑" if r.get("higher_is_better") else "↓",
                     _fmt(r.get("degraded")), _fmt(r.get("restored")), _fmt(r.get("difference")),
                     _fmt(r.get("difference_ci95")), f"{r.get('restored_n', '')}/{r.get('restored_failed', 0)}"])
    return markdown_table(["metric", "unit", "better", "degraded", "restored", "difference", "±95% CI (diff)",
                           "n ok/failed"], rows)
