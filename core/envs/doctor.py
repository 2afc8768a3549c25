"""``arh env doctor``: is this machine ready for containers? Each problem comes with its fix.

Checks: the Docker SDK, the CLI(s), the engine and its version, BuildKit, the
NVIDIA container runtime, GPUs (name, driver, compute capability), free disk
space for images and caches, offline base images and what building them needs
(debootstrap, archive keyrings), and whether a registry answers.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from core.envs import base_image
from core.envs.docker_backend import cli_version, docker_client, docker_clis, find_build_tool
from core.envs.resolve import probe_gpus, run_command
from core.errors import ArhError
from core.paths import arh_home

MIN_FREE_GB = 20.0  # a torch image with its CUDA wheels needs several GB, plus build cache
NVIDIA_TOOLKIT_FIX = ("add NVIDIA's container-toolkit apt repository (docs.nvidia.com/datacenter/cloud-native/"
                      "container-toolkit/install-guide.html), then `sudo apt-get install -y nvidia-container-toolkit"
                      " && sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker`")


@dataclass
class Check:
    """One line of the report: ``status`` is ok, info, warn or fail."""

    name: str
    status: str
    detail: str
    fix: str = ""

    def render(self) -> str:
        line = f"[{self.status:>4}] {self.name}: {self.detail}"
        return line + (f"\n       fix: {self.fix}" if self.fix else "")


def check_sdk() -> Check:
    try:
        import docker
    except ImportError:
        return Check("docker SDK", "fail", "the Python package 'docker' is not installed",
                     "pip install 'arh[docker]'")
    return Check("docker SDK", "ok", f"docker {docker.__version__}")


def check_clis() -> Check:
    clis = docker_clis()
    if not clis:
        return Check("docker CLI", "warn", "no docker command found (builds fall back to the SDK's classic builder)",
                     "sudo apt-get install -y docker.io")
    desc = ", ".join(f"{c} ({'.'.join(map(str, cli_version(c) or ())) or '?'})" for c in clis)
    return Check("docker CLI", "ok", desc)


def check_engine(client_factory=docker_client) -> tuple[Check, object | None]:
    try:
        client = client_factory()
    except ArhError as e:
        return Check("docker engine", "fail", str(e).split(";")[0], _fix_from(str(e))), None
    v = client.version()
    info = client.info()
    detail = (f"{v.get('Version')} (API {v.get('ApiVersion')}), storage {info.get('Driver')}, "
              f"cgroup v{info.get('CgroupVersion', '?')}, root {info.get('DockerRootDir')}")
    return Check("docker engine", "ok", detail), client


def _fix_from(message: str) -> str:
    """The commands quoted in an error message, as the fix."""
    import re

    cmds = re.findall(r"`([^`]+)`", message)
    return " or ".join(cmds)


def check_buildkit() -> Check:
    tool = find_build_tool()
    if tool.kind == "sdk":
        return Check("BuildKit", "warn", "not available; builds use the classic builder",
                     "install the buildx plugin (`sudo apt-get install -y docker-buildx` on Debian 13/Ubuntu 24.04, "
                     "docker-buildx-plugin from Docker's repository) or Debian 12's docker.io client")
    how = " ".join(tool.argv[:3]) + (" with DOCKER_BUILDKIT=1" if tool.env else "")
    return Check("BuildKit", "ok", f"{tool.kind}: {how}")


def check_gpus(run=run_command) -> tuple[Check, list]:
    gpus, note = probe_gpus(run)
    if not gpus:
        return Check("GPUs", "info", f"none ({note}); CPU variants will be used"), []
    return Check("GPUs", "ok", "; ".join(g.describe() for g in gpus)), gpus


def check_nvidia_runtime(client, gpus: list) -> Check:
    runtimes = sorted((client.info().get("Runtimes") or {}) if client is not None else {})
    hook = shutil.which("nvidia-container-runtime-hook") or shutil.which("nvidia-container-cli") or \
        shutil.which("nvidia-ctk")
    if "nvidia" in runtimes or hook:
        return Check("NVIDIA container runtime", "ok", f"runtimes {runtimes}; toolkit {hook or 'registered'}")
    if gpus:
        return Check("NVIDIA container runtime", "fail", "GPUs are present but containers cannot reach them",
                     NVIDIA_TOOLKIT_FIX)
    return Check("NVIDIA container runtime", "info", "not installed (not needed without a GPU)")


def check_disk(client) -> list[Check]:
    out = []
    places = [("ARH_HOME", arh_home())]
    if client is not None:
        root = Path(client.info().get("DockerRootDir") or "/var/lib/docker")
        if root.exists():
            places.append(("docker root", root))
    for label, path in places:
        free = shutil.disk_usage(path).free / 2**30
        if free < MIN_FREE_GB:
            out.append(Check(f"disk ({label})", "warn", f"{free:.1f} GB free at {path} (< {MIN_FREE_GB:.0f} GB)",
                             "docker image prune -a && docker builder prune (removes unused images and cache)"))
        else:
            out.append(Check(f"disk ({label})", "ok", f"{free:.1f} GB free at {path}"))
    return out


def check_offline_bases(client) -> list[Check]:
    out = []
    if client is not None:
        bases = base_image.list_bases(client)
        names = sorted(t for b in bases for t in b["tags"])
        out.append(Check("offline base images", "ok" if names else "info",
                         ", ".join(names) if names else "none built",
                         "" if names else "arh env base build ubuntu:18.04 (and debian:bookworm)"))
    if not shutil.which("debootstrap"):
        out.append(Check("debootstrap", "info", "not installed (needed only for `arh env base build`)",
                         "sudo apt-get install -y debootstrap"))
    else:
        out.append(Check("debootstrap", "ok", shutil.which("debootstrap") or ""))
    for distro in ("debian", "ubuntu"):
        try:
            ring = base_image.find_keyring(distro)
            out.append(Check(f"{distro} archive keyring", "ok", str(ring)))
        except ArhError as e:
            out.append(Check(f"{distro} archive keyring", "info", "missing (needed for offline bases)", _fix_from(str(e))))
    return out


def check_registry(url: str = "https://registry-1.docker.io/v2/", timeout: float = 5.0) -> Check:
    try:
        urllib.request.urlopen(url, timeout=timeout)
        reachable = True
    except urllib.error.HTTPError:
        reachable = True  # 401 Unauthorized: the registry answered
    except (OSError, ValueError):
        reachable = False
    if reachable:
        return Check("registry", "ok", f"{url} answers")
    return Check("registry", "info", f"{url} does not answer: build with offline bases",
                 "arh env base build SUITE, then arh env build NAME --offline-base")


def check_ca_certs() -> Check:
    value = os.environ.get("ARH_CA_CERTS", "")
    local = sorted(Path("/usr/local/share/ca-certificates").glob("**/*.crt"))
    if value:
        return Check("extra CA certificates", "ok", f"ARH_CA_CERTS={value}")
    if local:
        return Check("extra CA certificates", "info",
                     f"host trusts {len(local)} local CA(s) in /usr/local/share/ca-certificates; builds behind a "
                     f"TLS-inspecting proxy need them", "export ARH_CA_CERTS=/usr/local/share/ca-certificates")
    return Check("extra CA certificates", "ok", "none configured (not needed without a TLS-inspecting proxy)")


def run_checks(client_factory=docker_client, run=run_command, registry: bool = True) -> list[Check]:
    """Every check, in report order."""
    checks = [check_sdk(), check_clis()]
    engine, client = check_engine(client_factory)
    checks.append(engine)
    checks.append(check_buildkit())
    gpu_check, gpus = check_gpus(run)
    checks += [gpu_check, check_nvidia_runtime(client, gpus)]
    checks += check_disk(client)
    checks += check_offline_bases(client)
    checks.append(check_ca_certs())
    if registry:
        checks.append(check_registry())
    return checks


def report(checks: list[Check]) -> str:
    return "\n".join(c.render() for c in checks)


def as_dicts(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]
