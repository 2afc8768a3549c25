"""Reader for ``environments/compat.toml``: CUDA -> minimum driver, framework build -> CUDA and GPU archs.

Versions compare numerically field by field (``"535.183.01" > "530.30.02"``).
A compute-capability list entry ``"X.Y+"`` means X.Y and every newer architecture.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.errors import ArhError
from core.paths import repo_root


def version_tuple(v: str) -> tuple[int, ...]:
    """``"580.65.06"`` -> (580, 65, 6); raises ArhError for text that is not a dotted version."""
    parts = re.findall(r"\d+", str(v))
    if not parts or not re.fullmatch(r"\s*\d+(\.\d+)*\s*", str(v)):
        raise ArhError(f"{v!r} is not a dotted version number (e.g. 535.183.01 or 8.6)")
    return tuple(int(p) for p in parts)


def version_at_least(have: str, need: str) -> bool:
    return version_tuple(have) >= version_tuple(need)


def arch_supported(cc: str, archs: list[str]) -> bool:
    """Is compute capability ``cc`` (e.g. "8.6") covered by ``archs`` (["8.0", "9.0+"])?"""
    have = version_tuple(cc)
    for a in archs:
        a = a.strip()
        if a.endswith("+"):
            if have >= version_tuple(a[:-1]):
                return True
        elif have == version_tuple(a):
            return True
    return False


@dataclass
class CudaEntry:
    version: str
    min_driver: str
    source: str
    verified: bool
    note: str = ""


@dataclass
class FrameworkEntry:
    name: str
    version: str
    cuda: str
    compute_capabilities: list[str]
    source: str
    verified: bool
    cudnn: str = ""
    build: str = ""
    note: str = ""


@dataclass
class CompatTable:
    """The parsed table; ``path`` is the file it came from (named in errors)."""

    path: Path
    sources: dict[str, str]
    cuda: list[CudaEntry]
    frameworks: list[FrameworkEntry]
    gpu_names: dict[str, str] = field(default_factory=dict)

    def min_driver(self, cuda: str) -> CudaEntry:
        """Entry for a CUDA runtime ("12.1", or "12.1.0": matched on major.minor)."""
        want = version_tuple(cuda)[:2]
        for e in self.cuda:
            if version_tuple(e.version)[:2] == want:
                return e
        known = ", ".join(e.version for e in self.cuda)
        raise ArhError(f"{self.path}: no [[cuda]] entry for CUDA {cuda} (known: {known}); add one with its "
                       f"minimum driver from the CUDA release notes")

    def framework(self, name: str, version: str, cuda: str | None = None) -> FrameworkEntry | None:
        """The build of ``name==version`` (for ``cuda`` when several builds exist), or None."""
        hits = [f for f in self.frameworks if f.name == name and f.version.split("+")[0] == version.split("+")[0]]
        if cuda and cuda not in ("", "none"):
            hits = [f for f in hits if version_tuple(f.cuda)[:2] == version_tuple(cuda)[:2]] or hits
        return hits[0] if hits else None

    def gpu_compute_capability(self, gpu_name: str) -> str | None:
        """Compute capability from a GPU name (longest known prefix, word boundary), or None."""
        def norm(s: str) -> str:
            s = s.strip().lower()
            return s[len("nvidia "):] if s.startswith("nvidia ") else s

        name = norm(gpu_name)
        best = None
        for key, cc in self.gpu_names.items():
            k = norm(key)
            if name.startswith(k) and (len(name) == len(k) or not name[len(k)].isalnum()):
                if best is None or len(k) > len(best[0]):
                    best = (k, cc)
        return best[1] if best else None


def compat_path() -> Path:
    return repo_root() / "environments" / "compat.toml"


@lru_cache(maxsize=4)
def load_compat(path: Path | None = None) -> CompatTable:
    """Parse the table with errors that name the file and entry."""
    path = path or compat_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ArhError(f"compatibility table {path} is missing") from e
    except tomllib.TOMLDecodeError as e:
        raise ArhError(f"{path}: invalid TOML ({e})") from e
    sources = dict(raw.get("sources", {}))

    def check(kind: str, i: int, entry: dict, required: tuple[str, ...]) -> None:
        missing = [k for k in required if k not in entry]
        if missing:
            raise ArhError(f"{path}: [[{kind}]] entry #{i + 1} lacks {missing}")
        if entry["source"] not in sources:
            raise ArhError(f"{path}: [[{kind}]] entry #{i + 1} names source {entry['source']!r}, "
                           f"which is not in [sources]")

    cuda = []
    for i, e in enumerate(raw.get("cuda", [])):
        check("cuda", i, e, ("version", "min_driver", "source", "verified"))
        version_tuple(e["min_driver"])
        cuda.append(CudaEntry(str(e["version"]), str(e["min_driver"]), e["source"], bool(e["verified"]),
                              e.get("note", "")))
    frameworks = []
    for i, e in enumerate(raw.get("framework", [])):
        check("framework", i, e, ("name", "version", "cuda", "compute_capabilities", "source", "verified"))
        frameworks.append(FrameworkEntry(e["name"], str(e["version"]), str(e["cuda"]),
                                         [str(c) for c in e["compute_capabilities"]], e["source"],
                                         bool(e["verified"]), str(e.get("cudnn", "")), str(e.get("build", "")),
                                         e.get("note", "")))
    return CompatTable(path, sources, cuda, frameworks, {str(k): str(v) for k, v in raw.get("gpu_names", {}).items()})
