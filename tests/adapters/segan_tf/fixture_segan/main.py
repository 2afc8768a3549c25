# Test fixture (not upstream code): SEGAN-style main.py in Python 2.7 / TensorFlow 0.12 style.
# The flags are SEGAN's flag names and defaults (booleans given as `--bias_deconv True`).
# Without --test_wav it trains on --e2e_dataset, saving SEGAN-<step> into --save_path.
# With --test_wav W --weights SEGAN-N it cleans W like SEGAN's main.py does: scale the int16
# samples to [-1, 1], pre-emphasise through a placeholder op, SEGAN.clean(), write a float wav
# (16e3 Hz) named like W into --save_clean_path (which must exist).
import os
import numpy as np
import tensorflow as tf
from tensorflow.python.client import device_lib
from scipy.io import wavfile
from model import SEGAN
from data_loader import pre_emph

devices = device_lib.list_local_devices()

flags = tf.app.flags
flags.DEFINE_integer("seed", 111, "numpy random seed")
flags.DEFINE_integer("epoch", 150, "epochs to train")
flags.DEFINE_integer("batch_size", 150, "batch size")
flags.DEFINE_integer("save_freq", 50, "save every this many batches")
flags.DEFINE_integer("canvas_size", 2 ** 14, "window length in samples")
flags.DEFINE_integer("denoise_epoch", 5, "epoch where the noise in D starts to decay")
flags.DEFINE_integer("l1_remove_epoch", 150, "epoch where L1 in G is removed")
flags.DEFINE_boolean("bias_deconv", False, "biases in the decoder")
flags.DEFINE_boolean("bias_downconv", False, "biases in the encoder")
flags.DEFINE_boolean("bias_D_conv", False, "biases in D")
flags.DEFINE_float("denoise_lbound", 0.01, "noise std below which it is switched off")
flags.DEFINE_float("noise_decay", 0.7, "decay of the noise std in D")
flags.DEFINE_float("d_label_smooth", 0.25, "label smoothing in D")
flags.DEFINE_float("init_noise_std", 0.5, "initial noise std in D")
flags.DEFINE_float("init_l1_weight", 100., "initial L1 weight")
flags.DEFINE_integer("z_dim", 256, "unused here")
flags.DEFINE_integer("z_depth", 256, "unused here")
flags.DEFINE_string("save_path", "segan_results", "checkpoint folder")
flags.DEFINE_string("g_nl", "leaky", "G non-linearity: leaky or prelu")
flags.DEFINE_string("model", "gan", "only gan here")
flags.DEFINE_string("deconv_type", "deconv", "only deconv here")
flags.DEFINE_string("g_type", "ae", "only ae here")
flags.DEFINE_float("g_learning_rate", 0.0002, "G learning rate")
flags.DEFINE_float("d_learning_rate", 0.0002, "D learning rate")
flags.DEFINE_float("beta_1", 0.5, "unused here")
flags.DEFINE_float("preemph", 0.95, "pre-emphasis factor")
flags.DEFINE_string("synthesis_path", "dwavegan_samples", "samples folder")
flags.DEFINE_string("e2e_dataset", "data/segan.tfrecords", "TFRecords file")
flags.DEFINE_string("save_clean_path", "test_clean_results", "where cleaned wavs go")
flags.DEFINE_string("test_wav", None, "wav to clean (no training)")
flags.DEFINE_string("weights", None, "checkpoint name to restore")
FLAGS = flags.FLAGS


def main(_):
    print 'flags:', ', '.join('%s=%s' % kv for kv in sorted(FLAGS.__flags.items()))
    for path in (FLAGS.save_path, FLAGS.synthesis_path):
        if not os.path.exists(path):
            os.makedirs(path)
    np.random.seed(FLAGS.seed)
    if FLAGS.model != 'gan':
        raise ValueError, 'model type %s not available in the fixture' % FLAGS.model
    config = tf.ConfigProto()
    config.gpu_options.allow_growth = True
    config.allow_soft_placement = True
    udevices = []
    for device in devices:
        if len(devices) > 1 and 'cpu' in device.name:
            continue
        udevices.append(device.name)
    with tf.Session(config=config) as sess:
        model = SEGAN(sess, FLAGS, udevices)
        if FLAGS.test_wav is None:
            model.train(FLAGS, udevices)
            return
        if FLAGS.weights is None:
            raise ValueError('--weights is required with --test_wav')
        model.load(FLAGS.save_path, FLAGS.weights)
        rate, data = wavfile.read(FLAGS.test_wav)
        if rate != 16000:
            raise ValueError('16 kHz required, %s is %d Hz' % (FLAGS.test_wav, rate))
        wave = (2. / 65535.) * (data.astype(np.float32) - 32767) + 1.
        if FLAGS.preemph > 0:
            x_ = tf.placeholder(tf.float32, shape=[wave.shape[0], ])
            wave = sess.run(pre_emph(x_, FLAGS.preemph), feed_dict={x_: wave})
        cleaned = model.clean(wave)
        out = os.path.join(FLAGS.save_clean_path, os.path.basename(FLAGS.test_wav))
        wavfile.write(out, 16e3, cleaned)
        print 'cleaned %s -> %s' % (FLAGS.test_wav, out)


if __name__ == '__main__':
    tf.app.run()
