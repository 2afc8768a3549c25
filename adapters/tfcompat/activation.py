"""One activation of the compat layer: legacy roots, disabled remedies, import routing.

``activate(roots)`` puts a ``LegacyFinder`` first on ``sys.meta_path``. Modules
loaded from the roots get legacy builtins whose ``__import__`` routes
``tensorflow`` to the facade, ``scipy.io.wavfile`` to its proxy and Python 2
stdlib names to their Python 3 modules; everything else imports normally.
TensorFlow itself is imported only when legacy code first imports it.
"""

from __future__ import annotations
import __future__

import builtins
import os
import sys
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence

from . import audit_log as audit
from . import py2_runtime, py2_stdlib, scipy_wavfile
from .legacy_loader import LegacyFinder
from .remedies import disabled_set

_current: Optional["Activation"] = None


class Activation:
    """State of one activation; use ``activate()`` / ``deactivate()`` rather than this directly."""

    def __init__(self, roots: Sequence[str], disabled: FrozenSet[str]):
        self.roots: List[str] = [os.path.realpath(os.path.abspath(r)) for r in roots]
        for root in self.roots:
            if not os.path.isdir(root):
                raise NotADirectoryError("legacy root is not a folder: {} (pass the upstream source folder)".format(root))
        self.disabled = disabled
        self.builtins: Dict[str, Any] = py2_runtime.make_builtins(disabled, self.legacy_import)
        self.finder = LegacyFinder(self)
        self._facade = None
        self._flags = None
        self._app = None

    def is_legacy_path(self, path: str) -> bool:
        """True when ``path`` is a legacy root or lies under one."""
        real = os.path.realpath(os.path.abspath(path))
        return any(real == r or real.startswith(os.path.join(r, "")) for r in self.roots)

    def facade(self):
        """The TensorFlow facade (built, and TensorFlow imported, on first use)."""
        if self._facade is None:
            from .tf_facade import Facade

            if "flags_argparse" not in self.disabled:
                from .tf_flags import make_app_module, make_flags_module

                self._flags = make_flags_module()
                self._app = make_app_module(self._flags)
            self._facade = Facade(self.disabled, self._flags, self._app)
        return self._facade

    def legacy_import(self, name: str, globals: Optional[dict] = None, locals: Optional[dict] = None,
                      fromlist: Sequence[str] = (), level: int = 0) -> Any:
        """``__import__`` for legacy modules."""
        if level == 0:
            top = name.partition(".")[0]
            if top == "tensorflow" and "tf_facade" not in self.disabled:
                return self.facade().import_(name, fromlist or ())
            if top == "scipy" and "wavfile_float_rate" not in self.disabled:
                if not fromlist or name in ("scipy", "scipy.io", "scipy.io.wavfile"):
                    builtins.__import__(name, globals, locals, fromlist, level)
                    return scipy_wavfile.proxy(name if fromlist else "scipy")
            if "py2_stdlib_names" not in self.disabled:
                module = py2_stdlib.lookup(name)
                if module is not None:
                    if py2_stdlib.is_py2_use(name, fromlist):
                        audit.applied("py2_stdlib_names")
                    return module
            if globals and "implicit_relative_import" not in self.disabled and self._sibling(name, globals):
                audit.applied("implicit_relative_import")
                return builtins.__import__(name, globals, locals, fromlist, 1)
        return builtins.__import__(name, globals, locals, fromlist, level)

    def _sibling(self, name: str, importer: dict) -> bool:
        """Python 2 implicit relative import: ``name`` is a sibling inside the importer's legacy package."""
        package = importer.get("__package__")
        if not package or isinstance(importer.get("absolute_import"), __future__._Feature):
            return False
        if "__path__" in importer:
            folder = importer["__path__"][0]
        else:
            folder = os.path.dirname(importer.get("__file__") or "")
        if not folder or not self.is_legacy_path(folder):
            return False
        first = name.partition(".")[0]
        return os.path.isfile(os.path.join(folder, first + ".py")) or os.path.isfile(
            os.path.join(folder, first, "__init__.py")
        )


def activate(roots: Iterable[str], disable: Iterable[str] = ()) -> Activation:
    """Activate the layer for modules under ``roots``; ``disable`` switches remedies off by name.

    ``$ARH_TFCOMPAT_DISABLE`` (comma-separated) is added to ``disable``. A
    previous activation is replaced. Returns the activation.
    """
    global _current
    roots = list(roots)
    if not roots:
        raise ValueError("activate() needs at least one legacy root folder")
    deactivate()
    act = Activation(roots, disabled_set(disable))
    sys.meta_path.insert(0, act.finder)
    audit.set_context(act.roots, sorted(act.disabled))
    _current = act
    return act


def deactivate() -> None:
    """Remove the current activation's import hook (modules already loaded stay as they are)."""
    global _current
    if _current is not None:
        if _current.finder in sys.meta_path:
            sys.meta_path.remove(_current.finder)
        _current = None


def current() -> Optional[Activation]:
    """The active activation, or None."""
    return _current
