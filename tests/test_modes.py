"""One train/eval switch: model.train() / model.eval() reach every dropout layer."""
import numpy

from ch06.better_rnnlm import BetterRnnlm
from ch06.sequence_classifier import RnnClassifier
from common.evaluation import eval_perplexity
from common.rng import seed


def test_eval_turns_every_dropout_off_and_train_back_on(rng):
    model = BetterRnnlm(20, 4, 4, dropout_ratio=0.5, rng=rng)
    xs, ts = rng.integers(0, 20, (2, 5)), rng.integers(0, 20, (2, 5))
    dropouts = [l for l in model.layers if hasattr(l, "train_flg")]
    assert len(dropouts) == 3 and model.training
    model.eval()
    assert not model.training and not any(l.train_flg for l in dropouts)
    model.reset_state()
    a = float(model.forward(xs, ts))
    model.reset_state()
    assert a == float(model.forward(xs, ts))                 # no dropout: deterministic
    model.train()
    assert all(l.train_flg for l in dropouts)
    seed(1)
    model.reset_state()
    b = float(model.forward(xs, ts))
    model.reset_state()
    assert b != float(model.forward(xs, ts))                 # dropout: a new mask every call


def test_predict_and_evaluation_leave_the_mode_as_it_was(rng):
    model = BetterRnnlm(20, 4, 4, rng=rng)
    model.predict(rng.integers(0, 20, (1, 3)))               # the book's predict: dropout off
    assert model.training and all(l.train_flg for l in model.layers if hasattr(l, "train_flg"))
    model.reset_state()
    eval_perplexity(model, rng.integers(0, 20, 200), batch_size=2, time_size=5)
    assert model.training
    with model.mode(False):
        assert not model.training
    assert model.training


def test_a_forward_in_the_models_own_mode_does_not_walk_the_model(rng, monkeypatch):
    import common.checkpoint
    model = BetterRnnlm(20, 4, 4, rng=rng)
    xs = rng.integers(0, 20, (2, 5))
    walks = []
    real_walk = common.checkpoint.walk
    monkeypatch.setattr(common.checkpoint, "walk", lambda m: walks.append(m) or real_walk(m))
    model.forward(xs, xs)
    assert walks == []
    model.predict(xs)                                        # training model, dropout off: in and back out
    assert len(walks) == 2 and model.training
    model.eval()
    model.forward(xs, xs)
    assert len(walks) == 3 and not any(l.train_flg for l in model.layers if hasattr(l, "train_flg"))


def test_classifier_dropout_follows_the_switch(rng):
    model = RnnClassifier(10, 3, 4, dropout=0.5, rng=rng)
    ids, lengths, labels = rng.integers(0, 10, (4, 5)), numpy.array([5, 3, 2, 1]), numpy.array([0, 1, 0, 1])
    model.eval()
    assert model.forward(ids, lengths, labels) == model.forward(ids, lengths, labels)
    assert not model.dropout.train_flg
