"""The built-in transforms; importing this package registers them in ``TRANSFORMS``."""

from core.degrade.transforms import (  # noqa: F401  (imported for registration)
    amplitude,
    filters,
    mp3,
    noise,
    packet_loss,
    resample,
    telephone,
)
