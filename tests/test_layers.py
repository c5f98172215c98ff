"""common/layers.py: every feed-forward layer and loss, its gradient check (float64, central
differences) and its forward values against references written here independently (textbook
formulas row by row; a few cases by hand; PyTorch too when it is installed)."""
import math

import numpy
import pytest

from common.gradients import remove_duplicate
from common.layers import (Affine, Dropout, Embedding, MatMul, ReLU, Sigmoid, SigmoidWithLoss, Softmax,
                           SoftmaxWithLoss)
from common.rng import seed
from tests.helpers import assert_gradients, close, ids, randn, sigmoid

N, D, H, C, V = 4, 5, 3, 6, 7


# --- gradients --------------------------------------------------------------------------------------


def test_matmul(rng):
    assert_gradients(MatMul(randn(rng, D, H)), [randn(rng, N, D)])


def test_affine(rng):
    assert_gradients(Affine(randn(rng, D, H), randn(rng, H)), [randn(rng, N, D)])


def test_sigmoid(rng):
    assert_gradients(Sigmoid(), [randn(rng, N, D)])


def test_relu(rng):
    x = randn(rng, N, D)
    x[numpy.abs(x) < 0.01] = 0.5  # keep away from the kink
    assert_gradients(ReLU(), [x])


def test_softmax(rng):
    assert_gradients(Softmax(), [randn(rng, N, C)])


@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_with_loss(rng, one_hot):
    t = ids(rng, C, N)
    if one_hot:
        t = numpy.eye(C, dtype=numpy.int32)[t]
    assert_gradients(SoftmaxWithLoss(), [randn(rng, N, C), t], grad_inputs=[True, False])


def test_sigmoid_with_loss(rng):
    assert_gradients(SigmoidWithLoss(), [randn(rng, N, scale=3), ids(rng, 2, N)], grad_inputs=[True, False])


def test_dropout_gradient_uses_the_same_mask(rng):
    layer = Dropout(0.3)
    seed(0)
    x = randn(rng, N, D)
    layer.forward(x)
    mask = layer.mask
    dx = layer.backward(numpy.ones_like(x))
    numpy.testing.assert_array_equal(dx, mask)


def test_embedding_with_repeated_ids(rng):
    W = randn(rng, V, D)
    x = numpy.array([[0, 3, 3], [1, 0, 6]])
    errors = assert_gradients(Embedding(W), [x], grad_inputs=[False])
    assert set(errors) == {"param0"}


def test_softmax_with_loss_ignores_rows_with_the_ignore_label(rng):
    x, t = rng.standard_normal((4, 3)), numpy.array([2, -1, 0, -1])
    layer = SoftmaxWithLoss()
    kept = SoftmaxWithLoss()
    assert layer.forward(x, t) == pytest.approx(kept.forward(x[[0, 2]], t[[0, 2]]), rel=1e-12)
    dx = layer.backward()
    numpy.testing.assert_array_equal(dx[[1, 3]], 0)
    numpy.testing.assert_allclose(dx[[0, 2]], kept.backward(), rtol=1e-12)
    assert_gradients(SoftmaxWithLoss(), [x, t], grad_inputs=[True, False])


def test_softmax_with_loss_of_only_ignored_rows_is_zero_with_zero_gradient(rng):
    layer = SoftmaxWithLoss()
    assert layer.forward(rng.standard_normal((2, 3)), numpy.array([-1, -1])) == 0
    numpy.testing.assert_array_equal(layer.backward(), 0)


def test_affine_params_are_the_callers_arrays_and_gradients_are_written_in_place():
    rng = numpy.random.default_rng(0)
    W, b, x, dout = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    layer = Affine(W, b)
    assert layer.params[0] is W and layer.params[1] is b             # the book's contract: no copies
    grads = list(layer.grads)
    numpy.testing.assert_allclose(layer.forward(x), x @ W + b, rtol=1e-12)
    numpy.testing.assert_allclose(layer.backward(dout), dout @ W.T, rtol=1e-12)
    assert all(g is h for g, h in zip(layer.grads, grads))           # written in place, not rebound
    numpy.testing.assert_allclose(grads[0], x.T @ dout, rtol=1e-12)
    numpy.testing.assert_allclose(grads[1], dout.sum(axis=0), rtol=1e-12)
    W0, b0 = W.copy(), b.copy()
    W -= 1.0                                                         # the caller's (an optimizer's) in-place update...
    b += 2.0
    numpy.testing.assert_allclose(layer.forward(x), x @ (W0 - 1) + b0 + 2, rtol=1e-12)   # ...is what forward uses


def test_affine_stacked_speed_path_equals_the_plain_form_and_follows_the_callers_w():
    rng = numpy.random.default_rng(2)
    W, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    layer = Affine(W, b)
    for N, stacked in ((5, False), (12, True)):                          # stacked when N >= 2 D
        x, dout = rng.standard_normal((N, 3)), rng.standard_normal((N, 4))
        numpy.testing.assert_allclose(layer.forward(x), x @ W + b, rtol=1e-12)
        assert layer.stacked is stacked
        numpy.testing.assert_allclose(layer.backward(dout), dout @ W.T, rtol=1e-12)
        numpy.testing.assert_allclose(layer.grads[0], x.T @ dout, rtol=1e-12)
        numpy.testing.assert_allclose(layer.grads[1], dout.sum(axis=0), rtol=1e-12)
        W *= 0.5                                                         # an in-place update by the caller
        b -= 1.0
        numpy.testing.assert_allclose(layer.forward(x), x @ W + b, rtol=1e-12)
    assert layer.params[0] is W and layer.params[1] is b
    assert_gradients(Affine(W, b), [rng.standard_normal((12, 3))])


def test_two_affine_layers_built_from_one_array_share_it():
    """The book shares a weight between layers by passing the same array; Trainer merges them by identity."""
    rng = numpy.random.default_rng(1)
    W, b1, b2 = rng.standard_normal((3, 3)), numpy.zeros(3), numpy.zeros(3)
    first, second = Affine(W, b1), Affine(W, b2)
    x = rng.standard_normal((4, 3))
    y = second.forward(first.forward(x))
    first.backward(second.backward(numpy.ones_like(y)))
    params, grads = remove_duplicate(first.params + second.params, first.grads + second.grads)
    assert len(params) == 3 and params[0] is W                      # W once, with both layers' gradients summed
    h = x @ W + b1
    numpy.testing.assert_allclose(grads[0], x.T @ (numpy.ones_like(y) @ W.T) + h.T @ numpy.ones_like(y), rtol=1e-12)
    W += 1.0
    numpy.testing.assert_allclose(second.forward(first.forward(x)), (x @ W + b1) @ W + b2, rtol=1e-12)


def test_affine_output_dtype_follows_its_inputs_and_bad_bias_is_refused():
    W, b = numpy.ones((3, 2), dtype=numpy.float32), numpy.ones(2, dtype=numpy.float32)
    assert Affine(W, b).forward(numpy.ones((4, 3))).dtype == numpy.float64               # as x @ W + b
    assert Affine(W, b).forward(numpy.ones((4, 3), dtype=numpy.float32)).dtype == numpy.float32
    with pytest.raises(ValueError, match=r"b \(H,\)"):
        Affine(W, numpy.ones(3, dtype=numpy.float32))


# --- forward values ---------------------------------------------------------------------------------


def test_matmul_affine_and_activations(rng, shape):
    N, _, D, H = shape
    x, W, b = rng.standard_normal((N, D)), rng.standard_normal((D, H)), rng.standard_normal(H)
    ref = numpy.array([[sum(x[n, k] * W[k, h] for k in range(D)) for h in range(H)] for n in range(N)])
    close(MatMul(W).forward(x), ref)
    close(Affine(W, b).forward(x), ref + b)
    close(Sigmoid().forward(x), sigmoid(x))
    close(ReLU().forward(x), numpy.where(x > 0, x, 0))
    e = numpy.exp(x)
    close(Softmax().forward(x), e / e.sum(axis=1, keepdims=True))


def test_softmax_with_loss_by_hand():
    # two equal scores: p = 1/2 each, loss = log 2; a sure score: loss = log(1 + e^-10)
    assert SoftmaxWithLoss().forward(numpy.zeros((1, 2)), numpy.array([0])) == pytest.approx(math.log(2), rel=1e-15)
    loss = SoftmaxWithLoss().forward(numpy.array([[10.0, 0.0]]), numpy.array([0]))
    assert loss == pytest.approx(math.log(1 + math.exp(-10)), rel=1e-12)


def test_softmax_and_sigmoid_losses(rng, shape):
    N, _, D, _ = shape
    x, t = rng.standard_normal((N, D + 1)), rng.integers(0, D + 1, N)
    p = numpy.exp(x) / numpy.exp(x).sum(axis=1, keepdims=True)
    assert SoftmaxWithLoss().forward(x, t) == pytest.approx(-numpy.mean(numpy.log(p[numpy.arange(N), t])), rel=1e-12)
    s, y = rng.standard_normal(N), rng.integers(0, 2, N)
    ref = -numpy.mean(y * numpy.log(sigmoid(s)) + (1 - y) * numpy.log(1 - sigmoid(s)))
    assert SigmoidWithLoss().forward(s, y) == pytest.approx(ref, rel=1e-12)


def test_dropout_keeps_or_zeroes_and_rescales(rng):
    seed(0)
    x = rng.standard_normal((50, 40)) + 3.0
    layer = Dropout(0.25)
    y = layer.forward(x)
    kept = y != 0
    close(y[kept], x[kept] / 0.75)
    assert 0.70 < kept.mean() < 0.80
    layer.train_flg = False
    close(layer.forward(x), x)


def test_embedding_lookup(rng, shape):
    N, T, D, H = shape
    W = rng.standard_normal((7, H))
    idx = rng.integers(0, 7, (N, T))
    close(Embedding(W).forward(idx), numpy.array([[W[i] for i in row] for row in idx]))


def test_softmax_with_loss_matches_pytorch(rng, shape):
    torch = pytest.importorskip("torch")
    N, T, _, H = shape
    x, t = rng.standard_normal((N, H + 1)), rng.integers(0, H + 1, N)
    expected = torch.nn.functional.cross_entropy(torch.from_numpy(x), torch.from_numpy(t)).item()
    assert SoftmaxWithLoss().forward(x, t) == pytest.approx(expected, rel=1e-12)
