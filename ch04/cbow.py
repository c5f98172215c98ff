"""CBOW with negative sampling (book 4.3): mean of the 2w context vectors predicts the target.

contexts (N, 2w) ids, target (N,) ids; W_in and W_out are both (V, H).
"""
from common.base_model import BaseModel
from common.init import randn
from common.layers import Embedding
from common.negative_sampling import NegativeSamplingLoss
from common.np import np


class CBOW(BaseModel):
    def __init__(self, vocab_size, hidden_size, window_size, corpus, sample_size=5, rng=None, seed=None, dtype="f"):
        V, H = vocab_size, hidden_size
        W_in = randn(V, H, scale=0.01, rng=rng, dtype=dtype)
        W_out = randn(V, H, scale=0.01, rng=rng, dtype=dtype)
        self.window_size = window_size
        self.in_layer = Embedding(W_in)          # one lookup for all 2w context columns
        self.ns_loss = NegativeSamplingLoss(W_out, corpus, power=0.75, sample_size=sample_size, seed=seed)
        self.params = self.in_layer.params + self.ns_loss.params
        self.grads = self.in_layer.grads + self.ns_loss.grads
        self.word_vecs = W_in

    def forward(self, contexts, target):
        if contexts.ndim != 2 or contexts.shape[1] != 2 * self.window_size:
            raise ValueError("contexts must be (N, %d), got %s" % (2 * self.window_size, tuple(contexts.shape)))
        h = self.in_layer.forward(contexts).mean(axis=1)
        return self.ns_loss.forward(h, target)

    def backward(self, dout=1):
        dh = self.ns_loss.backward(dout)
        contexts = self.in_layer.ids
        N, C = contexts.shape
        # every context column receives dh / C: one scaled-row gradient, no (N, C, H) copy
        self.in_layer.grads[0].assign_scaled_rows(contexts, np.full(N * C, 1.0 / C), dh,
                                                  np.repeat(np.arange(N), C))
