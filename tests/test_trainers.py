"""Trainer behaviour: shuffling, truncated-BPTT offsets across fit calls, plateau decay, checkpoints."""
import numpy
import pytest

from ch06.rnnlm import Rnnlm
from common.lm_training import fit_with_validation
from common.optimizer import SGD
from common.trainer import RnnlmTrainer, Trainer


class Recorder:
    """A model stand-in that records the batches it sees."""

    def __init__(self):
        self.params, self.grads, self.seen = [], [], []

    def forward(self, x, t):
        self.seen.append(numpy.array(x))
        return 1.0

    def backward(self, dout=1):
        pass


def test_bptt_offsets_continue_across_fit_calls():
    corpus = numpy.arange(100)
    a, b = Recorder(), Recorder()
    RnnlmTrainer(a, SGD(), verbose=False).fit(corpus, corpus, max_epoch=2, batch_size=2, time_size=5)
    tb = RnnlmTrainer(b, SGD(), verbose=False)
    tb.fit(corpus, corpus, max_epoch=1, batch_size=2, time_size=5)
    tb.fit(corpus, corpus, max_epoch=1, batch_size=2, time_size=5)
    assert len(a.seen) == len(b.seen) == 20
    for x, y in zip(a.seen, b.seen):
        numpy.testing.assert_array_equal(x, y)
    numpy.testing.assert_array_equal(a.seen[0], [[0, 1, 2, 3, 4], [50, 51, 52, 53, 54]])
    numpy.testing.assert_array_equal(a.seen[10], [[50, 51, 52, 53, 54], [0, 1, 2, 3, 4]])  # wraps around


def test_trainer_shuffles_every_epoch_and_covers_the_data():
    x = numpy.arange(12).reshape(12, 1)
    rec = Recorder()
    Trainer(rec, SGD(), seed=0, verbose=False).fit(x, numpy.zeros(12), max_epoch=2, batch_size=4)
    first, second = numpy.concatenate(rec.seen[:3]).ravel(), numpy.concatenate(rec.seen[3:]).ravel()
    assert sorted(first) == list(range(12)) and sorted(second) == list(range(12))
    assert list(first) != list(second)


def test_plateau_decay_and_best_checkpoint(tmp_path, monkeypatch):
    model = Rnnlm(vocab_size=20, wordvec_size=4, hidden_size=4)
    optimizer = SGD(1.0)
    trainer = RnnlmTrainer(model, optimizer, verbose=False)
    scores = iter([50.0, 40.0, 45.0, 30.0])
    monkeypatch.setattr("common.lm_training.eval_perplexity", lambda m, c: next(scores))
    saved = []
    monkeypatch.setattr(model, "save_params", lambda path: saved.append(optimizer.lr))
    corpus = numpy.random.default_rng(0).integers(0, 20, 400)
    history = fit_with_validation(trainer, corpus[:-1], corpus[1:], corpus, 4, batch_size=2, time_size=5,
                                  decay=4.0, checkpoint=str(tmp_path / "best.npz"))
    assert [h["valid_ppl"] for h in history] == [50.0, 40.0, 45.0, 30.0]
    assert optimizer.lr == pytest.approx(0.25)      # divided once, after the worse epoch 3
    assert saved == [1.0, 1.0, 0.25]                 # epochs 1, 2 and 4 improved
