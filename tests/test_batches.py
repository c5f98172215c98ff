"""common/batches.py: batch orders are functions of (epoch, iteration), cover the data, and keep arrays aligned."""
import numpy

from common.batches import LengthBucketedBatches, ShuffledBatches


def test_shuffled_batches_are_a_function_of_epoch_and_iteration():
    x = numpy.arange(10)
    a, b = ShuffledBatches((x,), 3, seed=5), ShuffledBatches((x,), 3, seed=5)
    assert a.iterations(0) == 3                  # the incomplete last batch is dropped
    numpy.testing.assert_array_equal(a.batch(1, 2)[0], b.batch(1, 2)[0])
    assert not numpy.array_equal(a.batch(0, 0)[0], a.batch(1, 0)[0])


def test_shuffled_batches_default_order_is_the_seeded_permutation():
    x = numpy.arange(10)
    order = numpy.random.default_rng([5, 1]).permutation(10)
    numpy.testing.assert_array_equal(ShuffledBatches((x,), 3, seed=5).batch(1, 2)[0], order[6:9])
    assert "contiguous" not in ShuffledBatches((x,), 3, seed=5).describe()    # old checkpoints still match


def test_contiguous_batches_are_runs_of_rows_in_random_order():
    x, t = numpy.arange(103)[:, None] * numpy.ones((1, 2), int), numpy.arange(103)
    source = ShuffledBatches((x, t), 10, seed=3, contiguous=True)
    assert source.iterations(0) == 10 and source.describe()["contiguous"] is True
    starts = {}
    for epoch in range(6):
        firsts = []
        for it in range(10):
            xs, ts = source.batch(epoch, it)
            assert xs.shape == (10, 2) and ts.shape == (10,)
            numpy.testing.assert_array_equal(ts, numpy.arange(ts[0], ts[0] + 10))    # consecutive rows
            numpy.testing.assert_array_equal(xs[:, 0], ts)                           # arrays stay aligned
            firsts.append(int(ts[0]))
        offset = min(firsts)
        assert 0 <= offset <= 3 and sorted(firsts) == list(range(offset, offset + 100, 10))
        starts[epoch] = firsts
    assert len({tuple(f) for f in starts.values()}) > 1                  # the order changes with the epoch
    assert len({min(f) for f in starts.values()}) > 1                    # so do the batch boundaries
    again = ShuffledBatches((x, t), 10, seed=3, contiguous=True)
    numpy.testing.assert_array_equal(again.batch(4, 7)[1], source.batch(4, 7)[1])


def test_length_bucketed_batches_cover_every_sample_once():
    lengths = numpy.array([5, 1, 3, 2, 4, 6, 2])
    ids = numpy.arange(7)[:, None] * numpy.ones((1, 6), int)
    source = LengthBucketedBatches(ids, lengths, numpy.arange(7), batch_size=3, seed=0)
    seen = []
    for it in range(source.iterations(0)):
        xs, ls, labels = source.batch(0, it)
        assert xs.shape[1] == ls.max()            # cut at the batch's longest row
        seen += list(labels)
    assert sorted(seen) == list(range(7))


def test_length_bucketed_batches_hold_similar_lengths_in_shuffled_order():
    lengths = numpy.arange(1, 31)                                 # 30 distinct lengths: one window
    ids = numpy.zeros((30, 30), int)
    source = LengthBucketedBatches(ids, lengths, numpy.arange(30), batch_size=3, seed=0)
    for epoch in range(3):
        longest = []
        for it in range(source.iterations(epoch)):
            _, ls, _ = source.batch(epoch, it)
            assert ls.max() - ls.min() == 2                       # three neighbours in length order
            longest.append(int(ls.max()))
        assert sorted(longest) == list(range(3, 31, 3))
        assert longest != sorted(longest)                         # the batches are not in length order
