#!/usr/bin/python3
"""Hostile files for test/hostile (issue 12) that need NumPy, h5py or Info-ZIP to make.

Run with Debian's Python (numpy, h5py): /usr/bin/python3 make-hostile.py DIR
  small ones (committed in fixtures/, a few KB):
    external-storage.h5   Keras weights whose kernel is stored in /etc/passwd (HDF5 external raw storage, H5O_EFL)
    external-link.h5      Keras weights whose kernel is an external link to /etc/attnlens-target.h5:/w
    external-allowed.h5   Keras weights whose kernel is stored in data.bin (relative: read from the working directory)
    virtual.h5            Keras weights whose kernel is a virtual dataset of /etc/attnlens-vds-source.h5:/w
    data.bin              the 64 bytes external-allowed.h5 keeps its dataset in
    unwritten-chunked.h5  a Keras weights file whose kernel is chunked, 1.5 GB logical, never written
    gzip-zeros.h5         a Keras weights file whose kernel is 16384 x 16384 uint8 zeros, gzip
    zip64-infozip.npz     np.save output zipped by `zip -fz` (ZIP64 records everywhere)
    zip64-python.npz      np.savez_compressed-like archive with zipfile forced to ZIP64
The big-on-expansion ones (zip bombs, TensorProto, TFRecord, PNG) are built by craft.ts.
"""
import os
import subprocess
import sys
import tempfile
import zipfile

import h5py
import numpy as np


def keras_legacy(path, kernel_kwargs):
    """A legacy save_weights layout (layer_names at the root) with one Dense layer."""
    with h5py.File(path, 'w') as f:
        f.attrs['layer_names'] = [b'dense']
        f.attrs['backend'] = b'tensorflow'
        f.attrs['keras_version'] = b'2.4.0'
        g = f.create_group('dense')
        g.attrs['weight_names'] = [b'dense/kernel:0', b'dense/bias:0']
        d = g.create_group('dense')
        d.create_dataset('kernel:0', **kernel_kwargs)
        d.create_dataset('bias:0', data=np.zeros(4, 'f4'))


def main(out):
    os.makedirs(out, exist_ok=True)
    p = lambda n: os.path.join(out, n)
    # Keras weights files whose kernel is not in the file.
    keras_legacy(p('external-storage.h5'), dict(shape=(64,), dtype='u1', external=[('/etc/passwd', 0, 64)]))
    keras_legacy(p('external-link.h5'), dict(data=np.zeros(1, 'f4')))
    with h5py.File(p('external-link.h5'), 'a') as f:
        del f['dense/dense/kernel:0']
        f['dense/dense/kernel:0'] = h5py.ExternalLink('/etc/attnlens-target.h5', '/w')
    # A virtual dataset whose source is another HDF5 file (HDF5 opens it while reading).
    keras_legacy(p('virtual.h5'), dict(data=np.zeros(1, 'f4')))
    layout = h5py.VirtualLayout(shape=(4,), dtype='f4')
    layout[:] = h5py.VirtualSource('/etc/attnlens-vds-source.h5', '/w', shape=(4,))
    with h5py.File(p('virtual.h5'), 'a') as f:
        del f['dense/dense/kernel:0']
        f['dense/dense'].create_virtual_dataset('kernel:0', layout, fillvalue=0)
    with open(p('data.bin'), 'wb') as fh:
        fh.write(np.arange(16, dtype='<f4').tobytes())
    # A relative name, which HDF5 resolves against the working directory (the test runs there).
    keras_legacy(p('external-allowed.h5'), dict(shape=(16,), dtype='<f4', external=[('data.bin', 0, 64)]))
    # 1.5 GB logical: (20000, 18750) float32, chunked, no chunk ever written (the file is ~KB).
    keras_legacy(p('unwritten-chunked.h5'), dict(shape=(20000, 18750), dtype='f4', chunks=(1000, 1000)))
    # 16384 x 16384 uint8 zeros (268 MB), gzip: about 260 KB on disk (float64 would be 2 MB, too big to commit).
    keras_legacy(p('gzip-zeros.h5'), dict(data=np.zeros((16384, 16384), 'u1'), compression='gzip', compression_opts=9, chunks=(2048, 2048)))

    a = np.arange(12, dtype='<f4').reshape(3, 4)
    with tempfile.TemporaryDirectory() as t:
        np.save(os.path.join(t, 'a.npy'), a)
        target = os.path.abspath(p('zip64-infozip.npz'))
        if os.path.exists(target):
            os.remove(target)
        subprocess.run(['zip', '-q', '-fz', target, 'a.npy'], cwd=t, check=True)
    zipfile.ZIP64_LIMIT = 0  # every record in its ZIP64 form, as archives over 4 GiB have
    zipfile.ZIP_FILECOUNT_LIMIT = 0
    with zipfile.ZipFile(p('zip64-python.npz'), 'w', zipfile.ZIP_DEFLATED) as z:
        for name, arr in (('a', a), ('b', a * 2)):
            with z.open(name + '.npy', 'w', force_zip64=True) as fh:
                np.lib.format.write_array(fh, arr)
    for n in ('zip64-infozip.npz', 'zip64-python.npz'):
        assert (np.load(p(n))['a'] == a).all(), n  # NumPy reads them
    print('wrote', ', '.join(sorted(os.listdir(out))))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), 'fixtures'))
