"""Time layers: every layer that reads a whole (N, T, ...) batch of sequences (book chapters 5-8).

Sections, in order:
- word-level layers over time: TimeEmbedding, TimeAffine, TimeDropout, TimeSoftmaxWithLoss;
- recurrent layers: TimeRNN, TimeLSTM, TimeGRU, their one-step cells RNN / LSTM / GRU,
  TimeBidirectional (and the book's TimeBiLSTM);
- RNN with contextual features: TimeContext, TimeRNNCF;
- pooling a sequence into one vector: TimeSelectLast, TimeMaskedMean.

Shapes: N batch, T time steps, D input size, H hidden size, V vocabulary.
Recurrent parameters are Wx (D, G*H), Wh (H, G*H) and b (G*H,), where G is the
number of fused gates (RNN 1, GRU 3, LSTM 4). The input projection ``xs @ Wx`` of
all T steps is one matrix product, and so are dWx, dWh and dxs in backward; only
``h @ Wh`` and the gate arithmetic stay inside the time loop. Internally the
recurrent layers work time-major, (T, N, ...), so every per-step slice is contiguous.
"""
from common.checks import check_float, check_ids, check_ndim, check_shape
from common.functions import column_sums, sigmoid
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


class TimeSoftmaxWithLoss:
    """Mean cross-entropy over all (N, T) positions whose label != ignore_label.

    xs: scores (N, T, V); ts: ids (N, T) or one-hot (N, T, V). The softmax is
    computed as exp(x - max) / sum in row blocks on all cores; the loss uses
    x_t - logsumexp(x), so it stays finite even when probabilities underflow.
    Forward keeps exp(x - max) and the row sums; backward normalises and
    scales in one pass over the same buffer.
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
        log_z = np.empty(N * T, dtype=scores.dtype)

        def block(a, b):
            m = scores[a:b].max(axis=1, keepdims=True)
            e = np.subtract(scores[a:b], m, out=exps[a:b])
            np.exp(e, out=e)
            e.sum(axis=1, keepdims=True, out=sums[a:b])
            log_z[a:b] = (m + np.log(sums[a:b]))[:, 0]

        for_row_blocks(block, N * T, V)
        rows = np.arange(N * T)
        picked = (scores[rows, ts_flat] - log_z) * mask
        count = max(int(mask.sum()), 1)
        # softmax = exps / sums; the division is left to backward, where it merges with the scaling
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


TimeSigmoidWithLoss = SigmoidWithLoss  # element-wise, so it already handles (N, T)


# --- recurrent layers ------------------------------------------------------------------------

class TimeRecurrent:
    """Shared machinery: parameter checks, state handling, batched projections."""

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

    def forward(self, xs):
        check_float(xs, "xs")
        check_shape(xs, (None, None, self.params[0].shape[0]), "(N, T, D)", "xs")
        Wx, b = self.params[0], self.params[2]
        N, T, D = xs.shape
        xs_tm = np.ascontiguousarray(xs.transpose(1, 0, 2))           # (T, N, D)
        X = (xs_tm.reshape(T * N, D) @ Wx).reshape(T, N, -1)
        X += b
        h0 = self._initial(self.h, N, xs.dtype)
        c0 = self._initial(self.c, N, xs.dtype) if self.has_cell else None
        hs = self._steps_forward(X, h0, c0)                             # (T, N, H)
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
        np.matmul(xs_tm.reshape(T * N, D).T, dX_flat, out=self.grads[0])
        column_sums(dX_flat, out=self.grads[2])
        return (dX_flat @ Wx.T).reshape(T, N, D).transpose(1, 0, 2)

    def _hidden_weights_transposed(self, start=0, stop=None):
        """Wh[:, start:stop]^T as a contiguous (k, H) copy, made once per backward pass.

        Speed only: the per-step (N, k) x (k, H) product runs about 1.5x faster on it than on
        the transposed view Wh.T (BetterRnnlm: 0.66 vs 0.99 ms per product).
        """
        return np.ascontiguousarray(self.params[1][:, start:stop].T)

    def _previous_h(self):
        """Hidden state entering each step, (T, N, H)."""
        _, h0, hs = self.cache
        return np.concatenate([h0[None], hs[:-1]], axis=0)


class TimeRNN(TimeRecurrent):
    """h_t = tanh(x_t Wx + h_{t-1} Wh + b), or with ``activation="relu"`` h_t = max(0, ...)
    (the IRNN of Le et al. 2015 is the ReLU form started from Wh = I, b = 0: ``common.init.recurrent_layer``)."""

    def __init__(self, Wx, Wh, b, stateful=False, activation="tanh"):
        super().__init__(Wx, Wh, b, stateful)
        if activation not in ("tanh", "relu"):
            raise ValueError("activation must be 'tanh' or 'relu', got %r" % activation)
        self.activation = activation

    def _steps_forward(self, X, h, _c0):
        Wh = self.params[1]
        hs = np.empty(X.shape, dtype=X.dtype)
        for t in range(X.shape[0]):
            a = X[t] + h @ Wh
            h = np.tanh(a, out=hs[t]) if self.activation == "tanh" else np.maximum(a, 0, out=hs[t])
        return hs

    def _steps_backward(self, dhs, _dc_last):
        WhT = self._hidden_weights_transposed()
        hs = self.cache[2]
        dX = np.empty_like(hs)
        dh = 0
        for t in reversed(range(hs.shape[0])):
            dt = dhs[t] + dh
            dt *= (1 - hs[t] ** 2) if self.activation == "tanh" else (hs[t] > 0)
            dX[t] = dt
            dh = dt @ WhT
        self.dh = dh
        T, N, H = hs.shape
        np.matmul(self._previous_h().reshape(T * N, H).T, dX.reshape(T * N, H), out=self.grads[1])
        return dX


class TimeLSTM(TimeRecurrent):
    """LSTM: xs (N, T, D) -> hs (N, T, H), gates fused in the book's column order f, g, i, o.

    At every step, with a = x_t Wx + h_{t-1} Wh + b (N, 4H) cut into four (N, H) blocks:

        f = sigmoid(a_f)                forget gate
        g = tanh(a_g)                   candidate memory
        i = sigmoid(a_i)                input gate
        o = sigmoid(a_o)                output gate
        c_t = f * c_{t-1} + g * i
        h_t = o * tanh(c_t)

    The loops below write every line into buffers made once per pass (``out=``) and take the
    four activations in one ``tanh`` over the whole (N, 4H) row, since
    sigmoid(a) = 0.5 tanh(0.5 a) + 0.5: the same operations in the same order as the equations,
    so the results are bit for bit those of ``common.functions.sigmoid`` and ``np.tanh``, in
    fewer and larger array calls (BetterRnnlm's training step 1-3% faster, Rnnlm's 2-8%).
    """

    n_gates = 4
    has_cell = True

    @staticmethod
    def _activation_constants(H, dtype):
        """(4H,) scale and shift with act = tanh(a * scale) * scale + shift for all four gates:
        scale 0.5, shift 0.5 on the sigmoid gates f, i, o; scale 1, shift 0 on g."""
        scale = np.full(4 * H, 0.5, dtype=dtype)
        scale[H:2 * H] = 1
        shift = np.full(4 * H, 0.5, dtype=dtype)
        shift[H:2 * H] = 0
        return scale, shift

    def _steps_forward(self, X, h, c):
        Wh = self.params[1]
        T, N, G = X.shape
        H = G // 4
        scale, shift = self._activation_constants(H, X.dtype)
        gates = np.empty_like(X)                       # f, g, i, o of every step, (T, N, 4H)
        cs = np.empty((T + 1, N, H), dtype=X.dtype)    # cs[t] = c_{t-1}: the initial cell, then c_0 .. c_{T-1}
        cs[0] = c
        tanh_cs = np.empty((T, N, H), dtype=X.dtype)
        hs = np.empty_like(tanh_cs)
        g_i = np.empty((N, H), dtype=X.dtype)
        for t in range(T):
            act = np.matmul(h, Wh, out=gates[t])       # a = h_{t-1} Wh + (x_t Wx + b)
            act += X[t]
            act *= scale                               # f, g, i, o = sigmoid, tanh, sigmoid, sigmoid of a
            np.tanh(act, out=act)
            act *= scale
            act += shift
            f, g, i, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
            c = np.multiply(f, cs[t], out=cs[t + 1])   # c_t = f * c_{t-1} + g * i
            c += np.multiply(g, i, out=g_i)
            tanh_c = np.tanh(c, out=tanh_cs[t])
            h = np.multiply(o, tanh_c, out=hs[t])      # h_t = o * tanh(c_t)
        self.c = cs[-1]
        self.lstm_cache = (gates, cs, tanh_cs)
        return hs

    def _steps_backward(self, dhs, dc_last):
        """Back through the steps; with s the gradient reaching c_t (from h_t and from c_{t+1}):

            ds   = dh_t * o * (1 - tanh(c_t)^2) + dc_{t+1}
            da_f = ds * c_{t-1} * f (1 - f)
            da_g = ds * i * (1 - g^2)
            da_i = ds * g * i (1 - i)
            da_o = dh_t * tanh(c_t) * o (1 - o)
            dc_t = ds * f
            dh_{t-1} = da Wh^T
        """
        WhT = self._hidden_weights_transposed()
        gates, cs, tanh_cs = self.lstm_cache
        T, N, H = tanh_cs.shape
        dtype = gates.dtype
        dX = np.empty_like(gates)                      # da of every step, (T, N, 4H)
        dh = np.zeros((N, H), dtype=dtype)
        dc = np.zeros((N, H), dtype=dtype) if dc_last is None else np.array(dc_last, dtype=dtype)
        dh_t, ds = np.empty((N, H), dtype=dtype), np.empty((N, H), dtype=dtype)
        d_act = np.empty((N, 4 * H), dtype=dtype)      # each gate's derivative d act / d a
        for t in reversed(range(T)):
            act = gates[t]
            f, g, i, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
            tanh_c = tanh_cs[t]
            np.add(dhs[t], dh, out=dh_t)
            np.multiply(tanh_c, tanh_c, out=ds)        # ds = dh_t * ((1 - tanh(c_t)^2) * o) + dc_{t+1}
            np.subtract(1, ds, out=ds)
            ds *= o
            ds *= dh_t
            ds += dc
            np.subtract(1, act, out=d_act)             # (1 - y) y for f, i, o ...
            d_act *= act
            d_g = d_act[:, H:2 * H]                    # ... and 1 - g^2 for g
            np.multiply(g, g, out=d_g)
            np.subtract(1, d_g, out=d_g)
            da = dX[t]
            np.multiply(ds, cs[t], out=da[:, :H])      # da_f = ds * c_{t-1} * f (1 - f)
            np.multiply(ds, i, out=da[:, H:2 * H])     # da_g = ds * i * (1 - g^2)
            np.multiply(ds, g, out=da[:, 2 * H:3 * H])  # da_i = ds * g * i (1 - i)
            np.multiply(dh_t, tanh_c, out=da[:, 3 * H:])  # da_o = dh_t * tanh(c_t) * o (1 - o)
            da *= d_act
            np.multiply(ds, f, out=dc)                 # dc_t = ds * f
            np.matmul(da, WhT, out=dh)                 # dh_{t-1} = da Wh^T
        self.dh, self.dc = dh, dc
        np.matmul(self._previous_h().reshape(T * N, H).T, dX.reshape(T * N, 4 * H), out=self.grads[1])
        return dX


class TimeGRU(TimeRecurrent):
    """GRU with fused gates in the order z, r, n (update, reset, candidate), in one of two forms.

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

    PyTorch stacks its gates as [r, z, n] in rows: Wx = weight_ih with its z and r blocks swapped,
    transposed; likewise Wh from weight_hh, b from bias_ih and bh from bias_hh.
    Parameters: Wx (D, 3H), Wh (H, 3H), b (3H,), and with reset_after bh (3H,).
    """

    n_gates = 3

    def __init__(self, Wx, Wh, b, stateful=False, reset_after=False, bh=None):
        super().__init__(Wx, Wh, b, stateful)
        self.reset_after = reset_after
        if reset_after:
            bh = np.zeros_like(b) if bh is None else bh
            if bh.shape != b.shape:
                raise ValueError("bh must have the shape of b %s, got %s" % (b.shape, bh.shape))
            self.params.append(bh)
            self.grads.append(np.zeros_like(bh))
            self.param_names = ("Wx", "Wh", "b", "bh")
        elif bh is not None:
            raise ValueError("bh (a recurrent bias) exists only with reset_after=True")

    def _steps_forward(self, X, h, _c0):
        return self._after_forward(X, h) if self.reset_after else self._book_forward(X, h)

    def _steps_backward(self, dhs, _dc_last):
        return self._after_backward(dhs) if self.reset_after else self._book_backward(dhs)

    def _book_forward(self, X, h):
        Wh = self.params[1]
        T, N, G = X.shape
        H = G // 3
        Wh_z, Wh_r, Wh_n = Wh[:, :H], Wh[:, H:2 * H], Wh[:, 2 * H:]
        gates = np.empty_like(X)                             # z, r, n of every step, (T, N, 3H)
        rh = np.empty((T, N, H), dtype=X.dtype)              # r * h_{t-1}
        hs = np.empty_like(rh)
        for t in range(T):
            x_z, x_r, x_n = X[t, :, :H], X[t, :, H:2 * H], X[t, :, 2 * H:]
            z = sigmoid(x_z + h @ Wh_z, out=gates[t, :, :H])
            r = sigmoid(x_r + h @ Wh_r, out=gates[t, :, H:2 * H])
            rh[t] = r * h
            n = np.tanh(x_n + rh[t] @ Wh_n, out=gates[t, :, 2 * H:])
            h = hs[t] = (1 - z) * h + z * n
        self.gru_cache = (gates, rh)
        return hs

    def _book_backward(self, dhs):
        """With h' = (1 - z) h + z n and n = tanh(x Wx_n + (r h) Wh_n + b_n):

            da_n = dh' * z * (1 - n^2)
            d(rh) = da_n Wh_n^T
            da_r = d(rh) * h * r (1 - r)
            da_z = dh' * (n - h) * z (1 - z)
            dh = dh' * (1 - z) + d(rh) * r + da_z Wh_z^T + da_r Wh_r^T
        """
        gates, rh = self.gru_cache
        T, N, H = rh.shape
        Wh_zrT, Wh_nT = self._hidden_weights_transposed(0, 2 * H), self._hidden_weights_transposed(2 * H)
        h_prev = self._previous_h()
        dX = np.empty_like(gates)                            # da of every step, (T, N, 3H)
        dh = np.zeros((N, H), dtype=rh.dtype)
        for t in reversed(range(T)):
            z, r, n = gates[t, :, :H], gates[t, :, H:2 * H], gates[t, :, 2 * H:]
            dh_t = dhs[t] + dh
            dX[t, :, 2 * H:] = dh_t * z * (1 - n * n)
            drh = dX[t, :, 2 * H:] @ Wh_nT
            dX[t, :, H:2 * H] = drh * h_prev[t] * (r * (1 - r))
            dX[t, :, :H] = dh_t * (n - h_prev[t]) * (z * (1 - z))
            dh = dh_t * (1 - z) + drh * r + dX[t, :, :2 * H] @ Wh_zrT
        self.dh = dh
        dX_flat = dX.reshape(T * N, 3 * H)
        self.grads[1][:, :2 * H] = h_prev.reshape(T * N, H).T @ dX_flat[:, :2 * H]
        self.grads[1][:, 2 * H:] = rh.reshape(T * N, H).T @ dX_flat[:, 2 * H:]
        return dX

    def _after_forward(self, X, h):
        Wh, bh = self.params[1], self.params[3]
        T, N, G = X.shape
        H = G // 3
        gates = np.empty_like(X)                             # z, r, n of every step, (T, N, 3H)
        hidden_n = np.empty((T, N, H), dtype=X.dtype)        # h_{t-1} Wh_n + bh_n
        hs = np.empty_like(hidden_n)
        for t in range(T):
            hidden = h @ Wh + bh                             # (N, 3H)
            z = sigmoid(X[t, :, :H] + hidden[:, :H], out=gates[t, :, :H])
            r = sigmoid(X[t, :, H:2 * H] + hidden[:, H:2 * H], out=gates[t, :, H:2 * H])
            hidden_n[t] = hidden[:, 2 * H:]
            n = np.tanh(X[t, :, 2 * H:] + r * hidden_n[t], out=gates[t, :, 2 * H:])
            h = hs[t] = (1 - z) * n + z * h
        self.gru_cache = (gates, hidden_n)
        return hs

    def _after_backward(self, dhs):
        """With h' = (1 - z) n + z h and n = tanh(x Wx_n + b_n + r * (h Wh_n + bh_n)):

            da_n = dh' * (1 - z) * (1 - n^2)
            da_r = da_n * (h Wh_n + bh_n) * r (1 - r)
            da_z = dh' * (h - n) * z (1 - z)
            dhidden = [da_z, da_r, da_n * r]       (the gradient of h Wh + bh)
            dh = dh' * z + dhidden Wh^T
        """
        WhT = self._hidden_weights_transposed()
        gates, hidden_n = self.gru_cache
        T, N, H = hidden_n.shape
        h_prev = self._previous_h()
        dX = np.empty_like(gates)                            # da of every step, (T, N, 3H)
        dhidden = np.empty_like(gates)
        dh = np.zeros((N, H), dtype=hidden_n.dtype)
        for t in reversed(range(T)):
            z, r, n = gates[t, :, :H], gates[t, :, H:2 * H], gates[t, :, 2 * H:]
            dh_t = dhs[t] + dh
            da_n = dX[t, :, 2 * H:] = dh_t * (1 - z) * (1 - n * n)
            dX[t, :, H:2 * H] = da_n * hidden_n[t] * (r * (1 - r))
            dX[t, :, :H] = dh_t * (h_prev[t] - n) * (z * (1 - z))
            dhidden[t, :, :2 * H] = dX[t, :, :2 * H]
            dhidden[t, :, 2 * H:] = da_n * r
            dh = dh_t * z + dhidden[t] @ WhT
        self.dh = dh
        dhidden_flat = dhidden.reshape(T * N, 3 * H)
        self.grads[1][...] = h_prev.reshape(T * N, H).T @ dhidden_flat
        column_sums(dhidden_flat, out=self.grads[3])
        return dX


class _Cell:
    """One time step of a Time layer: the book's RNN / LSTM / GRU interface.

    The step runs the matching Time layer with T = 1, so there is a single
    implementation of every recurrence.
    """

    time_class = None

    def __init__(self, Wx, Wh, b):
        self.time = self.time_class(Wx, Wh, b, stateful=True)
        self.params, self.grads = self.time.params, self.time.grads

    def _run(self, x, h_prev, c_prev=None):
        self.time.set_state(h_prev, c_prev)
        return self.time.forward(x[:, None, :])[:, 0, :]


class RNN(_Cell):
    """forward(x (N, D), h_prev (N, H)) -> h_next; backward(dh_next) -> (dx, dh_prev)."""

    time_class = TimeRNN

    def forward(self, x, h_prev):
        return self._run(x, h_prev)

    def backward(self, dh_next):
        dx = self.time.backward(dh_next[:, None, :])[:, 0, :]
        return dx, self.time.dh


class GRU(RNN):
    """One GRU step (the book's form).

    forward(x (N, D), h_prev (N, H)) -> h_next; backward(dh_next) -> (dx, dh_prev).
    """

    time_class = TimeGRU


class LSTM(_Cell):
    """forward(x, h_prev, c_prev) -> (h_next, c_next);
    backward(dh_next, dc_next) -> (dx, dh_prev, dc_prev)."""

    time_class = TimeLSTM

    def forward(self, x, h_prev, c_prev):
        h = self._run(x, h_prev, c_prev)
        return h, self.time.c

    def backward(self, dh_next, dc_next):
        dx = self.time.backward(dh_next[:, None, :], dc_next)[:, 0, :]
        return dx, self.time.dh, self.time.dc


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
