"""Degradations: transforms registered by name, chained by a spec string, applied per item.

    >>> from core.degrade import parse_spec
    >>> chain = parse_spec("mp3:bitrate=32k | noise:kind=white,snr=10")
    >>> y = chain.apply(x, sr=16000, seed=0, item_id="utt1")   # float32, len(y) == len(x)

Every step draws its randomness from ``rng_for(seed, item_id, f"{i}:{name}")``
so results never depend on order or workers. ``arh degrade --list`` shows the
transforms (with their exact definitions) and the presets.
"""

from core.degrade import noise_gen, presets, transforms  # noqa: F401  (transforms: registers them)
from core.degrade.chain import Chain, StepError
from core.degrade.params import Param, ParamError
from core.degrade.spec import SpecError, parse_spec
from core.degrade.transform import TRANSFORMS, Transform, transform

__all__ = ["Chain", "Param", "ParamError", "SpecError", "StepError", "TRANSFORMS", "Transform",
           "noise_gen", "parse_spec", "presets", "transform"]
