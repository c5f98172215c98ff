"""Speed only: row-sparse gradients for embedding tables (a dense (V, D) gradient gives the same numbers).

An embedding lookup touches only the rows it read, so its gradient is stored as
``rows`` (K,) unique ids and ``values`` (K, D) instead of a dense (V, D) array.
The object lives in a layer's ``grads`` list and is rewritten in place by every
backward pass, exactly like a dense gradient array.
"""
from common.np import GPU, np, scatter_add


class UniqueRows:
    """ids (n,) of a table with ``vocab_size`` rows -> (rows (K,) sorted, inverse (n,), counts (K,)).

    On the CPU a reusable (V,) mark array replaces the sort inside ``np.unique``
    (a few microseconds instead of tens for a word2vec batch); for huge tables,
    or on the GPU, it falls back to ``np.unique``.
    """

    def __init__(self, vocab_size):
        self.vocab_size = vocab_size
        self._seen = self._position = None

    def __call__(self, ids):
        if GPU or self.vocab_size > 64 * ids.shape[0] + 4096:
            return np.unique(ids, return_inverse=True, return_counts=True)
        if self._seen is None:
            self._seen = np.zeros(self.vocab_size, dtype=bool)
            self._position = np.zeros(self.vocab_size, dtype=np.intp)
        self._seen[ids] = True
        rows = np.flatnonzero(self._seen)
        self._seen[rows] = False
        self._position[rows] = np.arange(rows.shape[0])
        inverse = self._position[ids]
        return rows, inverse, np.bincount(inverse, minlength=rows.shape[0])


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
        ids = ids.reshape(-1)
        dout = dout.reshape(ids.shape[0], -1).astype(self.dtype, copy=False)
        self.assign_scaled_rows(ids, None, dout, None)

    def assign_scaled_rows(self, ids, coef, base, src):
        """Set the gradient to sum_i coef[i] * base[src[i]] scattered at ids[i].

        ids, coef, src: (n,) (coef None means 1, src None means arange(n));
        base: (B, D). Rows hit once are a plain gather; only the rows hit
        several times are summed, as one small (K_dup, B) x (B, D) product.
        """
        ids = ids.reshape(-1)
        base = base.astype(self.dtype, copy=False)
        src = np.arange(ids.shape[0]) if src is None else src.reshape(-1)
        coef = None if coef is None else coef.reshape(-1).astype(self.dtype, copy=False)
        rows, inverse, counts = self._finder(ids)
        values = np.empty((rows.shape[0], base.shape[1]), dtype=self.dtype)
        once = counts[inverse] == 1
        single = np.flatnonzero(once)
        values[inverse[single]] = _scaled_take(base, src[single], None if coef is None else coef[single])
        if single.shape[0] < ids.shape[0]:
            dup = np.flatnonzero(~once)
            repeated = counts > 1
            dup_rows = np.flatnonzero(repeated)                      # positions in ``rows``
            dup_inverse = (np.cumsum(repeated) - 1)[inverse[dup]]    # slot of every summand
            dup_src, dup_base = src[dup], base
            if dup.shape[0] < base.shape[0]:      # fewer summands than base rows: mix the summands
                dup_src, dup_base = np.arange(dup.shape[0]), base.take(src[dup], axis=0)
            values[dup_rows] = _sum_into_rows(dup_inverse, dup_rows.shape[0], dup_src, dup_base,
                                              None if coef is None else coef[dup])
        self.rows, self.values = rows, values

    def add_to(self, dense):
        """dense += self (in place)."""
        scatter_add(dense, self.rows, self.values)
        return dense

    def to_dense(self):
        return self.add_to(np.zeros(self.shape, dtype=self.dtype))

    def squared_norm(self):
        return float((self.values ** 2).sum())

    def __imul__(self, scale):
        self.values *= scale
        return self

    def __repr__(self):
        return "RowSparseGrad(shape=%s, rows=%d)" % (self.shape, self.rows.shape[0])


def _sum_into_rows(slot, n_slots, src, base, coef):
    """(n_slots, D) array whose row k sums coef[i] * base[src[i]] over the i with slot[i] == k."""
    B = base.shape[0]
    if n_slots * B <= (1 << 22):
        mix = np.bincount(slot * B + src, weights=coef, minlength=n_slots * B)
        return mix.reshape(n_slots, B).astype(base.dtype, copy=False) @ base
    out = np.zeros((n_slots, base.shape[1]), dtype=base.dtype)
    scatter_add(out, slot, _scaled_take(base, src, coef))
    return out


def _scaled_take(base, src, coef):
    """Rows base[src] (n, D), each multiplied by coef (n,) unless coef is None."""
    picked = base.take(src, axis=0)
    if coef is not None:
        picked *= coef[:, None]
    return picked


def squared_norm(grad):
    """Sum of squares of a dense or row-sparse gradient."""
    if isinstance(grad, RowSparseGrad):
        return grad.squared_norm()
    return float((grad * grad).sum())


def to_dense(grad):
    """The gradient as a dense array (a row-sparse one is scattered into zeros)."""
    return grad.to_dense() if isinstance(grad, RowSparseGrad) else grad
