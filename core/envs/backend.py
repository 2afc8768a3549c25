"""Backends run commands inside an environment: ``local``, ``venv`` and ``docker``.

A backend knows how to get an interpreter for an environment variant and run
a command with it. The runner only uses this interface:

- ``prepare(env, variant)``: make the environment ready (build a venv, an
  image, ...) and return provenance (interpreter, lock hash, image id ...).
- ``exec(argv, env, variant, ...)``: run ``argv`` where ``argv[0] == "python"``
  means the environment's interpreter; the harness checkout is importable.
- ``run_job(job_path, ...)``: ``python -m adapters JOB`` in the environment.
"""

from __future__ import annotations

import abc
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from core.envs.manifest import Environment, Variant
from core.errors import ArhError
from core.paths import repo_root
from core.registry import did_you_mean


@dataclass
class ExecRequest:
    """What a command needs from the backend beyond its argv."""

    read_only: list[str] = field(default_factory=list)  # host paths the command reads
    read_write: list[str] = field(default_factory=list)  # host paths the command writes
    network: bool = False  # restore and scoring run without network
    workdir: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    log_path: str | None = None  # stdout+stderr are tee'd here
    quiet: bool = False
    gpu: bool = False


class Backend(abc.ABC):
    """Runs commands in an environment variant."""

    name: str = ""

    @abc.abstractmethod
    def prepare(self, env: Environment, variant: Variant, quiet: bool = False) -> dict:
        """Make the environment usable; return provenance fields."""

    @abc.abstractmethod
    def python(self, env: Environment, variant: Variant) -> list[str]:
        """The command prefix that starts the environment's interpreter."""

    def harness_root(self) -> str:
        """Where the harness checkout is seen by commands this backend runs."""
        return str(repo_root())

    def exec(self, argv: list[str], env: Environment, variant: Variant, req: ExecRequest) -> int:
        """Run ``argv`` (``"python"`` first means the environment's interpreter); return the exit code."""
        cmd = list(argv)
        if cmd and cmd[0] == "python":
            cmd = self.python(env, variant) + cmd[1:]
        child_env = dict(os.environ)
        child_env.update(req.env)
        root = str(repo_root())
        child_env["PYTHONPATH"] = root + (os.pathsep + child_env["PYTHONPATH"] if child_env.get("PYTHONPATH") else "")
        return run_logged(cmd, child_env, req.workdir, req.log_path, req.quiet)

    def run_job(self, job_path: Path, env: Environment, variant: Variant, req: ExecRequest) -> int:
        """Run the in-environment side of a job: ``python -m adapters JOB``."""
        return self.exec(["python", "-m", "adapters", str(job_path)], env, variant, req)


def run_logged(cmd: list[str], env: dict, cwd: str | None, log_path: str | None, quiet: bool) -> int:
    """Run ``cmd``, streaming output live to stderr (unless quiet) and into ``log_path``."""
    log = open(log_path, "ab") if log_path else None
    try:
        try:
            proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except FileNotFoundError as e:
            raise ArhError(f"cannot start {cmd[0]!r}: {e}") from e
        assert proc.stdout is not None
        try:
            for line in iter(proc.stdout.readline, b""):
                if log:
                    log.write(line)
                    log.flush()
                if not quiet:
                    sys.stderr.buffer.write(line)
                    sys.stderr.flush()
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            raise
    finally:
        if log:
            log.close()


BACKENDS = {
    "local": "core.envs.local:LocalBackend",
    "venv": "core.envs.venv:VenvBackend",
    "docker": "core.envs.docker_backend:DockerBackend",
}


def get_backend(name: str) -> Backend:
    """Instantiate a backend by name (imported lazily)."""
    import importlib

    if name not in BACKENDS:
        raise ArhError(f"Unknown backend {name!r}. {did_you_mean(name, list(BACKENDS))}")
    module, cls = BACKENDS[name].split(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name == module:
            raise ArhError(f"backend {name!r} is not available in this checkout ({module} missing)") from e
        raise
    return getattr(mod, cls)()
