"""TwoLayerNet: Affine -> Sigmoid -> Affine -> SoftmaxWithLoss (book 1.4). x (N, D) -> scores (N, C)."""
from common.base_model import BaseModel
from common.init import randn, zeros
from common.layers import Affine, Sigmoid, SoftmaxWithLoss, collect_params


class TwoLayerNet(BaseModel):
    def __init__(self, input_size, hidden_size, output_size, rng=None, dtype="f"):
        I, H, O = input_size, hidden_size, output_size
        self.layers = [Affine(randn(I, H, scale=0.01, rng=rng, dtype=dtype), zeros(H, dtype=dtype)), Sigmoid(),
                       Affine(randn(H, O, scale=0.01, rng=rng, dtype=dtype), zeros(O, dtype=dtype))]
        self.loss_layer = SoftmaxWithLoss()
        self.params, self.grads = collect_params(*self.layers)

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def forward(self, x, t):
        return self.loss_layer.forward(self.predict(x), t)

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout
