"""Restore many files with upstream SEGAN in one session (Python 2.7 and 3, TF 0.12 style).

Upstream's ``main.py --test_wav`` rebuilds the graph and reloads the weights
for every file. This driver imports upstream's ``SEGAN`` class, loads the
checkpoint once and cleans every listed file, reproducing ``main.py``'s input
scaling, pre-emphasis and output writing exactly. It is deliberately written
in the TF 0.12 idiom (``tf.Session``, placeholders) so that it runs natively
on the ``exact`` stack and through ``adapters.tfcompat`` on newer ones.

z (the generator's latent input) is drawn afresh by upstream at every run;
``--z zeros`` or ``--z seeded`` feed it explicitly (per file, seeded by the
file's position-independent name) so results are repeatable; ``--z upstream``
keeps upstream's behaviour.

Usage: python driver.py --src UPSTREAM --save_path CKPT_DIR --weights SEGAN-N
       --jobs LIST.json [--z upstream|zeros|seeded] [--flags FLAGS.json]
LIST.json: [[input_wav, output_wav, name], ...]
"""
from __future__ import print_function

import argparse
import json
import os
import sys
import zlib


class Flags(object):
    """The attributes of upstream's FLAGS that the model reads."""

    def __init__(self, values):
        for k, v in values.items():
            setattr(self, k, v)


def main(argv=None):
    ap = argparse.ArgumentParser(description="SEGAN batch restore driver")
    ap.add_argument("--src", required=True)
    ap.add_argument("--save_path", required=True)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--jobs", required=True)
    ap.add_argument("--flags", required=True, help="JSON of upstream flag values")
    ap.add_argument("--z", default="seeded", choices=["upstream", "zeros", "seeded"])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    sys.path.insert(0, args.src)
    import numpy as np
    import tensorflow as tf
    from data_loader import pre_emph
    from model import SEGAN
    from scipy.io import wavfile
    from tensorflow.python.client import device_lib

    with open(args.flags) as f:
        flags = Flags(json.load(f))
    with open(args.jobs) as f:
        jobs = json.load(f)

    # device choice as in main.py
    devices = device_lib.list_local_devices()
    udevices = []
    for device in devices:
        if len(devices) > 1 and 'cpu' in device.name:
            continue
        udevices.append(device.name)

    config = tf.ConfigProto()
    config.gpu_options.allow_growth = True
    config.allow_soft_placement = True
    with tf.Session(config=config) as sess:
        model = SEGAN(sess, flags, udevices)
        if not model.load(flags.save_path, args.weights):
            print("cannot load weights {} from {}".format(args.weights, flags.save_path))
            return 3
        z_tensor = model.zs[0]
        z_shape = [int(d) for d in z_tensor.get_shape()]
        real_sess = model.sess

        class FeedZ(object):
            """Session proxy adding the chosen z to every run (upstream's clean() builds the feed)."""

            def __init__(self, z):
                self.z = z

            def run(self, fetches, feed_dict=None):
                feed = dict(feed_dict or {})
                feed[z_tensor] = self.z
                return real_sess.run(fetches, feed_dict=feed)

        preemph_ops = {}
        for n, (src_wav, out_wav, name) in enumerate(jobs):
            fm, wav_data = wavfile.read(src_wav)
            if fm != 16000:
                raise ValueError('16kHz required! Test file is different')
            wave = (2. / 65535.) * (wav_data.astype(np.float32) - 32767) + 1.
            if flags.preemph > 0:
                # main.py builds a placeholder of the file's length; keep one per length
                if wave.shape[0] not in preemph_ops:
                    x_ = tf.placeholder(tf.float32, shape=[wave.shape[0], ])
                    preemph_ops[wave.shape[0]] = (x_, pre_emph(x_, flags.preemph))
                x_, op = preemph_ops[wave.shape[0]]
                wave = real_sess.run(op, feed_dict={x_: wave})
            if args.z == "upstream":
                model.sess = real_sess
            else:
                if args.z == "zeros":
                    z = np.zeros(z_shape, dtype=np.float32)
                else:
                    rng = np.random.RandomState((args.seed * 1000003 + zlib.crc32(name.encode("utf-8"))) & 0x7fffffff)
                    z = rng.standard_normal(z_shape).astype(np.float32)
                model.sess = FeedZ(z)
            c_wave = model.clean(wave)
            model.sess = real_sess
            out_dir = os.path.dirname(out_wav)
            if out_dir and not os.path.exists(out_dir):
                os.makedirs(out_dir)
            tmp = out_wav + ".part.wav"
            wavfile.write(tmp, 16e3, c_wave)
            os.rename(tmp, out_wav)
            print("ARH-DONE {}/{} {}".format(n + 1, len(jobs), name))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
