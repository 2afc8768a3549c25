"""TF graph-mode scenarios run in ONE subprocess (graph mode is process-wide).

``python graph_scenarios.py OUT.json`` runs every scenario with its remedy on
and (when it has one) off, each in a fresh legacy module and a fresh default
graph, and writes ``{name: {"on": result, "off": result}}`` where a result is
``{"value": ...}`` or ``{"error": "Type: message"}``. It ends with a check that
the real ``tensorflow`` module was left untouched.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import textwrap

# name -> (remedy switched off for the "off" run, or None; legacy source with run(tmpdir))
SCENARIOS = {
    "renamed_apis": ("tf_renamed_apis", """
        import tensorflow as tf
        def run(tmpdir):
            x = tf.sub(tf.constant(5), tf.constant(3))
            y = tf.mul(x, 2)
            p = tf.pack([x, tf.neg(y)])
            s = tf.select(tf.constant([True, False]), p, tf.pack(tf.unpack(p)[::-1]))
            tf.scalar_summary('x', tf.cast(x, tf.float32))
            tf.histogram_summary('p', p)
            merged = tf.merge_all_summaries()
            with tf.Session() as sess:
                sess.run(tf.initialize_all_variables())
                writer = tf.train.SummaryWriter(tmpdir, sess.graph)
                writer.add_summary(sess.run(merged), 0)
                writer.close()
                return sess.run(s).tolist()
        """),
    "concat_old_order": ("concat_old_order", """
        import tensorflow as tf
        def run(tmpdir):
            a = tf.constant([[1], [2]])
            b = tf.constant([[3], [4]])
            with tf.Session() as sess:
                return [sess.run(tf.concat(1, [a, b])).tolist(),
                        sess.run(tf.concat(concat_dim=0, values=[a, b])).tolist(),
                        sess.run(tf.concat([a, b], 1)).tolist()]
        """),
    "split_old_order": ("split_old_order", """
        import tensorflow as tf
        def run(tmpdir):
            x = tf.constant([[1, 2, 3, 4]])
            with tf.Session() as sess:
                return [sess.run(tf.split(split_dim=1, num_split=2, value=x))[1].tolist(),
                        sess.run(tf.split(1, 2, x))[0].tolist(),
                        sess.run(tf.split(x, 2, 1))[0].tolist()]
        """),
    "reverse_dims_mask": ("reverse_dims_mask", """
        import tensorflow as tf
        def run(tmpdir):
            x = tf.constant([[1, 2], [3, 4]])
            with tf.Session() as sess:
                return sess.run(tf.reverse(x, [False, True])).tolist()
        """),
    "xent_positional": ("xent_positional", """
        import tensorflow as tf
        def run(tmpdir):
            logits = tf.constant([2.0, -1.0])
            targets = tf.constant([1.0, 0.0])
            with tf.Session() as sess:
                return [round(float(v), 6) for v in
                        sess.run(tf.nn.sigmoid_cross_entropy_with_logits(logits, targets))]
        """),
    "old_div_tensors": ("old_div", """
        import tensorflow as tf
        def run(tmpdir):
            with tf.Session() as sess:
                return [sess.run(tf.constant(9) / 2).item(), sess.run(tf.constant(-7) / tf.constant(2)).item(),
                        sess.run(tf.constant(9.0) / 2).item()]
        """),
    "contrib_layers": ("contrib_layers", """
        import numpy as np
        import tensorflow as tf
        from tensorflow.contrib.layers import batch_norm, fully_connected, flatten
        from tensorflow.contrib.layers import xavier_initializer, l2_regularizer
        def run(tmpdir):
            x = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
            with tf.variable_scope('net'):
                h = batch_norm(x, updates_collections=None)
                h2 = batch_norm(x, scale=True, scope='bn2')
                f = fully_connected(flatten(h), 64, weights_regularizer=l2_regularizer(0.1))
            w_big = tf.get_variable('w_big', [200, 300], initializer=xavier_initializer())
            names = sorted(v.op.name for v in tf.global_variables())
            trainable = sorted(v.op.name for v in tf.trainable_variables())
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                out = sess.run(h)
                mm = sess.run('net/BatchNorm/moving_mean:0')
                w = sess.run(w_big)
                reg = len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
            data = np.arange(24, dtype=np.float32).reshape(-1, 4)
            expect = (data - data.mean(0)) / np.sqrt(data.var(0) + 0.001)
            limit = np.sqrt(6.0 / 500)
            return {'names': names, 'trainable': trainable,
                    'bn_ok': bool(np.allclose(out.reshape(-1, 4), expect, atol=1e-4)),
                    'moving_mean_ok': bool(np.allclose(mm, 0.001 * data.mean(0), atol=1e-5)),
                    'xavier_uniform_ok': bool(abs(w).max() <= limit and abs(w).max() > 0.99 * limit),
                    'regularizers': reg, 'f_shape': f.get_shape().as_list()}
        """),
    "optimizer_slot_reuse": ("optimizer_slot_reuse", """
        import tensorflow as tf
        def run(tmpdir):
            with tf.variable_scope('g_model'):
                w = tf.get_variable('w', [2], initializer=tf.constant_initializer(1.0))
            loss = tf.reduce_sum(tf.square(w))
            opt = tf.train.RMSPropOptimizer(0.1)
            grads = opt.compute_gradients(loss, var_list=[w])
            tf.get_variable_scope().reuse_variables()
            step = opt.apply_gradients(grads)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                sess.run(step)
            return sorted(v.op.name for v in tf.global_variables())
        """),
    "queue_runner_pipeline": (None, """
        import numpy as np
        import os
        import tensorflow as tf
        def run(tmpdir):
            path = os.path.join(tmpdir, 'q.tfrecords')
            writer = tf.python_io.TFRecordWriter(path)
            for i in xrange(5):
                raw = (np.arange(8, dtype=np.int32) + i).tostring()
                ex = tf.train.Example(features=tf.train.Features(feature={
                    'wav_raw': tf.train.Feature(bytes_list=tf.train.BytesList(value=[raw]))}))
                writer.write(ex.SerializeToString())
            writer.close()
            queue = tf.train.string_input_producer([path])
            reader = tf.TFRecordReader()
            _, serialized = reader.read(queue)
            feats = tf.parse_single_example(serialized, features={'wav_raw': tf.FixedLenFeature([], tf.string)})
            wave = tf.decode_raw(feats['wav_raw'], tf.int32)
            wave.set_shape(8)
            batch = tf.train.shuffle_batch([wave], batch_size=2, num_threads=2, capacity=20,
                                           min_after_dequeue=3)
            sums = []
            with tf.Session() as sess:
                coord = tf.train.Coordinator()
                threads = tf.train.start_queue_runners(sess=sess, coord=coord)
                for _ in xrange(4):
                    b = sess.run(batch)
                    sums.append(list(b.shape))
                coord.request_stop()
                coord.join(threads)
            n = sum(1 for _ in tf.python_io.tf_record_iterator(path))
            return {'shapes': sums, 'records': n}
        """),
    "facade_routing": (None, """
        import tensorflow as tf
        from tensorflow.python.client import device_lib
        def run(tmpdir):
            out = {'devices': len(device_lib.list_local_devices()) >= 1,
                   'graph_mode': not tf.executing_eagerly(),
                   'version': tf.__version__ == __import__('sys').modules['tensorflow'].__version__}
            try:
                import tensorflow.contrib.slim as slim
                out['slim'] = 'imported'
            except ImportError as e:
                out['slim'] = 'tfcompat' in str(e)
            return out
        """),
}


def _run_one(root, name, source, disable, tmpdir):
    import tensorflow as tf

    from adapters import tfcompat

    mod_name = "scn_{}_{}".format(name, "off" if disable else "on")
    with open(os.path.join(root, mod_name + ".py"), "w") as fh:
        fh.write(textwrap.dedent(source))
    tf.compat.v1.reset_default_graph()
    tfcompat.activate([root], disable=disable)
    try:
        module = importlib.import_module(mod_name)
        return {"value": module.run(tmpdir)}
    except Exception as exc:  # noqa: BLE001 - the test compares the error
        return {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
    finally:
        tfcompat.deactivate()


def _untouched():
    """Check that the real tensorflow module and tf.compat.v1 were not modified."""
    import inspect

    import tensorflow as tf

    from adapters.tfcompat.optimizer_slots import SlotReuseMixin

    v1 = tf.compat.v1
    return {
        "no_legacy_names": not any(hasattr(tf, n) for n in ("sub", "mul", "pack", "contrib", "app")),
        "v1_no_legacy_names": not any(hasattr(v1, n) for n in ("sub", "mul", "pack", "scalar_summary", "contrib")),
        "concat_signature": list(inspect.signature(v1.concat).parameters)[:2] == ["values", "axis"],
        "optimizer_unpatched": not issubclass(v1.train.RMSPropOptimizer, SlotReuseMixin),
        "flags_unpatched": "tfcompat" not in getattr(v1.app.run, "__module__", ""),
        "sys_modules_real": type(sys.modules["tensorflow"]).__name__ != "FacadeModule",
    }


def main(out_path):
    results = {}
    with tempfile.TemporaryDirectory() as root, tempfile.TemporaryDirectory() as tmpdir:
        for name, (remedy, source) in SCENARIOS.items():
            results[name] = {"on": _run_one(root, name, source, [], tmpdir)}
            if remedy is not None:
                results[name]["off"] = _run_one(root, name, source, [remedy], tmpdir)
    from adapters import tfcompat

    results["_untouched"] = _untouched()
    results["_audit"] = tfcompat.audit()
    with open(out_path, "w") as fh:
        json.dump(results, fh, indent=1, default=repr)


if __name__ == "__main__":
    main(sys.argv[1])
