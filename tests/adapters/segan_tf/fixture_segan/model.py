# Test fixture (not upstream code): a tiny SEGAN-shaped GAN in Python 2.7 / TensorFlow 0.12
# style, with the attributes and methods the harness's segan-tf adapter and driver use:
# SEGAN(sess, args, devices, infer=False) with .zs, .Gs, .gtruth_noisy, .canvas_size,
# .batch_size, .load(save_path, model_file), .save(save_path, step), .train(config, devices)
# and .clean(x). The generator is a 2-level strided conv encoder / decoder on 2**14-sample
# windows with a tf.random_normal z concatenated at the bottleneck; the discriminator is two
# strided convs with contrib batch_norm and a fully_connected logit (least-squares GAN + L1).
import os
import timeit
import numpy as np
import tensorflow as tf
from tensorflow.contrib.layers import batch_norm, fully_connected, flatten
from tensorflow.contrib.layers import xavier_initializer
from data_loader import read_and_decode, de_emph

KERNEL = 9


def leakyrelu(x, alpha=0.3):
    return tf.maximum(x, alpha * x)


def prelu(x, name):
    channels = x.get_shape().as_list()[-1]
    with tf.variable_scope(name):
        alpha = tf.get_variable('alpha', [channels], initializer=tf.constant_initializer(0.))
        return tf.nn.relu(x) + alpha * (x - tf.abs(x)) * .5


def downconv(x, out_ch, stride, name, bias):
    """[B, T, 1, C] -> [B, T / stride, 1, out_ch]."""
    in_ch = x.get_shape().as_list()[-1]
    with tf.variable_scope(name):
        w = tf.get_variable('W', [KERNEL, 1, in_ch, out_ch], initializer=xavier_initializer())
        h = tf.nn.conv2d(x, w, strides=[1, stride, 1, 1], padding='SAME')
        if bias:
            b = tf.get_variable('b', [out_ch], initializer=tf.constant_initializer(0.))
            h = tf.nn.bias_add(h, b)
        return h


def deconv(x, out_ch, stride, name, bias):
    """[B, T, 1, C] -> [B, T * stride, 1, out_ch] (transposed convolution)."""
    shape = x.get_shape().as_list()
    out_shape = [shape[0], shape[1] * stride, 1, out_ch]
    with tf.variable_scope(name):
        w = tf.get_variable('W', [KERNEL, 1, out_ch, shape[-1]],
                            initializer=tf.random_normal_initializer(stddev=0.02))
        h = tf.nn.conv2d_transpose(x, w, output_shape=out_shape, strides=[1, stride, 1, 1])
        if bias:
            b = tf.get_variable('b', [out_ch], initializer=tf.constant_initializer(0.))
            h = tf.nn.bias_add(h, b)
        return h


class AEGenerator(object):
    """noisy [B, T, 1] -> (enhanced [B, T, 1], z)."""

    def __init__(self, segan):
        self.segan = segan

    def __call__(self, noisy_w, do_prelu=False):
        segan = self.segan
        h = tf.expand_dims(noisy_w, 2)
        skips = []
        with tf.variable_scope('g_ae'):
            depths = segan.g_enc_depths
            for i, depth in enumerate(depths):
                h = downconv(h, depth, 4, 'enc_%d' % i, segan.bias_downconv)
                if do_prelu:
                    h = prelu(h, 'enc_prelu_%d' % i)
                else:
                    h = leakyrelu(h)
                if i < len(depths) - 1:
                    skips.append(h)
            z = tf.random_normal(h.get_shape().as_list(), mean=0., stddev=1., name='z', dtype=tf.float32)
            h = tf.concat(3, [z, h])
            dec_depths = depths[:-1][::-1] + [1]
            for i, depth in enumerate(dec_depths):
                h = deconv(h, depth, 4, 'dec_%d' % i, segan.bias_deconv)
                if i < len(dec_depths) - 1:
                    if do_prelu:
                        h = prelu(h, 'dec_prelu_%d' % i)
                    else:
                        h = leakyrelu(h)
                    h = tf.concat(3, [h, skips[-(i + 1)]])
            wave = tf.squeeze(tf.tanh(h), [2])
        return wave, z


def discriminator(segan, pair, reuse=False):
    """pair [B, T, 2] (candidate, noisy) -> logits [B, 1]."""
    with tf.variable_scope('d_model') as scope:
        if reuse:
            scope.reuse_variables()
        h = tf.expand_dims(pair, 2)
        h = h + tf.random_normal(h.get_shape().as_list(), stddev=segan.disc_noise_std)
        for i, depth in enumerate(segan.d_num_fmaps):
            h = downconv(h, depth, 8, 'd_conv_%d' % i, segan.bias_D_conv)
            h = batch_norm(h, is_training=True, updates_collections=None, scope='d_bn_%d' % i)
            h = leakyrelu(h)
        return fully_connected(flatten(h), 1, activation_fn=None, scope='d_fc')


class Model(object):

    def __init__(self, name='BaseModel'):
        self.name = name

    def save(self, save_path, step):
        if not os.path.exists(save_path):
            os.makedirs(save_path, 0755)
        if not hasattr(self, 'saver'):
            self.saver = tf.train.Saver()
        self.saver.save(self.sess, os.path.join(save_path, self.name), global_step=step)

    def load(self, save_path, model_file=None):
        if not os.path.exists(save_path):
            print '[!] no checkpoint folder', save_path
            return False
        if model_file is None:
            state = tf.train.get_checkpoint_state(save_path)
            if not state or not state.model_checkpoint_path:
                return False
            model_file = os.path.basename(state.model_checkpoint_path)
        if not hasattr(self, 'saver'):
            self.saver = tf.train.Saver()
        self.saver.restore(self.sess, os.path.join(save_path, model_file))
        print '[*] restored', model_file
        return True


class SEGAN(Model):
    """Tiny speech enhancement GAN with SEGAN's interface."""

    def __init__(self, sess, args, devices, infer=False, name='SEGAN'):
        super(SEGAN, self).__init__(name)
        self.sess = sess
        self.args = args
        self.devices = devices
        self.keep_prob = 1. if infer else 0.5
        self.keep_prob_var = tf.Variable(self.keep_prob, trainable=False)
        self.batch_size = args.batch_size
        self.epoch = args.epoch
        self.canvas_size = args.canvas_size
        self.preemph = args.preemph
        self.bias_downconv = args.bias_downconv
        self.bias_deconv = args.bias_deconv
        self.bias_D_conv = args.bias_D_conv
        self.g_nl = args.g_nl
        self.e2e_dataset = args.e2e_dataset
        self.save_path = args.save_path
        self.g_enc_depths = [8, 16]
        self.d_num_fmaps = [8, 16]
        self.init_noise_std = args.init_noise_std
        self.disc_noise_std = tf.Variable(self.init_noise_std, trainable=False)
        self.l1_lambda = tf.Variable(args.init_l1_weight, trainable=False)
        self.generator = AEGenerator(self)
        self.build_model(args)

    def build_model(self, config):
        d_opt = tf.train.RMSPropOptimizer(config.d_learning_rate)
        g_opt = tf.train.RMSPropOptimizer(config.g_learning_rate)
        all_d_grads, all_g_grads = [], []
        for idx, device in enumerate(self.devices):
            with tf.device('/%s' % device):
                with tf.name_scope('device_%d' % idx):
                    self.build_tower(idx)
                    all_d_grads.append(d_opt.compute_gradients(self.d_losses[-1], var_list=self.d_vars))
                    all_g_grads.append(g_opt.compute_gradients(self.g_losses[-1], var_list=self.g_vars))
                    # later towers share the variables (the root scope stays in reuse mode)
                    tf.get_variable_scope().reuse_variables()
        self.d_opt = d_opt.apply_gradients(average_gradients(all_d_grads))
        self.g_opt = g_opt.apply_gradients(average_gradients(all_g_grads))

    def build_tower(self, idx):
        if idx == 0:
            queue = tf.train.string_input_producer([self.e2e_dataset])
            self.get_wav, self.get_noisy = read_and_decode(queue, self.canvas_size, self.preemph)
            self.Gs, self.zs, self.gtruth_wavs, self.gtruth_noisy = [], [], [], []
            self.d_losses, self.g_losses = [], []
            self.d_rl_losses, self.d_fk_losses, self.g_adv_losses, self.g_l1_losses = [], [], [], []
        wavbatch, noisybatch = tf.train.shuffle_batch([self.get_wav, self.get_noisy],
                                                      batch_size=self.batch_size,
                                                      num_threads=1,
                                                      capacity=16 + 3 * self.batch_size,
                                                      min_after_dequeue=4,
                                                      name='wav_and_noisy')
        self.gtruth_wavs.append(wavbatch)
        self.gtruth_noisy.append(noisybatch)
        wavbatch = tf.expand_dims(wavbatch, -1)
        noisybatch = tf.expand_dims(noisybatch, -1)
        G, z = self.generator(noisybatch, do_prelu=self.g_nl == 'prelu')
        self.Gs.append(G)
        self.zs.append(z)
        d_rl_logits = discriminator(self, tf.concat(2, [wavbatch, noisybatch]), reuse=idx > 0)
        d_fk_logits = discriminator(self, tf.concat(2, [G, noisybatch]), reuse=True)
        d_rl_loss = tf.reduce_mean(tf.squared_difference(d_rl_logits, 1.))
        d_fk_loss = tf.reduce_mean(tf.squared_difference(d_fk_logits, 0.))
        g_adv_loss = tf.reduce_mean(tf.squared_difference(d_fk_logits, 1.))
        g_l1_loss = self.l1_lambda * tf.reduce_mean(tf.abs(tf.sub(G, wavbatch)))
        self.d_rl_losses.append(d_rl_loss)
        self.d_fk_losses.append(d_fk_loss)
        self.g_adv_losses.append(g_adv_loss)
        self.g_l1_losses.append(g_l1_loss)
        self.d_losses.append(d_rl_loss + d_fk_loss)
        self.g_losses.append(g_adv_loss + g_l1_loss)
        if idx == 0:
            self.d_sum = tf.merge_summary([tf.scalar_summary('d_rl_loss', d_rl_loss),
                                           tf.scalar_summary('d_fk_loss', d_fk_loss)])
            self.g_sum = tf.merge_summary([tf.scalar_summary('g_adv_loss', g_adv_loss),
                                           tf.scalar_summary('g_l1_loss', g_l1_loss)])
            t_vars = tf.trainable_variables()
            self.d_vars = [v for v in t_vars if v.name.startswith('d_')]
            self.g_vars = [v for v in t_vars if v.name.startswith('g_')]
            assert len(self.d_vars) + len(self.g_vars) == len(t_vars)

    def train(self, config, devices):
        num_devices = len(devices)
        try:
            init = tf.global_variables_initializer()
        except AttributeError:
            init = tf.initialize_all_variables()
        self.sess.run(init)
        self.writer = tf.train.SummaryWriter(os.path.join(config.save_path, 'train'), self.sess.graph)
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=self.sess, coord=coord)
        num_examples = 0
        for _ in tf.python_io.tf_record_iterator(self.e2e_dataset):
            num_examples += 1
        # incomplete batches are dropped: Python 2 integer division
        num_batches = num_examples / self.batch_size
        print 'examples:', num_examples, 'batches per epoch:', num_batches
        if self.load(self.save_path):
            print '[*] resumed from', self.save_path
        counter = 0
        batch_idx = 0
        curr_epoch = 0
        timings = []
        try:
            while not coord.should_stop():
                start = timeit.default_timer()
                _, d_sum, d_fk_loss, d_rl_loss = self.sess.run(
                    [self.d_opt, self.d_sum, self.d_fk_losses[0], self.d_rl_losses[0]])
                _, g_sum, g_adv_loss, g_l1_loss = self.sess.run(
                    [self.g_opt, self.g_sum, self.g_adv_losses[0], self.g_l1_losses[0]])
                end = timeit.default_timer()
                timings.append(end - start)
                print('{}/{} (epoch {}), d_rl_loss = {:.5f}, d_fk_loss = {:.5f}, g_adv_loss = {:.5f}, '
                      'g_l1_loss = {:.5f}, time/batch = {:.5f}, mtime/batch = {:.5f}'.format(
                          counter, config.epoch * num_batches, curr_epoch, d_rl_loss, d_fk_loss,
                          g_adv_loss, g_l1_loss, end - start, np.mean(timings)))
                batch_idx += num_devices
                counter += num_devices
                if (counter / num_devices) % config.save_freq == 0:
                    self.save(config.save_path, counter)
                    self.writer.add_summary(g_sum, counter)
                    self.writer.add_summary(d_sum, counter)
                if batch_idx >= num_batches:
                    curr_epoch += 1
                    batch_idx = 0
                if curr_epoch >= config.epoch:
                    print 'done: epoch limit %d reached, saving at step %d' % (config.epoch, counter)
                    self.save(config.save_path, counter)
                    break
        except tf.errors.OutOfRangeError, e:
            print 'input queue exhausted:', e
        finally:
            coord.request_stop()
        coord.join(threads)

    def clean(self, x):
        """Enhance a whole pre-emphasised waveform x (1-D numpy), canvas by canvas."""
        out = []
        for beg in xrange(0, x.shape[0], self.canvas_size):
            chunk = x[beg:beg + self.canvas_size]
            batch = np.zeros((self.batch_size, self.canvas_size))
            batch[0, :chunk.shape[0]] = chunk
            y = self.sess.run(self.Gs[0], feed_dict={self.gtruth_noisy[0]: batch})[0]
            out.append(y.reshape((self.canvas_size))[:chunk.shape[0]])
        print 'cleaned %d samples in %d canvases' % (x.shape[0], len(out))
        return de_emph(np.concatenate(out), self.preemph)


def average_gradients(tower_grads):
    """Mean over towers of each variable's gradient."""
    averaged = []
    for grads_and_vars in zip(*tower_grads):
        grads = [tf.expand_dims(g, 0) for g, _ in grads_and_vars]
        grad = tf.reduce_mean(tf.concat(0, grads), 0)
        averaged.append((grad, grads_and_vars[0][1]))
    return averaged
