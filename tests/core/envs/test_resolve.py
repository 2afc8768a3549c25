"""Variant resolution on recorded nvidia-smi outputs (H100/580, GTX 1080/390, A100/535, no GPU)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.envs.compat_table import arch_supported, load_compat, version_at_least, version_tuple
from core.envs.manifest import load_environment
from core.envs.resolve import (
    GPU_QUERY,
    GPU_QUERY_OLD,
    HostFacts,
    parse_gpu_csv,
    probe_gpus,
    resolve,
)
from core.errors import ArhError

FIXTURES = Path(__file__).parent / "fixtures"

# Environments shaped like environments/segan-tf and environments/torch (written here so the
# resolver is tested on fixed data, whatever the real manifests pin).
SEGAN_TF = """
name = "segan-tf"
default_variant = "tf2-compat"
[variants.exact]
python = "2.7"
framework = { tensorflow = "0.12.1" }
docker = true
[variants.exact-cuda8]
python = "2.7"
framework = { tensorflow-gpu = "0.12.1" }
docker = true
cuda = "8.0"
cudnn = "5.1"
[variants.tf1-nv]
python = "3.8"
framework = { nvidia-tensorflow = "1.15.5+nv23.3" }
docker = true
cuda = "12.1"
compat_layer = true
[variants.tf2-compat]
python = "3.11"
framework = { tensorflow = "2.21.0" }
compat_layer = true
[variants.tf2-compat-gpu]
python = "3.11"
framework = { tensorflow = "2.21.0" }
cuda = "12.5"
compat_layer = true
"""

TORCH = """
name = "torch"
default_variant = "cpu"
[variants.cpu]
python = "3.11"
framework = { torch = "2.11.0" }
[variants.cuda]
python = "3.11"
framework = { torch = "2.11.0" }
cuda = "13.0"
"""


@pytest.fixture
def envs(tmp_path):
    for name, text in (("segan-tf", SEGAN_TF), ("torch", TORCH)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "environment.toml").write_text(text)
    return lambda name: load_environment(name, root=tmp_path)


def recorded(name: str, rc: int = 0, fallback: str | None = None):
    """A fake command runner replaying a recorded nvidia-smi output."""
    def run(cmd):
        if cmd == GPU_QUERY:
            return rc, (FIXTURES / f"nvidia-smi_{name}.txt").read_text()
        if cmd == GPU_QUERY_OLD and fallback:
            return 0, (FIXTURES / f"nvidia-smi_{fallback}.txt").read_text()
        raise AssertionError(f"unexpected command {cmd}")
    return run


def facts(name: str | None, docker: bool = True, **kw) -> HostFacts:
    if name is None:
        return HostFacts([], docker, "no GPU")
    gpus, _ = probe_gpus(recorded(name, **kw))
    return HostFacts(gpus, docker)


def test_parse_recorded_outputs():
    h100 = parse_gpu_csv((FIXTURES / "nvidia-smi_h100_580.txt").read_text())
    assert [(g.name, g.driver, g.compute_cap) for g in h100] == [("NVIDIA H100 80GB HBM3", "580.65.06", "9.0")]
    a100 = parse_gpu_csv((FIXTURES / "nvidia-smi_a100_535.txt").read_text())
    assert len(a100) == 2 and a100[0].compute_cap == "8.0"


def test_old_driver_falls_back_to_name_table():
    gpus, note = probe_gpus(recorded("gtx1080_390", rc=2, fallback="gtx1080_390_name_driver"))
    assert note == ""
    assert (gpus[0].name, gpus[0].driver, gpus[0].compute_cap, gpus[0].cc_source) == \
        ("GeForce GTX 1080", "390.157", "6.1", "name table")


def test_no_driver_and_no_nvidia_smi():
    gpus, note = probe_gpus(recorded("no_gpu", rc=9))
    assert gpus == [] and "couldn't communicate" in note
    gpus, note = probe_gpus(lambda cmd: None)
    assert gpus == [] and note == "nvidia-smi not found"


def test_malformed_line_is_an_error():
    with pytest.raises(ArhError, match="unexpected nvidia-smi line"):
        parse_gpu_csv("just one field\n")


def test_h100_580_gets_an_nv_or_compat_variant(envs):
    res = resolve(envs("segan-tf"), facts("h100_580"))
    assert res.chosen == "tf1-nv"
    verdicts = {v.variant: v for v in res.verdicts}
    assert verdicts["tf2-compat-gpu"].fits
    assert not verdicts["exact-cuda8"].fits
    assert "9.0" in "; ".join(verdicts["exact-cuda8"].reasons)
    # without Docker the NGC image is out, the pip TF2 build remains
    assert resolve(envs("segan-tf"), facts("h100_580", docker=False)).chosen == "tf2-compat-gpu"


def test_gtx1080_390_gets_exact_on_cuda8(envs):
    res = resolve(envs("segan-tf"), facts("gtx1080_390", rc=2, fallback="gtx1080_390_name_driver"))
    assert res.chosen == "exact-cuda8"
    tf1 = next(v for v in res.verdicts if v.variant == "tf1-nv")
    assert not tf1.fits and "390.157" in "; ".join(tf1.reasons)


def test_a100_535(envs):
    assert resolve(envs("segan-tf"), facts("a100_535")).chosen == "tf1-nv"
    res = resolve(envs("torch"), facts("a100_535"))  # CUDA 13 needs a 580 driver
    assert res.chosen == "cpu"
    assert "no GPU variant fits" in res.why
    cuda = next(v for v in res.verdicts if v.variant == "cuda")
    assert "580.65.06" in "; ".join(cuda.reasons)
    assert resolve(envs("torch"), facts("h100_580")).chosen == "cuda"


def test_no_gpu_prefers_exact_with_docker_and_compat_without(envs):
    res = resolve(envs("segan-tf"), facts(None, docker=True))
    assert res.chosen == "exact"
    assert any("without Docker this would be tf2-compat" in n for n in res.notes)
    res = resolve(envs("segan-tf"), facts(None, docker=False))
    assert res.chosen == "tf2-compat"
    assert "needs Docker" in "; ".join(next(v for v in res.verdicts if v.variant == "exact").reasons)


def test_impossible_combination_lists_what_works(envs):
    with pytest.raises(ArhError) as e:
        resolve(envs("segan-tf"), facts("h100_580"), variant="exact-cuda8")
    msg = str(e.value)
    assert "fits here: exact, tf1-nv, tf2-compat, tf2-compat-gpu" in msg
    with pytest.raises(ArhError, match="no GPU variant of torch fits"):
        resolve(envs("torch"), facts(None), require_gpu=True)
    with pytest.raises(ArhError, match="did you mean|Did you mean"):
        resolve(envs("segan-tf"), facts(None), variant="exakt")


def test_explanation_is_readable(envs):
    text = resolve(envs("segan-tf"), facts("h100_580")).explain()
    assert text.startswith("segan-tf: tf1-nv")
    assert "NVIDIA H100 80GB HBM3 (compute 9.0), driver 580.65.06" in text


def test_version_and_arch_rules():
    assert version_at_least("535.183.01", "530.30.02") and not version_at_least("390.157", "530.30.02")
    assert version_tuple("580.65.06") == (580, 65, 6)
    assert arch_supported("9.0", ["6.0+"]) and not arch_supported("5.2", ["6.0+"])
    assert arch_supported("12.0", ["8.0", "12.0+"]) and not arch_supported("8.9", ["8.0", "9.0"])
    with pytest.raises(ArhError):
        version_tuple("latest")


def test_compat_table_is_complete_and_sourced():
    table = load_compat()
    for e in table.cuda + table.frameworks:
        assert e.source in table.sources
    assert table.min_driver("8.0").min_driver == "375.26"
    assert table.min_driver("12.1.0").min_driver == "530.30.02"
    assert table.framework("tensorflow-gpu", "0.12.1").cuda == "8.0"
    assert table.gpu_compute_capability("NVIDIA GeForce GTX 1080 Ti") == "6.1"
    assert table.gpu_compute_capability("NVIDIA A100-SXM4-80GB") == "8.0"
    assert table.gpu_compute_capability("NVIDIA A10G") is None  # no word-boundary match: unknown, not A10's 8.6
    with pytest.raises(ArhError, match="no \\[\\[cuda\\]\\] entry for CUDA 7.5"):
        table.min_driver("7.5")


def test_real_manifests_resolve_when_present():
    """The real environments/ manifests (written by their owners) resolve on the recorded hosts."""
    from core.envs.manifest import list_environments

    names = set(list_environments())
    if not {"segan-tf", "torch"} & names:
        pytest.skip("environments/segan-tf and environments/torch have no environment.toml yet")
    for name in {"segan-tf", "torch"} & names:
        env = load_environment(name)
        for f in (facts("h100_580"), facts("a100_535"), facts(None), facts(None, docker=False)):
            try:
                res = resolve(env, f)
            except ArhError as e:  # only acceptable when truly nothing fits
                assert "fits here: none" in str(e)
                continue
            assert res.chosen in env.variants
