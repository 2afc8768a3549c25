# Legacy-style (Python 2.7, TensorFlow 0.12) training / restore program used as a
# test fixture. Modes:
#   --mode make_data --data_dir D --records R      (D/clean/*.wav and D/noisy/*.wav, 16 kHz int16)
#   --mode train --records R --save_path S [--epoch N]
#   --mode restore --save_path S --weights tiny-N --test_wav W --save_clean_path O
import os
import sys
import timeit
import numpy as np
import tensorflow as tf
from scipy.io import wavfile
from model import TinyDenoiser

flags = tf.app.flags
flags.DEFINE_string("mode", "train", "make_data, train or restore")
flags.DEFINE_string("data_dir", "data", "folder with clean/ and noisy/ wavs")
flags.DEFINE_string("records", "data/tiny.tfrecords", "TFRecords file")
flags.DEFINE_string("save_path", "tiny_results", "checkpoint folder")
flags.DEFINE_string("weights", None, "checkpoint name to restore")
flags.DEFINE_string("test_wav", None, "wav to clean")
flags.DEFINE_string("save_clean_path", "clean_results", "where cleaned wavs go")
flags.DEFINE_integer("epoch", 2, "epochs to train")
flags.DEFINE_integer("batch_size", 2, "batch size")
flags.DEFINE_integer("canvas_size", 512, "window length in samples")
flags.DEFINE_integer("seed", 111, "random seed")
flags.DEFINE_float("learning_rate", 0.001, "RMSProp learning rate")
flags.DEFINE_boolean("use_bias", True, "biases in the conv blocks")
FLAGS = flags.FLAGS


def slice_signal(signal, window_size):
    n_samples = signal.shape[0]
    offset = window_size / 2
    slices = []
    for beg in xrange(0, n_samples - window_size + 1, offset):
        slices.append(signal[beg:beg + window_size])
    return np.array(slices, dtype=np.int32)


def make_data():
    dirs = {'clean': os.path.join(FLAGS.data_dir, 'clean'),
            'noisy': os.path.join(FLAGS.data_dir, 'noisy')}
    for kind, path in dirs.iteritems():
        if not os.path.isdir(path):
            raise ValueError, 'missing folder %s' % path
    names = sorted(f for f in os.listdir(dirs['clean']) if f.endswith('.wav'))
    writer = tf.python_io.TFRecordWriter(FLAGS.records)
    count = 0
    for name in names:
        fm, clean = wavfile.read(os.path.join(dirs['clean'], name))
        fm2, noisy = wavfile.read(os.path.join(dirs['noisy'], name))
        if fm != 16000 or fm2 != 16000:
            raise ValueError('16 kHz wavs required')
        for c, n in zip(slice_signal(clean, FLAGS.canvas_size),
                        slice_signal(noisy, FLAGS.canvas_size)):
            example = tf.train.Example(features=tf.train.Features(feature={
                'wav_raw': tf.train.Feature(bytes_list=tf.train.BytesList(value=[c.tostring()])),
                'noisy_raw': tf.train.Feature(bytes_list=tf.train.BytesList(value=[n.tostring()]))}))
            writer.write(example.SerializeToString())
            count += 1
    writer.close()
    print "wrote %d examples to %s" % (count, FLAGS.records)


def train(sess):
    model = TinyDenoiser(sess, FLAGS)
    model.build_train(FLAGS.records)
    sess.run(tf.initialize_all_variables())
    writer = tf.train.SummaryWriter(os.path.join(FLAGS.save_path, 'train'), sess.graph)
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    num_examples = 0
    for record in tf.python_io.tf_record_iterator(FLAGS.records):
        num_examples += 1
    # classic division: 5 examples / batch 2 = 2 batches per epoch
    num_batches = num_examples / FLAGS.batch_size
    print 'examples:', num_examples, 'batches per epoch:', num_batches
    counter = 0
    batch_idx = 0
    curr_epoch = 0
    timings = []
    try:
        while not coord.should_stop():
            start = timeit.default_timer()
            _, loss, summ = sess.run([model.g_opt, model.g_loss, model.merged])
            timings.append(timeit.default_timer() - start)
            writer.add_summary(summ, counter)
            counter += 1
            batch_idx += 1
            print '%d (epoch %d) g_loss = %.5f time/batch = %.3f' % (counter, curr_epoch, loss, timings[-1])
            if batch_idx >= num_batches:
                curr_epoch += 1
                batch_idx = 0
            if curr_epoch >= FLAGS.epoch:
                model.save(FLAGS.save_path, counter)
                print 'saved', os.path.join(FLAGS.save_path, 'tiny-%d' % counter)
                break
    except tf.errors.OutOfRangeError, e:
        print 'queue exhausted', e
    finally:
        coord.request_stop()
    coord.join(threads)
    print 'mean time/batch: %.3f' % (sum(timings) / len(timings))


def restore(sess):
    if FLAGS.weights is None:
        raise ValueError('--weights is required to restore')
    model = TinyDenoiser(sess, FLAGS, infer=True)
    model.build_infer()
    model.load(FLAGS.save_path, FLAGS.weights)
    fm, wav = wavfile.read(FLAGS.test_wav)
    x = wav.astype(np.float32) / 32767.
    out = []
    for beg in range(0, len(x), FLAGS.canvas_size):
        chunk = x[beg:beg + FLAGS.canvas_size]
        pad = FLAGS.canvas_size - len(chunk)
        batch = np.zeros((FLAGS.batch_size, FLAGS.canvas_size), dtype=np.float32)
        batch[0, :len(chunk)] = chunk
        y = sess.run(model.G, feed_dict={model.noisy_ph: batch})[0]
        out.append(y[:len(chunk)] if pad > 0 else y)
    cleaned = np.concatenate(out)
    if not os.path.exists(FLAGS.save_clean_path):
        os.makedirs(FLAGS.save_clean_path)
    name = os.path.basename(FLAGS.test_wav)
    wavfile.write(os.path.join(FLAGS.save_clean_path, name), 16e3, cleaned)
    print 'cleaned %s: %d samples, %d chunks' % (name, len(cleaned), len(out))


def main(_):
    print 'flags:', sorted(FLAGS.__flags.keys())[:3], 'use_bias =', FLAGS.use_bias
    np.random.seed(FLAGS.seed)
    if FLAGS.mode == 'make_data':
        make_data()
        return 0
    tf.set_random_seed(FLAGS.seed)
    with tf.Session() as sess:
        if FLAGS.mode == 'train':
            train(sess)
        elif FLAGS.mode == 'restore':
            restore(sess)
        else:
            raise ValueError('unknown mode %s' % FLAGS.mode)
    return 0


if __name__ == '__main__':
    tf.app.run()
