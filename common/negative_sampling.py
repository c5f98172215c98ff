"""Negative sampling (book chapter 4): EmbeddingDot, UnigramSampler, NegativeSamplingLoss.

h: (N, H) hidden vectors; W: (V, H) output word vectors; targets: (N,) or (N, C)
word ids; K negatives per target.
"""
import math

import numpy

from common import functions
from common.input_checks import check_ids
from common.np import GPU, np, to_cpu, to_gpu
from common.sparse import RowSparseGrad


class EmbeddingDot:
    """out[n] = W[idx[n]] . h[n]; h (N, H), idx (N,) -> (N,). Sparse gradient for W."""

    param_names = ("W",)

    def __init__(self, W):
        self.params = [W]
        self.grads = [RowSparseGrad(W.shape, W.dtype)]
        self.cache = None

    def forward(self, h, idx):
        W, = self.params
        check_ids(idx, W.shape[0], "idx")
        target_W = W.take(idx, axis=0)
        self.cache = (h, idx, target_W)
        return (target_W * h).sum(axis=1)

    def backward(self, dout):
        h, idx, target_W = self.cache
        dout = dout.reshape(-1, 1)
        self.grads[0].assign(idx, dout * h)
        return dout * target_W


class UnigramSampler:
    """Draws negatives from P(w)^power / Z, never returning the row's own target(s).

    Fully vectorised: Walker's alias method turns one uniform word id and one
    uniform number into an exact draw (two array lookups, no search), and
    draws are served from a pool refilled a million at a time. The few draws
    that hit their target are redrawn together until none is left. Draws are
    with replacement across the K negatives of a row (as in word2vec).

    Where the draws happen: on the CPU backend, NumPy's PCG64 generator on the host. With
    ``on_device`` (the default on the GPU backend) the alias table and the pool live in the active
    array module, every refill comes from a generator seeded by (seed, refill number), as
    ``common.rng.rand`` does for dropout, and the targets never leave the device.
    """

    def __init__(self, corpus, power=0.75, sample_size=5, vocab_size=None, seed=None, pool_size=1 << 20,
                 counts=None, on_device=GPU):
        if counts is None:
            corpus = to_cpu(corpus)
            vocab_size = vocab_size or int(corpus.max()) + 1
            counts = numpy.bincount(corpus, minlength=vocab_size)
        counts = numpy.asarray(to_cpu(counts))
        vocab_size = vocab_size or len(counts)
        if len(counts) != vocab_size:
            raise ValueError("counts has %d entries for a vocabulary of %d" % (len(counts), vocab_size))
        self.counts = counts.astype(numpy.int64)
        counts = counts.astype(numpy.float64)
        if numpy.count_nonzero(counts) < 2:
            raise ValueError("the corpus needs at least two distinct words to sample negatives")
        p = counts ** power
        self.word_p = p / p.sum()
        self.accept, self.alias = alias_table(self.word_p)
        self.vocab_size = vocab_size
        self.sample_size = sample_size
        self.rng = numpy.random.default_rng(seed)
        self.pool_size = pool_size
        self.pool_pos = 0
        self._use_device(on_device)

    def _use_device(self, on_device):
        self.on_device = bool(on_device)
        self.xp = np if self.on_device else numpy
        if self.on_device:
            self.device_seed = int(self.rng.integers(2 ** 31))   # the device stream's seed, from the host seed
            self.refills = 0
            self.device_tables = (to_gpu(self.accept), to_gpu(self.alias))
        self.pool = self.xp.zeros(0, dtype=numpy.int64)

    def reseed(self, seed):
        """Draw from now on from a fresh stream seeded with ``seed`` (a Hogwild! worker's own negatives)."""
        self.rng = numpy.random.default_rng(seed)
        self._use_device(self.on_device)            # drops the pool drawn from the old stream

    def state_dict(self):
        """Random state and the unused pre-drawn pool: a resumed run draws the same negatives."""
        pool = to_cpu(self.pool[self.pool_pos:]).copy()
        if self.on_device:
            return {"device_seed": self.device_seed, "refills": self.refills, "pool": pool}
        return {"rng": self.rng.bit_generator.state, "pool": pool}

    def load_state_dict(self, state):
        """Continue from ``state_dict()`` output; the draws continue where they were made (host or device)."""
        self._use_device("refills" in state)
        if self.on_device:
            self.device_seed, self.refills = int(state["device_seed"]), int(state["refills"])
        else:
            self.rng.bit_generator.state = state["rng"]
        self.pool, self.pool_pos = self.xp.asarray(state["pool"], dtype=numpy.int64), 0

    def _fresh_draws(self, size):
        """size exact draws from word_p: a uniform word, kept with its accept probability, else its alias."""
        if self.on_device:
            accept, alias = self.device_tables
            rng = np.random.RandomState((self.device_seed * 1000003 + self.refills) % 2 ** 32)
            self.refills += 1
            word = rng.randint(0, self.vocab_size, size)
            keep = rng.random_sample(size) < accept[word]
        else:
            accept, alias = self.accept, self.alias
            word = self.rng.integers(0, self.vocab_size, size)
            keep = self.rng.random(size) < accept[word]
        return self.xp.where(keep, word, alias[word]).astype(numpy.int64, copy=False)

    def _draw(self, n):
        """n independent draws, served from a pre-drawn pool (refilled in large batches)."""
        if self.pool_pos + n > len(self.pool):
            fresh = self._fresh_draws(max(n, self.pool_size))
            self.pool = self.xp.concatenate([self.pool[self.pool_pos:], fresh])
            self.pool_pos = 0
        out = self.pool[self.pool_pos:self.pool_pos + n]
        self.pool_pos += n
        return out

    def get_negative_sample(self, target):
        """target (N,) or (N, C) ids -> negatives (N, K) or (N, C, K), none equal to its target."""
        target = (self.xp.asarray(target) if self.on_device else to_cpu(target))[..., None]
        shape = target.shape[:-1] + (self.sample_size,)
        neg = self._draw(math.prod(shape)).reshape(shape).copy()
        bad = neg == target
        while bool(bad.any()):
            neg[bad] = self._draw(int(bad.sum()))
            bad = neg == target
        return neg if self.on_device else to_gpu(neg)


def alias_table(p):
    """Speed only (draws in O(1)): Walker/Vose alias table of p (V,) -> (accept (V,), alias (V,) ids).

    Word i is drawn as: pick j uniformly, keep j with probability accept[j],
    otherwise take alias[j]. Built in O(V): each step pairs one under-full
    column with one over-full column.
    """
    V = p.shape[0]
    scaled = p * V
    accept = numpy.ones(V)
    alias = numpy.arange(V)
    small = [i for i in range(V) if scaled[i] < 1.0]
    large = [i for i in range(V) if scaled[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large[-1]
        accept[s], alias[s] = scaled[s], g
        scaled[g] -= 1.0 - scaled[s]
        if scaled[g] < 1.0:
            small.append(large.pop())
    return accept, alias


class NegativeSamplingLoss:
    """Binary logistic loss of one positive and K sampled negatives per target.

    forward(h (N, H), target (N,)) -> scalar. As in the book, each of the 1 + K
    binary losses is a mean over the batch and they are summed:

        loss = sum_n [ -log sigmoid(W[t_n] . h_n) - sum_k log sigmoid(-W[neg_nk] . h_n) ] / N

    forward(h (N, C, H), target (N,), present=None) takes C vectors per target, which share the
    target and its K negatives (skip-gram's contexts in Ji et al.'s HogBatch, arXiv:1604.04661);
    ``present`` (N, C) bool marks the vectors that are there (default: all):

        loss = sum_n sum_{c present} [ -log sigmoid(W[t_n] . h_nc) - sum_k log sigmoid(-W[neg_nk] . h_nc) ] / N

    The 1 + K dot products of every vector are one gather of the (N, 1 + K, H) output rows and one
    batched product (``matmul`` over the rows; 1.1-1.6x faster than the same ``einsum``).
    """

    param_names = ("W",)

    def __init__(self, W, corpus, power=0.75, sample_size=5, seed=None, counts=None):
        self.params = [W]
        self.grads = [RowSparseGrad(W.shape, W.dtype)]
        self.sampler = UnigramSampler(corpus, power, sample_size, vocab_size=W.shape[0], seed=seed, counts=counts)
        self.sample_size = sample_size
        self.cache = None
        self._sign = self._sign_key = None

    def forward(self, h, target, present=None):
        W, = self.params
        if h.ndim not in (2, 3) or target.ndim != 1 or target.shape[0] != h.shape[0]:
            raise ValueError("h must be (N, H) or (N, C, H) and target (N,), got h %s and target %s"
                             % (tuple(h.shape), tuple(target.shape)))
        if present is not None and present.shape != h.shape[:-1]:
            raise ValueError("present must be (N, C) = %s, got %s" % (tuple(h.shape[:-1]), tuple(present.shape)))
        check_ids(target, W.shape[0], "target")
        neg = self.sampler.get_negative_sample(target)                              # (N, K)
        ids = np.concatenate([target[:, None].astype(neg.dtype, copy=False), neg], axis=1)   # (N, M = K+1)
        W_sel = W.take(ids, axis=0)                                                 # (N, M, H)
        if h.ndim == 2:
            scores = np.matmul(W_sel, h[:, :, None])[:, :, 0]                       # (N, M): W_sel[n] @ h[n]
        else:
            scores = np.matmul(h, W_sel.transpose(0, 2, 1))                         # (N, C, M): h[n] @ W_sel[n]^T
        sign = self._signs(scores.shape, h.dtype)                                   # +1 positive, -1 negative
        # -log(sigmoid(sign * s)) = softplus(-sign * s); its exp(-.) is sigmoid(sign * s), reused in backward
        softplus = functions.softplus(scores * -sign)
        weight = None if present is None else present[:, :, None].astype(h.dtype)  # (N, C, 1): 0 for a missing h
        self.cache = (h, ids, W_sel, softplus, sign, weight)
        return (softplus.sum() if weight is None else (softplus * weight).sum()) / h.shape[0]

    def _signs(self, scores_shape, dtype):
        """An array of scores_shape: +1 for the positive (first of the last axis), -1 for the negatives; cached."""
        key = (scores_shape, np.dtype(dtype).str)
        if self._sign_key != key:
            sign = -np.ones(scores_shape, dtype=dtype)
            sign[..., 0] = 1
            self._sign, self._sign_key = sign, key
        return self._sign

    def backward(self, dout=1):
        h, ids, W_sel, softplus, sign, weight = self.cache
        N = ids.shape[0]
        # d softplus(-sign s) / ds = sigmoid(s) - label = sign * (sigmoid(sign s) - 1)
        dscore = np.exp(-softplus)                                                  # (N, M) or (N, C, M)
        dscore -= 1
        dscore *= sign * (dout / N)
        if weight is not None:
            dscore *= weight
        if h.ndim == 2:
            self.grads[0].assign_rows(ids, h, dscore)
            return np.matmul(dscore[:, None, :], W_sel)[:, 0, :]                    # (N, H): dscore[n] @ W_sel[n]
        self.grads[0].assign(ids, np.matmul(dscore.transpose(0, 2, 1), h))          # (N, M, H): dscore[n]^T @ h[n]
        return np.matmul(dscore, W_sel)                                             # (N, C, H): dscore[n] @ W_sel[n]
