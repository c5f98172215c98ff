"""The one training loop behind every script (and the book's ``Trainer`` / ``RnnlmTrainer``).

``Training(model, optimizer, batches, ...)`` runs epochs of
forward -> backward -> (tied weights merged) -> clipping -> update, and after
every epoch calls the evaluator, keeps the best checkpoint, divides the lr on a
plateau, and appends one record line. Everything that decides what happens
next is part of its state, so ``restore(checkpoint)`` followed by ``fit``
continues a run exactly as if it had never stopped:

- the position: finished epochs and the iteration inside the current one
  (batch sources are pure functions of (epoch, iteration), ``common.batches``);
- the optimizer (lr, step count, moments), the model's sampler and recurrent
  states, the dropout random stream (``common.rng.rng_state``);
- the best score, the history, and the losses of the unfinished epoch.

Ctrl-C or SIGTERM stops after the current iteration (or evaluation batch),
saves ``last.npz`` and raises ``TrainingInterrupted``. With ``save_minutes``,
``last.npz`` is also written inside an epoch whenever that many minutes have
passed since the last save, so a process killed outright (SIGKILL, the OOM
killer, a lost machine) loses at most that much training. A non-finite loss, or
one more than ``divergence_factor`` times the first iterations' mean, raises
``TrainingDiverged`` and saves nothing.
"""
import collections
import math
import time

from common.checkpoint import CheckpointError, load_params_into, read_checkpoint, save_checkpoint, set_model_state, unpack
from common.params import ParamGroups, clip_grads
from common.progress import StopRequested, check_stop, format_seconds, stop_on_signals, use_bar
from common.rng import rng_state, set_rng_state

FIRST_LOSSES = 10       # iterations whose mean loss is the reference for divergence
PROGRESS_SECONDS = 10.0  # without eval_interval, a progress line at most this often
PACE_LINES = 5          # the time left is estimated from the pace over this many progress lines


class TrainingInterrupted(Exception):
    """Ctrl-C / SIGTERM stopped training at a safe point; ``path`` is the saved checkpoint (or None)."""

    def __init__(self, message, path=None, signal_name="SIGINT"):
        super().__init__(message)
        self.path, self.signal_name = path, signal_name


class TrainingDiverged(FloatingPointError):
    """The loss became non-finite or exploded; nothing from the bad epoch was saved."""


class Stepper:
    """One optimisation step: backward, merge shared/tied gradients, clip, update."""

    def __init__(self, model, optimizer):
        self.model = model
        self.optimizer = optimizer
        self._groups = None

    def groups(self):
        if self._groups is None or len(self._groups.params) != len(self.model.params):
            self._groups = ParamGroups(self.model.params)
        return self._groups

    def step(self, max_grad):
        self.model.backward()
        params, grads = self.groups().merge(self.model.grads)
        if max_grad is not None:
            clip_grads(grads, max_grad)
        self.optimizer.update(params, grads)


class Training:
    """Train ``model`` with ``optimizer`` on ``batches`` (see ``common.batches``).

    evaluator: callable model -> float with ``name`` and ``higher_is_better``
        (``common.evaluation``), run after every epoch; None for no validation.
    max_grad: clip the global gradient norm to this (None: no clipping).
    plateau_decay: divide the lr by this when the evaluator does not improve.
    lr_schedule: ``(epoch index, initial lr) -> lr``, applied at the start of every epoch.
    run: a ``common.run_dir.RunDirectory`` to write checkpoints and records to (None: nothing written).
    extra: JSON-able dict stored in every checkpoint (the script's arguments, the vocabulary).
    eval_interval: print (and keep in ``interval_history``) the mean loss every this many iterations;
        without it, a progress line is printed every ``PROGRESS_SECONDS`` inside long epochs.
    report: 'loss' or 'perplexity', what the interval lines show.
    max_iterations: stop every epoch after this many iterations (dry runs).
    log_every: print the epoch summary line every this many epochs (0: never).
    save_minutes: with ``run``, also save ``last.npz`` inside an epoch when this many minutes have
        passed since the last save (None: only at the end of an epoch and on Ctrl-C).
    """

    report_first = False    # True: the interval lines come at iterations 1, 1 + eval_interval, ... (the book's)

    def __init__(self, model, optimizer, batches, evaluator=None, max_grad=None, plateau_decay=None,
                 lr_schedule=None, run=None, extra=None, eval_interval=None, report="loss", verbose=True,
                 divergence_factor=10.0, max_iterations=None, log_every=1, save_minutes=None):
        self.model, self.optimizer, self.batches = model, optimizer, batches
        self.evaluator, self.max_grad = evaluator, max_grad
        self.plateau_decay, self.lr_schedule = plateau_decay, lr_schedule
        self.run, self.extra = run, extra
        self.eval_interval, self.report, self.verbose = eval_interval, report, verbose
        self.divergence_factor, self.max_iterations, self.log_every = divergence_factor, max_iterations, log_every
        self.save_minutes = save_minutes
        self.stepper = Stepper(model, optimizer)
        self.epoch = 0                 # finished epochs
        self.iteration = 0             # finished iterations of the current epoch
        self.history = []              # one record per finished epoch
        self.interval_history = []     # mean loss (or perplexity) of every eval_interval iterations
        self.best = self.best_epoch = None
        self.lr0 = optimizer.lr
        self._epoch_losses, self._epoch_seconds, self._epoch_lr = [], 0.0, None
        self._interval = [0.0, 0]
        self._first_losses = []
        self._target_epochs = None
        self._pace = None              # (time, iteration) at the epoch's last progress lines (_run_epoch)
        self._segment_start = None     # when the running part of this epoch began (see _clock)
        self._last_save = 0.0

    # --- running ----------------------------------------------------------------------------

    def fit(self, epochs):
        """Train until ``epochs`` epochs are finished in total; returns ``history``."""
        self._target_epochs = epochs
        self._last_save = time.time()
        with stop_on_signals():
            while self.epoch < epochs:
                self._run_epoch()
        return self.history

    def iterations(self, epoch):
        n = self.batches.iterations(epoch)
        return min(n, self.max_iterations) if self.max_iterations else n

    def _run_epoch(self):
        e = self.epoch
        n = self.iterations(e)
        if self.iteration == 0:
            if self.lr_schedule is not None:
                self.optimizer.lr = self.lr_schedule(e, self.lr0)
            self._epoch_losses, self._epoch_seconds, self._epoch_lr = [], 0.0, self.optimizer.lr
        if hasattr(self.model, "train"):
            self.model.train()                       # evaluation may have left it in eval mode
        bar = None
        # (time, iteration) at the last progress lines: the last one says where the next line's mean
        # starts; a pause (a suspended machine, SIGSTOP) or a change of speed leaves the estimate of the
        # time left after PACE_LINES lines
        self._pace = collections.deque([(time.time(), self.iteration)], maxlen=PACE_LINES + 1)
        if self.verbose and use_bar() and self.iteration < n:
            from tqdm import tqdm

            bar = tqdm(total=n, initial=self.iteration, desc="epoch %d" % (e + 1), leave=False)
        self._segment_start = time.time()
        valid_seconds = 0.0                          # the evaluator's share of the epoch's seconds
        try:
            for it in range(self.iteration, n):
                check_stop()
                loss = float(self.model.forward(*self.batches.batch(e, it)))
                self._check_loss(loss, e, it)
                self.stepper.step(self.max_grad)
                self._epoch_losses.append(loss)
                self.iteration = it + 1
                self._after_iteration(loss, e, it, n, bar)
                if self._save_due() and self.iteration < n:
                    self._clock()
                    self._save_last()
            if bar is not None:
                bar.close()
            evaluation_start = time.time()
            value = self.evaluator(self.model) if self.evaluator is not None else None
            valid_seconds = time.time() - evaluation_start
        except StopRequested as stop:
            self._clock()
            self._interrupted(str(stop), e, n)
        finally:
            if bar is not None:
                bar.close()                          # closing twice is harmless; an exception must close it too
        self._clock()                                # training and evaluation
        self._finish_epoch(e, n, value, valid_seconds)

    def _clock(self):
        """Add the time since the last call (or the epoch's start) to this epoch's seconds."""
        now = time.time()
        self._epoch_seconds += now - self._segment_start
        self._segment_start = now

    def _save_due(self):
        return (self.run is not None and self.save_minutes is not None
                and time.time() - self._last_save >= 60.0 * self.save_minutes)

    def _after_iteration(self, loss, e, it, n, bar):
        if bar is not None and (it + 1) % 10 == 0:
            bar.set_postfix({self.report: "%.2f" % self._shown(sum(self._epoch_losses[-10:]) / 10)})
        if self.eval_interval:
            self._interval[0] += loss
            self._interval[1] += 1
            if (it if self.report_first else it + 1) % self.eval_interval:
                return
            value = self._shown(self._interval[0] / self._interval[1])
            self.interval_history.append(value)
            self._interval = [0.0, 0]
        else:                                        # a line every PROGRESS_SECONDS: the mean since the last one
            last_line, line_from = self._pace[-1]
            if time.time() - last_line < PROGRESS_SECONDS or it + 1 == n:
                return
            recent = self._epoch_losses[line_from:]
            value = self._shown(sum(recent) / len(recent))
        if self.verbose and bar is None:
            now = time.time()
            spent = self._epoch_seconds + now - self._segment_start
            self._pace.append((now, it + 1))
            then, done_then = self._pace[0]
            per_it = (now - then) / (it + 1 - done_then)
            left_epoch = per_it * (n - it - 1)
            left_run = left_epoch + per_it * n * max(0, (self._target_epochs or e + 1) - e - 1)
            print("| epoch %d | iter %d / %d | time %d[s] | left %s (run %s) | %s %.2f"
                  % (e + 1, it + 1, n, spent, format_seconds(left_epoch), format_seconds(left_run),
                     self.report, value), flush=True)

    def _shown(self, mean_loss):
        return math.exp(min(mean_loss, 709.0)) if self.report == "perplexity" else mean_loss

    def _check_loss(self, loss, e, it):
        if not math.isfinite(loss):
            self._diverged("the loss became %r" % loss, e, it)
        if self._first_losses:
            reference = sum(self._first_losses) / len(self._first_losses)
            if reference > 0 and loss > self.divergence_factor * reference:
                self._diverged("the loss %.4g is more than %g times the first iterations' %.4g"
                               % (loss, self.divergence_factor, reference), e, it)
        if len(self._first_losses) < FIRST_LOSSES:
            self._first_losses.append(loss)

    def _finish_epoch(self, e, n, value, valid_seconds):
        record = {"kind": "epoch", "epoch": e + 1, "iterations": n,
                  "train_loss": sum(self._epoch_losses) / max(1, len(self._epoch_losses)),
                  "metric": getattr(self.evaluator, "name", None), "valid": value, "lr": self._epoch_lr,
                  "seconds": self._epoch_seconds, "valid_seconds": valid_seconds,
                  "loss_curve": list(self._epoch_losses)}
        details = getattr(self.evaluator, "details", None)
        if details:
            record["details"] = dict(details)
        if value is not None and not math.isfinite(value):
            self._diverged("the validation %s is %r" % (record["metric"], value), e, n - 1)
        improved = value is not None and (
            self.best is None or (value > self.best if self.evaluator.higher_is_better else value < self.best))
        self.epoch, self.iteration = e + 1, 0
        self.history.append(record)
        if improved:
            self.best, self.best_epoch = value, e + 1
        elif value is not None and self.plateau_decay:
            self.optimizer.lr /= self.plateau_decay
        if self.verbose and self.log_every and (self.epoch % self.log_every == 0 or self.epoch == self._target_epochs):
            shown = "" if value is None else " | valid %s %.4g" % (record["metric"], value)
            print("| epoch %d | train %s %.4g%s | lr %g | %s" % (
                e + 1, self.report, self._shown(record["train_loss"]), shown, record["lr"],
                format_seconds(record["seconds"])), flush=True)
        if self.run is not None:
            self.run.append(record)
            if improved:
                self.save(self.run.best)
            self._save_last()

    def _diverged(self, what, e, it):
        message = ("the run diverged at epoch %d, iteration %d (lr %g): %s. Nothing from this epoch was saved; "
                   "lower the learning rate or clip the gradients (--max-grad)" % (e + 1, it + 1, self.optimizer.lr, what))
        if self.run is not None:
            self.run.append({"kind": "diverged", "epoch": e + 1, "iteration": it + 1, "lr": self.optimizer.lr,
                             "message": message})
        raise TrainingDiverged(message)

    def _interrupted(self, signal_name, e, n):
        path = None
        where = "epoch %d, iteration %d of %d" % (e + 1, self.iteration, n)
        if self.run is not None:
            path = self._save_last()
            self.run.append({"kind": "interrupted", "epoch": e + 1, "iteration": self.iteration, "signal": signal_name})
            message = "%s at %s: saved %s; continue with: %s" % (signal_name, where, path, self.run.resume_hint())
        else:
            message = "%s at %s (nothing saved: no run directory)" % (signal_name, where)
        raise TrainingInterrupted(message, path, signal_name)

    # --- saving and restoring ---------------------------------------------------------------

    def state_dict(self):
        return {
            "epoch": self.epoch, "iteration": self.iteration, "lr0": self.lr0,
            "best": self.best, "best_epoch": self.best_epoch, "history": self.history,
            "interval_history": self.interval_history, "interval": list(self._interval),
            "epoch_losses": list(self._epoch_losses), "epoch_seconds": self._epoch_seconds,
            "epoch_lr": self._epoch_lr, "first_losses": list(self._first_losses),
            "rng": rng_state(), "batches": self.batches.describe(),
        }

    def save(self, path):
        return save_checkpoint(path, self.model, self.optimizer, training=self.state_dict(), extra=self.extra)

    def _save_last(self):
        """Save the run's last.npz; ``save_minutes`` counts from here."""
        self._last_save = time.time()
        return self.save(self.run.last)

    def restore(self, path, check_batches=True):
        """Continue from a checkpoint written by ``save``: weights, optimizer, position, random states.

        The batch source must be the one the run was trained on (``check_batches=False`` skips that,
        for dry runs on a slice of the data).
        """
        ckpt = read_checkpoint(path)
        state = ckpt.section("training") if ckpt.version >= 2 else None
        if state is None:
            raise CheckpointError("%s holds weights only, no training state to continue from "
                                  "(load them with model.load_params)" % ckpt.path)
        if check_batches and state["batches"] != self.batches.describe():
            raise CheckpointError("%s was trained on batches %s, but this run reads %s: resume with the same "
                                  "data and batch settings" % (ckpt.path, state["batches"], self.batches.describe()))
        load_params_into(self.model, ckpt)
        set_model_state(self.model, unpack(ckpt.meta["model"]["state"], ckpt.arrays))
        self._restore_optimizer(ckpt)
        self.epoch, self.iteration, self.lr0 = state["epoch"], state["iteration"], state["lr0"]
        self.best, self.best_epoch, self.history = state["best"], state["best_epoch"], state["history"]
        self.interval_history, self._interval = state["interval_history"], state["interval"]
        self._epoch_losses, self._epoch_seconds = state["epoch_losses"], state["epoch_seconds"]
        self._epoch_lr, self._first_losses = state["epoch_lr"], state["first_losses"]
        set_rng_state(state["rng"])
        return ckpt

    def _restore_optimizer(self, ckpt):
        state = ckpt.meta.get("optimizer")
        if state is None:
            raise CheckpointError("%s holds no optimizer state" % ckpt.path)
        state = dict(state)
        slots = state.get("slots")
        if slots is not None:
            names = [p["name"] for p in ckpt.meta["model"]["params"]]
            state["slots"] = [unpack(slots[names[owner]], ckpt.arrays) for owner, _ in self.stepper.groups().groups]
        try:
            self.optimizer.load_state_dict(state, where=ckpt.path)
        except ValueError as exc:
            raise CheckpointError(str(exc)) from None
