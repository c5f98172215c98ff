"""The one training loop behind every script (and the book's ``Trainer`` / ``RnnlmTrainer``).

``TrainingLoop(model, optimizer, batches, ...).fit(epochs)`` runs epochs of

    loss = model.forward(x, t)
    model.backward()
    merge the gradients of shared (tied) weights, clip them, optimizer.update(params, grads)

and after every epoch calls the evaluator, keeps the best checkpoint, divides the lr on a
plateau and appends one record line. The rest is small pieces around that loop:

- ``ProgressLines`` (``common.progress``): the lines printed while training, with the time left;
- ``PeriodicSave``: ``last.npz`` also inside an epoch every ``save_minutes``, so a process killed
  outright (SIGKILL, the OOM killer, a lost machine) loses at most that much training;
- ``DivergenceGuard``: a non-finite loss, or one more than ``divergence_factor`` times the first
  iterations' mean, raises ``TrainingDiverged`` and saves nothing;
- Ctrl-C or SIGTERM (``common.progress.stop_on_signals``) stops after the current iteration (or
  evaluation batch), saves ``last.npz`` and raises ``TrainingInterrupted``.

Everything that decides what happens next is part of the state a checkpoint stores
(``state_dict``), so ``restore(checkpoint)`` followed by ``fit`` continues a run exactly as if it
had never stopped: the position (finished epochs, the iteration inside the current one; batch
sources are pure functions of (epoch, iteration), ``common.batches``), the optimizer, the model's
sampler and recurrent states, the dropout random stream (``common.rng.rng_state``), the best score,
the history and the losses of the unfinished epoch. Reading it back is ``common.checkpoint``'s.
"""
import math
import time

from common.checkpoint import restore_run, save_checkpoint
from common.gradients import ParamGroups, clip_grads
from common.progress import ProgressLines, StopRequested, check_stop, stop_on_signals
from common.rng import rng_state, set_rng_state

FIRST_LOSSES = 10       # iterations whose mean loss is the reference for divergence


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


class DivergenceGuard:
    """Says what is wrong when a loss is not finite or exceeds ``factor`` times the first losses' mean."""

    def __init__(self, factor=10.0):
        self.factor = factor
        self.first_losses = []         # the first FIRST_LOSSES losses of the run

    def problem(self, loss):
        """None for a sound loss, else a sentence saying what is wrong."""
        if not math.isfinite(loss):
            return "the loss became %r" % loss
        if self.first_losses:
            reference = sum(self.first_losses) / len(self.first_losses)
            if reference > 0 and loss > self.factor * reference:
                return ("the loss %.4g is more than %g times the first iterations' %.4g"
                        % (loss, self.factor, reference))
        if len(self.first_losses) < FIRST_LOSSES:
            self.first_losses.append(loss)
        return None


class PeriodicSave:
    """Says when ``minutes`` have passed since the last save (None: never inside an epoch)."""

    def __init__(self, minutes=None):
        self.minutes = minutes
        self.last = time.time()

    def due(self):
        return self.minutes is not None and time.time() - self.last >= 60.0 * self.minutes

    def saved(self):
        self.last = time.time()


class TrainingLoop:
    """Train ``model`` with ``optimizer`` on ``batches`` (see ``common.batches``).

    evaluator: callable model -> float with ``name`` and ``higher_is_better``
        (``common.evaluation``), run after every epoch; None for no validation.
    max_grad: clip the global gradient norm to this (None: no clipping).
    plateau_decay: divide the lr by this when the evaluator does not improve.
    lr_schedule: ``(epoch index, initial lr) -> lr``, applied at the start of every epoch.
    run: a ``common.run_dir.RunDirectory`` to write checkpoints and records to (None: nothing written).
    extra: JSON-able dict stored in every checkpoint (the script's arguments, the vocabulary).
    save_minutes: with ``run``, also save ``last.npz`` inside an epoch when this many minutes have
        passed since the last save (None: only at the end of an epoch and on Ctrl-C).
    divergence_factor: see ``DivergenceGuard``.
    max_iterations: stop every epoch after this many iterations (dry runs).
    eval_interval, report, verbose, log_every: what is printed (``common.progress.ProgressLines``).
    """

    def __init__(self, model, optimizer, batches, evaluator=None, max_grad=None, plateau_decay=None,
                 lr_schedule=None, run=None, extra=None, save_minutes=None, divergence_factor=10.0,
                 max_iterations=None, **progress_options):
        self.model, self.optimizer, self.batches = model, optimizer, batches
        self.evaluator, self.max_grad = evaluator, max_grad
        self.plateau_decay, self.lr_schedule = plateau_decay, lr_schedule
        self.run, self.extra, self.max_iterations = run, extra, max_iterations
        self.stepper = Stepper(model, optimizer)
        self.progress = ProgressLines(**progress_options)
        self.periodic_save = PeriodicSave(save_minutes)
        self.guard = DivergenceGuard(divergence_factor)
        self.epoch = 0                 # finished epochs
        self.iteration = 0             # finished iterations of the current epoch
        self.history = []              # one record per finished epoch
        self.best = self.best_epoch = None
        self.lr0 = optimizer.lr
        self._epoch_losses, self._epoch_seconds, self._epoch_lr = [], 0.0, None
        self._target_epochs = None
        self._segment_start = None     # when the running part of this epoch began (see _clock)

    @property
    def interval_history(self):
        """Mean loss (or perplexity) of every eval_interval iterations (the book's loss_list)."""
        return self.progress.history

    @property
    def eval_interval(self):
        return self.progress.eval_interval

    @eval_interval.setter
    def eval_interval(self, value):
        self.progress.eval_interval = value

    # --- running ----------------------------------------------------------------------------

    def fit(self, epochs):
        """Train until ``epochs`` epochs are finished in total; returns ``history``."""
        self._target_epochs = epochs
        self.periodic_save.saved()
        with stop_on_signals():
            while self.epoch < epochs:
                self._run_epoch()
        return self.history

    def iterations(self, epoch):
        n = self.batches.iterations(epoch)
        return min(n, self.max_iterations) if self.max_iterations else n

    def _run_epoch(self):
        e, n = self.epoch, self.iterations(self.epoch)
        if self.iteration == 0:
            self._start_epoch(e)
        if hasattr(self.model, "train"):
            self.model.train()                       # evaluation may have left it in eval mode
        self.progress.start_epoch(e, self.iteration, n)
        self._segment_start = time.time()
        try:
            for it in range(self.iteration, n):
                check_stop()                         # after Ctrl-C: stop here, between two updates
                loss = float(self.model.forward(*self.batches.batch(e, it)))
                self._check(self.guard.problem(loss), e, it)
                self.stepper.step(self.max_grad)     # backward, merge tied gradients, clip, update
                self._epoch_losses.append(loss)
                self.iteration = it + 1
                self.progress.after_iteration(self._epoch_losses, e, it, n, self._seconds_so_far(),
                                              self._target_epochs)
                if self.run is not None and self.periodic_save.due() and self.iteration < n:
                    self._clock()
                    self._save_last()
            self._after_iterations(e)
            self.progress.end_epoch()
            evaluation_start = time.time()
            value = self.evaluator(self.model) if self.evaluator is not None else None
            valid_seconds = time.time() - evaluation_start
        except StopRequested as stop:
            self._clock()
            self._interrupted(str(stop), e, n)
        finally:
            self.progress.end_epoch()                # an exception must close the bar too
        self._clock()                                # training and evaluation
        self._finish_epoch(e, n, value, valid_seconds)

    def _after_iterations(self, e):
        """Called when this process's iterations of epoch ``e`` are done, before the evaluation
        (``common.hogwild`` waits for its worker processes here)."""

    def _start_epoch(self, e):
        if self.lr_schedule is not None:
            self.optimizer.lr = self.lr_schedule(e, self.lr0)
        self._epoch_losses, self._epoch_seconds, self._epoch_lr = [], 0.0, self.optimizer.lr

    def _seconds_so_far(self):
        return self._epoch_seconds + time.time() - self._segment_start

    def _clock(self):
        """Add the time since the last call (or the epoch's start) to this epoch's seconds."""
        now = time.time()
        self._epoch_seconds += now - self._segment_start
        self._segment_start = now

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
            self._check("the validation %s is %r" % (record["metric"], value), e, n - 1)
        improved = value is not None and (
            self.best is None or (value > self.best if self.evaluator.higher_is_better else value < self.best))
        self.epoch, self.iteration = e + 1, 0
        self.history.append(record)
        if improved:
            self.best, self.best_epoch = value, e + 1
        elif value is not None and self.plateau_decay:
            self.optimizer.lr /= self.plateau_decay
        self.progress.epoch_line(record, self.epoch, self._target_epochs)
        if self.run is not None:
            self.run.append(record)
            if improved:
                self.save(self.run.best)
            self._save_last()

    def _check(self, problem, e, it):
        """Raise ``TrainingDiverged`` (recorded in the run) when ``problem`` says what went wrong."""
        if problem is None:
            return
        message = ("the run diverged at epoch %d, iteration %d (lr %g): %s. Nothing from this epoch was saved; "
                   "lower the learning rate or clip the gradients (--max-grad)" % (e + 1, it + 1, self.optimizer.lr, problem))
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
        return dict(self.progress.state_dict(), **{
            "epoch": self.epoch, "iteration": self.iteration, "lr0": self.lr0,
            "best": self.best, "best_epoch": self.best_epoch, "history": self.history,
            "epoch_losses": list(self._epoch_losses), "epoch_seconds": self._epoch_seconds,
            "epoch_lr": self._epoch_lr, "first_losses": list(self.guard.first_losses),
            "rng": rng_state(), "batches": self.batches.describe(),
        })

    def load_state_dict(self, state):
        self.epoch, self.iteration, self.lr0 = state["epoch"], state["iteration"], state["lr0"]
        self.best, self.best_epoch, self.history = state["best"], state["best_epoch"], state["history"]
        self.progress.load_state_dict(state)
        self._epoch_losses, self._epoch_seconds = state["epoch_losses"], state["epoch_seconds"]
        self._epoch_lr, self.guard.first_losses = state["epoch_lr"], state["first_losses"]
        set_rng_state(state["rng"])

    def save(self, path):
        return save_checkpoint(path, self.model, self.optimizer, training=self.state_dict(), extra=self.extra)

    def _save_last(self):
        """Save the run's last.npz; ``save_minutes`` counts from here."""
        self.periodic_save.saved()
        return self.save(self.run.last)

    def restore(self, path, check_batches=True):
        """Continue from a checkpoint written by ``save``: weights, optimizer, position, random states.

        The batch source must be the one the run was trained on (``check_batches=False`` skips that,
        for dry runs on a slice of the data).
        """
        batches = self.batches.describe() if check_batches else None
        ckpt, state = restore_run(path, self.model, self.optimizer, self.stepper.groups(), batches)
        self.load_state_dict(state)
        return ckpt
