"""common/training_loop.py: plateau decay, best checkpoints and stopping a diverged run."""
import math

import numpy
import pytest

from ch06.rnnlm import Rnnlm
from common.batches import BPTTBatches, ShuffledBatches
from common.optimizer import SGD
from common.run_dir import RunDirectory
from common.training_loop import TrainingDiverged, TrainingLoop
from tests.helpers import RecordingModel


def test_plateau_decay_and_best_checkpoint(tmp_path):
    model = Rnnlm(vocab_size=20, wordvec_size=4, hidden_size=4)
    optimizer = SGD(1.0)
    scores = iter([50.0, 40.0, 45.0, 30.0])

    def evaluator(m):
        return next(scores)

    evaluator.name, evaluator.higher_is_better = "perplexity", False
    corpus = numpy.random.default_rng(0).integers(0, 20, 400)
    run = RunDirectory(tmp_path / "run")
    saved = []
    training = TrainingLoop(model, optimizer, BPTTBatches(corpus[:-1], corpus[1:], 2, 5), evaluator=evaluator,
                        plateau_decay=4.0, run=run, verbose=False)
    original_save = training.save
    training.save = lambda path: saved.append((path.split("/")[-1], optimizer.lr)) or original_save(path)
    history = training.fit(4)
    assert [h["valid"] for h in history] == [50.0, 40.0, 45.0, 30.0]
    assert [h["lr"] for h in history] == [1.0, 1.0, 1.0, 0.25]    # the lr each epoch ran with
    assert optimizer.lr == pytest.approx(0.25)        # divided once, after the worse epoch 3
    assert [s for s in saved if s[0] == "best.npz"] == [("best.npz", 1.0), ("best.npz", 1.0), ("best.npz", 0.25)]
    assert training.best == 30.0 and training.best_epoch == 4
    assert [r["kind"] for r in run.records()] == ["epoch"] * 4


def test_a_nan_loss_stops_the_run_and_saves_nothing(tmp_path):
    run = RunDirectory(tmp_path / "run")
    rec = RecordingModel(losses=[2.0] * 5 + [math.nan])
    training = TrainingLoop(rec, SGD(0.1), ShuffledBatches((numpy.zeros((8, 1)), numpy.zeros(8)), 1), run=run, verbose=False)
    with pytest.raises(TrainingDiverged, match=r"epoch 1, iteration 6 \(lr 0.1\): the loss became nan"):
        training.fit(1)
    assert not (tmp_path / "run" / "best.npz").exists() and not (tmp_path / "run" / "last.npz").exists()
    assert run.records()[-1]["kind"] == "diverged"


def test_an_exploding_loss_stops_the_run():
    rec = RecordingModel(losses=[2.0, 2.2, 1.9, 25.0])
    training = TrainingLoop(rec, SGD(1e6), ShuffledBatches((numpy.zeros((8, 1)), numpy.zeros(8)), 1), verbose=False)
    with pytest.raises(TrainingDiverged, match="more than 10 times the first iterations"):
        training.fit(1)
