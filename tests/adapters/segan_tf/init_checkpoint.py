"""Save an initialised, untrained checkpoint of upstream SEGAN (for tests that compare two ways
of restoring the same weights, where training would only cost time).

Run under the compat layer, with the upstream folder as a legacy root::

    python -m adapters.tfcompat --legacy-root SRC init_checkpoint.py --src SRC --flags FLAGS.json

FLAGS.json holds upstream flag values (``adapters.segan_tf.flags.flag_values``); the checkpoint
``SEGAN-0`` goes to its ``save_path``, with upstream's own ``Model.save``.
"""

import argparse
import json
import sys


class Flags:
    def __init__(self, values):
        for k, v in values.items():
            setattr(self, k, v)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", required=True)
    ap.add_argument("--flags", required=True)
    args = ap.parse_args(argv)
    sys.path.insert(0, args.src)
    import tensorflow as tf
    from model import SEGAN
    from tensorflow.python.client import device_lib

    with open(args.flags) as f:
        flags = Flags(json.load(f))
    devices = device_lib.list_local_devices()
    names = [d.name for d in devices if len(devices) == 1 or "cpu" not in d.name]
    config = tf.ConfigProto()
    config.allow_soft_placement = True  # upstream pins variables to GPU 0, as main.py allows
    with tf.Session(config=config) as sess:
        model = SEGAN(sess, flags, names)
        sess.run(tf.global_variables_initializer())
        model.save(flags.save_path, 0)
    print(f"saved {flags.save_path}/SEGAN-0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
