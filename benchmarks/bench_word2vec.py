"""word2vec (CBOW or skip-gram) + negative sampling training throughput on PTB (targets/s), with
gensim's word2vec on the same corpus and settings as the ceiling when gensim is installed.

    python -m benchmarks.bench_word2vec [--model cbow|skipgram] [--optimizer sgd|adam] [--batch 100]
                                        [--hidden 100] [--iters STEPS] [--rounds 3] [--dynamic-window]
                                        [--batch-order shuffled|contiguous|both] [--workers 2]

A target is one centre word with its 2 x window contexts; gensim reports words/s, one word
being one centre word, so the two rates count the same thing. gensim shrinks each window
to a random 1..window, so it does about 0.6x the context work per word that the book's full
window does; ``--dynamic-window`` gives ours the same windows.

``--batch-order`` picks how ours reads the data: ``shuffled`` (the book's Trainer: every batch
gathers random targets), ``contiguous`` (every batch is a run of consecutive targets, batches in
random order, as gensim's and word2vec's workers read text; ``ch04.train --contiguous-batches``),
or ``both`` as two arms of the same round-robin.

``--workers W`` (SGD) adds ours with W Hogwild! processes (``ch04.train --workers``), timed over one
whole PTB epoch as gensim's arm is, and gensim with W workers beside it.

Every arm runs in its own process, round-robin after an idle gap (``benchmarks.harness``).

The book's reference implementation runs at about 1.8k targets/s on a 2-core CPU.
"""
import argparse
import importlib.util
import statistics
import time

import numpy

from benchmarks.harness import machine, median, median_ratio, report, round_ratios, round_robin
from ch04.cbow import CBOW
from ch04.skip_gram import SkipGram
from ch04.train import check_workers, model_options
from common import text
from common.batches import ShuffledBatches
from common.cli import non_negative_float, non_negative_int, parser, positive_float, positive_int
from common.hogwild import HogwildTrainingLoop
from common.optimizer import OPTIMIZERS
from common.trainer import Trainer
from dataset import ptb

BOOK_TARGETS_PER_S = 1.8e3
TARGETS_PER_CALL = 200_000


MODELS = {"cbow": CBOW, "skipgram": SkipGram}


def contexts_and_target(corpus, window, dynamic_window=False):
    """The (N, 2 window) contexts and (N,) targets of ``corpus``; -1 outside word2vec's dynamic window."""
    contexts, target = text.create_contexts_target(corpus, window)
    if dynamic_window:
        contexts = text.dynamic_window(contexts, window, numpy.random.default_rng(0))
    return contexts, target


def time_scratchnlp(corpus, vocab_size, iters, batch, window, hidden, optimizer="adam", lr=0.001, repeats=5,
                    model="cbow", dynamic_window=False, contiguous=False, options=None):
    """Targets/s of ``repeats`` consecutive runs of ``iters`` steps each (after a warm-up)."""
    contexts, target = contexts_and_target(corpus, window, dynamic_window)
    model = MODELS[model](vocab_size, hidden, window, corpus, rng=numpy.random.default_rng(0), seed=0,
                          **(options or {}))
    trainer = Trainer(model, OPTIMIZERS[optimizer](lr=lr), seed=0, verbose=False)
    n = iters * batch
    check_enough(len(target), repeats * n, "%d x %d steps of batch %d" % (repeats, iters, batch))
    trainer.fit(contexts[:20 * batch], target[:20 * batch], max_epoch=1, batch_size=batch, eval_interval=None,
                contiguous=contiguous)
    rates = []
    for r in range(repeats):
        xs, ts = contexts[r * n:(r + 1) * n], target[r * n:(r + 1) * n]
        start = time.perf_counter()
        trainer.fit(xs, ts, max_epoch=1, batch_size=batch, eval_interval=None, contiguous=contiguous)
        rates.append(n / (time.perf_counter() - start))
    return rates


def time_workers(corpus, vocab_size, batch, window, hidden, lr, workers, model="cbow", dynamic_window=False,
                 options=None):
    """Targets/s of one epoch over all of PTB's targets (what gensim's arm trains on), in batches of
    consecutive targets shared by ``workers`` Hogwild! processes (``common.hogwild``; SGD), the forks
    and joins included, after a warm-up epoch of 20 batches."""
    contexts, target = contexts_and_target(corpus, window, dynamic_window)
    net = MODELS[model](vocab_size, hidden, window, corpus, rng=numpy.random.default_rng(0), seed=0,
                        **(options or {}))
    optimizer = OPTIMIZERS["sgd"](lr=lr)
    for data in ((contexts[:20 * batch], target[:20 * batch]), (contexts, target)):
        loop = HogwildTrainingLoop(net, optimizer, ShuffledBatches(data, batch, seed=0, contiguous=True),
                                   workers=workers, verbose=False)
        start = time.perf_counter()
        loop.fit(1)
        seconds = time.perf_counter() - start
        net = loop.model
    return loop.history[-1]["iterations"] * batch / seconds


def check_enough(available, needed, what):
    """A rate must count only targets that were trained on: too few targets is an error, not a short run."""
    if needed > available:
        raise ValueError("%s need %d targets, but the corpus has %d: lower --iters or --batch"
                         % (what, needed, available))


def time_book(corpus, vocab_size, iters, batch, window, hidden, optimizer, lr):
    """Targets/s of the book-style CBOW (benchmarks/book_word2vec.py) with the same settings."""
    from benchmarks.book_word2vec import BookCBOW

    numpy.random.seed(0)
    contexts, target = contexts_and_target(corpus, window)
    check_enough(len(target), (iters + 1) * batch, "%d steps of batch %d" % (iters + 1, batch))
    model = BookCBOW(vocab_size, hidden, window, corpus)
    model.train_step(contexts[:batch], target[:batch], optimizer, lr)
    start = time.perf_counter()
    for it in range(1, iters + 1):
        model.train_step(contexts[it * batch:(it + 1) * batch], target[it * batch:(it + 1) * batch], optimizer, lr)
    return iters * batch / (time.perf_counter() - start)


def time_gensim(id_to_word, corpus, window, hidden, model="cbow", workers=1):
    from gensim.models import Word2Vec

    words = [id_to_word[int(i)] for i in corpus]
    sentences, current = [], []
    for w in words:
        if w == "<eos>":
            sentences.append(current)
            current = []
        else:
            current.append(w)
    model = Word2Vec(vector_size=hidden, window=window, min_count=1, sg=int(model == "skipgram"), negative=5,
                     workers=workers, sample=0, seed=0)
    model.build_vocab(sentences)
    start = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=1)
    return len(words) / (time.perf_counter() - start)


def default_lr(args):
    """Adam 0.001; SGD 10 (cbow) or 2.5 (skip-gram): the speed does not depend on the rate."""
    if args.optimizer != "sgd":
        return 0.001
    return 10.0 if args.model == "cbow" else 2.5


def child(args, options):
    """One arm in this process: report its throughput as ms per 1000 targets (or words) and targets/s;
    ``options`` are our model's (``ch04.train.model_options``)."""
    corpus, word_to_id, id_to_word = ptb.load_data("train")
    lr = args.lr or default_lr(args)
    if args.arm in ("scratchnlp", "contiguous"):
        rate = statistics.median(time_scratchnlp(corpus, len(word_to_id), args.iters, args.batch, args.window,
                                                 args.hidden, args.optimizer, lr, repeats=1, model=args.model,
                                                 dynamic_window=args.dynamic_window,
                                                 contiguous=args.arm == "contiguous", options=options))
    elif args.arm == "workers":
        rate = time_workers(corpus, len(word_to_id), args.batch, args.window, args.hidden, lr,
                            args.workers, model=args.model, dynamic_window=args.dynamic_window, options=options)
    elif args.arm == "book":
        rate = time_book(corpus, len(word_to_id), args.book_iters, args.batch, args.window, args.hidden,
                         args.optimizer, lr)
    else:
        rate = time_gensim(id_to_word, corpus, args.window, args.hidden, args.model,
                           workers=args.workers if args.arm == "gensim-workers" else 1)
    report(1e6 / rate, rate=rate, arm=args.arm)


def main(argv=None):
    p = parser("benchmarks.bench_word2vec", __doc__, dry_run=False)
    p.add_argument("--model", choices=sorted(MODELS), default="cbow", help="word2vec model")
    p.add_argument("--dynamic-window", action="store_true",
                   help="word2vec's (and gensim's) random 1..window reach per target")
    p.add_argument("--shared-negatives", action="store_true",
                   help="skip-gram only: ours shares each target's negatives among its pairs (ch04.train "
                        "--shared-negatives); gensim keeps its negatives per pair")
    p.add_argument("--rounds", type=positive_int, default=3, help="round-robin rounds")
    p.add_argument("--gap", type=non_negative_float, default=1.0, help="idle seconds before every call")
    p.add_argument("--iters", type=positive_int, default=None,
                   help="timed steps of our model per call (default: 200,000 targets' worth, 200,000 // batch)")
    p.add_argument("--batch", type=positive_int, default=100, help="targets per step")
    p.add_argument("--book-iters", type=non_negative_int, default=40, help="steps of the book-style reference (0: skip it)")
    p.add_argument("--window", type=positive_int, default=5, help="context words on each side")
    p.add_argument("--hidden", type=positive_int, default=100, help="word-vector size H")
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam", help="optimizer of our model")
    p.add_argument("--lr", type=positive_float, default=None,
                   help="default: 0.001 for adam; for sgd 10 (cbow) or 2.5 (skip-gram), rates the timed runs "
                        "of docs/journal.md (batch 100 to 2,000) took without diverging")
    p.add_argument("--batch-order", choices=["shuffled", "contiguous", "both"], default="shuffled",
                   help="ours: random targets per batch (the book's Trainer), runs of consecutive targets "
                        "(ch04.train --contiguous-batches), or both as two arms")
    p.add_argument("--workers", type=positive_int, default=1,
                   help="also time ours with this many Hogwild! processes (ch04.train --workers; consecutive "
                        "targets, SGD; one epoch over all of PTB, as gensim's arm) against gensim's one worker")
    p.add_argument("--arm", choices=["scratchnlp", "contiguous", "workers", "book", "gensim", "gensim-workers"],
                   help=argparse.SUPPRESS)   # child mode
    args = p.parse_args(argv)
    check_workers(p, args)
    options = model_options(p, args)
    if args.iters is None:
        args.iters = max(1, TARGETS_PER_CALL // args.batch)
    if args.arm:
        return child(args, options)
    print(machine(), flush=True)
    shared = ["--iters", str(args.iters), "--batch", str(args.batch), "--book-iters", str(args.book_iters),
              "--window", str(args.window), "--hidden", str(args.hidden), "--optimizer", args.optimizer,
              "--model", args.model, "--workers", str(args.workers)] + (["--dynamic-window"] if args.dynamic_window else [])
    shared += ["--shared-negatives"] if args.shared_negatives else []
    if args.lr:
        shared += ["--lr", str(args.lr)]
    ours_arms = {"shuffled": ["scratchnlp"], "contiguous": ["contiguous"], "both": ["scratchnlp", "contiguous"]}
    our_arms = ours_arms[args.batch_order] + (["workers"] if args.workers > 1 else [])
    arms = {arm: ("benchmarks.bench_word2vec", ["--arm", arm] + shared) for arm in our_arms}
    if args.book_iters and args.model == "cbow":
        arms["book"] = ("benchmarks.bench_word2vec", ["--arm", "book"] + shared)
    if importlib.util.find_spec("gensim") is not None:
        arms["gensim"] = ("benchmarks.bench_word2vec", ["--arm", "gensim"] + shared)
        if args.workers > 1:
            arms["gensim-workers"] = ("benchmarks.bench_word2vec", ["--arm", "gensim-workers"] + shared)
    res = round_robin(arms, args.rounds, args.gap)
    print("%s%s%s, window %d, H %d, 5 negatives, batch %d, %s; each arm in its own process, %d rounds"
          % (args.model, " (dynamic window)" if args.dynamic_window else "",
             " (ours: negatives shared by a target's pairs)" if args.shared_negatives else "", args.window, args.hidden, args.batch, args.optimizer, args.rounds))
    labels = {"scratchnlp": "scratchnlp", "contiguous": "scratchnlp, contiguous batches",
              "workers": "scratchnlp, contiguous batches, %d Hogwild! processes" % args.workers}
    for arm in our_arms:
        ours = median(res, arm, "rate")
        versus_book = (" (= %.0fx the book's %.1fk quoted in the issue)" % (ours / BOOK_TARGETS_PER_S, BOOK_TARGETS_PER_S / 1e3)
                       if args.model == "cbow" else "")
        print("%s: median %8.0f targets/s, peak %4.0f MiB%s" % (labels[arm], ours, median(res, arm, "rss_mb"), versus_book))
        if "book" in res:
            print("  / book-style (median %.0f targets/s, peak %.0f MiB) = %.1fx (median per round)"
                  % (median(res, "book", "rate"), median(res, "book", "rss_mb"), median_ratio(res, "book", arm)))
        if "gensim" in res:
            per_round = round_ratios(res, "gensim", arm)
            print("  / gensim, 1 worker (median %.0f words/s, peak %.0f MiB) = %.3f (median per round; rounds %.3f-%.3f)"
                  % (median(res, "gensim", "rate"), median(res, "gensim", "rss_mb"),
                     median_ratio(res, "gensim", arm), min(per_round), max(per_round)))
    if "gensim-workers" in res:
        print("  (ours with %d processes / gensim with %d workers, median %.0f words/s = %.3f, median per round)"
              % (args.workers, args.workers, median(res, "gensim-workers", "rate"),
                 median_ratio(res, "gensim-workers", "workers")))
    if "gensim" not in res:
        print("gensim not installed: no ceiling measured")
    return res


if __name__ == "__main__":
    main()
