"""Run several (adapter, dataset) cells; one failing cell never stops the others.

A matrix file (TOML, e.g. in ``benchmarks/``)::

    out = "runs/demo"                 # root; each cell goes to <out>/<dataset name>/<adapter>
    backend = "local"
    config = "tiny"
    seed = 0
    metrics = ["pesq_wb", "stoi"]     # optional
    [[cell]]
    adapter = "wiener"
    dataset = "path/to/dataset"
    config = "default"                # optional per-cell overrides
"""

from __future__ import annotations

import sys
import tomllib
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import ArhError
from core.runner.run import RunSpec, run


@dataclass
class CellResult:
    adapter: str
    dataset: str
    out: str
    ok: bool
    summary: dict | None = None
    error: str | None = None


def cell_dir(root: str | Path, dataset: str, adapter: str) -> str:
    return str(Path(root) / Path(dataset).resolve().name / adapter)


def load_matrix(path: str | Path, base: RunSpec) -> list[RunSpec]:
    """Cells of a matrix TOML file as run specs (top-level keys are defaults)."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ArhError(f"cannot read matrix file {p}: {e}") from e
    cells = data.get("cell") or []
    if not cells:
        raise ArhError(f"{p}: no [[cell]] tables (each needs adapter = ... and dataset = ...)")
    root = data.get("out", base.out)
    defaults = {k: data[k] for k in ("backend", "config", "seed", "device") if k in data}
    if "metrics" in data:
        defaults["metrics"] = tuple(data["metrics"])
    specs = []
    for n, cell in enumerate(cells, 1):
        if "adapter" not in cell or "dataset" not in cell:
            raise ArhError(f"{p}: cell {n} needs both 'adapter' and 'dataset'")
        ds = str((p.parent / cell["dataset"]).resolve()) if not Path(cell["dataset"]).is_absolute() else cell["dataset"]
        fields = {**defaults, **{k: v for k, v in cell.items() if k not in ("adapter", "dataset")}}
        if "metrics" in fields:
            fields["metrics"] = tuple(fields["metrics"])
        specs.append(replace(base, adapter=cell["adapter"], dataset=ds,
                             out=cell.get("out") or cell_dir(root, ds, cell["adapter"]), **fields))
    return specs


def run_matrix(specs: list[RunSpec]) -> list[CellResult]:
    """Run every cell; failures are reported and recorded, the rest go on."""
    results = []
    for i, spec in enumerate(specs, 1):
        print(f"arh: [{i}/{len(specs)}] {spec.adapter} on {spec.dataset} -> {spec.out}", file=sys.stderr)
        try:
            summary = run(spec)
            results.append(CellResult(spec.adapter, spec.dataset, spec.out, True, summary=summary))
        except KeyboardInterrupt:
            raise
        except ArhError as e:
            print(f"arh: cell {spec.adapter} on {spec.dataset} failed: {e}", file=sys.stderr)
            results.append(CellResult(spec.adapter, spec.dataset, spec.out, False, error=str(e)))
        except Exception as e:
            traceback.print_exc()
            results.append(CellResult(spec.adapter, spec.dataset, spec.out, False,
                                      error=f"{type(e).__name__}: {e}"))
    return results
