"""tf.app.flags with TF 0.12 (argparse) semantics; absl's reading of ``--flag False`` without the remedy."""

from __future__ import annotations

import itertools

import pytest

from adapters import tfcompat

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tf

_names = itertools.count()

# In-process runs keep TF 2 behaviour for the rest of the session (see conftest).
KEEP_TF2 = ["v1_behavior"]

FLAGS_SRC = """
import tensorflow as tf
flags = tf.app.flags
flags.DEFINE_boolean("{b}", True, "a boolean")
flags.DEFINE_integer("{i}", 3, "an integer")
flags.DEFINE_string("{s}", "x", "a string")
FLAGS = flags.FLAGS
seen = {{}}
def main(argv):
    seen['b'] = FLAGS.{b}
    seen['i'] = FLAGS.{i}
    seen['s'] = FLAGS.{s}
    seen['argv'] = list(argv)
    return 0
def run(argv):
    try:
        tf.app.run(main=main, argv=argv)
    except SystemExit as e:
        seen['exit'] = e.code
    return seen
"""


def _src():
    n = next(_names)
    return FLAGS_SRC.format(b=f"flag_b{n}", i=f"flag_i{n}", s=f"flag_s{n}"), n


@pytest.mark.parametrize(
    "value, expected",
    [(["False"], False), (["false"], False), (["0"], False), (["True"], True), ([], True)],
)
def test_boolean_flag_with_separate_value(legacy, value, expected):
    src, n = _src()
    seen = legacy.run(src, disable=KEEP_TF2, args=(["prog", f"--flag_b{n}"] + value + [f"--flag_i{n}", "5"],))
    assert seen["b"] is expected
    assert seen["i"] == 5 and seen["s"] == "x" and seen["exit"] == 0
    assert seen["argv"] == ["prog"]


def test_negated_and_equals_forms_and_unknown_args_pass_through(legacy):
    src, n = _src()
    seen = legacy.run(src, disable=KEEP_TF2, args=(["prog", f"--noflag_b{n}", "--other", "1"],))
    assert seen["b"] is False and seen["argv"] == ["prog", "--other", "1"]
    src, n = _src()
    seen = legacy.run(src, disable=KEEP_TF2, args=(["prog", f"--flag_b{n}=false"],))
    assert seen["b"] is False


def test_flags_dict_is_exposed_like_tf012(legacy):
    src = """
    import tensorflow as tf
    tf.app.flags.DEFINE_integer("epochs_x", 2, "epochs")
    FLAGS = tf.app.flags.FLAGS
    def run():
        FLAGS._parse_flags([])
        return dict(FLAGS.__flags)
    """
    assert legacy.run(src, disable=KEEP_TF2) == {"epochs_x": 2}


def test_absl_flags_read_false_as_true_without_the_remedy(legacy):
    src, n = _src()
    argv = ["prog", f"--flag_b{n}", "False"]
    seen = legacy.run(src, disable=KEEP_TF2 + ["flags_argparse"], args=(argv,))
    assert seen["b"] is True  # the silent change the remedy prevents
    src, n = _src()
    seen = legacy.run(src, disable=KEEP_TF2, args=(["prog", f"--flag_b{n}", "False"],))
    assert seen["b"] is False
    assert tfcompat.audit()["remedies"]["flags_argparse"]["applied"] == 1
