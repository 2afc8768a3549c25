"""Checking an adapter configuration against its ``default`` keys."""

from __future__ import annotations

import difflib

from core.errors import ArhError


def check_config(adapter_name: str, cfg: dict, known: dict) -> dict:
    """Reject keys the adapter does not know (a typo would otherwise be ignored silently)."""
    unknown = sorted(set(cfg) - set(known))
    if unknown:
        hints = []
        for k in unknown:
            close = difflib.get_close_matches(k, list(known), n=2, cutoff=0.6)
            if close:
                hints.append(f"{k!r}: did you mean {' or '.join(map(repr, close))}?")
        raise ArhError(f"adapter {adapter_name!r}: unknown config key(s) {unknown}. {' '.join(hints)} "
                       f"Known keys: {', '.join(sorted(known))}")
    return cfg


def model_config_mismatch(saved: dict, wanted: dict, keys: tuple[str, ...]) -> dict:
    """``{key: (saved, wanted)}`` for architecture keys that differ between a checkpoint and a config."""
    return {k: (saved.get(k), wanted.get(k)) for k in keys if saved.get(k) != wanted.get(k)}
