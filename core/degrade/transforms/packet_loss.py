"""``packet_loss``: whole frames dropped (zeroed) at random."""

from __future__ import annotations

import numpy as np

from core.degrade.params import Param
from core.degrade.transform import transform


@transform(
    "packet_loss",
    Param("rate", "float", doc="probability that a frame is lost, 0 ... 1", low=0.0, high=1.0),
    Param("frame_ms", "float", 20.0, "frame (packet) length in milliseconds", low=0.1),
)
def packet_loss(x, sr, rng, *, rate, frame_ms):
    """Packet loss: the item is cut into consecutive frames of round(frame_ms*sr/1000) samples
    (at least 1) starting at sample 0, the last one possibly shorter; each frame is lost
    independently with probability `rate` (Bernoulli, from the item's generator) and lost
    frames are set to zero (no concealment)."""
    size = max(1, int(round(frame_ms * sr / 1000.0)))
    frames = -(-x.size // size)
    lost = rng.random(frames) < rate
    keep = np.repeat(~lost, size)[: x.size]
    return np.where(keep, x, np.float32(0.0)).astype(np.float32)
