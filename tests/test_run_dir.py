"""common/run_dir.py: a run's record reads back as a table and its validation curve plots."""
import json

import numpy
import pytest

from ch06.rnnlm import Rnnlm
from common.batches import BPTTBatches
from common.optimizer import SGD
from common.run_dir import RunDirectory
from common.training_loop import TrainingLoop


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
