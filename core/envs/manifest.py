"""Reading ``environments/<name>/environment.toml``: environments are data.

Format (one file per environment)::

    name = "torch"
    description = "..."
    default_variant = "cpu"
    [variants.cpu]
    python = "3.11"                      # interpreter version
    framework = { torch = "2.11.0" }     # framework packages and their pins
    lock = "cpu.lock"                    # exact pins, pip requirements format
    docker = false                       # true: needs a container (e.g. Python 2.7)
    cuda = "none"                        # CUDA runtime version or "none"
    cudnn = "none"
    min_driver = ""                      # minimum Linux driver for CUDA variants
    compute_capabilities = []            # e.g. ["8.0", "9.0"]
    base_image = ""                      # registry base image (by digest where possible)
    distro = ""                          # distribution suite for offline base builds
    compat_layer = false                 # runs legacy code through adapters.tfcompat

Code reads versions from here; nothing else repeats them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ArhError
from core.hashing import file_digest, stable_hash
from core.paths import repo_root
from core.registry import did_you_mean


@dataclass
class Variant:
    """One buildable flavour of an environment (e.g. torch ``cpu`` or ``cuda``)."""

    name: str
    python: str
    framework: dict[str, str]
    lock: str | None
    docker: bool = False
    cuda: str = "none"
    cudnn: str = "none"
    min_driver: str = ""
    compute_capabilities: list[str] = field(default_factory=list)
    base_image: str = ""
    distro: str = ""
    compat_layer: bool = False
    extra: dict = field(default_factory=dict)  # any other keys, kept for provenance

    @property
    def has_cuda(self) -> bool:
        return self.cuda not in ("", "none", None)


@dataclass
class Environment:
    """An environment folder: its manifest and variants."""

    name: str
    path: Path
    description: str
    default_variant: str
    variants: dict[str, Variant]
    raw: dict

    def variant(self, name: str | None = None) -> Variant:
        name = name or self.default_variant
        if name not in self.variants:
            raise ArhError(f"environment {self.name!r} has no variant {name!r}. "
                           f"{did_you_mean(name, list(self.variants))}")
        return self.variants[name]

    def lock_path(self, variant: str | None = None) -> Path | None:
        v = self.variant(variant)
        return self.path / v.lock if v.lock else None

    def lock_hash(self, variant: str | None = None) -> str | None:
        """Digest of the variant's lock file (None when it has none)."""
        p = self.lock_path(variant)
        if p is None:
            return None
        if not p.exists():
            raise ArhError(f"{self.path / 'environment.toml'}: variant {self.variant(variant).name!r} "
                           f"names lock file {p.name!r}, which does not exist")
        return file_digest(p)

    def manifest_hash(self) -> str:
        return file_digest(self.path / "environment.toml")


def environments_root() -> Path:
    return repo_root() / "environments"


def list_environments(root: Path | None = None) -> list[str]:
    root = root or environments_root()
    return sorted(p.parent.name for p in root.glob("*/environment.toml"))


_VARIANT_KEYS = {"python", "framework", "lock", "docker", "cuda", "cudnn", "min_driver",
                 "compute_capabilities", "base_image", "distro", "compat_layer"}


def load_environment(name: str, root: Path | None = None) -> Environment:
    """Parse ``environments/<name>/environment.toml`` with clear errors."""
    root = root or environments_root()
    path = root / name / "environment.toml"
    if not path.exists():
        raise ArhError(f"no environment {name!r} (expected {path}). "
                       f"{did_you_mean(name, list_environments(root))}")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ArhError(f"{path}: invalid TOML ({e})") from e
    variants = {}
    for vname, v in (raw.get("variants") or {}).items():
        if "python" not in v:
            raise ArhError(f"{path}: [variants.{vname}] has no 'python' field (e.g. python = \"3.11\")")
        variants[vname] = Variant(
            name=vname, python=str(v["python"]), framework=dict(v.get("framework", {})),
            lock=v.get("lock"), docker=bool(v.get("docker", False)), cuda=str(v.get("cuda", "none")),
            cudnn=str(v.get("cudnn", "none")), min_driver=str(v.get("min_driver", "")),
            compute_capabilities=[str(c) for c in v.get("compute_capabilities", [])],
            base_image=str(v.get("base_image", "")), distro=str(v.get("distro", "")),
            compat_layer=bool(v.get("compat_layer", False)),
            extra={k: val for k, val in v.items() if k not in _VARIANT_KEYS},
        )
    if not variants:
        raise ArhError(f"{path}: no [variants.*] tables")
    default = raw.get("default_variant") or next(iter(variants))
    if default not in variants:
        raise ArhError(f"{path}: default_variant {default!r} is not a variant. "
                       f"{did_you_mean(default, list(variants))}")
    return Environment(name=raw.get("name", name), path=path.parent,
                       description=raw.get("description", ""), default_variant=default,
                       variants=variants, raw=raw)


def read_lock(path: Path) -> list[tuple[str, str]]:
    """(distribution, version) pairs from a pip lock file of ``name==version`` lines."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        spec = line.split(";", 1)[0].split("--hash", 1)[0].strip()
        if "==" not in spec:
            raise ArhError(f"{path}:{n}: {line!r} is not an exact pin (use name==version)")
        name, version = spec.split("==", 1)
        out.append((name.split("[", 1)[0].strip(), version.strip()))
    return out


def environment_key(env: Environment, variant: str | None = None) -> str:
    """Name derived from the environment's inputs (manifest and lock)."""
    v = env.variant(variant)
    return f"{env.name}-{v.name}-{stable_hash(env.manifest_hash(), env.lock_hash(v.name))[:12]}"
