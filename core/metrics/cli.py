"""``arh score`` (score folders or a dataset) and ``arh metrics list`` (the registry)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.atomic import write_json
from core.errors import ArhError

SUMMARY_SCHEMA_VERSION = 1


def _fmt(v: float | None) -> str:
    if v is None:
        return "n/a"
    return f"{v:.4g}" if abs(v) < 0.01 and v != 0 else f"{v:.3f}"


def _pm(mean: float | None, ci: float | None) -> str:
    return _fmt(mean) + (f"±{_fmt(ci)}" if ci is not None else "")


# ----------------------------------------------------------------------------- metrics list

def add_metrics_parser(sub) -> None:
    p = sub.add_parser("metrics", help="list the registered metrics",
                       description="Registered metrics with unit, direction, rates and implementation.")
    s = p.add_subparsers(dest="metrics_cmd", metavar="SUBCOMMAND")
    lst = s.add_parser("list", help="table of metrics (or --json for full descriptions)")
    lst.add_argument("--json", action="store_true", help="print every metric's full description as JSON")
    lst.add_argument("--rate", type=int, help="also mark which metrics are in the default set at this rate")
    p.set_defaults(func=lambda a: print_metrics(as_json=getattr(a, "json", False), rate=getattr(a, "rate", None)))


def print_metrics(as_json: bool = False, rate: int | None = None) -> int:
    """Print the registry (a table, or JSON descriptions); returns 0."""
    from core.metrics.registry import describe_all, get_metric

    descs = describe_all()
    if as_json:
        print(json.dumps(descs, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="arh metrics",
                  caption="Resampling to a metric's rate: soxr VHQ. Full definitions: arh metrics list --json")
    for col in ("metric", "unit", "better", "rates", "implementation", "definition"):
        table.add_column(col, overflow="fold")
    if rate:
        table.add_column(f"default at {rate} Hz")
    for name, d in descs.items():
        rates = ("any" if d["native_rates"] == "any"
                 else "/".join(str(r) for r in d["native_rates"]) + f"; else → {d['resample_to']}")
        row = [name, d["unit"], "higher" if d["higher_is_better"] else "lower", rates,
               f"{d['implementation']} {d['version']}", d["definition"]]
        if rate:
            row.append("yes" if get_metric(name).default_for(rate) else "")
        table.add_row(*row)
    Console(width=max(160, Console().width)).print(table)
    return 0


# ----------------------------------------------------------------------------- score

def add_score_parser(sub) -> None:
    p = sub.add_parser(
        "score", help="score estimates against references (folders or a dataset)",
        description=("Score files paired by id (relative path without extension), never by order. "
                     "Either --ref DIR --est DIR, or --dataset DIR [--est DIR]: the dataset's clean files "
                     "are the references and its degraded files are scored too, as the 'degraded' "
                     "baseline, so the table shows the improvement."))
    p.add_argument("--ref", help="folder of reference (clean) files")
    p.add_argument("--est", help="folder of estimates (restored outputs)")
    p.add_argument("--dataset", help="dataset folder built by `arh data build`")
    p.add_argument("--split", default="test", help="dataset split to score (default: test; 'all' for every split)")
    p.add_argument("--metrics", help="comma-separated names, or 'all' (default: every metric valid at the "
                                     "data's rate without upsampling; see `arh metrics list --rate R`)")
    p.add_argument("--ids", help="text file with the ids to score, one per line")
    p.add_argument("--align", action="store_true",
                   help="compensate a constant lag (up to --max-lag) and trim both signals to their overlap")
    p.add_argument("--max-lag", type=float, default=0.1, help="lag search range in seconds (default 0.1)")
    p.add_argument("--workers", type=int, help="parallel workers (default: ARH_WORKERS or all cores)")
    p.add_argument("--role", default="restored", help="role recorded for --ref/--est pairs (default: restored)")
    p.add_argument("--retry-failed", action="store_true", help="recompute records that failed in an earlier run")
    p.add_argument("--strict", action="store_true", help="exit with status 1 if any record failed")
    p.add_argument("--out", required=True, help="records file (JSONL); FILE.summary.json is written beside it")
    p.set_defaults(func=cmd_score)


def summary_path(out: str | Path) -> Path:
    """``x.jsonl`` -> ``x.summary.json``."""
    out = Path(out)
    stem = out.name[: -len(".jsonl")] if out.name.endswith(".jsonl") else out.stem
    return out.with_name(stem + ".summary.json")


def _print_unmatched(label: str, ids: list[str]) -> None:
    if ids:
        shown = ", ".join(ids[:10]) + (f" ... (+{len(ids) - 10})" if len(ids) > 10 else "")
        print(f"arh: warning: {len(ids)} {label}: {shown}", file=sys.stderr)


def _collect_pairs(args) -> list:
    from core.metrics.pairing import (
        pairs_from_dataset,
        pairs_from_dirs,
        read_ids,
        unmatched_estimates,
    )

    ids = read_ids(args.ids) if args.ids else None
    if args.dataset:
        if args.ref:
            raise ArhError("give either --dataset (clean files are the references) or --ref, not both")
        split = None if args.split == "all" else args.split
        pairs = pairs_from_dataset(args.dataset, None, split, "degraded")
        if args.est:
            pairs += pairs_from_dataset(args.dataset, args.est, split, "restored")
            _print_unmatched("estimate file(s) are not items of the dataset (ignored)",
                             unmatched_estimates(args.dataset, args.est))
        if ids is not None:
            known = {p.id for p in pairs}
            _print_unmatched(f"id(s) from --ids are not in split {args.split!r}",
                             [i for i in ids if i not in known])
            wanted = set(ids)
            pairs = [p for p in pairs if p.id in wanted]
        return pairs
    if not (args.ref and args.est):
        raise ArhError("give --ref DIR and --est DIR, or --dataset DIR [--est DIR]")
    pairs, unmatched_ref, unmatched_est = pairs_from_dirs(args.ref, args.est, ids, role=args.role)
    _print_unmatched(f"reference(s) without an estimate in {args.est} (not scored)", unmatched_ref)
    _print_unmatched(f"estimate(s) without a reference in {args.ref} (not scored)", unmatched_est)
    return pairs


def cmd_score(args: argparse.Namespace) -> int:
    from core.metrics.engine import alignment_warnings, score_pairs
    from core.metrics.registry import describe_all
    from core.metrics.summary import compare, summarize

    pairs = _collect_pairs(args)
    if not pairs:
        raise ArhError("no pairs to score (no id has both a reference and an estimate)")
    records = score_pairs(pairs, args.metrics, out=args.out, workers=args.workers, align=args.align,
                          max_lag_s=args.max_lag, retry_failed=args.retry_failed)
    summary = summarize(records)
    roles = set(summary)
    comparison = compare(summary, records) if {"degraded", "restored"} <= roles else None
    used = list(dict.fromkeys(r["metric"] for r in records))
    all_desc = describe_all()
    write_json(summary_path(args.out), {
        "schema_version": SUMMARY_SCHEMA_VERSION, "records": str(args.out), "pairs": len(pairs),
        "metrics": used, "per_role": summary, "comparison": comparison,
        "metric_info": {n: all_desc[n] for n in used}, "alignment_warnings": alignment_warnings(records),
    })
    print_summary(summary, comparison, used)
    failed = sum(1 for r in records if r["status"] != "ok")
    print(f"{len(records)} records ({failed} failed) -> {args.out}; summary -> {summary_path(args.out)}")
    return 1 if (args.strict and failed) else 0


def print_summary(summary: dict, comparison: dict | None, metrics: list[str]) -> None:
    """Rich table: one row per metric; degraded/restored columns and the difference when both exist."""
    from rich.console import Console
    from rich.table import Table

    roles = sorted(summary, key=lambda r: (r != "degraded", r))
    table = Table(title="scores (mean ± 95% CI)",
                  caption="difference = restored − degraded, paired per id" if comparison else None)
    for col in ("metric", "unit", "better", *roles):
        table.add_column(col)
    if comparison:
        table.add_column("difference")
    table.add_column("ok/failed")
    reasons: dict[str, dict] = {}
    capped: list[str] = []
    for m in metrics:
        stats = [summary[r].get(m) for r in roles]
        first = next(s for s in stats if s)
        row = [m, first["unit"] or "", "↑" if first["higher_is_better"] else "↓"]
        row += [_pm(s["mean"], s["ci95"]) if s else "" for s in stats]
        if comparison:
            c = comparison.get(m, {})
            row.append(_pm(c.get("difference"), c.get("difference_ci95")))
        row.append(" ".join(f"{s['count_ok']}/{s['failures']}" for s in stats if s))
        table.add_row(*row)
        for role, s in zip(roles, stats, strict=True):
            if s and s.get("capped"):
                capped.append(f"{role}/{m}: {s['capped']} value(s) at the metric's cap (e.g. identical signals)")
            for reason, n in (s or {}).get("failure_reasons", {}).items():
                entry = reasons.setdefault(reason, {"n": 0, "where": []})
                entry["n"] += n
                entry["where"].append(f"{role}/{m}")
    console = Console(width=max(Console().width, 120))
    console.print(table)
    for line in capped:
        console.print("  " + line, markup=False, highlight=False)
    if reasons:
        console.print("[bold]failures[/bold] (most common reasons; ids in the records file):")
        for reason, e in sorted(reasons.items(), key=lambda kv: -kv[1]["n"])[:10]:
            console.print(f"  {e['n']}× {reason}  [{', '.join(e['where'])}]", markup=False, highlight=False)
