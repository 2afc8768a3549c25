# Test fixture (not upstream code): SEGAN-style input pipeline and emphasis filters,
# Python 2.7 / TensorFlow 0.12 style.
import numpy as np
import tensorflow as tf


def pre_emph(x, coeff=0.95):
    """y[0] = x[0], y[n] = x[n] - coeff * x[n-1] on a 1-D tensor."""
    first = tf.reshape(x[0], [1, ])
    rest = x[1:] - coeff * x[:-1]
    return tf.concat(0, [first, rest])


def de_emph(y, coeff=0.95):
    """Inverse of pre_emph on a 1-D numpy array (float32)."""
    if coeff <= 0:
        return y
    x = np.zeros(y.shape[0], dtype=np.float32)
    x[0] = y[0]
    for n in xrange(1, y.shape[0]):
        x[n] = coeff * x[n - 1] + y[n]
    return x


def int16_to_unit(x):
    """int range [-32768, 32767] -> about [-1, 1], as SEGAN scales its input."""
    return (2. / 65535.) * tf.cast((x - 32767), tf.float32) + 1.


def read_and_decode(filename_queue, canvas_size, preemph=0.):
    reader = tf.TFRecordReader()
    _, serialized = reader.read(filename_queue)
    features = tf.parse_single_example(
        serialized,
        features={'wav_raw': tf.FixedLenFeature([], tf.string),
                  'noisy_raw': tf.FixedLenFeature([], tf.string)})
    wave = tf.decode_raw(features['wav_raw'], tf.int32)
    wave.set_shape(canvas_size)
    noisy = tf.decode_raw(features['noisy_raw'], tf.int32)
    noisy.set_shape(canvas_size)
    wave, noisy = int16_to_unit(wave), int16_to_unit(noisy)
    if preemph > 0:
        wave = pre_emph(wave, preemph)
        noisy = pre_emph(noisy, preemph)
    return wave, noisy
