# Test fixture (not upstream code): a stand-in for SEGAN's make_tfrecords.py with the same
# command line and output format, written in Python 2.7 / TensorFlow 0.12 style.
#   python make_tfrecords.py --cfg e2e_maker.cfg --save_path data/ --out_file segan.tfrecords [--force-gen]
# The cfg is TOML, one table per corpus: [name] clean="dir/" noisy="dir/" (pairs share a base name).
# Every 16 kHz 16-bit wav is cut into 2**14-sample windows with 50 % overlap; each pair of windows
# becomes one tf.train.Example with int32 bytes features 'wav_raw' and 'noisy_raw'.
from __future__ import print_function
import argparse
import os
import sys
import timeit
import numpy as np
import tensorflow as tf
from scipy.io import wavfile
try:
    import toml
except ImportError:
    toml = None

WINDOW = 2 ** 14


def read_cfg(text):
    """TOML tables of string values; a minimal reader when the toml package is absent."""
    if toml is not None:
        return toml.loads(text)
    tables = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        if line.startswith('[') and line.endswith(']'):
            current = tables.setdefault(line[1:-1].strip(), {})
        else:
            key, value = line.split('=', 1)
            current[key.strip()] = value.strip().strip('"\'')
    return tables


def bytes_feature(value):
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def windows(signal, size, hop_fraction=0.5):
    """All complete windows of `size` samples, hop size * hop_fraction; int32 [n, size]."""
    hop = int(size * hop_fraction)
    starts = xrange(0, signal.shape[0] - size + 1, hop)
    return np.array([signal[s:s + size] for s in starts], dtype=np.int32).reshape(-1, size)


def load_windows(path):
    rate, data = wavfile.read(path)
    if rate != 16000:
        raise ValueError('%s: sampling rate %d, 16 kHz expected' % (path, rate))
    return windows(data, WINDOW)


def write_pair(writer, clean_file, noisy_dir):
    name = os.path.basename(clean_file)
    clean = load_windows(clean_file)
    noisy = load_windows(os.path.join(noisy_dir, name))
    assert clean.shape == noisy.shape, (name, clean.shape, noisy.shape)
    for c, n in zip(clean, noisy):
        example = tf.train.Example(features=tf.train.Features(feature={
            'wav_raw': bytes_feature(c.tostring()),
            'noisy_raw': bytes_feature(n.tostring())}))
        writer.write(example.SerializeToString())
    return clean.shape[0]


def main(opts):
    if not os.path.exists(opts.save_path):
        os.makedirs(opts.save_path)
    out_path = os.path.join(opts.save_path, opts.out_file)
    if not out_path.endswith('.tfrecords'):
        out_path += '.tfrecords'
    if os.path.exists(out_path):
        if not opts.force_gen:
            raise ValueError('%s exists; pass --force-gen to overwrite it' % out_path)
        os.unlink(out_path)
    with open(opts.cfg) as fh:
        corpora = read_cfg(fh.read())
    t0 = timeit.default_timer()
    writer = tf.python_io.TFRecordWriter(out_path)
    total = 0
    for name, desc in corpora.iteritems():
        clean_dir, noisy_dir = desc['clean'], desc['noisy']
        files = sorted(f for f in os.listdir(clean_dir) if f.endswith('.wav'))
        for k, f in enumerate(files):
            total += write_pair(writer, os.path.join(clean_dir, f), noisy_dir)
            print('[%s] %d/%d %s' % (name, k + 1, len(files), f))
            sys.stdout.flush()
    writer.close()
    print('wrote %d examples to %s in %.2f s' % (total, out_path, timeit.default_timer() - t0))


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description='wav pairs -> TFRecords (SEGAN format)')
    parser.add_argument('--cfg', type=str, default='cfg/e2e_maker.cfg')
    parser.add_argument('--save_path', type=str, default='data/')
    parser.add_argument('--out_file', type=str, default='segan.tfrecords')
    parser.add_argument('--force-gen', dest='force_gen', action='store_true')
    main(parser.parse_args())
