"""Runs you can trust: 2 epochs == 1 epoch + resume + 1 epoch (every logged number and every weight
equal, bit for bit), Ctrl-C saves a consistent checkpoint, and nothing a user made is overwritten."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy
import pytest

from common.checkpoint import read_checkpoint
from common.progress import StopRequested
from common.run_dir import RunExistsError
from common.training_loop import TrainingDiverged, TrainingInterrupted
from tests.conftest import needs_ptb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMING = ("seconds", "valid_seconds", "time")


def records(folder, kind="epoch"):
    with open(os.path.join(folder, "record.jsonl")) as f:
        return [json.loads(line) for line in f if json.loads(line)["kind"] == kind]


def assert_same_run(a, b):
    ea, eb = records(a), records(b)
    assert [r["epoch"] for r in ea] == [r["epoch"] for r in eb]
    for x, y in zip(ea, eb):
        assert {k: v for k, v in x.items() if k not in TIMING} == {k: v for k, v in y.items() if k not in TIMING}
    ca, cb = read_checkpoint(os.path.join(a, "last.npz")), read_checkpoint(os.path.join(b, "last.npz"))
    weights = [k for k in ca.arrays if k.startswith(("param/", "optimizer/", "state/"))]
    assert weights and sorted(weights) == sorted(k for k in cb.arrays if k.startswith(("param/", "optimizer/", "state/")))
    for k in weights:
        numpy.testing.assert_array_equal(ca.arrays[k], cb.arrays[k], err_msg=k)
    assert ca.meta["optimizer"]["lr"] == cb.meta["optimizer"]["lr"]
    assert ca.section("training")["rng"] == cb.section("training")["rng"]


def split_run(main, argv, tmp_path, epochs=2):
    full, half = str(tmp_path / "full"), str(tmp_path / "half")
    main(argv + ["--epochs", str(epochs), "--out-dir", full])
    main(argv + ["--epochs", "1", "--out-dir", half])
    main(["--resume", os.path.join(half, "last.npz"), "--epochs", str(epochs)])
    return full, half


@needs_ptb
def test_lm_resume_equals_an_uninterrupted_run(tmp_path):
    from ch06 import train_rnnlm
    argv = ["--model", "better", "--limit-tokens", "4000", "--hidden-size", "8", "--wordvec-size", "8",
            "--dropout", "0.3", "--decay", "4", "--eval-interval", "5"]
    assert_same_run(*split_run(train_rnnlm.main, argv, tmp_path))


def test_seq2seq_resume_equals_an_uninterrupted_run(tmp_path):
    from ch07 import train_seq2seq
    argv = ["--model", "peeky", "--reverse", "--limit", "600", "--hidden-size", "8", "--lr-decay", "0.9"]
    assert_same_run(*split_run(train_seq2seq.main, argv, tmp_path))


@needs_ptb
@pytest.mark.parametrize("order", [[], ["--contiguous-batches"]])
def test_word2vec_resume_equals_an_uninterrupted_run(tmp_path, order):
    from ch04 import train
    argv = ["--limit-tokens", "3000", "--hidden-size", "8", "--subsample", "1e-2", "--batch-size", "50"] + order
    assert_same_run(*split_run(train.main, argv, tmp_path))


SMALL_BETTER = ["--model", "better", "--limit-tokens", "8000", "--hidden-size", "8", "--wordvec-size", "8",
                "--dropout", "0.3", "--epochs", "2"]          # 11 iterations an epoch


def stop_at_call(monkeypatch, n, error):
    """Make the training loop's check_stop raise ``error`` at its n-th call (the top of the n-th iteration)."""
    import common.training_loop
    calls = []

    def check_stop():
        calls.append(1)
        if len(calls) == n:
            raise error

    monkeypatch.setattr(common.training_loop, "check_stop", check_stop)


def resume_and_compare(full, stopped, position):
    """last.npz of ``stopped`` holds ``position``; resumed, it ends as the ``full`` run did. Returns the record kinds."""
    from ch06 import train_rnnlm
    state = read_checkpoint(os.path.join(stopped, "last.npz")).section("training")
    assert (state["epoch"], state["iteration"]) == position
    train_rnnlm.main(["--resume", os.path.join(stopped, "last.npz")])
    assert_same_run(full, stopped)
    return [json.loads(line)["kind"] for line in open(os.path.join(stopped, "record.jsonl"))]


@needs_ptb
def test_interrupted_mid_epoch_then_resumed_equals_an_uninterrupted_run(tmp_path, monkeypatch):
    """A stop request after iteration 7 of epoch 1 saves last.npz there; resuming finishes the same run."""
    from ch06 import train_rnnlm
    full, half = str(tmp_path / "full"), str(tmp_path / "half")
    train_rnnlm.main(SMALL_BETTER + ["--out-dir", full])
    stop_at_call(monkeypatch, 8, StopRequested("SIGINT"))
    with pytest.raises(TrainingInterrupted, match=r"SIGINT at epoch 1, iteration 7 of 11: saved .*last.npz; "
                                                  r"continue with: python -m ch06.train_rnnlm --resume"):
        train_rnnlm.main(SMALL_BETTER + ["--out-dir", half])
    monkeypatch.undo()
    assert resume_and_compare(full, half, (0, 7)) == ["start", "interrupted", "start", "epoch", "epoch", "result"]


class Killed(BaseException):
    """Stands in for SIGKILL: nothing in the training loop catches it, so nothing is saved on the way out."""


@needs_ptb
def test_killed_mid_epoch_resumes_from_the_periodic_save_and_equals_an_uninterrupted_run(tmp_path, monkeypatch):
    """With --save-minutes, last.npz follows the run inside an epoch; a process killed outright in
    epoch 2 resumes from there and finishes the same run, bit for bit."""
    from ch06 import train_rnnlm
    full, killed = str(tmp_path / "full"), str(tmp_path / "killed")
    train_rnnlm.main(SMALL_BETTER + ["--out-dir", full])
    stop_at_call(monkeypatch, 18, Killed())                  # the top of epoch 2's 7th iteration
    with pytest.raises(Killed):
        train_rnnlm.main(SMALL_BETTER + ["--out-dir", killed, "--save-minutes", "1e-9"])
    monkeypatch.undo()
    assert resume_and_compare(full, killed, (1, 6)) == ["start", "epoch", "start", "epoch", "result"]


class FakeClock:
    """``time`` for common.training_loop: 30 s pass at every iteration (every check_stop call)."""

    def __init__(self):
        self.now = 0.0

    def time(self):
        return self.now

    def tick(self):
        self.now += 30.0


@needs_ptb
def test_periodic_saves_follow_the_minutes_since_the_last_save(tmp_path, monkeypatch):
    from ch06 import train_rnnlm
    import common.training_loop
    clock, saved = FakeClock(), []
    real_save = common.training_loop.save_checkpoint

    def recording_save(path, *args, training, **kwargs):
        saved.append((os.path.basename(path), training["epoch"], training["iteration"]))
        return real_save(path, *args, training=training, **kwargs)

    monkeypatch.setattr(common.training_loop, "time", clock)
    monkeypatch.setattr(common.training_loop, "check_stop", clock.tick)
    monkeypatch.setattr(common.training_loop, "save_checkpoint", recording_save)
    train_rnnlm.main(["--limit-tokens", "8000", "--hidden-size", "8", "--wordvec-size", "8", "--epochs", "2",
                      "--save-minutes", "1.5", "--out-dir", str(tmp_path)])
    mid_epoch = [(e, i) for name, e, i in saved if name == "last.npz" and i > 0]
    # every 3 iterations (90 s); the clock restarts at each epoch's save; never at an epoch's last iteration
    assert mid_epoch == [(0, 3), (0, 6), (0, 9), (1, 3), (1, 6), (1, 9)]
    assert ("best.npz", 1, 0) in saved and ("last.npz", 2, 0) in saved


@needs_ptb
def test_sigkill_loses_at_most_the_minutes_since_the_last_save(tmp_path):
    """A real process killed with SIGKILL (no handler runs) leaves a valid mid-epoch last.npz that
    resumes to the same weights as a run that was never killed."""
    from ch06 import train_rnnlm
    argv = ["--model", "lstm", "--limit-tokens", "30000", "--hidden-size", "8", "--wordvec-size", "8",
            "--epochs", "1", "--eval-interval", "1"]
    full, killed = str(tmp_path / "full"), str(tmp_path / "killed")
    train_rnnlm.main(argv + ["--out-dir", full])
    proc = subprocess.Popen([sys.executable, "-m", "ch06.train_rnnlm"] + argv + ["--out-dir", killed,
                                                                                "--save-minutes", "1e-9"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if "iter 5 /" in proc.stdout.readline():
            break
    proc.kill()
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    state = read_checkpoint(os.path.join(killed, "last.npz")).section("training")
    # iteration 5's line is printed just before its save: the kill can land between the two
    assert state["epoch"] == 0 and 4 <= state["iteration"] < 42      # 42 iterations an epoch
    train_rnnlm.main(["--resume", os.path.join(killed, "last.npz"), "--save-minutes", "5"])   # may change on resume
    assert_same_run(full, killed)


@needs_ptb
def test_ctrl_c_saves_prints_how_to_resume_and_exits_130(tmp_path):
    out = str(tmp_path / "run")
    proc = subprocess.Popen([sys.executable, "-m", "ch06.train_rnnlm", "--limit-tokens", "200000", "--hidden-size", "32",
                             "--wordvec-size", "32", "--eval-interval", "1", "--out-dir", out],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if "iter 3 /" in line:
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "continue with: python -m ch06.train_rnnlm --resume %s" % os.path.join(out, "last.npz") in err
    assert "Traceback" not in err
    state = read_checkpoint(os.path.join(out, "last.npz")).section("training")
    assert state["epoch"] == 0 and state["iteration"] >= 3
    assert records(out, "interrupted")[0]["iteration"] == state["iteration"]


@needs_ptb
def test_a_new_run_never_replaces_a_checkpoint_unless_asked(tmp_path, capsys):
    from ch06 import train_rnnlm
    argv = ["--epochs", "1", "--limit-tokens", "2000", "--hidden-size", "8", "--wordvec-size", "8",
            "--out-dir", str(tmp_path)]
    train_rnnlm.main(argv)
    before = (tmp_path / "best.npz").read_bytes()
    with pytest.raises(RunExistsError, match="already holds a run .last.npz, best.npz.. Continue it with --resume"):
        train_rnnlm.main(argv + ["--lr", "1"])
    assert (tmp_path / "best.npz").read_bytes() == before
    train_rnnlm.main(argv + ["--overwrite", "--lr", "1"])
    kinds = [json.loads(line)["kind"] for line in (tmp_path / "record.jsonl").read_text().splitlines()]
    assert kinds == ["start", "epoch", "result", "start", "epoch", "result"]     # the record is appended to


@needs_ptb
def test_resume_keeps_the_runs_settings(tmp_path, capsys):
    from ch06 import train_rnnlm
    train_rnnlm.main(["--epochs", "1", "--limit-tokens", "2000", "--hidden-size", "8", "--wordvec-size", "8",
                      "--out-dir", str(tmp_path)])
    with pytest.raises(SystemExit) as info:
        train_rnnlm.main(["--resume", str(tmp_path / "last.npz"), "--hidden-size", "16"])
    assert info.value.code == 2
    assert "this run was trained with --hidden-size 8" in capsys.readouterr().err


@needs_ptb
def test_resuming_a_finished_run_says_so_and_writes_nothing(tmp_path, capsys):
    from ch06 import train_rnnlm
    train_rnnlm.main(["--epochs", "1", "--limit-tokens", "2000", "--hidden-size", "8", "--wordvec-size", "8",
                      "--out-dir", str(tmp_path)])
    before = {name: (tmp_path / name).read_bytes() for name in ("last.npz", "record.jsonl")}
    for more in ([], ["--epochs", "1"]):
        with pytest.raises(SystemExit) as info:
            train_rnnlm.main(["--resume", str(tmp_path / "last.npz")] + more)
        assert info.value.code == 2
        assert "is at the end of epoch 1, and the run trains to --epochs 1: nothing to resume" in capsys.readouterr().err
    assert {name: (tmp_path / name).read_bytes() for name in before} == before
    train_rnnlm.main(["--resume", str(tmp_path / "last.npz"), "--epochs", "2"])
    assert [r["epoch"] for r in records(str(tmp_path))] == [1, 2]


@needs_ptb
def test_a_diverging_run_stops_with_a_clear_message_and_is_never_saved_as_best(tmp_path):
    from ch06 import train_rnnlm
    with pytest.raises(TrainingDiverged, match=r"diverged at epoch 1, iteration \d+ \(lr 1e\+06\)"):
        train_rnnlm.main(["--epochs", "2", "--limit-tokens", "4000", "--hidden-size", "8", "--wordvec-size", "8",
                          "--lr", "1e6", "--max-grad", "1e9", "--out-dir", str(tmp_path)])
    assert not (tmp_path / "best.npz").exists()
    assert records(str(tmp_path), "diverged")
    out = subprocess.run([sys.executable, "-m", "ch06.train_rnnlm", "--epochs", "1", "--limit-tokens", "4000",
                          "--hidden-size", "8", "--wordvec-size", "8", "--lr", "1e6", "--max-grad", "1e9",
                          "--out-dir", str(tmp_path / "cli")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 1 and "error: the run diverged at epoch 1" in out.stderr and "Traceback" not in out.stderr


EPOCH_KEYS = {"kind", "epoch", "iterations", "train_loss", "metric", "valid", "lr", "seconds", "valid_seconds", "loss_curve", "time"}


@needs_ptb
@pytest.mark.parametrize("module, argv", [
    ("ch01.train", ["--epochs", "2"]),
    ("ch03.train", ["--epochs", "2"]),
    ("ch05.train", ["--epochs", "2"]),
    ("ch05.train_char_rnn", ["--epochs", "1", "--limit-chars", "8000", "--hidden-size", "8"]),
    ("ch06.train_sentiment", ["--epochs", "2"]),
    ("ch08.train_transformer_lm", ["--epochs", "1", "--limit-chars", "3000", "--model-size", "8", "--heads", "2",
                                   "--time-size", "16"]),
])
def test_every_script_appends_one_epoch_line_in_the_same_layout(module, argv, tmp_path):
    import importlib
    importlib.import_module(module).main(argv + ["--out-dir", str(tmp_path)])
    lines = records(str(tmp_path))
    epochs = int(argv[1])
    assert [r["epoch"] for r in lines] == list(range(1, epochs + 1))
    for r in lines:
        assert set(r) - {"details"} == EPOCH_KEYS
        assert len(r["loss_curve"]) == r["iterations"] and r["train_loss"] == pytest.approx(numpy.mean(r["loss_curve"]))
    assert (tmp_path / "last.npz").exists()


@needs_ptb
def test_resuming_from_best_never_replaces_a_later_last_checkpoint(tmp_path):
    from ch06 import train_rnnlm
    train_rnnlm.main(["--epochs", "1", "--limit-tokens", "2000", "--hidden-size", "8", "--wordvec-size", "8",
                      "--out-dir", str(tmp_path)])
    before = (tmp_path / "last.npz").read_bytes()
    with pytest.raises(RunExistsError, match="would replace its last.npz"):
        train_rnnlm.main(["--resume", str(tmp_path / "best.npz"), "--epochs", "2"])
    assert (tmp_path / "last.npz").read_bytes() == before
    train_rnnlm.main(["--resume", str(tmp_path / "best.npz"), "--epochs", "2", "--out-dir", str(tmp_path / "branch")])
    assert [r["epoch"] for r in records(str(tmp_path / "branch"))] == [2]


def test_missing_data_and_bad_checkpoints_are_one_line_errors(tmp_path):
    env = dict(os.environ, SCRATCHNLP_DATA=str(tmp_path / "nothing"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               SCRATCHNLP_OFFLINE="1")
    out = subprocess.run([sys.executable, "-m", "ch06.train_rnnlm", "--out-dir", str(tmp_path / "run")],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "error: data file 'ptb/ptb.train.txt' not found" in out.stderr and "SCRATCHNLP_DATA" in out.stderr
    (tmp_path / "bad.npz").write_text("not a checkpoint")
    out = subprocess.run([sys.executable, "-m", "ch07.generate_text", str(tmp_path / "bad.npz")],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr and "is not a checkpoint" in out.stderr
    out = subprocess.run([sys.executable, "-m", "ch04.eval", str(tmp_path / "bad.npz")], cwd=ROOT, capture_output=True,
                         text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr and "is not a word-vector file" in out.stderr


def test_resume_from_a_weights_only_file_or_a_missing_one_is_a_usage_error(tmp_path, capsys):
    from ch06 import train_rnnlm
    from ch06.rnnlm import Rnnlm
    weights = str(tmp_path / "weights.npz")
    Rnnlm(20, 4, 4).save_params(weights)                 # the book's save: weights, no run settings
    for path, message in ((weights, "holds no run settings to resume"), (str(tmp_path / "nope.npz"), "nope.npz")):
        with pytest.raises(SystemExit) as exit_info:
            train_rnnlm.main(["--resume", path])
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err
    assert os.listdir(tmp_path) == ["weights.npz"]        # nothing was written
