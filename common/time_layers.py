"""Time layers: process whole (N, T, ...) batches (book chapters 5-8).

The recurrent layers live in ``common.recurrent`` and are re-exported here so
``from common.time_layers import TimeLSTM`` works as in the book.
"""
from common.checks import check_ids, check_last_dim, check_ndim, check_shape
from common.layers import Affine, Dropout, Embedding, SigmoidWithLoss
from common.np import np
from common.parallel import for_row_blocks
from common.recurrent import (GRU, LSTM, RNN, TimeBiLSTM, TimeBidirectional,  # noqa: F401
                              TimeGRU, TimeLSTM, TimeRNN)


class TimeEmbedding(Embedding):
    """ids (N, T) -> vectors (N, T, D); sparse gradient (see ``Embedding``)."""


class TimeDropout(Dropout):
    """Inverted dropout over (N, T, D); a fresh mask every call (depth direction only)."""


class TimeAffine(Affine):
    """x (N, T, D) -> x W + b (N, T, H), done as one (N*T, D) matrix product."""

    def forward(self, x):
        check_shape(x, (None, None, self.params[0].shape[0]), "(N, T, D)", "x")
        N, T, D = x.shape
        return super().forward(x.reshape(N * T, D)).reshape(N, T, -1)

    def backward(self, dout):
        N, T, H = dout.shape
        return super().backward(dout.reshape(N * T, H)).reshape(N, T, -1)


class TimeSoftmaxWithLoss:
    """Mean cross-entropy over all (N, T) positions whose label != ignore_label.

    xs: scores (N, T, V); ts: ids (N, T) or one-hot (N, T, V). The softmax is
    computed as exp(x - max) / sum in row blocks on all cores; the loss uses
    x_t - logsumexp(x), so it stays finite even when probabilities underflow.
    Forward keeps exp(x - max) and the row sums; backward normalises and
    scales in one pass over the same buffer.
    """

    def __init__(self, ignore_label=-1):
        self.params, self.grads = [], []
        self.ignore_label = ignore_label
        self.cache = None

    def forward(self, xs, ts):
        check_ndim(xs, 3, "(N, T, V)", "xs")
        N, T, V = xs.shape
        if ts.ndim == 3:
            ts = ts.argmax(axis=2)
        if ts.shape != (N, T):
            raise ValueError("targets have shape %s, expected (%d, %d)" % (tuple(ts.shape), N, T))
        mask = (ts != self.ignore_label).reshape(N * T)
        ts_flat = np.where(mask, ts.reshape(N * T), 0)
        check_ids(ts_flat, V, "targets")
        scores = xs.reshape(N * T, V)
        exps = np.empty_like(scores)
        sums = np.empty((N * T, 1), dtype=scores.dtype)
        log_z = np.empty(N * T, dtype=scores.dtype)

        def block(a, b):
            m = scores[a:b].max(axis=1, keepdims=True)
            e = np.subtract(scores[a:b], m, out=exps[a:b])
            np.exp(e, out=e)
            e.sum(axis=1, keepdims=True, out=sums[a:b])
            log_z[a:b] = (m + np.log(sums[a:b]))[:, 0]

        for_row_blocks(block, N * T, V)
        rows = np.arange(N * T)
        picked = (scores[rows, ts_flat] - log_z) * mask
        count = max(int(mask.sum()), 1)
        # softmax = exps / sums; the division is left to backward, where it merges with the scaling
        self.cache = (ts_flat, exps, sums, mask, count, (N, T, V))
        return -picked.sum() / count

    def backward(self, dout=1):
        """Returns (softmax - onehot) * dout / count, written into the forward's exp buffer."""
        ts_flat, dx, sums, mask, count, shape = self.cache
        self.cache = None
        scale = (dout / count) * mask[:, None]                  # (N*T, 1), 0 on ignored positions
        row_scale = (scale / sums).astype(dx.dtype, copy=False)
        for_row_blocks(lambda a, b: dx[a:b].__imul__(row_scale[a:b]), dx.shape[0], dx.shape[1])
        dx[np.arange(ts_flat.shape[0]), ts_flat] -= scale[:, 0].astype(dx.dtype, copy=False)
        return dx.reshape(shape)


TimeSigmoidWithLoss = SigmoidWithLoss  # element-wise, so it already handles (N, T)
