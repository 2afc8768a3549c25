"""SEGAN inference on whole signals, as upstream ``SEGAN.clean`` does it, but batched.

The conditioned signal (scaling, pre-emphasis over the whole file) is cut
into consecutive canvases, the last one zero-padded; each canvas is enhanced
with its own z; the outputs are concatenated, cut to the input length and
de-emphasised over the whole file.
"""

from __future__ import annotations

import numpy as np
import torch

from adapters.segan_pt.emphasis import condition, de_emphasis
from adapters.torch_common.windows import chunk_signal, join_chunks


def z_for_item(generator_shape: tuple[int, int, int], mode: str, rng: np.random.Generator | None) -> np.ndarray | None:
    """z for every canvas of one item: ``None`` (zeros) or standard normal draws from ``rng``."""
    if mode == "zeros":
        return None
    if mode != "seeded" or rng is None:
        raise ValueError(f"z mode {mode!r} needs 'zeros' or 'seeded' with an rng")
    return rng.standard_normal(generator_shape).astype(np.float32)


def enhance_canvases(G, chunks: np.ndarray, z: np.ndarray | None, batch: int, device) -> np.ndarray:
    """Run G on ``(count, canvas)`` float32 chunks in batches; returns ``(count, canvas)``."""
    out = []
    with torch.inference_mode():
        for b in range(0, len(chunks), batch):
            xb = torch.from_numpy(np.ascontiguousarray(chunks[b:b + batch]))[:, None, :].to(device)
            zb = None if z is None else torch.from_numpy(np.ascontiguousarray(z[b:b + batch])).to(device)
            out.append(G(xb, zb)[:, 0, :].float().cpu().numpy())
    return np.concatenate(out, axis=0)


def restore_signal(G, x: np.ndarray, cfg: dict, rng: np.random.Generator | None, device) -> np.ndarray:
    """Enhance one 16 kHz signal ``(n,)`` -> ``(n,)`` float32 with generator ``G`` (in eval mode)."""
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    xc = condition(x, cfg["input_scale"], cfg["preemph"])
    chunks = chunk_signal(xc, cfg["canvas"])
    z = z_for_item(G.z_shape(len(chunks), cfg["canvas"]), cfg["z_mode"], rng)
    y = enhance_canvases(G, chunks, z, int(cfg["infer_batch"]), device)
    return de_emphasis(join_chunks(y, len(x)), cfg["preemph"])
