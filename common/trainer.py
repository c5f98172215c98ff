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


class Trainer(Stepper):
    """Mini-batch training with a fresh shuffle every epoch.

    ``fit(x, t, max_epoch, batch_size, max_grad, eval_interval)``; the average
    loss of every ``eval_interval`` iterations is printed and kept in
    ``loss_list``. ``current_epoch`` persists across ``fit`` calls.
    """

    def __init__(self, model, optimizer, seed=None, verbose=True):
        super().__init__(model, optimizer)
        self.loss_list = []
        self.eval_interval = None
        self.current_epoch = 0
        self.epoch_losses = []  # mean training loss of every epoch
        self.verbose = verbose
        self.rng = numpy.random.default_rng(seed)

    def fit(self, x, t, max_epoch=10, batch_size=32, max_grad=None, eval_interval=20):
        if len(x) != len(t):
            raise ValueError("x has %d samples but t has %d" % (len(x), len(t)))
        if batch_size > len(x):
            raise ValueError("batch_size %d is larger than the data (%d samples)" % (batch_size, len(x)))
        data_size = len(x)
        max_iters = data_size // batch_size
        self.eval_interval = eval_interval
        total_loss, loss_count = 0.0, 0
        start = time.time()
        for _ in range(max_epoch):
            epoch_loss = 0.0
            idx = to_gpu(self.rng.permutation(data_size))
            x, t = x[idx], t[idx]
            for it in range(max_iters):
                bx = x[it * batch_size:(it + 1) * batch_size]
                bt = t[it * batch_size:(it + 1) * batch_size]
                loss = float(self.model.forward(bx, bt))
                self.step(max_grad)
                total_loss += loss
                loss_count += 1
                epoch_loss += loss
                if eval_interval is not None and (it + 1) % eval_interval == 0:
                    avg = total_loss / loss_count
                    if not math.isfinite(avg):
                        raise FloatingPointError("loss became %r at epoch %d iter %d" % (avg, self.current_epoch + 1, it + 1))
                    if self.verbose:
                        print("| epoch %d | iter %d / %d | time %d[s] | loss %.2f"
                              % (self.current_epoch + 1, it + 1, max_iters, time.time() - start, avg))
                    self.loss_list.append(avg)
                    total_loss, loss_count = 0.0, 0
            self.epoch_losses.append(epoch_loss / max_iters)
            self.current_epoch += 1

    def plot(self, path="loss.png", ylim=None):
        save_curve(path, self.loss_list, "iterations (x%s)" % self.eval_interval, "loss", ylim=ylim)


class RnnlmTrainer(Stepper):
    """Truncated BPTT over one long id sequence.

    Row i of every batch reads the corpus from offset ``i * (len // batch_size)``;
    the read position ``time_idx`` continues across ``fit`` calls, so calling
    ``fit(max_epoch=1)`` once per epoch walks the corpus exactly as one long call.
    """

    def __init__(self, model, optimizer, verbose=True):
        super().__init__(model, optimizer)
        self.time_idx = 0
        self.ppl_list = []
        self.eval_interval = None
        self.current_epoch = 0
        self.epoch_losses = []  # mean training loss of every epoch
        self.verbose = verbose

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
        self.eval_interval = eval_interval
        total_loss, loss_count = 0.0, 0
        start = time.time()
        for _ in range(max_epoch):
            epoch_loss = 0.0
            for it in range(max_iters):
                bx, bt = self.get_batch(xs, ts, batch_size, time_size)
                loss = float(self.model.forward(bx, bt))
                self.step(max_grad)
                total_loss += loss
                loss_count += 1
                epoch_loss += loss
                if eval_interval is not None and (it + 1) % eval_interval == 0:
                    ppl = math.exp(total_loss / loss_count)
                    if not math.isfinite(ppl):
                        raise FloatingPointError("perplexity overflowed at epoch %d iter %d" % (self.current_epoch + 1, it + 1))
                    if self.verbose:
                        print("| epoch %d | iter %d / %d | time %d[s] | perplexity %.2f"
                              % (self.current_epoch + 1, it + 1, max_iters, time.time() - start, ppl))
                    self.ppl_list.append(ppl)
                    total_loss, loss_count = 0.0, 0
            self.epoch_losses.append(epoch_loss / max_iters)
            self.current_epoch += 1

    def plot(self, path="perplexity.png", ylim=None):
        save_curve(path, self.ppl_list, "iterations (x%s)" % self.eval_interval, "perplexity", ylim=ylim)
