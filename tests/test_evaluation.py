"""The evaluators the training loop calls after every epoch, against values worked out by hand."""
import math

import numpy
import pytest

from common.evaluation import ClassifierAccuracy, Perplexity, perplexity
from common.layers import SoftmaxWithLoss


class FixedScores:
    """A classifier stub: predict(ids (N, T), lengths (N,)) -> the scores of the rows it is shown.

    It records the time length T of every batch, so the padded cut can be checked.
    """

    def __init__(self, scores):
        self.scores = numpy.asarray(scores, dtype=numpy.float64)
        self.loss_layer = SoftmaxWithLoss()
        self.seen_T = []

    def predict(self, ids, lengths=None):
        self.seen_T.append(ids.shape[1])
        return self.scores[ids[:, 0]]          # column 0 of every row holds its row number


def mean_cross_entropy(scores, labels):
    scores = numpy.asarray(scores, dtype=numpy.float64)
    log_z = numpy.log(numpy.exp(scores).sum(axis=1))
    return float(numpy.mean(log_z - scores[numpy.arange(len(labels)), labels]))


SCORES = [[2.0, 0.0], [0.0, 1.0], [3.0, 0.5], [0.2, 0.1], [0.0, 4.0]]   # argmax 0, 1, 0, 0, 1


def padded_rows(lengths, T=6):
    ids = numpy.zeros((len(lengths), T), dtype=numpy.int64)
    ids[:, 0] = numpy.arange(len(lengths))
    return ids, numpy.asarray(lengths)


def test_classifier_accuracy_and_loss_over_batches():
    labels = numpy.array([0, 1, 1, 0, 0])                  # rows 0, 1, 3 right: 3 of 5
    ids, lengths = padded_rows([6, 2, 3, 1, 4])
    model = FixedScores(SCORES)
    evaluator = ClassifierAccuracy({"test": (ids, lengths, labels)}, batch_size=2, verbose=False)
    assert evaluator(model) == pytest.approx(0.6)
    assert evaluator.details["test_accuracy"] == pytest.approx(0.6)
    assert evaluator.details["test_loss"] == pytest.approx(mean_cross_entropy(SCORES, labels), rel=1e-12)
    # batches of 2, 2, 1 rows, each cut at its longest row: lengths (6, 2), (3, 1), (4,)
    assert model.seen_T == [6, 3, 4]


def test_classifier_accuracy_reports_every_dataset_and_returns_the_first():
    ids, lengths = padded_rows([1, 1, 1, 1, 1])
    all_right = numpy.array([0, 1, 0, 0, 1])
    all_wrong = 1 - all_right
    evaluator = ClassifierAccuracy({"test": (ids, lengths, all_wrong), "train": (ids, lengths, all_right)},
                                   verbose=False)
    assert evaluator(FixedScores(SCORES)) == 0.0
    assert evaluator.details["test_accuracy"] == 0.0 and evaluator.details["train_accuracy"] == 1.0


def test_classifier_accuracy_unpadded_inputs_are_passed_whole():
    x = numpy.arange(5)[:, None].repeat(3, axis=1)      # (N, 3) feature rows, no lengths
    labels = numpy.array([0, 1, 0, 1, 1])                # 4 of 5 right
    model = FixedScores(SCORES)
    evaluator = ClassifierAccuracy({"test": (x, labels)}, batch_size=4, verbose=False, padded=False)
    assert evaluator(model) == pytest.approx(0.8)
    assert model.seen_T == [3, 3]


class UnigramLM:
    """A language-model stub whose loss per window is the mean of -log p(next id) under fixed
    unigram probabilities; counts reset_state calls."""

    def __init__(self, probs):
        self.log_p = numpy.log(numpy.asarray(probs))
        self.resets = 0

    def reset_state(self):
        self.resets += 1

    def forward(self, xs, ts):
        return float(-self.log_p[ts].mean())


def test_perplexity_is_exp_of_the_mean_loss_over_the_windows_read():
    probs = [0.5, 0.25, 0.125, 0.125]
    corpus = numpy.array([0, 1, 2, 3, 0, 0, 1, 0, 3, 2, 1])    # 11 ids
    model = UnigramLM(probs)
    value = Perplexity(corpus, batch_size=2, time_size=2, verbose=False)(model)
    # 2 iterations of 2 rows x 2 steps; rows start at 0 and 5 (jump = 10 // 2); the targets read
    # are ids[1:3], ids[6:8] then ids[3:5], ids[8:10]
    targets = [1, 2, 1, 0, 3, 0, 3, 2]
    expected = math.exp(-numpy.mean(numpy.log(numpy.asarray(probs)[targets])))
    assert value == pytest.approx(expected, rel=1e-12)
    assert model.resets == 2                                   # before and after


def test_perplexity_of_a_diverged_model_is_inf_not_an_overflow():
    assert perplexity(1000.0) == math.inf
    assert perplexity(0.0) == 1.0
