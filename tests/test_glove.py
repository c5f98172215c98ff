"""GloVe: sparse 1/distance counts, the weighting, the loss by hand, and the gradient of the whole model."""
import math

import numpy
import pytest

from ch04.glove import GloVe, glove_weights
from common.gradcheck import check_model
from common.text import cooccurrence_pairs, create_co_matrix


def test_cooccurrence_pairs_match_the_dense_matrix_and_weight_by_distance():
    corpus = numpy.array([0, 1, 2, 1, 0, 3, 3])
    rows, cols, counts = cooccurrence_pairs(corpus, 4, 2, weighting="uniform")
    dense = numpy.zeros((4, 4))
    dense[rows, cols] = counts
    numpy.testing.assert_array_equal(dense, create_co_matrix(corpus, 4, 2))
    rows, cols, counts = cooccurrence_pairs(numpy.array([0, 1, 2]), 3, 2)
    pairs = {(int(r), int(c)): float(x) for r, c, x in zip(rows, cols, counts)}
    assert pairs == {(0, 1): 1.0, (1, 0): 1.0, (1, 2): 1.0, (2, 1): 1.0, (0, 2): 0.5, (2, 0): 0.5}


def test_weighting_function():
    numpy.testing.assert_allclose(glove_weights([1, 100, 1000], 100, 0.75), [0.01 ** 0.75, 1, 1])


def test_loss_by_hand():
    model = GloVe(3, 2, rng=numpy.random.default_rng(0), dtype="d")
    W, Wc, b, bc = (p for p in model.params)
    rows, cols, x = numpy.array([0, 2]), numpy.array([1, 1]), numpy.array([4.0, 1.0])
    f = glove_weights(x)
    expected = 0.5 * sum(f[n] * (W[rows[n]] @ Wc[cols[n]] + b[rows[n], 0] + bc[cols[n], 0] - math.log(x[n])) ** 2
                         for n in range(2)) / 2
    assert model.forward(rows, cols, numpy.log(x), f) == pytest.approx(expected, rel=1e-12)
    numpy.testing.assert_array_equal(model.word_vecs, W + Wc)


def test_whole_model_gradient(rng):
    model = GloVe(6, 3, rng=rng, dtype="d")
    rows, cols = rng.integers(0, 6, 10), rng.integers(0, 6, 10)      # repeated rows: sparse sums
    x = rng.uniform(0.5, 200, 10)
    errors = check_model(model, [rows, cols, numpy.log(x), glove_weights(x)])
    assert max(errors.values()) < 1e-6, errors
