"""Process-pool map whose results never depend on the number of workers."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Iterable, Iterator, TypeVar

from core.progress import Progress

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """Workers to use: ``ARH_WORKERS`` or the number of usable cores."""
    env = os.environ.get("ARH_WORKERS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


def pmap_unordered(fn: Callable[[T], R], items: Iterable[T], workers: int | None = None,
                   description: str = "working", quiet: bool | None = None) -> Iterator[tuple[T, R]]:
    """Yield ``(item, fn(item))`` as each finishes, in a pool of ``workers`` processes.

    ``fn`` must be picklable (a module-level function). With one worker it runs
    in-process, which keeps tracebacks simple. Each item's result must depend
    only on the item (seed per item), so order and worker count never matter.
    """
    items = list(items)
    workers = default_workers() if workers is None else max(1, workers)
    with Progress(len(items), description, quiet=quiet) as prog:
        if workers == 1 or len(items) <= 1:
            for it in items:
                r = fn(it)
                prog.advance()
                yield it, r
            return
        with ProcessPoolExecutor(max_workers=min(workers, len(items))) as ex:
            futs = {ex.submit(fn, it): it for it in items}
            for fut in as_completed(futs):
                prog.advance()
                yield futs[fut], fut.result()
