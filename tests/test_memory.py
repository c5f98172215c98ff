"""A training step creates no reference cycles.

Arrays held only by a cycle are freed when Python's cycle collector happens to run, not when
the next step replaces them. A cycle that reaches a model's layers keeps whole steps of
activations alive: BetterRnnlm's training process once grew to 1.8 GB (a step needs 170 MB)
and paid fresh page faults for the heap growth, because ``walk`` was a self-calling closure
and every ``Sequential.forward`` walked the model twice.
"""
import gc

import numpy
import pytest

from ch04.cbow import CBOW
from ch06.better_rnnlm import BetterRnnlm
from ch06.rnnlm import Rnnlm
from ch06.sequence_classifier import RnnClassifier
from ch07.peeky_seq2seq import PeekySeq2seq
from ch08.attention_seq2seq import AttentionSeq2seq
from common.checkpoint import model_state, param_names, walk
from common.optimizer import SGD, Adam
from common.training_loop import Stepper


def cycles_made_by(fn):
    """Objects the cycle collector finds after fn() ran with automatic collection off."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        fn()
        return gc.collect()
    finally:
        if enabled:
            gc.enable()


def lm_batch(rng, V):
    return rng.integers(0, V, (3, 5)), rng.integers(0, V, (3, 5))


MODELS = {
    "Rnnlm": lambda rng: (Rnnlm(30, 8, 8, rng=rng), lm_batch(rng, 30)),
    "BetterRnnlm": lambda rng: (BetterRnnlm(30, 8, 8, rng=rng), lm_batch(rng, 30)),
    "PeekySeq2seq": lambda rng: (PeekySeq2seq(13, 6, 8, rng=rng), (rng.integers(0, 13, (3, 7)), rng.integers(0, 13, (3, 5)))),
    "AttentionSeq2seq": lambda rng: (AttentionSeq2seq(13, 6, 8, rng=rng),
                                     (rng.integers(0, 13, (3, 7)), rng.integers(0, 13, (3, 5)))),
    "CBOW": lambda rng: (CBOW(40, 8, 2, corpus=numpy.arange(40).repeat(3), seed=0, rng=rng),
                         (rng.integers(0, 40, (6, 4)), rng.integers(0, 40, 6))),
    "RnnClassifier": lambda rng: (RnnClassifier(20, 6, 8, rng=rng),
                                  (rng.integers(0, 20, (3, 6)), numpy.array([6, 4, 2]), numpy.array([0, 1, 1]))),
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_training_step_leaves_no_reference_cycles(name, rng):
    model, batch = MODELS[name](rng)
    stepper = Stepper(model, Adam(0.01) if name == "CBOW" else SGD(0.1))

    def steps():
        for _ in range(2):
            model.forward(*batch)
            stepper.step(1.0)

    steps()                                          # first calls may build caches that live on
    assert cycles_made_by(steps) == 0


def test_walking_a_model_leaves_no_reference_cycles(rng):
    model = BetterRnnlm(30, 8, 8, rng=rng)
    model.forward(*lm_batch(rng, 30))                # layers now hold caches of activations

    def use():
        walk(model)
        param_names(model)
        model_state(model)
        model.eval()
        model.train()

    assert cycles_made_by(use) == 0
