"""The builtins legacy modules run with: Python 2 names and the helpers rewritten code calls.

Only modules loaded from a legacy root see these (their ``__builtins__`` is a
copy of the real builtins with these entries); the rest of the process keeps
Python 3 behaviour.
"""

from __future__ import annotations

import builtins
import functools
import itertools
import numbers
import operator
import sys
from collections.abc import ItemsView, KeysView, ValuesView
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any, Dict, FrozenSet

from . import audit_log as audit

_VIEWS = (KeysView, ValuesView, ItemsView)


# -- classic division -------------------------------------------------------------------

def _int_kind(x: Any) -> str:
    """'int' for Python/numpy integers and integer arrays, 'tensor' for integer TF tensors, '' else."""
    if isinstance(x, numbers.Integral):
        return "int"
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return ""
    kind = getattr(dtype, "kind", None)
    if kind is not None and type(x).__module__.startswith("numpy"):
        return "int" if kind in "iu" else ""
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(x, (tf.Tensor, tf.Variable)):
        return "tensor" if x.dtype.is_integer else ""
    return ""


def old_div(site: int, a: Any, b: Any) -> Any:
    """Python 2 ``a / b``: floor division when both operands are integers."""
    ta, tb = type(a), type(b)
    if ta is float or tb is float:
        return a / b
    if (ta is int or ta is bool) and (tb is int or tb is bool):
        audit.applied("old_div", site)
        return a // b
    return _old_div_general(site, a, b, inplace=False)


def old_idiv(site: int, a: Any, b: Any) -> Any:
    """Python 2 ``a /= b``: in place where the object supports it, floor for integers."""
    ta, tb = type(a), type(b)
    if ta is float or tb is float:
        return operator.itruediv(a, b)
    if (ta is int or ta is bool) and (tb is int or tb is bool):
        audit.applied("old_div", site)
        return a // b
    return _old_div_general(site, a, b, inplace=True)


def _is_numeric(x: Any) -> bool:
    """Numbers, numpy scalars/arrays and TF tensors: their own ``/`` is right unless both are integers."""
    if isinstance(x, numbers.Number) or type(x).__module__.startswith("numpy"):
        return True
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(x, (tf.Tensor, tf.Variable))


def _old_div_general(site: int, a: Any, b: Any, inplace: bool) -> Any:
    ka, kb = _int_kind(a), _int_kind(b)
    if ka and kb:
        audit.applied("old_div", site)
        if "tensor" in (ka, kb):
            return sys.modules["tensorflow"].compat.v1.div(a, b)
        return operator.ifloordiv(a, b) if inplace else a // b
    if not (_is_numeric(a) and _is_numeric(b)):
        # a Python 2 class: classic division calls __idiv__/__div__/__rdiv__
        if inplace and hasattr(type(a), "__idiv__"):
            audit.applied("old_div", site)
            return a.__idiv__(b)
        if hasattr(type(a), "__div__"):
            audit.applied("old_div", site)
            return a.__div__(b)
        if hasattr(type(b), "__rdiv__") and not hasattr(type(a), "__truediv__"):
            audit.applied("old_div", site)
            return b.__rdiv__(a)
    return operator.itruediv(a, b) if inplace else a / b


# -- dict methods, views, tostring ------------------------------------------------------

def py2_method(site: int, obj: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call ``obj.<name>(...)`` for a Python 2 method name, mapping it when ``obj`` lacks it."""
    if name == "tostring" and type(obj).__module__.startswith("numpy") and hasattr(obj, "tobytes"):
        audit.applied("ndarray_tostring", site)
        return obj.tobytes(*args, **kwargs)
    method = getattr(obj, name, None)
    if method is not None:
        return method(*args, **kwargs)
    if isinstance(obj, dict) or hasattr(obj, "items"):
        mapped = {
            "iteritems": lambda: iter(obj.items()),
            "iterkeys": lambda: iter(obj.keys()),
            "itervalues": lambda: iter(obj.values()),
            "viewitems": obj.items,
            "viewkeys": obj.keys,
            "viewvalues": obj.values,
            "has_key": lambda key: key in obj,
        }.get(name)
        if mapped is not None:
            audit.applied("py2_dict_methods", site)
            return mapped(*args, **kwargs)
    if name == "tostring" and hasattr(obj, "tobytes"):
        audit.applied("ndarray_tostring", site)
        return obj.tobytes(*args, **kwargs)
    raise AttributeError("{!r} object has no attribute {!r}".format(type(obj).__name__, name))


def as_list(site: int, value: Any) -> Any:
    """Python 2 ``d.keys()/values()/items()``: a list instead of a view."""
    if isinstance(value, _VIEWS):
        audit.applied("dict_views_as_lists", site)
        return list(value)
    return value


def setitem(site: int, value: Any, obj: Any, key: Any) -> None:
    """``obj[key] = value``; a size-1 array stored into one numpy element gives its element, as numpy < 1.25 did."""
    try:
        obj[key] = value
    except (TypeError, ValueError):
        size = getattr(value, "size", None)
        if size == 1 and getattr(value, "ndim", 0) > 0 and type(obj).__module__.startswith("numpy"):
            audit.applied("numpy_size1_assign", site)
            obj[key] = value.reshape(())
            return
        raise


# -- Python 2 builtins -------------------------------------------------------------------

class _BaseStringMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, (str, bytes))

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, (str, bytes))


class basestring(metaclass=_BaseStringMeta):  # noqa: N801 - the Python 2 name
    """Python 2 ``basestring``: ``isinstance(x, basestring)`` accepts str and bytes."""


def _cmp(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


def _execfile(path: str, glob: "Dict[str, Any] | None" = None, loc: "Dict[str, Any] | None" = None) -> None:
    with open(path) as fh:
        code = compile(fh.read(), path, "exec")
    frame = sys._getframe(1)
    glob = frame.f_globals if glob is None else glob
    exec(code, glob, glob if loc is None else loc)


def _apply(func: Any, args: Any = (), kwargs: Any = None) -> Any:
    return func(*args, **(kwargs or {}))


def _py2_map(func: Any, *iterables: Any) -> list:
    if func is None:
        if len(iterables) == 1:
            return list(iterables[0])
        return list(itertools.zip_longest(*iterables))
    return list(builtins.map(func, *iterables))


def _py2_filter(func: Any, iterable: Any) -> Any:
    if isinstance(iterable, (str, tuple)):
        kept = builtins.filter(func, iterable)
        return "".join(kept) if isinstance(iterable, str) else tuple(kept)
    return list(builtins.filter(func, iterable))


def _py2_zip(*iterables: Any) -> list:
    return list(builtins.zip(*iterables))  # noqa: B905 - Python 2 zip truncates; strict= needs 3.10


_ROUND_CONTEXT = Context(prec=800)


def _py2_round(number: Any, ndigits: int = 0) -> Any:
    """Python 2 ``round``: halves away from zero on the exact binary value; returns a float."""
    real = isinstance(number, (int, float)) or (
        type(number).__module__.startswith("numpy") and isinstance(number, numbers.Real)
    )
    if not real:
        return builtins.round(number, ndigits)
    value = float(number)
    if value != value or value in (float("inf"), float("-inf")):
        return value
    exact = Decimal(value)
    rounded = float(exact.quantize(Decimal(1).scaleb(-int(ndigits)), rounding=ROUND_HALF_UP, context=_ROUND_CONTEXT))
    if rounded != builtins.round(value, int(ndigits)):
        audit.applied("py2_round")
    return rounded


def make_builtins(disabled: FrozenSet[str], legacy_import: Any) -> Dict[str, Any]:
    """The ``__builtins__`` dict for legacy modules of one activation."""
    table: Dict[str, Any] = dict(builtins.__dict__)
    table.update(
        _tfc_old_div=old_div,
        _tfc_old_idiv=old_idiv,
        _tfc_py2_method=py2_method,
        _tfc_as_list=as_list,
        _tfc_setitem=setitem,
    )
    table["__import__"] = legacy_import
    if "py2_builtins" not in disabled:
        table.update(
            xrange=range,
            unicode=str,
            basestring=basestring,
            long=int,
            raw_input=builtins.input,
            unichr=chr,
            reduce=functools.reduce,
            file=builtins.open,
            intern=sys.intern,
            cmp=_cmp,
            apply=_apply,
            buffer=memoryview,
            execfile=_execfile,
            StandardError=Exception,
        )
    if "list_builtins" not in disabled:
        table.update(map=_py2_map, zip=_py2_zip, filter=_py2_filter)
    if "py2_round" not in disabled:
        table["round"] = _py2_round
    return table
