"""CBOW + negative sampling training throughput on PTB (targets/s), with gensim's
word2vec on the same corpus and settings as the ceiling when gensim is installed.

    python -m benchmarks.bench_word2vec [--optimizer sgd|adam] [--iters 1000] [--repeats 5] [--batch 100]

The book's reference implementation runs at about 1.8k targets/s on a 2-core CPU.
"""
import argparse
import statistics
import time

import numpy

from ch04.cbow import CBOW
from common.optimizer import OPTIMIZERS
from common.text import create_contexts_target
from common.trainer import Trainer
from dataset import ptb

BOOK_TARGETS_PER_S = 1.8e3


def time_scratchnlp(corpus, vocab_size, iters, batch, window, hidden, optimizer="adam", lr=0.001, repeats=5):
    """Targets/s of ``repeats`` consecutive runs of ``iters`` steps each (after a warm-up)."""
    contexts, target = create_contexts_target(corpus, window)
    model = CBOW(vocab_size, hidden, window, corpus, rng=numpy.random.default_rng(0), seed=0)
    trainer = Trainer(model, OPTIMIZERS[optimizer](lr=lr), seed=0, verbose=False)
    n = iters * batch
    trainer.fit(contexts[:20 * batch], target[:20 * batch], max_epoch=1, batch_size=batch, eval_interval=None)
    rates = []
    for r in range(repeats):
        xs, ts = contexts[r * n:(r + 1) * n], target[r * n:(r + 1) * n]
        start = time.perf_counter()
        trainer.fit(xs, ts, max_epoch=1, batch_size=batch, eval_interval=None)
        rates.append(n / (time.perf_counter() - start))
    return rates


def time_book(corpus, vocab_size, iters, batch, window, hidden, optimizer, lr):
    """Targets/s of the book-style CBOW (benchmarks/book_word2vec.py) with the same settings."""
    from benchmarks.book_word2vec import BookCBOW

    numpy.random.seed(0)
    contexts, target = create_contexts_target(corpus, window)
    model = BookCBOW(vocab_size, hidden, window, corpus)
    model.train_step(contexts[:batch], target[:batch], optimizer, lr)
    start = time.perf_counter()
    for it in range(1, iters + 1):
        model.train_step(contexts[it * batch:(it + 1) * batch], target[it * batch:(it + 1) * batch], optimizer, lr)
    return iters * batch / (time.perf_counter() - start)


def time_gensim(id_to_word, corpus, window, hidden):
    from gensim.models import Word2Vec

    words = [id_to_word[int(i)] for i in corpus]
    sentences, current = [], []
    for w in words:
        if w == "<eos>":
            sentences.append(current)
            current = []
        else:
            current.append(w)
    model = Word2Vec(vector_size=hidden, window=window, min_count=1, sg=0, negative=5, workers=1,
                     sample=0, seed=0)
    model.build_vocab(sentences)
    start = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=1)
    return len(words) / (time.perf_counter() - start)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--iters", type=int, default=1000, help="steps per timed repeat")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--book-iters", type=int, default=40, help="steps of the book-style reference (0: skip)")
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--hidden", type=int, default=100)
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam")
    p.add_argument("--lr", type=float, default=None, help="default: 0.001 for adam, 10 for sgd")
    args = p.parse_args(argv)
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    lr = args.lr or (10.0 if args.optimizer == "sgd" else 0.001)
    rates = time_scratchnlp(corpus, len(word_to_id), args.iters, args.batch, args.window, args.hidden,
                            args.optimizer, lr, args.repeats)
    ours = statistics.median(rates)
    print("scratchnlp CBOW (%s, batch %d): median %8.0f targets/s, best %8.0f over %d x %d steps"
          % (args.optimizer, args.batch, ours, max(rates), args.repeats, args.iters))
    print("  = %.0fx (median) / %.0fx (best) the book's %.1fk targets/s quoted in the issue"
          % (ours / BOOK_TARGETS_PER_S, max(rates) / BOOK_TARGETS_PER_S, BOOK_TARGETS_PER_S / 1e3))
    if args.book_iters:
        book = time_book(corpus, len(word_to_id), args.book_iters, args.batch, args.window, args.hidden,
                         args.optimizer, lr)
        print("book-style CBOW (%s), this run: %8.0f targets/s  (scratchnlp median / book = %.1fx)"
              % (args.optimizer, book, ours / book))
    try:
        ref = statistics.median(time_gensim(id_to_word, corpus, args.window, args.hidden) for _ in range(3))
        print("gensim CBOW (1 worker):    median %8.0f words/s of 3 epochs (scratchnlp / gensim = %.3f)"
              % (ref, ours / ref))
    except ImportError:
        print("gensim not installed: no ceiling measured")


if __name__ == "__main__":
    main()
