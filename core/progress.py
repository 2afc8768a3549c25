"""Progress bars for long loops (rich), silent in quiet mode.

Quiet mode: ``ARH_QUIET=1`` or ``quiet=True``. When stderr is not a terminal
(CI logs) a plain line is printed every few percent instead of a live bar.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")


def quiet_default() -> bool:
    return os.environ.get("ARH_QUIET", "") not in ("", "0")


class Progress:
    """Counter with rate display: ``with Progress(total, "restore") as p: p.advance()``."""

    def __init__(self, total: int | None, description: str, unit: str = "items", quiet: bool | None = None):
        self.total = total
        self.description = description
        self.unit = unit
        self.quiet = quiet_default() if quiet is None else quiet
        self.count = 0
        self._t0 = time.monotonic()
        self._live = None
        self._task = None
        self._last_plain = -1

    def __enter__(self) -> Progress:
        if not self.quiet and sys.stderr.isatty():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._live = RichProgress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                transient=False,
            )
            self._live.start()
            self._task = self._live.add_task(self.description, total=self.total, rate="")
        return self

    def advance(self, n: int = 1) -> None:
        self.count += n
        elapsed = max(time.monotonic() - self._t0, 1e-9)
        rate = f"{self.count / elapsed:.2f} {self.unit}/s"
        if self._live is not None:
            self._live.update(self._task, advance=n, rate=rate)
        elif not self.quiet:
            step = max(1, (self.total or 20) // 10)
            if self.count // step != self._last_plain // step or self.count == self.total:
                self._last_plain = self.count
                total = f"/{self.total}" if self.total else ""
                print(f"{self.description}: {self.count}{total} ({rate})", file=sys.stderr, flush=True)

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.stop()


def track(items: Iterable[T], description: str, total: int | None = None, quiet: bool | None = None) -> Iterator[T]:
    """Iterate ``items`` showing progress."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(total, description, quiet=quiet) as p:
        for x in items:
            yield x
            p.advance()
