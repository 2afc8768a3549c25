"""Pick the environment variant for a host (or for given facts) and say why.

Host facts: the GPUs with driver version and compute capability (from
``nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader``;
drivers older than about R510 cannot report ``compute_cap``, then the capability
comes from the GPU name through ``environments/compat.toml``) and whether a
Docker engine answers.

A variant fits when: it needs Docker only if Docker is there; and, if it has
CUDA, a GPU is present, the driver is at least the variant's ``min_driver``
(else the CUDA runtime's minimum from the compatibility table) and the GPU's
compute capability is among the variant's ``compute_capabilities`` (else those
of its framework build in the table).

Among fitting variants: GPU variants first when a GPU is present, then variants
without a compat layer (they run legacy code unmodified), then the order the
environment declares (``resolve_order`` in environment.toml, else the order of
its ``[variants.*]`` tables).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Callable

from core.envs.compat_table import (
    CompatTable,
    arch_supported,
    load_compat,
    version_at_least,
    version_tuple,
)
from core.envs.manifest import Environment, Variant
from core.errors import ArhError

GPU_QUERY = ["nvidia-smi", "--query-gpu=name,driver_version,compute_cap", "--format=csv,noheader"]
GPU_QUERY_OLD = ["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"]


@dataclass
class Gpu:
    """One GPU: name, driver version and compute capability ("9.0"; None when unknown)."""

    name: str
    driver: str
    compute_cap: str | None
    cc_source: str = "nvidia-smi"  # "nvidia-smi", "name table", "given"

    def describe(self) -> str:
        cc = f"compute {self.compute_cap}" if self.compute_cap else "compute capability unknown"
        via = "" if self.cc_source in ("nvidia-smi", "unknown") else f", {self.cc_source}"
        return f"{self.name} ({cc}{via}), driver {self.driver}"


@dataclass
class HostFacts:
    """What the resolver knows about the machine."""

    gpus: list[Gpu]
    docker: bool
    note: str = ""  # e.g. why no GPU was found

    def describe(self) -> str:
        gpu = "; ".join(g.describe() for g in self.gpus) if self.gpus else f"no GPU{f' ({self.note})' if self.note else ''}"
        return f"{gpu}; Docker engine: {'yes' if self.docker else 'no'}"


def parse_gpu_csv(text: str, table: CompatTable | None = None) -> list[Gpu]:
    """GPUs from ``nvidia-smi --query-gpu=name,driver_version[,compute_cap] --format=csv,noheader``."""
    gpus = []
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split(",")]
        if len(fields) not in (2, 3):
            raise ArhError(f"unexpected nvidia-smi line {line!r} (expected name, driver[, compute_cap])")
        name, driver = fields[0], fields[1]
        version_tuple(driver)
        cc = fields[2] if len(fields) == 3 and fields[2] not in ("", "[N/A]", "N/A") else None
        source = "nvidia-smi"
        if cc is None:
            cc = (table or load_compat()).gpu_compute_capability(name)
            source = "name table" if cc else "unknown"
        gpus.append(Gpu(name, driver, cc, source))
    return gpus


def run_command(cmd: list[str]) -> tuple[int, str] | None:
    """(exit code, stdout+stderr) of ``cmd``; None when the program does not exist."""
    if not shutil.which(cmd[0]):
        return None
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return 1, str(e)
    return out.returncode, out.stdout + out.stderr


def probe_gpus(run: Callable[[list[str]], tuple[int, str] | None] = run_command,
               table: CompatTable | None = None) -> tuple[list[Gpu], str]:
    """(GPUs, note) from nvidia-smi; falls back to name+driver for drivers without ``compute_cap``."""
    res = run(GPU_QUERY)
    if res is None:
        return [], "nvidia-smi not found"
    rc, out = res
    if rc != 0 and "compute_cap" in out and "not a valid field" in out:
        res = run(GPU_QUERY_OLD)
        rc, out = res if res else (1, "nvidia-smi vanished")
    if rc != 0:
        first = next((ln.strip() for ln in out.splitlines() if ln.strip()), f"exit code {rc}")
        return [], f"nvidia-smi failed: {first}"
    gpus = parse_gpu_csv(out, table)
    return gpus, "" if gpus else "nvidia-smi lists no GPU"


def host_facts(docker: bool | None = None, run=run_command) -> HostFacts:
    """Facts of this machine (``docker`` overrides the engine check)."""
    gpus, note = probe_gpus(run)
    if docker is None:
        from core.envs.docker_backend import engine_answers

        try:
            docker = engine_answers()
        except ArhError:  # SDK not installed
            docker = False
    return HostFacts(gpus, docker, note)


@dataclass
class Verdict:
    """Whether one variant fits the facts, and the reasons either way."""

    variant: str
    fits: bool
    uses_gpu: bool
    reasons: list[str] = field(default_factory=list)


def variant_archs(v: Variant, table: CompatTable) -> tuple[list[str], str]:
    """(compute capabilities, where they came from) for a CUDA variant."""
    if v.compute_capabilities:
        return v.compute_capabilities, "environment.toml"
    for name, version in v.framework.items():
        entry = table.framework(name, version, v.cuda)
        if entry:
            return entry.compute_capabilities, f"compat.toml ({name} {version})"
    return [], ""


def assess(env: Environment, v: Variant, facts: HostFacts, table: CompatTable) -> Verdict:
    """Check one variant against the facts."""
    reasons, fits = [], True
    if v.docker:
        if facts.docker:
            reasons.append("runs in Docker (engine present)")
        else:
            fits = False
            reasons.append(f"needs Docker (Python {v.python} image) and no Docker engine answers")
    if not v.has_cuda:
        reasons.append("CPU only")
        return Verdict(v.name, fits, False, reasons)
    if not facts.gpus:
        return Verdict(v.name, False, True, reasons + [f"needs an NVIDIA GPU (CUDA {v.cuda}); none found"])
    gpu = facts.gpus[0]
    if v.min_driver:
        need, where = v.min_driver, "environment.toml"
    else:
        try:
            entry = table.min_driver(v.cuda)
        except ArhError as e:  # unknown CUDA version: this variant cannot be judged, say so
            return Verdict(v.name, False, True, reasons + [str(e)])
        need, where = entry.min_driver, "compat.toml" + ("" if entry.verified else ", unverified")
    if version_at_least(gpu.driver, need):
        reasons.append(f"CUDA {v.cuda} needs driver >= {need} ({where}); host has {gpu.driver}")
    else:
        fits = False
        reasons.append(f"CUDA {v.cuda} needs driver >= {need} ({where}); host has {gpu.driver} "
                       f"(upgrade the NVIDIA driver)")
    archs, where = variant_archs(v, table)
    if not archs:
        reasons.append("supported GPU architectures unknown (add compute_capabilities); not checked")
    elif gpu.compute_cap is None:
        reasons.append(f"GPU compute capability unknown; built for {', '.join(archs)}; not checked")
    elif arch_supported(gpu.compute_cap, archs):
        reasons.append(f"built for {', '.join(archs)} ({where}); GPU is {gpu.compute_cap}")
    else:
        fits = False
        reasons.append(f"built for compute capabilities {', '.join(archs)} ({where}); "
                       f"{gpu.name} is {gpu.compute_cap}")
    return Verdict(v.name, fits, True, reasons)


@dataclass
class Resolution:
    """The chosen variant, every verdict, and a readable explanation."""

    environment: str
    chosen: str
    verdicts: list[Verdict]
    facts: HostFacts
    why: str
    notes: list[str] = field(default_factory=list)

    def explain(self) -> str:
        lines = [f"{self.environment}: {self.chosen}", f"  host: {self.facts.describe()}", f"  why: {self.why}"]
        for v in self.verdicts:
            mark = "ok " if v.fits else "no "
            lines.append(f"  {mark} {v.variant}: {'; '.join(v.reasons)}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"environment": self.environment, "variant": self.chosen, "why": self.why, "notes": self.notes,
                "host": self.facts.describe(),
                "verdicts": [{"variant": v.variant, "fits": v.fits, "uses_gpu": v.uses_gpu, "reasons": v.reasons}
                             for v in self.verdicts]}


def declared_order(env: Environment) -> list[str]:
    order = [str(n) for n in env.raw.get("resolve_order", []) if n in env.variants]
    return order + [n for n in env.variants if n not in order]


def _rank(env: Environment, verdict: Verdict, gpu_present: bool) -> tuple:
    v = env.variants[verdict.variant]
    return (not (gpu_present and verdict.uses_gpu), v.compat_layer, declared_order(env).index(v.name))


def resolve(env: Environment, facts: HostFacts, table: CompatTable | None = None, variant: str | None = None,
            require_gpu: bool = False) -> Resolution:
    """Choose a variant of ``env`` for ``facts``; ArhError listing what would work when none fits."""
    table = table or load_compat()
    verdicts = [assess(env, env.variants[n], facts, table) for n in declared_order(env)]
    fitting = [v for v in verdicts if v.fits and (v.uses_gpu or not require_gpu)]

    def alternatives() -> str:
        ok = [v.variant for v in verdicts if v.fits]
        lines = [f"  {v.variant}: {'; '.join(v.reasons)}" for v in verdicts]
        return ("fits here: " + (", ".join(ok) if ok else "none") + "\n" + "\n".join(lines))

    if variant:
        env.variant(variant)  # unknown names get "did you mean"
        chosen = next(v for v in verdicts if v.variant == variant)
        if not chosen.fits:
            raise ArhError(f"{env.name} variant {variant!r} cannot run on {facts.describe()}:\n{alternatives()}")
        return Resolution(env.name, variant, verdicts, facts, "requested with --variant")
    if not fitting:
        need = " GPU" if require_gpu else ""
        raise ArhError(f"no{need} variant of {env.name} fits {facts.describe()}:\n{alternatives()}")
    gpu_present = bool(facts.gpus)
    best = min(fitting, key=lambda v: _rank(env, v, gpu_present))
    bv = env.variants[best.variant]
    why = []
    if gpu_present:
        if best.uses_gpu:
            why.append("uses the GPU")
        elif not any(v.has_cuda for v in env.variants.values()):
            why.append("the environment has no GPU variant")
        else:
            why.append("no GPU variant fits this GPU, so the CPU variant")
    else:
        why.append("no GPU, so a CPU variant")
    why.append("runs the code through the compat layer" if bv.compat_layer else "runs the code unmodified")
    others = [v.variant for v in fitting if v.variant != best.variant]
    if others:
        why.append(f"preferred over {', '.join(others)} (GPU first, then no compat layer, then declared order)")
    notes = []
    if bv.docker:
        without = HostFacts(facts.gpus, False, facts.note)
        alt = [v for v in (assess(env, env.variants[n], without, table) for n in declared_order(env))
               if v.fits and (v.uses_gpu or not require_gpu)]
        if alt:
            notes.append(f"without Docker this would be {min(alt, key=lambda v: _rank(env, v, gpu_present)).variant}")
        else:
            notes.append("without Docker no variant would fit")
    return Resolution(env.name, best.variant, verdicts, facts, "; ".join(why), notes)
