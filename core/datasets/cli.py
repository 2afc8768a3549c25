"""``arh data``: build a dataset (``arh data build``) and summarise one (``arh data info``)."""

from __future__ import annotations

import argparse
import time


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``data`` with its ``build`` and ``info`` sub-commands to the ``arh`` CLI."""
    parser = subparsers.add_parser("data", help="build and inspect datasets (clean + degraded twins)",
                                   description="Build and inspect datasets.")
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION")
    b = sub.add_parser("build", help="build (or resume) a dataset from a source and a degradation",
                       description="Build clean/degraded twins of every item of SOURCE at --rate Hz.")
    b.add_argument("--source", required=True,
                   help="default | default:speech | default:music | default:noise | fsdd:PATH | FOLDER")
    b.add_argument("--rate", type=int, default=None, help="target sample rate in Hz (default: the preset's)")
    b.add_argument("--degrade", required=True, metavar="SPEC",
                   help='degradation spec or preset, e.g. "mp3:bitrate=32k" or casey-mp3')
    b.add_argument("--seed", type=int, default=0, help="seed for the degradations (default 0)")
    b.add_argument("--out", default=None, help="output folder (default: $ARH_HOME/datasets/<hash>)")
    b.add_argument("--split", default="0.8,0.1,0.1", help="train,valid,test fractions (default 0.8,0.1,0.1)")
    b.add_argument("--segment", default=None, metavar="SAMPLES|SECONDSs",
                   help="cut items into windows, e.g. 16384 or 2s (default: whole files)")
    b.add_argument("--hop", default=None, help="window hop, samples or seconds (default: the window length)")
    b.add_argument("--drop-last", action="store_true", help="drop the last partial window instead of padding it")
    b.add_argument("--group-by", default="origin",
                   help="keep together in one split: origin (default), segment, or a metadata key (speaker)")
    b.add_argument("--limit", type=int, default=None, help="use at most N source items (chosen by hash)")
    b.add_argument("--strict", action="store_true", help="fail on the first unusable file instead of skipping it")
    b.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    b.set_defaults(func=_build)
    i = sub.add_parser("info", help="summarise a built dataset", description="Summarise a built dataset.")
    i.add_argument("dir", help="dataset folder")
    i.set_defaults(func=_info)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])
    return parser


def _build(args) -> int:
    from core.datasets.build import build_dataset
    from core.datasets.summary import summary_table

    t0 = time.monotonic()
    out = build_dataset(args.source, args.rate, args.degrade, args.seed, out=args.out, split=args.split,
                        segment=args.segment, strict=args.strict, workers=args.workers,
                        limit=args.limit, hop=args.hop, pad_last=not args.drop_last, group_by=args.group_by)
    print(summary_table(out), end="")
    print(f"built in {time.monotonic() - t0:.1f} s")
    print(out)
    return 0


def _info(args) -> int:
    from core.datasets.summary import summary_table

    print(summary_table(args.dir), end="")
    return 0
