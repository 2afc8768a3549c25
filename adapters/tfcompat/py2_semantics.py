"""Syntax-tree rewrites for Python 2 semantics that Python 3 parses but runs differently.

- ``a / b`` and ``a /= b`` call ``_tfc_old_div`` / ``_tfc_old_idiv`` (classic
  division: floor for two integers), unless the module says
  ``from __future__ import division``.
- ``d.iteritems()`` and friends, and ``x.tostring()``, call ``_tfc_py2_method``,
  which uses the object's own method when it has one.
- ``d.keys()/values()/items()`` are wrapped in ``_tfc_as_list`` (lists, as in Python 2).
- ``x[i] = v`` calls ``_tfc_setitem`` (value first, as Python evaluates it), which
  stores the element of a size-1 array where old numpy did and numpy 2 raises.

The helpers live in the legacy modules' builtins (``py2_runtime.py``); each
call passes a site id first so the audit can say where a remedy changed something.
References to Python 2 builtins (``xrange``, ``map``...) are only counted.
"""

from __future__ import annotations

import ast
from typing import Callable, FrozenSet, Optional

from . import audit_log as audit

PY2_DICT_METHODS = frozenset(
    ["iteritems", "iterkeys", "itervalues", "has_key", "viewitems", "viewkeys", "viewvalues"]
)
PY2_BUILTIN_NAMES = frozenset(
    ["xrange", "unicode", "basestring", "long", "raw_input", "unichr", "reduce", "file",
     "intern", "cmp", "apply", "buffer", "execfile", "StandardError", "unicode_literals"]
)
LIST_BUILTIN_NAMES = frozenset(["map", "zip", "filter"])

Note = Callable[[str, int], None]


def has_future(tree: ast.Module, feature: str) -> bool:
    """True when the module has ``from __future__ import <feature>``."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            if any(a.name == feature for a in node.names):
                return True
    return False


def _simple(node: ast.AST) -> bool:
    """An expression that can be evaluated twice without side effects."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.Attribute):
        return _simple(node.value)
    if isinstance(node, ast.UnaryOp):
        return _simple(node.operand)
    if isinstance(node, ast.Subscript):
        sl = node.slice
        if sl.__class__.__name__ == "Index":  # Python 3.8 wraps subscripts in ast.Index
            sl = sl.value  # type: ignore[attr-defined]
        return _simple(node.value) and _simple(sl)
    return False


def _load_copy(node: ast.AST) -> ast.AST:
    """A Load-context copy of an assignment target."""
    class _ToLoad(ast.NodeTransformer):
        def generic_visit(self, n):
            super().generic_visit(n)
            if hasattr(n, "ctx"):
                n.ctx = ast.Load()
            return n

    import copy

    return _ToLoad().visit(copy.deepcopy(node))


class Py2Semantics(ast.NodeTransformer):
    """Rewrite one legacy module's tree; ``where`` names the file for the audit."""

    def __init__(self, where: str, disabled: FrozenSet[str], true_division: bool, note: Note):
        self.where = where
        self.disabled = disabled
        self.old_div = "old_div" not in disabled and not true_division
        self.note = note

    def _helper(self, name: str, args, node: ast.AST, keywords=None) -> ast.Call:
        site = audit.new_site(self.where, getattr(node, "lineno", 0))
        call = ast.Call(
            func=ast.Name(id=name, ctx=ast.Load()),
            args=[ast.Constant(site)] + list(args),
            keywords=keywords or [],
        )
        return ast.copy_location(call, node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if self.old_div and isinstance(node.op, ast.Div):
            self.note("old_div", node.lineno)
            return self._helper("_tfc_old_div", [node.left, node.right], node)
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        self.generic_visit(node)
        if "numpy_size1_assign" in self.disabled or len(node.targets) != 1:
            return node
        target = node.targets[0]
        if not isinstance(target, ast.Subscript):
            return node
        key = target.slice
        if key.__class__.__name__ == "Index":  # Python 3.8
            key = key.value  # type: ignore[attr-defined]
        parts = key.elts if isinstance(key, ast.Tuple) else [key]
        if any(isinstance(p, ast.Slice) or p.__class__.__name__ == "ExtSlice" for p in parts + [key]):
            return node
        self.note("numpy_size1_assign", node.lineno)
        obj = _load_copy(target.value)
        call = self._helper("_tfc_setitem", [node.value, obj, key], node)
        return ast.copy_location(ast.Expr(value=call), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        if not (self.old_div and isinstance(node.op, ast.Div)):
            return node
        if not _simple(node.target):
            audit.applied("old_div", place="{}:{} (left as true division: complex target)".format(self.where, node.lineno))
            return node
        self.note("old_div", node.lineno)
        value = self._helper("_tfc_old_idiv", [_load_copy(node.target), node.value], node)
        return ast.copy_location(ast.Assign(targets=[node.target], value=value), node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if not isinstance(func, ast.Attribute):
            return node
        attr = func.attr
        remedy: Optional[str] = None
        if attr in PY2_DICT_METHODS:
            remedy = "py2_dict_methods"
        elif attr == "tostring":
            remedy = "ndarray_tostring"
        if remedy is not None and remedy not in self.disabled:
            self.note(remedy, node.lineno)
            return self._helper(
                "_tfc_py2_method", [func.value, ast.Constant(attr)] + list(node.args), node, node.keywords
            )
        if (
            attr in ("keys", "values", "items")
            and not node.args
            and not node.keywords
            and "dict_views_as_lists" not in self.disabled
        ):
            self.note("dict_views_as_lists", node.lineno)
            return self._helper("_tfc_as_list", [node], node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load):
            if node.id in PY2_BUILTIN_NAMES and "py2_builtins" not in self.disabled:
                self.note("py2_builtins", node.lineno)
            elif node.id in LIST_BUILTIN_NAMES and "list_builtins" not in self.disabled:
                self.note("list_builtins", node.lineno)
            elif node.id == "round" and "py2_round" not in self.disabled:
                self.note("py2_round", node.lineno)
        return node


def rewrite(tree: ast.Module, where: str, disabled: FrozenSet[str], note: Note) -> ast.Module:
    """Apply the enabled semantic rewrites to ``tree`` (in place) and return it."""
    true_division = has_future(tree, "division")
    tree = Py2Semantics(where, disabled, true_division, note).visit(tree)
    return ast.fix_missing_locations(tree)
