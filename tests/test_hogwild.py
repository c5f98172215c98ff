"""common/hogwild.py: workers share the parameters, every update lands, problems stop the run."""
import math
import os

import numpy
import pytest

from ch04.cbow import CBOW
from common.base_model import BaseModel
from common.batches import ShuffledBatches
from common.hogwild import HogwildTrainingLoop, WorkerFailed, in_shared_memory, share_memory
from common.negative_sampling import UnigramSampler
from common.optimizer import SGD, Adam
from common.run_dir import RunDirectory
from common.training_loop import TrainingDiverged, TrainingLoop
from tests.conftest import needs_ptb

V = 12


class CountingModel(BaseModel):
    """forward(ids (B,)): loss = sum of ids; the gradient of W (V, 1) is
    the count of every id in the batch, whatever W holds, so with SGD lr 1 W ends at minus the counts of
    every batch trained on, whatever order or process the updates came from."""

    def __init__(self):
        self.W = numpy.zeros((V, 1))
        self.params, self.grads = [self.W], [numpy.zeros((V, 1))]

    def forward(self, ids):
        self.ids = ids
        return float(ids.sum())

    def backward(self, dout=1):
        self.grads[0][...] = 0
        numpy.add.at(self.grads[0][:, 0], self.ids, 1.0)


def id_batches(n=400, batch=4, seed=3):
    ids = numpy.random.default_rng(seed).integers(0, V - 1, n)        # id V - 1 never occurs
    return ids, ShuffledBatches((ids,), batch, seed=seed)


def small_cbow(seed=0, V=30, n=2000):
    corpus = numpy.random.default_rng(seed).integers(0, V, n)
    return CBOW(V, 8, 2, corpus, rng=numpy.random.default_rng(seed), seed=seed), corpus


def test_share_memory_moves_every_parameter_and_keeps_the_model():
    model, _ = small_cbow()
    before = [p.copy() for p in model.params]
    same = share_memory(model)
    assert same is model
    assert all(in_shared_memory(p) for p in model.params)
    assert model.word_vecs is model.params[0] and model.in_layer.params[0] is model.params[0]
    assert model.ns_loss.params[0] is model.params[1]
    for p, b in zip(model.params, before):
        numpy.testing.assert_array_equal(p, b)
    assert not any(in_shared_memory(g) for g in model.grads if isinstance(g, numpy.ndarray))


@pytest.mark.parametrize("workers", [2, 3])
def test_every_workers_update_lands_and_the_record_counts_them_all(workers):
    ids, batches = id_batches()
    model = CountingModel()
    loop = HogwildTrainingLoop(model, SGD(1.0), batches, workers=workers, verbose=False)
    loop.fit(2)
    n = batches.iterations(0)
    expected = -2 * numpy.bincount(ids, minlength=V)            # 400 ids: 100 whole batches, twice
    numpy.testing.assert_array_equal(loop.model.W[:, 0], expected)
    for epoch, record in enumerate(loop.history):
        assert record["iterations"] == n
        assert record["loss_curve"] == [float(batches.batch(epoch, it)[0].sum()) for it in range(n)]


def test_one_worker_is_the_training_loop_bit_for_bit():
    results = []
    for make in (lambda m, o, b: TrainingLoop(m, o, b, verbose=False),
                 lambda m, o, b: HogwildTrainingLoop(m, o, b, workers=1, verbose=False)):
        model, corpus = small_cbow()
        from common.text import create_contexts_target
        contexts, target = create_contexts_target(corpus, 2)
        loop = make(model, SGD(1.0), ShuffledBatches((contexts, target), 50, seed=1))
        loop.fit(2)
        results.append([p.copy() for p in loop.model.params])
    for a, b in zip(*results):
        numpy.testing.assert_array_equal(a, b)


def test_two_workers_train_cbow_and_draw_different_negatives():
    from common.text import create_contexts_target
    model, corpus = small_cbow()
    contexts, target = create_contexts_target(corpus, 2)
    loop = HogwildTrainingLoop(model, SGD(1.0), ShuffledBatches((contexts, target), 50, seed=1), workers=2,
                               verbose=False)
    loop.fit(3)
    losses = [r["train_loss"] for r in loop.history]
    assert losses[-1] < losses[0]
    assert loop.history[0]["iterations"] == len(target) // 50


class SamplingModel(CountingModel):
    """CountingModel whose loss is the sum of 4 negatives drawn from its own sampler."""

    def __init__(self, corpus):
        super().__init__()
        self.sampler = UnigramSampler(corpus, sample_size=3, vocab_size=V, seed=5)

    def forward(self, ids):
        self.ids = ids
        return float(self.sampler.get_negative_sample(numpy.full(4, V - 1)).sum())


def test_every_worker_draws_its_own_negatives():
    ids, batches = id_batches()
    loop = HogwildTrainingLoop(SamplingModel(ids), SGD(1.0), batches, workers=2, verbose=False)
    loop.fit(1)
    curve = loop.history[0]["loss_curve"]
    main, worker = curve[0::2], curve[1::2]                   # a copied stream would give main == worker
    assert sum(a == b for a, b in zip(main, worker)) < len(worker) // 4


class WorkerTrouble(CountingModel):
    """CountingModel that, in a forked worker only, returns an infinite loss or raises."""

    def __init__(self, trouble):
        super().__init__()
        self.trouble, self.parent = trouble, os.getpid()

    def forward(self, ids):
        if os.getpid() != self.parent:
            if self.trouble == "raise":
                raise ValueError("a bad batch")
            return math.inf
        return super().forward(ids)


def test_a_worker_whose_loss_is_not_finite_stops_the_run():
    _, batches = id_batches()
    with pytest.raises(TrainingDiverged, match="iteration 2 .*the loss became inf"):
        HogwildTrainingLoop(WorkerTrouble("inf"), SGD(1.0), batches, workers=2, verbose=False).fit(1)


def test_a_worker_that_raises_fails_the_run_with_its_traceback():
    _, batches = id_batches()
    with pytest.raises(WorkerFailed, match="(?s)worker 1 of 2 failed in epoch 1.*ValueError: a bad batch"):
        HogwildTrainingLoop(WorkerTrouble("raise"), SGD(1.0), batches, workers=2, verbose=False).fit(1)


def test_hogwild_refuses_what_it_cannot_share():
    _, batches = id_batches()
    with pytest.raises(ValueError, match="plain SGD"):
        HogwildTrainingLoop(CountingModel(), Adam(0.1), batches, workers=2)
    with pytest.raises(ValueError, match="positive integer"):
        HogwildTrainingLoop(CountingModel(), SGD(0.1), batches, workers=0)


def test_a_hogwild_checkpoint_resumes_with_the_same_workers_only(tmp_path):
    ids, batches = id_batches()
    run = RunDirectory(tmp_path / "run")
    loop = HogwildTrainingLoop(CountingModel(), SGD(1.0), batches, workers=2, run=run, verbose=False)
    loop.fit(1)
    again = HogwildTrainingLoop(CountingModel(), SGD(1.0), batches, workers=2, verbose=False)
    again.restore(run.last)
    again.fit(2)
    numpy.testing.assert_array_equal(again.model.W[:, 0], -2 * numpy.bincount(ids, minlength=V))
    other = HogwildTrainingLoop(CountingModel(), SGD(1.0), batches, workers=3, verbose=False)
    with pytest.raises(Exception, match="workers"):
        other.restore(run.last)


def test_a_stop_in_the_main_process_stops_the_workers_before_saving(tmp_path, monkeypatch):
    import multiprocessing

    import common.training_loop
    from common.progress import StopRequested
    from common.training_loop import TrainingInterrupted
    calls = []

    def check_stop():
        calls.append(1)
        if len(calls) == 20:
            raise StopRequested("SIGTERM")

    monkeypatch.setattr(common.training_loop, "check_stop", check_stop)
    _, batches = id_batches(n=4000)
    run = RunDirectory(tmp_path / "run")
    loop = HogwildTrainingLoop(CountingModel(), SGD(1.0), batches, workers=2, run=run, verbose=False)
    with pytest.raises(TrainingInterrupted) as stopped:
        loop.fit(1)
    assert stopped.value.path == run.last and loop.iteration == 19
    assert multiprocessing.active_children() == []


def test_reseed_gives_a_new_reproducible_stream():
    corpus = numpy.random.default_rng(0).integers(0, 50, 1000)
    target = numpy.arange(20) % 50
    a, b = UnigramSampler(corpus, seed=1), UnigramSampler(corpus, seed=1)
    first = a.get_negative_sample(target)
    numpy.testing.assert_array_equal(first, b.get_negative_sample(target))
    a.reseed([1, 0, 1, 0])
    b.reseed([1, 0, 1, 0])
    again_a, again_b = a.get_negative_sample(target), b.get_negative_sample(target)
    numpy.testing.assert_array_equal(again_a, again_b)
    assert not numpy.array_equal(again_a, UnigramSampler(corpus, seed=1).get_negative_sample(target))


@needs_ptb
def test_the_word2vec_script_trains_with_two_workers(tmp_path, capsys):
    from ch04 import train
    report = train.main(["--epochs", "1", "--limit-tokens", "3000", "--hidden-size", "8", "--optimizer", "sgd",
                         "--lr", "1", "--workers", "2", "--out-dir", str(tmp_path / "w2v")])
    assert report["total"][1] == 4716
    assert (tmp_path / "w2v" / "cbow_vectors.npz").exists()
    with pytest.raises(SystemExit):
        train.main(["--workers", "2", "--dry-run"])              # Adam, the default optimizer
    assert "--workers 2 needs --optimizer sgd" in capsys.readouterr().err


@needs_ptb
def test_skip_gram_with_shared_negatives_trains_with_two_workers(tmp_path, capsys):
    from ch04 import train
    from common.checkpoint import load_model
    out = tmp_path / "sg"
    report = train.main(["--model", "skipgram", "--shared-negatives", "--dynamic-window", "--epochs", "1",
                         "--limit-tokens", "3000", "--hidden-size", "8", "--optimizer", "sgd", "--lr", "1",
                         "--workers", "2", "--out-dir", str(out)])
    assert report["total"][1] == 4716
    assert load_model(str(out / "last.npz")).shared_negatives is True
    with pytest.raises(SystemExit):
        train.main(["--shared-negatives", "--dry-run"])          # CBOW, the default model
    assert "--shared-negatives is for --model skipgram" in capsys.readouterr().err
