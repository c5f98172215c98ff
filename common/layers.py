"""Feed-forward layers (chapter 1 and 4 of the book).

Protocol: ``params`` and ``grads`` are aligned lists; ``backward`` writes each
gradient in place (``grads[i][...] = g``) so models can collect the lists once.
Shapes: N batch, D input features, H output features, C classes, V vocabulary.
"""
from common.functions import as_label_ids, column_sums, log_softmax, sigmoid, softmax, softplus
from common.input_checks import as_float_input, check_ids, check_shape
from common.np import np
from common.parallel import for_row_blocks
from common.rng import rand
from common.sparse import RowSparseGrad


def collect_params(*layers):
    """(params, grads) of ``layers`` in order: the aligned lists a model or composite layer exposes."""
    params, grads = [], []
    for layer in layers:
        params += layer.params
        grads += layer.grads
    return params, grads


class MatMul:
    """y = x W with W (D, H); x (N, D) -> (N, H).

    x may be integer one-hot rows, as the book's chapter 3 passes them: they are read as W's dtype.
    """

    param_names = ("W",)

    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x = None

    def forward(self, x):
        W, = self.params
        x = as_float_input(x, W.shape[0], W.dtype)
        self.x = x
        return x @ W

    def backward(self, dout):
        W, = self.params
        self.grads[0][...] = self.x.T @ dout
        return dout @ W.T


class Affine:
    """y = x W + b with W (D, H), b (H,); x (N, D) -> (N, H).

        y  = x W + b
        dW = x^T dout
        db = sum of dout over the batch
        dx = dout W^T

    ``params`` are the W and b passed in, so layers built from the same array (or from a
    transposed view of an embedding matrix, the book's weight tying) share it.

    Speed path (``stacked``): when the batch has many rows, W and b are copied into one
    (D + 1, H) matrix Wb = [W; b] at every forward, and x gets a column of ones, so

        y   = [x, 1] Wb
        dWb = [x, 1]^T dout       (dW and db in one product)

    which saves two passes over the (N, H) output (adding b, summing db) for one copy of W:
    about 5% of the README job's step (H 100, V 10,000, N 700: 45 against 42.5 ms). The gradients are always the rows
    of one (D + 1, H) buffer.
    """

    param_names = ("W", "b")
    stacked_path = True     # False: always the plain form (benchmarks.speed_paths times the difference)

    def __init__(self, W, b):
        if b.shape != W.shape[1:]:
            raise ValueError("Affine expects W (D, H) and b (H,); got %s and %s" % (W.shape, b.shape))
        self.params = [W, b]
        self.x = None
        self.stacked = False
        self._Wb = None
        if W.flags.c_contiguous:
            self._dWb = np.zeros((W.shape[0] + 1, W.shape[1]), dtype=W.dtype)
            self.grads = [self._dWb[:-1], self._dWb[-1]]
        else:               # a transposed view (tied weights): dW in W's own memory layout (see backward)
            self._dWb = None
            self.grads = [np.zeros_like(W), np.zeros_like(b)]

    def forward(self, x):
        W, b = self.params
        x = as_float_input(x, W.shape[0], W.dtype)
        check_shape(x, (None, W.shape[0]), "(N, D)", "x")
        N, D = x.shape
        self.stacked = self.stacked_path and self._dWb is not None and N >= 2 * D and x.dtype == W.dtype
        if self.stacked:
            return self._stacked_forward(x)
        self.x = x
        out = x @ W
        for_row_blocks(lambda i, j: np.add(out[i:j], b, out=out[i:j]), out.shape[0], out.shape[1])
        return out

    def _stacked_forward(self, x):
        W, b = self.params
        N, D = x.shape
        if self._Wb is None:
            self._Wb = np.empty_like(self._dWb)
        self._Wb[:-1] = W
        self._Wb[-1] = b
        x1 = np.empty((N, D + 1), dtype=x.dtype)
        x1[:, :D] = x
        x1[:, D] = 1
        self.x = x1
        return x1 @ self._Wb

    def backward(self, dout):
        W, _ = self.params
        dW, db = self.grads
        if self.stacked:
            np.matmul(self.x.T, dout, out=self._dWb)
        else:
            if dW.flags.c_contiguous:
                np.matmul(self.x.T, dout, out=dW)
            else:           # W is a transposed view (tied weights): write dW^T = dout^T x row by row
                np.matmul(dout.T, self.x, out=dW.T)
            column_sums(dout, out=db)
        return dout @ W.T


class Sigmoid:
    """y = 1 / (1 + exp(-x)), element-wise, any shape."""
    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class ReLU:
    """y = max(x, 0), element-wise, any shape."""
    def __init__(self):
        self.params, self.grads = [], []
        self.mask = None

    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


class Softmax:
    """Softmax over the last axis; backward is the softmax Jacobian-vector product."""

    def __init__(self):
        self.params, self.grads = [], []
        self.out = None

    def forward(self, x):
        self.out = softmax(x)
        return self.out

    def backward(self, dout):
        dx = self.out * dout
        dx -= self.out * dx.sum(axis=-1, keepdims=True)
        return dx


class SoftmaxWithLoss:
    """Mean cross-entropy of softmax(x) (N, C) against labels t (N,) or one-hot (N, C).

    Rows whose label is ``ignore_label`` (default -1, as in ``TimeSoftmaxWithLoss``) count
    for nothing: the loss is the mean over the other rows. When every row is ignored the
    loss is 0 and the gradient is zero (there is nothing to learn from), not NaN.
    """

    def __init__(self, ignore_label=-1):
        self.params, self.grads = [], []
        self.ignore_label = ignore_label
        self.y = None
        self.cache = None

    def forward(self, x, t):
        t = as_label_ids(t, x.shape[1])
        if t.shape[0] != x.shape[0]:
            raise ValueError("scores have %d rows but labels %d" % (x.shape[0], t.shape[0]))
        mask = t != self.ignore_label
        t = np.where(mask, t, 0)
        check_ids(t, x.shape[1], "labels")
        count = max(int(mask.sum()), 1)
        logp = log_softmax(x)
        self.y = np.exp(logp)
        self.cache = (t, mask, count)
        return -(logp[np.arange(x.shape[0]), t] * mask).sum() / count

    def backward(self, dout=1):
        t, mask, count = self.cache
        dx = self.y.copy()
        dx[np.arange(t.shape[0]), t] -= 1
        dx *= mask[:, None] * (dout / count)
        return dx


class SigmoidWithLoss:
    """Mean binary cross-entropy of sigmoid(x) (N,) against 0/1 labels t (N,)."""

    def __init__(self):
        self.params, self.grads = [], []
        self.y = None
        self.t = None

    def forward(self, x, t):
        if t.shape != x.shape:
            raise ValueError("scores %s and labels %s must have the same shape"
                             % (tuple(x.shape), tuple(t.shape)))
        self.t = t.astype(x.dtype)
        self.y = sigmoid(x)
        # -t log sigmoid(x) - (1 - t) log(1 - sigmoid(x)) = softplus(x) - x t
        loss = softplus(x) - x * self.t
        return loss.mean()

    def backward(self, dout=1):
        return (self.y - self.t) * (dout / self.t.size)


class Dropout:
    """Inverted dropout: scale kept units by 1/(1-ratio) in training, identity at test.

    ``train_flg`` is an attribute (as in the book's TimeDropout); models flip it. The book's
    ``forward(x, train_flg)`` call works too: the argument, when given, sets the attribute.
    The book's own Dropout scales at test time instead, by (1 - ratio); the expected output
    is the same.
    """

    def __init__(self, dropout_ratio=0.5):
        if not 0.0 <= dropout_ratio < 1.0:
            raise ValueError("dropout_ratio must be in [0, 1), got %r" % dropout_ratio)
        self.params, self.grads = [], []
        self.dropout_ratio = dropout_ratio
        self.train_flg = True
        self.mask = None

    def forward(self, x, train_flg=None):
        if train_flg is not None:
            self.train_flg = bool(train_flg)
        if not self.train_flg or self.dropout_ratio == 0.0:
            self.mask = None
            return x
        keep = rand(x.shape, x.dtype) >= self.dropout_ratio
        self.mask = keep.astype(x.dtype) * (1.0 / (1.0 - self.dropout_ratio))
        return x * self.mask

    def backward(self, dout):
        return dout if self.mask is None else dout * self.mask


class Embedding:
    """Row lookup ``W[ids]``: ids of any shape S -> (*S, D). W is (V, D).

    The gradient is a :class:`RowSparseGrad`: only the rows that were read are
    stored, never a dense (V, D) buffer.
    """

    param_names = ("W",)

    def __init__(self, W):
        self.params = [W]
        self.grads = [RowSparseGrad(W.shape, W.dtype)]
        self.ids = None

    def forward(self, ids):
        W, = self.params
        check_ids(ids, W.shape[0])
        self.ids = ids
        return W.take(ids, axis=0)

    def backward(self, dout):
        self.grads[0].assign(self.ids, dout)
        return None
