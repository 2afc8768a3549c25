"""``arh env doctor``: every problem names its fix; GPUs come from recorded nvidia-smi outputs."""

from __future__ import annotations

from pathlib import Path

from core.envs import doctor
from core.envs.docker_backend import explain_engine_error
from core.envs.resolve import GPU_QUERY
from core.errors import ArhError

FIXTURES = Path(__file__).parent / "fixtures"


class FakeImages:
    def list(self, **kw):
        return []


class FakeClient:
    """Just enough of docker.DockerClient for the doctor."""

    def __init__(self, runtimes=None):
        self._runtimes = runtimes or {"runc": {}}
        self.images = FakeImages()

    def version(self):
        return {"Version": "20.10.24", "ApiVersion": "1.41"}

    def info(self):
        return {"Driver": "overlay2", "CgroupVersion": "1", "DockerRootDir": "/nonexistent-docker-root",
                "Runtimes": self._runtimes}


def replay(name, rc=0):
    def run(cmd):
        assert cmd == GPU_QUERY
        return rc, (FIXTURES / f"nvidia-smi_{name}.txt").read_text()
    return run


def by_name(checks):
    return {c.name: c for c in checks}


def test_no_engine_is_a_failure_with_the_start_command():
    def no_engine():
        raise ArhError(explain_engine_error(FileNotFoundError(2, "No such file or directory")))

    checks = by_name(doctor.run_checks(client_factory=no_engine, run=lambda cmd: None, registry=False))
    engine = checks["docker engine"]
    assert engine.status == "fail"
    assert "dockerd" in engine.fix and "systemctl start docker" in engine.fix
    assert checks["GPUs"].status == "info"


def test_socket_permission_fix():
    text = explain_engine_error(PermissionError(13, "Permission denied"))
    assert "usermod -aG docker" in text


def test_gpu_without_nvidia_runtime_names_the_toolkit(monkeypatch):
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    checks = by_name(doctor.run_checks(client_factory=FakeClient, run=replay("h100_580"), registry=False))
    assert checks["GPUs"].status == "ok"
    assert "NVIDIA H100 80GB HBM3 (compute 9.0), driver 580.65.06" in checks["GPUs"].detail
    rt = checks["NVIDIA container runtime"]
    assert rt.status == "fail" and "nvidia-ctk runtime configure" in rt.fix


def test_gpu_with_nvidia_runtime_is_ok():
    checks = by_name(doctor.run_checks(client_factory=lambda: FakeClient({"runc": {}, "nvidia": {}}),
                                       run=replay("a100_535"), registry=False))
    assert checks["NVIDIA container runtime"].status == "ok"
    assert checks["GPUs"].detail.count("A100") == 2


def test_broken_driver_is_reported_not_hidden():
    checks = by_name(doctor.run_checks(client_factory=FakeClient, run=replay("no_gpu", rc=9), registry=False))
    assert "couldn't communicate with the NVIDIA driver" in checks["GPUs"].detail


def test_low_disk_warns_with_prune(monkeypatch):
    class Usage:
        free = 3 * 2**30

    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda p: Usage)
    checks = doctor.check_disk(None)
    assert checks[0].status == "warn" and "docker image prune" in checks[0].fix


def test_report_renders_fix_lines():
    text = doctor.report([doctor.Check("x", "fail", "broken", "do this")])
    assert text == "[fail] x: broken\n       fix: do this"
