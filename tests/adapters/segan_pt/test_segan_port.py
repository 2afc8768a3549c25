"""Porting upstream TensorFlow variables (names and layouts of santi-pdp/segan) to segan-pt."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from adapters.segan_pt.adapter import SeganPT  # noqa: E402
from adapters.segan_pt.model import build_discriminator, build_generator  # noqa: E402
from adapters.segan_pt.port import (  # noqa: E402
    config_from_tf,
    convert_tf_checkpoint,
    save_ported_checkpoint,
    segan_tf_variable_map,
)
from core.errors import ArhError  # noqa: E402

SMALL = {"canvas": 1024, "g_enc_depths": [4, 8, 8, 16], "d_fmaps": [4, 8, 8, 16]}


def _upstream_vars(cfg: dict, seed: int = 0) -> dict[str, np.ndarray]:
    """A synthetic TF checkpoint in upstream naming and TF layouts, random values."""
    rng = np.random.default_rng(seed)
    r = lambda *shape: rng.normal(0, 0.05, shape).astype(np.float32)  # noqa: E731
    k, g, d = cfg["kwidth"], cfg["g_enc_depths"], cfg["d_fmaps"]
    v = {}
    chans = [1] + g
    for i in range(len(g)):
        v[f"g_ae/enc_{i}/W"] = r(k, 1, chans[i], chans[i + 1])  # conv2d kernel [h, w, in, out]
        v[f"g_ae/enc_{i}/b"] = r(chans[i + 1])
        v[f"g_ae/enc_prelu_{i}/alpha"] = r(chans[i + 1])
    dec_out = g[:-1][::-1] + [1]
    c_in = 2 * g[-1]
    for i, out in enumerate(dec_out):
        v[f"g_ae/dec_{i}/W"] = r(k, 1, out, c_in)  # conv2d_transpose kernel [h, w, out, in]
        v[f"g_ae/dec_{i}/b"] = r(out)
        if i < len(dec_out) - 1:
            v[f"g_ae/dec_prelu_{i}/alpha"] = r(out)
            c_in = out + g[-(i + 2)]
    dch = [2] + d
    for i in range(len(d)):
        v[f"d_model/d_block_{i}/downconv/W"] = r(k, 1, dch[i], dch[i + 1])
        v[f"d_model/d_block_{i}/downconv/b"] = r(dch[i + 1])
        v[f"d_model/d_block_{i}/d_vbn_{i}/gamma"] = 1 + r(dch[i + 1])
        v[f"d_model/d_block_{i}/d_vbn_{i}/beta"] = r(dch[i + 1])
    v["d_model/logits_conv/W"] = r(1, d[-1], 1)
    v["d_model/fully_connected/weights"] = r(cfg["canvas"] // 2 ** len(d), 1)
    v["d_model/fully_connected/biases"] = r(1)
    # present in real checkpoints, not part of the model
    v["g_ae/z/z"] = r(2, cfg["canvas"] // 2 ** len(g), g[-1])
    v["g_ae/enc_0/W/RMSProp"] = r(k, 1, 1, g[0])
    v["g_ae/enc_0/W/RMSProp_1"] = r(k, 1, 1, g[0])
    v["Variable"] = np.float32(0.5)
    return v


def test_config_is_read_off_the_variables():
    cfg = SeganPT.config("tiny", SMALL)
    got = config_from_tf(_upstream_vars(cfg))
    assert got == {"g_enc_depths": [4, 8, 8, 16], "d_fmaps": [4, 8, 8, 16], "kwidth": 31, "g_nl": "prelu",
                   "bias_downconv": True, "bias_deconv": True, "bias_d_conv": True, "canvas": 1024}


def test_layouts_are_transposed_to_torch():
    cfg = SeganPT.config("tiny", SMALL)
    tf_vars = _upstream_vars(cfg)
    sd = convert_tf_checkpoint({k + ":0": val for k, val in tf_vars.items()})  # TF ':0' names are accepted
    w = tf_vars["g_ae/enc_1/W"]  # [k, 1, in=4, out=8]
    assert sd["G.enc.1.weight"].shape == (8, 4, 31)
    assert sd["G.enc.1.weight"][5, 2, 7] == w[7, 0, 2, 5]
    wd = tf_vars["g_ae/dec_0/W"]  # [k, 1, out=8, in=32]
    assert sd["G.dec.0.weight"].shape == (32, 8, 31)
    assert sd["G.dec.0.weight"][20, 3, 9] == wd[9, 0, 3, 20]
    assert sd["D.fc.weight"].shape == (1, 64) and sd["D.logits_conv.weight"].shape == (1, 16, 1)
    assert not any("z" == k.split(".")[-1] for k in sd)


def test_converted_state_loads_strictly_and_matches_an_independent_forward():
    cfg = SeganPT.config("tiny", SMALL)
    tf_vars = _upstream_vars(cfg)
    sd = convert_tf_checkpoint(tf_vars)
    G, D = build_generator(cfg), build_discriminator(cfg)
    G.load_state_dict({k[2:]: v for k, v in sd.items() if k.startswith("G.")}, strict=True)
    D.load_state_dict({k[2:]: v for k, v in sd.items() if k.startswith("D.")}, strict=True)
    # first encoder layer computed directly from the TF kernel: y[o, t] = sum_k x[2t + k - 14] W[k, 0, 0, o] + b[o]
    x = torch.randn(1, 1, 1024)
    h = G.enc[0](x)[0].detach().numpy()
    xp = np.pad(x[0, 0].numpy(), (14, 15))
    W, b = tf_vars["g_ae/enc_0/W"][:, 0, 0, :], tf_vars["g_ae/enc_0/b"]
    want = np.stack([xp[2 * t:2 * t + 31] @ W for t in range(512)], axis=1) + b[:, None]
    np.testing.assert_allclose(h, want, atol=1e-5)
    assert G(x, torch.zeros(G.z_shape(1, 1024))).shape == x.shape


def test_generator_only_and_variants():
    cfg = SeganPT.config("tiny", {**SMALL, "g_nl": "leaky", "bias_downconv": False, "bias_deconv": False})
    vmap = segan_tf_variable_map(cfg, include_discriminator=False)
    assert "g_ae/enc_0/b" not in vmap and "g_ae/enc_prelu_0/alpha" not in vmap
    assert vmap["g_ae/dec_3/W"] == ("G.dec.3.weight", "deconv")
    tf_vars = {k: v for k, v in _upstream_vars(SeganPT.config("tiny", SMALL)).items()
               if k in vmap or k == "g_ae/z/z"}
    sd = convert_tf_checkpoint(tf_vars)
    assert all(k.startswith("G.") for k in sd)
    build_generator(cfg).load_state_dict({k[2:]: v for k, v in sd.items()}, strict=True)


def test_strict_conversion_names_missing_and_unknown_variables():
    tf_vars = _upstream_vars(SeganPT.config("tiny", SMALL))
    del tf_vars["g_ae/dec_1/b"]
    tf_vars["g_ae/mystery/W"] = np.zeros(3, np.float32)
    with pytest.raises(ArhError, match="g_ae/dec_1/b.*g_ae/mystery/W"):
        convert_tf_checkpoint(tf_vars)


def test_ported_checkpoint_restores_through_the_adapter(tmp_path, segan_dataset, make_job):
    from core.adapter import JobContext

    cfg = SeganPT.config("tiny", SMALL)
    save_ported_checkpoint(_upstream_vars(cfg), tmp_path / "ported", cfg)
    job = make_job(tmp_path, segan_dataset, "segan-pt", "restore", SeganPT.config("tiny", {"z_mode": "zeros"}),
                   checkpoint=tmp_path / "ported")
    adapter = SeganPT()
    adapter.restore(job, JobContext(job, adapter, quiet=True))
    assert sorted(p.name for p in (tmp_path / "run" / "out").iterdir()) == ["test-00.wav", "test-01.wav"]
