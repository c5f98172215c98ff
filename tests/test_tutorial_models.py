"""RNN-CF, pooling layers, many-to-one classifiers and the tiny sentiment set."""
import numpy
import pytest

from ch06.sequence_classifier import BagOfWordsClassifier, RnnClassifier
from common.gradcheck import check_model
from common.time_layers import TimeMaskedMean, TimeSelectLast
from common.time_layers import TimeContext, TimeRNNCF
from common.text import Vocabulary
from dataset import tiny_sentiment
from tests.helpers import assert_gradients, ids, randn


def test_time_context(rng):
    assert_gradients(TimeContext(randn(rng, 4, 3), alpha=0.9), [randn(rng, 2, 5, 4)])


def test_time_rnn_cf(rng):
    D, S, H = 4, 3, 5
    layer = TimeRNNCF(randn(rng, D, S), randn(rng, D + S, H, scale=0.5), randn(rng, H, H, scale=0.5), randn(rng, H))
    assert_gradients(layer, [randn(rng, 2, 6, D)])


def test_context_state_is_a_slow_moving_average():
    layer = TimeContext(numpy.eye(2), alpha=0.9)
    ss = layer.forward(numpy.ones((1, 3, 2)))
    numpy.testing.assert_allclose(ss[0, :, 0], [0.1, 0.19, 0.271])


def test_select_last_and_masked_mean(rng):
    lengths = numpy.array([3, 1, 5])
    assert_gradients(TimeSelectLast(), [randn(rng, 3, 5, 4), lengths], grad_inputs=[True, False])
    assert_gradients(TimeMaskedMean(), [randn(rng, 3, 5, 4), lengths], grad_inputs=[True, False])
    xs = randn(rng, 3, 5, 4)
    numpy.testing.assert_allclose(TimeSelectLast().forward(xs, lengths)[0], xs[0, 2])
    numpy.testing.assert_allclose(TimeMaskedMean().forward(xs, lengths)[1], xs[1, 0])
    with pytest.raises(ValueError, match="lengths"):
        TimeSelectLast().forward(xs, numpy.array([0, 1, 2]))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_rnn_classifier_gradient(rng, cell):
    model = RnnClassifier(9, 4, 5, cell=cell, rng=rng, dtype="d")
    for p in model.params:
        p[...] = randn(rng, *p.shape, scale=0.5)
    x = ids(rng, 9, 3, 6)
    errors = check_model(model, [x, numpy.array([6, 2, 4]), numpy.array([0, 1, 1])])
    assert max(errors.values()) < 1e-6


def test_padding_after_the_last_step_does_not_change_the_prediction(rng):
    model = RnnClassifier(9, 4, 5, cell="lstm", rng=rng)
    x = ids(rng, 9, 1, 4)
    padded = numpy.concatenate([x, numpy.zeros((1, 3), int)], axis=1)
    numpy.testing.assert_allclose(model.predict(x, numpy.array([4])), model.predict(padded, numpy.array([4])), rtol=1e-5)


def test_bag_of_words_gradient(rng):
    model = BagOfWordsClassifier(9, 4, rng=rng, dtype="d")
    for p in model.params:
        p[...] = randn(rng, *p.shape)
    errors = check_model(model, [ids(rng, 9, 3, 6), numpy.array([6, 2, 4]), numpy.array([0, 1, 1])])
    assert max(errors.values()) < 1e-6


def test_tiny_sentiment_set_matches_its_description():
    (train, y), (test, yt) = tiny_sentiment.load_data()
    assert (len(train), sum(y), len(test), sum(yt)) == (58, 26, 20, 10)
    vocab = Vocabulary.from_tokens([t.split() for t in train], order="frequency", specials=("<pad>", "<unk>"),
                                   unk="<unk>")
    assert len(vocab) == 18 + 2  # plus <pad> and <unk>
    assert not {w for t in test for w in t.split()} - set(vocab.word_to_id)


def test_tiny_sentiment_rnn_reaches_full_test_accuracy(tmp_path):
    from ch06 import train_sentiment
    final = train_sentiment.main(["--data", "tiny", "--out-dir", str(tmp_path)])
    assert final["test_accuracy"] == 1.0


def test_vocab_padding_and_unknowns():
    vocab = Vocabulary.from_tokens([["a", "b", "a"], ["c"]], order="frequency", min_freq=2,
                                   specials=("<pad>", "<unk>"), unk="<unk>")
    ids_, lengths = vocab.pad_batch([["a", "zzz"], ["a"]])
    assert vocab.words == ["<pad>", "<unk>", "a"]
    numpy.testing.assert_array_equal(ids_, [[2, 1], [2, 0]])
    numpy.testing.assert_array_equal(lengths, [2, 1])
