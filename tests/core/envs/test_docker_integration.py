"""End to end with a real Docker engine: offline bases, image builds, jobs in containers.

Skipped (with the reason) when no engine answers; ``.ci/docker-setup.sh`` starts one in CI.
First run builds what is missing (Ubuntu 18.04 base ~1 min, Debian bookworm base ~3 min,
segan-tf exact ~2 min, numpy ~1 min on a 2-core machine); later runs reuse the images.
Building the torch image is opt-in (ARH_TEST_TORCH_IMAGE=1): its CUDA wheels are several GB.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from core.envs.backend import ExecRequest
from core.envs.manifest import environments_root, load_environment
from core.errors import ArhError

pytestmark = pytest.mark.docker

TF012_PROGRAM = """\
import json, sys
import tensorflow as tf
a = tf.constant([[1., 2.], [3., 4.]])
b = tf.constant([[5., 6.], [7., 8.]])
c = tf.concat(0, [a, tf.mul(a, b)])          # TF 0.12 argument order: dim first
with tf.Session() as sess:
    out = sess.run(c)
print json.dumps({"tf": tf.__version__, "py": list(sys.version_info[:2]), "div": 9 / 2, "out": out.tolist()})
"""


@pytest.fixture(scope="module")
def engine():
    pytest.importorskip("docker", reason="Docker SDK not installed (pip install 'arh[docker]')")
    from core.envs.docker_backend import docker_client

    try:
        return docker_client(timeout=600)
    except ArhError as e:
        pytest.skip(f"no Docker engine: {e}")


def ca_certs() -> list[str]:
    """Proxy CAs of this host, so pip works behind TLS inspection (ARH_CA_CERTS is read anyway)."""
    local = Path("/usr/local/share/ca-certificates")
    return [str(local)] if not os.environ.get("ARH_CA_CERTS") and any(local.glob("*.crt")) else []


def need_base(engine, suite: str) -> None:
    from core.envs.base_image import (
        base_tag,
        build_base,
        fetch_ubuntu_keyring,
        find_keyring,
        parse_suite,
    )

    try:
        engine.images.get(base_tag(suite))
        return
    except Exception:  # docker.errors.ImageNotFound
        pass
    if os.geteuid() != 0 or not shutil.which("debootstrap"):
        pytest.skip(f"offline base {base_tag(suite)} missing and cannot be built here (needs root and debootstrap)")
    s = parse_suite(suite)
    try:
        find_keyring(s.distro)
    except ArhError:
        if s.distro != "ubuntu":
            raise
        fetch_ubuntu_keyring(s)
    build_base(suite, quiet=True)


def need_image(engine, env_name: str, variant: str):
    from core.envs.docker_backend import build_image, find_image

    if not (environments_root() / env_name / "environment.toml").exists():
        pytest.skip(f"environments/{env_name}/environment.toml does not exist yet")
    env = load_environment(env_name)
    if variant not in env.variants:
        pytest.skip(f"environments/{env_name} has no variant {variant!r} yet")
    v = env.variant(variant)
    if find_image(engine, env, v) is None:
        if v.distro:
            need_base(engine, v.distro)
        try:
            build_image(env, v, offline_base=bool(v.distro), ca_certs=ca_certs(), quiet=True)
        except ArhError as e:
            if "lock file" in str(e) and "does not exist" in str(e):
                pytest.skip(str(e))
            raise
    return env, v


def test_tf012_graph_runs_under_python27(engine, tmp_path):
    from core.envs.docker_backend import DockerBackend

    env, v = need_image(engine, "segan-tf", "exact")
    (tmp_path / "prog.py").write_text(TF012_PROGRAM)
    log = tmp_path / "out.log"
    backend = DockerBackend()
    prov = backend.prepare(env, v, quiet=True)
    assert prov["image_id"].startswith("sha256:")
    assert prov["labels"]["org.arh.lock-hash"] == env.lock_hash("exact")
    code = backend.exec(["python", str(tmp_path / "prog.py")], env, v,
                        ExecRequest(read_only=[str(tmp_path / "prog.py")], read_write=[], log_path=str(log),
                                    quiet=True))
    assert code == 0, log.read_text()
    result = json.loads(log.read_text().strip().splitlines()[-1])
    assert result == {"tf": "0.12.1", "py": [2, 7], "div": 4,
                      "out": [[1.0, 2.0], [3.0, 4.0], [5.0, 12.0], [21.0, 32.0]]}


def test_container_is_isolated(engine, tmp_path):
    """No network, read-only inputs, invoking uid; exit codes pass through."""
    from core.envs.docker_backend import DockerBackend

    env, v = need_image(engine, "segan-tf", "exact")
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    (data / "in.txt").write_text("x")
    script = tmp_path / "probe.py"
    script.write_text(
        "import os, socket, sys\n"
        "try:\n    open(sys.argv[1] + '/in.txt', 'a'); ro = 0\nexcept IOError:\n    ro = 1\n"
        "try:\n    socket.create_connection(('pypi.org', 443), 3); net = 1\nexcept Exception:\n    net = 0\n"
        "open(sys.argv[2] + '/probe.txt', 'w').write('%d %d %d' % (ro, net, os.getuid()))\n"
        "sys.exit(3)\n")
    code = DockerBackend().exec(["python", str(script), str(data), str(out)], env, v,
                                ExecRequest(read_only=[str(data), str(script)], read_write=[str(out)], quiet=True))
    assert code == 3
    ro, net, uid = (out / "probe.txt").read_text().split()
    assert (ro, net, int(uid)) == ("1", "0", os.getuid())


def _tiny_dataset(root: Path) -> Path:
    from core.audio_io import write_wav
    from core.datasets.manifest import ManifestItem, write_manifest
    from core.hashing import rng_for

    items = []
    for i in range(3):
        item_id = f"utt{i}"
        x = rng_for(0, item_id, "test").standard_normal(1600 + 37 * i).astype(np.float32) * 0.1
        for kind in ("clean", "degraded"):
            write_wav(root / kind / f"{item_id}.wav", x, 16000)
        items.append(ManifestItem(id=item_id, split="test", clean=f"clean/{item_id}.wav",
                                  degraded=f"degraded/{item_id}.wav", sample_rate=16000, num_samples=len(x)))
    write_manifest(root / "manifest.jsonl", items)
    return root


def test_identity_restore_matches_local_bitwise(engine, tmp_path):
    from core.adapter import adapter_table
    from core.envs.docker_backend import DockerBackend
    from core.envs.local import LocalBackend
    from core.job import Job

    if "identity" not in adapter_table():
        pytest.skip("the identity adapter is not registered yet (adapters/__init__.py ADAPTERS)")
    env, v = need_image(engine, "numpy", "cpu")
    dataset = _tiny_dataset(tmp_path / "dataset")
    outputs = {}
    for name, backend in (("local", LocalBackend()), ("docker", DockerBackend())):
        run_dir = tmp_path / name
        job = Job(adapter="identity", action="restore", dataset=str(dataset), split="test",
                  output_dir=str(run_dir / "outputs"), run_dir=str(run_dir))
        job_path = job.save(run_dir / "jobs" / "restore.json")
        req = ExecRequest(read_only=[str(dataset)], read_write=[str(run_dir)], quiet=True,
                          log_path=str(tmp_path / f"{name}.log"))
        code = backend.run_job(job_path, env, v, req)
        assert code == 0, (tmp_path / f"{name}.log").read_text()
        outputs[name] = {p.name: p.read_bytes() for p in sorted((run_dir / "outputs").glob("*.wav"))}
    assert len(outputs["local"]) == 3
    assert outputs["docker"] == outputs["local"]


def test_memory_limit_kill_names_the_limit(engine, tmp_path):
    from core.envs.docker_backend import DockerBackend

    env, v = need_image(engine, "numpy", "cpu")
    grab = "import numpy as np; x = np.ones(400 * 2**20, dtype=np.uint8); print(int(x.sum()))"
    with pytest.raises(ArhError, match="ARH_DOCKER_MEMORY=1g"):
        DockerBackend(memory="64m").exec(["python", "-c", grab], env, v, ExecRequest(quiet=True))


@pytest.mark.skipif(os.environ.get("ARH_TEST_TORCH_IMAGE") != "1",
                    reason="torch image build is opt-in (ARH_TEST_TORCH_IMAGE=1): several GB of CUDA wheels")
def test_torch_cpu_image_imports_torch(engine, tmp_path):
    from core.envs.docker_backend import DockerBackend

    env, v = need_image(engine, "torch", "cpu")
    log = tmp_path / "torch.log"
    code = DockerBackend().exec(["python", "-c", "import torch; print(torch.__version__, torch.ones(2).sum().item())"],
                                env, v, ExecRequest(quiet=True, log_path=str(log)))
    assert code == 0, log.read_text()
    assert log.read_text().split()[-1] == "2.0"


@pytest.mark.skipif(os.environ.get("ARH_TEST_TORCH_IMAGE") != "1",
                    reason="torch image build is opt-in (ARH_TEST_TORCH_IMAGE=1): several GB of CUDA wheels")
def test_segan_pt_restore_docker_matches_local(engine, tmp_path):
    """The same segan-pt checkpoint restores the same files through `local` and `docker` (<= 1e-5 on CPU)."""
    pytest.importorskip("torch")
    from core.audio_io import read_audio
    from core.runner.run import RunSpec, run
    from tests.core.runner.conftest import make_dataset

    need_image(engine, "torch", "cpu")
    ds = make_dataset(tmp_path / "ds", n=6, seconds=1.0)
    common = dict(adapter="segan-pt", dataset=str(ds), config="tiny", metrics=("snr",), quiet=True, device="cpu")
    run(RunSpec(out=str(tmp_path / "trained"), backend="local", **common))
    ckpt = str(tmp_path / "trained" / "checkpoint")
    for name in ("local", "docker"):
        run(RunSpec(out=str(tmp_path / name), backend=name, checkpoint=ckpt, **common))
    files = sorted((tmp_path / "local" / "outputs").rglob("*.wav"))
    assert len(files) == 3
    for f in files:
        a, _ = read_audio(f)
        b, _ = read_audio(tmp_path / "docker" / "outputs" / f.relative_to(tmp_path / "local" / "outputs"))
        assert np.max(np.abs(a - b)) <= 1e-5
