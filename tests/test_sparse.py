"""RowSparseGrad coalescing against a dense np.add.at reference."""
import numpy
import pytest

from common.sparse import RowSparseGrad, UniqueRows


def dense_reference(shape, ids, coef, base, src):
    out = numpy.zeros(shape)
    numpy.add.at(out, ids, coef[:, None] * base[src])
    return out


@pytest.mark.parametrize("V, n, B", [(50, 40, 8), (10, 200, 30), (5000, 30, 30), (3, 1, 1)])
def test_assign_scaled_rows_matches_dense(V, n, B):
    rng = numpy.random.default_rng(V + n)
    ids = rng.integers(0, V, n)
    coef, src = rng.standard_normal(n), rng.integers(0, B, n)
    base = rng.standard_normal((B, 4))
    g = RowSparseGrad((V, 4), numpy.float64)
    g.assign_scaled_rows(ids, coef, base, src)
    assert numpy.array_equal(g.rows, numpy.unique(ids))          # sorted and unique
    numpy.testing.assert_allclose(g.to_dense(), dense_reference((V, 4), ids, coef, base, src), atol=1e-12)


def test_assign_sums_repeated_rows():
    ids = numpy.array([[3, 1], [3, 3]])
    dout = numpy.arange(8, dtype=numpy.float64).reshape(2, 2, 2)
    g = RowSparseGrad((5, 2), numpy.float64)
    g.assign(ids, dout)
    assert g.rows.tolist() == [1, 3]
    assert g.values.tolist() == [[2, 3], [0 + 4 + 6, 1 + 5 + 7]]


def test_large_batches_sum_every_duplicate():
    # 2 * 3000 summands on 3000 rows, each row fed by two different base rows
    rng = numpy.random.default_rng(0)
    ids = numpy.repeat(numpy.arange(3000), 2)
    base = rng.standard_normal((6000, 3))
    coef = rng.standard_normal(6000)
    src = numpy.arange(6000)
    g = RowSparseGrad((3000, 3), numpy.float64)
    g.assign_scaled_rows(ids, coef, base, src)
    numpy.testing.assert_allclose(g.to_dense(), dense_reference((3000, 3), ids, coef, base, src), atol=1e-12)


def test_repeated_id_and_source_pairs_add_up():
    # the same (row, source) pair twice, as a context window holding one word twice
    ids, src = numpy.array([4, 4, 4]), numpy.array([0, 0, 1])
    base = numpy.array([[1.0, 2.0], [10.0, 20.0]])
    g = RowSparseGrad((6, 2), numpy.float32)
    g.assign_scaled_rows(ids, None, base, src)
    assert g.values.dtype == numpy.float32
    assert g.values.tolist() == [[12.0, 24.0]]


@pytest.mark.parametrize("V", [20, 10 ** 6])     # mark array, and np.unique for a huge table
def test_unique_rows_matches_numpy(V):
    ids = numpy.array([7, 3, 7, 19, 3, 7])
    finder = UniqueRows(V)
    rows, inverse = finder(ids)
    ref = numpy.unique(ids, return_inverse=True)
    for got, want in zip((rows, inverse), ref):
        assert numpy.array_equal(got, want)
    rows2, _ = finder(numpy.array([2]))                       # scratch reset between calls
    assert rows2.tolist() == [2]
