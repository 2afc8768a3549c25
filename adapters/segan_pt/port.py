"""Porting upstream SEGAN TensorFlow variables to segan-pt state dicts.

Upstream variable names (TF 0.12 checkpoint, ``model.py``/``generator.py``/
``discriminator.py``/``ops.py``/``bnorm.py`` at c88a08d) and layouts:

====================================================  ==========================  ===========================
upstream variable                                     TF shape                    segan-pt key, shape
====================================================  ==========================  ===========================
``g_ae/enc_{i}/W``  (``downconv``, conv2d width 1)     ``[k, 1, in, out]``         ``G.enc.{i}.weight`` ``[out, in, k]``
``g_ae/enc_{i}/b``  (``--bias_downconv``)              ``[out]``                   ``G.enc.{i}.bias``
``g_ae/enc_prelu_{i}/alpha``  (``--g_nl prelu``)       ``[out]``                   ``G.enc_act.{i}.weight``
``g_ae/dec_{i}/W``  (``deconv``, conv2d_transpose)     ``[k, 1, out, in]``         ``G.dec.{i}.weight`` ``[in, out, k]``
``g_ae/dec_{i}/b``  (``--bias_deconv``)                ``[out]``                   ``G.dec.{i}.bias``
``g_ae/dec_prelu_{i}/alpha``                           ``[out]``                   ``G.dec_act.{i}.weight``
``d_model/d_block_{i}/downconv/W``                     ``[k, 1, in, out]``         ``D.blocks.{i}.conv.weight``
``d_model/d_block_{i}/downconv/b`` (``--bias_D_conv``) ``[out]``                   ``D.blocks.{i}.conv.bias``
``d_model/d_block_{i}/d_vbn_{i}/gamma`` / ``beta``     ``[out]``                   ``D.blocks.{i}.vbn.gamma`` / ``beta``
``d_model/logits_conv/W``  (``conv1d``)                ``[1, C, 1]``               ``D.logits_conv.weight`` ``[1, C, 1]``
``d_model/fully_connected/weights`` / ``biases``       ``[F, 1]`` / ``[1]``        ``D.fc.weight`` ``[1, F]`` / ``D.fc.bias``
====================================================  ==========================  ===========================

Ignored: ``g_ae/z/z`` (the non-trainable reference z), optimizer slots
(``.../RMSProp``, ``.../RMSProp_1``) and the scalar ``Variable*`` (keep
probability, D noise std, L1 lambda). Names may carry TF's ``:0`` suffix.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from core.errors import ArhError

# transforms from a TF array to the torch layout
_CONV = "conv"  # [k, 1, in, out] -> [out, in, k]
_DECONV = "deconv"  # [k, 1, out, in] -> [in, out, k]
_CONV1D = "conv1d"  # [k, in, out] -> [out, in, k]
_FC = "fc"  # [in, out] -> [out, in]
_SAME = "same"

_IGNORED = re.compile(r"(^g_ae/z/z$)|(/RMSProp(_\d+)?$)|(^Variable(_\d+)?$)|(^beta\d_power)")


def _strip(name: str) -> str:
    return name[:-2] if name.endswith(":0") else name


def segan_tf_variable_map(cfg: dict, include_discriminator: bool = True) -> dict[str, tuple[str, str]]:
    """``{upstream variable name: (segan-pt state-dict key, layout transform)}`` for a configuration.

    ``cfg`` holds ``g_enc_depths``, ``d_fmaps``, ``g_nl``, ``bias_downconv``,
    ``bias_deconv``, ``bias_d_conv`` (see ``SeganPT.configs``). Keys are prefixed
    ``G.`` / ``D.`` like the tensors in segan-pt checkpoints.
    """
    m: dict[str, tuple[str, str]] = {}
    n_enc = len(cfg["g_enc_depths"])
    prelu = cfg["g_nl"] == "prelu"
    for i in range(n_enc):
        m[f"g_ae/enc_{i}/W"] = (f"G.enc.{i}.weight", _CONV)
        if cfg["bias_downconv"]:
            m[f"g_ae/enc_{i}/b"] = (f"G.enc.{i}.bias", _SAME)
        if prelu:
            m[f"g_ae/enc_prelu_{i}/alpha"] = (f"G.enc_act.{i}.weight", _SAME)
    for i in range(n_enc):
        m[f"g_ae/dec_{i}/W"] = (f"G.dec.{i}.weight", _DECONV)
        if cfg["bias_deconv"]:
            m[f"g_ae/dec_{i}/b"] = (f"G.dec.{i}.bias", _SAME)
        if prelu and i < n_enc - 1:
            m[f"g_ae/dec_prelu_{i}/alpha"] = (f"G.dec_act.{i}.weight", _SAME)
    if include_discriminator:
        for i in range(len(cfg["d_fmaps"])):
            m[f"d_model/d_block_{i}/downconv/W"] = (f"D.blocks.{i}.conv.weight", _CONV)
            if cfg["bias_d_conv"]:
                m[f"d_model/d_block_{i}/downconv/b"] = (f"D.blocks.{i}.conv.bias", _SAME)
            m[f"d_model/d_block_{i}/d_vbn_{i}/gamma"] = (f"D.blocks.{i}.vbn.gamma", _SAME)
            m[f"d_model/d_block_{i}/d_vbn_{i}/beta"] = (f"D.blocks.{i}.vbn.beta", _SAME)
        m["d_model/logits_conv/W"] = ("D.logits_conv.weight", _CONV1D)
        m["d_model/fully_connected/weights"] = ("D.fc.weight", _FC)
        m["d_model/fully_connected/biases"] = ("D.fc.bias", _SAME)
    return m


def _transform(a: np.ndarray, kind: str, name: str) -> np.ndarray:
    a = np.asarray(a, dtype=np.float32)
    expected_ndim = {_CONV: 4, _DECONV: 4, _CONV1D: 3, _FC: 2, _SAME: 1}[kind]
    if a.ndim != expected_ndim or (kind in (_CONV, _DECONV) and a.shape[1] != 1):
        raise ArhError(f"upstream variable {name!r} has shape {list(a.shape)}; expected a {expected_ndim}-D "
                       + ("[k, 1, ., .] " if kind in (_CONV, _DECONV) else "") + "array")
    if kind in (_CONV, _DECONV):  # both: [k, 1, a, b] -> [b, a, k]
        return np.ascontiguousarray(a[:, 0].transpose(2, 1, 0))
    if kind == _CONV1D:
        return np.ascontiguousarray(a.transpose(2, 1, 0))
    if kind == _FC:
        return np.ascontiguousarray(a.T)
    return a.copy()


def config_from_tf(var_dict: dict[str, np.ndarray]) -> dict:
    """Architecture keys (depths, kernel, non-linearity, biases, canvas) read off upstream variables."""
    names = {_strip(k): v for k, v in var_dict.items()}
    g_depths, i = [], 0
    while f"g_ae/enc_{i}/W" in names:
        g_depths.append(int(np.shape(names[f"g_ae/enc_{i}/W"])[3]))
        i += 1
    d_fmaps, i = [], 0
    while f"d_model/d_block_{i}/downconv/W" in names:
        d_fmaps.append(int(np.shape(names[f"d_model/d_block_{i}/downconv/W"])[3]))
        i += 1
    if not g_depths:
        raise ArhError("no upstream generator variables found (expected 'g_ae/enc_0/W', ...); "
                       "is this a SEGAN (g_type ae) checkpoint?")
    cfg = {"g_enc_depths": g_depths, "d_fmaps": d_fmaps or list(g_depths),
           "kwidth": int(np.shape(names["g_ae/enc_0/W"])[0]),
           "g_nl": "prelu" if "g_ae/enc_prelu_0/alpha" in names else "leaky",
           "bias_downconv": "g_ae/enc_0/b" in names, "bias_deconv": "g_ae/dec_0/b" in names,
           "bias_d_conv": "d_model/d_block_0/downconv/b" in names}
    if "d_model/fully_connected/weights" in names and d_fmaps:
        cfg["canvas"] = int(np.shape(names["d_model/fully_connected/weights"])[0]) * 2 ** len(d_fmaps)
    return cfg


def convert_tf_checkpoint(var_dict: dict[str, np.ndarray], cfg: dict | None = None,
                          include_discriminator: bool | None = None, strict: bool = True) -> dict:
    """Upstream variables ``{name: array}`` (as read by ``tf.train.load_checkpoint``) -> segan-pt state dict.

    Returns ``{"G.enc.0.weight": torch.Tensor, ...}``. ``cfg`` defaults to
    :func:`config_from_tf`. The discriminator is converted when its variables
    are present (or when ``include_discriminator`` is True). With ``strict``,
    missing variables and unknown non-ignored names are errors.
    """
    import torch

    names = {_strip(k): v for k, v in var_dict.items()}
    cfg = {**config_from_tf(names), **(cfg or {})}
    if include_discriminator is None:
        include_discriminator = any(k.startswith("d_model/") for k in names)
    vmap = segan_tf_variable_map(cfg, include_discriminator)
    missing = sorted(set(vmap) - set(names))
    unknown = sorted(k for k in names if k not in vmap and not _IGNORED.search(k)
                     and (include_discriminator or not k.startswith("d_model/")))
    if strict and (missing or unknown):
        raise ArhError(f"upstream variables do not match the segan-pt configuration {cfg}: "
                       f"missing {missing[:8]}{' ...' if len(missing) > 8 else ''}, "
                       f"unexpected {unknown[:8]}{' ...' if len(unknown) > 8 else ''}")
    state = {}
    for tf_name, (key, kind) in vmap.items():
        if tf_name in names:
            state[key] = torch.from_numpy(_transform(names[tf_name], kind, tf_name))
    return state


def save_ported_checkpoint(var_dict: dict[str, np.ndarray], out_dir: str | Path, config: dict | None = None,
                           name: str = "best") -> Path:
    """Convert upstream variables and write them as a segan-pt checkpoint ``name`` in ``out_dir``.

    ``config`` overrides the segan-pt configuration (defaults to ``default``
    plus what :func:`config_from_tf` reads); the result restores with
    ``arh run --adapter segan-pt --action restore --checkpoint out_dir``.
    """
    from adapters.segan_pt.adapter import SeganPT
    from adapters.segan_pt.model import build_discriminator, build_generator
    from adapters.torch_common.checkpoint import save_checkpoint

    names = {_strip(k): v for k, v in var_dict.items()}
    cfg = SeganPT.config({**config_from_tf(names), **(config or {})})
    state = convert_tf_checkpoint(names, cfg)
    modules = {"G": build_generator(cfg)}
    if any(k.startswith("D.") for k in state):
        modules["D"] = build_discriminator(cfg)
    for mod_name, module in modules.items():
        prefix = f"{mod_name}."
        module.load_state_dict({k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}, strict=True)
    return save_checkpoint(out_dir, name, modules=modules, config=cfg, step=0,
                           extra={"adapter": "segan-pt", "ported_from": "santi-pdp/segan TensorFlow checkpoint"})
