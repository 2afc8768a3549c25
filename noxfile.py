"""nox sessions for arh. Run `nox -l` to list them.

One helper installs the harness plus the framework pins read from
``environments/<name>/environment.toml`` (versions are never repeated here).
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

import nox

ROOT = Path(__file__).parent
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True
PYTHON = "3.11"


def framework_pins(env_name: str, variant: str | None = None) -> list[str]:
    """``name==version`` for the framework packages of an environment variant."""
    data = tomllib.loads((ROOT / "environments" / env_name / "environment.toml").read_text())
    v = data["variants"][variant or data["default_variant"]]
    return [f"{k}=={x}" for k, x in v.get("framework", {}).items()]


def install(session: nox.Session, extras: str = "test", envs: tuple[str, ...] = ()) -> None:
    """Install the harness (editable) with ``extras`` and the frameworks of ``envs``."""
    session.run("python", "--version")
    session.install("--upgrade", "pip")
    pins = [p for e in envs for p in framework_pins(e, "tf2-compat" if e == "segan-tf" else None)]
    session.install("-e", f".[{extras}]" if extras else ".", *pins)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (frameworks included; docker tests skip without an engine)."""
    install(session, "test,docker", envs=("torch", "segan-tf"))
    session.run("python", "-m", "pip", "list", "--format=freeze", silent=False)
    args = session.posargs or ["-q", "-ra", "--durations=15"]
    session.run("python", "-m", "pytest", *args, env={"ARH_QUIET": "1"})


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Lint with ruff."""
    session.install("ruff")
    session.run("ruff", "--version")
    session.run("ruff", "check", "core", "adapters", "benchmarks", "tests", "noxfile.py")


@nox.session(python=PYTHON)
def demo(session: nox.Session) -> None:
    """Build the default corpus and two degraded datasets, run the baselines, write a report."""
    install(session, "")
    out = os.environ.get("ARH_DEMO_OUT", str(ROOT / "out" / "demo"))
    session.run("python", "benchmarks/demo.py", "--out", out, *session.posargs)


@nox.session(python=PYTHON, default=False)
def benchmark(session: nox.Session) -> None:
    """Run every benchmark script and store results under benchmarks/results/."""
    install(session, "test,docker", envs=("torch",))
    for script in sorted((ROOT / "benchmarks").glob("*_*.py")):
        if script.name == "demo.py":
            continue
        session.log(f"benchmark: {script.name}")
        session.run("python", str(script), *session.posargs)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run with: nox -s <session>")
