"""common/gradcheck.py: the numerical gradient check itself must be right, and must fail a wrong backward."""
import numpy

from ch03.simple_cbow import SimpleCBOW
from ch06.better_rnnlm import BetterRnnlm
from common.gradcheck import check_layer, check_model, numerical_gradient, relative_error
from common.layers import MatMul
from common.time_layers import TimeRNN
from tests.helpers import ids, randn

N, T, D, H, V = 4, 5, 4, 6, 9


def one_hot(rng, *shape):
    return numpy.eye(V)[rng.integers(0, V, shape)]


def rnn(cls, rng):
    return cls(randn(rng, D, H, scale=0.5), randn(rng, H, H, scale=0.5), randn(rng, H, scale=0.1))


def randomise(model, rng):
    for p in model.params:
        p[...] = rng.standard_normal(p.shape) * 0.5


def test_gradcheck_catches_a_wrong_backward(rng):
    """The checker must fail on a layer whose backward forgets a transpose."""

    class WrongMatMul(MatMul):
        def backward(self, dout):
            W, = self.params
            self.grads[0][...] = self.x.T @ dout
            return dout @ W.T[::-1]  # wrong on purpose

    errors = check_layer(WrongMatMul(randn(rng, D, D)), [randn(rng, N, D)])
    assert errors["input0"] > 1e-2


def test_numerical_gradient_of_a_quadratic():
    x = numpy.array([1.0, -2.0, 3.0])
    g = numerical_gradient(lambda: float((x ** 2).sum()), x)
    numpy.testing.assert_allclose(g, 2 * x, rtol=1e-6)
    assert relative_error(g, 2 * x) < 1e-8


def test_gradcheck_catches_a_missing_transpose(rng):
    """The classic BPTT bug (dh = dt Wh instead of dt Wh^T) must fail the check."""

    class BuggyRNN(TimeRNN):
        def _steps_backward(self, dhs, dc_last):
            Wh = self.params[1]
            self.params[1] = Wh.T
            try:
                return super()._steps_backward(dhs, dc_last)
            finally:
                self.params[1] = Wh

    errors = check_layer(rnn(BuggyRNN, rng), [randn(rng, N, T, D)])
    assert errors["input0"] > 1e-3


def test_tied_weights_are_checked_once_as_their_sum(rng):
    model = BetterRnnlm(V, 4, 4, dtype="d")
    errors = check_model(model, (ids(rng, V, 2, 3), ids(rng, V, 2, 3)))
    assert len(errors) == len(model.params) - 1 and "layers.6.W" not in errors


def test_a_wrong_backward_fails_the_check(rng, monkeypatch):
    model = SimpleCBOW(V, 3, dtype="d")
    randomise(model, rng)
    monkeypatch.setattr(model, "backward", lambda dout=1: [
        layer.backward(model.out_layer.backward(model.loss_layer.backward(dout)))       # the * 0.5 left out
        for layer in (model.in_layer0, model.in_layer1)])
    errors = check_model(model, (one_hot(rng, 4, 2), rng.integers(0, V, 4)))
    assert errors["in_layer0.W"] > 0.1
