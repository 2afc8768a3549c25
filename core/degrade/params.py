"""Typed parameters of degradation transforms: parsing spec text, checking, formatting.

A value in a spec is text (``32k``, ``4000``, ``-60.5``, ``true``, ``white``);
a value in a chain's data form is JSON (int, float, str, bool, list). Both go
through :meth:`Param.coerce`. ``a/b/c`` (or a JSON list) on a parameter with
``per_item=True`` means "one of these per item", drawn from the item's
generator, so one dataset can mix settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from core.errors import ArhError
from core.registry import did_you_mean


class ParamError(ArhError):
    """A parameter value or name in a degradation spec is wrong."""


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
KINDS = ("int", "float", "str", "bool", "path")
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def parse_number(text: str) -> float:
    """``"32k"`` -> 32000.0, ``"4000"`` -> 4000.0, ``"-1.5"`` -> -1.5 (a ``k`` suffix multiplies by 1000)."""
    t = text.strip()
    scale = 1.0
    if t[-1:] in ("k", "K"):
        t, scale = t[:-1], 1000.0
    try:
        v = float(t) * scale
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(v):
        raise ValueError(f"{text!r} is not a finite number")
    return v


def format_value(v: Any) -> str:
    """Canonical text of a coerced value (inverse of :meth:`Param.coerce` on text)."""
    if isinstance(v, list):
        return "/".join(format_value(e) for e in v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        s = repr(v)
        return s[:-2] if s.endswith(".0") else s
    return str(v)


@dataclass(frozen=True)
class Param:
    """One keyword parameter of a transform.

    ``default`` is :data:`REQUIRED` when the spec must give it, ``None`` when
    "not set" is meaningful (for example ``snr`` versus ``level``).
    ``low``/``high`` are inclusive bounds for numbers.
    """

    name: str
    kind: str
    default: Any = REQUIRED
    doc: str = ""
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    per_item: bool = True

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"param {self.name}: kind must be one of {KINDS}")

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def describe(self) -> str:
        """``name=default`` (or ``name=<required>``) for listings."""
        if self.required:
            d = "<required>"
        elif self.default is None:
            d = "<unset>"
        else:
            d = format_value(self.default)
        return f"{self.name}={d}"

    def coerce(self, value: Any) -> Any:
        """Check and convert ``value`` (spec text or JSON value) to this parameter's type.

        Returns a scalar, or a list of at least two scalars for per-item choices.
        Raises :class:`ParamError` naming the parameter, the value and what is allowed.
        """
        if value is None:
            if self.default is None:
                return None
            raise ParamError(f"{self.name}: a value is required")
        if isinstance(value, (list, tuple)) or (
            isinstance(value, str) and "/" in value and self.kind != "path"
        ):
            parts = list(value) if isinstance(value, (list, tuple)) else value.split("/")
            if not self.per_item:
                raise ParamError(f"{self.name}: takes one value, got the list {value!r}")
            vals = [self._one(p) for p in parts]
            return vals if len(vals) > 1 else vals[0]
        return self._one(value)

    def _one(self, v: Any) -> Any:
        try:
            out = self._convert(v)
        except ValueError as e:
            raise ParamError(f"{self.name}={format_value(v)}: {e}") from None
        if self.choices and out not in self.choices:
            raise ParamError(
                f"{self.name}={out!r} is not allowed. "
                + did_you_mean(str(out), [str(c) for c in self.choices])
            )
        if self.kind in ("int", "float"):
            if self.low is not None and out < self.low:
                raise ParamError(f"{self.name}={format_value(out)} is below the minimum {format_value(self.low)}")
            if self.high is not None and out > self.high:
                raise ParamError(f"{self.name}={format_value(out)} is above the maximum {format_value(self.high)}")
        return out

    def _convert(self, v: Any) -> Any:
        k = self.kind
        if k == "bool":
            if isinstance(v, bool):
                return v
            if isinstance(v, str) and v.strip().lower() in _TRUE + _FALSE:
                return v.strip().lower() in _TRUE
            raise ValueError("expected true or false")
        if k in ("str", "path"):
            if isinstance(v, bool) or not isinstance(v, (str, int, float)):
                raise ValueError("expected text")
            s = str(v).strip()
            if not s:
                raise ValueError("expected a non-empty value")
            if any(c in s for c in "|,="):
                raise ValueError("values cannot contain '|', ',' or '='")
            return s
        if isinstance(v, bool):
            raise ValueError(f"expected a number ({k}), got a boolean")
        num = parse_number(v) if isinstance(v, str) else float(v)
        if not math.isfinite(num):
            raise ValueError("expected a finite number")
        if k == "int":
            if num != int(num):
                raise ValueError("expected a whole number")
            return int(num)
        return float(num)
