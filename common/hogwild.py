"""Hogwild! training: several processes update one model's parameters in shared memory.

word2vec's and gensim's worker threads train this way (Recht et al. 2011, "Hogwild!"): each
worker computes its batch's gradients from the weights as they are, without waiting for the
others, and SGD tolerates the staleness, since a batch touches few rows of the (V, H) tables.
Here the workers are processes forked from the training loop's own (Python threads would wait
for each other's GIL), and their updates take one lock, so that two workers writing the same row
at once never lose one of the two updates (the lock costs nothing measurable: docs/journal.md):

    iteration i of an epoch goes to worker i mod W; worker 0 is the training loop's process,
    workers 1 .. W-1 are forked at the start of the epoch (or of the resumed part of it) and
    joined before the epoch's evaluation, each drawing its negatives from its own random stream.

The price is exactness: how the workers' updates interleave depends on timing, so two runs with
W > 1 differ in their last digits (as gensim's do with several workers), and a resumed run goes
on from the saved epoch position without equalling an uninterrupted run bit for bit. W = 1 is the
plain, deterministic ``TrainingLoop``. Only SGD (no optimizer state) on the CPU backend qualifies.
"""
import mmap
import multiprocessing
import signal
import traceback
import types

import numpy

from common.checkpoint import walk
from common.config import GPU
from common.optimizer import SGD
from common.progress import stop_requested
from common.training_loop import TrainingLoop


def share_memory(model):
    """Move ``model``'s parameters into memory that processes forked later share; returns ``model``.

    Every array in ``model.params`` is copied into an anonymous shared mapping, and every reference
    to it inside the model (the layers' ``params``, attributes such as ``word_vecs``) is pointed at
    the copy, as ``torch.nn.Module.share_memory_()`` does; gradients and caches stay private.
    """
    if GPU:
        raise ValueError("Hogwild! workers share host memory: they run on the CPU backend only (unset SCRATCHNLP_GPU)")
    shared = {}
    for p in model.params:
        if id(p) not in shared:
            buffer = mmap.mmap(-1, max(p.nbytes, 1))
            s = numpy.frombuffer(buffer, dtype=p.dtype, count=p.size).reshape(p.shape)
            s[...] = p
            shared[id(p)] = s
    repoint(model, shared)
    for prefix, obj in walk(model):
        for p in getattr(obj, "params", None) or []:
            if not in_shared_memory(p):
                raise TypeError("%s holds a parameter share_memory could not reach" % (prefix or "the model"))
    return model


def in_shared_memory(a):
    """True for an array whose memory is one of ``share_memory``'s mappings."""
    while isinstance(a, numpy.ndarray):
        a = a.base
    return isinstance(a, memoryview) and isinstance(a.obj, mmap.mmap)


def repoint(root, replacements):
    """Replace, in ``root`` and every object, list and dict reachable from it, each element or
    attribute whose id is a key of ``replacements`` by its value (tuples are left alone)."""
    seen, stack = set(), [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, list):
            slots = enumerate(obj)
        elif isinstance(obj, dict):
            slots = obj.items()
        elif hasattr(obj, "__dict__") and not isinstance(obj, (type, types.ModuleType, types.FunctionType)):
            obj, slots = vars(obj), vars(obj).items()
        else:
            continue
        for key, value in list(slots):
            if id(value) in replacements:
                obj[key] = replacements[id(value)]
            elif isinstance(value, (list, dict)) or hasattr(value, "__dict__"):
                stack.append(value)


class WorkerFailed(RuntimeError):
    """A worker process raised an error (its traceback is in the message) or died."""


class WorkerShare:
    """The iterations 0, W, 2W, ... of ``batches``: what the training loop's own process reads."""

    def __init__(self, batches, workers):
        self.inner, self.workers = batches, workers

    def iterations(self, epoch):
        return -(-self.inner.iterations(epoch) // self.workers)

    def batch(self, epoch, it):
        return self.inner.batch(epoch, it * self.workers)

    def describe(self):
        return dict(self.inner.describe(), workers=self.workers)


class UpdateUnderLock:
    """``optimizer.update`` with ``lock`` held, so two workers never write the same row at once:
    a row's read-modify-write would otherwise lose one of the two updates."""

    def __init__(self, optimizer, lock):
        self.optimizer, self.lock = optimizer, lock

    def update(self, params, grads):
        with self.lock:
            self.optimizer.update(params, grads)


class HogwildTrainingLoop(TrainingLoop):
    """``TrainingLoop`` whose epochs are shared by ``workers`` processes (see the module's docstring).

    The epoch's record counts every worker's iterations and losses (its ``loss_curve`` in
    iteration order); a non-finite or exploding loss in any worker stops the run as it does in one.
    """

    def __init__(self, model, optimizer, batches, workers=2, seed=0, **options):
        if int(workers) != workers or workers < 1:
            raise ValueError("workers must be a positive integer, got %r" % (workers,))
        if type(optimizer) is not SGD:
            raise ValueError("Hogwild! workers need plain SGD (each process would keep its own %s state); "
                             "use --optimizer sgd or --workers 1" % type(optimizer).__name__)
        self.workers, self.seed = int(workers), int(seed)
        self._running = []                          # (process, pipe) of the workers of this epoch
        self._context = multiprocessing.get_context("fork")
        super().__init__(share_memory(model), optimizer, WorkerShare(batches, self.workers), **options)
        self.stepper.optimizer = UpdateUnderLock(optimizer, self._context.Lock())

    def _run_epoch(self):
        self._start_workers(self.epoch, self.iteration)
        try:
            super()._run_epoch()
        finally:
            self._stop_workers()                    # after an error: they must not write on

    def _start_workers(self, epoch, first):
        for k in range(1, self.workers):
            receive, send = self._context.Pipe(duplex=False)
            process = self._context.Process(target=self._work, args=(epoch, k, first, send), daemon=True)
            process.start()
            send.close()
            self._running.append((process, receive))

    def _work(self, epoch, k, first, pipe):
        """Worker k's iterations k + W j (j >= first) of ``epoch``; sends back its (iteration, loss)
        pairs, the problem that stopped it (a sentence and the iteration, or None) and, if it failed,
        its traceback."""
        stop = []
        for name in (signal.SIGINT, signal.SIGTERM):      # the loop's own process saves; this one stops
            signal.signal(name, lambda *_: stop.append(True))
        for i, sampler in enumerate(samplers(self.model)):
            sampler.reseed([self.seed, epoch, k, first, i])
        n, W = self.batches.inner.iterations(epoch), self.workers
        done, problem, failure = [], None, None
        try:
            for j in range(first, self.iterations(epoch)):
                it = k + W * j
                if it >= n or stop or stop_requested():   # stop_requested: a signal before the handlers were set
                    break
                loss = float(self.model.forward(*self.batches.inner.batch(epoch, it)))
                problem = self.guard.problem(loss)
                if problem is not None:
                    problem = (problem, it)
                    break
                self.stepper.step(self.max_grad)
                done.append((it, loss))
        except Exception:
            failure = traceback.format_exc()
        pipe.send((done, problem, failure))
        pipe.close()

    def _stop_workers(self):
        """Ask the running workers to stop (SIGTERM: after their current iteration) and wait for them."""
        for process, _ in self._running:
            if process.is_alive():
                process.terminate()
        self._join()                                # the run is stopping: their results are dropped

    def _join(self):
        """Wait for every worker: [(done, problem, failure)], worker 1 first."""
        results = []
        for process, pipe in self._running:
            try:
                results.append(pipe.recv())
            except EOFError:                        # killed, or exited without a word
                results.append(([], None, "it ended without a result (exit code %s)" % process.exitcode))
            process.join()
        self._running = []
        return results

    def _save_last(self):
        with self.stepper.optimizer.lock:           # a checkpoint never holds half of a worker's update
            return super()._save_last()

    def _after_iterations(self, epoch):
        """Wait for the workers and put their losses among this process's, in iteration order."""
        results = self._join()
        for k, (_, _, failure) in enumerate(results, start=1):
            if failure is not None:
                raise WorkerFailed("Hogwild! worker %d of %d failed in epoch %d: %s"
                                   % (k, self.workers, epoch + 1, failure))
        W = self.workers
        losses = {j * W: loss for j, loss in enumerate(self._epoch_losses)}
        for done, problem, _ in results:
            losses.update(done)
            if problem is not None:
                message, it = problem
                self._check(message, epoch, it)
        self._epoch_losses = [losses[i] for i in sorted(losses)]

    def _interrupted(self, signal_name, e, n):
        self._stop_workers()                        # before last.npz is written
        super()._interrupted(signal_name, e, n)

    def _finish_epoch(self, e, n, value, valid_seconds):
        super()._finish_epoch(e, len(self._epoch_losses), value, valid_seconds)


def samplers(model):
    """The negative samplers (anything with ``reseed``) inside ``model``."""
    return [obj for _, obj in walk(model) if hasattr(obj, "reseed")]
