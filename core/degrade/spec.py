"""Parsing degradation spec strings (or preset names) into a :class:`Chain`.

Syntax: steps separated by ``|``; a step is ``name`` or ``name:key=value,key=value``.
Values are numbers (``32k`` = 32000), ``true``/``false``, or text; ``a/b/c``
means one of these per item. Text values cannot contain ``| , =``.
A preset name (alone or as a step) stands for the preset's steps.
Example: ``"mp3:bitrate=32k | lowpass:cutoff=4000,order=8 | noise:kind=white,snr=10"``.
"""

from __future__ import annotations

from core.degrade.chain import Chain
from core.degrade.params import ParamError
from core.degrade.transform import TRANSFORMS
from core.errors import ArhError, UnknownNameError
from core.registry import did_you_mean


class SpecError(ParamError):
    """A degradation spec string is malformed."""


def parse_spec(spec: str) -> Chain:
    """Parse a spec string or a preset name (see :mod:`core.degrade.presets`) into a :class:`Chain`."""
    from core.degrade.presets import PRESETS

    if not isinstance(spec, str):
        raise SpecError(f"a degradation spec must be text, got {type(spec).__name__}")
    text = spec.strip()
    if not text:
        raise SpecError("empty degradation spec; example: 'mp3:bitrate=32k | noise:kind=white,snr=10' "
                        f"or a preset ({', '.join(sorted(PRESETS))})")
    raw_steps = [s.strip() for s in text.split("|")]
    steps = []
    for i, raw in enumerate(raw_steps):
        where = f"step {i + 1} of {spec!r}"
        if not raw:
            raise SpecError(f"{where} is empty (two '|' in a row or a trailing '|')")
        if raw in PRESETS:  # a preset inside a chain stands for its steps
            steps.extend(_split_steps(PRESETS[raw].spec, f"{where} (preset {raw})", PRESETS))
            continue
        steps.extend(_split_steps(raw, where, PRESETS))
    try:
        return Chain(steps)
    except ArhError as e:
        if isinstance(e, ParamError):
            raise ParamError(f"in {spec!r}: {e}") from None
        raise


def _split_steps(text: str, where: str, presets) -> list[tuple[str, dict[str, str]]]:
    """``name:key=value,...`` steps of ``text`` as (name, {key: raw text}); names are checked."""
    out = []
    for raw in (r.strip() for r in text.split("|")):
        name, _, args = raw.partition(":")
        name = name.strip()
        if name not in TRANSFORMS:
            choices = TRANSFORMS.names() + (sorted(presets) if not args else [])
            raise UnknownNameError(
                f"{where}: unknown degradation transform or preset {name!r}. {did_you_mean(name, choices)} "
                "Run 'arh degrade --list' for their parameters."
            )
        kwargs: dict[str, str] = {}
        for item in (a.strip() for a in args.split(",")) if args.strip() else []:
            if not item:
                raise SpecError(f"{where} ({name}): empty parameter (two ',' in a row or a trailing ',')")
            key, eq, value = item.partition("=")
            key = key.strip()
            if not eq or not key:
                raise SpecError(f"{where} ({name}): {item!r} is not key=value; "
                                f"{name} takes: {TRANSFORMS.get(name).signature() or 'no parameters'}")
            if key in kwargs:
                raise SpecError(f"{where} ({name}): parameter {key!r} given twice")
            kwargs[key] = value.strip()
        out.append((name, kwargs))
    return out
