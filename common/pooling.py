"""Sequence-to-vector layers for many-to-one models over right-padded batches.

xs: (N, T, H); lengths: (N,) true lengths in [1, T]; the output is (N, H).
"""
from common.np import np


class _Pooling:
    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    @staticmethod
    def _lengths(xs, lengths):
        N, T, _ = xs.shape
        lengths = np.asarray(lengths)
        if lengths.shape != (N,) or int(lengths.min()) < 1 or int(lengths.max()) > T:
            raise ValueError("lengths must be (N,) values in [1, %d], got %s" % (T, lengths))
        return lengths


class TimeSelectLast(_Pooling):
    """h at the last valid step of each row: xs[n, lengths[n] - 1]."""

    def forward(self, xs, lengths):
        last = self._lengths(xs, lengths) - 1
        self.cache = (xs.shape, xs.dtype, last)
        return xs[np.arange(xs.shape[0]), last]

    def backward(self, dout):
        shape, dtype, last = self.cache
        dxs = np.zeros(shape, dtype=dtype)
        dxs[np.arange(shape[0]), last] = dout
        return dxs


class TimeMaskedMean(_Pooling):
    """Mean over the valid steps of each row (an embedding bag when xs are embeddings)."""

    def forward(self, xs, lengths):
        lengths = self._lengths(xs, lengths)
        T = xs.shape[1]
        weights = (np.arange(T)[None, :] < lengths[:, None]).astype(xs.dtype) / lengths[:, None]
        self.cache = weights
        return np.einsum("nt,nth->nh", weights, xs)

    def backward(self, dout):
        return self.cache[:, :, None] * dout[:, None, :]
