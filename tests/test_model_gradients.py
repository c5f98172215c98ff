"""Whole-model gradient checks in float64: every model, shared and tied weights included, dropout and
negative sampling on (their random draws are replayed identically in every forward)."""
import numpy
import pytest

from ch01.two_layer_net import TwoLayerNet
from ch03.simple_cbow import SimpleCBOW, SimpleSkipGram
from ch05.char_lm import CharLM
from ch05.simple_rnnlm import SimpleRnnlm
from ch06.better_rnnlm import BetterRnnlm
from ch06.rnnlm import GruRnnlm, Rnnlm
from common.gradcheck import check_model
from tests.helpers import ids

V = 9


def one_hot(rng, *shape):
    return numpy.eye(V)[rng.integers(0, V, shape)]


MODELS = {
    "TwoLayerNet": (lambda: TwoLayerNet(3, 4, 3, dtype="d"),
                    lambda rng: (rng.standard_normal((5, 3)), rng.integers(0, 3, 5))),
    "SimpleCBOW (W_in shared by two layers)": (lambda: SimpleCBOW(V, 3, dtype="d"),
                                               lambda rng: (one_hot(rng, 4, 2), rng.integers(0, V, 4))),
    "SimpleSkipGram": (lambda: SimpleSkipGram(V, 3, dtype="d"),
                       lambda rng: (rng.integers(0, V, (4, 2)), one_hot(rng, 4))),
    "SimpleRnnlm": (lambda: SimpleRnnlm(V, 3, 4, dtype="d"), lambda rng: (ids(rng, V, 2, 4), ids(rng, V, 2, 4))),
    "Rnnlm": (lambda: Rnnlm(V, 3, 4, dtype="d"), lambda rng: (ids(rng, V, 2, 4), ids(rng, V, 2, 4))),
    "GruRnnlm": (lambda: GruRnnlm(V, 3, 4, dtype="d"), lambda rng: (ids(rng, V, 2, 4), ids(rng, V, 2, 4))),
    "BetterRnnlm (tied, dropout)": (lambda: BetterRnnlm(V, 4, 4, dropout_ratio=0.3, dtype="d"),
                                    lambda rng: (ids(rng, V, 2, 3), ids(rng, V, 2, 3))),
    "CharLM rnn": (lambda: CharLM(V, 3, 4, cell="rnn", dtype="d"), lambda rng: (ids(rng, V, 2, 4), ids(rng, V, 2, 4))),
    "CharLM lstm": (lambda: CharLM(V, 3, 4, cell="lstm", dtype="d"), lambda rng: (ids(rng, V, 2, 4), ids(rng, V, 2, 4))),
    "CharLM gru": (lambda: CharLM(V, 3, 4, cell="gru", dtype="d"), lambda rng: (ids(rng, V, 2, 4), ids(rng, V, 2, 4))),
    "CharLM rnncf": (lambda: CharLM(V, 3, 4, cell="rnncf", context_size=2, dtype="d"),
                     lambda rng: (ids(rng, V, 2, 4), ids(rng, V, 2, 4))),
}


def randomise(model, rng):
    """Weights of order 1 (not the tiny initial scale), so every path carries gradient."""
    for p in model.params:
        p[...] = rng.standard_normal(p.shape) * 0.5


@pytest.mark.parametrize("name", sorted(MODELS))
def test_whole_model_gradient(name, rng):
    make, inputs = MODELS[name]
    model = make()
    assert all(p.dtype == numpy.float64 for p in model.params)
    randomise(model, rng)
    errors = check_model(model, inputs(rng))
    assert max(errors.values()) < 1e-6, errors


def test_three_layer_char_lm_gradient_with_dropout_between_layers(rng):
    model = CharLM(V, 3, 4, cell="gru", num_layers=3, dropout=0.3, dtype="d")
    assert sum(1 for l in model.layers if hasattr(l, "train_flg")) == 2
    assert len(model.recurrent_layers) == 3
    randomise(model, rng)
    errors = check_model(model, (ids(rng, V, 2, 4), ids(rng, V, 2, 4)))
    assert max(errors.values()) < 1e-6, errors
