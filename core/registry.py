"""A name -> object registry whose lookups suggest close names on a miss."""

from __future__ import annotations

import difflib
from typing import Generic, Iterator, TypeVar

from core.errors import ArhError, UnknownNameError

T = TypeVar("T")


def did_you_mean(name: str, choices: list[str]) -> str:
    """Return a 'Did you mean ...? Available: ...' sentence for an unknown ``name``."""
    close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
    hint = f"Did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return f"{hint}Available: {', '.join(sorted(choices)) or '(none)'}."


class Registry(Generic[T]):
    """Registry of objects of one kind (``kind`` is used in error messages)."""

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, T] = {}

    def add(self, name: str, obj: T) -> T:
        if name in self._items:
            raise ArhError(f"{self.kind} {name!r} is registered twice; names must be unique")
        self._items[name] = obj
        return obj

    def register(self, name: str):
        """Decorator form of :meth:`add`."""

        def deco(obj: T) -> T:
            return self.add(name, obj)

        return deco

    def get(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise UnknownNameError(
                f"Unknown {self.kind} {name!r}. {did_you_mean(name, list(self._items))}"
            ) from None

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._items)
