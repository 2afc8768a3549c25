"""Every variable of a TensorFlow checkpoint as numpy arrays, read in a TensorFlow interpreter.

Two halves, in one Python 2/3 compatible file (no framework import at module level):

- script, run inside an interpreter that has TensorFlow (Python 2.7 + TF 0.12.1,
  or Python 3 + TF 1.x/2.x)::

      python tf_vars.py CHECKPOINT_PREFIX OUT.npz [--skip REGEX]

  writes ``OUT.npz`` with one array per variable, keyed by the variable name
  (``/`` kept, no ``:0``), each array in its checkpoint dtype and shape;
- host side: :func:`load_tf_checkpoint_vars` runs that script in a given
  interpreter (a subprocess) and returns ``{name: ndarray}``.

The checkpoint is read with ``NewCheckpointReader`` (``tf.train`` in TF 0.12,
``tf.compat.v1.train`` in TF 1.x/2.x), so no graph is built and nothing of the
model's code is imported.
"""
# ruff: noqa: UP010, UP032
# (runs under Python 2.7 too: no f-strings, no "raise ... from")
from __future__ import print_function

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

# Optimizer slot variables (``.../RMSProp``, ``.../RMSProp_1``, Adam's ``.../Adam_1``, ...): two thirds
# of an upstream SEGAN checkpoint, never needed to run the model.
OPTIMIZER_SLOTS = r"/(RMSProp|Adam|Momentum|Adagrad)(_\d+)?$|^beta\d_power(_\d+)?$"


# -- script side (inside the TensorFlow interpreter) --------------------------------------------
def _checkpoint_reader(prefix):
    import tensorflow as tf

    v1 = getattr(getattr(tf, "compat", None), "v1", None)
    train = v1.train if v1 is not None and hasattr(v1.train, "NewCheckpointReader") else tf.train
    return train.NewCheckpointReader(prefix), tf.__version__


def dump_checkpoint(prefix, out_path, skip=None):
    """Write the variables of checkpoint ``prefix`` (names not matching ``skip``) to ``out_path`` (.npz).

    Arrays are written one at a time into an uncompressed zip (the .npz layout),
    so memory holds at most one variable. Returns the number written.
    """
    import numpy as np

    reader, version = _checkpoint_reader(prefix)
    names = sorted(reader.get_variable_to_shape_map())
    pattern = re.compile(skip) if skip else None
    tmp = out_path + ".part"
    count = 0
    zf = zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True)
    try:
        for name in names:
            if pattern is not None and pattern.search(name):
                continue
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(reader.get_tensor(name)))
            zf.writestr(name + ".npy", buf.getvalue())
            count += 1
        zf.writestr("__arh_tf_vars__.json", json.dumps({"tensorflow": version, "prefix": prefix, "count": count,
                                                       "skipped": len(names) - count}))
    finally:
        zf.close()
    os.rename(tmp, out_path)
    return count


def _script_main(argv=None):
    ap = argparse.ArgumentParser(description="dump a TensorFlow checkpoint's variables to an .npz")
    ap.add_argument("prefix", help="checkpoint prefix, e.g. DIR/SEGAN-4 (the files are PREFIX.index, PREFIX.data-*)")
    ap.add_argument("out", help="output .npz")
    ap.add_argument("--skip", default=None, help="regular expression: variables whose name matches are left out")
    args = ap.parse_args(argv)
    n = dump_checkpoint(args.prefix, args.out, args.skip)
    print("ARH-TF-VARS {} variables -> {}".format(n, args.out))
    return 0


# -- host side ----------------------------------------------------------------------------------
def resolve_checkpoint_prefix(path):
    """A checkpoint prefix from a prefix or a folder (segan-tf ``arh_segan.json``, else TF's ``checkpoint`` file).

    TF's ``checkpoint`` index stores absolute paths; only its base name is used,
    so a moved folder still resolves.
    """
    from core.errors import ArhError

    path = os.path.abspath(str(path))
    if os.path.isdir(path):
        meta, index = os.path.join(path, "arh_segan.json"), os.path.join(path, "checkpoint")
        name = None
        if os.path.exists(meta):
            with open(meta) as f:
                name = json.load(f).get("weights")
        if not name and os.path.exists(index):
            with open(index) as f:
                m = re.search(r'^model_checkpoint_path:\s*"([^"]+)"', f.read(), re.M)
            name = os.path.basename(m.group(1)) if m else None
        if not name:
            raise ArhError("{} holds no arh_segan.json and no readable TF 'checkpoint' file; pass the "
                           "checkpoint prefix itself (e.g. {}/SEGAN-1000)".format(path, path))
        path = os.path.join(path, name)
    if not (os.path.exists(path + ".index") or os.path.exists(path)):
        raise ArhError("no TensorFlow checkpoint at {} (expected {}.index and {}.data-*)".format(path, path, path))
    return path


def load_tf_checkpoint_vars(checkpoint_prefix, python=None, skip_optimizer=True, timeout=1800):
    """``{variable name: ndarray}`` of a TF checkpoint, read by ``python`` (an interpreter with TensorFlow).

    ``checkpoint_prefix``: a prefix (``DIR/SEGAN-4``) or a checkpoint folder.
    ``python``: path of the interpreter (default: this one), e.g. the exact
    stack's Python 2.7 + TF 0.12.1. ``skip_optimizer`` leaves out optimizer slots
    (:data:`OPTIMIZER_SLOTS`). The arrays go through a temporary .npz that is
    deleted before returning.
    """
    import numpy as np

    from core.errors import ArhError

    prefix = resolve_checkpoint_prefix(checkpoint_prefix)
    python = python or sys.executable
    fd, out = tempfile.mkstemp(suffix=".npz", prefix="arh_tf_vars_")
    os.close(fd)
    os.unlink(out)  # the script creates it atomically
    cmd = [str(python), os.path.abspath(__file__), prefix, out]
    if skip_optimizer:
        cmd += ["--skip", OPTIMIZER_SLOTS]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)  # the script needs nothing of the harness; keep Python 2 away from its files
    try:
        proc, start_error = None, None
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        except OSError as e:
            start_error = str(e)
        if proc is None:
            raise ArhError("cannot start {} to read {}: {}; pass the path of a Python with TensorFlow".format(
                python, prefix, start_error))
        if proc.returncode != 0 or not os.path.exists(out):
            tail = (proc.stdout + proc.stderr).strip()[-2000:]
            raise ArhError("reading {} with {} failed (exit {}); does that interpreter import tensorflow?\n{}".format(
                prefix, python, proc.returncode, tail))
        with np.load(out) as z:
            return {k: z[k] for k in z.files if not k.startswith("__arh_tf_vars__")}
    finally:
        for p in (out, out + ".part"):
            if os.path.exists(p):
                os.unlink(p)


if __name__ == "__main__":
    sys.exit(_script_main())
