"""Lower bound on an LM training step: the matrix products it cannot avoid, timed alone.

Every implementation of Rnnlm / BetterRnnlm (ours, the book's, PyTorch's) has to do
these products each step; timing them in isolation with the same BLAS shows how
much of a step is left for everything else (softmax, gate arithmetic, dropout,
optimizer) when a speed target is set.

    python -m benchmarks.gemm_floor [--repeats 7]
"""
import statistics
import time

import numpy

from common.cli import parser, positive_int

N, T, V = 20, 35, 10000


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


def main(argv=None):
    p = parser("benchmarks.gemm_floor", __doc__, dry_run=False)
    p.add_argument("--repeats", type=positive_int, default=7, help="timings of each product (their median is used)")
    args = p.parse_args(argv)
    for name, H, layers in (("Rnnlm", 100, 1), ("BetterRnnlm", 650, 2)):
        total, flops = 0.0, 0.0
        merged = {}
        for label, m, k, n, count in step_products(H, layers):
            seconds = time_product(m, k, n, args.repeats) * count
            merged[label] = merged.get(label, 0.0) + seconds
            total += seconds
            flops += 2.0 * m * k * n * count
        print("%s (H %d): matrix products of one step %.1f ms (%.1f GFLOP, %.0f GFLOP/s)"
              % (name, H, total * 1e3, flops / 1e9, flops / total / 1e9))
        for label, seconds in merged.items():
            print("  %-24s %7.1f ms" % (label, seconds * 1e3))
    scores = numpy.random.rand(N * T, V).astype(numpy.float32)
    start = time.perf_counter()
    numpy.exp(scores, out=scores)
    print("one exp over the (N*T, V) scores, single thread: %.1f ms" % ((time.perf_counter() - start) * 1e3))


if __name__ == "__main__":
    main()
