"""Finding, fixing and running legacy modules from the legacy roots.

``LegacyFinder`` sits first on ``sys.meta_path`` and claims modules whose file
lies under a legacy root. ``LegacyLoader`` reads the file, applies the syntax
fixes (``py2_syntax``) and the semantic rewrites (``py2_semantics``), compiles
in memory (nothing is written next to the upstream files) and runs the module
with the activation's legacy builtins. ``run_main`` does the same for the
script given on the command line, as ``__main__``.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.util
import os
import sys
import tokenize
import types
from typing import TYPE_CHECKING, List, Optional

from . import audit_log as audit
from . import py2_semantics, py2_syntax

if TYPE_CHECKING:  # pragma: no cover
    from .activation import Activation


def read_source(path: str) -> str:
    """The text of a legacy file (its coding cookie honoured; latin-1 if it is not valid UTF-8)."""
    with open(path, "rb") as fh:
        raw = fh.read()
    import io

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError:
        encoding = "latin-1"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text[1:] if text.startswith("\ufeff") else text


def compile_legacy(source: str, path: str, disabled: frozenset) -> types.CodeType:
    """Fix and compile one legacy module; rewrites are counted in the audit."""
    where = audit.relative_to_root(path)

    def note(remedy: str, line: int) -> None:
        audit.rewritten(remedy, where, line)

    fixed = py2_syntax.fix_syntax(source, disabled, note)
    try:
        tree = ast.parse(fixed, filename=path)
    except TabError:
        if "tab_indent" in disabled:
            raise
        fixed = py2_syntax.fix_tab_indent(fixed, note)
        tree = ast.parse(fixed, filename=path)
    tree = py2_semantics.rewrite(tree, where, disabled, note)
    return compile(tree, path, "exec", dont_inherit=True)


class LegacyLoader(importlib.abc.Loader):
    """Runs one legacy file as a module with the activation's builtins."""

    def __init__(self, activation: "Activation", path: str):
        self.activation = activation
        self.path = path

    def create_module(self, spec):  # default module creation
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        code = compile_legacy(read_source(self.path), self.path, self.activation.disabled)
        module.__dict__["__builtins__"] = self.activation.builtins
        exec(code, module.__dict__)

    def get_source(self, fullname: str) -> str:
        return read_source(self.path)


class LegacyFinder(importlib.abc.MetaPathFinder):
    """Claims modules and packages whose files lie under the activation's legacy roots."""

    def __init__(self, activation: "Activation"):
        self.activation = activation

    def find_spec(self, fullname: str, path: Optional[List[str]] = None, target=None):
        if path is None:
            dirs = list(self.activation.roots)
        else:
            dirs = [p for p in path if self.activation.is_legacy_path(p)]
        tail = fullname.rpartition(".")[2]
        for d in dirs:
            init = os.path.join(d, tail, "__init__.py")
            if os.path.isfile(init):
                return importlib.util.spec_from_file_location(
                    fullname, init, loader=LegacyLoader(self.activation, init),
                    submodule_search_locations=[os.path.join(d, tail)],
                )
            single = os.path.join(d, tail + ".py")
            if os.path.isfile(single):
                return importlib.util.spec_from_file_location(
                    fullname, single, loader=LegacyLoader(self.activation, single)
                )
        return None


def run_main(activation: "Activation", script: str, argv: List[str]) -> None:
    """Run ``script`` as ``__main__`` with ``sys.argv = [script] + argv`` and its folder first on sys.path."""
    script = os.path.abspath(script)
    if not os.path.isfile(script):
        raise FileNotFoundError("legacy script not found: {} (give the path to the upstream main file)".format(script))
    module = types.ModuleType("__main__")
    module.__dict__.update(__file__=script, __builtins__=activation.builtins, __package__=None, __spec__=None)
    code = compile_legacy(read_source(script), script, activation.disabled)
    sys.modules["__main__"] = module
    sys.argv = [script] + list(argv)
    folder = os.path.dirname(script)
    if sys.path[:1] != [folder]:
        sys.path.insert(0, folder)
    exec(code, module.__dict__)
