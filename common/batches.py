"""Batch sources for the training loop: what the model reads at (epoch, iteration).

A batch source is a pure function of the epoch and the iteration (its random
choices come from generators seeded with ``(seed, epoch)``), so a run can stop
anywhere and continue with exactly the batches it would have seen:

- ``iterations(epoch)``: how many batches the epoch has;
- ``batch(epoch, it)``: a tuple of arrays, passed to ``model.forward(*batch)``;
- ``describe()``: a JSON-able summary, stored in checkpoints and compared on resume.
"""
import numpy

from common.np import to_cpu, to_gpu


class ShuffledBatches:
    """Rows of ``arrays`` (same length N) in a fresh random order every epoch, ``batch_size`` at a time.

    ``arrays`` is a tuple of arrays, or a function ``epoch -> tuple`` for data that
    changes every epoch (word2vec's subsampling). The last incomplete batch is dropped,
    as in the book's Trainer.

    With ``contiguous``, every batch is a run of ``batch_size`` consecutive rows and only the
    order of the batches is random (their boundaries move by a random offset every epoch; the
    rows before the offset and after the last whole batch are left out of that epoch). This is
    how word2vec's worker threads read their text: neighbouring targets share context words, so
    a word2vec batch touches fewer distinct embedding rows (402 against 2,572 context rows
    at batch 1,000 on PTB) and CBOW trains at 1.4x the targets/s.
    """

    def __init__(self, arrays, batch_size, seed=0, contiguous=False):
        self._arrays = arrays
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.contiguous = bool(contiguous)
        self._cache = (None, None, None)
        if not callable(arrays):
            self._check(arrays)

    def _check(self, arrays):
        n = len(arrays[0])
        for a in arrays[1:]:
            if len(a) != n:
                raise ValueError("the data arrays have different lengths: %s" % [len(a) for a in arrays])
        if self.batch_size > n:
            raise ValueError("batch_size %d is larger than the data (%d samples)" % (self.batch_size, n))

    def _epoch(self, epoch):
        if self._cache[0] != epoch:
            arrays = self._arrays(epoch) if callable(self._arrays) else self._arrays
            if callable(self._arrays):
                self._check(arrays)
            rng = numpy.random.default_rng([self.seed, epoch])
            n, B = len(arrays[0]), self.batch_size
            if self.contiguous:
                offset = int(rng.integers(n % B + 1))
                order = offset + B * rng.permutation(n // B)           # first row of every batch
            else:
                order = rng.permutation(n)
            self._cache = (epoch, arrays, order)
        return self._cache[1], self._cache[2]

    def iterations(self, epoch):
        arrays, _ = self._epoch(epoch)
        return len(arrays[0]) // self.batch_size

    def batch(self, epoch, it):
        arrays, order = self._epoch(epoch)
        if self.contiguous:
            start = int(order[it])
            return tuple(a[start:start + self.batch_size] for a in arrays)
        rows = to_gpu(order[it * self.batch_size:(it + 1) * self.batch_size])
        return tuple(a.take(rows, axis=0) for a in arrays)      # take: 4x faster than a[rows] on 2-D rows

    def describe(self):
        out = {"kind": "shuffled", "batch_size": self.batch_size, "seed": self.seed,
               "samples": None if callable(self._arrays) else len(self._arrays[0])}
        if self.contiguous:                  # only when set: older checkpoints still match
            out["contiguous"] = True
        return out


class BPTTBatches:
    """Truncated back-propagation through time over one long id sequence.

    Row i of every (batch_size, time_size) batch reads the corpus from offset
    ``i * (len // batch_size)``; the read position moves on by ``time_size`` every
    iteration and keeps moving across epochs (wrapping around), as the book's
    RnnlmTrainer does.
    """

    def __init__(self, xs, ts, batch_size, time_size):
        if len(xs) != len(ts):
            raise ValueError("xs has %d ids but ts has %d" % (len(xs), len(ts)))
        self.xs, self.ts = xs, ts
        self.batch_size, self.time_size = int(batch_size), int(time_size)
        self.iters = len(xs) // (self.batch_size * self.time_size)
        if self.iters == 0:
            raise ValueError("corpus of %d ids is shorter than one batch (%d x %d)"
                             % (len(xs), self.batch_size, self.time_size))
        jump = len(xs) // self.batch_size
        self._rows = to_gpu(numpy.arange(self.batch_size)[:, None] * jump + numpy.arange(self.time_size)[None, :])

    def iterations(self, epoch):
        return self.iters

    def time_idx(self, epoch, it):
        """Read position of batch ``it`` of ``epoch``: every earlier batch moved it by time_size."""
        return (epoch * self.iters + it) * self.time_size

    def batch(self, epoch, it):
        pos = (self._rows + self.time_idx(epoch, it)) % len(self.xs)
        return self.xs[pos], self.ts[pos]

    def describe(self):
        return {"kind": "bptt", "batch_size": self.batch_size, "time_size": self.time_size,
                "corpus": len(self.xs)}


class LengthBucketedBatches:
    """Right-padded sequences in batches of similar length, shuffled every epoch.

    ids (N, T_max), lengths (N,), labels (N,): each epoch the samples are shuffled, sorted by
    length inside windows of 50 batches and cut into batches, so little padding is read; then the
    batches themselves are shuffled, so lengths do not come in rising order (torchtext's bucket
    iterator does the same). A batch is ``(ids[rows, :T], lengths[rows], labels[rows])`` with T
    its longest length. Every sample is used once per epoch (the last batch of a window may be smaller).
    """

    def __init__(self, ids, lengths, labels, batch_size, seed=0, window=50):
        self.ids, self.lengths, self.labels = ids, lengths, labels
        self.host_lengths = numpy.asarray(to_cpu(lengths))
        self.batch_size, self.seed, self.window = int(batch_size), int(seed), int(window)
        self._cache = (None, None)

    def _batches(self, epoch):
        if self._cache[0] != epoch:
            rng = numpy.random.default_rng([self.seed, epoch])
            order = rng.permutation(len(self.host_lengths))
            span = self.batch_size * self.window
            batches = []
            for s in range(0, len(order), span):
                chunk = order[s:s + span]
                chunk = chunk[numpy.argsort(self.host_lengths[chunk], kind="stable")]
                batches += [chunk[b:b + self.batch_size] for b in range(0, len(chunk), self.batch_size)]
            self._cache = (epoch, [batches[i] for i in rng.permutation(len(batches))])
        return self._cache[1]

    def iterations(self, epoch):
        return len(self._batches(epoch))

    def batch(self, epoch, it):
        rows = self._batches(epoch)[it]
        T = int(self.host_lengths[rows].max())
        rows = to_gpu(rows)
        return self.ids[rows, :T], self.lengths[rows], self.labels[rows]

    def describe(self):
        return {"kind": "length-bucketed", "batch_size": self.batch_size, "seed": self.seed,
                "samples": len(self.host_lengths)}
