"""Progress with the time left, in every long loop; a stop request ends loops at a safe point."""
import types

import numpy
import pytest

import common.progress as progress_module
import common.training_loop as training_module
from ch06.rnnlm import Rnnlm
from common.batches import BPTTBatches
from common.checkpoint import read_checkpoint
from common.evaluation import Perplexity
from common.optimizer import SGD
from common.progress import StopRequested, format_seconds, progress
from common.run_dir import RunDirectory
from common.training_loop import TrainingInterrupted, TrainingLoop


def test_format_seconds():
    assert [format_seconds(s) for s in (5, 75, 7260)] == ["5s", "1m15s", "2h01m"]


def test_lines_show_the_time_left(capsys, monkeypatch):
    monkeypatch.setattr(progress_module, "use_bar", lambda: False)
    assert list(progress(range(5), desc="decoding", every=0.0)) == list(range(5))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("| decoding 1 / 5 |") and "left" in lines[0]
    assert len(lines) == 4            # none after the last item


def test_a_bar_on_a_terminal_when_tqdm_is_installed(capsys, monkeypatch):
    pytest.importorskip("tqdm")
    monkeypatch.setattr(progress_module.sys.stderr, "isatty", lambda: True)
    assert progress_module.use_bar()
    assert list(progress(range(3), desc="bar")) == [0, 1, 2]
    assert "bar" in capsys.readouterr().err


def test_a_stop_request_ends_the_loop_at_the_next_item(monkeypatch):
    seen = []
    monkeypatch.setitem(progress_module._stop, "requested", False)
    with pytest.raises(StopRequested):
        for i in progress(range(10), enabled=False):
            seen.append(i)
            if i == 2:
                progress_module._stop["requested"] = True
    assert seen == [0, 1, 2]


def test_training_prints_progress_inside_long_epochs_without_eval_interval(capsys, monkeypatch):
    monkeypatch.setattr(progress_module, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(progress_module, "use_bar", lambda: False)
    corpus = numpy.random.default_rng(0).integers(0, 20, 200)
    TrainingLoop(Rnnlm(20, 4, 4), SGD(0.1), BPTTBatches(corpus[:-1], corpus[1:], 2, 5)).fit(1)
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith("| epoch 1 | iter")]
    assert len(lines) == 18 and "left" in lines[0]       # every iteration but the last


def test_interrupted_during_evaluation_then_resumed_evaluates_again(tmp_path):
    corpus = numpy.random.default_rng(0).integers(0, 20, 400)
    calls = []
    perplexity = Perplexity(corpus, batch_size=2, time_size=5, verbose=False)

    def evaluator(model):
        calls.append(1)
        if len(calls) == 1:
            raise StopRequested("SIGTERM")
        return perplexity(model)

    evaluator.name, evaluator.higher_is_better = "perplexity", False

    def make(run):
        return TrainingLoop(Rnnlm(20, 4, 4, rng=numpy.random.default_rng(1)), SGD(0.1),
                        BPTTBatches(corpus[:-1], corpus[1:], 2, 5), evaluator=evaluator, run=run, verbose=False)

    first = make(RunDirectory(tmp_path))
    with pytest.raises(TrainingInterrupted, match="SIGTERM at epoch 1, iteration 39 of 39") as info:
        first.fit(1)
    assert info.value.signal_name == "SIGTERM"
    state = read_checkpoint(tmp_path / "last.npz").section("training")
    assert (state["epoch"], state["iteration"]) == (0, 39)     # trained, not yet evaluated
    second = make(RunDirectory(tmp_path, resuming=True))
    second.restore(tmp_path / "last.npz")
    history = second.fit(1)
    assert len(calls) == 2 and len(history) == 1 and history[0]["iterations"] == 39
    assert history[0]["valid"] == pytest.approx(perplexity(second.model))


def test_perplexity_never_overflows():
    from common.evaluation import perplexity
    assert perplexity(2.0) == pytest.approx(numpy.exp(2.0))
    assert perplexity(1e6) == float("inf")


def test_time_left_follows_the_recent_pace_after_a_pause(capsys, monkeypatch):
    """A 1,000 s pause in iteration 4 (a suspended machine) stops counting once PACE_LINES lines have passed."""
    clock = [0.0]
    monkeypatch.setattr(training_module, "time", types.SimpleNamespace(time=lambda: clock[0]))
    monkeypatch.setattr(progress_module, "time", types.SimpleNamespace(time=lambda: clock[0]))
    monkeypatch.setattr(progress_module, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(progress_module, "use_bar", lambda: False)
    model = Rnnlm(20, 4, 4)
    forward = model.forward

    def one_second_each(*args):
        clock[0] += 1000.0 if clock[0] == 3.0 else 1.0
        return forward(*args)

    model.forward = one_second_each
    corpus = numpy.random.default_rng(0).integers(0, 20, 200)
    TrainingLoop(model, SGD(0.1), BPTTBatches(corpus[:-1], corpus[1:], 2, 5)).fit(2)
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith("| epoch 1 | iter")]
    left = {int(l.split()[5]): l.split("| left ")[1].split(" |")[0] for l in lines}      # iteration -> "left (run)"
    assert left[4] == "1h02m (run 2h22m)"      # the pause is in the window: 1,003 s for 4 iterations
    assert left[9] == "10s (run 29s)"          # 1 s per iteration again: 10 of 19 left, then one epoch of 19
    assert left[18] == "1s (run 20s)"


def test_the_first_ctrl_c_asks_for_a_stop_and_the_second_aborts_at_once(capsys):
    import os
    import signal
    import time
    from common.progress import stop_on_signals, stop_requested

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with stop_on_signals():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)                                   # the handler runs at the next bytecode boundary
        assert stop_requested()
        with pytest.raises(StopRequested, match="SIGINT"):
            progress_module.check_stop()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
    assert not stop_requested()
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before   # handlers restored
    assert "SIGINT: stopping at the next safe point to save a checkpoint" in capsys.readouterr().err
    with stop_on_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)
        with pytest.raises(StopRequested, match="SIGTERM"):
            progress_module.check_stop()
