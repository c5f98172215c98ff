"""Interpolated Kneser-Ney n-gram language model, counted with NumPy (the count-based baseline that
the RNN language models are compared with).

For an n-gram model and a context h (the previous n-1 words), with h' = h minus its first word:

    P_k(w | h) = (max(a_k(h w) - D_k, 0) + D_k T_k(h) P_{k-1}(w | h')) / A_k(h)     if A_k(h) > 0
               = P_{k-1}(w | h')                                                    otherwise
    P_0(w) = 1 / V

a_n are the n-gram counts; for lower orders a_k(g) is the continuation count N1+(. g), the number
of distinct words seen before g. A_k(h) = sum_w a_k(h w), T_k(h) = #{w : a_k(h w) > 0}, and the
discount is D_k = n1 / (n1 + 2 n2) from the numbers of k-grams with a_k = 1 and 2 (Ney et al.).

Counting is vectorised: the k-gram ending at position t gets the id of its (k-1)-gram prefix times
V plus its last word, and ``numpy.unique`` numbers those keys, order after order.
The corpus is read as one stream, as the RNN language models read it (``<eos>`` is a word).
"""
import numpy


class KneserNeyLM:
    """An interpolated Kneser-Ney model of ``order`` (>= 1) over a 1-D id stream ``corpus`` (vocabulary V)."""

    def __init__(self, corpus, vocab_size, order=5):
        if order < 1:
            raise ValueError("order must be at least 1, got %r" % order)
        corpus = numpy.asarray(corpus, dtype=numpy.int64)
        if corpus.size and (corpus.min() < 0 or corpus.max() >= vocab_size):
            raise ValueError("corpus ids must lie in [0, %d)" % vocab_size)
        self.V, self.order = int(vocab_size), int(order)
        self.keys = []          # per order k (index k-1): sorted unique keys of the k-grams
        self.position_ids = []  # per order: id of the k-gram ending at each position, -1 before k-1
        self.counts = []        # per order: how often each k-gram occurs
        for k in range(1, order + 1):
            ids = numpy.full(len(corpus), -1, dtype=numpy.int64)
            if k == 1:
                keys = corpus
                valid = numpy.arange(len(corpus))
            else:
                prev = self.position_ids[-1]
                valid = numpy.arange(k - 1, len(corpus))
                keys = prev[valid - 1] * self.V + corpus[valid]
            unique, inverse, counts = numpy.unique(keys, return_inverse=True, return_counts=True)
            ids[valid] = inverse
            self.keys.append(unique)
            self.position_ids.append(ids)
            self.counts.append(counts)
        self._tables()

    def _tables(self):
        """a_k, A_k, T_k and D_k of every order."""
        self.a, self.A, self.T, self.D = [], [], [], []
        for k in range(1, self.order + 1):
            if k == self.order:
                a = self.counts[k - 1].astype(numpy.float64)
            else:                                       # continuation counts: distinct (k+1)-grams ending in g
                longer = self.position_ids[k]
                valid = longer >= 0
                suffix = numpy.full(len(self.keys[k]), -1, dtype=numpy.int64)
                suffix[longer[valid]] = self.position_ids[k - 1][valid]
                a = numpy.bincount(suffix, minlength=len(self.keys[k - 1])).astype(numpy.float64)
            prefix = self.keys[k - 1] // self.V if k > 1 else numpy.zeros(len(a), dtype=numpy.int64)
            n_contexts = len(self.keys[k - 2]) if k > 1 else 1
            self.a.append(a)
            self.A.append(numpy.bincount(prefix, weights=a, minlength=n_contexts))
            self.T.append(numpy.bincount(prefix, weights=(a > 0).astype(numpy.float64), minlength=n_contexts))
            n1, n2 = numpy.count_nonzero(a == 1), numpy.count_nonzero(a == 2)
            self.D.append(n1 / (n1 + 2 * n2) if n1 else 0.5)

    def _lookup(self, k, keys):
        """Ids of the k-grams with these keys (-1 where the key is -1 or was never seen)."""
        table = self.keys[k - 1]
        idx = numpy.clip(numpy.searchsorted(table, keys), 0, max(len(table) - 1, 0))
        found = (keys >= 0) & (table[idx] == keys) if len(table) else numpy.zeros(len(keys), dtype=bool)
        return numpy.where(found, idx, -1)

    def _interpolate(self, words, context_ids):
        """P(words) given, per order k, the ids of their (k-1)-word contexts (-1: unseen)."""
        p = numpy.full(len(words), 1.0 / self.V)
        for k in range(1, self.order + 1):
            h = context_ids[k - 1]
            gram = self._lookup(k, words if k == 1 else numpy.where(h >= 0, h * self.V + words, -1))
            a = numpy.where(gram >= 0, self.a[k - 1][numpy.maximum(gram, 0)], 0.0)
            hh = numpy.maximum(h, 0)
            A = numpy.where(h >= 0, self.A[k - 1][hh], 0.0)
            T = numpy.where(h >= 0, self.T[k - 1][hh], 0.0)
            D = self.D[k - 1]
            with numpy.errstate(divide="ignore", invalid="ignore"):
                p = numpy.where(A > 0, (numpy.maximum(a - D, 0) + D * T * p) / A, p)
        return p

    def _context_ids(self, stream):
        """Per order k, the id of the (k-1)-gram ending just before each position of ``stream`` (or -1)."""
        n = len(stream)
        contexts = [numpy.zeros(n, dtype=numpy.int64)]                  # order 1: the empty context
        ids = numpy.full(n, -1, dtype=numpy.int64)
        for k in range(1, self.order):
            # the k-gram ending at each position t of the stream, numbered as in training
            if k == 1:
                keys = stream
            else:
                before = numpy.r_[-1, ids[:-1]]                         # the (k-1)-gram ending at t - 1
                keys = numpy.where(before >= 0, before * self.V + stream, -1)
            ids = self._lookup(k, keys)
            contexts.append(numpy.r_[-1, ids[:-1]])                        # ending at t - 1
        return contexts

    def log_probs(self, stream):
        """log P(stream[t] | the words before it in ``stream``) for every t, (n,)."""
        stream = numpy.asarray(stream, dtype=numpy.int64)
        return numpy.log(self._interpolate(stream, self._context_ids(stream)))

    def perplexity(self, stream):
        """exp(-mean log P) over every word of ``stream`` after the first."""
        return float(numpy.exp(-self.log_probs(stream)[1:].mean()))

    def distribution(self, context):
        """P(w | context) for every word w, (V,); ``context`` is a list of preceding ids."""
        context = numpy.asarray(context, dtype=numpy.int64)
        stream = numpy.r_[context, 0]
        ids = self._context_ids(stream)
        words = numpy.arange(self.V)
        return self._interpolate(words, [numpy.full(self.V, c[-1]) for c in ids])
