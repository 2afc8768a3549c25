"""``tensorflow.contrib.layers`` rebuilt from tf.compat.v1 primitives, TF 0.12 style.

TF 2 has no ``contrib`` and ``tf.compat.v1.layers`` needs Keras 2, so these are
written again with the 0.12 variable names, scopes and defaults, which is what
checkpoints and numbers depend on:

- ``batch_norm``: scope ``BatchNorm``; variables ``beta`` (center=True),
  ``gamma`` (only with scale=True; default False), ``moving_mean``,
  ``moving_variance``; decay 0.999, epsilon 0.001; moments over every axis but
  the last; moving averages updated by ops added to ``UPDATE_OPS`` (or run
  before the output when ``updates_collections=None``).
- ``fully_connected``: scope ``fully_connected``; ``weights`` [in, out] with
  Xavier-uniform init, ``biases`` [out] zeros; ReLU by default.
- ``conv2d``/``convolution2d``: scope ``Conv``; ``weights`` [kh, kw, in, out], ``biases``.
- ``xavier_initializer`` = ``variance_scaling_initializer(1.0, 'FAN_AVG', uniform)``
  as contrib defined it: uniform limit sqrt(3 f / n), or a truncated normal of
  stddev sqrt(1.3 f / n) (no 0.88 correction, unlike the Keras version).

Every function counts itself in the audit under ``contrib_layers``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Dict, List, Optional

import tensorflow as _tf

from . import audit_log as audit

tf1 = _tf.compat.v1
_GK = tf1.GraphKeys
_ZEROS = tf1.zeros_initializer()  # 0.12's default biases_initializer (None there means "no biases")

__all__ = [
    "batch_norm", "fully_connected", "flatten", "conv2d", "convolution2d", "max_pool2d",
    "avg_pool2d", "dropout", "xavier_initializer", "xavier_initializer_conv2d",
    "variance_scaling_initializer", "l1_regularizer", "l2_regularizer",
]


def _used(name: str) -> None:
    """Count one use of a rebuilt contrib function at its legacy call site."""
    audit.applied("contrib_layers")


def _collections(variables_collections: Any, name: str) -> List[str]:
    if isinstance(variables_collections, dict):
        extra = variables_collections.get(name)
    else:
        extra = variables_collections
    if extra is None:
        extra = []
    elif isinstance(extra, str):
        extra = [extra]
    out = [_GK.GLOBAL_VARIABLES, _GK.MODEL_VARIABLES]
    return out + [c for c in extra if c not in out]


def _model_variable(name: str, shape: List[int], dtype: Any, initializer: Any, trainable: bool,
                    collections: List[str], regularizer: Any = None) -> Any:
    return tf1.get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                            regularizer=regularizer, trainable=trainable, collections=collections)


def _collect_outputs(outputs_collections: Any, outputs: Any) -> Any:
    if outputs_collections:
        tf1.add_to_collections(outputs_collections, outputs)
    return outputs


def _static_dims(shape: Any) -> List[Optional[int]]:
    return _tf.TensorShape(shape).as_list()


# -- initializers and regularizers -----------------------------------------------------------

def variance_scaling_initializer(factor: float = 2.0, mode: str = "FAN_IN", uniform: bool = False,
                                 seed: Optional[int] = None, dtype: Any = _tf.float32) -> Callable:
    """contrib's variance scaling: n = fan_in | fan_out | (fan_in+fan_out)/2 (conv: times receptive field)."""
    if not dtype.is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError("Unknown mode %s [FAN_IN, FAN_OUT, FAN_AVG]" % mode)
    _used("variance_scaling_initializer")

    def _initializer(shape: Any, dtype: Any = dtype, partition_info: Any = None) -> Any:
        dims = [int(d) for d in _static_dims(shape)]
        dtype = _tf.as_dtype(dtype or _tf.float32)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        if dims:
            fan_in = float(dims[-2]) if len(dims) > 1 else float(dims[-1])
            fan_out = float(dims[-1])
        else:
            fan_in = fan_out = 1.0
        for dim in dims[:-2]:
            fan_in *= float(dim)
            fan_out *= float(dim)
        if mode == "FAN_IN":
            n = fan_in
        elif mode == "FAN_OUT":
            n = fan_out
        else:
            n = (fan_in + fan_out) / 2.0
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return tf1.random_uniform(dims, -limit, limit, dtype, seed=seed)
        trunc_stddev = math.sqrt(1.3 * factor / n)
        return tf1.truncated_normal(dims, 0.0, trunc_stddev, dtype, seed=seed)

    return _initializer


def xavier_initializer(uniform: bool = True, seed: Optional[int] = None, dtype: Any = _tf.float32) -> Callable:
    """Glorot/Xavier as contrib defined it (uniform by default, fan average)."""
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed, dtype=dtype)


xavier_initializer_conv2d = xavier_initializer


def _check_scale(scale: Any) -> None:
    if isinstance(scale, numbers.Integral):
        raise ValueError("scale cannot be an integer: %s" % scale)
    if isinstance(scale, numbers.Real) and scale < 0.0:
        raise ValueError("Setting a scale less than 0 on a regularizer: %g" % scale)


def l2_regularizer(scale: float, scope: Optional[str] = None) -> Callable:
    """``scale * tf.nn.l2_loss(w)`` (half the sum of squares), in name scope 'l2_regularizer'."""
    _check_scale(scale)
    _used("l2_regularizer")
    if isinstance(scale, numbers.Real) and scale == 0.0:
        return lambda _: None

    def l2(weights: Any) -> Any:
        with tf1.name_scope(scope, "l2_regularizer", [weights]) as name:
            my_scale = tf1.convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return tf1.multiply(my_scale, tf1.nn.l2_loss(weights), name=name)

    return l2


def l1_regularizer(scale: float, scope: Optional[str] = None) -> Callable:
    """``scale * sum(|w|)``, in name scope 'l1_regularizer'."""
    _check_scale(scale)
    _used("l1_regularizer")
    if isinstance(scale, numbers.Real) and scale == 0.0:
        return lambda _: None

    def l1(weights: Any) -> Any:
        with tf1.name_scope(scope, "l1_regularizer", [weights]) as name:
            my_scale = tf1.convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return tf1.multiply(my_scale, tf1.reduce_sum(tf1.abs(weights)), name=name)

    return l1


# -- layers ----------------------------------------------------------------------------------

def batch_norm(inputs: Any, decay: float = 0.999, center: bool = True, scale: bool = False,
               epsilon: float = 0.001, activation_fn: Optional[Callable] = None,
               param_initializers: Optional[Dict[str, Any]] = None,
               updates_collections: Any = _GK.UPDATE_OPS, is_training: Any = True,
               reuse: Optional[bool] = None, variables_collections: Any = None,
               outputs_collections: Any = None, trainable: bool = True,
               batch_weights: Any = None, fused: bool = False, data_format: str = "NHWC",
               zero_debias_moving_mean: bool = False, scope: Optional[str] = None) -> Any:
    """Batch normalization with TF 0.12 contrib names and defaults (NHWC: stats over all but the last axis)."""
    if batch_weights is not None:
        raise NotImplementedError("tfcompat batch_norm: batch_weights is not supported")
    if data_format not in ("NHWC", None):
        raise NotImplementedError("tfcompat batch_norm: only data_format='NHWC' is supported, got %r" % data_format)
    _used("batch_norm")
    if fused:
        audit.applied("contrib_layers", place="batch_norm(fused=True) computed unfused")
    with tf1.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse):
        inputs = tf1.convert_to_tensor(inputs)
        dtype = inputs.dtype.base_dtype
        rank = inputs.get_shape().ndims
        if rank is None:
            raise ValueError("Inputs %s has undefined rank." % inputs.name)
        axis = list(range(rank - 1))
        params_shape = inputs.get_shape()[-1:]
        if not params_shape.is_fully_defined():
            raise ValueError("Inputs %s has undefined last dimension %s." % (inputs.name, params_shape))
        params_shape = params_shape.as_list()
        inits = param_initializers or {}
        beta = gamma = None
        if center:
            beta = _model_variable("beta", params_shape, dtype, inits.get("beta", tf1.zeros_initializer()),
                                   trainable, _collections(variables_collections, "beta"))
        if scale:
            gamma = _model_variable("gamma", params_shape, dtype, inits.get("gamma", tf1.ones_initializer()),
                                    trainable, _collections(variables_collections, "gamma"))
        moving_mean = _model_variable(
            "moving_mean", params_shape, dtype, inits.get("moving_mean", tf1.zeros_initializer()),
            False, _collections(variables_collections, "moving_mean"))
        moving_variance = _model_variable(
            "moving_variance", params_shape, dtype, inits.get("moving_variance", tf1.ones_initializer()),
            False, _collections(variables_collections, "moving_variance"))

        def _updates(mean: Any, variance: Any) -> List[Any]:
            return [
                tf1.assign_sub(moving_mean, (moving_mean - mean) * (1.0 - decay), name="AssignMovingAvg"),
                tf1.assign_sub(moving_variance, (moving_variance - variance) * (1.0 - decay),
                               name="AssignMovingAvg_1"),
            ]

        if isinstance(is_training, bool):
            if is_training:
                mean, variance = tf1.nn.moments(inputs, axis)
                updates = _updates(mean, variance)
                if updates_collections is None:
                    with tf1.control_dependencies(updates):
                        mean, variance = tf1.identity(mean), tf1.identity(variance)
                else:
                    for op in updates:
                        tf1.add_to_collections(updates_collections, op)
            else:
                mean, variance = moving_mean, moving_variance
        else:
            batch_mean, batch_variance = tf1.nn.moments(inputs, axis)

            def _train_updates() -> Any:
                ups = _updates(batch_mean, batch_variance)
                with tf1.control_dependencies(ups):
                    return tf1.identity(batch_mean), tf1.identity(batch_variance)

            if updates_collections is None:
                mean, variance = tf1.cond(is_training, _train_updates,
                                          lambda: (tf1.identity(moving_mean), tf1.identity(moving_variance)))
            else:
                cond_updates = tf1.cond(is_training, lambda: tf1.group(*_updates(batch_mean, batch_variance)),
                                        tf1.no_op)
                tf1.add_to_collections(updates_collections, cond_updates)
                mean, variance = tf1.cond(is_training, lambda: (batch_mean, batch_variance),
                                          lambda: (tf1.identity(moving_mean), tf1.identity(moving_variance)))
        outputs = tf1.nn.batch_normalization(inputs, mean, variance, beta, gamma, epsilon)
        outputs.set_shape(inputs.get_shape())
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_outputs(outputs_collections, outputs)


def fully_connected(inputs: Any, num_outputs: int, activation_fn: Optional[Callable] = tf1.nn.relu,
                    normalizer_fn: Optional[Callable] = None, normalizer_params: Optional[dict] = None,
                    weights_initializer: Any = None, weights_regularizer: Any = None,
                    biases_initializer: Any = _ZEROS, biases_regularizer: Any = None,
                    reuse: Optional[bool] = None, variables_collections: Any = None,
                    outputs_collections: Any = None, trainable: bool = True,
                    scope: Optional[str] = None) -> Any:
    """Dense layer: ``weights`` [in, out] (Xavier uniform) and ``biases`` in scope 'fully_connected'."""
    if not isinstance(num_outputs, numbers.Integral):
        raise ValueError("num_outputs should be int or long, got %s." % (num_outputs,))
    _used("fully_connected")
    if weights_initializer is None:
        weights_initializer = xavier_initializer()
    with tf1.variable_scope(scope, "fully_connected", [inputs], reuse=reuse):
        inputs = tf1.convert_to_tensor(inputs)
        dtype = inputs.dtype.base_dtype
        static_shape = inputs.get_shape().as_list()
        num_input_units = static_shape[-1]
        if num_input_units is None:
            raise ValueError("Last dimension of inputs must be defined, got shape %s" % static_shape)
        static_shape[-1] = num_outputs
        out_shape = tf1.unstack(tf1.shape(inputs))
        out_shape[-1] = num_outputs
        weights = _model_variable("weights", [num_input_units, num_outputs], dtype, weights_initializer,
                                  trainable, _collections(variables_collections, "weights"),
                                  regularizer=weights_regularizer)
        if len(static_shape) > 2:
            inputs = tf1.reshape(inputs, [-1, num_input_units])
        outputs = tf1.matmul(inputs, weights)
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            biases = _model_variable("biases", [num_outputs], dtype, biases_initializer, trainable,
                                     _collections(variables_collections, "biases"),
                                     regularizer=biases_regularizer)
            outputs = tf1.nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        if len(static_shape) > 2:
            outputs = tf1.reshape(outputs, tf1.stack(out_shape))
            outputs.set_shape(static_shape)
        return _collect_outputs(outputs_collections, outputs)


def convolution2d(inputs: Any, num_outputs: int, kernel_size: Any, stride: Any = 1, padding: str = "SAME",
                  rate: int = 1, activation_fn: Optional[Callable] = tf1.nn.relu,
                  normalizer_fn: Optional[Callable] = None, normalizer_params: Optional[dict] = None,
                  weights_initializer: Any = None, weights_regularizer: Any = None,
                  biases_initializer: Any = _ZEROS, biases_regularizer: Any = None,
                  reuse: Optional[bool] = None, variables_collections: Any = None,
                  outputs_collections: Any = None, trainable: bool = True,
                  scope: Optional[str] = None) -> Any:
    """2-D convolution (NHWC): ``weights`` [kh, kw, in, out] and ``biases`` in scope 'Conv'."""
    _used("convolution2d")
    if weights_initializer is None:
        weights_initializer = xavier_initializer()
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, numbers.Integral) else kernel_size
    sh, sw = (stride, stride) if isinstance(stride, numbers.Integral) else stride
    with tf1.variable_scope(scope, "Conv", [inputs], reuse=reuse):
        inputs = tf1.convert_to_tensor(inputs)
        dtype = inputs.dtype.base_dtype
        num_filters_in = inputs.get_shape().as_list()[-1]
        weights = _model_variable("weights", [kh, kw, num_filters_in, num_outputs], dtype, weights_initializer,
                                  trainable, _collections(variables_collections, "weights"),
                                  regularizer=weights_regularizer)
        if rate > 1:
            outputs = tf1.nn.atrous_conv2d(inputs, weights, rate, padding=padding)
        else:
            outputs = tf1.nn.conv2d(inputs, weights, [1, sh, sw, 1], padding=padding)
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            biases = _model_variable("biases", [num_outputs], dtype, biases_initializer, trainable,
                                     _collections(variables_collections, "biases"),
                                     regularizer=biases_regularizer)
            outputs = tf1.nn.bias_add(outputs, biases)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_outputs(outputs_collections, outputs)


conv2d = convolution2d


def _pool(kind: str, inputs: Any, kernel_size: Any, stride: Any, padding: str,
          outputs_collections: Any, scope: Optional[str]) -> Any:
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, numbers.Integral) else kernel_size
    sh, sw = (stride, stride) if isinstance(stride, numbers.Integral) else stride
    fn = tf1.nn.max_pool if kind == "MaxPool2D" else tf1.nn.avg_pool
    with tf1.name_scope(scope, kind, [inputs]) as sc:
        outputs = fn(inputs, ksize=[1, kh, kw, 1], strides=[1, sh, sw, 1], padding=padding, name=sc)
        return _collect_outputs(outputs_collections, outputs)


def max_pool2d(inputs: Any, kernel_size: Any, stride: Any = 2, padding: str = "VALID",
               outputs_collections: Any = None, scope: Optional[str] = None) -> Any:
    """Max pooling (NHWC) in name scope 'MaxPool2D'."""
    _used("max_pool2d")
    return _pool("MaxPool2D", inputs, kernel_size, stride, padding, outputs_collections, scope)


def avg_pool2d(inputs: Any, kernel_size: Any, stride: Any = 2, padding: str = "VALID",
               outputs_collections: Any = None, scope: Optional[str] = None) -> Any:
    """Average pooling (NHWC) in name scope 'AvgPool2D'."""
    _used("avg_pool2d")
    return _pool("AvgPool2D", inputs, kernel_size, stride, padding, outputs_collections, scope)


def dropout(inputs: Any, keep_prob: Any = 0.5, noise_shape: Any = None, is_training: Any = True,
            outputs_collections: Any = None, scope: Optional[str] = None) -> Any:
    """Dropout with keep probability ``keep_prob`` while training; identity otherwise."""
    _used("dropout")
    with tf1.name_scope(scope, "Dropout", [inputs]):
        inputs = tf1.convert_to_tensor(inputs)
        if isinstance(is_training, bool):
            outputs = tf1.nn.dropout(inputs, keep_prob, noise_shape) if is_training else tf1.identity(inputs)
        else:
            outputs = tf1.cond(is_training, lambda: tf1.nn.dropout(inputs, keep_prob, noise_shape),
                               lambda: tf1.identity(inputs))
        return _collect_outputs(outputs_collections, outputs)


def flatten(inputs: Any, outputs_collections: Any = None, scope: Optional[str] = None) -> Any:
    """Reshape [batch, ...] to [batch, k] in name scope 'Flatten'."""
    _used("flatten")
    with tf1.name_scope(scope, "Flatten", [inputs]):
        inputs = tf1.convert_to_tensor(inputs)
        shape = inputs.get_shape()
        if shape.ndims is None or shape.ndims < 2:
            raise ValueError("Inputs must have a least 2 dimensions.")
        dims = shape[1:]
        if dims.is_fully_defined():
            outputs = tf1.reshape(inputs, [-1, dims.num_elements()])
        else:
            outputs = tf1.reshape(inputs, tf1.stack([tf1.shape(inputs)[0], -1]))
        return _collect_outputs(outputs_collections, outputs)
