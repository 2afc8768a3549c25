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
    """Build the default corpus and three degraded datasets, run the baselines, write a report."""
    install(session, "")
    out = os.environ.get("ARH_DEMO_OUT", str(ROOT / "out" / "demo"))
    session.run("python", "benchmarks/demo.py", "--out", out, *session.posargs)


def _take_option(args: list[str], name: str) -> tuple[str | None, list[str]]:
    """Remove ``--name VALUE`` (or ``--name=VALUE``) from ``args``; returns (value, rest)."""
    rest, value, i = [], None, 0
    while i < len(args):
        if args[i] == name and i + 1 < len(args):
            value, i = args[i + 1], i + 2
            continue
        if args[i].startswith(name + "="):
            value = args[i].split("=", 1)[1]
        else:
            rest.append(args[i])
        i += 1
    return value, rest


@nox.session(name="segan-tf", python=PYTHON, default=False)
def segan_tf(session: nox.Session) -> None:
    """Original SEGAN, unmodified: MP3 32 kbps speech, tiny training, restore, score (args go to `arh run`)."""
    src, args = _take_option(list(session.posargs), "--segan-src")
    variant, args = _take_option(args, "--variant")
    env = {"ARH_SEGAN_SRC": os.path.abspath(src)} if src else {}
    variant = variant or "tf2-compat"
    install(session, "docker", envs=("segan-tf",) if variant == "tf2-compat" else ())
    # fail fast (before any data is built) when the upstream source cannot be had
    session.run("python", "-c", "from adapters.segan_tf.upstream import locate; print('upstream SEGAN:', locate())",
                env=env)
    out = Path(os.environ.get("ARH_SEGAN_OUT", ROOT / "out" / "segan-tf"))
    data = out / "data" / "speech-casey-mp3"
    session.run("arh", "data", "build", "--source", "default:speech", "--degrade", "casey-mp3", "--seed", "0",
                "--out", str(data), env=env)
    backend = "local" if variant == "tf2-compat" else "docker"
    session.run("arh", "run", "--adapter", "segan-tf", "--dataset", str(data), "--variant", variant,
                "--backend", backend, "--config", "tiny", "--out", str(out / "runs" / variant), *args, env=env)


ENVIRONMENTS = sorted(p.parent.name for p in (ROOT / "environments").glob("*/environment.toml"))


@nox.session(name="env-build", python=PYTHON, default=False)
@nox.parametrize("environment", ENVIRONMENTS)
def env_build(session: nox.Session, environment: str) -> None:
    """Build an environment's Docker image (args go to `arh env build`, e.g. --variant exact --offline-base)."""
    install(session, "docker")
    session.run("arh", "env", "doctor", success_codes=[0, 1])
    session.run("arh", "env", "build", environment, *session.posargs)


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
