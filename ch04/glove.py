"""GloVe (Pennington et al. 2014): word vectors fitted to log co-occurrence counts.

For every non-zero count x_ij of word j in the context of word i:

    J = 1/2 * mean over pairs of  f(x_ij) * (w_i . w~_j + b_i + b~_j - log x_ij)^2
    f(x) = min(1, (x / x_max)^alpha)

W, W~ (V, D) and b, b~ (V,) are trained with AdaGrad; the word vectors are W + W~.
"""
import numpy

from common.base_model import BaseModel
from common.layers import Embedding, collect_params
from common.np import np, to_gpu


def glove_weights(counts, x_max=100.0, alpha=0.75):
    """f(x) = min(1, (x / x_max)^alpha) for co-occurrence counts x (K,)."""
    return numpy.minimum(1.0, (numpy.asarray(counts) / x_max) ** alpha)


class GloVe(BaseModel):
    """forward(rows (N,), cols (N,), log_counts (N,), weights (N,)) -> J; ``word_vecs`` = W + W~ (V, D)."""

    def __init__(self, vocab_size, hidden_size, rng=None, dtype="f"):
        V, D = vocab_size, hidden_size
        rng = rng or numpy.random.default_rng()

        def table(cols):          # the reference code's start: uniform in [-0.5, 0.5) / D
            return to_gpu(((rng.random((V, cols)) - 0.5) / D).astype(dtype))

        self.w, self.w_context = Embedding(table(D)), Embedding(table(D))
        self.bias, self.bias_context = Embedding(table(1)), Embedding(table(1))
        self.params, self.grads = collect_params(self.w, self.w_context, self.bias, self.bias_context)
        self.cache = None

    @property
    def word_vecs(self):
        return self.w.params[0] + self.w_context.params[0]

    def forward(self, rows, cols, log_counts, weights):
        wi, wj = self.w.forward(rows), self.w_context.forward(cols)          # (N, D)
        bi, bj = self.bias.forward(rows)[:, 0], self.bias_context.forward(cols)[:, 0]
        diff = (wi * wj).sum(axis=1) + bi + bj - log_counts                # (N,)
        self.cache = (wi, wj, diff, weights)
        return 0.5 * float((weights * diff * diff).sum()) / diff.shape[0]

    def backward(self, dout=1):
        wi, wj, diff, weights = self.cache
        g = (weights * diff * (dout / diff.shape[0])).astype(wi.dtype)    # dJ / d(prediction)
        self.w.backward(g[:, None] * wj)
        self.w_context.backward(g[:, None] * wi)
        self.bias.backward(g[:, None])
        self.bias_context.backward(g[:, None])


def glove_batches_data(rows, cols, counts, x_max=100.0, alpha=0.75, dtype="f"):
    """(rows, cols, log counts, weights) on the device, ready for ``ShuffledBatches``."""
    return (to_gpu(numpy.asarray(rows, dtype=numpy.int64)), to_gpu(numpy.asarray(cols, dtype=numpy.int64)),
            np.asarray(numpy.log(counts).astype(dtype)), np.asarray(glove_weights(counts, x_max, alpha).astype(dtype)))
