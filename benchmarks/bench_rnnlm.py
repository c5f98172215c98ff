"""ms/step of one truncated-BPTT training step (forward, backward, clip, SGD) for
Rnnlm (1 x LSTM 100) and BetterRnnlm (2 x LSTM 650, tied, dropout), batch 20, T 35,
V 10,000 -- and the same models in PyTorch (CPU) in the same run when torch is installed.

    python -m benchmarks.bench_rnnlm [--steps 20] [--models rnnlm better]
"""
import argparse
import importlib.util
import os
import time

import numpy

from ch06.rnnlm import BetterRnnlm, Rnnlm
from common.batches import BPTTBatches
from common.np import GPU, np, to_gpu
from common.optimizer import SGD
from common.training import Stepper

CONFIGS = {"rnnlm": (Rnnlm, 100, 0.0), "better": (BetterRnnlm, 650, 0.5)}
N, T, V = 20, 35, 10000


def sync():
    if GPU:
        np.cuda.Stream.null.synchronize()


def scratchnlp_step(name):
    """A closure running one training step of our model on random ids."""
    cls, H, _ = CONFIGS[name]
    model = cls(V, H, H)
    stepper = Stepper(model, SGD(20.0))
    ids = to_gpu(numpy.random.default_rng(0).integers(0, V, 50000).astype(numpy.int32))
    batches = BPTTBatches(ids[:-1], ids[1:], N, T)
    position = iter(range(10 ** 9))

    def step():
        model.forward(*batches.batch(0, next(position) % batches.iters))
        stepper.step(0.25)
        sync()

    return step


def book_step(name):
    """The book's implementation choices (benchmarks/book_reference.py), same model and batch."""
    from benchmarks.book_reference import BookLM

    _, H, dropout = CONFIGS[name]
    model = BookLM(V, H, n_layers=2 if name == "better" else 1, dropout=dropout, tied=name == "better")
    rng = numpy.random.default_rng(0)
    return lambda: model.train_step(rng.integers(0, V, (N, T)), rng.integers(0, V, (N, T)))


def torch_step(name):
    import torch
    import torch.nn as nn

    torch.set_num_threads(os.cpu_count())
    _, H, dropout = CONFIGS[name]
    layers = 2 if name == "better" else 1

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(V, H)
            self.drop = nn.Dropout(dropout)
            self.lstm = nn.LSTM(H, H, num_layers=layers, dropout=dropout if layers > 1 else 0.0, batch_first=True)
            self.out = nn.Linear(H, V)
            if name == "better":
                self.out.weight = self.embed.weight

        def forward(self, x, state):
            h, state = self.lstm(self.drop(self.embed(x)), state)
            return self.out(self.drop(h)), state

    model = LM()
    opt = torch.optim.SGD(model.parameters(), lr=20.0)
    loss_fn = nn.CrossEntropyLoss()
    rng = numpy.random.default_rng(0)
    state = [None]

    def step():
        x = torch.from_numpy(rng.integers(0, V, (N, T)))
        y = torch.from_numpy(rng.integers(0, V, (N, T)))
        if state[0] is not None:
            state[0] = tuple(s.detach() for s in state[0])
        out, state[0] = model(x, state[0])
        loss = loss_fn(out.reshape(-1, V), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        opt.step()

    return step


def interleaved_medians(steps, rounds, per_round):
    """Time the step functions in alternation (round-robin), so machine noise hits all alike.

    steps: {label: (function, steps per round)}; returns {label: median ms per step}.
    """
    times = {label: [] for label in steps}
    for label, (fn, _) in steps.items():
        fn()  # warm-up
    for _ in range(rounds):
        for label, (fn, n) in steps.items():
            for _ in range(n):
                start = time.perf_counter()
                fn()
                times[label].append(time.perf_counter() - start)
    return {label: 1000 * float(numpy.median(t)) for label, t in times.items()}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rounds", type=int, default=5, help="round-robin rounds (default: %(default)s)")
    p.add_argument("--steps", type=int, default=4, help="steps of our model and of torch per round")
    p.add_argument("--models", nargs="+", default=["rnnlm", "better"], choices=sorted(CONFIGS))
    p.add_argument("--book-steps", type=int, default=1, help="book-style reference steps per round; 0 skips it")
    args = p.parse_args(argv)
    have_torch = importlib.util.find_spec("torch") is not None and not GPU
    print("backend: %s; cores: %d; %d rounds" % ("CuPy" if GPU else "NumPy %s" % numpy.__version__,
                                                 os.cpu_count(), args.rounds))
    print("%-8s %13s %12s %10s %9s %12s %12s" % ("model", "scratchnlp ms", "tokens/s", "book ms", "speed-up",
                                                "torch ms", "vs torch"))
    for name in args.models:
        steps = {"ours": (scratchnlp_step(name), args.steps)}
        if args.book_steps and not GPU:
            steps["book"] = (book_step(name), args.book_steps)
        if have_torch:
            steps["torch"] = (torch_step(name), args.steps)
        ms = interleaved_medians(steps, args.rounds, args.steps)
        ours, book, ref = ms["ours"], ms.get("book", float("nan")), ms.get("torch", float("nan"))
        print("%-8s %13.1f %12.0f %10.1f %8.2fx %12.1f %11.2fx"
              % (name, ours, N * T / ours * 1000, book, book / ours, ref, ours / ref))


if __name__ == "__main__":
    main()
