"""RowSparseGrad coalescing and MeanOfRows against dense references."""
import numpy
import pytest

from common.sparse import MeanOfRows, RowSparseGrad, UniqueRows


def dense_reference(shape, ids, coef, base):
    """sum over (n, m) of coef[n, m] * base[n] at row ids[n, m], one entry at a time."""
    out = numpy.zeros(shape)
    for n in range(ids.shape[0]):
        for m in range(ids.shape[1]):
            out[ids[n, m]] += coef[n, m] * base[n]
    return out


@pytest.mark.parametrize("V, N, M", [(50, 8, 5), (10, 30, 7), (5000, 30, 1), (3, 1, 1)])
def test_assign_rows_matches_dense(V, N, M):
    rng = numpy.random.default_rng(V + N)
    ids = rng.integers(0, V, (N, M))
    coef, base = rng.standard_normal((N, M)), rng.standard_normal((N, 4))
    g = RowSparseGrad((V, 4), numpy.float64)
    g.assign_rows(ids, base, coef)
    assert numpy.array_equal(g.rows, numpy.unique(ids))          # sorted and unique
    numpy.testing.assert_allclose(g.to_dense(), dense_reference((V, 4), ids, coef, base), atol=1e-12)


def test_assign_sums_repeated_rows():
    ids = numpy.array([[3, 1], [3, 3]])
    dout = numpy.arange(8, dtype=numpy.float64).reshape(2, 2, 2)
    g = RowSparseGrad((5, 2), numpy.float64)
    g.assign(ids, dout)
    assert g.rows.tolist() == [1, 3]
    assert g.values.tolist() == [[2, 3], [0 + 4 + 6, 1 + 5 + 7]]


def test_large_batches_sum_every_duplicate():
    # 6000 entries on 3000 rows, each row fed by two different base rows
    rng = numpy.random.default_rng(0)
    ids = numpy.repeat(numpy.arange(3000), 2).reshape(3000, 2)
    base, coef = rng.standard_normal((3000, 3)), rng.standard_normal((3000, 2))
    g = RowSparseGrad((3000, 3), numpy.float64)
    g.assign_rows(ids, base, coef)
    numpy.testing.assert_allclose(g.to_dense(), dense_reference((3000, 3), ids, coef, base), atol=1e-12)


def test_a_row_named_twice_by_one_source_row_gets_both():
    # as a context window holding the same word twice
    ids = numpy.array([[4, 4], [4, 1]])
    base = numpy.array([[1.0, 2.0], [10.0, 20.0]])
    g = RowSparseGrad((6, 2), numpy.float32)
    g.assign_rows(ids, base)
    assert g.values.dtype == numpy.float32
    assert g.rows.tolist() == [1, 4]
    assert g.values.tolist() == [[10.0, 20.0], [12.0, 24.0]]


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


def test_minus_one_is_no_entry_in_the_sparse_sums():
    rng = numpy.random.default_rng(5)
    ids = rng.integers(0, 20, (9, 4))
    ids[rng.random(ids.shape) < 0.4] = -1
    ids[0] = -1                                               # a row with nothing
    coef, base = rng.standard_normal(ids.shape), rng.standard_normal((9, 3))
    g = RowSparseGrad((20, 3), numpy.float64)
    g.assign_rows(ids, base, coef)
    present = ids >= 0
    assert numpy.array_equal(g.rows, numpy.unique(ids[present]))
    numpy.testing.assert_allclose(g.to_dense(), dense_reference((20, 3), numpy.where(present, ids, 0),
                                                                coef * present, base), atol=1e-12)


def mean_of_rows_reference(table, ids, dout):
    """The means one row at a time, and the table's dense gradient of sum(dout * means)."""
    means, grad = numpy.zeros((ids.shape[0], table.shape[1])), numpy.zeros(table.shape)
    for n in range(ids.shape[0]):
        chosen = ids[n][ids[n] >= 0]
        means[n] = table[chosen].mean(axis=0)
        for c in chosen:
            grad[c] += dout[n] / len(chosen)
    return means, grad


@pytest.mark.parametrize("missing", [False, True])
def test_mean_of_rows_and_its_gradient_match_a_row_by_row_reference(missing):
    rng = numpy.random.default_rng(7)
    ids = rng.integers(0, 20, (9, 4))
    ids[3, :2] = ids[3, 2]                                    # one id three times in a row counts three times
    if missing:
        ids[rng.random(ids.shape) < 0.4] = -1
        ids[:, 1] = rng.integers(0, 20, 9)                    # every row keeps an id
    table, dout = rng.standard_normal((20, 3)), rng.standard_normal((9, 3))
    layer = MeanOfRows(20)
    means = layer.forward(table, ids)
    rows, values = layer.backward(dout)
    want_means, want_grad = mean_of_rows_reference(table, ids, dout)
    numpy.testing.assert_allclose(means, want_means, atol=1e-12)
    assert numpy.array_equal(rows, numpy.unique(ids[ids >= 0]))
    numpy.testing.assert_allclose(values, want_grad[rows], atol=1e-12)
    assert not want_grad[numpy.setdiff1d(numpy.arange(20), rows)].any()


def test_mean_of_rows_names_a_row_without_ids():
    ids = numpy.array([[1, 2], [-1, -1], [3, -1]])
    with pytest.raises(ValueError, match="row 1 of contexts is all -1"):
        MeanOfRows(5, name="contexts").forward(numpy.ones((5, 2)), ids)


def test_the_gpu_branches_agree_with_the_cpu_ones(monkeypatch):
    """The CuPy code paths of the sparse sums, run with NumPy standing in for CuPy (-1 entries included)."""
    import common.sparse as backend

    rng = numpy.random.default_rng(6)
    ids = rng.integers(0, 15, (7, 3))
    ids[rng.random(ids.shape) < 0.3] = -1
    ids[:, 0] = rng.integers(0, 15, 7)                       # every row keeps one id
    coef, base, table = rng.standard_normal((7, 3)), rng.standard_normal((7, 4)), rng.standard_normal((15, 4))
    slot = numpy.where(ids >= 0, ids % 5, -1)

    def sums():
        layer = backend.MeanOfRows(15)
        means = layer.forward(table, ids)
        return (backend.sum_into_rows(slot, 5, base, coef), backend.sum_into_rows(slot, 5, base), means,
                *layer.backward(base))

    cpu = sums()
    monkeypatch.setattr(backend, "GPU", True)
    gpu = sums()
    for a, b in zip(cpu, gpu):
        numpy.testing.assert_allclose(a, b, atol=1e-12)
