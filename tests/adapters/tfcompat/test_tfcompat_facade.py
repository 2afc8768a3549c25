"""The TensorFlow facade in this process (TF 2 behaviour kept: ``v1_behavior`` off, see conftest)."""

from __future__ import annotations

import pytest

tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tf

KEEP_TF2 = ["v1_behavior"]

SRC = """
import tensorflow as tf
import tensorflow.contrib.layers as layers
def run():
    return tf.sub is not None, layers.batch_norm.__module__, tf.app.run.__module__
"""


def test_legacy_import_gets_the_facade(legacy):
    ok, bn_module, run_module = legacy.run(SRC, disable=KEEP_TF2)
    assert ok and bn_module.endswith("tfcompat.contrib_layers") and run_module.endswith("tfcompat.tf_flags")


def test_without_the_facade_legacy_code_meets_tf2(legacy):
    with pytest.raises(ImportError):  # tensorflow.contrib does not exist in TF 2
        legacy.run(SRC, disable=KEEP_TF2 + ["tf_facade"])
    src = "import tensorflow as tf\ndef run():\n    return tf.sub\n"
    with pytest.raises(AttributeError):
        legacy.run(src, disable=KEEP_TF2 + ["tf_facade"])


def test_graph_mode_is_needed_for_placeholders(legacy):
    src = "import tensorflow as tf\ndef run():\n    return tf.placeholder(tf.float32, [2])\n"
    with pytest.raises(RuntimeError, match="eager"):
        legacy.run(src, disable=KEEP_TF2)  # with v1_behavior: graph_scenarios (subprocess)


def test_real_tensorflow_is_not_touched_in_process(legacy):
    legacy.run(SRC, disable=KEEP_TF2)
    assert not hasattr(tf, "sub") and not hasattr(tf.compat.v1, "sub")
    assert tf.executing_eagerly()
