"""Port an upstream SEGAN TensorFlow checkpoint to a segan-pt checkpoint folder (CLI and function).

    python -m adapters.segan_pt.port_checkpoint --tf-checkpoint DIR[/SEGAN-N] --out CKPT_DIR \\
        [--python PYTHON_WITH_TF] [--preemph 0.95] [--input-scale upstream_int16] [--generator-only]

The variables are read by ``PYTHON_WITH_TF`` (the exact stack's Python 2.7 +
TF 0.12.1 or any TF 1.x/2.x interpreter; see ``tf_vars``), converted by
``port`` and written as the ``best`` checkpoint of ``CKPT_DIR``, which then
restores with ``arh run --adapter segan-pt --checkpoint CKPT_DIR --no-train``.
A segan-tf checkpoint folder (with ``arh_segan.json``) also gives the
pre-emphasis of its training flags. ``input_scale`` defaults to
``upstream_int16``: upstream fed its model ``(2 v + 1) / 65535`` for 16-bit
samples ``v``, and the ported weights reproduce the original only with it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.errors import ArhError


def segan_tf_flags(tf_checkpoint: str | Path) -> dict:
    """Upstream flags recorded by segan-tf next to the checkpoint (``arh_segan.json``), or ``{}``."""
    p = Path(tf_checkpoint)
    meta = (p if p.is_dir() else p.parent) / "arh_segan.json"
    return json.loads(meta.read_text())["flags"] if meta.exists() else {}


def port_tf_checkpoint(tf_checkpoint: str | Path, out_dir: str | Path, python: str | None = None,
                       overrides: dict | None = None, generator_only: bool = False) -> Path:
    """Read, convert and save; returns the written checkpoint record (``out_dir/best.json``).

    ``overrides`` are segan-pt config keys (e.g. ``preemph``, ``input_scale``);
    by default ``preemph`` comes from the segan-tf flags (else 0.95) and
    ``input_scale`` is ``upstream_int16``.
    """
    from adapters.segan_pt.port import save_ported_checkpoint
    from adapters.segan_pt.tf_vars import load_tf_checkpoint_vars

    flags = segan_tf_flags(tf_checkpoint)
    cfg = {"preemph": float(flags.get("preemph", 0.95)), "input_scale": "upstream_int16"}
    if flags.get("g_type", "ae") != "ae":
        raise ArhError(f"{tf_checkpoint}: g_type {flags['g_type']!r}; only the 'ae' generator (SEGAN) is ported")
    cfg.update(overrides or {})
    tf_vars = load_tf_checkpoint_vars(tf_checkpoint, python=python)
    if generator_only:
        tf_vars = {k: v for k, v in tf_vars.items() if not k.startswith("d_model/")}
    return save_ported_checkpoint(tf_vars, out_dir, cfg)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m adapters.segan_pt.port_checkpoint",
                                 description="Port an upstream SEGAN TF checkpoint to a segan-pt checkpoint folder.")
    ap.add_argument("--tf-checkpoint", required=True, help="checkpoint prefix (DIR/SEGAN-N) or folder")
    ap.add_argument("--out", required=True, help="segan-pt checkpoint folder to write")
    ap.add_argument("--python", default=None, help="interpreter with TensorFlow that reads the checkpoint "
                                                   "(default: this one)")
    ap.add_argument("--preemph", type=float, default=None, help="pre-emphasis (default: from arh_segan.json, "
                                                                "else 0.95)")
    ap.add_argument("--input-scale", default="upstream_int16", choices=["upstream_int16", "float"])
    ap.add_argument("--generator-only", action="store_true", help="leave the discriminator out")
    args = ap.parse_args(argv)
    overrides = {"input_scale": args.input_scale}
    if args.preemph is not None:
        overrides["preemph"] = args.preemph
    try:
        path = port_tf_checkpoint(args.tf_checkpoint, args.out, args.python, overrides, args.generator_only)
    except ArhError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"segan-pt checkpoint written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
