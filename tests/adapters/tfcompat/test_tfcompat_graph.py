"""TF graph-mode remedies (run together in one subprocess: graph mode is process-wide).

Each scenario runs with its remedy and without it; without it the error or the
wrong value must appear. The subprocess also checks that the real
``tensorflow`` module was left untouched.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tf

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("graph") / "results.json"
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("ARH_TFCOMPAT_DISABLE", None)
    proc = subprocess.run([sys.executable, str(HERE / "graph_scenarios.py"), str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text())


def _value(result):
    assert "value" in result, result
    return result["value"]


def test_renamed_apis(results):
    r = results["renamed_apis"]
    assert _value(r["on"]) == [2, 2]
    assert "has no attribute 'sub'" in r["off"]["error"]


def test_concat_old_order(results):
    r = results["concat_old_order"]
    assert _value(r["on"]) == [[[1, 3], [2, 4]], [[1], [2], [3], [4]], [[1, 3], [2, 4]]]
    assert "error" in r["off"]


def test_split_old_order(results):
    r = results["split_old_order"]
    assert _value(r["on"]) == [[[3, 4]], [[1, 2]], [[1, 2]]]
    assert "error" in r["off"]


def test_reverse_boolean_mask(results):
    r = results["reverse_dims_mask"]
    assert _value(r["on"]) == [[2, 1], [4, 3]]
    assert r["off"] != r["on"]  # TF 2 reads [False, True] as axes [0, 1]: silently wrong


def test_cross_entropy_positional_order(results):
    r = results["xent_positional"]

    def loss(x, z):
        return max(x, 0) - x * z + math.log1p(math.exp(-abs(x)))

    assert _value(r["on"]) == pytest.approx([loss(2.0, 1.0), loss(-1.0, 0.0)], abs=1e-5)
    assert _value(r["off"]) != pytest.approx(_value(r["on"]), abs=1e-3)  # silently swapped


def test_classic_division_of_integer_tensors(results):
    r = results["old_div_tensors"]
    assert _value(r["on"]) == [4, -4, 4.5]  # TF 1.x Tensor.__div__: floor for integers
    assert _value(r["off"]) == [4.5, -3.5, 4.5]


def test_contrib_layers_names_and_defaults(results):
    r = results["contrib_layers"]
    v = _value(r["on"])
    assert v["names"] == [
        "net/BatchNorm/beta", "net/BatchNorm/moving_mean", "net/BatchNorm/moving_variance",
        "net/bn2/beta", "net/bn2/gamma", "net/bn2/moving_mean", "net/bn2/moving_variance",
        "net/fully_connected/biases", "net/fully_connected/weights", "w_big",
    ]
    assert "net/BatchNorm/moving_mean" not in v["trainable"] and "net/bn2/gamma" in v["trainable"]
    assert v["bn_ok"] and v["moving_mean_ok"] and v["xavier_uniform_ok"]
    assert v["regularizers"] == 1 and v["f_shape"] == [2, 64]
    assert "tensorflow.contrib" in r["off"]["error"]


def test_optimizer_slots_under_reused_scope(results):
    r = results["optimizer_slot_reuse"]
    assert _value(r["on"]) == ["g_model/w", "g_model/w/RMSProp", "g_model/w/RMSProp_1"]
    assert "does not exist" in r["off"]["error"]


def test_queue_runner_input_pipeline(results):
    v = _value(results["queue_runner_pipeline"]["on"])
    assert v == {"shapes": [[2, 8]] * 4, "records": 5}


def test_facade_routing(results):
    assert _value(results["facade_routing"]["on"]) == {
        "devices": True, "graph_mode": True, "version": True, "slim": True}  # graph_mode: "v1_behavior"


def test_real_tensorflow_untouched(results):
    assert results["_untouched"] == {k: True for k in results["_untouched"]}


def test_audit_counts_ambiguous_decisions(results):
    remedies = results["_audit"]["remedies"]
    assert remedies["concat_old_order"]["applied"] == 2
    assert remedies["split_old_order"]["applied"] == 2
    assert remedies["concat_old_order"]["applied_at"][0].startswith("scn_concat_old_order_on.py:")
    assert remedies["optimizer_slot_reuse"]["applied"] == 1
    assert remedies["old_div"]["applied"] == 2  # the two integer divisions, not the float one
    json.dumps(results["_audit"])
