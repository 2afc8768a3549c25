"""Whole-signal inference for the kim-* networks, in batched chunks with receptive-field context.

Each chunk is run with ``model.receptive_radius`` samples of context on both
sides (clipped at the signal ends, see ``context_spans``), so the result equals
running the network on the whole signal at once, whatever the chunk size.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import torch

from adapters.torch_common.windows import context_spans


def restore_signal(model, x: np.ndarray, chunk: int, batch: int, device) -> np.ndarray:
    """Restore ``x`` ``(n,)`` float32 -> ``(n,)`` float32 with ``model`` (in eval mode)."""
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    spans = context_spans(len(x), chunk, int(model.receptive_radius))
    by_width: dict[int, list[int]] = defaultdict(list)
    for i, (lo, hi, _, _) in enumerate(spans):
        by_width[hi - lo].append(i)
    y = np.empty_like(x)
    with torch.inference_mode():
        for indices in by_width.values():
            for b in range(0, len(indices), batch):
                group = indices[b:b + batch]
                xb = np.stack([x[spans[i][0]:spans[i][1]] for i in group])
                out = model(torch.from_numpy(xb)[:, None, :].to(device))[:, 0, :].float().cpu().numpy()
                for row, i in zip(out, group, strict=True):
                    lo, _, keep_from, keep_to = spans[i]
                    y[lo + keep_from:lo + keep_to] = row[keep_from:keep_to]
    return y
