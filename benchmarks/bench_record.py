"""Writing benchmark results: one JSON file per benchmark with provenance."""

from __future__ import annotations

import time
from pathlib import Path

from core.atomic import write_json
from core.runner.provenance import git_revision, host_info, package_versions

RESULTS = Path(__file__).resolve().parent / "results"
BENCH_SCHEMA_VERSION = 1


def save(name: str, figures: dict, packages: tuple[str, ...] = ("numpy", "scipy", "soundfile", "soxr")) -> Path:
    """Write ``benchmarks/results/<name>.json`` with host, revision and package versions."""
    path = RESULTS / f"{name}.json"
    write_json(path, {"schema_version": BENCH_SCHEMA_VERSION, "benchmark": name, "time": time.time(),
                      "host": host_info(), "harness": git_revision(), "packages": package_versions(list(packages)),
                      **figures})
    return path
