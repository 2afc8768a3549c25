"""Upstream ``main.py`` flags: their defaults at the pinned commit and the harness mapping."""

from __future__ import annotations

# main.py's flag defaults at c88a08d (the values upstream uses when a flag is not given).
UPSTREAM_DEFAULTS = {
    "seed": 111, "epoch": 150, "batch_size": 150, "save_freq": 50, "canvas_size": 2 ** 14,
    "denoise_epoch": 5, "l1_remove_epoch": 150, "bias_deconv": False, "bias_downconv": False,
    "bias_D_conv": False, "denoise_lbound": 0.01, "noise_decay": 0.7, "d_label_smooth": 0.25,
    "init_noise_std": 0.5, "init_l1_weight": 100.0, "z_dim": 256, "z_depth": 256,
    "save_path": "segan_results", "g_nl": "leaky", "model": "gan", "deconv_type": "deconv", "g_type": "ae",
    "g_learning_rate": 0.0002, "d_learning_rate": 0.0002, "beta_1": 0.5, "preemph": 0.95,
    "synthesis_path": "dwavegan_samples", "e2e_dataset": "data/segan.tfrecords",
    "save_clean_path": "test_clean_results", "test_wav": None, "weights": None,
}

# harness config key -> upstream flag (keys not listed here are harness-only settings)
CONFIG_TO_FLAG = {
    "epochs": "epoch", "batch_size": "batch_size", "canvas_size": "canvas_size", "save_freq": "save_freq",
    "g_learning_rate": "g_learning_rate", "d_learning_rate": "d_learning_rate", "l1_weight": "init_l1_weight",
    "l1_remove_epoch": "l1_remove_epoch", "preemph": "preemph", "seed": "seed", "init_noise_std": "init_noise_std",
    "denoise_epoch": "denoise_epoch", "noise_decay": "noise_decay", "d_label_smooth": "d_label_smooth",
    "g_nl": "g_nl", "bias_deconv": "bias_deconv", "bias_downconv": "bias_downconv", "bias_D_conv": "bias_D_conv",
    "deconv_type": "deconv_type",
}


def flag_values(config: dict, seed: int, **paths) -> dict:
    """All upstream flag values for ``config`` (defaults filled), plus the given paths."""
    values = dict(UPSTREAM_DEFAULTS)
    for key, flag in CONFIG_TO_FLAG.items():
        if key in config:
            values[flag] = config[key]
    values["seed"] = int(config.get("seed", seed))
    values.update(paths)
    return values


def to_argv(values: dict) -> list[str]:
    """Command-line form for main.py; booleans as ``True``/``False`` as upstream's scripts pass them."""
    argv = []
    for k in sorted(values):
        v = values[k]
        if v is None or k in ("test_wav", "weights") and v is None:
            continue
        argv += [f"--{k}", str(v) if not isinstance(v, bool) else ("True" if v else "False")]
    return argv
