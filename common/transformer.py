"""A small Transformer (decoder-only, pre-LayerNorm) built from the library's layers.

Shapes: x (N, T, D); n_heads heads of size D / n_heads; the causal mask lets
position t attend to positions <= t only.
"""
import numpy

from common.init import xavier, zeros
from common.layers import ReLU, collect_params
from common.np import np
from common.time_layers import TimeAffine


class LayerNorm:
    """y = gamma * (x - mean) / sqrt(var + eps) + beta over the last axis; gamma, beta (D,)."""

    param_names = ("gamma", "beta")

    def __init__(self, gamma, beta, eps=1e-5):
        self.params = [gamma, beta]
        self.grads = [np.zeros_like(gamma), np.zeros_like(beta)]
        self.eps = eps
        self.cache = None

    def forward(self, x):
        gamma, beta = self.params
        mu = x.mean(axis=-1, keepdims=True)
        inv_sigma = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + self.eps)
        xhat = (x - mu) * inv_sigma
        self.cache = (xhat, inv_sigma)
        return xhat * gamma + beta

    def backward(self, dy):
        gamma, _ = self.params
        xhat, inv_sigma = self.cache
        axes = tuple(range(dy.ndim - 1))
        self.grads[0][...] = (dy * xhat).sum(axis=axes)
        self.grads[1][...] = dy.sum(axis=axes)
        dxhat = dy * gamma
        return inv_sigma * (dxhat - dxhat.mean(axis=-1, keepdims=True)
                            - xhat * (dxhat * xhat).mean(axis=-1, keepdims=True))


def sinusoidal_positions(T, D, dtype="f"):
    """PE[t, 2i] = sin(t / 10000^(2i/D)), PE[t, 2i+1] = cos(...): (T, D)."""
    pos = numpy.arange(T)[:, None]
    rate = numpy.exp(-numpy.log(10000.0) * (numpy.arange(0, D, 2) / D))
    pe = numpy.zeros((T, D))
    pe[:, 0::2] = numpy.sin(pos * rate)
    pe[:, 1::2] = numpy.cos(pos * rate)[:, :D // 2]
    return np.asarray(pe.astype(dtype))


class PositionalEncoding:
    """Adds fixed sinusoidal position vectors: x (N, T, D) -> x + PE[:T]."""

    def __init__(self, max_len, D, dtype="f"):
        self.params, self.grads = [], []
        self.pe = sinusoidal_positions(max_len, D, dtype)

    def forward(self, x):
        if x.shape[1] > self.pe.shape[0]:
            raise ValueError("sequence length %d exceeds max_len %d" % (x.shape[1], self.pe.shape[0]))
        return x + self.pe[:x.shape[1]]

    def backward(self, dout):
        return dout


class ScaledDotProductAttention:
    """softmax(q k^T / sqrt(d) + mask) v for (N, heads, T, d) tensors."""

    def __init__(self, causal=True):
        self.params, self.grads = [], []
        self.causal = causal
        self.cache = None
        self.weights = None

    def forward(self, q, k, v):
        d = q.shape[-1]
        scores = np.matmul(q, k.swapaxes(-1, -2)) / numpy.sqrt(d)
        if self.causal:
            T = q.shape[-2]
            scores = scores + np.triu(np.full((T, T), -1e9, dtype=q.dtype), k=1)
        scores -= scores.max(axis=-1, keepdims=True)
        a = np.exp(scores)
        a /= a.sum(axis=-1, keepdims=True)
        self.weights = a
        self.cache = (q, k, v, a)
        return np.matmul(a, v)

    def backward(self, dout):
        q, k, v, a = self.cache
        dv = np.matmul(a.swapaxes(-1, -2), dout)
        da = np.matmul(dout, v.swapaxes(-1, -2))
        ds = a * (da - (da * a).sum(axis=-1, keepdims=True)) / numpy.sqrt(q.shape[-1])
        return np.matmul(ds, k), np.matmul(ds.swapaxes(-1, -2), q), dv


class MultiHeadSelfAttention:
    """x (N, T, D) -> (N, T, D): fused q/k/v projection, n_heads attention heads, output projection."""

    def __init__(self, D, n_heads, causal=True, rng=None, dtype="f"):
        if D % n_heads:
            raise ValueError("model size %d is not divisible by %d heads" % (D, n_heads))
        self.qkv = TimeAffine(xavier(D, 3 * D, rng, dtype), zeros(3 * D, dtype=dtype))
        self.attention = ScaledDotProductAttention(causal)
        self.proj = TimeAffine(xavier(D, D, rng, dtype), zeros(D, dtype=dtype))
        self.params, self.grads = collect_params(self.qkv, self.proj)
        self.n_heads = n_heads

    def _heads(self, x):
        N, T, D = x.shape
        return x.reshape(N, T, self.n_heads, D // self.n_heads).transpose(0, 2, 1, 3)

    def _merge(self, x):
        N, h, T, d = x.shape
        return x.transpose(0, 2, 1, 3).reshape(N, T, h * d)

    def forward(self, x):
        q, k, v = np.split(self.qkv.forward(x), 3, axis=2)
        out = self.attention.forward(self._heads(q), self._heads(k), self._heads(v))
        return self.proj.forward(self._merge(out))

    def backward(self, dout):
        dq, dk, dv = self.attention.backward(self._heads(self.proj.backward(dout)))
        return self.qkv.backward(np.concatenate([self._merge(g) for g in (dq, dk, dv)], axis=2))


class FeedForward:
    """Position-wise Affine -> ReLU -> Affine: (N, T, D) -> (N, T, D), hidden size F."""

    def __init__(self, D, F, rng=None, dtype="f"):
        self.layers = [TimeAffine(xavier(D, F, rng, dtype), zeros(F, dtype=dtype)), ReLU(),
                       TimeAffine(xavier(F, D, rng, dtype), zeros(D, dtype=dtype))]
        self.params, self.grads = collect_params(*self.layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout


class TransformerBlock:
    """Pre-LN block: h = x + MHA(LN(x)); y = h + FFN(LN(h))."""

    def __init__(self, D, n_heads, F=None, causal=True, rng=None, dtype="f"):
        self.ln1 = LayerNorm(np.ones(D, dtype=dtype), np.zeros(D, dtype=dtype))
        self.attn = MultiHeadSelfAttention(D, n_heads, causal, rng, dtype)
        self.ln2 = LayerNorm(np.ones(D, dtype=dtype), np.zeros(D, dtype=dtype))
        self.ffn = FeedForward(D, F or 4 * D, rng, dtype)
        parts = (self.ln1, self.attn, self.ln2, self.ffn)
        self.params, self.grads = collect_params(*parts)

    def forward(self, x):
        h = x + self.attn.forward(self.ln1.forward(x))
        return h + self.ffn.forward(self.ln2.forward(h))

    def backward(self, dy):
        dh = dy + self.ln2.backward(self.ffn.backward(dy))
        return dh + self.ln1.backward(self.attn.backward(dh))
