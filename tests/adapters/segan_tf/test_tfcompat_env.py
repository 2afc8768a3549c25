"""The two tfcompat environment switches the segan-tf adapter relies on:
``ARH_TFCOMPAT_AUDIT`` (where ``python -m adapters.tfcompat`` writes its audit) and
``ARH_TFCOMPAT_GRAPH_SEED`` (graph-level seed of the legacy code's default graph)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from adapters.tfcompat.audit_log import ENV_AUDIT
from adapters.tfcompat.tf_facade import ENV_GRAPH_SEED, graph_seed_from_env

REPO = Path(__file__).resolve().parents[3]


def run_tfcompat(script: Path, cwd: Path, *options: str, **env_vars: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1")
    for k in ("ARH_TFCOMPAT_DISABLE", ENV_AUDIT, ENV_GRAPH_SEED):
        env.pop(k, None)
    env.update(env_vars)
    proc = subprocess.run([sys.executable, "-m", "adapters.tfcompat", *options, str(script)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_graph_seed_from_env_reads_an_integer_or_nothing():
    assert graph_seed_from_env({}) is None
    assert graph_seed_from_env({ENV_GRAPH_SEED: " "}) is None
    assert graph_seed_from_env({ENV_GRAPH_SEED: "42"}) == 42
    with pytest.raises(ValueError, match="ARH_TFCOMPAT_GRAPH_SEED must be an integer graph seed, got 'abc'"):
        graph_seed_from_env({ENV_GRAPH_SEED: "abc"})


def test_audit_goes_to_the_env_path_unless_audit_json_is_given(tmp_path):
    script = tmp_path / "legacy.py"
    script.write_text("print 'hello', 1\n")
    out = run_tfcompat(script, tmp_path, **{ENV_AUDIT: str(tmp_path / "env_audit.json")})
    assert out.stdout == "hello 1\n"
    audit = json.loads((tmp_path / "env_audit.json").read_text())
    assert audit["remedies"]["print_statement"]["rewritten"] == 1 and audit["graph_seed"] is None
    run_tfcompat(script, tmp_path, "--audit-json", str(tmp_path / "flag_audit.json"),
                 **{ENV_AUDIT: str(tmp_path / "env_audit2.json")})
    assert (tmp_path / "flag_audit.json").exists() and not (tmp_path / "env_audit2.json").exists()


@pytest.mark.tf
@pytest.mark.slow
def test_graph_seed_makes_unseeded_random_ops_repeat_across_processes(tmp_path):
    pytest.importorskip("tensorflow")
    script = tmp_path / "draw.py"
    script.write_text(textwrap.dedent("""\
        import tensorflow as tf
        a = tf.random_normal([4])
        z = tf.random_normal([3], name='z')
        with tf.Session() as sess:
            print sess.run(z).tolist(), sess.run(z).tolist()
        """))
    runs = [run_tfcompat(script, tmp_path, **{ENV_GRAPH_SEED: "5", ENV_AUDIT: str(tmp_path / f"a{i}.json")})
            for i in range(2)]
    assert runs[0].stdout == runs[1].stdout
    first, second = runs[0].stdout.strip().split("] [")
    assert first != second  # the op's state still advances from one run() to the next
    assert json.loads((tmp_path / "a0.json").read_text())["graph_seed"] == 5
