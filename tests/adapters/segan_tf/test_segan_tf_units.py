"""segan-tf pieces that need no TensorFlow: upstream verification, flag mapping, log parsing."""

from __future__ import annotations

import pytest

from adapters.segan_tf import upstream
from adapters.segan_tf.adapter import STEP_LINE, SeganTF, flat_name, latest_checkpoint
from adapters.segan_tf.flags import UPSTREAM_DEFAULTS, flag_values, to_argv
from core.errors import ArhError

from .conftest import make_fixture_repo


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """The fixture upstream as a clean git repo, pinned; returns (path, commit)."""
    path, commit = make_fixture_repo(tmp_path / "segan")
    monkeypatch.setattr(upstream, "pinned", lambda: ("https://example.invalid/segan", commit))
    return path, commit


def test_verify_accepts_a_clean_checkout_at_the_pinned_commit(repo):
    path, commit = repo
    assert upstream.verify(path) == {"path": str(path), "repo": "https://example.invalid/segan", "commit": commit,
                                     "clean": True}


def test_verify_rejects_a_folder_that_is_not_a_git_checkout(repo, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    for name in ("main.py", "model.py"):
        (plain / name).write_text((repo[0] / name).read_text())
    with pytest.raises(ArhError, match="not a git checkout") as e:
        upstream.verify(plain)
    assert "ARH_SEGAN_SRC" in str(e.value) and repo[1] in str(e.value)


def test_verify_rejects_a_folder_without_segan_files(repo, tmp_path):
    with pytest.raises(ArhError, match="does not look like the SEGAN source"):
        upstream.verify(tmp_path)


def test_verify_rejects_another_commit(repo, monkeypatch):
    path, commit = repo
    monkeypatch.setattr(upstream, "pinned", lambda: ("https://example.invalid/segan", "c88a08d" + "0" * 33))
    with pytest.raises(ArhError) as e:
        upstream.verify(path)
    msg = str(e.value)
    assert commit in msg and f"git -C {path} checkout c88a08d" in msg


@pytest.mark.parametrize("change", ["edit", "untracked"])
def test_verify_rejects_a_modified_tree(repo, change):
    path, _ = repo
    if change == "edit":
        with open(path / "model.py", "a") as f:
            f.write("\n# local change\n")
    else:
        (path / "model.pyc").write_bytes(b"\0")
    with pytest.raises(ArhError, match="local changes or untracked files") as e:
        upstream.verify(path)
    assert ("model.pyc" if change == "untracked" else "model.py") in str(e.value)
    assert "fresh checkout" in str(e.value)


def test_locate_reports_a_missing_folder(repo, monkeypatch, tmp_path):
    monkeypatch.setenv("ARH_SEGAN_SRC", str(tmp_path / "nowhere"))
    with pytest.raises(ArhError, match="does not exist"):
        upstream.locate()


def test_pinned_commit_is_the_one_the_adapter_documents():
    repo, commit = upstream.pinned()
    assert repo.endswith("santi-pdp/segan") and commit == "c88a08d3299fe6b3627550a4fdb036b179a6537a"


def test_flag_values_map_the_harness_config_onto_upstream_flags():
    cfg = SeganTF.config("tiny")
    values = flag_values(cfg, seed=5, save_path="/ck", e2e_dataset="/d.tfrecords")
    assert set(values) == set(UPSTREAM_DEFAULTS)
    assert values["epoch"] == 1 and values["batch_size"] == 2 and values["init_l1_weight"] == 100.0
    assert values["g_nl"] == "prelu" and values["bias_D_conv"] is True and values["init_noise_std"] == 0.0
    assert values["seed"] == 5 and values["save_path"] == "/ck" and values["e2e_dataset"] == "/d.tfrecords"
    assert values["z_dim"] == UPSTREAM_DEFAULTS["z_dim"]  # not mapped: upstream default
    assert flag_values(dict(cfg, seed=9), seed=5)["seed"] == 9


def test_to_argv_spells_booleans_as_upstream_scripts_do_and_drops_unset_flags():
    argv = to_argv({"bias_deconv": True, "bias_D_conv": False, "epoch": 3, "preemph": 0.95, "test_wav": None,
                    "weights": None, "save_path": "a b"})
    assert argv == ["--bias_D_conv", "False", "--bias_deconv", "True", "--epoch", "3", "--preemph", "0.95",
                    "--save_path", "a b"]


@pytest.mark.parametrize("line, expected", [
    ("12/300 (epoch 0), d_rl_loss = 0.98765, d_fk_loss = 0.01234, g_adv_loss = 1.50000, g_l1_loss = 12.34567, "
     "time/batch = 0.51234, mtime/batch = 0.60000", (12, 300, 0, 0.98765, 0.01234, 1.5, 12.34567, 0.51234)),
    ("0/1 (epoch 0), d_rl_loss = nan, d_fk_loss = inf, g_adv_loss = -0.00001, g_l1_loss = 1.00000e+03, "
     "time/batch = 1.2e-05, mtime/batch = 1.00000", (0, 1, 0, float("nan"), float("inf"), -1e-5, 1e3, 1.2e-5)),
])
def test_step_line_parses_upstream_progress_lines(line, expected):
    m = STEP_LINE.match(line)
    assert m is not None
    got = (int(m.group(1)), int(m.group(2)), int(m.group(3)), *(float(m.group(i)) for i in range(4, 9)))
    assert got[:3] == expected[:3]
    for a, b in zip(got[3:], expected[3:], strict=True):
        assert (a != a and b != b) or a == b


@pytest.mark.parametrize("line", [
    "0/1.5 (epoch 0), d_rl_loss = 1.00000, d_fk_loss = 1.00000, g_adv_loss = 1.00000, g_l1_loss = 1.00000, "
    "time/batch = 1.00000, mtime/batch = 1.00000",  # true division leaking into the total: not a step line
    "Batches per epoch:  1",
    "w0 max: 0.1 min: -0.1",
])
def test_step_line_ignores_other_output(line):
    assert STEP_LINE.match(line) is None


def test_latest_checkpoint_reads_the_index_file(tmp_path):
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "/x/y/SEGAN-86"\n'
                                         'all_model_checkpoint_paths: "/x/y/SEGAN-50"\n'
                                         'all_model_checkpoint_paths: "/x/y/SEGAN-86"\n')
    assert latest_checkpoint(tmp_path) == "SEGAN-86"


def test_latest_checkpoint_errors_name_the_folder(tmp_path):
    with pytest.raises(ArhError, match="no 'checkpoint' file"):
        latest_checkpoint(tmp_path)
    (tmp_path / "checkpoint").write_text("garbage\n")
    with pytest.raises(ArhError, match="cannot read the checkpoint name"):
        latest_checkpoint(tmp_path)


def test_flat_names_keep_ids_apart():
    assert flat_name("spk1/utt02") == "spk1__utt02.wav"
    assert flat_name("a/b") != flat_name("a_b")
