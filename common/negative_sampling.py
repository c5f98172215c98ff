"""Negative sampling (book chapter 4): EmbeddingDot, UnigramSampler, NegativeSamplingLoss.

h: (N, H) hidden vectors; W: (V, H) output word vectors; targets: (N,) or (N, C)
word ids; K negatives per target.
"""
import numpy

from common.checks import check_ids
from common.functions import sigmoid
from common.np import np, to_cpu, to_gpu
from common.sparse import RowSparseGrad


class EmbeddingDot:
    """out[n] = W[idx[n]] . h[n]; h (N, H), idx (N,) -> (N,). Sparse gradient for W."""

    def __init__(self, W):
        self.params = [W]
        self.grads = [RowSparseGrad(W.shape, W.dtype)]
        self.cache = None

    def forward(self, h, idx):
        W, = self.params
        check_ids(idx, W.shape[0], "idx")
        target_W = W[idx]
        self.cache = (h, idx, target_W)
        return (target_W * h).sum(axis=1)

    def backward(self, dout):
        h, idx, target_W = self.cache
        dout = dout.reshape(-1, 1)
        self.grads[0].assign(idx, dout * h)
        return dout * target_W


class UnigramSampler:
    """Draws negatives from P(w)^power / Z, never returning the row's own target(s).

    Fully vectorised: inverse-CDF sampling with ``searchsorted``; the few draws
    that hit a target are redrawn together until none is left. Draws are with
    replacement across the K negatives of a row (as in word2vec).
    """

    def __init__(self, corpus, power=0.75, sample_size=5, vocab_size=None, seed=None, pool_size=1 << 20):
        corpus = to_cpu(corpus)
        vocab_size = vocab_size or int(corpus.max()) + 1
        counts = numpy.bincount(corpus, minlength=vocab_size).astype(numpy.float64)
        p = counts ** power
        self.word_p = p / p.sum()
        self.cdf = numpy.cumsum(self.word_p)
        self.cdf[-1] = 1.0
        self.vocab_size = vocab_size
        self.sample_size = sample_size
        self.rng = numpy.random.default_rng(seed)
        self.pool_size = pool_size
        self.pool = numpy.zeros(0, dtype=numpy.int64)
        self.pool_pos = 0
        if numpy.count_nonzero(counts) < 2:
            raise ValueError("the corpus needs at least two distinct words to sample negatives")

    def _draw(self, n):
        """n independent draws, served from a pre-drawn pool (refilled in large batches)."""
        if self.pool_pos + n > len(self.pool):
            fresh = numpy.searchsorted(self.cdf, self.rng.random(max(n, self.pool_size)), side="right")
            self.pool = numpy.concatenate([self.pool[self.pool_pos:], fresh.clip(max=self.vocab_size - 1)])
            self.pool_pos = 0
        out = self.pool[self.pool_pos:self.pool_pos + n]
        self.pool_pos += n
        return out

    def get_negative_sample(self, target):
        """target (N,) or (N, C) ids -> negatives (N, K) or (N, C, K), none equal to its target."""
        target = to_cpu(target)
        shape = target.shape + (self.sample_size,)
        neg = self._draw(int(numpy.prod(shape))).reshape(shape).copy()
        expanded = numpy.broadcast_to(target[..., None], shape)
        bad = neg == expanded
        while bad.any():
            neg[bad] = self._draw(int(bad.sum()))
            bad = neg == expanded
        return to_gpu(neg.astype(numpy.int32))


class NegativeSamplingLoss:
    """Binary logistic loss of one positive and K sampled negatives per target.

    forward(h (N, H), target (N,) or (N, C)) -> scalar. As in the book, each of
    the 1 + K binary losses is a mean over the batch and they are summed (and,
    for several targets per row, summed over C as the skip-gram model does).
    The K+1 dot products of every row are one gather and one batched product.
    """

    def __init__(self, W, corpus, power=0.75, sample_size=5, seed=None):
        self.params = [W]
        self.grads = [RowSparseGrad(W.shape, W.dtype)]
        self.sampler = UnigramSampler(corpus, power, sample_size, vocab_size=W.shape[0], seed=seed)
        self.sample_size = sample_size
        self.cache = None
        self._label_cache = {}

    def forward(self, h, target):
        W, = self.params
        check_ids(target, W.shape[0], "target")
        neg = self.sampler.get_negative_sample(target)
        ids = np.concatenate([target[..., None].astype(neg.dtype), neg], axis=-1)   # (N, [C,] K+1)
        ids2 = ids.reshape(h.shape[0], -1)                                          # (N, M)
        W_sel = W[ids2]                                                             # (N, M, H)
        scores = np.einsum("nmh,nh->nm", W_sel, h)                                  # (N, M)
        labels, sign = self._labels(ids.shape, scores.shape, h.dtype)
        # -log(sigmoid(s)) for positives, -log(1 - sigmoid(s)) = -log(sigmoid(-s)) for negatives
        loss = np.logaddexp(0, -(scores * sign)).sum() / h.shape[0]
        self.cache = (h, ids2, W_sel, sigmoid(scores), labels)
        return loss

    def _labels(self, ids_shape, shape, dtype):
        """0/1 labels (1 for the positive column) and +-1 signs, cached per batch shape."""
        key = (ids_shape, np.dtype(dtype).str)
        if self._label_cache.get("key") != key:
            labels = np.zeros(ids_shape, dtype=dtype)
            labels[..., 0] = 1
            labels = labels.reshape(shape)
            self._label_cache = {"key": key, "value": (labels, 2 * labels - 1)}
        return self._label_cache["value"]

    def backward(self, dout=1):
        h, ids2, W_sel, y, labels = self.cache
        N, M = ids2.shape
        dscore = (y - labels) * (dout / N)                                          # (N, M)
        rows_of_h = np.repeat(np.arange(N), M)
        self.grads[0].assign_scaled_rows(ids2, dscore, h, rows_of_h)
        return np.einsum("nm,nmh->nh", dscore, W_sel)                               # (N, H)
