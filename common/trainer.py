"""Training loops: ``Trainer`` (shuffled mini-batches) and ``RnnlmTrainer`` (truncated BPTT)."""
import math
import time

import numpy

from common.grad_utils import ParamGroups, clip_grads
from common.np import np, to_gpu
from common.plot import save_curve


class Stepper:
    """One optimisation step shared by both trainers: backward, merge tied params, clip, update."""

    def __init__(self, model, optimizer):
        self.model = model
        self.optimizer = optimizer
        self._groups = None

    def step(self, max_grad):
        self.model.backward()
        if self._groups is None or len(self._groups.params) != len(self.model.params):
            self._groups = ParamGroups(self.model.params)
        params, grads = self._groups.merge(self.model.grads)
        if max_grad is not None:
            clip_grads(grads, max_grad)
        self.optimizer.update(params, grads)


class TrainingLoop(Stepper):
    """Epoch/iteration bookkeeping shared by both trainers.

    ``history`` holds the value printed every ``eval_interval`` iterations (mean
    loss, or perplexity for language models); ``epoch_losses`` the mean loss of
    every epoch. A non-finite loss stops training at once.
    """

    metric = "loss"

    def __init__(self, model, optimizer, verbose=True):
        super().__init__(model, optimizer)
        self.history = []
        self.epoch_losses = []
        self.eval_interval = None
        self.current_epoch = 0
        self.verbose = verbose

    def report_value(self, mean_loss):
        return mean_loss

    def _run(self, max_epoch, max_iters, epoch_batches, max_grad, eval_interval):
        self.eval_interval = eval_interval
        total_loss, loss_count = 0.0, 0
        start = time.time()
        for _ in range(max_epoch):
            epoch_loss = 0.0
            for it, (bx, bt) in enumerate(epoch_batches()):
                loss = float(self.model.forward(bx, bt))
                if not math.isfinite(loss):
                    raise FloatingPointError("loss became %r at epoch %d iter %d"
                                             % (loss, self.current_epoch + 1, it + 1))
                self.step(max_grad)
                total_loss += loss
                loss_count += 1
                epoch_loss += loss
                if eval_interval is not None and (it + 1) % eval_interval == 0:
                    value = self.report_value(total_loss / loss_count)
                    if self.verbose:
                        print("| epoch %d | iter %d / %d | time %d[s] | %s %.2f"
                              % (self.current_epoch + 1, it + 1, max_iters, time.time() - start, self.metric, value))
                    self.history.append(value)
                    total_loss, loss_count = 0.0, 0
            self.epoch_losses.append(epoch_loss / max_iters)
            self.current_epoch += 1

    def plot(self, path=None, ylim=None):
        save_curve(path or self.metric + ".png", self.history, "iterations (x%s)" % self.eval_interval,
                   self.metric, ylim=ylim)


class Trainer(TrainingLoop):
    """Mini-batch training with a fresh shuffle every epoch.

    ``fit(x, t, max_epoch, batch_size, max_grad, eval_interval)``; the average
    loss of every ``eval_interval`` iterations is printed and kept in
    ``loss_list``. ``current_epoch`` persists across ``fit`` calls.
    """

    def __init__(self, model, optimizer, seed=None, verbose=True):
        super().__init__(model, optimizer, verbose)
        self.rng = numpy.random.default_rng(seed)

    @property
    def loss_list(self):
        return self.history

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20):
        if len(x) != len(t):
            raise ValueError("x has %d samples but t has %d" % (len(x), len(t)))
        if batch_size > len(x):
            raise ValueError("batch_size %d is larger than the data (%d samples)" % (batch_size, len(x)))
        max_iters = len(x) // batch_size

        def epoch_batches():
            idx = to_gpu(self.rng.permutation(len(x)))
            xs, ts = x[idx], t[idx]
            for it in range(max_iters):
                yield xs[it * batch_size:(it + 1) * batch_size], ts[it * batch_size:(it + 1) * batch_size]

        self._run(max_epoch, max_iters, epoch_batches, max_grad, eval_interval)


class RnnlmTrainer(TrainingLoop):
    """Truncated BPTT over one long id sequence.

    Row i of every batch reads the corpus from offset ``i * (len // batch_size)``;
    the read position ``time_idx`` continues across ``fit`` calls, so calling
    ``fit(max_epoch=1)`` once per epoch walks the corpus exactly as one long call.
    The printed and recorded value (``ppl_list``) is the perplexity.
    """

    metric = "perplexity"

    def __init__(self, model, optimizer, verbose=True):
        super().__init__(model, optimizer, verbose)
        self.time_idx = 0

    @property
    def ppl_list(self):
        return self.history

    def report_value(self, mean_loss):
        return math.exp(mean_loss)

    def get_batch(self, x, t, batch_size, time_size):
        data_size = len(x)
        jump = data_size // batch_size
        offsets = np.arange(batch_size)[:, None] * jump
        pos = (offsets + self.time_idx + np.arange(time_size)[None, :]) % data_size
        self.time_idx += time_size
        return x[pos], t[pos]

    def fit(self, xs, ts, max_epoch=10, batch_size=20, time_size=35, max_grad=None, eval_interval=20):
        if len(xs) != len(ts):
            raise ValueError("xs has %d ids but ts has %d" % (len(xs), len(ts)))
        max_iters = len(xs) // (batch_size * time_size)
        if max_iters == 0:
            raise ValueError("corpus of %d ids is shorter than one batch (%d x %d)"
                             % (len(xs), batch_size, time_size))

        def epoch_batches():
            for _ in range(max_iters):
                yield self.get_batch(xs, ts, batch_size, time_size)

        self._run(max_epoch, max_iters, epoch_batches, max_grad, eval_interval)
