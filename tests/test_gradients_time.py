"""Gradient checks of the recurrent and Time layers, through several time steps."""
import numpy
import pytest

from common.gradcheck import check_layer
from common.time_layers import (GRU, LSTM, RNN, TimeAffine, TimeBiLSTM, TimeDropout,
                                TimeEmbedding, TimeGRU, TimeLSTM, TimeRNN, TimeSoftmaxWithLoss)
from tests.helpers import assert_gradients, ids, randn

N, T, D, H, V = 3, 5, 4, 6, 7


def recurrent(rng, cls, gates, stateful=False):
    return cls(randn(rng, D, gates * H, scale=0.5), randn(rng, H, gates * H, scale=0.5),
               randn(rng, gates * H, scale=0.1), stateful=stateful)


@pytest.mark.parametrize("cls,gates", [(TimeRNN, 1), (TimeLSTM, 4), (TimeGRU, 3)])
def test_time_recurrent(rng, cls, gates):
    assert_gradients(recurrent(rng, cls, gates), [randn(rng, N, T, D)])


@pytest.mark.parametrize("cls,gates", [(TimeRNN, 1), (TimeLSTM, 4), (TimeGRU, 3)])
def test_time_recurrent_gradient_reaches_the_initial_state(rng, cls, gates):
    """With a given initial state, dL/dh0 (layer.dh) must match central differences."""
    layer = recurrent(rng, cls, gates, stateful=True)
    xs = randn(rng, N, T, D)
    h0 = randn(rng, N, H)
    c0 = randn(rng, N, H) if gates == 4 else None
    w = randn(rng, N, T, H)

    def loss():
        layer.set_state(h0, c0)
        return float((layer.forward(xs) * w).sum())

    from common.gradcheck import numerical_gradient, relative_error
    loss()
    layer.backward(w)
    assert relative_error(layer.dh, numerical_gradient(loss, h0)) < 1e-6
    if c0 is not None:
        assert relative_error(layer.dc, numerical_gradient(loss, c0)) < 1e-6


def test_rnn_cell(rng):
    cell = RNN(randn(rng, D, H), randn(rng, H, H, scale=0.5), randn(rng, H))
    assert_gradients(cell, [randn(rng, N, D), randn(rng, N, H)])


def test_lstm_cell(rng):
    cell = LSTM(randn(rng, D, 4 * H), randn(rng, H, 4 * H, scale=0.5), randn(rng, 4 * H))
    assert_gradients(cell, [randn(rng, N, D), randn(rng, N, H), randn(rng, N, H)])


def test_gru_cell(rng):
    cell = GRU(randn(rng, D, 3 * H), randn(rng, H, 3 * H, scale=0.5), randn(rng, 3 * H))
    assert_gradients(cell, [randn(rng, N, D), randn(rng, N, H)])


def test_time_bilstm(rng):
    args = [a for _ in range(2)
            for a in (randn(rng, D, 4 * H, scale=0.5), randn(rng, H, 4 * H, scale=0.5), randn(rng, 4 * H))]
    assert_gradients(TimeBiLSTM(*args), [randn(rng, N, T, D)])


def test_time_embedding(rng):
    assert_gradients(TimeEmbedding(randn(rng, V, D)), [ids(rng, V, N, T)], grad_inputs=[False])


def test_time_affine(rng):
    assert_gradients(TimeAffine(randn(rng, D, H), randn(rng, H)), [randn(rng, N, T, D)])


def test_time_affine_with_tied_transposed_weight(rng):
    E = randn(rng, V, H)
    assert_gradients(TimeAffine(E.T, randn(rng, V)), [randn(rng, N, T, H)])


def test_time_softmax_with_loss(rng):
    assert_gradients(TimeSoftmaxWithLoss(), [randn(rng, N, T, V), ids(rng, V, N, T)], grad_inputs=[True, False])


def test_time_softmax_with_loss_ignores_labels(rng):
    ts = ids(rng, V, N, T)
    ts[0, :2] = -1
    ts[2, 4] = -1
    layer = TimeSoftmaxWithLoss()
    assert_gradients(layer, [randn(rng, N, T, V), ts], grad_inputs=[True, False])
    xs = randn(rng, N, T, V)
    layer.forward(xs, ts)
    dx = layer.backward()
    assert numpy.all(dx[0, :2] == 0) and numpy.all(dx[2, 4] == 0)


def test_time_softmax_with_loss_is_finite_for_huge_scores(rng):
    xs = randn(rng, N, T, V).astype(numpy.float32)
    xs[:, :, 0] = 1e4
    ts = numpy.ones((N, T), dtype=numpy.int32)
    loss = TimeSoftmaxWithLoss().forward(xs, ts)
    assert numpy.isfinite(loss) and loss > 1e3


def test_time_dropout_gradient_matches_its_mask(rng):
    layer = TimeDropout(0.5)
    xs = randn(rng, N, T, D)
    out = layer.forward(xs)
    dx = layer.backward(numpy.ones_like(xs))
    numpy.testing.assert_allclose(out, xs * dx)
    layer.train_flg = False
    assert layer.forward(xs) is xs


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

    errors = check_layer(recurrent(rng, BuggyRNN, 1), [randn(rng, N, T, D)])
    assert errors["input0"] > 1e-3
