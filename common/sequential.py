"""Sequential: a stack of layers followed by a loss layer, the shape of most models here.

TwoLayerNet (x (N, D) -> scores (N, C)) and the language models of chapters 5-8
(xs (N, T) ids -> scores (N, T, V)) are this class with different layer lists;
``OneLayerLM`` is Embedding -> one recurrent layer -> Affine.
"""
from common.base_model import BaseModel
from common.init import randn, recurrent_layer, xavier, zeros
from common.layers import collect_params
from common.time_layers import TimeAffine, TimeEmbedding, TimeSoftmaxWithLoss


class Sequential(BaseModel):
    """layers applied in order, then ``loss_layer``; recurrent layers keep their state between calls
    (``reset_state`` clears it)."""

    def __init__(self, layers, loss_layer):
        self.layers = layers
        self.loss_layer = loss_layer
        self.params, self.grads = collect_params(*layers)
        self.recurrent_layers = [l for l in layers if hasattr(l, "reset_state")]

    def predict(self, xs, train_flg=False):
        """Scores of the last layer; dropout only with ``train_flg`` (the book's default: off)."""
        with self.mode(train_flg):
            for layer in self.layers:
                xs = layer.forward(xs)
        return xs

    def forward(self, xs, ts, train_flg=None):
        """Mean loss; ``train_flg`` None keeps the model's mode (``train()`` / ``eval()``)."""
        return self.loss_layer.forward(self.predict(xs, self.training if train_flg is None else train_flg), ts)

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def reset_state(self):
        for layer in self.recurrent_layers:
            layer.reset_state()

    def get_state(self):
        return [(l.h, l.c) for l in self.recurrent_layers]

    def set_state(self, state):
        for layer, (h, c) in zip(self.recurrent_layers, state):
            layer.set_state(h, c)


class OneLayerLM(Sequential):
    """Embedding -> one stateful recurrent layer (``recurrent_class``) -> Affine."""

    recurrent_class = None

    def __init__(self, vocab_size=10000, wordvec_size=100, hidden_size=100, rng=None, dtype="f"):
        V, D, H = vocab_size, wordvec_size, hidden_size
        self.recurrent = recurrent_layer(self.recurrent_class, D, H, rng, dtype, stateful=True)
        super().__init__([TimeEmbedding(randn(V, D, scale=0.01, rng=rng, dtype=dtype)), self.recurrent,
                          TimeAffine(xavier(H, V, rng, dtype), zeros(V, dtype=dtype))], TimeSoftmaxWithLoss())
