"""``arh run``, ``arh list`` and ``arh results show``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.errors import ArhError


def _parse_overrides(pairs: list[str]) -> dict:
    out = {}
    for p in pairs or []:
        if "=" not in p:
            raise ArhError(f"--set expects KEY=VALUE, got {p!r}")
        k, v = p.split("=", 1)
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v
    return out


def add_run_parser(sub) -> None:
    p = sub.add_parser("run", help="train (when needed), restore the test split and score it",
                       description="Run one adapter on one dataset, or a matrix of them.")
    p.add_argument("--adapter", help="adapter name, or a comma-separated list (matrix)")
    p.add_argument("--dataset", help="dataset folder built by `arh data build`, or a comma-separated list")
    p.add_argument("--matrix", help="TOML file listing cells (see core/runner/matrix.py)")
    p.add_argument("--out", help="run folder (for a matrix: root folder, cells go to OUT/<dataset>/<adapter>)")
    p.add_argument("--backend", default="local", help="local | venv | docker (default: local)")
    p.add_argument("--variant", help="environment variant (default: the environment's default)")
    p.add_argument("--config", default="default", help="tiny | default | FILE.json | FILE.toml")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override one config value (JSON value)")
    p.add_argument("--seed", type=int, default=0)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--train", dest="train", action="store_true", default=None, help="train before restoring")
    g.add_argument("--no-train", dest="train", action="store_false", help="restore with --checkpoint only")
    p.add_argument("--checkpoint", help="checkpoint folder to restore with (skips training)")
    p.add_argument("--metrics", help="comma-separated metric names (default: the standard run set)")
    p.add_argument("--device", default="auto", help="auto | cpu | cuda")
    p.add_argument("--workers", type=int, help="scoring workers (default: all cores)")
    p.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from core.progress import quiet_default
    from core.runner.matrix import cell_dir, load_matrix, run_matrix
    from core.runner.run import DEFAULT_METRICS, RunSpec
    from core.runner.tables import run_table_markdown

    base = RunSpec(adapter="", dataset="", out=args.out or "", backend=args.backend, variant=args.variant,
                   config=args.config, config_overrides=_parse_overrides(args.set), seed=args.seed,
                   train=args.train, checkpoint=args.checkpoint,
                   metrics=tuple(args.metrics.split(",")) if args.metrics else DEFAULT_METRICS,
                   device=args.device, workers=args.workers, quiet=quiet_default())
    if args.matrix:
        specs = load_matrix(args.matrix, base)
    else:
        if not (args.adapter and args.dataset and args.out):
            raise ArhError("arh run needs --adapter, --dataset and --out (or --matrix FILE)")
        adapters = [a for a in args.adapter.split(",") if a]
        datasets = [d for d in args.dataset.split(",") if d]
        if len(adapters) == 1 and len(datasets) == 1:
            specs = [RunSpec(**{**base.__dict__, "adapter": adapters[0], "dataset": datasets[0]})]
        else:
            specs = [RunSpec(**{**base.__dict__, "adapter": a, "dataset": d, "out": cell_dir(args.out, d, a)})
                     for d in datasets for a in adapters]
    if len(specs) == 1:
        from core.runner.run import run

        summary = run(specs[0])
        print(f"\n{specs[0].adapter} on {specs[0].dataset}\n")
        print(run_table_markdown(summary))
        print(f"run folder: {Path(specs[0].out).resolve()}")
        return 0
    results = run_matrix(specs)
    failed = [r for r in results if not r.ok]
    for r in results:
        state = "ok" if r.ok else f"FAILED: {r.error.splitlines()[0] if r.error else ''}"
        print(f"{r.adapter:>14} on {Path(r.dataset).name}: {state}  ({r.out})")
    if failed:
        print(f"arh: {len(failed)} of {len(results)} cells failed", file=sys.stderr)
        return 1
    return 0


def add_list_parser(sub) -> None:
    p = sub.add_parser("list", help="list adapters, environments or metrics")
    p.add_argument("what", choices=["adapters", "environments", "metrics"])
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    if args.what == "adapters":
        from core.adapter import describe_all

        rows = describe_all()
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        for r in rows:
            rate = f"{r['sample_rate']} Hz" if r["sample_rate"] else "any rate"
            print(f"{r['name']:<14} env={r['environment']:<9} {rate:<9} tasks={','.join(r['tasks']):<28} "
                  f"{'trainable' if r['trainable'] else 'fixed':<9} {r['doc']}")
        return 0
    if args.what == "environments":
        from core.envs.manifest import list_environments, load_environment

        for name in list_environments():
            env = load_environment(name)
            for v in env.variants.values():
                fw = ", ".join(f"{k}=={x}" for k, x in v.framework.items())
                mark = "*" if v.name == env.default_variant else " "
                print(f"{name:<10} {mark}{v.name:<15} python {v.python:<5} cuda={v.cuda:<6} "
                      f"{'docker' if v.docker else 'no-docker':<9} {fw}")
        return 0
    from core.metrics.cli import print_metrics

    return print_metrics(as_json=args.json)


def add_results_parser(sub) -> None:
    p = sub.add_parser("results", help="show the results of a run")
    s = p.add_subparsers(dest="results_cmd", metavar="SUBCOMMAND")
    show = s.add_parser("show", help="table of a run's summary (degraded vs restored)")
    show.add_argument("run_dir", nargs="+")
    show.add_argument("--metrics", help="comma-separated subset")
    show.set_defaults(func=cmd_results_show)


def cmd_results_show(args: argparse.Namespace) -> int:
    from core.runner.tables import load_summary, run_table_markdown

    metrics = args.metrics.split(",") if args.metrics else None
    for d in args.run_dir:
        summary = load_summary(d)
        print(f"\n{summary.get('adapter')} on {summary.get('dataset')}  (run {summary.get('run_id')})\n")
        print(run_table_markdown(summary, metrics))
    return 0
