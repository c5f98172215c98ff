"""Row-sparse gradients for embedding tables.

An embedding lookup touches only the rows it read, so its gradient is stored as
``rows`` (K,) unique ids and ``values`` (K, D) instead of a dense (V, D) array.
The object lives in a layer's ``grads`` list and is rewritten in place by every
backward pass, exactly like a dense gradient array.
"""
from common.np import np, scatter_add, sum_rows_by_id


class RowSparseGrad:
    """Gradient of a (V, D) parameter that is non-zero only on ``rows``."""

    def __init__(self, shape, dtype):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.rows = np.zeros(0, dtype=np.int64)
        self.values = np.zeros((0,) + self.shape[1:], dtype=self.dtype)

    def assign(self, ids, dout):
        """Set the gradient to the sum of ``dout`` rows scattered at ``ids``."""
        ids = ids.reshape(-1)
        dout = dout.reshape(ids.shape[0], -1)
        self.rows, self.values = sum_rows_by_id(ids, dout.astype(self.dtype, copy=False))

    def assign_scaled_rows(self, ids, coef, base, src):
        """Set the gradient to sum_i coef[i] * base[src[i]] scattered at ids[i].

        ids, coef, src: (n,); base: (B, D). When the rows come from a small
        batch (word2vec), this is one (K, B) x (B, D) matrix product, much faster
        than summing n explicit (D,) rows.
        """
        ids, coef, src = ids.reshape(-1), coef.reshape(-1), src.reshape(-1)
        B = base.shape[0]
        rows, inverse = np.unique(ids, return_inverse=True)
        K = rows.shape[0]
        if K * B > (1 << 22):
            self.assign(ids, coef[:, None] * base[src])
            return
        mix = np.bincount(inverse.reshape(-1) * B + src, weights=coef, minlength=K * B)
        self.rows = rows
        self.values = mix.reshape(K, B).astype(self.dtype, copy=False) @ base.astype(self.dtype, copy=False)

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


def squared_norm(grad):
    """Sum of squares of a dense or row-sparse gradient."""
    if isinstance(grad, RowSparseGrad):
        return grad.squared_norm()
    return float((grad * grad).sum())


def to_dense(grad):
    return grad.to_dense() if isinstance(grad, RowSparseGrad) else grad
