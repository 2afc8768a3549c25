"""Optimizers whose slot variables can be created under a ``reuse_variables()`` scope.

TF 0.12 created optimizer slots (``.../RMSProp``, ``.../Adam_1``) as plain
variables. TF >= 1.0 creates them with ``get_variable``, so code that called
``tf.get_variable_scope().reuse_variables()`` before ``apply_gradients`` fails
with "Variable .../RMSProp/ does not exist". Here ``apply_gradients`` (and so
``minimize``) runs inside the same variable scope with ``reuse=AUTO_REUSE``
when the current scope has ``reuse=True``. Slot scope names are still made
unique by TF, so two optimizers never share a slot.
"""

from __future__ import annotations

import inspect
from typing import Any, Dict

import tensorflow as _tf

from . import audit_log as audit

tf1 = _tf.compat.v1


class SlotReuseMixin:
    """Mixed into each tf.compat.v1.train optimizer class."""

    def apply_gradients(self, grads_and_vars: Any, global_step: Any = None, name: Any = None) -> Any:
        scope = tf1.get_variable_scope()
        if scope.reuse is True:
            audit.applied("optimizer_slot_reuse")
            with tf1.variable_scope(scope, reuse=tf1.AUTO_REUSE, auxiliary_name_scope=False):
                return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)  # type: ignore[misc]
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)  # type: ignore[misc]


def optimizer_classes() -> Dict[str, type]:
    """``{name: subclass}`` for every optimizer class in tf.compat.v1.train (Optimizer included)."""
    out: Dict[str, type] = {}
    for name in dir(tf1.train):
        cls = getattr(tf1.train, name)
        if inspect.isclass(cls) and issubclass(cls, tf1.train.Optimizer):
            out[name] = type(name, (SlotReuseMixin, cls), {"__module__": "tensorflow.train", "__doc__": cls.__doc__})
    return out
