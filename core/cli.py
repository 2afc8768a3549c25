"""The ``arh`` command line. Each sub-command lives in its own module, loaded lazily."""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from core.errors import ArhError

# (command, "module:function that adds its parser to the subparsers object").
# Each module's add function sets ``func`` on its parser via set_defaults.
COMMANDS: list[tuple[str, str]] = [
    ("data", "core.datasets.cli:add_parser"),
    ("degrade", "core.degrade.cli:add_parser"),
    ("metrics", "core.metrics.cli:add_metrics_parser"),
    ("score", "core.metrics.cli:add_score_parser"),
    ("run", "core.runner.cli:add_run_parser"),
    ("list", "core.runner.cli:add_list_parser"),
    ("results", "core.runner.cli:add_results_parser"),
    ("env", "core.envs.cli:add_parser"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arh",
        description="Audio Restoration Harness: identical degraded data, one runner, every model.",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for _name, target in COMMANDS:
        module_name, func_name = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:
            if e.name and module_name.startswith(e.name):  # command not built in this checkout
                continue
            raise
        getattr(module, func_name)(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.quiet:
        import os

        os.environ["ARH_QUIET"] = "1"
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except ArhError as e:
        print(f"arh: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("arh: interrupted; rerun the same command to resume", file=sys.stderr)
        return 130
    except Exception:
        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main())
