"""common/trainer.py: the book's Trainer and RnnlmTrainer, driven with a model that records its batches."""
import numpy

from common.optimizer import SGD
from common.trainer import RnnlmTrainer, Trainer
from tests.helpers import RecordingModel


def test_bptt_offsets_continue_across_fit_calls():
    corpus = numpy.arange(100)
    a, b = RecordingModel(), RecordingModel()
    RnnlmTrainer(a, SGD(), verbose=False).fit(corpus, corpus, max_epoch=2, batch_size=2, time_size=5)
    tb = RnnlmTrainer(b, SGD(), verbose=False)
    tb.fit(corpus, corpus, max_epoch=1, batch_size=2, time_size=5)
    assert tb.time_idx == 50
    tb.fit(corpus, corpus, max_epoch=1, batch_size=2, time_size=5)
    assert len(a.seen) == len(b.seen) == 20
    for x, y in zip(a.seen, b.seen):
        numpy.testing.assert_array_equal(x, y)
    numpy.testing.assert_array_equal(a.seen[0], [[0, 1, 2, 3, 4], [50, 51, 52, 53, 54]])
    numpy.testing.assert_array_equal(a.seen[10], [[50, 51, 52, 53, 54], [0, 1, 2, 3, 4]])  # wraps around


def test_trainer_shuffles_every_epoch_and_covers_the_data():
    x = numpy.arange(12).reshape(12, 1)
    rec = RecordingModel()
    trainer = Trainer(rec, SGD(), seed=0, verbose=False)
    trainer.fit(x, numpy.zeros(12), max_epoch=2, batch_size=4)
    first, second = numpy.concatenate(rec.seen[:3]).ravel(), numpy.concatenate(rec.seen[3:]).ravel()
    assert sorted(first) == list(range(12)) and sorted(second) == list(range(12))
    assert list(first) != list(second)
    assert trainer.current_epoch == 2 and trainer.epoch_losses == [1.0, 1.0]
