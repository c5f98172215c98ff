"""The book's ``Trainer`` (shuffled mini-batches) and ``RnnlmTrainer`` (truncated BPTT),
with the book's call style, on top of the one loop in ``common.training_loop``.

As in the book, a line with the mean loss (perplexity) since the last line is printed at
iterations 1, 1 + eval_interval, ... of every epoch, and kept in ``loss_list`` (``ppl_list``).
``fit`` can be called repeatedly: epochs, the loss lists and (for RnnlmTrainer)
the read position continue where the previous call stopped.
"""
import random

import numpy

from common.batches import BPTTBatches, ShuffledBatches
from common.gradients import remove_duplicate  # noqa: F401  (the book imports it from here)
from common.np import to_gpu
from common.plot import plot_curve, show
from common.training_loop import Stepper, TrainingLoop  # noqa: F401  (Stepper: one optimisation step)


class Trainer:
    """``fit(x, t, max_epoch, batch_size, max_grad, eval_interval)``: the mean loss of every
    ``eval_interval`` iterations is printed and kept in ``loss_list``."""

    report = "loss"

    def __init__(self, model, optimizer, seed=None, verbose=True):
        self.model, self.optimizer, self.verbose = model, optimizer, verbose
        self.seed = random.randrange(2 ** 31) if seed is None else seed
        self.training = None

    def _fit(self, batches, max_epoch, max_grad, eval_interval):
        if self.training is None:
            self.training = TrainingLoop(self.model, self.optimizer, batches, report=self.report, verbose=self.verbose,
                                     log_every=0, report_first=True)
        t = self.training
        t.batches, t.max_grad, t.eval_interval = batches, max_grad, eval_interval
        t.fit(t.epoch + max_epoch)

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20, contiguous=False):
        """contiguous: batches of consecutive rows in random order (see ``ShuffledBatches``)."""
        self._fit(ShuffledBatches((x, t), batch_size, self.seed, contiguous), max_epoch, max_grad, eval_interval)

    @property
    def current_epoch(self):
        return self.training.epoch if self.training else 0

    @property
    def eval_interval(self):
        return self.training.eval_interval if self.training else None

    @property
    def history(self):
        """Mean loss (RnnlmTrainer: perplexity) of every eval_interval iterations."""
        return self.training.interval_history if self.training else []

    loss_list = history

    @property
    def epoch_losses(self):
        return [r["train_loss"] for r in self.training.history] if self.training else []

    def plot(self, ylim=None, path=None):
        """The book's plot of ``loss_list``: shown inline in a notebook, written to ``path`` when given."""
        fig = plot_curve(self.history, "iterations (x%s)" % self.eval_interval, self.report, ylim=ylim, path=path)
        if path is None:
            show(fig)


class RnnlmTrainer(Trainer):
    """Truncated BPTT over one long id sequence (``common.batches.BPTTBatches``);
    the printed and recorded value (``ppl_list``) is the perplexity."""

    report = "perplexity"

    def __init__(self, model, optimizer, verbose=True):
        super().__init__(model, optimizer, seed=0, verbose=verbose)

    def fit(self, xs, ts, max_epoch=10, batch_size=20, time_size=35, max_grad=None, eval_interval=20):
        self._fit(BPTTBatches(xs, ts, batch_size, time_size), max_epoch, max_grad, eval_interval)

    @property
    def ppl_list(self):
        return self.history

    @property
    def time_idx(self):
        """Where the next batch starts reading (ids from each row's offset)."""
        t = self.training
        return self._batches_read + (t.batches.time_idx(t.epoch, t.iteration) if t else 0)

    @time_idx.setter
    def time_idx(self, value):
        t = self.training
        self._batches_read = value - (t.batches.time_idx(t.epoch, t.iteration) if t else 0)

    _batches_read = 0       # ids read by get_batch calls of the user's own, beside those fit read

    def get_batch(self, x, t, batch_size, time_size):
        """The book's next (batch_size, time_size) windows of x and t: row i reads from
        offset i * (len(x) // batch_size) + ``time_idx``, which then moves on by time_size."""
        x, t = numpy.asarray(x), numpy.asarray(t)
        jump = len(x) // batch_size
        pos = (numpy.arange(batch_size)[:, None] * jump + self.time_idx + numpy.arange(time_size)) % len(x)
        self.time_idx += time_size
        return to_gpu(x[pos].astype(numpy.int32)), to_gpu(t[pos].astype(numpy.int32))
