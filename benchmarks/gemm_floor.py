"""Lower bound on an LM training step: the matrix products it cannot avoid, timed alone.

Every implementation of Rnnlm / BetterRnnlm (ours, the book's, PyTorch's) has to do
these products each step; timing them in isolation with the same BLAS shows how
much of a step is left for everything else (softmax, gate arithmetic, dropout,
optimizer) when a speed target is set. The same is then summed over the whole
``benchmarks.end_to_end`` job (one epoch's training steps, and the forward products of
validation and test at the book's evaluation batch of 10): no NumPy implementation of
the job can take less time than that.

    python -m benchmarks.gemm_floor [--repeats 7]
"""
import statistics
import time

import numpy

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


def products_seconds(products, repeats, timed):
    """Seconds and FLOPs of ``products``, each shape timed once (``timed`` caches them), with a per-label sum."""
    total, flops, merged = 0.0, 0.0, {}
    for label, m, k, n, count in products:
        if (m, k, n) not in timed:
            timed[m, k, n] = time_product(m, k, n, repeats)
        seconds = timed[m, k, n] * count
        merged[label] = merged.get(label, 0.0) + seconds
        total += seconds
        flops += 2.0 * m * k * n * count
    return total, flops, merged


def time_product(m, k, n, repeats):
    a = numpy.random.rand(m, k).astype(numpy.float32)
    b = numpy.random.rand(k, n).astype(numpy.float32)
    a @ b
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_step(name, total, flops, merged):
    """One step's products: their sum, its rate, and each label's share."""
    print("%s: matrix products of one step %.1f ms (%.1f GFLOP, %.0f GFLOP/s)"
          % (name, total * 1e3, flops / 1e9, flops / total / 1e9))
    for label, seconds in merged.items():
        print("  %-24s %7.1f ms" % (label, seconds * 1e3))


def main(argv=None):
    p = parser("benchmarks.gemm_floor", __doc__, dry_run=False)
    p.add_argument("--repeats", type=positive_int, default=7, help="timings of each product (their median is used)")
    args = p.parse_args(argv)
    timed = {}
    for name, H, layers in (("Rnnlm", 100, 1), ("BetterRnnlm", 650, 2)):
        total, flops, merged = products_seconds(step_products(H, layers), args.repeats, timed)
        print_step("%s (H %d)" % (name, H), total, flops, merged)
        steps = (END_TO_END_TRAIN_IDS[name] - 1) // (N * T)
        batches = sum((PTB_IDS[part] - 1) // (EVAL_BATCH * T) for part in ("valid", "test"))
        evaluation, eval_flops, _ = products_seconds(eval_products(H, layers), args.repeats, timed)
        print("  the end_to_end job (%d training steps, %d evaluation batches of %d x %d): products alone "
              "%.1f s (training %.1f s, evaluation %.1f s at %.0f GFLOP/s)"
              % (steps, batches, EVAL_BATCH, T, steps * total + batches * evaluation, steps * total,
                 batches * evaluation, eval_flops / evaluation / 1e9))
    total, flops, merged = products_seconds(attention_step_products(), args.repeats, timed)
    steps = DATES_TRAIN // ATTENTION_BATCH
    evaluation, _, _ = products_seconds(attention_eval_products(), args.repeats, timed)
    print_step("AttentionSeq2seq (dates, H 256, batch %d)" % ATTENTION_BATCH, total, flops, merged)
    print("  the end_to_end job (%d training steps, %d test questions decoded %d at a time): products alone "
          "%.1f s (training %.1f s, evaluation %.1f s)"
          % (steps, DATES_TEST, DECODE_BATCH, steps * total + evaluation, steps * total, evaluation))
    scores = numpy.random.rand(N * T, V).astype(numpy.float32)
    start = time.perf_counter()
    numpy.exp(scores, out=scores)
    print("one exp over the (N*T, V) scores, single thread: %.1f ms" % ((time.perf_counter() - start) * 1e3))


if __name__ == "__main__":
    main()
