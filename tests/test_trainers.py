"""The book's Trainer / RnnlmTrainer on top of the one loop: batches, offsets across fit calls,
plateau decay, best checkpoint, divergence."""
import json
import math

import numpy
import pytest

from ch06.rnnlm import Rnnlm
from common.batches import BPTTBatches, LengthBucketedBatches, ShuffledBatches
from common.optimizer import SGD
from common.run_dir import RunDirectory
from common.trainer import RnnlmTrainer, Trainer
from common.training_loop import TrainingDiverged, TrainingLoop


class Recorder:
    """A model stand-in that records the batches it sees and returns scripted losses."""

    def __init__(self, losses=None):
        self.params, self.grads, self.seen = [], [], []
        self.losses = iter(losses) if losses is not None else None

    def forward(self, x, t):
        self.seen.append(numpy.array(x))
        return next(self.losses) if self.losses is not None else 1.0

    def backward(self, dout=1):
        pass


def test_bptt_offsets_continue_across_fit_calls():
    corpus = numpy.arange(100)
    a, b = Recorder(), Recorder()
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
    rec = Recorder()
    trainer = Trainer(rec, SGD(), seed=0, verbose=False)
    trainer.fit(x, numpy.zeros(12), max_epoch=2, batch_size=4)
    first, second = numpy.concatenate(rec.seen[:3]).ravel(), numpy.concatenate(rec.seen[3:]).ravel()
    assert sorted(first) == list(range(12)) and sorted(second) == list(range(12))
    assert list(first) != list(second)
    assert trainer.current_epoch == 2 and trainer.epoch_losses == [1.0, 1.0]


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
    rec = Recorder(losses=[2.0] * 5 + [math.nan])
    training = TrainingLoop(rec, SGD(0.1), ShuffledBatches((numpy.zeros((8, 1)), numpy.zeros(8)), 1), run=run, verbose=False)
    with pytest.raises(TrainingDiverged, match=r"epoch 1, iteration 6 \(lr 0.1\): the loss became nan"):
        training.fit(1)
    assert not (tmp_path / "run" / "best.npz").exists() and not (tmp_path / "run" / "last.npz").exists()
    assert run.records()[-1]["kind"] == "diverged"


def test_an_exploding_loss_stops_the_run():
    rec = Recorder(losses=[2.0, 2.2, 1.9, 25.0])
    training = TrainingLoop(rec, SGD(1e6), ShuffledBatches((numpy.zeros((8, 1)), numpy.zeros(8)), 1), verbose=False)
    with pytest.raises(TrainingDiverged, match="more than 10 times the first iterations"):
        training.fit(1)


def test_a_runs_record_reads_back_as_a_table(tmp_path, capsys):
    from common.run_dir import main, summary

    def fit(run, scores, epochs):
        evaluator = lambda m: next(scores)                          # noqa: E731
        evaluator.name, evaluator.higher_is_better = "perplexity", False
        corpus = numpy.random.default_rng(0).integers(0, 20, 400)
        TrainingLoop(Rnnlm(20, 4, 4), SGD(1.0), BPTTBatches(corpus[:-1], corpus[1:], 2, 5), evaluator=evaluator,
                 plateau_decay=4.0, run=run, verbose=False).fit(epochs)

    run = RunDirectory(tmp_path / "run", command="python -m ch06.train_rnnlm")
    run.start({"epochs": 3})
    fit(run, iter([50.0, 40.0, 45.0]), 3)
    run.append({"kind": "result", "test_perplexity": 41.5, "loss_curve": [1.0, 2.0]})
    lines = summary(run.records())
    assert lines[0].startswith("python -m ch06.train_rnnlm (") and lines[0].endswith("resumed 0 times")
    rows = [l for l in lines if l.startswith("| ") and not l.startswith("| epoch")]
    assert [r.split(" | ")[0] for r in rows] == ["| 1", "| 2", "| 3"]
    assert [r.split(" | ")[2:4] for r in rows] == [["50.00", "1"], ["40.00", "1"], ["45.00", "1"]]
    assert "best: epoch 2, valid perplexity 40" in lines
    assert any(l.startswith("result: test_perplexity 41.5 (") for l in lines)
    assert "loss_curve" not in "\n".join(lines)

    RunDirectory(tmp_path / "run", overwrite=True).start({"epochs": 1})        # a new run in the same folder
    fit(RunDirectory(tmp_path / "run", resuming=True), iter([60.0]), 1)
    main([str(tmp_path / "run")])
    out = capsys.readouterr().out
    assert "earlier runs in this record, not shown: 1" in out and "| 1 |" in out and "| 2 |" not in out
    assert "best: epoch 1, valid perplexity 60" in out and "result" not in out
    with pytest.raises(SystemExit, match="no record in"):
        main([str(tmp_path / "elsewhere")])
    with open(tmp_path / "run" / "record.jsonl", "a") as f:
        f.write("{not json\n")
    with pytest.raises(SystemExit, match=r"record.jsonl, line 8, is not a JSON record"):
        main([str(tmp_path / "run")])


def test_a_records_best_epoch_follows_the_metrics_direction():
    from common.run_dir import summary
    epochs = [{"kind": "epoch", "epoch": e, "train_loss": 0.5, "metric": "accuracy", "valid": v, "lr": 0.001,
               "seconds": 10.0, "time": "t"} for e, v in ((1, 0.5), (2, 0.7), (3, 0.7), (4, 0.6))]
    lines = summary(epochs)
    assert "best: epoch 2, valid accuracy 0.7" in lines                  # the first of equals, higher is better
    assert "| 2 | 0.5 | 0.7 | 0.001 | 10 | t |" in lines and "| epoch | train loss | valid accuracy |" in lines[1]


def test_validation_curves_plot_from_records_and_csv_files(tmp_path):
    from common.run_dir import main, read_curve, validation_curve
    start = {"kind": "start", "time": "t"}
    epoch = lambda e, v: {"kind": "epoch", "epoch": e, "train_loss": 1.0, "metric": "accuracy", "valid": v,  # noqa: E731
                          "lr": 0.001, "seconds": 1.0, "time": "t"}
    records = [start, epoch(1, 0.9), start, epoch(1, 0.1), epoch(2, 0.5), {"kind": "result", "time": "t"}]
    assert validation_curve(records) == ("accuracy", [(1, 0.1), (2, 0.5)])     # the latest fresh run only
    run = tmp_path / "run"
    run.mkdir()
    (run / "record.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    csv = tmp_path / "better.csv"
    csv.write_text("# from runs/better/record.jsonl\nepoch,perplexity\n1,201.61\n2,150.10\n")
    assert read_curve(str(csv)) == ("perplexity", [(1, 201.61), (2, 150.1)])
    main([str(run), str(csv), "--plot", str(tmp_path / "curves.png"), "--labels", "a,b", "--title", "t"])
    assert (tmp_path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(SystemExit):
        main([str(run), str(csv), "--plot", str(tmp_path / "x.png"), "--labels", "only one"])
    (tmp_path / "bad.csv").write_text("step,loss\n1,2\n")
    with pytest.raises(SystemExit, match="expected a header line 'epoch,METRIC'"):
        read_curve(str(tmp_path / "bad.csv"))
