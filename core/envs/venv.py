"""The ``venv`` backend: a virtual environment built from the variant's lock file.

Venvs live under ``$ARH_HOME/venvs/<env>-<variant>-<hash>`` where the hash
covers the manifest and the lock, so a changed lock gives a new venv and an
unchanged one is reused. A venv is built in a temporary folder and renamed
when complete, so an interrupted build is never mistaken for a finished one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from core.envs.backend import Backend, run_logged
from core.envs.manifest import Environment, Variant, environment_key
from core.errors import ArhError
from core.paths import arh_home


def find_python(version: str) -> str:
    """An interpreter of ``version`` (e.g. "3.11" or "2.7").

    Looked for in order: this interpreter, ``$ARH_PYTHON_<X>_<Y>`` (e.g.
    ``ARH_PYTHON_2_7=/usr/bin/python2.7``), ``pythonX.Y`` on PATH, pyenv versions.
    """
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    env_var = "ARH_PYTHON_" + version.replace(".", "_")
    if os.environ.get(env_var):
        return os.environ[env_var]
    exe = shutil.which(f"python{version}")
    if exe:
        return exe
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for candidate in sorted(pyenv.glob(f"{version}.*/bin/python{version}"), reverse=True):
        return str(candidate)
    raise ArhError(f"venv backend needs Python {version}, which was not found (set {env_var}=PATH, put "
                   f"python{version} on PATH, e.g. `apt-get install python{version}`), or use --backend docker")


class VenvBackend(Backend):
    """Creates (once) and uses a venv with the variant's exact lock."""

    name = "venv"

    def venv_dir(self, env: Environment, variant: Variant) -> Path:
        return arh_home() / "venvs" / environment_key(env, variant.name)

    def prepare(self, env: Environment, variant: Variant, quiet: bool = False) -> dict:
        if variant.extra.get("venv") is False:
            raise ArhError(f"environment {env.name!r} variant {variant.name!r} cannot be built as a venv "
                           f"(its framework is not on PyPI); use --backend docker")
        lock = env.lock_path(variant.name)
        if lock is None or not lock.exists():
            raise ArhError(f"environment {env.name!r} variant {variant.name!r} has no lock file; "
                           f"the venv backend installs from it (add `lock = \"...\"` to {env.path}/environment.toml)")
        target = self.venv_dir(env, variant)
        if not (target / ".arh-ready").exists():
            self._build(env, variant, lock, target, quiet)
        return {"backend": self.name, "python": str(self._python(target)), "venv": str(target),
                "lock_hash": env.lock_hash(variant.name), "python_version": variant.python}

    def _build(self, env: Environment, variant: Variant, lock: Path, target: Path, quiet: bool) -> None:
        py = find_python(variant.python)
        tmp = target.with_name(target.name + f".building-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        if not quiet:
            print(f"arh: building venv {target.name} from {lock} (once; reused afterwards)", file=sys.stderr)
        log = str(tmp.parent / f"{target.name}.build.log")
        try:
            if variant.python.startswith("2."):
                # Python 2 has no venv module; virtualenv (20.15 is the last with 2.7 support) does the job
                probe = subprocess.run([py, "-m", "virtualenv", "--version"], capture_output=True)
                if probe.returncode != 0:
                    raise ArhError(f"{py} has no virtualenv; install it with `{py} -m pip install 'virtualenv<20.16'`")
                subprocess.run([py, "-m", "virtualenv", "-q", str(tmp)], check=True, capture_output=True)
            else:
                subprocess.run([py, "-m", "venv", str(tmp)], check=True, capture_output=True)
            pip = [str(self._python(tmp)), "-m", "pip", "install", "--disable-pip-version-check"]
            pip_env = dict(os.environ)
            if variant.python.startswith("2."):
                # old pip ignores modern index configuration files; talk to PyPI directly
                pip_env.setdefault("PIP_INDEX_URL", "https://pypi.org/simple")
                pip_env.pop("PIP_CONSTRAINT", None)
            rc = run_logged(pip + ["--no-deps", "-r", str(lock)], pip_env, None, log, quiet)
            if rc != 0:
                raise ArhError(f"pip failed installing {lock} into a venv (see {log}); fix the lock file "
                               f"or the network/proxy settings (PIP_INDEX_URL, PIP_CERT), then rerun")
            # venvs hard-code their own path in scripts; python -m works after a rename.
            (tmp / ".arh-ready").write_text(lock.read_text(encoding="utf-8"))
            if target.exists():
                shutil.rmtree(target)
            os.replace(tmp, target)
        except subprocess.CalledProcessError as e:
            raise ArhError(f"cannot create a venv with {py}: {e.stderr.decode(errors='replace')[-500:]}") from e
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    @staticmethod
    def _python(venv: Path) -> Path:
        return venv / "bin" / "python"

    def python(self, env: Environment, variant: Variant) -> list[str]:
        return [str(self._python(self.venv_dir(env, variant)))]
