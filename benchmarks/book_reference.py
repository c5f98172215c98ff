"""A re-creation of the book's reference implementation choices, for speed comparison only.

It follows the algorithms the book's code uses (see shared/spec/book_inventory.md):
one Embedding/LSTM object per time step, a dense V x D embedding gradient filled
with np.add.at at every step, x @ Wx inside the time loop, exp-based sigmoid,
dense SGD over every parameter and value-based duplicate detection for tied
weights. It is not used by the library.
"""
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class Embedding:
    def __init__(self, W):
        self.params, self.grads = [W], [np.zeros_like(W)]

    def forward(self, idx):
        self.idx = idx
        return self.params[0][idx]

    def backward(self, dout):
        dW, = self.grads
        dW[...] = 0
        np.add.at(dW, self.idx, dout)


class TimeEmbedding:
    def __init__(self, W):
        self.params, self.grads, self.W = [W], [np.zeros_like(W)], W

    def forward(self, xs):
        N, T = xs.shape
        out = np.empty((N, T, self.W.shape[1]), dtype="f")
        self.layers = []
        for t in range(T):
            layer = Embedding(self.W)
            out[:, t, :] = layer.forward(xs[:, t])
            self.layers.append(layer)
        return out

    def backward(self, dout):
        grad = 0
        for t, layer in enumerate(self.layers):
            layer.backward(dout[:, t, :])
            grad += layer.grads[0]
        self.grads[0][...] = grad


class LSTM:
    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]

    def forward(self, x, h_prev, c_prev):
        Wx, Wh, b = self.params
        H = h_prev.shape[1]
        A = x @ Wx + h_prev @ Wh + b
        f, g, i, o = sigmoid(A[:, :H]), np.tanh(A[:, H:2 * H]), sigmoid(A[:, 2 * H:3 * H]), sigmoid(A[:, 3 * H:])
        c_next = f * c_prev + g * i
        h_next = o * np.tanh(c_next)
        self.cache = (x, h_prev, c_prev, i, f, g, o, c_next)
        return h_next, c_next

    def backward(self, dh_next, dc_next):
        Wx, Wh, b = self.params
        x, h_prev, c_prev, i, f, g, o, c_next = self.cache
        tanh_c = np.tanh(c_next)
        ds = dc_next + (dh_next * o) * (1 - tanh_c ** 2)
        dc_prev = ds * f
        di, df, do, dg = ds * g, ds * c_prev, dh_next * tanh_c, ds * i
        dA = np.hstack((df * f * (1 - f), dg * (1 - g ** 2), di * i * (1 - i), do * o * (1 - o)))
        self.grads[0][...] = x.T @ dA
        self.grads[1][...] = h_prev.T @ dA
        self.grads[2][...] = dA.sum(axis=0)
        return dA @ Wx.T, dA @ Wh.T, dc_prev


class TimeLSTM:
    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.h = self.c = None

    def forward(self, xs):
        Wx, Wh, b = self.params
        N, T, D = xs.shape
        H = Wh.shape[0]
        self.layers = []
        hs = np.empty((N, T, H), dtype="f")
        if self.h is None:
            self.h = np.zeros((N, H), dtype="f")
        if self.c is None:
            self.c = np.zeros((N, H), dtype="f")
        for t in range(T):
            layer = LSTM(*self.params)
            self.h, self.c = layer.forward(xs[:, t, :], self.h, self.c)
            hs[:, t, :] = self.h
            self.layers.append(layer)
        return hs

    def backward(self, dhs):
        Wx, Wh, b = self.params
        N, T, H = dhs.shape
        dxs = np.empty((N, T, Wx.shape[0]), dtype="f")
        dh, dc = 0, 0
        grads = [0, 0, 0]
        for t in reversed(range(T)):
            dx, dh, dc = self.layers[t].backward(dhs[:, t, :] + dh, dc)
            dxs[:, t, :] = dx
            for i, grad in enumerate(self.layers[t].grads):
                grads[i] += grad
        for i, grad in enumerate(grads):
            self.grads[i][...] = grad
        return dxs


class TimeAffine:
    def __init__(self, W, b):
        self.params, self.grads = [W, b], [np.zeros_like(W), np.zeros_like(b)]

    def forward(self, x):
        N, T, D = x.shape
        W, b = self.params
        self.x = x
        return (x.reshape(N * T, -1) @ W + b).reshape(N, T, -1)

    def backward(self, dout):
        N, T, D = self.x.shape
        W, b = self.params
        dout = dout.reshape(N * T, -1)
        rx = self.x.reshape(N * T, -1)
        self.grads[0][...] = rx.T @ dout
        self.grads[1][...] = dout.sum(axis=0)
        return (dout @ W.T).reshape(N, T, D)


class TimeDropout:
    def __init__(self, ratio=0.5):
        self.params, self.grads, self.ratio = [], [], ratio

    def forward(self, xs):
        self.mask = (np.random.rand(*xs.shape) > self.ratio).astype(np.float32) * (1 / (1 - self.ratio))
        return xs * self.mask

    def backward(self, dout):
        return dout * self.mask


class TimeSoftmaxWithLoss:
    def forward(self, xs, ts):
        N, T, V = xs.shape
        xs, ts = xs.reshape(N * T, V), ts.reshape(N * T)
        xs = xs - xs.max(axis=1, keepdims=True)
        ys = np.exp(xs)
        ys /= ys.sum(axis=1, keepdims=True)
        self.cache = (ts, ys, (N, T, V))
        return -np.sum(np.log(ys[np.arange(N * T), ts])) / (N * T)

    def backward(self, dout=1):
        ts, ys, (N, T, V) = self.cache
        dx = ys
        dx[np.arange(N * T), ts] -= 1
        dx *= dout / (N * T)
        return dx.reshape(N, T, V)


def remove_duplicate(params, grads):
    params, grads = params[:], grads[:]
    while True:
        find = False
        L = len(params)
        for i in range(L - 1):
            for j in range(i + 1, L):
                if params[i] is params[j]:
                    grads[i] += grads[j]
                    find = True
                elif (params[i].ndim == 2 and params[j].ndim == 2 and params[i].T.shape == params[j].shape
                      and np.all(params[i].T == params[j])):
                    grads[i] += grads[j].T
                    find = True
                if find:
                    params.pop(j)
                    grads.pop(j)
                    break
            if find:
                break
        if not find:
            break
    return params, grads


class BookLM:
    """Rnnlm (layers=1, no dropout) or BetterRnnlm (layers=2, dropout, tied) in the book's style."""

    def __init__(self, V, H, n_layers=1, dropout=0.0, tied=False):
        rn = np.random.randn
        embed_W = (rn(V, H) / 100).astype("f")
        lstms = [TimeLSTM((rn(H, 4 * H) / np.sqrt(H)).astype("f"), (rn(H, 4 * H) / np.sqrt(H)).astype("f"),
                          np.zeros(4 * H, "f")) for _ in range(n_layers)]
        affine_W = embed_W.T if tied else (rn(H, V) / np.sqrt(H)).astype("f")
        self.layers = [TimeEmbedding(embed_W)]
        for lstm in lstms:
            self.layers += ([TimeDropout(dropout)] if dropout else []) + [lstm]
        self.layers += ([TimeDropout(dropout)] if dropout else []) + [TimeAffine(affine_W, np.zeros(V, "f"))]
        self.loss_layer = TimeSoftmaxWithLoss()
        self.params = [p for l in self.layers for p in l.params]
        self.grads = [g for l in self.layers for g in l.grads]

    def train_step(self, xs, ts, lr=20.0, max_grad=0.25):
        for layer in self.layers:
            xs = layer.forward(xs)
        self.loss_layer.forward(xs, ts)
        dout = self.loss_layer.backward()
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        params, grads = remove_duplicate(self.params, self.grads)
        total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
        rate = max_grad / (total + 1e-6)
        if rate < 1:
            for g in grads:
                g *= rate
        for p, g in zip(params, grads):
            p -= lr * g
