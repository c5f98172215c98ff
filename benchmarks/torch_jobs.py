"""The README's training jobs written in PyTorch (CPU), for ``benchmarks.end_to_end`` to time against ours.

Each job is the same recipe as its ScratchNLP script: the same data through the same loaders, the same
model shapes and initial-weight scales, batches, optimizer, clipping and evaluation (the book's
``eval_perplexity`` batching; greedy decoding of the whole test set in batches). It prints one
``BENCHMARK-RESULT`` line: train seconds, evaluation seconds and the final metric.

    python -m benchmarks.torch_jobs rnnlm                       # = python -m ch06.train_rnnlm --epochs 1
    python -m benchmarks.torch_jobs better --limit-tokens 100000  # = ch06.train_better_rnnlm --epochs 1 --limit-tokens 100000
    python -m benchmarks.torch_jobs seq2seq                     # = ch07.train_seq2seq --reverse --model peeky --epochs 1
    python -m benchmarks.torch_jobs attention                   # = ch08.train --epochs 1
"""
import argparse
import math
import os
import time

import numpy

from benchmarks.harness import report

JOBS = ("rnnlm", "better", "seq2seq", "attention")


def torch_on_every_core(seed=1):
    """PyTorch on every core, its own generator (dropout) seeded so that a job repeats its numbers."""
    import torch
    torch.set_num_threads(os.cpu_count())
    torch.manual_seed(seed)
    return torch


def _xavier_(weight, n_in, rng):
    """The book's simplified Xavier, randn / sqrt(n_in), written into a PyTorch weight of any layout."""
    weight.data.copy_(_tensor(rng.standard_normal(tuple(weight.shape)) / math.sqrt(n_in)))


def _tensor(array):
    import torch
    return torch.from_numpy(numpy.ascontiguousarray(array, dtype=numpy.float32))


def _lstm_init_(lstm, rng):
    """Xavier input and recurrent weights, zero biases (PyTorch keeps two bias vectors: both zero)."""
    for name, p in lstm.named_parameters():
        if name.startswith("weight"):                        # weight_ih_l*, weight_hh_l*: (4H, n_in)
            _xavier_(p, p.shape[1], rng)
        else:
            p.data.zero_()


# --- language models (ch06.train_rnnlm, ch06.train_better_rnnlm) -------------------------------------

def language_model_module(V, H, layers, dropout, tied, rng):
    """Embedding -> Dropout -> LSTM x layers -> Dropout -> Linear (tied: the embedding's weight), as Rnnlm
    and BetterRnnlm; weights drawn from ``rng`` at our scales (embedding 0.01 randn, Xavier, zero biases)."""
    from torch import nn

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(V, H)
            self.drop = nn.Dropout(dropout)
            self.lstm = nn.LSTM(H, H, num_layers=layers, dropout=dropout if layers > 1 else 0.0, batch_first=True)
            self.out = nn.Linear(H, V)
            self.embed.weight.data.copy_(_tensor(rng.standard_normal((V, H)) * 0.01))
            _lstm_init_(self.lstm, rng)
            if tied:
                self.out.weight = self.embed.weight           # as BetterRnnlm's Affine(embed_W.T)
            else:
                _xavier_(self.out.weight, H, rng)
            self.out.bias.data.zero_()

        def forward(self, x, state):
            h, state = self.lstm(self.drop(self.embed(x)), state)
            return self.out(self.drop(h)), state

    return LM()


def step(optimizer, loss, model, max_grad):
    """One update: gradients of ``loss``, the global norm clipped to ``max_grad``, the optimizer's step."""
    from torch.nn.utils import clip_grad_norm_

    optimizer.zero_grad()
    loss.backward()
    clip_grad_norm_(model.parameters(), max_grad)
    optimizer.step()


def language_model(job, limit_tokens, seed=1):
    torch = torch_on_every_core(seed)
    nn = torch.nn
    from dataset import ptb

    from common.batches import BPTTBatches

    better = job == "better"
    corpus, word_to_id, _ = ptb.load_data("train")
    valid, test = ptb.load_data("valid")[0], ptb.load_data("test")[0]
    if limit_tokens:
        corpus, valid, test = corpus[:limit_tokens], valid[:limit_tokens], test[:limit_tokens]
    V, H = len(word_to_id), (650 if better else 100)
    layers, dropout, N, T = (2, 0.5, 20, 35) if better else (1, 0.0, 20, 35)
    rng = numpy.random.default_rng(seed)

    model = language_model_module(V, H, layers, dropout, tied=better, rng=rng)
    opt = torch.optim.SGD(model.parameters(), lr=20.0)
    loss_fn = nn.CrossEntropyLoss()

    def ids(batches, it):
        return [torch.from_numpy(a.astype(numpy.int64)) for a in batches.batch(0, it)]

    def perplexity(corpus, batch_size=10, time_size=35):
        """The book's eval_perplexity: batch_size rows read from evenly spaced offsets, state carried."""
        model.eval()
        batches = BPTTBatches(corpus[:-1], corpus[1:], batch_size, time_size)
        total, state = 0.0, None
        with torch.no_grad():
            for it in range(batches.iters):
                x, t = ids(batches, it)
                out, state = model(x, state)
                total += float(loss_fn(out.reshape(-1, V), t.reshape(-1)))
        model.train()
        return math.exp(total / batches.iters)

    batches = BPTTBatches(corpus[:-1], corpus[1:], N, T)       # the same batches as ch06.train_lm's
    start = time.perf_counter()
    state = None
    for it in range(batches.iters):
        x, t = ids(batches, it)
        if state is not None:
            state = tuple(s.detach() for s in state)
        out, state = model(x, state)
        step(opt, loss_fn(out.reshape(-1, V), t.reshape(-1)), model, 0.25)
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    valid_ppl = perplexity(valid)
    test_ppl = perplexity(test)
    return dict(train_seconds=train_seconds, eval_seconds=time.perf_counter() - start,
                metric="test_perplexity", value=test_ppl, valid_perplexity=valid_ppl)


# --- seq2seq (ch07.train_seq2seq --reverse --model peeky, ch08.train) ----------------------------------

def seq2seq(job, limit, seed=1):
    torch = torch_on_every_core(seed)
    nn = torch.nn
    from dataset import sequence

    attention = job == "attention"
    data = "date.txt" if attention else "addition.txt"
    (x_train, t_train), (x_test, t_test) = sequence.load_data(data)
    V = len(sequence.get_vocab(data)[0])
    if limit:
        x_train, t_train = x_train[:limit], t_train[:limit]
    x_train, x_test = x_train[:, ::-1].copy(), x_test[:, ::-1].copy()        # reversed questions in both jobs
    D, H = 16, (256 if attention else 128)
    rng = numpy.random.default_rng(seed)

    def embedding():
        e = nn.Embedding(V, D)
        e.weight.data.copy_(_tensor(rng.standard_normal((V, D)) * 0.01))
        return e

    def linear(n_in):
        layer = nn.Linear(n_in, V)
        _xavier_(layer.weight, n_in, rng)
        layer.bias.data.zero_()
        return layer

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc_embed, self.enc_lstm = embedding(), nn.LSTM(D, H, batch_first=True)
            self.dec_embed = embedding()
            self.dec_lstm = nn.LSTM(D if attention else D + H, H, batch_first=True)
            self.out = linear(2 * H)                          # peeky: [h_enc, h_t]; attention: [context_t, h_t]
            _lstm_init_(self.enc_lstm, rng)
            _lstm_init_(self.dec_lstm, rng)

        def encode(self, xs):
            hs, (h, c) = self.enc_lstm(self.enc_embed(xs))
            return hs, h                                      # hs (N, T, H), h (1, N, H)

        def decode(self, ys, hs, h_enc, state):
            e = self.dec_embed(ys)                            # (N, T', D)
            if attention:
                out, state = self.dec_lstm(e, state)
                weights = torch.softmax(out @ hs.transpose(1, 2), dim=2)    # (N, T', T)
                return self.out(torch.cat((weights @ hs, out), dim=2)), state
            peek = h_enc[0][:, None, :].expand(-1, e.shape[1], -1)
            out, state = self.dec_lstm(torch.cat((peek, e), dim=2), state)
            return self.out(torch.cat((peek, out), dim=2)), state

        def forward(self, xs, ts):
            hs, h = self.encode(xs)
            scores, _ = self.decode(ts[:, :-1], hs, h, (h, torch.zeros_like(h)))
            return scores

        @torch.no_grad()
        def generate(self, xs, start_id, length):
            hs, h = self.encode(xs)
            state, y, out = (h, torch.zeros_like(h)), torch.full((xs.shape[0], 1), start_id, dtype=torch.int64), []
            for _ in range(length):
                scores, state = self.decode(y, hs, h, state)
                y = scores.argmax(dim=2)
                out.append(y)
            return torch.cat(out, dim=1)

    model = Model()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()
    order = numpy.random.default_rng(seed).permutation(len(x_train))
    start = time.perf_counter()
    for k in range(len(x_train) // 128):
        idx = order[k * 128:(k + 1) * 128]
        xs, ts = torch.from_numpy(x_train[idx].astype(numpy.int64)), torch.from_numpy(t_train[idx].astype(numpy.int64))
        step(opt, loss_fn(model(xs, ts).reshape(-1, V), ts[:, 1:].reshape(-1)), model, 5.0)
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    correct = 0
    for k in range(0, len(x_test), 500):
        guess = model.generate(torch.from_numpy(x_test[k:k + 500].astype(numpy.int64)), int(t_test[0, 0]),
                               t_test.shape[1] - 1).numpy()
        correct += int((guess == t_test[k:k + 500, 1:]).all(axis=1).sum())
    return dict(train_seconds=train_seconds, eval_seconds=time.perf_counter() - start,
                metric="accuracy", value=correct / len(x_test))


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.torch_jobs", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("job", choices=JOBS)
    p.add_argument("--limit-tokens", type=int, default=None, help="language models: the first N ids of each split (default: %(default)s, all)")
    p.add_argument("--limit", type=int, default=None, help="seq2seq: the first N training pairs (default: %(default)s, all)")
    args = p.parse_args(argv)
    if args.job in ("rnnlm", "better"):
        result = language_model(args.job, args.limit_tokens)
    else:
        result = seq2seq(args.job, args.limit)
    print("%s: %s %.4f, train %.1f s, evaluation %.1f s" % (args.job, result["metric"], result["value"],
                                                             result["train_seconds"], result["eval_seconds"]))
    report(1000.0 * result["train_seconds"], **result)


if __name__ == "__main__":
    main()
