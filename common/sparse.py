"""Speed only: row-sparse gradients for embedding tables (a dense (V, D) gradient gives the same numbers).

An embedding lookup touches only the rows it read, so its gradient is stored as
``rows`` (K,) unique ids and ``values`` (K, D) instead of a dense (V, D) array.
The object lives in a layer's ``grads`` list and is rewritten in place by every
backward pass, exactly like a dense gradient array.
"""
from common.np import GPU, all_present, np, sum_into_rows


class UniqueRows:
    """ids (n,) of a table with ``vocab_size`` rows -> (rows (K,) sorted and unique, inverse (n,)).

    On the CPU a reusable (V,) mark array replaces the sort inside ``np.unique``
    (a few microseconds instead of tens for a word2vec batch); for huge tables,
    or on the GPU, it falls back to ``np.unique``.
    """

    def __init__(self, vocab_size):
        self.vocab_size = vocab_size
        self._seen = self._position = None

    def __call__(self, ids):
        if GPU or self.vocab_size > 64 * ids.shape[0] + 4096:
            return np.unique(ids, return_inverse=True)
        if self._seen is None:
            self._seen = np.zeros(self.vocab_size, dtype=bool)
            self._position = np.zeros(self.vocab_size, dtype=np.intp)
        self._seen[ids] = True
        rows = np.flatnonzero(self._seen)
        self._seen[rows] = False
        self._position[rows] = np.arange(rows.shape[0])
        return rows, self._position[ids]


class RowSparseGrad:
    """Gradient of a (V, D) parameter that is non-zero only on ``rows``."""

    def __init__(self, shape, dtype):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.rows = np.zeros(0, dtype=np.int64)
        self.values = np.zeros((0,) + self.shape[1:], dtype=self.dtype)
        self._finder = UniqueRows(self.shape[0])

    def assign(self, ids, dout):
        """Set the gradient to the sum of ``dout`` rows scattered at ``ids``.

        ids: any shape S; dout: (*S, D).
        """
        ids = ids.reshape(-1, 1)
        self.assign_rows(ids, dout.reshape(ids.shape[0], -1))

    def assign_rows(self, ids, base, coef=None):
        """Set the gradient to sum over (n, m) of coef[n, m] * base[n], scattered at row ids[n, m].

        ids, coef: (N, M) (coef None means 1; an id of -1 is no entry); base: (N, D): row n of base
        feeds the M rows ids[n].
        """
        base = base.astype(self.dtype, copy=False)
        flat = ids.reshape(-1)
        if all_present(flat):
            rows, slot = self._finder(flat)
        else:
            present = flat >= 0
            rows, found = self._finder(flat[present])
            slot = np.full(flat.shape, -1, dtype=found.dtype)
            slot[present] = found
        self.rows, self.values = rows, sum_into_rows(slot.reshape(ids.shape), rows.shape[0], base, coef)

    def add_to(self, dense):
        """dense += self (in place); ``rows`` are unique, so a plain indexed add is exact."""
        dense[self.rows] += self.values
        return dense

    def to_dense(self):
        return self.add_to(np.zeros(self.shape, dtype=self.dtype))

    def squared_norm(self):
        return squared_norm(self.values)

    def __imul__(self, scale):
        self.values *= scale
        return self

    def __repr__(self):
        return "RowSparseGrad(shape=%s, rows=%d)" % (self.shape, self.rows.shape[0])


def squared_norm(grad):
    """Sum of squares of a dense or row-sparse gradient."""
    if isinstance(grad, RowSparseGrad):
        return grad.squared_norm()
    if grad.flags.c_contiguous or grad.flags.f_contiguous:
        flat = grad.ravel(order="K")            # a view: one BLAS dot, no (grad * grad) copy
        return float(np.dot(flat, flat))
    return float((grad * grad).sum())


def to_dense(grad):
    """The gradient as a dense array (a row-sparse one is scattered into zeros)."""
    return grad.to_dense() if isinstance(grad, RowSparseGrad) else grad
