"""TF 0.12 names and signatures, written over tf.compat.v1.

Groups (each a remedy in ``remedies.py``):

- ``RENAMED``: functions that were renamed or moved (``tf.sub`` -> subtract,
  ``tf.pack`` -> stack, ``tf.scalar_summary`` -> summary.scalar, ...).
- ``concat``/``split``/``reverse``: the old argument orders, detected from the
  arguments (an integer axis first; a boolean mask). Every detection is counted.
- ``NN_XENT``: cross-entropy functions that took ``(logits, labels)`` by position;
  TF 2's compat.v1 reads positions as ``(labels, logits)``, silently.
"""

from __future__ import annotations

import functools
import numbers
from typing import Any, Callable, Dict

import tensorflow as _tf

from . import audit_log as audit

tf1 = _tf.compat.v1


def _counted(remedy: str, fn: Callable, name: str) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        audit.applied(remedy)
        return fn(*args, **kwargs)

    wrapper.__name__ = name
    wrapper.__qualname__ = name
    return wrapper


# -- summaries (TF 0.12 took a tag where TF 1 takes a name) -----------------------------------

def _scalar_summary(tags: Any, values: Any, collections: Any = None, name: Any = None) -> Any:
    if isinstance(tags, (list, tuple)):
        parts = [tf1.summary.scalar(t, values[i], collections=collections) for i, t in enumerate(tags)]
        return tf1.summary.merge(parts, collections=collections, name=name)
    return tf1.summary.scalar(tags, values, collections=collections)


def _histogram_summary(tag: Any, values: Any, collections: Any = None, name: Any = None) -> Any:
    return tf1.summary.histogram(tag, values, collections=collections)


def _image_summary(tag: Any, tensor: Any, max_images: int = 3, collections: Any = None, name: Any = None) -> Any:
    return tf1.summary.image(tag, tensor, max_outputs=max_images, collections=collections)


def _audio_summary(tag: Any, tensor: Any, sample_rate: Any, max_outputs: int = 3,
                   collections: Any = None, name: Any = None) -> Any:
    return tf1.summary.audio(tag, tensor, sample_rate, max_outputs=max_outputs, collections=collections)


def _merge_summary(inputs: Any, collections: Any = None, name: Any = None) -> Any:
    return tf1.summary.merge(inputs, collections=collections, name=name)


def _merge_all_summaries(key: str = tf1.GraphKeys.SUMMARIES) -> Any:
    return tf1.summary.merge_all(key)


def _pack(values: Any, axis: int = 0, name: str = "pack") -> Any:
    return tf1.stack(values, axis=axis, name=name)


def _unpack(value: Any, num: Any = None, axis: int = 0, name: str = "unpack") -> Any:
    return tf1.unstack(value, num=num, axis=axis, name=name)


def _batch_matmul(x: Any, y: Any, adj_x: bool = False, adj_y: bool = False, name: Any = None) -> Any:
    return tf1.matmul(x, y, adjoint_a=adj_x, adjoint_b=adj_y, name=name)


def _initialize_variables(var_list: Any, name: str = "init") -> Any:
    return tf1.variables_initializer(var_list, name=name)


RENAMED: Dict[str, Callable] = {
    "sub": tf1.subtract,
    "mul": tf1.multiply,
    "neg": tf1.negative,
    "inv": tf1.reciprocal,
    "pack": _pack,
    "unpack": _unpack,
    "select": tf1.where,
    "batch_matmul": _batch_matmul,
    "complex_abs": tf1.abs,
    "listdiff": tf1.setdiff1d,
    "concat_v2": tf1.concat,
    "initialize_all_variables": tf1.global_variables_initializer,
    "initialize_local_variables": tf1.local_variables_initializer,
    "initialize_variables": _initialize_variables,
    "initialize_all_tables": tf1.tables_initializer,
    "all_variables": tf1.global_variables,
    "scalar_summary": _scalar_summary,
    "histogram_summary": _histogram_summary,
    "image_summary": _image_summary,
    "audio_summary": _audio_summary,
    "merge_summary": _merge_summary,
    "merge_all_summaries": _merge_all_summaries,
}
TRAIN_RENAMED: Dict[str, Callable] = {"SummaryWriter": tf1.summary.FileWriter}


def renamed(table: Dict[str, Callable]) -> Dict[str, Callable]:
    """``table`` with each entry counted under ``tf_renamed_apis`` when called."""
    return {name: _counted("tf_renamed_apis", fn, name) for name, fn in table.items()}


# -- old argument orders -----------------------------------------------------------------------

def _is_axis(x: Any) -> bool:
    """A Python/numpy integer, or a scalar integer tensor: what TF 0.12 put first."""
    if isinstance(x, bool):
        return False
    if isinstance(x, numbers.Integral):
        return True
    if isinstance(x, (_tf.Tensor, _tf.Variable)):
        return x.dtype.is_integer and x.get_shape().ndims == 0
    return False


def concat(*args: Any, **kwargs: Any) -> Any:
    """tf.concat accepting TF 0.12's ``concat(concat_dim, values, name)`` as well as ``concat(values, axis)``."""
    if "concat_dim" in kwargs or (args and _is_axis(args[0]) and (len(args) > 1 or "values" in kwargs)):
        audit.applied("concat_old_order")
        params = dict(zip(["values", "name"] if "concat_dim" in kwargs else ["concat_dim", "values", "name"], args))  # noqa: B905 - zip(strict=) needs Python 3.10; this package runs on 3.8
        params.update(kwargs)
        return tf1.concat(params["values"], params["concat_dim"], name=params.get("name", "concat"))
    return tf1.concat(*args, **kwargs)


def split(*args: Any, **kwargs: Any) -> Any:
    """tf.split accepting TF 0.12's ``split(split_dim, num_split, value, name)`` as well as the TF 1 order."""
    if "split_dim" in kwargs or "num_split" in kwargs or (args and _is_axis(args[0])):
        audit.applied("split_old_order")
        params = dict(zip(["split_dim", "num_split", "value", "name"], args))  # noqa: B905 - zip(strict=) needs Python 3.10; this package runs on 3.8
        params.update(kwargs)
        return tf1.split(params["value"], params["num_split"], axis=params["split_dim"],
                         name=params.get("name", "split"))
    return tf1.split(*args, **kwargs)


def reverse(tensor: Any, dims: Any = None, name: Any = None, axis: Any = None) -> Any:
    """tf.reverse accepting TF 0.12's boolean ``dims`` mask as well as a list of axes."""
    spec = dims if axis is None else axis
    if isinstance(spec, (list, tuple)) and spec and all(isinstance(d, bool) or type(d).__name__ == "bool_" for d in spec):
        audit.applied("reverse_dims_mask")
        spec = [i for i, flag in enumerate(spec) if flag]
    elif isinstance(spec, (_tf.Tensor, _tf.Variable)) and spec.dtype == _tf.bool:
        audit.applied("reverse_dims_mask")
        spec = tf1.reshape(tf1.cast(tf1.where(spec), _tf.int32), [-1])
    return tf1.reverse(tensor, spec, name=name)


# -- cross entropies with (logits, labels) positions ------------------------------------------

def _xent(v1_fn: Callable, label_kw: str, positional: tuple) -> Callable:
    """Wrap ``v1_fn`` so positional arguments follow TF 0.12's order ``positional``."""

    @functools.wraps(v1_fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if args:
            audit.applied("xent_positional")
            for key, value in zip(positional, args):  # noqa: B905 - zip(strict=) needs Python 3.10; this package runs on 3.8
                if key in kwargs:
                    raise TypeError("{}() got multiple values for argument {!r}".format(v1_fn.__name__, key))
                kwargs[key] = value
        if label_kw in kwargs and label_kw != "labels":
            kwargs["labels"] = kwargs.pop(label_kw)
        return v1_fn(**kwargs)

    return wrapper


NN_XENT: Dict[str, Callable] = {
    "sigmoid_cross_entropy_with_logits": _xent(
        tf1.nn.sigmoid_cross_entropy_with_logits, "targets", ("logits", "targets", "name")),
    "softmax_cross_entropy_with_logits": _xent(
        tf1.nn.softmax_cross_entropy_with_logits, "labels", ("logits", "labels", "dim", "name")),
    "sparse_softmax_cross_entropy_with_logits": _xent(
        tf1.nn.sparse_softmax_cross_entropy_with_logits, "labels", ("logits", "labels", "name")),
    "weighted_cross_entropy_with_logits": _xent(
        tf1.nn.weighted_cross_entropy_with_logits, "targets", ("logits", "targets", "pos_weight", "name")),
}
