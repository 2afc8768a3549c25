"""``python -m adapters.tfcompat [options] script.py ARGS...``: run a legacy script under the compat layer.

Options before the script belong to tfcompat; everything after it is the
script's own command line. The script's folder is a legacy root (more with
``--legacy-root``); the script runs as ``__main__``. Exit status is the
script's (``tf.app.run`` exits with ``main``'s return value). The audit goes
to ``--audit-json`` or, when that is not given, to ``$ARH_TFCOMPAT_AUDIT``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional


def _parser() -> argparse.ArgumentParser:
    from .audit_log import ENV_AUDIT
    from .remedies import ENV_DISABLE, REMEDIES
    from .tf_facade import ENV_GRAPH_SEED

    p = argparse.ArgumentParser(
        prog="python -m adapters.tfcompat",
        description="Run TF 0.12 / Python 2 code unmodified on Python 3 and TF 2 (or TF 1.15).",
        epilog="Remedies: {}. Also switched off by ${}. ${}=N sets the graph-level random seed of "
               "the legacy code's default graph.".format(", ".join(REMEDIES), ENV_DISABLE, ENV_GRAPH_SEED),
    )
    p.add_argument("--legacy-root", action="append", default=[], metavar="DIR",
                   help="another folder of legacy modules (the script's folder is always one)")
    p.add_argument("--disable", default="", metavar="R1,R2",
                   help="remedies to switch off, comma-separated (for diagnosis)")
    p.add_argument("--audit-json", default=None, metavar="FILE",
                   help="write the audit (what was changed, how often, where) here when the script ends "
                        "(default: ${})".format(ENV_AUDIT))
    p.add_argument("script", help="the legacy main file, e.g. upstream/main.py")
    p.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    """Parse tfcompat options, activate, run the script; write the audit on the way out."""
    opts = _parser().parse_args(argv)
    from . import activate, audit
    from .audit_log import ENV_AUDIT
    from .legacy_loader import run_main
    from .remedies import UnknownRemedyError

    roots = [os.path.dirname(os.path.abspath(opts.script))] + list(opts.legacy_root)
    try:
        act = activate(roots, disable=[d for d in opts.disable.split(",") if d])
    except (UnknownRemedyError, NotADirectoryError) as exc:
        print("tfcompat: {}".format(exc), file=sys.stderr)
        return 2
    code = 0
    try:
        run_main(act, opts.script, opts.args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    finally:
        audit_path = opts.audit_json or os.environ.get(ENV_AUDIT)
        if audit_path:
            from core.atomic import write_json

            write_json(audit_path, audit())
    return code


if __name__ == "__main__":
    sys.exit(main())
