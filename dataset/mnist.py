"""MNIST from its IDX files (Y. LeCun's format), for users who have them; nothing is downloaded.

An IDX file is big-endian: two zero bytes, a type byte (0x08: unsigned bytes), the number of
dimensions, one 4-byte size per dimension, then the data. Files may be gzip-compressed.
"""
import gzip
import os
import struct

import numpy

FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
         "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


class IDXError(ValueError):
    """A file is not a readable IDX file."""


def read_idx(path):
    """The array stored in an IDX file (``.gz`` too): uint8, of the shape the header gives."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        header = f.read(4)
        if len(header) < 4 or header[:2] != b"\x00\x00":
            raise IDXError("%s is not an IDX file (it does not start with two zero bytes)" % path)
        if header[2] != 0x08:
            raise IDXError("%s holds IDX type 0x%02x; only unsigned bytes (0x08) are read" % (path, header[2]))
        ndim = header[3]
        shape = struct.unpack(">%dI" % ndim, f.read(4 * ndim))
        data = numpy.frombuffer(f.read(), dtype=numpy.uint8)
    if data.size != int(numpy.prod(shape)):
        raise IDXError("%s is truncated: the header says %s (%d bytes), the file holds %d"
                       % (path, shape, int(numpy.prod(shape)), data.size))
    return data.reshape(shape)


def load_mnist(folder):
    """((x_train, y_train), (x_test, y_test)) from the four IDX files in ``folder`` (``.gz`` or not):
    x (N, 28, 28) float32 in [0, 1], y (N,) int64."""
    out = []
    for split in ("train", "test"):
        arrays = []
        for name in FILES[split]:
            candidates = [os.path.join(folder, name + ext) for ext in ("", ".gz")]
            path = next((c for c in candidates if os.path.exists(c)), None)
            if path is None:
                raise FileNotFoundError("MNIST file %s(.gz) not found in %s" % (name, folder))
            arrays.append(read_idx(path))
        images, labels = arrays
        out.append(((images / 255.0).astype(numpy.float32), labels.astype(numpy.int64)))
    return tuple(out)
