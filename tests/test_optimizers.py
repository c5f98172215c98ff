"""Optimizers update in place, match their formulas, and treat sparse rows lazily."""
import numpy
import pytest

from common.gradients import ParamGroups, clip_grads, clip_grads_value
from common.optimizer import OPTIMIZERS, SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from common.sparse import RowSparseGrad


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_update_is_in_place_and_descends(name, rng):
    p = rng.standard_normal((4, 3)).astype(numpy.float32)
    before_id, start = id(p), p.copy()
    opt = OPTIMIZERS[name](lr=0.01)
    for _ in range(5):
        opt.update([p], [2 * p])  # gradient of sum(p^2)
    assert id(p) == before_id
    assert (p ** 2).sum() < (start ** 2).sum()


def test_sgd_formula():
    p = numpy.array([1.0, 2.0])
    SGD(lr=0.5).update([p], [numpy.array([2.0, -2.0])])
    numpy.testing.assert_allclose(p, [0.0, 3.0])


def test_adam_first_step_moves_by_lr():
    p = numpy.array([1.0, -1.0])
    Adam(lr=0.1).update([p], [numpy.array([0.3, -5.0])])
    numpy.testing.assert_allclose(p, [0.9, -0.9], rtol=1e-5)


def test_momentum_and_nesterov_formulas():
    g = numpy.array([1.0])
    p = numpy.array([0.0])
    m = Momentum(lr=0.1, momentum=0.9)
    m.update([p], [g])
    m.update([p], [g])
    numpy.testing.assert_allclose(p, [-0.1 - 0.19])


def test_nesterov_steps_by_hand():
    """lr 0.1, momentum 0.9, g = 1: the first step is -(1 + 0.9) * 0.1 = -0.19 (the book's code: -0.271);
    the second is 0.81 * (-0.1) - 0.19 = -0.271."""
    p, g = numpy.array([0.0]), numpy.array([1.0])
    opt = Nesterov(lr=0.1, momentum=0.9)
    opt.update([p], [g])
    numpy.testing.assert_allclose(p, [-0.19])
    opt.update([p], [g])
    numpy.testing.assert_allclose(p, [-0.19 - 0.271])


def test_nesterov_equals_pytorchs_formulation():
    """PyTorch's SGD(nesterov=True), written out: buf = mu buf + g; p -= lr (g + mu buf)."""
    rng = numpy.random.default_rng(0)
    p, q, buf = numpy.zeros(4), numpy.zeros(4), numpy.zeros(4)
    opt = Nesterov(lr=0.05, momentum=0.8)
    for _ in range(6):
        g = rng.standard_normal(4)
        opt.update([p], [g.copy()])
        buf = 0.8 * buf + g
        q -= 0.05 * (g + 0.8 * buf)
    numpy.testing.assert_allclose(p, q, rtol=1e-12)


def test_adagrad_and_rmsprop_formulas():
    p = numpy.array([1.0])
    AdaGrad(lr=0.1).update([p], [numpy.array([2.0])])
    numpy.testing.assert_allclose(p, [0.9], rtol=1e-6)
    p = numpy.array([1.0])
    RMSprop(lr=0.1, decay_rate=0.99).update([p], [numpy.array([2.0])])
    numpy.testing.assert_allclose(p, [1.0 - 0.1 * 2.0 / numpy.sqrt(0.04)], atol=1e-6)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_sparse_update_equals_dense_update_on_touched_rows(name, rng):
    V, D = 6, 3
    p_dense = rng.standard_normal((V, D))
    p_sparse = p_dense.copy()
    grad = RowSparseGrad((V, D), numpy.float64)
    grad.assign(numpy.array([1, 4, 1]), rng.standard_normal((3, D)))
    dense_opt, sparse_opt = OPTIMIZERS[name](lr=0.1), OPTIMIZERS[name](lr=0.1)
    dense_opt.update([p_dense], [grad.to_dense()])
    sparse_opt.update([p_sparse], [grad])
    numpy.testing.assert_allclose(p_sparse[[1, 4]], p_dense[[1, 4]], rtol=1e-12)


def test_sparse_update_leaves_untouched_rows_alone(rng):
    p = rng.standard_normal((5, 2))
    before = p.copy()
    g = RowSparseGrad(p.shape, p.dtype)
    g.assign(numpy.array([2]), numpy.ones((1, 2)))
    Adam(lr=0.1).update([p], [g])
    numpy.testing.assert_array_equal(numpy.delete(p, 2, axis=0), numpy.delete(before, 2, axis=0))
    assert not numpy.allclose(p[2], before[2])


def test_optimizer_rejects_a_different_parameter_list():
    opt = Adam()
    opt.update([numpy.zeros(2)], [numpy.zeros(2)])
    with pytest.raises(ValueError, match="set up for 1 params"):
        opt.update([numpy.zeros(2), numpy.zeros(2)], [numpy.zeros(2), numpy.zeros(2)])


def test_clip_grads_global_norm():
    g1, g2 = numpy.array([3.0, 0.0]), numpy.array([0.0, 4.0])
    norm = clip_grads([g1, g2], 1.0)
    assert norm == pytest.approx(5.0)
    assert numpy.sqrt((g1 ** 2).sum() + (g2 ** 2).sum()) == pytest.approx(1.0, rel=1e-5)
    g3 = numpy.array([0.1])
    clip_grads([g3], 1.0)
    assert g3[0] == 0.1


def test_clip_grads_counts_sparse_rows():
    g = RowSparseGrad((4, 1), numpy.float64)
    g.assign(numpy.array([0, 0]), numpy.array([[3.0], [1.0]]))  # row 0 sums to 4
    dense = numpy.array([3.0])
    assert clip_grads([g, dense], 100.0) == pytest.approx(5.0)
    clip_grads_value([g, dense], 2.0)
    assert g.values.max() == 2.0 and dense[0] == 2.0


def test_param_groups_merge_shared_and_tied_but_not_equal_values():
    W = numpy.zeros((3, 2))
    other = numpy.zeros((3, 2))   # equal values, different array: must stay separate
    groups = ParamGroups([W, W, W.T, other])
    g_tied = numpy.arange(6.0).reshape(2, 3)
    params, grads = groups.merge([numpy.ones((3, 2)), numpy.ones((3, 2)), g_tied, numpy.ones((3, 2))])
    assert len(params) == 2 and params[0] is W and params[1] is other
    numpy.testing.assert_allclose(grads[0], 2 + g_tied.T)


def test_param_groups_merge_sparse_with_tied_dense():
    E = numpy.zeros((4, 2))
    sparse = RowSparseGrad(E.shape, E.dtype)
    sparse.assign(numpy.array([1, 1, 3]), numpy.ones((3, 2)))
    dense_T = numpy.ones((2, 4))
    params, grads = ParamGroups([E, E.T]).merge([sparse, dense_T])
    expected = numpy.ones((4, 2))
    expected[1] += 2
    expected[3] += 1
    numpy.testing.assert_allclose(grads[0], expected)
