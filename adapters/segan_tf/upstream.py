"""Finding and verifying the upstream SEGAN source (never edited, never committed here).

Order: ``ARH_SEGAN_SRC`` (or the adapter config ``segan_src``, set from
``--segan-src``); otherwise a clone of the public repository at the pinned
commit under ``$ARH_HOME/upstream/`` (needs network once). Either way the
checkout must be a git work tree at the pinned commit with no changes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from core.envs.manifest import load_environment
from core.errors import ArhError
from core.paths import arh_home

HOW_TO = ("point ARH_SEGAN_SRC (or --segan-src) at a clean git checkout of {repo} at commit {commit}: "
          "git clone {repo} segan && git -C segan checkout {commit}")


def pinned() -> tuple[str, str]:
    """(repository URL, commit) from environments/segan-tf/environment.toml."""
    up = load_environment("segan-tf").raw.get("upstream") or {}
    if "repo" not in up or "commit" not in up:
        raise ArhError("environments/segan-tf/environment.toml lacks upstream = { repo = ..., commit = ... }")
    return up["repo"], up["commit"]


def _git(src: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(src), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise ArhError(f"git {' '.join(args)} failed in {src}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def verify(src: Path) -> dict:
    """Check ``src`` is a clean checkout of the pinned commit; returns provenance."""
    repo, commit = pinned()
    how = HOW_TO.format(repo=repo, commit=commit)
    if not (src / "main.py").exists() or not (src / "model.py").exists():
        raise ArhError(f"{src} does not look like the SEGAN source (no main.py/model.py); {how}")
    if shutil.which("git") is None:
        raise ArhError("git is needed to verify the upstream SEGAN checkout; install git")
    try:
        head = _git(src, "rev-parse", "HEAD")
    except ArhError as e:
        raise ArhError(f"{src} is not a git checkout, so its commit cannot be verified; {how}") from e
    if head != commit:
        raise ArhError(f"{src} is at commit {head}, the harness pins {commit}; run "
                       f"`git -C {src} checkout {commit}`")
    dirty = _git(src, "status", "--porcelain", "--untracked-files=all")
    if dirty:
        raise ArhError(f"{src} has local changes or untracked files, upstream must be unmodified:\n{dirty}\n"
                       f"restore it with `git -C {src} stash -u` or use a fresh checkout")
    return {"path": str(src), "repo": repo, "commit": head, "clean": True}


def clone_into_cache() -> Path:
    """Clone the pinned commit into ``$ARH_HOME/upstream/segan-<commit>`` (network needed)."""
    repo, commit = pinned()
    target = arh_home() / "upstream" / f"segan-{commit[:12]}"
    if (target / ".git").exists():
        return target
    tmp = target.with_name(target.name + f".cloning-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    proc = subprocess.run(["git", "clone", "--quiet", repo, str(tmp)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    if proc.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ArhError(f"no local SEGAN source and cloning {repo} failed ({proc.stderr.strip()[:200]}); "
                       + HOW_TO.format(repo=repo, commit=commit))
    _git(tmp, "checkout", "--quiet", commit)
    os.replace(tmp, target)
    return target


def locate(config_src: str | None = None) -> Path:
    """The upstream source folder, verified; clones it into the cache when none is given."""
    given = config_src or os.environ.get("ARH_SEGAN_SRC")
    src = Path(given).expanduser().resolve() if given else clone_into_cache()
    if given and not src.exists():
        raise ArhError(f"ARH_SEGAN_SRC / segan_src points at {src}, which does not exist")
    verify(src)
    return src
