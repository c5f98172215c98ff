"""ms/step of one truncated-BPTT training step (forward, backward, clip, SGD) for
Rnnlm (1 x LSTM 100) and BetterRnnlm (2 x LSTM 650, tied, dropout), batch 20, T 35,
V 10,000, against a book-style re-creation, PyTorch (CPU) when torch is installed, and the
GEMM floor: the step's matrix products alone (``benchmarks.gemm_floor``), timed in the same rounds.
Every arm runs in its own process, round-robin, after an idle gap (``benchmarks.harness``);
ratios are medians of per-round ratios, and the ours / PyTorch ratio of every round is printed
below its row; peak memory (RSS) is reported per arm.

    python -m benchmarks.bench_rnnlm [--rounds 5] [--steps 5] [--models rnnlm better]
    python -m benchmarks.bench_rnnlm --models rnnlm --hidden 100 200 400 650 --batch 20 64 128 --no-book

``--hidden`` / ``--batch`` time the model at every (H, N) pair instead of its book size (the
scaling table of docs/journal.md; BetterRnnlm's embedding size follows H).
"""
import argparse
import importlib.util

import numpy

from benchmarks.harness import machine, median, median_ratio, report, round_ratios, round_robin, time_steps
from ch06.better_rnnlm import BetterRnnlm
from ch06.rnnlm import Rnnlm
from common.batches import BPTTBatches
from common.cli import non_negative_float, non_negative_int, parser, positive_int
from common.np import GPU, np, to_gpu
from common.optimizer import SGD
from common.training_loop import Stepper

CONFIGS = {"rnnlm": (Rnnlm, 100, 0.0), "better": (BetterRnnlm, 650, 0.5)}
T, V = 35, 10000


def sync():
    if GPU:
        np.cuda.Stream.null.synchronize()


def scratchnlp_step(name, H, N):
    """A closure running one training step of our model on random ids."""
    cls = CONFIGS[name][0]
    model = cls(V, H, H)
    stepper = Stepper(model, SGD(20.0))
    ids = to_gpu(numpy.random.default_rng(0).integers(0, V, 50000).astype(numpy.int32))
    batches = BPTTBatches(ids[:-1], ids[1:], N, T)
    position = iter(range(10 ** 9))

    def step():
        model.forward(*batches.batch(0, next(position) % batches.iters))
        stepper.step(0.25)
        sync()

    step.model = model
    return step


def book_step(name, H, N):
    """The book's implementation choices (benchmarks/book_reference.py), same model and batch."""
    from benchmarks.book_reference import BookLM

    dropout = CONFIGS[name][2]
    model = BookLM(V, H, n_layers=2 if name == "better" else 1, dropout=dropout, tied=name == "better")
    rng = numpy.random.default_rng(0)
    return lambda: model.train_step(rng.integers(0, V, (N, T)), rng.integers(0, V, (N, T)))


def torch_step(name, H, N):
    from benchmarks.torch_jobs import language_model_module, step as torch_update, torch_on_every_core

    torch = torch_on_every_core()
    rng = numpy.random.default_rng(0)
    model = language_model_module(V, H, 2 if name == "better" else 1, CONFIGS[name][2], name == "better", rng)
    opt = torch.optim.SGD(model.parameters(), lr=20.0)
    loss_fn = torch.nn.CrossEntropyLoss()
    state = [None]

    def step():
        x = torch.from_numpy(rng.integers(0, V, (N, T)))
        y = torch.from_numpy(rng.integers(0, V, (N, T)))
        if state[0] is not None:
            state[0] = tuple(s.detach() for s in state[0])
        out, state[0] = model(x, state[0])
        torch_update(opt, loss_fn(out.reshape(-1, V), y.reshape(-1)), model, 0.25)

    return step


def floor_step(name, H, N):
    """Only the matrix products of one step (``benchmarks.gemm_floor``), with NumPy's BLAS: no
    implementation's step can be faster, so ours / floor and PyTorch / floor say what is left."""
    from benchmarks.gemm_floor import step_products

    rng = numpy.random.default_rng(0)
    products = [(rng.random((m, k), dtype=numpy.float32), rng.random((k, n), dtype=numpy.float32), count)
                for _, m, k, n, count in step_products(H, 2 if name == "better" else 1, N)]

    def step():
        for a, b, count in products:
            for _ in range(count):
                a @ b

    return step


def build_step(arm, name, H, N):
    return {"scratchnlp": scratchnlp_step, "book": book_step, "torch": torch_step, "floor": floor_step}[arm](name, H, N)


def main(argv=None):
    p = parser("benchmarks.bench_rnnlm", __doc__, dry_run=False)
    p.add_argument("--rounds", type=positive_int, default=5, help="round-robin rounds")
    p.add_argument("--steps", type=positive_int, default=5, help="timed steps per call")
    p.add_argument("--warmup", type=non_negative_int, default=3,
                   help="untimed steps first, so every arm is timed in its steady state")
    p.add_argument("--gap", type=non_negative_float, default=1.0, help="idle seconds before every call")
    p.add_argument("--models", nargs="+", default=["rnnlm", "better"], choices=sorted(CONFIGS), help="models to time")
    p.add_argument("--hidden", type=positive_int, nargs="+", default=None,
                   help="hidden sizes to time (default: the model's own, 100 or 650)")
    p.add_argument("--batch", type=positive_int, nargs="+", default=[20], help="batch sizes to time")
    p.add_argument("--no-book", action="store_true", help="leave out the book-style reference")
    p.add_argument("--arm", choices=["scratchnlp", "book", "torch", "floor"], help=argparse.SUPPRESS)   # child mode
    args = p.parse_args(argv)
    if args.arm:                                   # a child: one implementation, one model, one size
        name, N = args.models[0], args.batch[0]
        H = args.hidden[0] if args.hidden else CONFIGS[name][1]
        report(time_steps(build_step(args.arm, name, H, N), args.steps, args.warmup), arm=args.arm, model=name,
               H=H, N=N)
        return None
    have_torch = importlib.util.find_spec("torch") is not None and not GPU
    print(machine())
    print("backend: %s; %d rounds, each arm in its own process after a %.1f s gap"
          % ("CuPy" if GPU else "NumPy", args.rounds, args.gap))
    print("%-7s %4s %4s %9s %9s %9s %9s %8s %8s %8s %8s %11s %9s %9s %9s"
          % ("model", "H", "N", "ours ms", "book ms", "torch ms", "floor ms", "book/us", "us/torch", "us/floor",
             "pt/floor", "tokens/s", "ours MiB", "book MiB", "torch MiB"))
    table = {}
    sizes = [(name, H, N) for name in args.models for H in (args.hidden or [CONFIGS[name][1]])
             for N in args.batch]
    for name, H, N in sizes:
        child = ["--models", name, "--hidden", str(H), "--batch", str(N), "--steps", str(args.steps),
                 "--warmup", str(args.warmup)]
        arms = {"scratchnlp": ("benchmarks.bench_rnnlm", ["--arm", "scratchnlp"] + child)}
        if not args.no_book and not GPU:
            arms["book"] = ("benchmarks.bench_rnnlm", ["--arm", "book"] + child)
        if have_torch:
            arms["torch"] = ("benchmarks.bench_rnnlm", ["--arm", "torch"] + child)
        if not GPU:
            arms["floor"] = ("benchmarks.bench_rnnlm", ["--arm", "floor"] + child)
        res = round_robin(arms, args.rounds, args.gap)
        nan = float("nan")
        row = {arm: median(res, arm) for arm in res}
        row.update({arm + "_rss": median(res, arm, "rss_mb") for arm in res})
        row["book/us"] = median_ratio(res, "book", "scratchnlp") if "book" in res else nan
        row["us/torch"] = median_ratio(res, "scratchnlp", "torch") if "torch" in res else nan
        row["us/floor"] = median_ratio(res, "scratchnlp", "floor") if "floor" in res else nan
        row["torch/floor"] = median_ratio(res, "torch", "floor") if "torch" in res and "floor" in res else nan
        table[name, H, N] = row
        print("%-7s %4d %4d %9.1f %9.1f %9.1f %9.1f %7.2fx %7.2fx %7.2fx %7.2fx %11.0f %9.0f %9.0f %9.0f"
              % (name, H, N, row["scratchnlp"], row.get("book", nan), row.get("torch", nan), row.get("floor", nan),
                 row["book/us"], row["us/torch"], row["us/floor"], row["torch/floor"], N * T / row["scratchnlp"] * 1000,
                 row["scratchnlp_rss"], row.get("book_rss", nan), row.get("torch_rss", nan)))
        if "torch" in res:                         # the spread behind us/torch, round by round
            ratios = round_ratios(res, "scratchnlp", "torch")
            print("  us/torch by round: %s (median %.3f)" % (" ".join("%.3f" % r for r in ratios), row["us/torch"]))
    return table


if __name__ == "__main__":
    main()
