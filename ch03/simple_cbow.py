"""SimpleCBOW and SimpleSkipGram (book 3.2-3.3): one-hot inputs, MatMul layers, full softmax.

contexts (N, 2, V) one-hot, target (N, V) one-hot; W_in (V, H), W_out (H, V).
"""
from common.base_model import BaseModel
from common.init import randn
from common.layers import MatMul, SoftmaxWithLoss, collect_params


class SimpleCBOW(BaseModel):
    """The mean of two context vectors predicts the target with a full softmax.

    W_in is shared by both context layers (one array, two MatMul layers).
    """
    def __init__(self, vocab_size, hidden_size, rng=None, dtype="f"):
        V, H = vocab_size, hidden_size
        W_in = randn(V, H, scale=0.01, rng=rng, dtype=dtype)
        W_out = randn(H, V, scale=0.01, rng=rng, dtype=dtype)
        self.in_layer0, self.in_layer1 = MatMul(W_in), MatMul(W_in)   # shared weight
        self.out_layer = MatMul(W_out)
        self.loss_layer = SoftmaxWithLoss()
        layers = [self.in_layer0, self.in_layer1, self.out_layer]
        self.params, self.grads = collect_params(*layers)
        self.word_vecs = W_in

    def forward(self, contexts, target):
        h = (self.in_layer0.forward(contexts[:, 0]) + self.in_layer1.forward(contexts[:, 1])) * 0.5
        return self.loss_layer.forward(self.out_layer.forward(h), target)

    def backward(self, dout=1):
        da = self.out_layer.backward(self.loss_layer.backward(dout)) * 0.5
        self.in_layer1.backward(da)
        self.in_layer0.backward(da)


class SimpleSkipGram(BaseModel):
    """The target's vector predicts each of its two contexts with a full softmax."""
    def __init__(self, vocab_size, hidden_size, rng=None, dtype="f"):
        V, H = vocab_size, hidden_size
        self.in_layer = MatMul(randn(V, H, scale=0.01, rng=rng, dtype=dtype))
        self.out_layer = MatMul(randn(H, V, scale=0.01, rng=rng, dtype=dtype))
        self.loss_layers = [SoftmaxWithLoss(), SoftmaxWithLoss()]
        self.params, self.grads = collect_params(self.in_layer, self.out_layer)
        self.word_vecs = self.in_layer.params[0]

    def forward(self, contexts, target):
        s = self.out_layer.forward(self.in_layer.forward(target))
        return sum(layer.forward(s, contexts[:, i]) for i, layer in enumerate(self.loss_layers))

    def backward(self, dout=1):
        ds = sum(layer.backward(dout) for layer in self.loss_layers)
        self.in_layer.backward(self.out_layer.backward(ds))
