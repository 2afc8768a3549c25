"""Docker backend logic that needs no engine: mounts, limits, image identity, build context, errors."""

from __future__ import annotations

import json
import os

import pytest

from core.envs import docker_backend as db
from core.envs.backend import ExecRequest
from core.envs.manifest import load_environment
from core.errors import ArhError

ENV_TOML = """
name = "demo"
default_variant = "cpu"
upstream = { repo = "https://example.org/up.git", commit = "abc123" }
[variants.cpu]
python = "3.11"
framework = { numpy = "2.4.6" }
lock = "cpu.lock"
base_image = "python:3.11-slim-bookworm"
distro = "debian:bookworm"
[variants.gpu]
python = "3.11"
framework = { numpy = "2.4.6" }
lock = "cpu.lock"
cuda = "13.0"
"""


@pytest.fixture
def env(tmp_path):
    d = tmp_path / "envs" / "demo"
    d.mkdir(parents=True)
    (d / "environment.toml").write_text(ENV_TOML)
    (d / "cpu.lock").write_text("numpy==2.4.6\n")
    (d / "Dockerfile").write_text("ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n")
    return load_environment("demo", root=tmp_path / "envs")


def test_mounts_same_paths_rw_wins_and_nesting(tmp_path):
    data, run, out = tmp_path / "data", tmp_path / "run", tmp_path / "run" / "outputs"
    plan = db.plan_mounts([str(data), str(data / "sub"), str(run)], [str(run), str(out)], "/repo")
    got = [(m.target, m.read_only) for m in plan]
    assert got[0] == (db.CONTAINER_SRC, True)
    assert (str(data), True) in got and (str(run), False) in got
    assert (str(data / "sub"), True) not in got  # already visible read-only through data
    assert (str(out), False) not in got  # already writable through run
    # a read-only input inside a writable folder keeps its own read-only mount
    plan = db.plan_mounts([str(run / "jobs")], [str(run)])
    assert [(m.target, m.read_only) for m in plan] == [(str(run), False), (str(run / "jobs"), True)]


def test_symlinked_source_is_mounted_at_the_given_path(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    (m,) = db.plan_mounts([str(link)], [])
    assert m.source == str(real) and m.target == str(link)


def test_job_paths(tmp_path):
    job = tmp_path / "jobs" / "restore.json"
    job.parent.mkdir()
    job.write_text(json.dumps({"action": "restore", "dataset": "/d", "run_dir": "/r", "output_dir": "/r/o",
                               "checkpoint": "/ck"}))
    ro, rw = db.job_paths(job)
    assert ro == [str(job.parent), "/d", "/ck"] and rw == ["/r", "/r/o"]
    job.write_text(json.dumps({"action": "train", "dataset": "/d", "run_dir": "/r", "output_dir": "/r/w",
                               "checkpoint": "/ck"}))
    assert "/ck" in db.job_paths(job)[1]


def test_memory_limits():
    assert db.parse_memory("512m") == 512 * 2**20
    assert db.parse_memory("8g") == 8 * 2**30
    assert db.parse_memory("1.5GiB") == int(1.5 * 2**30)
    assert db.parse_memory(None) is None
    with pytest.raises(ArhError, match="ARH_DOCKER_MEMORY"):
        db.parse_memory("lots")


def test_limits_from_environment(monkeypatch):
    monkeypatch.setenv("ARH_DOCKER_CPUS", "1.5")
    monkeypatch.setenv("ARH_DOCKER_MEMORY", "2g")
    b = db.DockerBackend()
    assert b.cpus == 1.5 and b.memory == "2g"


def test_oom_and_missing_interpreter_become_clear_errors(env):
    b = db.DockerBackend(memory="2g")
    v = env.variant("cpu")
    with pytest.raises(ArhError, match="ARH_DOCKER_MEMORY=4g"):
        b._check_exit(137, {"OOMKilled": True}, ["python3.11"], env, v)
    with pytest.raises(ArhError, match="host ran out of memory"):
        db.DockerBackend()._check_exit(137, {"OOMKilled": True}, ["python3.11"], env, v)
    with pytest.raises(ArhError, match="arh env build demo --variant cpu"):
        b._check_exit(127, {}, ["python3.11"], env, v)
    assert b._check_exit(1, {"OOMKilled": False}, ["python3.11"], env, v) == 1
    assert b._check_exit(0, {}, ["python3.11"], env, v) == 0


def test_gpu_start_error_names_the_toolkit(env):
    msg = db.DockerBackend()._explain_start_error(
        Exception('could not select device driver "" with capabilities: [[gpu]]'), env, env.variant("gpu"))
    assert "nvidia-container-toolkit" in msg and "--device cpu" in msg


def test_image_tag_follows_inputs(env):
    v = env.variant("cpu")
    tag = db.image_tag(env, v)
    assert tag.startswith("arh/demo:cpu-") and tag == db.image_tag(env, v)
    (env.path / "cpu.lock").write_text("numpy==2.4.5\n")
    assert db.image_tag(env, v) != tag
    assert db.image_tag(env, env.variant("gpu")) != db.image_tag(env, v)


def test_labels_carry_provenance(env):
    labels = db.image_labels(env, env.variant("cpu"), "arh-base/debian:bookworm")
    assert labels["org.arh.manifest-hash"] == env.manifest_hash()
    assert labels["org.arh.lock-hash"] == env.lock_hash("cpu")
    assert labels["org.arh.upstream.commit"] == "abc123"
    assert labels["org.arh.base-image"] == "arh-base/debian:bookworm"
    assert labels["org.arh.git-revision"]


def test_dockerfile_choice(env):
    assert db.select_dockerfile(env, env.variant("cpu")).name == "Dockerfile"
    (env.path / "Dockerfile.gpu").write_text("FROM x\n")
    assert db.select_dockerfile(env, env.variant("gpu")).name == "Dockerfile.gpu"


def test_context_holds_ca_certs_but_repo_does_not(env, tmp_path, monkeypatch):
    cert_dir = tmp_path / "certs"
    cert_dir.mkdir()
    (cert_dir / "proxy.crt").write_text("-----BEGIN CERTIFICATE-----\n")
    (cert_dir / "notes.txt").write_text("not a cert")
    single = tmp_path / "other.pem"
    single.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("ARH_CA_CERTS", f"{cert_dir}:{single}")
    certs = db.collect_ca_certs([])
    assert [c.name for c in certs] == ["proxy.crt", "other.pem"]
    ctx = tmp_path / "ctx"
    name = db.assemble_context(env, env.variant("cpu"), certs, ctx)
    assert name == "Dockerfile"
    assert sorted(p.name for p in (ctx / "arh-ca").iterdir()) == ["00-proxy.crt", "01-other.crt"]
    assert (ctx / "cpu.lock").exists()
    assert not (env.path / "arh-ca").exists()
    monkeypatch.setenv("ARH_CA_CERTS", str(tmp_path / "missing.crt"))
    with pytest.raises(ArhError, match="does not exist"):
        db.collect_ca_certs([])


def test_build_failure_hints():
    assert "--ca-cert" in db.explain_build_failure("SSLError(SSLCertVerificationError(1, '[SSL: "
                                                   "CERTIFICATE_VERIFY_FAILED] certificate verify failed", "x")
    hint = db.explain_build_failure("#3 ERROR: failed to resolve source metadata for docker.io/library/ubuntu:18.04"
                                    ": dial tcp: lookup registry-1.docker.io: no such host\nFROM", "ubuntu:18.04")
    assert "--offline-base" in hint
    hint = db.explain_build_failure("#10 104.3 astunparse 1.6.3 requires wheel, which is not installed.", "x")
    assert "pin wheel in the variant's lock file" in hint
    assert db.explain_build_failure("all fine", "x") == ""


def test_build_args_carry_index_and_proxy(env, monkeypatch):
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy:3128")
    args = db.build_args(env.variant("cpu"), "arh-base/debian:bookworm")
    assert args["PIP_INDEX_URL"] == "https://pypi.org/simple"
    assert args["HTTPS_PROXY"] == "http://proxy:3128"
    assert args["LOCK_FILE"] == "cpu.lock" and args["BASE_IMAGE"] == "arh-base/debian:bookworm"


def test_container_environment(monkeypatch):
    monkeypatch.setenv("ARH_QUIET", "1")
    monkeypatch.setenv("ARH_HOME", "/host/only")
    e = db.DockerBackend().container_env(ExecRequest(env={"X": "1"}))
    assert e["PYTHONPATH"] == db.CONTAINER_SRC and e["X"] == "1" and e["ARH_QUIET"] == "1"
    assert "ARH_HOME" not in e


def test_builder_override(monkeypatch):
    monkeypatch.setenv("ARH_DOCKER_BUILDER", "sdk")
    assert db.find_build_tool().kind == "sdk"


def test_engine_errors_say_how_to_start():
    msg = db.explain_engine_error(ConnectionRefusedError(111, "Connection refused"))
    assert "dockerd" in msg and "apt-get install -y docker.io" in msg
    assert os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock") in msg
