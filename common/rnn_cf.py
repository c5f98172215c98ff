"""RNN with contextual features (SCRN; Mikolov et al. 2015, "Learning Longer Memory in RNNs").

A slow context state s (N, S) is an exponential moving average of projected inputs,
and the fast state h (N, H) is a tanh RNN that also reads s:

    s_t = (1 - alpha) x_t B + alpha s_{t-1}
    h_t = tanh(x_t A + s_t P + h_{t-1} R + b)

``TimeRNNCF`` outputs [h_t ; s_t] (N, T, H + S), so a following TimeAffine computes
U h_t + V s_t. Internally the h recurrence is a TimeRNN over [x_t ; s_t] whose input
weight stacks A over P.
"""
from common.checks import check_ndim
from common.np import np
from common.recurrent import TimeRNN


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
        self.params = self.context.params + self.rnn.params
        self.grads = self.context.grads + self.rnn.grads
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
