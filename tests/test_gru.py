"""TimeGRU in both forms: gradients, a step computed by hand, and PyTorch's nn.GRU when installed."""
import math

import numpy
import pytest

from common.gradcheck import numerical_gradient, relative_error
from common.time_layers import TimeGRU
from tests.helpers import assert_gradients, randn


def gru(rng, D, H, reset_after, stateful=False):
    bh = randn(rng, 3 * H, scale=0.3) if reset_after else None
    return TimeGRU(randn(rng, D, 3 * H, scale=0.5), randn(rng, H, 3 * H, scale=0.5), randn(rng, 3 * H, scale=0.3),
                   stateful=stateful, reset_after=reset_after, bh=bh)


@pytest.mark.parametrize("N, T, D, H", [(2, 4, 3, 5), (1, 1, 1, 1), (3, 2, 1, 4)])
def test_reset_after_gradients(rng, N, T, D, H):
    layer = gru(rng, D, H, reset_after=True)
    errors = assert_gradients(layer, [randn(rng, N, T, D)])
    assert set(errors) == {"input0", "param0", "param1", "param2", "param3"}      # bh is checked too


def test_reset_after_gradient_reaches_the_initial_state(rng):
    layer = gru(rng, 3, 4, reset_after=True, stateful=True)
    xs, h0, w = randn(rng, 2, 3, 3), randn(rng, 2, 4), randn(rng, 2, 3, 4)

    def loss():
        layer.set_state(h0)
        return float((layer.forward(xs) * w).sum())

    loss()
    layer.backward(w)
    assert relative_error(layer.dh, numerical_gradient(loss, h0)) < 1e-7


def sigmoid(a):
    return 1 / (1 + math.exp(-a))


@pytest.mark.parametrize("reset_after", [False, True])
def test_one_step_by_hand(reset_after):
    """D = H = 1: every gate is a scalar, so the step can be written out with math."""
    x, h = 0.5, -0.3
    wx_z, wx_r, wx_n = 0.2, -0.4, 0.7
    wh_z, wh_r, wh_n = 0.6, 0.1, -0.5
    b_z, b_r, b_n = 0.05, -0.02, 0.1
    bh_z, bh_r, bh_n = 0.03, 0.04, -0.06
    layer = TimeGRU(numpy.array([[wx_z, wx_r, wx_n]]), numpy.array([[wh_z, wh_r, wh_n]]),
                    numpy.array([b_z, b_r, b_n]), stateful=True, reset_after=reset_after,
                    bh=numpy.array([bh_z, bh_r, bh_n]) if reset_after else None)
    layer.set_state(numpy.array([[h]]))
    out = float(layer.forward(numpy.array([[[x]]]))[0, 0, 0])
    if reset_after:
        z = sigmoid(x * wx_z + b_z + h * wh_z + bh_z)
        r = sigmoid(x * wx_r + b_r + h * wh_r + bh_r)
        n = math.tanh(x * wx_n + b_n + r * (h * wh_n + bh_n))
        expected = (1 - z) * n + z * h
    else:
        z = sigmoid(x * wx_z + h * wh_z + b_z)
        r = sigmoid(x * wx_r + h * wh_r + b_r)
        n = math.tanh(x * wx_n + (r * h) * wh_n + b_n)
        expected = (1 - z) * h + z * n
    assert out == pytest.approx(expected, rel=1e-14)


def test_bh_only_with_reset_after(rng):
    with pytest.raises(ValueError, match="only with reset_after=True"):
        TimeGRU(randn(rng, 2, 6), randn(rng, 2, 6), randn(rng, 6), bh=randn(rng, 6))


def test_reset_after_matches_pytorch(rng):
    torch = pytest.importorskip("torch")
    N, T, D, H = 3, 5, 4, 6
    ref = torch.nn.GRU(D, H, batch_first=True).double()
    w_ih, w_hh = ref.weight_ih_l0.detach().numpy(), ref.weight_hh_l0.detach().numpy()
    b_ih, b_hh = ref.bias_ih_l0.detach().numpy(), ref.bias_hh_l0.detach().numpy()
    order = numpy.r_[H:2 * H, 0:H, 2 * H:3 * H]             # PyTorch [r, z, n] -> ours [z, r, n]
    layer = TimeGRU(w_ih[order].T.copy(), w_hh[order].T.copy(), b_ih[order].copy(), reset_after=True,
                    bh=b_hh[order].copy())
    xs = randn(rng, N, T, D)
    expected, _ = ref(torch.from_numpy(xs))
    numpy.testing.assert_allclose(layer.forward(xs), expected.detach().numpy(), rtol=1e-12, atol=1e-12)
