"""``tf.app.flags`` and ``tf.app.run`` with TensorFlow 0.12 semantics (argparse, not absl).

TF 0.12 defined flags on one argparse parser and parsed ``sys.argv`` with
``parse_known_args`` on first use. Booleans took an optional value, so
``--flag False``, ``--flag=false`` and ``--noflag`` all give False and a bare
``--flag`` gives True. The absl-based flags of TF >= 1.5 read ``--flag False``
as True plus a stray positional argument: a silent change of behaviour.

``FLAGS.__flags`` (the dict of parsed values) exists, as in 0.12.
"""

from __future__ import annotations

import argparse
import sys
import types
from typing import Any, Callable, List, Optional

from . import audit_log as audit


def _str2bool(value: str) -> bool:
    return value.lower() in ("true", "t", "1")


class _FlagValues:
    """The ``FLAGS`` object: attribute access parses the command line on first use."""

    def __init__(self, parser: argparse.ArgumentParser, bool_names: List[str]):
        self.__dict__["__flags"] = {}
        self.__dict__["__parsed"] = False
        self.__dict__["_parser"] = parser
        self.__dict__["_bool_names"] = bool_names

    def _parse_flags(self, args: Optional[List[str]] = None) -> List[str]:
        argv = sys.argv[1:] if args is None else list(args)
        result, unparsed = self.__dict__["_parser"].parse_known_args(args=argv)
        for name, value in vars(result).items():
            self.__dict__["__flags"][name] = value
        self.__dict__["__parsed"] = True
        for name in self.__dict__["_bool_names"]:
            _audit_bool(name, argv)
        return unparsed

    def __getattr__(self, name: str) -> Any:
        if not self.__dict__["__parsed"]:
            self._parse_flags()
        flags = self.__dict__["__flags"]
        if name not in flags:
            raise AttributeError(name)
        return flags[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if not self.__dict__["__parsed"]:
            self._parse_flags()
        self.__dict__["__flags"][name] = value


def _audit_bool(name: str, argv: List[str]) -> None:
    """Count `--flag <value>` uses: exactly where absl-based flags would read something else."""
    for i, arg in enumerate(argv):
        if arg == "--" + name and i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            audit.applied("flags_argparse", place="argv: --{} {}".format(name, argv[i + 1]))


def make_flags_module() -> types.ModuleType:
    """A fresh ``tf.app.flags`` module (its own parser, so activations do not share flags)."""
    mod = types.ModuleType("tensorflow.app.flags", __doc__)
    parser = argparse.ArgumentParser()
    bool_names: List[str] = []
    values = _FlagValues(parser, bool_names)

    def _define(name: str, default: Any, help_text: str, kind: Callable[[str], Any]) -> None:
        parser.add_argument("--" + name, default=default, help=help_text, type=kind)

    def DEFINE_string(flag_name: str, default_value: Any, docstring: str) -> None:  # noqa: N802
        """A string flag (``--name value``)."""
        _define(flag_name, default_value, docstring, str)

    def DEFINE_integer(flag_name: str, default_value: Any, docstring: str) -> None:  # noqa: N802
        """An integer flag (``--name 3``)."""
        _define(flag_name, default_value, docstring, int)

    def DEFINE_float(flag_name: str, default_value: Any, docstring: str) -> None:  # noqa: N802
        """A float flag (``--name 0.5``)."""
        _define(flag_name, default_value, docstring, float)

    def DEFINE_boolean(flag_name: str, default_value: Any, docstring: str) -> None:  # noqa: N802
        """A boolean flag: ``--name``, ``--name False``, ``--name=true``, ``--noname``."""
        parser.add_argument(
            "--" + flag_name, nargs="?", const=True, help=docstring, default=default_value, type=_str2bool
        )
        parser.add_argument("--no" + flag_name, action="store_false", dest=flag_name.replace("-", "_"))
        bool_names.append(flag_name)

    mod.DEFINE_string = DEFINE_string
    mod.DEFINE_integer = DEFINE_integer
    mod.DEFINE_float = DEFINE_float
    mod.DEFINE_boolean = DEFINE_boolean
    mod.DEFINE_bool = DEFINE_boolean
    mod.FLAGS = values
    return mod


def make_app_module(flags_module: types.ModuleType) -> types.ModuleType:
    """A ``tf.app`` module: ``flags`` and a 0.12-style ``run``."""
    mod = types.ModuleType("tensorflow.app", "tf.app with TF 0.12 flags (argparse).")

    def run(main: Optional[Callable[[List[str]], Any]] = None, argv: Optional[List[str]] = None) -> None:
        """Parse flags, call ``main(argv[:1] + unparsed)`` (``__main__.main`` by default), exit with its value."""
        unparsed = flags_module.FLAGS._parse_flags(args=None if argv is None else argv[1:])
        main = main or sys.modules["__main__"].main
        first = sys.argv[:1] if argv is None else list(argv[:1])
        sys.exit(main(first + unparsed))

    mod.flags = flags_module
    mod.run = run
    return mod
