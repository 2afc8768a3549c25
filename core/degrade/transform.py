"""The transform registry: every degradation is a function registered with its parameters.

A transform is ``func(x, sr, rng, **kwargs) -> y`` where ``x`` is float32 of
shape ``(n,)`` at ``sr`` Hz, ``rng`` is the step's own generator, and ``y`` is
float32 of shape ``(n,)``, sample-aligned with ``x``. Its docstring is its
exact definition (shown by ``arh degrade --list``).
"""

from __future__ import annotations

import inspect
import itertools
from dataclasses import dataclass
from typing import Any, Callable

from core.degrade.params import REQUIRED, Param, ParamError
from core.registry import Registry, did_you_mean

Validate = Callable[[dict], None]
CheckRate = Callable[[int, dict], None]


@dataclass(frozen=True)
class Transform:
    """A registered degradation: its function, declared parameters and optional checks.

    ``validate(kwargs)`` checks parameters that depend on each other (raise
    :class:`ParamError`); ``check_rate(sr, kwargs)`` raises
    :class:`core.errors.ArhError` when the transform cannot run at ``sr`` Hz.
    Both receive one scalar value per parameter (per-item lists are expanded).
    """

    name: str
    func: Callable[..., Any]
    params: tuple[Param, ...]
    validate: Validate | None = None
    check_rate: CheckRate | None = None

    @property
    def doc(self) -> str:
        """The exact definition (the function's docstring)."""
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        """First paragraph of the definition, on one line."""
        return " ".join(self.doc.split("\n\n")[0].split())

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise ParamError(
            f"{self.name} has no parameter {name!r}. "
            + did_you_mean(name, [p.name for p in self.params])
            + f" ({self.name} takes: {self.signature() or 'no parameters'})"
        )

    def signature(self) -> str:
        """``cutoff=<required>, order=8, ...`` for listings and errors."""
        return ", ".join(p.describe() for p in self.params)

    def resolve(self, given: dict[str, Any]) -> dict[str, Any]:
        """Coerce ``given`` and fill defaults; returns kwargs in declared order.

        Raises :class:`ParamError` for unknown names, bad values, missing
        required parameters and failed cross-checks.
        """
        for name in given:
            self.param(name)
        out: dict[str, Any] = {}
        for p in self.params:
            if p.name in given:
                out[p.name] = p.coerce(given[p.name])
            elif p.required:
                raise ParamError(
                    f"{self.name} needs {p.name}= ({p.doc}). Parameters: {self.signature()}"
                )
            else:
                out[p.name] = p.default
        if self.validate is not None:
            for variant in expand_choices(out):
                self.validate(variant)
        return out


def expand_choices(kwargs: dict[str, Any]) -> list[dict[str, Any]]:
    """Every scalar combination of the per-item lists in ``kwargs`` (for checks)."""
    keys = [k for k, v in kwargs.items() if isinstance(v, list)]
    if not keys:
        return [kwargs]
    combos = itertools.product(*(kwargs[k] for k in keys))
    return [{**kwargs, **dict(zip(keys, c, strict=True))} for c in combos]


TRANSFORMS: Registry[Transform] = Registry("degradation transform")


def transform(name: str, *params: Param, validate: Validate | None = None,
              check_rate: CheckRate | None = None):
    """Register ``func(x, sr, rng, **kwargs)`` as transform ``name`` with ``params``."""

    def deco(func):
        if not (func.__doc__ or "").strip():
            raise ValueError(f"transform {name} needs a docstring with its exact definition")
        TRANSFORMS.add(name, Transform(name, func, tuple(params), validate, check_rate))
        return func

    return deco


__all__ = ["REQUIRED", "Param", "ParamError", "TRANSFORMS", "Transform", "transform", "expand_choices"]
