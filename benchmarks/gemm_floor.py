"""Lower bound on an LM training step: the matrix products it cannot avoid, timed alone.

Every implementation of Rnnlm / BetterRnnlm (ours, the book's, PyTorch's) has to do
these products each step; timing them in isolation with the same BLAS shows how
much of a step is left for everything else (softmax, gate arithmetic, dropout,
optimizer) when a speed target is set. The same is then summed over the whole
``benchmarks.end_to_end`` job (one epoch's training steps, and the forward products of
validation and test at the book's evaluation batch of 10): no NumPy implementation of
the job can take less time than that.

Where PyTorch is installed, every product is also timed through ``torch.mm`` (PyTorch's BLAS, MKL on
x86), in blocks of calls that alternate with NumPy's, so each job's sum is printed for both: when NumPy's
products alone take longer than the speed target allows, no NumPy implementation can meet it on that
machine, and the difference between the two sums says how much of a whole-run ratio is the BLAS's.

    python -m benchmarks.gemm_floor [--repeats 7] [--no-torch]
"""
import statistics
import time

import numpy

from benchmarks.harness import machine
from benchmarks.torch_jobs import torch_on_every_core
from common.cli import parser, positive_int

N, T, V = 20, 35, 10000
EVAL_BATCH = 10                       # the book's eval_perplexity
PTB_IDS = {"train": 929589, "valid": 73760, "test": 82430}
END_TO_END_TRAIN_IDS = {"Rnnlm": PTB_IDS["train"], "BetterRnnlm": 100000}   # benchmarks.end_to_end's jobs
DATES_TRAIN, DATES_TEST = 45000, 5000  # question-answer pairs of date.txt
ATTENTION_BATCH, DECODE_BATCH = 128, 500   # ch08.train's batch; seq2seq_accuracy's decoding batch


def step_products(H, layers, batch=N):
    """(label, M, K, N, count) of every product one training step performs."""
    R = batch * T
    out = [("output scores  x W", R, H, V, 1), ("output dW      x^T dy", H, R, V, 1),
           ("output dx      dy W^T", R, V, H, 1)]
    for _ in range(layers):
        out += [("LSTM x Wx, all steps", R, H, 4 * H, 1), ("LSTM dWx and dWh", H, R, 4 * H, 2),
                ("LSTM dx, all steps", R, 4 * H, H, 1),
                ("LSTM h Wh, per step", batch, H, 4 * H, T), ("LSTM dh Wh^T, per step", batch, 4 * H, H, T)]
    return out


def attention_step_products(batch=ATTENTION_BATCH, D=16, H=256, vocab=59, t_in=29, t_out=10):
    """(label, M, K, N, count) of one training step of ch08's attention model on dates: two LSTMs on
    [x_t, h_{t-1}] (D + H wide) and the output layer on [context; state]; the attention's batched
    products (under 1% of the FLOPs) are left out, so the floor stays a floor."""
    R = batch * t_out
    return [("LSTM [x, h] W, per step", batch, D + H, 4 * H, t_in + t_out),
            ("LSTM da W^T, per step", batch, 4 * H, D + H, t_in + t_out),
            ("LSTM dW (encoder)", D + H, batch * t_in, 4 * H, 1), ("LSTM dW (decoder)", D + H, R, 4 * H, 1),
            ("output scores", R, 2 * H, vocab, 1), ("output dW", 2 * H, R, vocab, 1), ("output dx", R, vocab, 2 * H, 1)]


def attention_eval_products(questions=DATES_TEST, batch=DECODE_BATCH, D=16, H=256, vocab=59, t_in=29, t_out=10):
    """The forward products of decoding the test questions greedily, ``batch`` at a time."""
    batches = -(-questions // batch)
    return [("LSTM [x, h] W, per step", batch, D + H, 4 * H, batches * (t_in + t_out)),
            ("output scores", batch, 2 * H, vocab, batches * t_out)]


def eval_products(H, layers, batch=EVAL_BATCH):
    """(label, M, K, N, count) of every product one evaluation batch (forward only) performs."""
    R = batch * T
    out = [("output scores  x W", R, H, V, 1)]
    for _ in range(layers):
        out += [("LSTM x Wx, all steps", R, H, 4 * H, 1), ("LSTM h Wh, per step", batch, H, 4 * H, T)]
    return out


def products_seconds(products, repeats, timed, torch=None):
    """Seconds and FLOPs of ``products``, each shape timed once (``timed`` caches them), with a per-label
    sum; the seconds are NumPy's, or (numpy, torch) pairs when ``torch`` is given."""
    total, flops, merged = Seconds(), 0.0, {}
    for label, m, k, n, count in products:
        if (m, k, n) not in timed:
            timed[m, k, n] = time_product(m, k, n, repeats, torch)
        seconds = timed[m, k, n] * count
        merged[label] = merged.get(label, Seconds()) + seconds
        total += seconds
        flops += 2.0 * m * k * n * count
    return total, flops, merged


class Seconds:
    """NumPy's seconds, and PyTorch's for the same products when they were timed (else None)."""

    def __init__(self, numpy_s=0.0, torch_s=0.0):
        self.numpy, self.torch = numpy_s, torch_s

    def __add__(self, other):
        torch_s = None if self.torch is None or other.torch is None else self.torch + other.torch
        return Seconds(self.numpy + other.numpy, torch_s)

    def __mul__(self, count):
        return Seconds(self.numpy * count, None if self.torch is None else self.torch * count)

    def __str__(self):
        if self.torch is None:
            return "%.1f s" % self.numpy
        return "%.1f s (PyTorch's products %.1f s, NumPy / PyTorch %.2f)" % (self.numpy, self.torch,
                                                                            self.numpy / self.torch)


BLOCKS = 2            # blocks of calls per library and product shape, the libraries taking turns
SETTLE_SECONDS = 0.05  # idle time before each block


def time_product(m, k, n, repeats, torch=None):
    """Median seconds of one (m, k) x (k, n) float32 product; with ``torch``, also of ``torch.mm`` on
    the same arrays.

    Each library runs its calls in blocks, after an idle pause, the two taking turns. Interleaving them
    call by call is not fair: the threads of the library that just ran are still awake and take the
    cores from the other's next call (NumPy's sums came out 1.2-1.7x its own, alone, that way).
    """
    a = numpy.random.rand(m, k).astype(numpy.float32)
    b = numpy.random.rand(k, n).astype(numpy.float32)
    arms = [lambda: a @ b]
    if torch is not None:
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        arms.append(lambda: torch.mm(ta, tb))
    times = [[] for _ in arms]
    for block in range(min(BLOCKS, repeats)):
        calls = len(range(block, repeats, BLOCKS))                  # the blocks' calls add up to ``repeats``
        for arm, arm_times in zip(arms, times):
            time.sleep(SETTLE_SECONDS)
            arm()                                                   # warm-up, and wakes the library's threads
            for _ in range(calls):
                start = time.perf_counter()
                arm()
                arm_times.append(time.perf_counter() - start)
    medians = [statistics.median(arm_times) for arm_times in times]
    return Seconds(medians[0], medians[1] if torch is not None else None)


def import_torch(wanted):
    """PyTorch on every core, as NumPy's BLAS runs, or None (not wanted, or not installed)."""
    if not wanted:
        return None
    try:
        return torch_on_every_core()
    except ImportError:
        print("PyTorch is not installed: NumPy's products are timed alone")
        return None


def milliseconds(seconds):
    """NumPy's milliseconds, and PyTorch's beside them when they were timed."""
    text = "%7.1f ms" % (seconds.numpy * 1e3)
    return text if seconds.torch is None else text + " (PyTorch %.1f ms)" % (seconds.torch * 1e3)


def print_step(name, total, flops, merged):
    """One step's products: their sum, its rate, and each label's share."""
    print("%s: matrix products of one step %s (%.1f GFLOP, %.0f GFLOP/s)"
          % (name, milliseconds(total).strip(), flops / 1e9, flops / total.numpy / 1e9))
    for label, seconds in merged.items():
        print("  %-24s %s" % (label, milliseconds(seconds)))


def main(argv=None):
    p = parser("benchmarks.gemm_floor", __doc__, dry_run=False)
    p.add_argument("--repeats", type=positive_int, default=7, help="timings of each product (their median is used)")
    p.add_argument("--no-torch", action="store_true", help="time NumPy's products only, even where PyTorch is installed")
    args = p.parse_args(argv)
    print(machine())
    torch = import_torch(not args.no_torch)
    timed = {}
    for name, H, layers in (("Rnnlm", 100, 1), ("BetterRnnlm", 650, 2)):
        total, flops, merged = products_seconds(step_products(H, layers), args.repeats, timed, torch)
        print_step("%s (H %d)" % (name, H), total, flops, merged)
        steps = (END_TO_END_TRAIN_IDS[name] - 1) // (N * T)
        batches = sum((PTB_IDS[part] - 1) // (EVAL_BATCH * T) for part in ("valid", "test"))
        evaluation, eval_flops, _ = products_seconds(eval_products(H, layers), args.repeats, timed, torch)
        print("  the end_to_end job (%d training steps, %d evaluation batches of %d x %d): products alone "
              "%s; training %s, evaluation %s at %.0f GFLOP/s"
              % (steps, batches, EVAL_BATCH, T, total * steps + evaluation * batches, total * steps,
                 evaluation * batches, eval_flops / evaluation.numpy / 1e9))
    total, flops, merged = products_seconds(attention_step_products(), args.repeats, timed, torch)
    steps = DATES_TRAIN // ATTENTION_BATCH
    evaluation, _, _ = products_seconds(attention_eval_products(), args.repeats, timed, torch)
    print_step("AttentionSeq2seq (dates, H 256, batch %d)" % ATTENTION_BATCH, total, flops, merged)
    print("  the end_to_end job (%d training steps, %d test questions decoded %d at a time): products alone "
          "%s; training %s, evaluation %s"
          % (steps, DATES_TEST, DECODE_BATCH, total * steps + evaluation, total * steps, evaluation))
    scores = numpy.random.rand(N * T, V).astype(numpy.float32)
    start = time.perf_counter()
    numpy.exp(scores, out=scores)
    print("one exp over the (N*T, V) scores, single thread: %.1f ms" % ((time.perf_counter() - start) * 1e3))


if __name__ == "__main__":
    main()
