"""tfcompat: run TensorFlow 0.12 / 1.x, Python 2 era code unmodified on Python 3 and TF 2 (or TF 1.15).

An import hook scoped to the legacy source folders fixes Python 2 syntax and
semantics in memory (nothing is written into the upstream tree) and gives the
legacy modules a ``tensorflow`` facade over ``tf.compat.v1`` with TF 0.12
names, argument orders, ``contrib.layers``, argparse flags and slot-safe
optimizers. Other modules keep the real ``tensorflow``.

Use::

    python -m adapters.tfcompat [--legacy-root DIR ...] [--disable R1,R2] [--audit-json F] main.py ARGS...

or, from harness code, ``activate([upstream_dir])`` then ``import model``.
Every remedy has a name (``REMEDIES``), can be switched off
(``ARH_TFCOMPAT_DISABLE=old_div,flags_argparse``) and is counted in ``audit()``.

This package runs on Python >= 3.8 (TF 1.15 containers) and imports
TensorFlow only when legacy code does.
"""

from __future__ import annotations

from .activation import activate, current, deactivate
from .audit_log import audit
from .audit_log import reset as reset_audit
from .remedies import ENV_DISABLE, REMEDIES, UnknownRemedyError

__all__ = [
    "ENV_DISABLE",
    "REMEDIES",
    "UnknownRemedyError",
    "activate",
    "audit",
    "current",
    "deactivate",
    "reset_audit",
]
