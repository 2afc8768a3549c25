"""Python 2 standard-library module names, resolved for legacy imports only.

``import cPickle`` gives ``pickle``, ``from itertools import izip`` works,
``string.letters`` exists, and so on. Modules are built on first use.
"""

from __future__ import annotations

import importlib
import types
from typing import Dict, Optional

RENAMED: Dict[str, str] = {
    "cPickle": "pickle",
    "Queue": "queue",
    "ConfigParser": "configparser",
    "__builtin__": "builtins",
    "urllib2": "urllib.request",
    "urlparse": "urllib.parse",
    "httplib": "http.client",
    "HTMLParser": "html.parser",
    "cookielib": "http.cookiejar",
    "Tkinter": "tkinter",
    "SocketServer": "socketserver",
    "copy_reg": "copyreg",
    "thread": "_thread",
    "dummy_thread": "_thread",
    "repr": "reprlib",
    "commands": "subprocess",
}
_ITERTOOLS_PY2 = {"izip": zip, "imap": map, "ifilter": filter}
_SHIMS: Dict[str, types.ModuleType] = {}


def _itertools() -> types.ModuleType:
    import itertools

    mod = types.ModuleType("itertools", "itertools with the Python 2 names izip/imap/ifilter/...")
    mod.__dict__.update({k: v for k, v in vars(itertools).items() if not k.startswith("__")})
    mod.__dict__.update(_ITERTOOLS_PY2)
    mod.izip_longest = itertools.zip_longest
    mod.ifilterfalse = itertools.filterfalse
    return mod


def _stringio(name: str) -> types.ModuleType:
    import io

    mod = types.ModuleType(name, "Python 2 {} (io.StringIO / io.BytesIO)".format(name))
    mod.StringIO = io.StringIO
    mod.BytesIO = io.BytesIO
    return mod


def _string() -> types.ModuleType:
    import string

    mod = types.ModuleType("string", "string with the Python 2 names letters/lowercase/join/...")
    mod.__dict__.update({k: v for k, v in vars(string).items() if not k.startswith("__")})
    mod.letters = string.ascii_letters
    mod.lowercase = string.ascii_lowercase
    mod.uppercase = string.ascii_uppercase
    mod.maketrans = str.maketrans
    mod.join = lambda words, sep=" ": sep.join(words)
    mod.split = lambda s, sep=None, maxsplit=-1: s.split(sep, maxsplit)
    mod.strip = lambda s, chars=None: s.strip(chars)
    mod.lower = str.lower
    mod.upper = str.upper
    mod.replace = lambda s, old, new, count=-1: s.replace(old, new, count)
    mod.atoi = lambda s, base=10: int(s, base)
    mod.atof = float
    return mod


_BUILDERS = {
    "itertools": _itertools,
    "StringIO": lambda: _stringio("StringIO"),
    "cStringIO": lambda: _stringio("cStringIO"),
    "string": _string,
}

# names whose use means the code relied on a Python 2 name (for the audit)
PY2_ONLY_FROM = {
    "itertools": set(_ITERTOOLS_PY2) | {"izip_longest", "ifilterfalse"},
    "string": {"letters", "lowercase", "uppercase", "maketrans", "join", "split", "strip",
               "lower", "upper", "replace", "atoi", "atof"},
}


def lookup(name: str) -> Optional[types.ModuleType]:
    """The module a Python 2 name stands for, or None when ``name`` needs no help."""
    if name in _BUILDERS:
        if name not in _SHIMS:
            _SHIMS[name] = _BUILDERS[name]()
        return _SHIMS[name]
    if name in RENAMED:
        return importlib.import_module(RENAMED[name])
    return None


def is_py2_use(name: str, fromlist) -> bool:
    """Whether importing ``name`` (with ``fromlist``) needs a Python 2 name to work."""
    if name in RENAMED or name in ("StringIO", "cStringIO"):
        return True
    wanted = PY2_ONLY_FROM.get(name)
    return bool(wanted and fromlist and wanted.intersection(fromlist))
