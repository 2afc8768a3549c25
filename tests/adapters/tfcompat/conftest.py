"""Helpers for the tfcompat tests: write a legacy module into a fresh root and run it."""

from __future__ import annotations

import importlib
import itertools
import sys
import textwrap
from pathlib import Path

import pytest

from adapters import tfcompat

_counter = itertools.count()


class LegacyRunner:
    """Writes legacy modules into ``root`` and imports them under an activation."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relpath: str, source: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
        return path

    def run(self, source: str, disable=(), func: str = "run", args=()):
        """Import ``source`` as a fresh legacy module and return ``module.<func>(*args)``.

        In-process runs that reach the TensorFlow facade must disable
        ``v1_behavior`` (graph mode is process-wide; the rest of the test
        session keeps TF 2 behaviour); graph tests run in a subprocess.
        """
        name = f"legacy_mod_{next(_counter)}"
        self.write(name + ".py", source)
        return self.import_and_call(name, disable, func, args)

    def import_and_call(self, name: str, disable=(), func: str = "run", args=()):
        tfcompat.activate([self.root], disable=disable)
        try:
            module = importlib.import_module(name)
            return getattr(module, func)(*args)
        finally:
            tfcompat.deactivate()
            for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
                del sys.modules[key]


@pytest.fixture
def legacy(tmp_path, monkeypatch):
    """A LegacyRunner over a fresh legacy root; audit reset, no remedies disabled by the environment."""
    monkeypatch.delenv(tfcompat.ENV_DISABLE, raising=False)
    root = tmp_path / "legacy_root"
    root.mkdir()
    tfcompat.reset_audit()
    yield LegacyRunner(root)
    tfcompat.deactivate()
