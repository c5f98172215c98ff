"""CBOW + negative sampling training throughput on PTB (targets/s), with gensim's
word2vec on the same corpus and settings as the ceiling when gensim is installed.

    python -m benchmarks.bench_word2vec [--iters 2000] [--batch 100]

The book's reference implementation runs at about 1.8k targets/s on a 2-core CPU.
"""
import argparse
import time

import numpy

from ch04.cbow import CBOW
from common.optimizer import OPTIMIZERS
from common.text import create_contexts_target
from common.trainer import Trainer
from dataset import ptb

BOOK_TARGETS_PER_S = 1.8e3


def time_scratchnlp(corpus, vocab_size, iters, batch, window, hidden, optimizer="adam", lr=0.001):
    contexts, target = create_contexts_target(corpus, window)
    model = CBOW(vocab_size, hidden, window, corpus, rng=numpy.random.default_rng(0), seed=0)
    trainer = Trainer(model, OPTIMIZERS[optimizer](lr=lr), seed=0, verbose=False)
    n = iters * batch
    trainer.fit(contexts[:20 * batch], target[:20 * batch], max_epoch=1, batch_size=batch, eval_interval=None)
    start = time.perf_counter()
    trainer.fit(contexts[:n], target[:n], max_epoch=1, batch_size=batch, eval_interval=None)
    return n / (time.perf_counter() - start)


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
    p.add_argument("--iters", type=int, default=2000)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--hidden", type=int, default=100)
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam")
    p.add_argument("--lr", type=float, default=None, help="default: 0.001 for adam, 10 for sgd")
    args = p.parse_args(argv)
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    lr = args.lr or (10.0 if args.optimizer == "sgd" else 0.001)
    ours = time_scratchnlp(corpus, len(word_to_id), args.iters, args.batch, args.window, args.hidden, args.optimizer, lr)
    print("scratchnlp CBOW (%s, batch %d): %10.0f targets/s  (%.0fx the book's %.1fk)"
          % (args.optimizer, args.batch, ours, ours / BOOK_TARGETS_PER_S, BOOK_TARGETS_PER_S / 1e3))
    try:
        ref = time_gensim(id_to_word, corpus, args.window, args.hidden)
        print("gensim CBOW (1 worker):    %10.0f words/s    (scratchnlp / gensim = %.3f)" % (ref, ours / ref))
    except ImportError:
        print("gensim not installed: no ceiling measured")


if __name__ == "__main__":
    main()
