"""Dot-product attention (book chapter 8).

hs: encoder states (N, T, H); h: one decoder state (N, H); a: weights (N, T).
``TimeAttention`` handles all decoder steps at once with batched matrix
products: hs_dec (N, Td, H) -> contexts (N, Td, H), weights (N, Td, T).
"""
from common.input_checks import check_float, check_shape
from common.layers import Softmax
from common.np import np


class WeightSum:
    """c = sum_t a[:, t] * hs[:, t]: (hs (N, T, H), a (N, T)) -> (N, H)."""

    def __init__(self):
        self.params, self.grads = [], []
        self.cache = None

    def forward(self, hs, a):
        check_shape(hs, (None, None, None), "(N, T, H)", "hs")
        check_shape(a, hs.shape[:2], "(N, T)", "a")
        self.cache = (hs, a)
        return np.matmul(a[:, None, :], hs)[:, 0, :]

    def backward(self, dc):
        hs, a = self.cache
        dhs = a[:, :, None] * dc[:, None, :]
        da = np.matmul(hs, dc[:, :, None])[:, :, 0]
        return dhs, da


class AttentionWeight:
    """a = softmax_t(hs[:, t] . h): (hs (N, T, H), h (N, H)) -> (N, T)."""

    def __init__(self):
        self.params, self.grads = [], []
        self.softmax = Softmax()
        self.cache = None

    def forward(self, hs, h):
        check_shape(hs, (None, None, None), "(N, T, H)", "hs")
        check_shape(h, (hs.shape[0], hs.shape[2]), "(N, H) like hs", "h")
        self.cache = (hs, h)
        return self.softmax.forward(np.matmul(hs, h[:, :, None])[:, :, 0])

    def backward(self, da):
        hs, h = self.cache
        ds = self.softmax.backward(da)
        dhs = ds[:, :, None] * h[:, None, :]
        dh = np.matmul(ds[:, None, :], hs)[:, 0, :]
        return dhs, dh


class Attention:
    """Context vector for one decoder state: (hs (N, T, H), h (N, H)) -> (N, H)."""

    def __init__(self):
        self.params, self.grads = [], []
        self.attention_weight_layer = AttentionWeight()
        self.weight_sum_layer = WeightSum()
        self.attention_weight = None

    def forward(self, hs, h):
        a = self.attention_weight_layer.forward(hs, h)
        self.attention_weight = a
        return self.weight_sum_layer.forward(hs, a)

    def backward(self, dout):
        dhs0, da = self.weight_sum_layer.backward(dout)
        dhs1, dh = self.attention_weight_layer.backward(da)
        return dhs0 + dhs1, dh


class TimeAttention:
    """Attention for every decoder step: (hs_enc (N, T, H), hs_dec (N, Td, H)) -> (N, Td, H).

    ``attention_weights`` keeps the (N, Td, T) weights of the last forward.
    """

    def __init__(self):
        self.params, self.grads = [], []
        self.softmax = Softmax()
        self.cache = None
        self.attention_weights = None

    def forward(self, hs_enc, hs_dec):
        check_float(hs_enc, "hs_enc")
        check_shape(hs_enc, (None, None, None), "(N, T, H)", "hs_enc")
        check_shape(hs_dec, (hs_enc.shape[0], None, hs_enc.shape[2]), "(N, Td, H) with the encoder's N and H", "hs_dec")
        scores = np.matmul(hs_dec, hs_enc.transpose(0, 2, 1))       # (N, Td, T)
        a = self.softmax.forward(scores)
        self.attention_weights = a
        self.cache = (hs_enc, hs_dec, a)
        return np.matmul(a, hs_enc)                                  # (N, Td, H)

    def backward(self, dout):
        hs_enc, hs_dec, a = self.cache
        da = np.matmul(dout, hs_enc.transpose(0, 2, 1))              # (N, Td, T)
        ds = self.softmax.backward(da)
        dhs_enc = np.matmul(a.transpose(0, 2, 1), dout) + np.matmul(ds.transpose(0, 2, 1), hs_dec)
        dhs_dec = np.matmul(ds, hs_enc)
        return dhs_enc, dhs_dec
