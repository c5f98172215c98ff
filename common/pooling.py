"""Sequence-to-vector layers for many-to-one models over right-padded batches.

xs: (N, T, H); lengths: (N,) true lengths (>= 1); the output is (N, H).
"""
from common.np import np


class TimeSelectLast:
    """h at the last valid step of each row: xs[n, lengths[n] - 1]."""

    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    def forward(self, xs, lengths):
        N, T, _ = xs.shape
        lengths = np.asarray(lengths)
        if lengths.shape != (N,) or int(lengths.min()) < 1 or int(lengths.max()) > T:
            raise ValueError("lengths must be (N,) values in [1, %d], got %s" % (T, lengths))
        last = lengths - 1
        self.cache = (xs.shape, xs.dtype, last)
        return xs[np.arange(N), last]

    def backward(self, dout):
        shape, dtype, last = self.cache
        dxs = np.zeros(shape, dtype=dtype)
        dxs[np.arange(shape[0]), last] = dout
        return dxs


class TimeMaskedMean:
    """Mean over the valid steps of each row (an embedding bag when xs are embeddings)."""

    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    def forward(self, xs, lengths):
        N, T, _ = xs.shape
        lengths = np.asarray(lengths)
        mask = (np.arange(T)[None, :] < lengths[:, None]).astype(xs.dtype) / lengths[:, None]
        self.cache = mask
        return np.einsum("nt,nth->nh", mask, xs)

    def backward(self, dout):
        return self.cache[:, :, None] * dout[:, None, :]
