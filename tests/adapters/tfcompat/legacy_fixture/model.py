# A tiny SEGAN-like denoiser written the way TF 0.12 / Python 2.7 code was:
# contrib.layers, old argument orders, old op names, classic division.
# Test fixture for adapters.tfcompat and the segan-tf adapter: keep it valid
# Python 2.7 + TensorFlow 0.12.1 code (it must also run on the exact stack).
import os
import tensorflow as tf
from tensorflow.contrib.layers import batch_norm, fully_connected, flatten
from tensorflow.contrib.layers import xavier_initializer_conv2d


def read_and_decode(filename_queue, canvas_size):
    reader = tf.TFRecordReader()
    _, serialized = reader.read(filename_queue)
    features = tf.parse_single_example(
        serialized,
        features={'wav_raw': tf.FixedLenFeature([], tf.string),
                  'noisy_raw': tf.FixedLenFeature([], tf.string)})
    wave = tf.decode_raw(features['wav_raw'], tf.int32)
    wave.set_shape(canvas_size)
    wave = tf.cast(wave, tf.float32) / 32767.
    noisy = tf.decode_raw(features['noisy_raw'], tf.int32)
    noisy.set_shape(canvas_size)
    noisy = tf.cast(noisy, tf.float32) / 32767.
    return wave, noisy


def conv_block(x, out_ch, name, use_bias, is_training):
    """1-D conv as 2-D conv over [batch, time, 1, ch], then batch norm and leaky ReLU."""
    in_ch = x.get_shape()[-1]
    with tf.variable_scope(name):
        W = tf.get_variable('W', [5, 1, in_ch, out_ch],
                            initializer=xavier_initializer_conv2d())
        h = tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')
        if use_bias:
            b = tf.get_variable('b', [out_ch], initializer=tf.constant_initializer(0.))
            h = tf.nn.bias_add(h, b)
        h = batch_norm(h, is_training=is_training, updates_collections=None)
        return tf.maximum(h, 0.3 * h)


class TinyDenoiser(object):

    def __init__(self, sess, args, infer=False):
        self.sess = sess
        self.args = args
        self.infer = infer
        self.batch_size = args.batch_size
        self.canvas_size = args.canvas_size
        self.depths = [8, 8]
        self.name = 'tiny'

    def generator(self, noisy, is_training):
        h = tf.expand_dims(tf.expand_dims(noisy, -1), 2)
        skips = []
        with tf.variable_scope('g_net'):
            for i, d in enumerate(self.depths):
                h = conv_block(h, d, 'conv_%d' % i, self.args.use_bias, is_training)
                skips.append(h)
            # old argument order: concat(dim, values), split(split_dim=, num_split=, value=)
            h = tf.concat(3, skips)
            gate, feat = tf.split(split_dim=3, num_split=2, value=h)
            h = tf.mul(tf.sigmoid(gate), feat)
            W_out = tf.get_variable('W_out', [1, 1, self.depths[-1], 1],
                                    initializer=tf.truncated_normal_initializer(stddev=0.02))
            out = tf.nn.conv2d(h, W_out, strides=[1, 1, 1, 1], padding='SAME')
            out = tf.squeeze(out, [2, 3])
            gain = fully_connected(flatten(h), 1, activation_fn=tf.sigmoid, scope='gain')
            return tf.tanh(out) * (0.5 + gain)

    def build_train(self, records):
        filename_queue = tf.train.string_input_producer([records])
        wav, noisy = read_and_decode(filename_queue, self.canvas_size)
        wavbatch, noisybatch = tf.train.shuffle_batch([wav, noisy],
                                                      batch_size=self.batch_size,
                                                      num_threads=1,
                                                      capacity=20 + 3 * self.batch_size,
                                                      min_after_dequeue=4,
                                                      name='wav_and_noisy')
        opt = tf.train.RMSPropOptimizer(self.args.learning_rate)
        # multi-tower pattern of the time: the scope is reused after the first tower
        for idx in xrange(1):
            with tf.name_scope('device_%d' % idx):
                G = self.generator(noisybatch, is_training=True)
                self.g_loss = tf.reduce_mean(tf.abs(tf.sub(G, wavbatch)))
                self.g_vars = [v for v in tf.trainable_variables() if v.name.startswith('g_')]
                grads = opt.compute_gradients(self.g_loss, var_list=self.g_vars)
                tf.get_variable_scope().reuse_variables()
        self.g_opt = opt.apply_gradients(grads)
        self.loss_summ = tf.scalar_summary('g_loss', self.g_loss)
        self.merged = tf.merge_summary([self.loss_summ])

    def build_infer(self):
        self.noisy_ph = tf.placeholder(tf.float32, [self.batch_size, self.canvas_size])
        self.G = self.generator(self.noisy_ph, is_training=False)

    def save(self, save_path, step):
        if not os.path.exists(save_path):
            os.makedirs(save_path, 0755)
        if not hasattr(self, 'saver'):
            self.saver = tf.train.Saver()
        self.saver.save(self.sess, os.path.join(save_path, self.name), global_step=step)

    def load(self, save_path, model_file):
        if not hasattr(self, 'saver'):
            self.saver = tf.train.Saver()
        self.saver.restore(self.sess, os.path.join(save_path, model_file))
