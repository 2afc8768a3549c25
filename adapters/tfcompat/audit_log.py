"""The audit: how often each remedy changed legacy code or its behaviour, and where.

Two counts per remedy: ``rewritten`` (places in the legacy source the layer
rewrote before running it, or, for Python 2 builtins, places that use one) and
``applied`` (times a remedy actually changed what happened at run time, e.g. a
classic division that floored two ints, or a ``tf.concat`` call read in the
old argument order). ``rewritten_at`` and ``applied_at`` list up to
``MAX_EXAMPLES`` distinct places each, as ``file:line`` (file relative to its
legacy root). ``audit()`` returns a JSON-able dict the harness stores with a run;
``python -m adapters.tfcompat`` writes it to ``--audit-json`` or ``$ARH_TFCOMPAT_AUDIT``.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Dict, List, Optional, Tuple

from .remedies import REMEDIES

SCHEMA_VERSION = 1
MAX_EXAMPLES = 10
ENV_AUDIT = "ARH_TFCOMPAT_AUDIT"

_lock = threading.Lock()
_rewritten: Dict[str, int] = {}
_applied: Dict[str, int] = {}
_examples: Dict[str, List[str]] = {}
_sites: List[Tuple[str, int]] = []  # site id -> (file, line); ids are baked into rewritten code
_context: Dict[str, object] = {"roots": [], "disabled": [], "graph_seed": None}


def reset() -> None:
    """Forget all counts (site ids stay valid: code compiled earlier still refers to them)."""
    with _lock:
        _rewritten.clear()
        _applied.clear()
        _examples.clear()


def set_context(roots: List[str], disabled: List[str]) -> None:
    """Record the legacy roots and disabled remedies of the current activation."""
    _context["roots"] = list(roots)
    _context["disabled"] = sorted(disabled)
    _context["graph_seed"] = None


def set_graph_seed(seed: Optional[int]) -> None:
    """Record the graph-level seed set from ``$ARH_TFCOMPAT_GRAPH_SEED`` (None: not set)."""
    _context["graph_seed"] = seed


def new_site(where: str, line: int) -> int:
    """Register a source place for a runtime helper; returns the id the rewritten code passes."""
    with _lock:
        _sites.append((where, line))
        return len(_sites) - 1


def _add_example(key: str, place: str) -> None:
    ex = _examples.setdefault(key, [])
    if len(ex) < MAX_EXAMPLES and place not in ex:
        ex.append(place)


def rewritten(remedy: str, where: str, line: int) -> None:
    """Count one source rewrite by ``remedy`` at ``where:line``."""
    with _lock:
        _rewritten[remedy] = _rewritten.get(remedy, 0) + 1
        _add_example("rewritten:" + remedy, "{}:{}".format(where, line))


def applied(remedy: str, site: Optional[int] = None, place: Optional[str] = None) -> None:
    """Count one run-time application of ``remedy`` (at a registered site, or a given place)."""
    if place is None:
        place = "{}:{}".format(*_sites[site]) if site is not None else _caller_place()
    with _lock:
        _applied[remedy] = _applied.get(remedy, 0) + 1
        _add_example("applied:" + remedy, place)


def _caller_place() -> str:
    """``file:line`` of the nearest frame outside this package (the legacy call site)."""
    pkg_dir = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(pkg_dir):
        frame = frame.f_back
    if frame is None:
        return "?"
    name = frame.f_code.co_filename
    return "{}:{}".format(relative_to_root(name), frame.f_lineno)


def relative_to_root(path: str) -> str:
    """``path`` relative to the legacy root holding it (unchanged when none does)."""
    for root in _context["roots"]:  # type: ignore[union-attr]
        prefix = os.path.join(str(root), "")
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def audit() -> dict:
    """The audit as a JSON-able dict: schema_version, roots, disabled, graph_seed, remedies{name: counts}."""
    with _lock:
        remedies = {}
        for name, remedy in REMEDIES.items():
            remedies[name] = {
                "kind": remedy.kind,
                "rewritten": _rewritten.get(name, 0),
                "applied": _applied.get(name, 0),
                "rewritten_at": list(_examples.get("rewritten:" + name, [])),
                "applied_at": list(_examples.get("applied:" + name, [])),
            }
        return {
            "schema_version": SCHEMA_VERSION,
            "python": "{}.{}.{}".format(*sys.version_info[:3]),
            "tensorflow": _tf_version(),
            "roots": list(_context["roots"]),  # type: ignore[call-overload]
            "disabled": list(_context["disabled"]),  # type: ignore[call-overload]
            "graph_seed": _context["graph_seed"],
            "remedies": remedies,
        }


def _tf_version() -> Optional[str]:
    tf = sys.modules.get("tensorflow")
    return getattr(tf, "__version__", None) if tf is not None else None
