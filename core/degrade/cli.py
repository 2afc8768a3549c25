"""``arh degrade``: degrade one audio file with a spec or preset, or list what exists."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from core.errors import ArhError


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "degrade",
        help="degrade one audio file (or --list transforms and presets)",
        description="Apply a degradation spec or preset to one audio file. The output has the "
                    "input's rate and length, sample-aligned. Example: "
                    "arh degrade clean.wav noisy.wav --spec 'mp3:bitrate=32k | noise:kind=white,snr=10'",
    )
    p.add_argument("input", nargs="?", type=Path, help="input audio file (wav/flac/ogg/mp3; mixed to mono)")
    p.add_argument("output", nargs="?", type=Path, help="output WAV file")
    p.add_argument("--spec", help="degradation spec or preset name (see --list)")
    p.add_argument("--seed", type=int, default=0, help="global seed (default 0)")
    p.add_argument("--id", dest="item_id", help="item id for the per-item random generator "
                   "(default: the input file name without extension)")
    p.add_argument("--subtype", default="FLOAT", choices=("FLOAT", "PCM_16"),
                   help="WAV sample format (default FLOAT: no clipping or rounding)")
    p.add_argument("--list", action="store_true", help="list transforms and presets, then exit")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    if args.list:
        print(listing())
        return 0
    if args.input is None or args.output is None or not args.spec:
        raise ArhError("arh degrade needs IN OUT --spec SPEC (or --list); "
                       "example: arh degrade in.wav out.wav --spec casey-mp3")
    from core.audio_io import read_audio, write_wav
    from core.degrade.presets import resolve
    from core.degrade.spec import parse_spec

    spec, preset_rate = resolve(args.spec)
    chain = parse_spec(spec)
    x, sr = read_audio(args.input, mono=True)
    if preset_rate is not None and sr != preset_rate:
        raise ArhError(
            f"preset {args.spec!r} is defined for {preset_rate} Hz audio but {args.input} is {sr} Hz; "
            f"resample the input to {preset_rate} Hz first, or pass the chain itself to apply it at "
            f"{sr} Hz: --spec '{chain.canonical()}'"
        )
    item_id = args.item_id or args.input.stem
    y = chain.apply(x, sr, seed=args.seed, item_id=item_id)
    write_wav(args.output, y, sr, subtype=args.subtype)
    if not getattr(args, "quiet", False):
        print(f"{args.output}: {y.size} samples at {sr} Hz, id {item_id!r}, seed {args.seed}, "
              f"chain {chain.canonical()}")
    return 0


def listing() -> str:
    """Text of ``arh degrade --list``: every transform (parameters, definition) and preset."""
    from core.degrade.presets import PRESETS
    from core.degrade.transform import TRANSFORMS

    lines = ["Transforms (name: parameters with defaults; definition):", ""]
    for name in TRANSFORMS.names():
        t = TRANSFORMS.get(name)
        lines.append(f"  {name}: {t.signature() or '(no parameters)'}")
        lines.append(textwrap.fill(t.summary, width=96, initial_indent="      ", subsequent_indent="      "))
        for p in t.params:
            lines.append(f"      {p.describe():<28} {p.doc}")
        lines.append("")
    lines.append("Presets (name [rate, source]: description; spec):")
    lines.append("")
    for name in sorted(PRESETS):
        p = PRESETS[name]
        lines.append(f"  {name} [{p.rate} Hz, {p.source_hint}]: {p.description}")
        lines.append(f"      {p.spec}")
    lines.append("")
    lines.append("Spec syntax: 'name:key=value,key=value | name2:...'; 32k = 32000; a/b/c = one per item.")
    return "\n".join(lines)
