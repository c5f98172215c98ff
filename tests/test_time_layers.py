"""common/time_layers.py: the recurrent step classes (RNN, LSTM, GRU), the Time layers that loop over
them, bidirectional and contextual RNNs, the Time loss and pooling: gradient checks through several
time steps, forward values against step-by-step references written here, steps worked out by hand,
and PyTorch's nn.LSTM / nn.GRU when installed."""
import math
import warnings

import numpy
import pytest

from common.gradcheck import numerical_gradient, relative_error
from common.time_layers import (GRU, LSTM, RNN, TimeAffine, TimeBidirectional, TimeBiLSTM, TimeDropout,
                                TimeEmbedding, TimeGRU, TimeLSTM, TimeMaskedMean, TimeRNN, TimeRNNCF,
                                TimeSelectLast, TimeSoftmaxWithLoss, _exp_rows)
from tests.helpers import assert_gradients, close, ids, randn, sigmoid

N, T, D, H, V = 3, 5, 4, 6, 7


# --- gradients --------------------------------------------------------------------------------------


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

    loss()
    layer.backward(w)
    assert relative_error(layer.dh, numerical_gradient(loss, h0)) < 1e-6
    if c0 is not None:
        assert relative_error(layer.dc, numerical_gradient(loss, c0)) < 1e-6


def stacked_pair(rng, D=2, H=8, stateful=True):
    """Two TimeLSTMs with the same weights (4 D <= H): one on its stacked path, one on the reference form."""
    Wx, Wh, b = randn(rng, D, 4 * H, scale=0.5), randn(rng, H, 4 * H, scale=0.5), randn(rng, 4 * H, scale=0.1)
    stacked = TimeLSTM(Wx.copy(), Wh.copy(), b.copy(), stateful=stateful)
    reference = TimeLSTM(Wx.copy(), Wh.copy(), b.copy(), stateful=stateful)
    reference.stacked_path = False
    return stacked, reference


def test_time_lstm_stacked_path_gradients(rng):
    stacked, _ = stacked_pair(rng, stateful=False)
    assert_gradients(stacked, [randn(rng, N, T, 2)])
    assert stacked.stacked


def test_time_lstm_stacked_path_equals_the_reference_form(rng):
    """Two stateful calls in a row, from a given state, with a gradient arriving at the last cell state."""
    stacked, reference = stacked_pair(rng)
    h0, c0 = randn(rng, N, 8), randn(rng, N, 8)
    for layer in (stacked, reference):
        layer.set_state(h0, c0)
    for call in range(2):
        xs, dhs, dc_last = randn(rng, N, T, 2), randn(rng, N, T, 8), randn(rng, N, 8)
        outs = [layer.forward(xs) for layer in (stacked, reference)]
        dxs = [layer.backward(dhs, dc_last) for layer in (stacked, reference)]
        assert stacked.stacked and not reference.stacked
        numpy.testing.assert_allclose(outs[0], outs[1], rtol=1e-12, atol=1e-14)
        numpy.testing.assert_allclose(dxs[0], dxs[1], rtol=1e-12, atol=1e-14)
        for a, b in zip(stacked.grads, reference.grads):
            numpy.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
        for name in ("h", "c", "dh", "dc"):
            numpy.testing.assert_allclose(getattr(stacked, name), getattr(reference, name), rtol=1e-12, atol=1e-14)


def test_time_lstm_takes_the_stacked_path_only_for_a_small_input(rng):
    wide = TimeLSTM(randn(rng, 3, 32), randn(rng, 8, 32), randn(rng, 32))       # 4 D = 12 > H = 8
    wide.forward(randn(rng, N, T, 3))
    narrow, _ = stacked_pair(rng)
    narrow.forward(randn(rng, N, T, 2))
    assert not wide.stacked and narrow.stacked


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


def test_time_softmax_with_loss_of_only_ignored_labels_is_zero_with_zero_gradient(rng):
    layer = TimeSoftmaxWithLoss()
    assert layer.forward(rng.standard_normal((1, 2, 3)), numpy.array([[-1, -1]])) == 0
    numpy.testing.assert_array_equal(layer.backward(), 0)


def test_time_softmax_with_loss_is_finite_for_huge_scores(rng):
    xs = randn(rng, N, T, V).astype(numpy.float32)
    xs[:, :, 0] = 1e4
    ts = numpy.ones((N, T), dtype=numpy.int32)
    loss = TimeSoftmaxWithLoss().forward(xs, ts)
    assert numpy.isfinite(loss) and loss > 1e3


def softmax_loss_reference(xs, ts):
    """Loss and dx of the mean cross-entropy, written with the row maximum subtracted, in float64."""
    x = xs.reshape(-1, xs.shape[-1]).astype(numpy.float64)
    m = x.max(axis=1, keepdims=True)
    log_p = x - m - numpy.log(numpy.exp(x - m).sum(axis=1, keepdims=True))
    rows = numpy.arange(len(x))
    loss = -numpy.mean(log_p[rows, ts.ravel()])
    p = numpy.exp(log_p)
    p[rows, ts.ravel()] -= 1
    return loss, (p / len(x)).reshape(xs.shape)


# rows of V = 5 scores: ordinary; an exp that overflows; a sum above 2^64; all far below zero
AWKWARD_ROWS = [[0.3, -1.2, 2.0, 0.0, 0.7], [1e4, 2.0, 0.0, -3.0, 9e3], [50.0, 49.0, 0.0, 1.0, 2.0],
                [-300.0, -302.0, -299.5, -310.0, -301.0], [-0.5, 0.5, 1.5, -2.0, 0.0], [88.0, 87.5, 80.0, 0.0, 1.0]]


@pytest.mark.parametrize("dtype", [numpy.float32, numpy.float64])
def test_time_softmax_with_loss_takes_the_max_only_where_plain_sums_are_unsafe(dtype):
    """Rows whose plain sum of exp lies outside [2^-64, 2^64] are shifted by their maximum, the others by 0."""
    x = numpy.array(AWKWARD_ROWS, dtype=dtype)
    e, sums = numpy.empty_like(x), numpy.empty((len(x), 1), dtype=dtype)
    m = _exp_rows(x, e, sums)
    numpy.testing.assert_array_equal(m[:, 0], [0, 1e4, 50, -299.5, 0, 88])
    numpy.testing.assert_allclose(e, numpy.exp(x.astype(numpy.float64) - m), rtol=1e-6)
    numpy.testing.assert_allclose(sums, e.sum(axis=1, keepdims=True), rtol=1e-6)


@pytest.mark.parametrize("dtype,rtol", [(numpy.float32, 2e-6), (numpy.float64, 1e-12)])
def test_time_softmax_with_loss_on_awkward_rows_matches_the_max_form(dtype, rtol):
    xs = numpy.array(AWKWARD_ROWS, dtype=dtype).reshape(2, 3, 5)
    ts = numpy.array([[2, 1, 4], [3, 0, 1]])
    layer = TimeSoftmaxWithLoss()
    with warnings.catch_warnings():
        warnings.simplefilter("error")                    # no overflow or underflow warning either
        loss = layer.forward(xs, ts)
        dx = layer.backward()
    expected_loss, expected_dx = softmax_loss_reference(xs, ts)
    assert loss == pytest.approx(expected_loss, rel=rtol)
    numpy.testing.assert_allclose(dx, expected_dx, rtol=rtol, atol=rtol * 1e-3)


def test_time_softmax_with_loss_on_large_batches_matches_the_max_form(rng):
    """Enough rows for the row-block threads, at the Rnnlm's scale of scores."""
    xs = (rng.standard_normal((20, 35, 1000)) * 4).astype(numpy.float32)
    xs[3, 7, 11] = 200.0                                  # one row falls back to its maximum
    ts = rng.integers(0, 1000, (20, 35))
    layer = TimeSoftmaxWithLoss()
    loss, dx = layer.forward(xs, ts), layer.backward()
    expected_loss, expected_dx = softmax_loss_reference(xs, ts)
    assert loss == pytest.approx(expected_loss, rel=1e-6)
    numpy.testing.assert_allclose(dx, expected_dx, rtol=1e-4, atol=1e-10)


def test_time_dropout_gradient_matches_its_mask(rng):
    layer = TimeDropout(0.5)
    xs = randn(rng, N, T, D)
    out = layer.forward(xs)
    dx = layer.backward(numpy.ones_like(xs))
    numpy.testing.assert_allclose(out, xs * dx)
    layer.train_flg = False
    assert layer.forward(xs) is xs


# --- GRU in both forms ------------------------------------------------------------------------------


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


# --- forward values ---------------------------------------------------------------------------------


def rnn_reference(xs, Wx, Wh, b, h):
    out = []
    for t in range(xs.shape[1]):
        h = numpy.tanh(xs[:, t] @ Wx + h @ Wh + b)
        out.append(h)
    return numpy.stack(out, axis=1)


def lstm_reference(xs, Wx, Wh, b, h, c):
    """The book's gate order in the fused columns: f, g, i, o."""
    H = h.shape[1]
    out = []
    for t in range(xs.shape[1]):
        a = xs[:, t] @ Wx + h @ Wh + b
        f, g, i, o = sigmoid(a[:, :H]), numpy.tanh(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
        c = f * c + g * i
        h = o * numpy.tanh(c)
        out.append(h)
    return numpy.stack(out, axis=1)


def gru_reference(xs, Wx, Wh, b, h):
    """The book's GRU: z, r, candidate; h = (1 - z) h + z h~."""
    H = h.shape[1]
    out = []
    for t in range(xs.shape[1]):
        x = xs[:, t]
        z = sigmoid(x @ Wx[:, :H] + h @ Wh[:, :H] + b[:H])
        r = sigmoid(x @ Wx[:, H:2 * H] + h @ Wh[:, H:2 * H] + b[H:2 * H])
        cand = numpy.tanh(x @ Wx[:, 2 * H:] + (r * h) @ Wh[:, 2 * H:] + b[2 * H:])
        h = (1 - z) * h + z * cand
        out.append(h)
    return numpy.stack(out, axis=1)


@pytest.mark.parametrize("layer_class, gates", [(TimeRNN, 1), (TimeLSTM, 4), (TimeGRU, 3)])
def test_recurrent_layers_step_by_step(rng, shape, layer_class, gates):
    N, T, D, H = shape
    Wx, Wh, b = rng.standard_normal((D, gates * H)), rng.standard_normal((H, gates * H)), rng.standard_normal(gates * H)
    xs, h0, c0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    layer = layer_class(Wx, Wh, b, stateful=True)
    layer.set_state(h0, c0 if gates == 4 else None)
    out = layer.forward(xs)
    if gates == 1:
        expected = rnn_reference(xs, Wx, Wh, b, h0)
    elif gates == 4:
        expected = lstm_reference(xs, Wx, Wh, b, h0, c0)
    else:
        expected = gru_reference(xs, Wx, Wh, b, h0)
    close(out, expected)
    close(layer.h, expected[:, -1])


def test_lstm_one_step_by_hand():
    """D = H = 1, zero state: c = sigmoid(a_f) * 0 + tanh(a_g) * sigmoid(a_i), h = sigmoid(a_o) tanh(c)."""
    x = 0.5
    wx = numpy.array([[0.1, 0.2, 0.3, 0.4]])        # f, g, i, o
    b = numpy.array([0.0, 0.1, -0.1, 0.2])
    layer = TimeLSTM(wx, numpy.zeros((1, 4)), b)
    a_g, a_i, a_o = x * 0.2 + 0.1, x * 0.3 - 0.1, x * 0.4 + 0.2
    c = math.tanh(a_g) * (1 / (1 + math.exp(-a_i)))
    h = (1 / (1 + math.exp(-a_o))) * math.tanh(c)
    assert float(layer.forward(numpy.array([[[x]]]))[0, 0, 0]) == pytest.approx(h, rel=1e-14)
    assert float(layer.c[0, 0]) == pytest.approx(c, rel=1e-14)


def test_rnn_cf_step_by_step(rng, shape):
    N, T, D, H = shape
    S, alpha = 2, 0.9
    B, Wx, R, b = (rng.standard_normal(s) for s in [(D, S), (D + S, H), (H, H), (H,)])
    xs = rng.standard_normal((N, T, D))
    out = TimeRNNCF(B, Wx, R, b, alpha=alpha).forward(xs)
    s, h, expected = numpy.zeros((N, S)), numpy.zeros((N, H)), []
    for t in range(T):
        s = (1 - alpha) * xs[:, t] @ B + alpha * s
        h = numpy.tanh(numpy.concatenate([xs[:, t], s], axis=1) @ Wx + h @ R + b)
        expected.append(numpy.concatenate([h, s], axis=1))
    close(out, numpy.stack(expected, axis=1))


def test_bidirectional_reads_both_ways(rng, shape):
    N, T, D, H = shape
    p1 = [rng.standard_normal(s) for s in [(D, H), (H, H), (H,)]]
    p2 = [rng.standard_normal(s) for s in [(D, H), (H, H), (H,)]]
    xs = rng.standard_normal((N, T, D))
    out = TimeBidirectional(TimeRNN(*p1), TimeRNN(*p2)).forward(xs)
    forward = rnn_reference(xs, *p1, numpy.zeros((N, H)))
    backward = rnn_reference(xs[:, ::-1], *p2, numpy.zeros((N, H)))[:, ::-1]
    close(out, numpy.concatenate([forward, backward], axis=2))


def test_time_embedding_lookup(rng):
    W, idx = rng.standard_normal((7, 3)), rng.integers(0, 7, (2, 4))
    close(TimeEmbedding(W).forward(idx), W[idx])                  # (N, T) ids -> (N, T, D) rows


def test_time_affine_and_softmax_loss(rng, shape):
    N, T, D, H = shape
    x, W, b = rng.standard_normal((N, T, D)), rng.standard_normal((D, H)), rng.standard_normal(H)
    close(TimeAffine(W, b).forward(x), numpy.einsum("ntd,dh->nth", x, W) + b)
    scores, ts = rng.standard_normal((N, T, H + 1)), rng.integers(0, H + 1, (N, T))
    ts[0, 0] = -1                                              # ignored
    losses = [-math.log(math.exp(scores[n, t, ts[n, t]]) / numpy.exp(scores[n, t]).sum())
              for n in range(N) for t in range(T) if ts[n, t] != -1]
    expected = sum(losses) / len(losses) if losses else 0.0
    assert TimeSoftmaxWithLoss().forward(scores, ts) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_pooling(rng, shape):
    N, T, _, H = shape
    xs = rng.standard_normal((N, T, H))
    lengths = rng.integers(1, T + 1, N)
    close(TimeSelectLast().forward(xs, lengths), [xs[n, lengths[n] - 1] for n in range(N)])
    close(TimeMaskedMean().forward(xs, lengths), [xs[n, :lengths[n]].mean(axis=0) for n in range(N)])


def test_lstm_matches_pytorch(rng, shape):
    torch = pytest.importorskip("torch")
    N, T, D, H = shape
    ref = torch.nn.LSTM(D, H, batch_first=True).double()
    w_ih, w_hh = ref.weight_ih_l0.detach().numpy(), ref.weight_hh_l0.detach().numpy()
    bias = (ref.bias_ih_l0 + ref.bias_hh_l0).detach().numpy()
    order = numpy.r_[H:2 * H, 2 * H:3 * H, 0:H, 3 * H:4 * H]     # PyTorch i, f, g, o -> ours f, g, i, o
    layer = TimeLSTM(w_ih[order].T.copy(), w_hh[order].T.copy(), bias[order].copy())
    xs = rng.standard_normal((N, T, D))
    expected, _ = ref(torch.from_numpy(xs))
    close(layer.forward(xs), expected.detach().numpy())
