"""Checkpoints as tensors plus JSON: no pickled objects, written atomically, resumable.

A checkpoint called NAME (``latest`` or ``best``) in folder DIR is two files:

- ``DIR/NAME-stepSSSSSSSS.pt``: ``torch.save`` of a flat ``{str: Tensor}`` dict
  (``model.<module>.<param>``, ``opt.<optimizer>.<param index>.<slot>``,
  ``rng.<generator>``), loaded with ``weights_only=True``;
- ``DIR/NAME.json``: the record that makes it valid: which ``.pt`` file, its
  digest, the adapter configuration, the step, optimizer hyper-parameters and
  any scalars (JSON only).

The ``.pt`` file is written first under a fresh name and the JSON second, both
atomically, so an interrupted save leaves the previous checkpoint intact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from core.atomic import atomic_path, write_json
from core.errors import ArhError
from core.hashing import file_digest

CHECKPOINT_SCHEMA_VERSION = 1


@dataclass
class Checkpoint:
    """A loaded checkpoint: tensors (on CPU) and the JSON record."""

    tensors: dict
    record: dict
    path: Path = field(default_factory=Path)

    @property
    def config(self) -> dict:
        return self.record.get("config", {})

    @property
    def step(self) -> int:
        return int(self.record.get("step", 0))

    def module_state(self, module_name: str) -> dict:
        prefix = f"model.{module_name}."
        state = {k[len(prefix):]: v for k, v in self.tensors.items() if k.startswith(prefix)}
        if not state:
            raise ArhError(f"checkpoint {self.path} holds no weights for {module_name!r} "
                           f"(modules: {sorted({k.split('.')[1] for k in self.tensors if k.startswith('model.')})})")
        return state


def checkpoint_exists(directory: str | Path, name: str) -> bool:
    return (Path(directory) / f"{name}.json").exists()


def _flatten_optimizer(opt_name: str, optimizer) -> tuple[dict, dict]:
    import torch

    sd = optimizer.state_dict()
    tensors, scalars = {}, {}
    for pid, slots in sd["state"].items():
        for key, value in slots.items():
            if isinstance(value, torch.Tensor):
                tensors[f"opt.{opt_name}.{pid}.{key}"] = value.detach().cpu().clone()
            else:
                scalars[f"{pid}.{key}"] = value
    groups = json.loads(json.dumps(sd["param_groups"], default=list))
    return tensors, {"param_groups": groups, "scalars": scalars}


def _unflatten_optimizer(opt_name: str, tensors: dict, meta: dict) -> dict:
    state: dict[int, dict] = {}
    prefix = f"opt.{opt_name}."
    for key, value in tensors.items():
        if key.startswith(prefix):
            pid, slot = key[len(prefix):].split(".", 1)
            state.setdefault(int(pid), {})[slot] = value
    for key, value in meta.get("scalars", {}).items():
        pid, slot = key.split(".", 1)
        state.setdefault(int(pid), {})[slot] = value
    groups = []
    for g in meta["param_groups"]:
        g = dict(g)
        if isinstance(g.get("betas"), list):
            g["betas"] = tuple(g["betas"])
        groups.append(g)
    return {"state": state, "param_groups": groups}


def save_checkpoint(directory: str | Path, name: str, *, modules: dict, optimizers: dict | None = None,
                    generators: dict | None = None, config: dict, step: int, extra: dict | None = None) -> Path:
    """Write checkpoint ``name`` (modules' state dicts, optimizer slots, RNG states); returns the JSON path."""
    import torch

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors: dict = {}
    for mod_name, module in modules.items():
        for key, value in module.state_dict().items():
            tensors[f"model.{mod_name}.{key}"] = value.detach().cpu().clone()
    opt_meta = {}
    for opt_name, opt in (optimizers or {}).items():
        t, m = _flatten_optimizer(opt_name, opt)
        tensors.update(t)
        opt_meta[opt_name] = m
    for gen_name, gen in (generators or {}).items():
        tensors[f"rng.{gen_name}"] = gen.get_state().clone()
    if optimizers:
        tensors["rng.torch_global"] = torch.get_rng_state().clone()
    pt_name = f"{name}-step{int(step):09d}.pt"
    pt_path = directory / pt_name
    with atomic_path(pt_path) as tmp:
        torch.save(tensors, tmp)
    record = {
        "schema_version": CHECKPOINT_SCHEMA_VERSION, "name": name, "tensors": pt_name,
        "tensors_digest": file_digest(pt_path), "config": config, "step": int(step),
        "optimizers": opt_meta, "torch_version": torch.__version__, **(extra or {}),
    }
    json_path = directory / f"{name}.json"
    write_json(json_path, record)
    for stale in directory.glob(f"{name}-step*.pt"):
        if stale.name != pt_name:
            stale.unlink(missing_ok=True)
    return json_path


def load_checkpoint(directory: str | Path, name: str) -> Checkpoint:
    """Read checkpoint ``name`` from ``directory`` (tensors on CPU), checking its digest."""
    import torch

    directory = Path(directory)
    json_path = directory / f"{name}.json"
    if not json_path.exists():
        have = sorted(p.stem for p in directory.glob("*.json")) if directory.exists() else []
        raise ArhError(f"no checkpoint {name!r} in {directory} (found: {have or 'nothing'}); "
                       "train first (`arh run --action train ...`) or point the job at the right checkpoint folder")
    try:
        record = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ArhError(f"cannot read checkpoint record {json_path}: {e}") from e
    if record.get("schema_version") != CHECKPOINT_SCHEMA_VERSION:
        raise ArhError(f"{json_path}: checkpoint schema_version {record.get('schema_version')!r} is not "
                       f"{CHECKPOINT_SCHEMA_VERSION}; retrain or convert the checkpoint")
    pt_path = directory / record["tensors"]
    if not pt_path.exists():
        raise ArhError(f"{json_path} names {pt_path.name}, which is missing; the checkpoint folder is incomplete")
    if file_digest(pt_path) != record.get("tensors_digest"):
        raise ArhError(f"{pt_path} does not match the digest in {json_path.name} (corrupted or replaced); retrain")
    tensors = torch.load(pt_path, map_location="cpu", weights_only=True)
    return Checkpoint(tensors=tensors, record=record, path=json_path)


def apply_checkpoint(ck: Checkpoint, *, modules: dict, optimizers: dict | None = None,
                     generators: dict | None = None) -> None:
    """Load a checkpoint's state into live modules, optimizers and generators (strict)."""
    import torch

    for mod_name, module in modules.items():
        module.load_state_dict(ck.module_state(mod_name), strict=True)
    for opt_name, opt in (optimizers or {}).items():
        if opt_name not in ck.record.get("optimizers", {}):
            raise ArhError(f"checkpoint {ck.path} has no optimizer state {opt_name!r}; it cannot resume training")
        sd = _unflatten_optimizer(opt_name, ck.tensors, ck.record["optimizers"][opt_name])
        opt.load_state_dict(sd)
    for gen_name, gen in (generators or {}).items():
        key = f"rng.{gen_name}"
        if key not in ck.tensors:
            raise ArhError(f"checkpoint {ck.path} has no RNG state {gen_name!r}; it cannot resume training")
        gen.set_state(ck.tensors[key])
    if optimizers and "rng.torch_global" in ck.tensors:
        torch.set_rng_state(ck.tensors["rng.torch_global"])


def load_job_checkpoint(ctx, adapter_name: str, cfg: dict, model_keys: tuple[str, ...],
                        expect_adapter: bool = False) -> tuple[Checkpoint, dict]:
    """The checkpoint a restore job names (``cfg["checkpoint"]``: ``best``, falling back to ``latest``)
    and the effective config: the job's, with the checkpoint's values for ``model_keys``.

    With ``expect_adapter``, a checkpoint recorded as written by another adapter is an error.
    """
    from adapters.torch_common.config import model_config_mismatch
    from core.errors import ArhError

    ckdir = ctx.checkpoint_dir()
    which = cfg["checkpoint"]
    if which == "best" and not checkpoint_exists(ckdir, "best") and checkpoint_exists(ckdir, "latest"):
        ctx.log(f"{adapter_name}: no 'best' checkpoint in {ckdir}; using 'latest'")
        which = "latest"
    ck = load_checkpoint(ckdir, which)
    if expect_adapter and ck.record.get("adapter") not in (None, adapter_name):
        raise ArhError(f"checkpoint {ck.path} was written by {ck.record.get('adapter')!r}, not {adapter_name!r}; "
                       "point the job at this adapter's checkpoint folder")
    diff = model_config_mismatch(ck.config, cfg, model_keys)
    if diff:
        ctx.log(f"{adapter_name}: using the checkpoint's settings for {sorted(diff)} (the job config differs)")
    return ck, {**cfg, **{k: ck.config[k] for k in model_keys if k in ck.config}}
