"""The ``local`` backend: this interpreter, if the environment's packages are importable."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from core.envs.backend import Backend
from core.envs.manifest import Environment, Variant
from core.errors import ArhError


def installed_version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


class LocalBackend(Backend):
    """Runs jobs with ``sys.executable``; checks the variant's framework pins first."""

    name = "local"

    def prepare(self, env: Environment, variant: Variant, quiet: bool = False) -> dict:
        if variant.docker:
            raise ArhError(f"environment {env.name!r} variant {variant.name!r} needs Docker; "
                           f"use --backend docker (or another variant)")
        here = f"{sys.version_info.major}.{sys.version_info.minor}"
        if variant.python != here:
            raise ArhError(f"environment {env.name!r} variant {variant.name!r} wants Python {variant.python}, "
                           f"this interpreter is {here}; use --backend venv or docker")
        missing, mismatched = [], []
        for dist, pin in variant.framework.items():
            have = installed_version(dist)
            if have is None:
                missing.append(f"{dist}=={pin}")
            elif have.split("+")[0] != pin.split("+")[0]:
                mismatched.append(f"{dist} {have} (environment pins {pin})")
        if missing:
            raise ArhError(f"local backend: {', '.join(missing)} not installed in {sys.executable}; "
                           f"install with `pip install {' '.join(missing)}` or use --backend venv")
        return {"backend": self.name, "python": sys.executable, "python_version": platform.python_version(),
                "framework": {d: installed_version(d) for d in variant.framework},
                "version_mismatch": mismatched, "lock_hash": env.lock_hash(variant.name)}

    def python(self, env: Environment, variant: Variant) -> list[str]:
        return [sys.executable]

    def run_job(self, job_path, env: Environment, variant: Variant, req) -> int:
        """Run the job in this process (same interpreter, so no new process is needed).

        A subprocess would cost an interpreter start and the adapter's imports
        per job. ``ARH_LOCAL_ISOLATE=1`` runs ``python -m adapters JOB`` in a
        subprocess instead (the job protocol is the same either way).
        """
        import os

        if os.environ.get("ARH_LOCAL_ISOLATE", "") not in ("", "0"):
            return super().run_job(job_path, env, variant, req)
        from core.job import Job
        from core.job_exec import execute

        return execute(Job.load(job_path), quiet=req.quiet)
