"""``scipy.io.wavfile`` as legacy code sees it: ``write`` accepts an integral float rate.

Upstream writes ``wavfile.write(path, 16e3, x)``; current scipy rejects a float
rate, and only after all the work is done. Legacy imports of ``scipy``,
``scipy.io`` and ``scipy.io.wavfile`` get thin proxies whose ``wavfile.write``
turns 16000.0 into 16000. A non-integral rate still reaches scipy (and fails).
"""

from __future__ import annotations

import importlib
import numbers
import types
from typing import Any, Dict, Optional

from . import audit_log as audit


class ProxyModule(types.ModuleType):
    """A module that shows ``overrides`` and otherwise forwards to ``real``."""

    def __init__(self, real: types.ModuleType, overrides: Dict[str, Any]):
        super().__init__(real.__name__, real.__doc__)
        self.__dict__["_tfc_real"] = real
        self.__dict__.update(overrides)
        if hasattr(real, "__all__"):
            self.__dict__["__all__"] = list(real.__all__)
        if hasattr(real, "__file__"):
            self.__dict__["__file__"] = real.__file__

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_tfc_real"], name)

    def __dir__(self):
        return sorted(set(dir(self.__dict__["_tfc_real"])) | set(self.__dict__))


_PROXIES: Dict[str, ProxyModule] = {}


def _write(real_write):
    def write(filename: Any, rate: Any, data: Any) -> None:
        """scipy.io.wavfile.write; an integral float ``rate`` (16e3) is passed as int."""
        if isinstance(rate, numbers.Real) and not isinstance(rate, numbers.Integral):
            if float(rate).is_integer():
                audit.applied("wavfile_float_rate")
                rate = int(rate)
        return real_write(filename, rate, data)

    return write


def proxy(name: str) -> Optional[ProxyModule]:
    """The proxy for ``scipy``, ``scipy.io`` or ``scipy.io.wavfile`` (None for other names)."""
    if name not in ("scipy", "scipy.io", "scipy.io.wavfile"):
        return None
    if name not in _PROXIES:
        wavfile = importlib.import_module("scipy.io.wavfile")
        io = importlib.import_module("scipy.io")
        scipy = importlib.import_module("scipy")
        w = ProxyModule(wavfile, {"write": _write(wavfile.write)})
        i = ProxyModule(io, {"wavfile": w})
        s = ProxyModule(scipy, {"io": i})
        _PROXIES.update({"scipy": s, "scipy.io": i, "scipy.io.wavfile": w})
    return _PROXIES[name]
