"""Time layers: every layer that reads a whole (N, T, ...) batch of sequences (book chapters 5-8).

Sections, in order:
- word-level layers over time: TimeEmbedding, TimeAffine, TimeDropout, TimeSoftmaxWithLoss;
- recurrent layers: the one-step classes RNN, LSTM, GRU, whose ``step`` and ``step_backward``
  hold each recurrence's equations, then TimeRNN, TimeLSTM, TimeGRU looping over them, and
  TimeBidirectional (with the book's TimeBiLSTM);
- RNN with contextual features: TimeContext, TimeRNNCF;
- pooling a sequence into one vector: TimeSelectLast, TimeMaskedMean.

Shapes: N batch, T time steps, D input size, H hidden size, V vocabulary.
Recurrent parameters are Wx (D, G*H), Wh (H, G*H) and b (G*H,), where G is the
number of fused gates (RNN 1, GRU 3, LSTM 4). The input projection ``xs @ Wx`` of
all T steps is one matrix product, and so are dWx, dWh and dxs in backward; only
``h @ Wh`` and the gate arithmetic stay inside the time loop. Internally the
recurrent layers work time-major, (T, N, ...), so every per-step slice is contiguous.
"""
import numpy

from common.functions import column_sums, sigmoid
from common.input_checks import check_float, check_ids, check_ndim, check_shape
from common.layers import Affine, Dropout, Embedding, SigmoidWithLoss, collect_params
from common.np import np
from common.parallel import for_row_blocks


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


def _exp_rows(x, e, sums):
    """e = exp(x - m) and sums = sum_v e_v for scores x (R, V), into e (R, V) and sums (R, 1); returns m (R, 1).

    m = 0 on every row whose sum lies in [2^-64, 2^64]: no exp overflowed, the terms that underflowed
    are below 2^-60 of the sum, and backward's dout / (count * sum) stays a normal float. The other
    rows are done again with m = their maximum.
    """
    def block(a, b):
        with numpy.errstate(over="ignore", under="ignore"):
            np.exp(x[a:b], out=e[a:b])
            e[a:b].sum(axis=1, keepdims=True, out=sums[a:b])

    for_row_blocks(block, x.shape[0], x.shape[1])
    m = np.zeros_like(sums)
    unsafe = np.flatnonzero(~((sums >= 2.0 ** -64) & (sums <= 2.0 ** 64)))
    if unsafe.size:
        x_unsafe = x[unsafe]
        m_unsafe = x_unsafe.max(axis=1, keepdims=True)
        e_unsafe = np.exp(x_unsafe - m_unsafe)
        m[unsafe], e[unsafe], sums[unsafe] = m_unsafe, e_unsafe, e_unsafe.sum(axis=1, keepdims=True)
    return m


class TimeSoftmaxWithLoss:
    """Mean cross-entropy over all (N, T) positions whose label != ignore_label.

    xs: scores (N, T, V); ts: ids (N, T) or one-hot (N, T, V). With the rows x of xs (N*T, V):

        m       = 0 where sum_v exp(x_v) is a safe float, else max_v x_v
        e       = exp(x - m)
        log Z   = m + log sum_v e_v
        loss    = -mean over kept positions of (x_t - log Z)
        dx      = (e / sum_v e_v - onehot(t)) * dout / count     (0 on ignored positions)

    Any shift m gives the same softmax e / sum e; the book always takes m = max. Speed only: the max
    costs a pass over the (N*T, V) scores, so it is taken only for the rows whose plain sums overflow
    or come near underflow (``_exp_rows``), and x_t - log Z stays finite either way. Forward
    keeps e and its row sums; backward normalises and scales in one pass over the same buffer. The
    passes run in row blocks on all cores (``common.parallel``; 1 call on small arrays and on the GPU).
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
        m = _exp_rows(scores, exps, sums)
        log_z = (m + np.log(sums))[:, 0]
        picked = (scores[np.arange(N * T), ts_flat] - log_z) * mask
        count = max(int(mask.sum()), 1)
        self.cache = (ts_flat, exps, sums, mask, count, (N, T, V))
        return -picked.sum() / count

    def backward(self, dout=1):
        """Returns (softmax - onehot) * dout / count, written into the forward's exp buffer."""
        ts_flat, dx, sums, mask, count, shape = self.cache
        self.cache = None
        scale = (dout / count) * mask[:, None]                  # (N*T, 1), 0 on ignored positions
        row_scale = (scale / sums).astype(dx.dtype, copy=False)
        for_row_blocks(lambda a, b: np.multiply(dx[a:b], row_scale[a:b], out=dx[a:b]), dx.shape[0], dx.shape[1])
        dx[np.arange(ts_flat.shape[0]), ts_flat] -= scale[:, 0].astype(dx.dtype, copy=False)
        return dx.reshape(shape)


class RNN:
    """One step of a simple RNN: h_t = tanh(x_t Wx + h_{t-1} Wh + b).

    forward(x (N, D), h_prev (N, H)) -> h_next (N, H); backward(dh_next) -> (dx, dh_prev).
    Parameters Wx (D, H), Wh (H, H), b (H,). With ``activation="relu"``, h_t = max(0, ...).
    """

    param_names = ("Wx", "Wh", "b")

    def __init__(self, Wx, Wh, b, activation="tanh"):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.activation = activation
        self.cache = None

    @staticmethod
    def step(a_x, h_prev, Wh, activation="tanh"):
        """a_x (N, H) = x_t Wx + b -> h_t (N, H)."""
        a = a_x + h_prev @ Wh
        return np.tanh(a) if activation == "tanh" else np.maximum(a, 0)

    @staticmethod
    def step_backward(dh_next, h_next, WhT, activation="tanh"):
        """-> (da, dh_prev), da (N, H) the gradient of a = a_x + h_{t-1} Wh."""
        da = dh_next * (1 - h_next ** 2) if activation == "tanh" else dh_next * (h_next > 0)
        dh_prev = da @ WhT
        return da, dh_prev

    def forward(self, x, h_prev):
        Wx, Wh, b = self.params
        h_next = self.step(x @ Wx + b, h_prev, Wh, self.activation)
        self.cache = (x, h_prev, h_next)
        return h_next

    def backward(self, dh_next):
        Wx, Wh, _ = self.params
        x, h_prev, h_next = self.cache
        da, dh_prev = self.step_backward(dh_next, h_next, Wh.T, self.activation)
        _input_side_grads(self.grads, x, da)
        self.grads[1][...] = h_prev.T @ da
        return da @ Wx.T, dh_prev


class LSTM:
    """One LSTM step, gates fused in the book's column order f, g, i, o.

    forward(x (N, D), h_prev (N, H), c_prev (N, H)) -> (h_next, c_next);
    backward(dh_next, dc_next) -> (dx, dh_prev, dc_prev).
    Parameters Wx (D, 4H), Wh (H, 4H), b (4H,).
    """

    param_names = ("Wx", "Wh", "b")

    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.cache = None

    @staticmethod
    def step(a_x, h_prev, c_prev, Wh):
        """a_x (N, 4H) = x_t Wx + b -> (h_t, c_t, cache for step_backward)."""
        return LSTM.cell(a_x + h_prev @ Wh, c_prev)

    @staticmethod
    def cell(a, c_prev):
        """a (N, 4H) = x_t Wx + h_{t-1} Wh + b -> (h_t, c_t, cache for cell_backward)."""
        H = c_prev.shape[1]
        f = sigmoid(a[:, :H])               # forget gate
        g = np.tanh(a[:, H:2 * H])          # candidate memory
        i = sigmoid(a[:, 2 * H:3 * H])      # input gate
        o = sigmoid(a[:, 3 * H:])           # output gate
        c_next = f * c_prev + g * i
        tanh_c = np.tanh(c_next)
        h_next = o * tanh_c
        return h_next, c_next, (c_prev, f, g, i, o, tanh_c)

    @staticmethod
    def step_backward(dh_next, dc_next, cache, WhT):
        """-> (da, dh_prev, dc_prev), da (N, 4H) the gradient of a = a_x + h_{t-1} Wh."""
        da, dc_prev = LSTM.cell_backward(dh_next, dc_next, cache)
        return da, da @ WhT, dc_prev

    @staticmethod
    def cell_backward(dh_next, dc_next, cache):
        """-> (da, dc_prev), da (N, 4H) the gradient of the gate inputs a.

        ds is the whole gradient reaching c_t: through h_t, and from step t + 1.
        """
        c_prev, f, g, i, o, tanh_c = cache
        ds = dc_next + dh_next * o * (1 - tanh_c ** 2)
        da_f = ds * c_prev * f * (1 - f)
        da_g = ds * i * (1 - g ** 2)
        da_i = ds * g * i * (1 - i)
        da_o = dh_next * tanh_c * o * (1 - o)
        da = np.concatenate((da_f, da_g, da_i, da_o), axis=1)
        dc_prev = ds * f
        return da, dc_prev

    def forward(self, x, h_prev, c_prev):
        Wx, Wh, b = self.params
        h_next, c_next, step_cache = self.step(x @ Wx + b, h_prev, c_prev, Wh)
        self.cache = (x, h_prev, step_cache)
        return h_next, c_next

    def backward(self, dh_next, dc_next):
        Wx, Wh, _ = self.params
        x, h_prev, step_cache = self.cache
        da, dh_prev, dc_prev = self.step_backward(dh_next, dc_next, step_cache, Wh.T)
        _input_side_grads(self.grads, x, da)
        self.grads[1][...] = h_prev.T @ da
        return da @ Wx.T, dh_prev, dc_prev


class GRU:
    """One GRU step, gates fused in the order z, r, n (update, reset, candidate), in one of two forms.

    reset_after=False, the book's (appendix C): the reset gate scales h before the hidden product.
    reset_after=True, as cuDNN and PyTorch's nn.GRU: the reset gate scales the hidden product, which
    has its own bias bh (3H,), and z keeps the old state. Equations in ``step`` and ``step_after``.

    forward(x (N, D), h_prev (N, H)) -> h_next; backward(dh_next) -> (dx, dh_prev).
    Parameters Wx (D, 3H), Wh (H, 3H), b (3H,), and with reset_after bh (3H,).
    PyTorch stacks its gates as [r, z, n] in rows: Wx = weight_ih with its z and r blocks swapped,
    transposed; likewise Wh from weight_hh, b from bias_ih and bh from bias_hh.
    """

    param_names = ("Wx", "Wh", "b")

    def __init__(self, Wx, Wh, b, reset_after=False, bh=None):
        self.params = [Wx, Wh, b]
        _add_recurrent_bias(self, reset_after, bh)
        self.grads = [np.zeros_like(p) for p in self.params]
        self.cache = None

    @staticmethod
    def step(a_x, h_prev, Wh):
        """The book's form; a_x (N, 3H) = x_t Wx + b -> (h_t, cache for step_backward)."""
        H = h_prev.shape[1]
        z = sigmoid(a_x[:, :H] + h_prev @ Wh[:, :H])
        r = sigmoid(a_x[:, H:2 * H] + h_prev @ Wh[:, H:2 * H])
        rh = r * h_prev
        n = np.tanh(a_x[:, 2 * H:] + rh @ Wh[:, 2 * H:])
        h_next = (1 - z) * h_prev + z * n
        return h_next, (h_prev, z, r, n, rh)

    @staticmethod
    def step_backward(dh_next, cache, WhT):
        """-> (da, dh_prev); da (N, 3H) the gradient of the gates' inputs [a_z, a_r, a_n].

        Wh's gradient is h_{t-1}^T [da_z, da_r] in its z and r columns and (r h_{t-1})^T da_n in n's.
        """
        h_prev, z, r, n, rh = cache
        H = h_prev.shape[1]
        da_n = dh_next * z * (1 - n ** 2)
        d_rh = da_n @ WhT[2 * H:]
        da_r = d_rh * h_prev * r * (1 - r)
        da_z = dh_next * (n - h_prev) * z * (1 - z)
        da = np.concatenate((da_z, da_r, da_n), axis=1)
        dh_prev = dh_next * (1 - z) + d_rh * r + da[:, :2 * H] @ WhT[:2 * H]
        return da, dh_prev

    @staticmethod
    def step_after(a_x, h_prev, Wh, bh):
        """The reset_after form; a_x (N, 3H) = x_t Wx + b -> (h_t, cache for step_after_backward)."""
        H = h_prev.shape[1]
        hidden = h_prev @ Wh + bh                      # (N, 3H)
        z = sigmoid(a_x[:, :H] + hidden[:, :H])
        r = sigmoid(a_x[:, H:2 * H] + hidden[:, H:2 * H])
        n = np.tanh(a_x[:, 2 * H:] + r * hidden[:, 2 * H:])
        h_next = (1 - z) * n + z * h_prev
        return h_next, (h_prev, z, r, n, hidden[:, 2 * H:])

    @staticmethod
    def step_after_backward(dh_next, cache, WhT):
        """-> (da, d_hidden, dh_prev): da (N, 3H) the gradient of the gates' inputs, d_hidden that of
        h_{t-1} Wh + bh (it differs from da in the candidate's block, scaled there by r)."""
        h_prev, z, r, n, hidden_n = cache
        da_n = dh_next * (1 - z) * (1 - n ** 2)
        da_r = da_n * hidden_n * r * (1 - r)
        da_z = dh_next * (h_prev - n) * z * (1 - z)
        da = np.concatenate((da_z, da_r, da_n), axis=1)
        d_hidden = np.concatenate((da_z, da_r, da_n * r), axis=1)
        dh_prev = dh_next * z + d_hidden @ WhT
        return da, d_hidden, dh_prev

    @property
    def reset_after(self):
        return len(self.params) == 4

    def forward(self, x, h_prev):
        Wx, Wh, b = self.params[:3]
        if self.reset_after:
            h_next, step_cache = self.step_after(x @ Wx + b, h_prev, Wh, self.params[3])
        else:
            h_next, step_cache = self.step(x @ Wx + b, h_prev, Wh)
        self.cache = (x, step_cache)
        return h_next

    def backward(self, dh_next):
        Wx, Wh = self.params[:2]
        x, step_cache = self.cache
        h_prev = step_cache[0]
        if self.reset_after:
            da, d_hidden, dh_prev = self.step_after_backward(dh_next, step_cache, Wh.T)
            self.grads[1][...] = h_prev.T @ d_hidden
            self.grads[3][...] = d_hidden.sum(axis=0)
        else:
            da, dh_prev = self.step_backward(dh_next, step_cache, Wh.T)
            _gru_hidden_grad(self.grads[1], h_prev, step_cache[4], da)
        _input_side_grads(self.grads, x, da)
        return da @ Wx.T, dh_prev


def _input_side_grads(grads, x, da):
    """dWx = x^T da and db = sum of da over rows, into grads[0] and grads[2]; x (M, D), da (M, G*H)."""
    np.matmul(x.T, da, out=grads[0])
    column_sums(da, out=grads[2])


def _gru_hidden_grad(dWh, h_prev, rh, da):
    """The book's GRU: dWh = h_{t-1}^T [da_z, da_r] in z and r's columns, (r h_{t-1})^T da_n in n's."""
    H = h_prev.shape[1]
    dWh[:, :2 * H] = h_prev.T @ da[:, :2 * H]
    dWh[:, 2 * H:] = rh.T @ da[:, 2 * H:]


def _add_recurrent_bias(layer, reset_after, bh):
    """Append the reset_after GRU's recurrent bias bh (zeros unless given) to layer.params."""
    b = layer.params[2]
    if reset_after:
        bh = np.zeros_like(b) if bh is None else bh
        if bh.shape != b.shape:
            raise ValueError("bh must have the shape of b %s, got %s" % (b.shape, bh.shape))
        layer.params.append(bh)
        layer.param_names = ("Wx", "Wh", "b", "bh")
    elif bh is not None:
        raise ValueError("bh (a recurrent bias) exists only with reset_after=True")


class TimeRecurrent:
    """A recurrent layer over (N, T, D) batches: parameter checks, state handling, batched projections.

    forward: X = xs Wx + b for all T steps in one product, then the subclass's ``_steps_forward``
    loops its one-step class over X; backward: ``_steps_backward`` returns the gradient dX of
    every step's a_x, and dWx, db and dxs follow from it in one product each.
    """

    n_gates = 1
    has_cell = False
    param_names = ("Wx", "Wh", "b")

    def __init__(self, Wx, Wh, b, stateful=False):
        H = Wh.shape[0]
        G = self.n_gates
        if Wh.shape != (H, G * H) or Wx.shape[1] != G * H or b.shape != (G * H,):
            raise ValueError(
                "%s expects Wx (D, %d*H), Wh (H, %d*H), b (%d*H,); got %s, %s, %s"
                % (type(self).__name__, G, G, G, Wx.shape, Wh.shape, b.shape))
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.stateful = stateful
        self.h = self.c = None     # last hidden (and cell) state, (N, H)
        self.dh = self.dc = None   # gradient w.r.t. the initial state, (N, H)
        self.cache = None
        self.step_caches = None    # what each step's step_backward needs

    @property
    def hidden_size(self):
        return self.params[1].shape[0]

    def set_state(self, h, c=None):
        """Start the next forward from h (and c); only stateful layers keep a state."""
        if not self.stateful and (h is not None or c is not None):
            raise ValueError("%s was created with stateful=False, so a state set now would be ignored; "
                             "create it with stateful=True" % type(self).__name__)
        self.h = h
        self.c = c

    def reset_state(self):
        self.h = self.c = None

    def _initial(self, state, N, dtype):
        H = self.hidden_size
        if state is None or not self.stateful:
            return np.zeros((N, H), dtype=dtype)
        if state.shape != (N, H):
            raise ValueError("%s state has shape %s but the batch needs (%d, %d); "
                             "call reset_state() when the batch size changes"
                             % (type(self).__name__, tuple(state.shape), N, H))
        return state

    def _check_input(self, xs):
        check_float(xs, "xs")
        check_shape(xs, (None, None, self.params[0].shape[0]), "(N, T, D)", "xs")

    def forward(self, xs):
        self._check_input(xs)
        Wx, b = self.params[0], self.params[2]
        N, T, D = xs.shape
        xs_tm = np.ascontiguousarray(xs.transpose(1, 0, 2))           # time-major (T, N, D)
        X = (xs_tm.reshape(T * N, D) @ Wx).reshape(T, N, -1)
        X += b
        h0 = self._initial(self.h, N, xs.dtype)
        c0 = self._initial(self.c, N, xs.dtype) if self.has_cell else None
        hs = np.empty((T, N, self.hidden_size), dtype=xs.dtype)
        self.step_caches = self._steps_forward(X, h0, c0, hs)
        self.cache = (xs_tm, h0, hs)
        self.h = hs[-1]
        return hs.transpose(1, 0, 2)

    def backward(self, dhs, dc_last=None):
        """dhs (N, T, H) -> dxs (N, T, D); also sets ``self.dh`` (and ``self.dc``)."""
        Wx = self.params[0]
        xs_tm, h0, hs = self.cache
        T, N, D = xs_tm.shape
        dhs_tm = dhs.transpose(1, 0, 2)
        dX = self._steps_backward(dhs_tm, dc_last)                     # (T, N, G*H)
        dX_flat = dX.reshape(T * N, -1)
        _input_side_grads(self.grads, xs_tm.reshape(T * N, D), dX_flat)
        return (dX_flat @ Wx.T).reshape(T, N, D).transpose(1, 0, 2)

    def _hidden_weights_transposed(self):
        """Wh^T as a contiguous copy, made once per backward pass.

        Speed only: the per-step (N, G*H) x (G*H, H) product runs about 1.5x faster on it than on
        the transposed view Wh.T (BetterRnnlm: 0.66 vs 0.99 ms per product).
        """
        return np.ascontiguousarray(self.params[1].T)

    def _previous_h(self):
        """Hidden state entering each step, (T * N, H)."""
        _, h0, hs = self.cache
        T, N, H = hs.shape
        return np.concatenate([h0[None], hs[:-1]], axis=0).reshape(T * N, H)


class TimeRNN(TimeRecurrent):
    """T steps of ``RNN``: xs (N, T, D) -> hs (N, T, H), h_t = tanh(x_t Wx + h_{t-1} Wh + b)
    (the IRNN of Le et al. 2015 is the ReLU form started from Wh = I, b = 0: ``common.init.recurrent_layer``)."""

    def __init__(self, Wx, Wh, b, stateful=False, activation="tanh"):
        super().__init__(Wx, Wh, b, stateful)
        if activation not in ("tanh", "relu"):
            raise ValueError("activation must be 'tanh' or 'relu', got %r" % activation)
        self.activation = activation

    def _steps_forward(self, X, h, _c0, hs):
        Wh = self.params[1]
        for t in range(len(X)):
            h = hs[t] = RNN.step(X[t], h, Wh, self.activation)

    def _steps_backward(self, dhs, _dc_last):
        WhT = self._hidden_weights_transposed()
        hs = self.cache[2]
        dX = np.empty_like(hs)
        dh = 0
        for t in reversed(range(len(hs))):
            dX[t], dh = RNN.step_backward(dhs[t] + dh, hs[t], WhT, self.activation)
        self.dh = dh
        np.matmul(self._previous_h().T, dX.reshape(-1, dX.shape[2]), out=self.grads[1])
        return dX


class TimeLSTM(TimeRecurrent):
    """T steps of ``LSTM``: xs (N, T, D) -> hs (N, T, H), gates fused in the book's order f, g, i, o.

    At every step, with a = x_t Wx + h_{t-1} Wh + b (N, 4H) cut into four (N, H) blocks:

        f = sigmoid(a_f)                forget gate
        g = tanh(a_g)                   candidate memory
        i = sigmoid(a_i)                input gate
        o = sigmoid(a_o)                output gate
        c_t = f * c_{t-1} + g * i
        h_t = o * tanh(c_t)
    """

    n_gates = 4
    has_cell = True
    stacked_path = True     # False: always the reference form (benchmarks.speed_paths times the difference)

    def forward(self, xs):
        D, H = self.params[0].shape[0], self.hidden_size
        self.stacked = self.stacked_path and 4 * D <= H
        return self._stacked_forward(xs) if self.stacked else super().forward(xs)

    def backward(self, dhs, dc_last=None):
        return self._stacked_backward(dhs, dc_last) if self.stacked else super().backward(dhs, dc_last)

    def _steps_forward(self, X, h, c, hs):
        Wh = self.params[1]
        caches = []
        for t in range(len(X)):
            h, c, cache = LSTM.step(X[t], h, c, Wh)
            hs[t] = h
            caches.append(cache)
        self.c = c
        return caches

    def _stacked_forward(self, xs):
        """Speed path (``stacked``) for a small input (4 D <= H: the 16-wide embeddings of ch07 and ch08):

            a = [x_t, h_{t-1}] [Wx; Wh] + b           one (N, D + H) (D + H, 4H) product per step

        instead of X = xs Wx + b for all steps and then X[t] + h_{t-1} Wh, which writes and reads
        the whole (T, N, 4H) X (15 MB for the attention model's encoder) for a product of width D.
        The same equations (``LSTM.cell``); backward takes dx_t and dh_{t-1} from one product per
        step and dWx, dWh from one product over all steps. Equal to the reference form to rounding
        (tests/test_time_layers.py); without it a training step takes 1.07x as long for the attention
        model and 1.18x for ch07's Seq2seq (``python -m benchmarks.speed_paths --form unstacked-lstm
        --models seq2seq attention``).
        """
        self._check_input(xs)
        Wx, Wh, b = self.params
        N, T, D = xs.shape
        H = self.hidden_size
        W = np.concatenate((Wx, Wh))                                    # (D + H, 4H)
        xh = np.empty((T, N, D + H), dtype=xs.dtype)                    # [x_t, h_{t-1}], time-major
        xh[:, :, :D] = xs.transpose(1, 0, 2)
        xh[0, :, D:] = self._initial(self.h, N, xs.dtype)
        c = self._initial(self.c, N, xs.dtype)
        hs = np.empty((T, N, H), dtype=xs.dtype)
        caches = []
        for t in range(T):
            a = xh[t] @ W
            a += b
            hs[t], c, cache = LSTM.cell(a, c)
            if t + 1 < T:
                xh[t + 1, :, D:] = hs[t]
            caches.append(cache)
        self.h, self.c = hs[-1], c
        self.step_caches, self.cache = caches, (xh, W, hs)
        return hs.transpose(1, 0, 2)

    def _stacked_backward(self, dhs, dc_last):
        xh, W, hs = self.cache
        T, N, H = hs.shape
        D = xh.shape[2] - H
        WT = np.ascontiguousarray(W.T)                                  # (4H, D + H)
        dhs_tm = dhs.transpose(1, 0, 2)
        dA = np.empty((T, N, 4 * H), dtype=dhs.dtype)
        dxs = np.empty((T, N, D), dtype=dhs.dtype)
        dh = 0
        dc = 0 if dc_last is None else dc_last
        for t in reversed(range(T)):
            dA[t], dc = LSTM.cell_backward(dhs_tm[t] + dh, dc, self.step_caches[t])
            dxh = dA[t] @ WT                                            # [dx_t, dh_{t-1}]
            dxs[t], dh = dxh[:, :D], dxh[:, D:]
        self.dh, self.dc = dh, dc
        dA_flat = dA.reshape(T * N, 4 * H)
        dW = xh.reshape(T * N, D + H).T @ dA_flat                       # [dWx; dWh]
        self.grads[0][...] = dW[:D]
        self.grads[1][...] = dW[D:]
        column_sums(dA_flat, out=self.grads[2])
        return dxs.transpose(1, 0, 2)

    def _steps_backward(self, dhs, dc_last):
        WhT = self._hidden_weights_transposed()
        T, N, H = dhs.shape
        dX = np.empty((T, N, 4 * H), dtype=dhs.dtype)
        dh = 0
        dc = 0 if dc_last is None else dc_last
        for t in reversed(range(T)):
            dX[t], dh, dc = LSTM.step_backward(dhs[t] + dh, dc, self.step_caches[t], WhT)
        self.dh, self.dc = dh, dc
        np.matmul(self._previous_h().T, dX.reshape(T * N, 4 * H), out=self.grads[1])
        return dX


class TimeGRU(TimeRecurrent):
    """T steps of ``GRU``: xs (N, T, D) -> hs (N, T, H), gates fused in the order z, r, n.

    reset_after=False, the book's (appendix C), the reset gate scales h before the hidden product:

        z = sigmoid(x Wx_z + h Wh_z + b_z)
        r = sigmoid(x Wx_r + h Wh_r + b_r)
        n = tanh(x Wx_n + (r * h) Wh_n + b_n)
        h_t = (1 - z) * h + z * n

    reset_after=True, as cuDNN and PyTorch's nn.GRU: the reset gate scales the hidden product, which
    has its own bias bh (3H,), and z keeps the old state:

        z = sigmoid(x Wx_z + b_z + h Wh_z + bh_z)
        r = sigmoid(x Wx_r + b_r + h Wh_r + bh_r)
        n = tanh(x Wx_n + b_n + r * (h Wh_n + bh_n))
        h_t = (1 - z) * n + z * h

    Parameters: Wx (D, 3H), Wh (H, 3H), b (3H,), and with reset_after bh (3H,) (see ``GRU``).
    """

    n_gates = 3

    def __init__(self, Wx, Wh, b, stateful=False, reset_after=False, bh=None):
        super().__init__(Wx, Wh, b, stateful)
        self.reset_after = reset_after
        _add_recurrent_bias(self, reset_after, bh)
        self.grads = self.grads[:3] + [np.zeros_like(p) for p in self.params[3:]]

    def _steps_forward(self, X, h, _c0, hs):
        Wh = self.params[1]
        caches = []
        for t in range(len(X)):
            if self.reset_after:
                h, cache = GRU.step_after(X[t], h, Wh, self.params[3])
            else:
                h, cache = GRU.step(X[t], h, Wh)
            hs[t] = h
            caches.append(cache)
        return caches

    def _steps_backward(self, dhs, _dc_last):
        WhT = self._hidden_weights_transposed()
        T, N, H = dhs.shape
        dX = np.empty((T, N, 3 * H), dtype=dhs.dtype)
        d_hidden = np.empty_like(dX) if self.reset_after else None
        dh = 0
        for t in reversed(range(T)):
            if self.reset_after:
                dX[t], d_hidden[t], dh = GRU.step_after_backward(dhs[t] + dh, self.step_caches[t], WhT)
            else:
                dX[t], dh = GRU.step_backward(dhs[t] + dh, self.step_caches[t], WhT)
        self.dh = dh
        if self.reset_after:
            d_hidden_flat = d_hidden.reshape(T * N, 3 * H)
            np.matmul(self._previous_h().T, d_hidden_flat, out=self.grads[1])
            column_sums(d_hidden_flat, out=self.grads[3])
        else:
            rh = np.stack([cache[4] for cache in self.step_caches]).reshape(T * N, H)
            _gru_hidden_grad(self.grads[1], self._previous_h(), rh, dX.reshape(T * N, 3 * H))
        return dX


class TimeBidirectional:
    """Runs one layer left-to-right and another right-to-left; concatenates (N, T, 2H)."""

    def __init__(self, forward_layer, backward_layer):
        self.fwd, self.bwd = forward_layer, backward_layer
        self.params, self.grads = collect_params(self.fwd, self.bwd)
        self.H = None

    def forward(self, xs):
        o1 = self.fwd.forward(xs)
        o2 = self.bwd.forward(xs[:, ::-1])[:, ::-1]
        self.H = o1.shape[2]
        return np.concatenate((o1, o2), axis=2)

    def backward(self, dhs):
        H = self.H
        dxs = self.fwd.backward(dhs[:, :, :H])
        dxs = dxs + self.bwd.backward(dhs[:, ::-1, H:])[:, ::-1]
        return dxs

    def reset_state(self):
        self.fwd.reset_state()
        self.bwd.reset_state()


class TimeBiLSTM(TimeBidirectional):
    """The book's TimeBiLSTM(Wx1, Wh1, b1, Wx2, Wh2, b2): output (N, T, 2H)."""

    def __init__(self, Wx1, Wh1, b1, Wx2, Wh2, b2, stateful=False):
        super().__init__(TimeLSTM(Wx1, Wh1, b1, stateful), TimeLSTM(Wx2, Wh2, b2, stateful))


# --- RNN with contextual features ------------------------------------------------------------
# RNN with contextual features (SCRN; Mikolov et al. 2015, "Learning Longer Memory in RNNs").
#
# A slow context state s (N, S) is an exponential moving average of projected inputs,
# and the fast state h (N, H) is a tanh RNN that also reads s:
#
#     s_t = (1 - alpha) x_t B + alpha s_{t-1}
#     h_t = tanh(x_t A + s_t P + h_{t-1} R + b)
#
# ``TimeRNNCF`` outputs [h_t ; s_t] (N, T, H + S), so a following TimeAffine computes
# U h_t + V s_t. Internally the h recurrence is a TimeRNN over [x_t ; s_t] whose input
# weight stacks A over P.

class TimeContext:
    """s_t = (1 - alpha) x_t B + alpha s_{t-1}: xs (N, T, D) -> ss (N, T, S). B is (D, S)."""

    param_names = ("B",)

    def __init__(self, B, alpha=0.9, stateful=False):
        if not 0.0 <= alpha < 1.0:
            raise ValueError("alpha must be in [0, 1), got %r" % alpha)
        self.params, self.grads = [B], [np.zeros_like(B)]
        self.alpha = alpha
        self.stateful = stateful
        self.s = None
        self.ds = None
        self.xs = None

    def reset_state(self):
        self.s = None

    def set_state(self, s):
        self.s = s

    def forward(self, xs):
        check_ndim(xs, 3, "(N, T, D)", "xs")
        B, = self.params
        N, T, D = xs.shape
        inputs = (xs.reshape(N * T, D) @ B).reshape(N, T, -1) * (1 - self.alpha)
        s = self.s if (self.stateful and self.s is not None) else np.zeros((N, B.shape[1]), dtype=xs.dtype)
        ss = np.empty_like(inputs)
        for t in range(T):
            s = inputs[:, t] + self.alpha * s
            ss[:, t] = s
        self.s = s
        self.xs = xs
        return ss

    def backward(self, dss):
        B, = self.params
        N, T, S = dss.shape
        dinputs = np.empty_like(dss)
        ds = np.zeros((N, S), dtype=dss.dtype)
        for t in reversed(range(T)):
            ds = dss[:, t] + ds
            dinputs[:, t] = ds
            ds = self.alpha * ds
        self.ds = ds
        dinputs *= 1 - self.alpha
        D = self.xs.shape[2]
        flat = dinputs.reshape(N * T, S)
        self.grads[0][...] = self.xs.reshape(N * T, D).T @ flat
        return (flat @ B.T).reshape(N, T, D)


class TimeRNNCF:
    """xs (N, T, D) -> [hs ; ss] (N, T, H + S). Params: B (D, S), Wx = [A ; P] (D + S, H), R (H, H), b (H,)."""

    def __init__(self, B, Wx, R, b, alpha=0.9, stateful=False):
        D, S = B.shape
        if Wx.shape[0] != D + S:
            raise ValueError("Wx must stack A (D, H) over P (S, H): expected %d rows, got %d" % (D + S, Wx.shape[0]))
        self.context = TimeContext(B, alpha, stateful)
        self.rnn = TimeRNN(Wx, R, b, stateful)
        self.params, self.grads = collect_params(self.context, self.rnn)
        self.D = D

    def reset_state(self):
        self.context.reset_state()
        self.rnn.reset_state()

    @property
    def h(self):
        return self.rnn.h

    @property
    def c(self):
        return self.context.s

    def set_state(self, h, s=None):
        self.rnn.set_state(h)
        self.context.set_state(s)

    def forward(self, xs):
        ss = self.context.forward(xs)
        hs = self.rnn.forward(np.concatenate((xs, ss), axis=2))
        self.H = hs.shape[2]
        return np.concatenate((hs, ss), axis=2)

    def backward(self, dout):
        dhs, dss = dout[:, :, :self.H], dout[:, :, self.H:]
        dxs_ss = self.rnn.backward(dhs)
        dxs = dxs_ss[:, :, :self.D]
        return dxs + self.context.backward(dss + dxs_ss[:, :, self.D:])


# --- pooling: sequence -> one vector ----------------------------------------------------------
# Sequence-to-vector layers for many-to-one models over right-padded batches.
#
# xs: (N, T, H); lengths: (N,) true lengths in [1, T]; the output is (N, H).

class _Pooling:
    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    @staticmethod
    def _lengths(xs, lengths):
        N, T, _ = xs.shape
        lengths = np.asarray(lengths)
        if lengths.shape != (N,) or int(lengths.min()) < 1 or int(lengths.max()) > T:
            raise ValueError("lengths must be (N,) values in [1, %d], got %s" % (T, lengths))
        return lengths


class TimeSelectLast(_Pooling):
    """h at the last valid step of each row: xs[n, lengths[n] - 1]."""

    def forward(self, xs, lengths):
        last = self._lengths(xs, lengths) - 1
        self.cache = (xs.shape, xs.dtype, last)
        return xs[np.arange(xs.shape[0]), last]

    def backward(self, dout):
        shape, dtype, last = self.cache
        dxs = np.zeros(shape, dtype=dtype)
        dxs[np.arange(shape[0]), last] = dout
        return dxs


class TimeMaskedMean(_Pooling):
    """Mean over the valid steps of each row (an embedding bag when xs are embeddings)."""

    def forward(self, xs, lengths):
        lengths = self._lengths(xs, lengths)
        T = xs.shape[1]
        weights = (np.arange(T)[None, :] < lengths[:, None]).astype(xs.dtype) / lengths[:, None]
        self.cache = weights
        return np.einsum("nt,nth->nh", weights, xs)

    def backward(self, dout):
        return self.cache[:, :, None] * dout[:, None, :]


# The book keeps loop-over-time versions of these two layers for reading; they compute the
# same numbers as the vectorised ones, so under ScratchNLP they are the same classes.
Simple_TimeSoftmaxWithLoss = TimeSoftmaxWithLoss
Simple_TimeAffine = TimeAffine
