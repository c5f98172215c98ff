"""TwoLayerNet: Affine -> Sigmoid -> Affine -> SoftmaxWithLoss (book 1.4). x (N, D) -> scores (N, C)."""
from common.init import randn, zeros
from common.layers import Affine, Sigmoid, SoftmaxWithLoss
from common.sequential import Sequential


class TwoLayerNet(Sequential):
    """Affine (D, H) -> Sigmoid -> Affine (H, C) -> softmax cross-entropy: x (N, D), t (N,) or (N, C)."""
    def __init__(self, input_size, hidden_size, output_size, rng=None, dtype="f"):
        I, H, O = input_size, hidden_size, output_size
        super().__init__([Affine(randn(I, H, scale=0.01, rng=rng, dtype=dtype), zeros(H, dtype=dtype)), Sigmoid(),
                          Affine(randn(H, O, scale=0.01, rng=rng, dtype=dtype), zeros(O, dtype=dtype))],
                         SoftmaxWithLoss())
