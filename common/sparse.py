"""Speed only: row-sparse gradients for embedding tables (a dense (V, D) gradient gives the same numbers).

An embedding lookup touches only the rows it read, so its gradient is stored as
``rows`` (K,) unique ids and ``values`` (K, D) instead of a dense (V, D) array.
The object lives in a layer's ``grads`` list and is rewritten in place by every
backward pass, exactly like a dense gradient array. ``MeanOfRows`` is CBOW's context
mean, whose gradient is such an object.
"""
import numpy

from common.np import GPU, np


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

    def slots(self, ids):
        """ids of any shape, -1 for no entry -> (rows (K,) the distinct ids, slot (shape of ids) each id's
        position in rows, -1 where the id is -1)."""
        flat = ids.reshape(-1)
        if all_present(flat):
            rows, slot = self(flat)
        else:
            present = flat >= 0
            rows, found = self(flat[present])
            slot = np.full(flat.shape, -1, dtype=found.dtype)
            slot[present] = found
        return rows, slot.reshape(ids.shape)


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
        rows, slot = self._finder.slots(ids)
        self.rows, self.values = rows, sum_into_rows(slot, rows.shape[0], base, coef)

    def set(self, rows, values):
        """Set the gradient to ``values`` (K, D) on the unique ``rows`` (K,), 0 elsewhere."""
        self.rows, self.values = rows, values

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


def sum_into_rows(slot, n_slots, base, coef=None):
    """(n_slots, D) array whose row k sums coef[n, m] * base[n] over every (n, m) with slot[n, m] == k.

    slot, coef: (N, M) (coef None means 1; a slot of -1 is no entry); base: (N, D): row n of base
    feeds the M rows slot[n]. It is S^T base for the sparse (N, n_slots) matrix S with
    S[n, slot[n, m]] += coef[n, m]; on the CPU SciPy's sparse product does it in one pass over the
    entries, without an (N*M, D) copy of the rows (``np.add.at`` on rows is 25x slower); on the GPU
    CuPy's atomic ``add.at`` does it.
    """
    N, M = slot.shape
    if GPU:
        present = slot >= 0
        weight = present.astype(base.dtype) if coef is None else coef * present
        picked = np.repeat(base, M, axis=0) * weight.reshape(-1, 1)
        out = np.zeros((n_slots, base.shape[1]), dtype=base.dtype)
        np.add.at(out, np.where(present, slot, 0).reshape(-1), picked)
        return out
    return numpy.asarray(_row_selector(slot, n_slots, coef, base.dtype, transposed=True) @ base, dtype=base.dtype)


class MeanOfRows:
    """Row n of the output is the mean of table[ids[n, c]] over its C columns, with its row-sparse gradient.

    ids (N, C) of a (V, D) table (an id of -1 is no entry; every row needs one). forward finds the
    K distinct ids ``rows`` and builds the batch's (N, K) averaging matrix once; backward reuses it:

        A[n, k] = (number of c with ids[n, c] == rows[k]) / (number of ids in row n)
        out = A table[rows]                      (N, D)
        d table[rows] = A^T dout                 (K, D); every other row's gradient is 0

    On the CPU A is a SciPy sparse matrix and both products are one pass over its entries (2x faster
    than gathering the (N, C, D) rows and averaging them, N 1000, C 10, D 100 or 300), A^T being the
    same three arrays read as CSC; on the GPU a gather, and CuPy's ``add.at`` for the gradient.
    """

    def __init__(self, vocab_size, name="ids"):
        self._finder = UniqueRows(vocab_size)
        self.name = name            # what the ids are called in an error message
        self.cache = None

    def forward(self, table, ids):
        if all_present(ids):
            weight = np.full(ids.shape, 1.0 / ids.shape[1], dtype=table.dtype)
        else:
            present = ids >= 0
            count = present.sum(axis=1, keepdims=True)                          # (N, 1)
            if not bool(count.all()):
                raise ValueError("row %d of %s is all -1: a mean needs at least one id per row"
                                 % (int(np.flatnonzero(count.reshape(-1) == 0)[0]), self.name))
            weight = (present / count).astype(table.dtype)
        rows, slot = self._finder.slots(ids)
        if GPU:
            self.cache = (rows, slot, weight)
            return (table.take(np.where(slot >= 0, ids, 0), axis=0) * weight[:, :, None]).sum(axis=1)
        A = _row_selector(slot, rows.shape[0], weight, table.dtype)
        self.cache = (rows, A)
        return numpy.asarray(A @ table.take(rows, axis=0), dtype=table.dtype)           # table[rows]: (K, D)

    def backward(self, dout):
        """dout (N, D) -> (rows (K,), values (K, D)): the table's gradient, non-zero only on rows."""
        if GPU:
            rows, slot, weight = self.cache
            return rows, sum_into_rows(slot, rows.shape[0], dout, weight)
        rows, A = self.cache
        return rows, numpy.asarray(A.T @ dout, dtype=dout.dtype)


def all_present(ids):
    """True unless some id is -1 (no entry) in an id array; one min() instead of a boolean mask."""
    return ids.size == 0 or int(ids.min()) >= 0


def _row_selector(cols, n_cols, coef, dtype, transposed=False):
    """The sparse (N, n_cols) matrix S with S[n, cols[n, m]] += coef[n, m] (1 where coef is None), as CSR;
    with ``transposed``, S^T (n_cols, N) as CSC, built from the same three arrays.

    A column of -1 is no entry. When every entry is present each row holds exactly M of them, so the
    row pointer is a plain range; a column named twice in one row is two entries, which SciPy's
    products add up. The index arrays are made int32 here, as SciPy would otherwise convert them
    itself (11 us of a 22 us constructor at N*M = 10,000).
    """
    import scipy.sparse

    N, M = cols.shape
    coef = numpy.ones(cols.shape, dtype=dtype) if coef is None else coef
    index = numpy.int32 if max(n_cols, N * M) < 2 ** 31 else numpy.int64
    if all_present(cols):
        data, indices, indptr = coef.reshape(-1), cols.reshape(-1), numpy.arange(0, N * M + 1, M, dtype=index)
    else:
        present = cols >= 0
        data, indices = coef[present], cols[present]
        indptr = numpy.zeros(N + 1, dtype=index)
        numpy.cumsum(present.sum(axis=1), out=indptr[1:])
    arrays = (data.astype(dtype, copy=False), indices.astype(index, copy=False), indptr)
    if transposed:
        return scipy.sparse.csc_matrix(arrays, shape=(n_cols, N))
    return scipy.sparse.csr_matrix(arrays, shape=(N, n_cols))
